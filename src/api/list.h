#ifndef CUSTODIAN_API_LIST_H
#define CUSTODIAN_API_LIST_H

#include <stdbool.h>
#include <stdint.h>

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

#endif
