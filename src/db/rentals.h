#ifndef CUSTODIAN_DB_RENTALS_H
#define CUSTODIAN_DB_RENTALS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/types.h"

/*
 * Subscriptions as FlexPortal's listSubscriptions and getSubscription show
 * them ("rentals"): each with its customer, its order and line, its device
 * and how it ended, newest first with keyset pagination on the id.
 */

struct rental_query {
	unsigned tenant;
	const char *public_id; /* one subscription (getSubscription), or NULL */
	int status;            /* enum subscription_status, or -1 */
	uint64_t customer_id;  /* 0: every customer */
	const char *order;     /* an order's public id, or NULL */
	const char *serial;    /* a device's serial number, or NULL */
	uint64_t after_id;     /* 0: from the newest */
	unsigned limit;
};

struct rental_item {
	uint64_t id;
	const char *public_id;
	enum subscription_status status;
	const char *customer_public_id;
	const char *customer_email;
	const char *customer_name;
	const char *asset_serial;    /* NULL: no device (a protection plan) */
	const char *sku;             /* the order line's, else the device's; NULL: neither */
	const char *product_name;    /* likewise */
	const char *order_public_id; /* NULL: made without an order */
	int64_t monthly_cents;
	const char *currency;
	int64_t contract_months; /* 0: not known (no order line) */
	int64_t months_rented;   /* whole months from the start to its end (or today) */
	const char *start_date;  /* YYYY-MM-DD */
	const char *end_date;    /* YYYY-MM-DD, or NULL */
	const char *created_at;
	const char *updated_at; /* never NULL: created_at when never updated */
	const char *created_by;
	const char *ended_at; /* NULL unless Custodian ended it */
	const char *ended_by;
	int cancel_reason; /* enum cancel_reason, or -1 */
	const char *end_reason_text;
	const char *end_notes;
	int return_condition;           /* enum return_condition, or -1 */
	int64_t early_return_fee_cents; /* -1: none recorded */
};

struct rental_items {
	struct rental_item *rows;
	size_t n;
};

/* Reads at most q->limit subscriptions of the tenant matching q, newest
 * first, after q->after_id when it is not 0. The rows live in the arena. */
enum err db_rentals_list(struct db *db, struct arena *a, const struct rental_query *q,
                         struct rental_items *out);

#endif
