#ifndef CUSTODIAN_DB_CUSTOMERS_H
#define CUSTODIAN_DB_CUSTOMERS_H

#include <stdbool.h>

#include "db/db.h"

/*
 * The customer list: one prepared statement per shape (sort, direction,
 * status filter or all, first page or after a cursor, search mode, with or
 * without addresses), built from fixed fragments and cached per worker.
 * Every shape reads an index in order (see sql/schema.sql): no filesort
 * over the table, no OFFSET.
 *
 * Searches first collect at most CUSTOMER_SEARCH_CAP matching ids per
 * searched column through its index (email, "last first", "first last",
 * company prefixes), then sort those; so a broad search shows the first
 * matches only and says so (see README, "Search").
 */

#define CUSTOMER_SEARCH_CAP 1000

/* In the order of the "sort" field's values (http/input.c). */
enum customer_sort {
	CSORT_CREATED,
	CSORT_NAME,
	CSORT_EMAIL,
	CSORT_MRR,
	CSORT_DEVICES,
	CSORT_FIRST,
	CSORT__MAX
};

enum customer_search {
	CSEARCH_NONE,
	CSEARCH_PREFIX,      /* term is a prefix of email, name or company */
	CSEARCH_EMAIL_EXACT, /* term is an e-mail address (API filter) */
	CSEARCH__MAX
};

struct customer_query {
	unsigned tenant;
	const char *status; /* "active", "inactive", or NULL for all */
	const char *type;   /* "individual", "business", or NULL for all */
	int has_rentals;    /* -1 any, 0 without devices out, 1 with */
	enum customer_search search;
	const char *term;
	enum customer_sort sort;
	bool desc;
	bool after; /* continue after (after_key, after_id) */
	const char *after_key;
	unsigned long long after_id;
	bool addresses;  /* add CU_BILLING_JSON, CU_SHIPPING_JSON */
	bool with_total; /* add, last, the number of rows matching (no cursor) */
	unsigned limit;
};

/* True when the sort key is an integer column. */
bool customer_sort_is_int(enum customer_sort s);

/* The value of the sort key in a row of the list (for the next cursor). */
const char *customer_sort_key(const struct db_res *r, size_t row, enum customer_sort s);

/* Rows of the list in CU_* column order. */
enum err db_customer_list(struct db *db, struct arena *a, const struct customer_query *q,
                          struct db_res *out);

/* Matches of a search (filters applied, no cursor), counted up to cap + 1. */
enum err db_customer_search_count(struct db *db, struct arena *a, const struct customer_query *q,
                                  long long *out);

/* Escapes LIKE wildcards in term and appends '%'. */
char *like_prefix(struct arena *a, const char *term);

#endif
