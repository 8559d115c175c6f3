#ifndef CUSTODIAN_DB_PAYMENTS_H
#define CUSTODIAN_DB_PAYMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/types.h"

/*
 * Payments as FlexPortal's listPayments and getPayment show them, newest
 * first with keyset pagination on the id.
 */

struct payment_query {
	unsigned tenant;
	const char *public_id; /* one payment (getPayment), or NULL */
	int status;            /* enum payment_status, or -1 */
	uint64_t customer_id;  /* 0: any */
	const char *rental;    /* a subscription's public id, or NULL */
	const char *due_from;  /* YYYY-MM-DD: due on or after, or NULL */
	const char *due_to;    /* YYYY-MM-DD: due on or before, or NULL */
	uint64_t after_id;     /* 0: from the newest */
	unsigned limit;
};

struct payment_item {
	uint64_t id;
	const char *public_id;
	const char *customer_public_id;
	const char *rental_public_id; /* NULL: not for a subscription */
	int64_t amount_cents;
	const char *currency;
	enum payment_status status;
	const char *due_date; /* YYYY-MM-DD: the day it was raised */
	const char *paid_at;  /* or NULL */
	const char *created_at;
	const char *updated_at; /* its last change: paid, cancelled or raised */
};

struct payment_items {
	struct payment_item *rows;
	size_t n;
};

/* Reads at most q->limit payments of the tenant matching q, newest first,
 * after q->after_id when it is not 0. The rows live in the arena. */
enum err db_payments_list(struct db *db, struct arena *a, const struct payment_query *q,
                          struct payment_items *out);

#endif
