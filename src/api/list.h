#ifndef CUSTODIAN_API_LIST_H
#define CUSTODIAN_API_LIST_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "http/request.h"

/* What the records' lists share: limit, startAfter cursors bound to their
 * list, the customerId filter. */

#define API_LIST_DEFAULT_LIMIT 50

/* The page size asked for (limit, 1..100; 50 by default). */
unsigned api_list_limit(const struct req *r);

/*
 * The startAfter cursor of the list named scope: true with *key and *id
 * (0 and NULL without one), or false after answering 400 for a cursor of
 * another list.
 */
bool api_list_after(struct req *r, const char *scope, char **key, uint64_t *id);

/* The cursor that continues after the row (key, id). */
const char *api_list_next(struct req *r, const char *scope, const char *key, uint64_t id);

/*
 * The customerId filter: 1 with *id (0 when not given), 0 when it names no
 * customer of the tenant (the list is empty, as FlexPortal's is), -1 after
 * answering a database failure.
 */
int api_list_customer(struct req *r, uint64_t *id);

/*
 * A list's answer, as every FlexPortal list has it: the first rows (at
 * most limit of the n read; one more than a page is read to know there
 * is more) as JSON under name, then count, limit, hasMore and nextCursor
 * (the cursor after the last row shown, from its key and id, or null).
 */
struct api_list_page {
	const char *name; /* "customers", "orders", "rentals", "assets", "payments" */
	const char *scope;
	const void *rows;
	size_t n, size; /* rows read, and the size of one */
	unsigned limit;
	json_t *(*to_json)(struct req *r, const void *row);
	/* the cursor's key ("" when the list is in id order) and id of a row */
	void (*key_of)(struct req *r, const void *row, const void *ctx, const char **key,
	               uint64_t *id);
	const void *ctx; /* for key_of: e.g. the sort */
	bool success;    /* FlexPortal's payments list also says "success": true */
};
void api_list_send(struct req *r, const struct api_list_page *p);

#endif
