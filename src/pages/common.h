#ifndef CUSTODIAN_PAGES_COMMON_H
#define CUSTODIAN_PAGES_COMMON_H

#include <stdbool.h>

#include "domain/customers.h"
#include "domain/lifecycle.h"
#include "domain/retention.h"
#include "http/request.h"
#include "tmpl/tmpl.h"

/* Helpers shared by the pages. */

/*
 * Answers a failed read or action of the customer named by the path: 404
 * NOT_FOUND with the page's wording, the error's own answer otherwise.
 */
void page_customer_failed(struct req *r, enum err rc);

/* Answers 409 ERASED: the customer's personal data is gone for good. */
void page_erased(struct req *r);

/* An erased customer: answers page_erased() and returns true; false for
 * any other. */
bool page_refuse_erased(struct req *r, const struct customer_row *c);

/* "Personal data erased on … by …; financial records kept until …"
 * ({{#ERASED}}) for an erased customer; returns whether it is one. */
bool fill_erased(struct req *r, struct tmpl_dict *d, const struct customer_row *c,
                 const struct retention *ret);

/* What the retention policy erases in the next 30 days
 * ({{>POLICY_UPCOMING}}; pages/retention.c). */
void fill_policy_upcoming(struct req *r, struct tmpl_dict *d);

/* "First Last" from two names (either may be empty; NULL gives ""). */
const char *row_name_of(struct arena *a, const char *first, const char *last);

/* Sets CUSTOMER_ID, CUSTOMER_NAME, EMAIL, STATUS, TYPE, COMPANY, CUSTOMER_URL. */
void fill_customer_head(struct req *r, struct tmpl_dict *d, const struct customer_row *c);

/* Adds a hidden CSRF token bound to the user, action and subject as CSRF. */
void fill_csrf(struct req *r, struct tmpl_dict *d, const char *action, const char *subject);

/* The three prerequisite checks as the CHECK section (with the blocking
 * records and their links), plus BLOCKED or CLEAR. */
void fill_prereq(struct req *r, struct tmpl_dict *d, const char *customer_pid,
                 const struct prereq *p);

/* The actions that clear a blocking record of kind (links to their
 * confirmation pages) as sections of d (ACT_URL, ACT_LABEL, ACT_ID), for
 * a user who may write. */
void fill_record_actions(struct req *r, struct tmpl_dict *d, const char *section,
                         enum prereq_code kind, const char *id);

/* The retention table: fills the include {{>RETENTION_TABLE}}. */
void fill_retention(struct req *r, struct tmpl_dict *d, const struct retention *ret, bool inactive,
                    int64_t devices_out);

/* The deactivation record of an inactive customer as one DEACTIVATION
 * section (DEACT_AT, DEACT_BY, DEACT_REASON, DEACT_NOTE); returns it. */
struct tmpl_dict *fill_deactivation(struct req *r, struct tmpl_dict *d,
                                    const struct customer_row *c);

/* The reasons as radio buttons: section REASON with REASON_CODE, _LABEL,
 * _HINT and REASON_CHECKED for checked (-1: none). */
void fill_reasons(struct tmpl_dict *d, int checked);

/* The n options of a <select> as the section (OPTION_VALUE, OPTION_LABEL,
 * OPTION_SELECTED for the value equal to current, which may be NULL). */
void fill_options(struct tmpl_dict *d, const char *section, const char *const *values,
                  const char *const *labels, size_t n, const char *current);

/* The label of a reason ("Account closure"; "" for -1). */
const char *reason_label(int reason);

/* The labels of the profile's fields, its address members and the two
 * addresses, as the edit form and the history show them. */
extern const char *const profile_field_label[PF__MAX];
extern const char *const address_member_label[AM__MAX];
extern const char *const address_kind_label[ADDRESS_KIND__MAX];

/* The label of a field by its FlexPortal path: "Phone" for "phone",
 * "Billing address, city" for "billingAddress.city"; the path itself when
 * it names no field. */
const char *profile_path_label(struct arena *a, const char *path);

/* An edit's changes, when it has any, as one CHANGES section of d with a
 * CHANGE per field (CHANGE_FIELD; OLD with CHANGE_OLD or OLD_EMPTY; NEW
 * with CHANGE_NEW or NEW_EMPTY). */
void fill_changes(struct tmpl_dict *d, struct arena *a, const struct audit_row *x);

/* What a pending closure request waits for: a WAITING section per code
 * (WAITING_CODE, WAITING_TITLE), or NOTHING_BLOCKS, and CHECKED_AT. */
void fill_waiting_for(struct req *r, struct tmpl_dict *d, const char *waiting_for,
                      const char *checked_at);

/* The customer's pending closure request, if it has one, as the
 * PENDING_CLOSURE section (with a Withdraw form for operators and
 * admins); returns whether it has one. */
bool fill_pending_closure(struct req *r, struct tmpl_dict *d, const struct customer_row *c);

/* The actor of a page request. */
struct actor page_actor(struct req *r);

#endif
