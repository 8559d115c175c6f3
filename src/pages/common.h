#ifndef CUSTODIAN_PAGES_COMMON_H
#define CUSTODIAN_PAGES_COMMON_H

#include <stdbool.h>

#include "db/db.h"
#include "domain/lifecycle.h"
#include "domain/retention.h"
#include "http/error.h"
#include "http/request.h"
#include "tmpl/tmpl.h"

/* Helpers shared by the pages. */

/*
 * Loads the customer named by the path in the user's tenant into out (one
 * row, CU_* columns). When it cannot (no such customer: 404 NOT_FOUND;
 * database down: 503) it answers itself and returns false.
 */
bool page_load_customer(struct req *r, struct db_res *out);

/* "Jane Doe" (or the e-mail when both names are empty). */
const char *customer_name(struct arena *a, const struct db_res *c, size_t row);

/* "First Last" from two columns (either may be empty; NULL gives ""). */
const char *row_name_of(struct arena *a, const char *first, const char *last);

/* Sets CUSTOMER_ID, CUSTOMER_NAME, EMAIL, STATUS, TYPE, COMPANY, CUSTOMER_URL. */
void fill_customer_head(struct req *r, struct tmpl_dict *d, const struct db_res *c, size_t row);

/* Adds a hidden CSRF token bound to the user, action and subject as CSRF. */
void fill_csrf(struct req *r, struct tmpl_dict *d, const char *action, const char *subject);

/* The three prerequisite checks as the CHECK section (with the blocking
 * records and their links), plus BLOCKED or CLEAR. */
void fill_prereq(struct req *r, struct tmpl_dict *d, const char *customer_pid,
                 const struct prereq *p);

/* The retention table: fills the include {{>RETENTION_TABLE}}. */
void fill_retention(struct req *r, struct tmpl_dict *d, const struct retention *ret, bool inactive,
                    long long devices_out);

/* The deactivation record of an inactive customer row as one DEACTIVATION
 * section (DEACT_AT, DEACT_BY, DEACT_REASON, DEACT_NOTE); returns it. */
struct tmpl_dict *fill_deactivation(struct req *r, struct tmpl_dict *d, const struct db_res *c,
                                    size_t row);

/* The n options of a <select> as the section (OPTION_VALUE, OPTION_LABEL,
 * OPTION_SELECTED for the value equal to current, which may be NULL). */
void fill_options(struct tmpl_dict *d, const char *section, const char *const *values,
                  const char *const *labels, size_t n, const char *current);

/* The actor of a page request. */
struct actor page_actor(struct req *r);

#endif
