#ifndef CUSTODIAN_DB_ORDERS_H
#define CUSTODIAN_DB_ORDERS_H

#include <stdint.h>

#include "db/customers.h"
#include "db/db.h"
#include "db/records.h"

/*
 * A tenant's orders as FlexPortal's listOrders shows them (GET /v1/orders):
 * each with its customer, the addresses it was placed with, its lines and
 * the rentals made for it, sorted by one of FlexPortal's keys with keyset
 * pagination on (key, id).
 */

/* FlexPortal's sortBy values, as the keys the list can be read in. */
enum order_sort {
	OSORT_CREATED, /* createdAt */
	OSORT_UPDATED, /* updatedAt */
	OSORT_ID,      /* orderId: the public id */
	OSORT_STATUS,  /* status: in lifecycle order (pending ... cancelled) */
	OSORT_TOTAL,   /* totals.total */
	OSORT__MAX
};

struct orders_query {
	unsigned tenant;
	const char *public_id; /* one order (getOrder), or NULL */
	uint64_t customer_id;  /* 0: every customer */
	int status;            /* enum order_status, or -1 for any */
	enum order_sort sort;
	bool desc;
	bool after;            /* from the row after (after_key, after_id) */
	const char *after_key; /* order_sort_key() of that row */
	uint64_t after_id;
	unsigned limit;
};

/* The customer of an order, as it is now (orders keep no copy). */
struct order_customer {
	const char *public_id;
	const char *email;
	const char *first_name;
	const char *last_name;
	const char *full_name;
	const char *company; /* NULL: none */
	const char *phone;   /* NULL: none */
	enum customer_type type;
};

struct order_detail {
	struct order_row o; /* with o.items, each with its rental ids */
	enum order_type type;
	const char *updated_at;
	const char *created_by;
	struct order_customer customer;
	/* The addresses the order was placed with; has_* false when the
	 * customer had none at the time. */
	bool has_billing, has_shipping;
	struct address_row billing, shipping;
	const char **rental_ids; /* every subscription made for the order, by id */
	size_t nrentals;
	int64_t devices; /* units of its device lines */
};

struct order_detail_list {
	ROWS(order_detail);
};

/* The most orders db_orders_list() reads the lines of, with one statement. */
#define ORDERS_ITEMS_MAX 101

/*
 * Reads at most q->limit orders, then the lines of all of them in one more
 * statement (at most ORDERS_ITEMS_MAX orders; a larger limit is refused
 * with ERR_INVALID, as is an after_key that does not fit the sort). The
 * rows live in the arena.
 */
enum err db_orders_list(struct db *db, struct arena *a, const struct orders_query *q,
                        struct order_detail_list *out);

/* The lines of the orders ids[0..n) (n <= ORDERS_ITEMS_MAX) of the tenant,
 * by order then line id, each with the public ids of its rentals. */
enum err db_order_items(struct db *db, struct arena *a, unsigned tenant, const uint64_t *ids,
                        size_t n, struct order_item_row **out, size_t *nout);

/* The sort key of a row for a cursor (what after_key takes). */
const char *order_sort_key(struct arena *a, const struct order_detail *d, enum order_sort s);

#endif
