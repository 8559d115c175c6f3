#ifndef CUSTODIAN_DOMAIN_SEARCH_H
#define CUSTODIAN_DOMAIN_SEARCH_H

#include "db/customers.h"

/*
 * The search box: one term, understood by its shape (README, "Search").
 * A term that is one id of a record (cus_, ord_, sub_, pay_ or a device
 * serial) jumps to its customer; any other term, or an id the tenant does
 * not have, is searched for among the customers: by the prefixes of the
 * e-mail, the names and the company, by a phone number's digits, and by
 * words anywhere (db/customers.c, search_from()). The pages, the API's
 * extension parameter and bulk clean-up all go through here.
 */

/* A record found by its id, and its customer. */
struct search_jump {
	enum record_kind kind;
	const char *id;          /* the record's id, as given (trimmed) */
	const char *customer_id; /* its customer's public id */
};

/* The kind of record the term names by its shape, or -1 when it is not
 * one id (no statement runs). A serial must hold a digit or a '-', so
 * that a plain word is never taken for one. *id gets the trimmed term. */
int search_id_kind(struct arena *a, const char *term, const char **id);

/* ERR_OK and *out when term is one id of a record of the tenant (one
 * statement); ERR_NOT_FOUND when it has not the shape of one, or the
 * tenant has no such record (another tenant's is the same as none). */
enum err search_jump(struct db *db, struct arena *a, unsigned tenant, const char *term,
                     struct search_jump *out);

/* Makes q the search box's search for term (NULL: no search). */
void search_query(struct customer_query *q, const char *term);

/* The tenant's active customers the search box finds for term, newest
 * first, at most limit (bulk clean-up's search mode); *matches is their
 * count (exact up to CUSTOMER_SEARCH_CAP, more beyond). One statement. */
enum err search_active(struct db *db, struct arena *a, unsigned tenant, const char *term,
                       unsigned limit, struct customer_list *out, int64_t *matches);

/* "order", "subscription", ... for the pages. */
extern const char *const record_kind_label[RECORD_KIND__MAX];

#endif
