#ifndef CUSTODIAN_DB_ACTIONS_H
#define CUSTODIAN_DB_ACTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/types.h"

/*
 * The records a deactivation waits for, read and written one at a time by
 * the actions that clear them (domain/actions.c): cancel an order, end a
 * subscription, record a device's return. Each lookup is tenant-scoped and
 * comes in two forms: a plain read (the confirmation page, and to learn
 * the customer to lock first) and, with lock, FOR UPDATE (inside the
 * action's transaction, after the customer's row is locked).
 */

/* An order line, as a cancellation sees it. */
struct action_line {
	uint64_t id;
	enum item_kind kind;
	const char *sku;
	const char *product_name;
	int64_t quantity;
	int64_t cancelled; /* units already cancelled */
	int64_t rentals;   /* subscriptions made for it */
	int64_t unit_cents;
};

struct action_order {
	uint64_t id;
	const char *public_id;
	enum order_status status;
	uint64_t customer_id;
	const char *customer_public_id;
	int64_t total_cents;
	const char *currency;
	struct action_line *lines;
	size_t nlines;
};

struct action_payment {
	uint64_t id;
	const char *public_id;
	enum payment_status status;
	int64_t amount_cents;
};

struct action_subscription {
	uint64_t id;
	const char *public_id;
	enum subscription_status status;
	uint64_t customer_id;
	const char *customer_public_id;
	const char *asset_serial; /* NULL: no device (a protection plan) */
	bool asset_with_customer; /* the device is rented out to this customer */
	int64_t monthly_cents;
	const char *currency;
	const char *start_date;          /* YYYY-MM-DD */
	int64_t contract_months;         /* 0: not known (no order line) */
	const char *today;               /* the database's UTC date */
	struct action_payment *payments; /* pending and processing, oldest first (lock only) */
	size_t npayments;
};

struct action_asset {
	const char *serial;
	const char *product_name;
	enum asset_status status;
	uint64_t customer_id; /* 0: none */
	const char *customer_public_id;
	const char *active_rental;      /* an active subscription that has it, or NULL */
	const char *return_expected_at; /* NULL unless its rental ended */
	const char *today;
};

enum err db_action_order(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                         bool lock, struct action_order *out);
enum err db_action_subscription(struct db *db, struct arena *a, unsigned tenant,
                                const char *public_id, bool lock, struct action_subscription *out);
enum err db_action_asset(struct db *db, struct arena *a, unsigned tenant, const char *serial,
                         bool lock, struct action_asset *out);

/* An order's new status, with who and why; false in *changed when it was
 * no longer in flight. */
enum err db_order_cancel(struct db *db, struct arena *a, uint64_t id, enum order_status status,
                         const char *by, const char *reason, bool *changed);
enum err db_order_line_cancel_units(struct db *db, struct arena *a, uint64_t line_id,
                                    int64_t cancelled);

/* The end of an active subscription. cancel_reason, condition: -1 for none;
 * fee_cents: -1 for none. */
struct subscription_end {
	enum subscription_status status;
	const char *by;
	int cancel_reason;
	const char *reason_text;
	const char *notes;
	int condition;
	int64_t fee_cents;
};
enum err db_subscription_end(struct db *db, struct arena *a, uint64_t id,
                             const struct subscription_end *e, bool *changed);
enum err db_payment_cancel(struct db *db, struct arena *a, uint64_t id, bool *changed);
enum err db_payment_insert_fee(struct db *db, struct arena *a, const char *public_id,
                               unsigned tenant, uint64_t customer_id, uint64_t subscription_id,
                               int64_t cents, const char *currency);

/* The device is coming back (its rental ended while it is still out). */
enum err db_asset_expect_return(struct db *db, struct arena *a, const char *serial,
                                uint64_t customer_id);

/* A device's new status. Leaving the customer (available, returned) clears
 * its customer; returned_on and condition are kept for a return (NULL, -1
 * otherwise); notes replaces the asset's notes when not NULL. */
struct asset_change {
	enum asset_status status;
	bool off_customer;
	const char *returned_on;
	int condition;
	const char *notes;
	const char *location;
};
enum err db_asset_set_status(struct db *db, struct arena *a, const char *serial,
                             const struct asset_change *c);

#endif
