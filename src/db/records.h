#ifndef CUSTODIAN_DB_RECORDS_H
#define CUSTODIAN_DB_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/customers.h"
#include "db/db.h"
#include "db/types.h"

/*
 * A customer's records: orders, subscriptions, devices, payments, audit
 * rows and notes, as typed rows. The blocking records of a deactivation (SPEC §4 rule
 * 2) and the customer page's six history sections are each read in one
 * statement (db/records.c); the locking reads of the lifecycle transaction
 * stay one statement per table, each with its own lock.
 */

/* A line of an order. */
struct order_item_row {
	uint64_t id;
	uint64_t order_id;
	enum item_kind kind;
	const char *sku;
	const char *product_name;
	int64_t quantity;
	int64_t unit_cents; /* monthly price of one unit */
	int64_t contract_months;
	const char **rental_ids; /* the subscriptions made for it (API list only) */
	size_t nrentals;
};

struct order_row {
	uint64_t id;
	const char *public_id;
	enum order_status status;
	int64_t total_cents; /* the sum of the lines (sql/triggers.sql) */
	const char *currency;
	const char *created_at;
	const char *customer_public_id; /* the API's list only */
	/* its lines, in id order (the customer page's sections and the API's
	 * list; empty elsewhere) */
	struct order_item_row *items;
	size_t nitems;
};

struct subscription_row {
	uint64_t id;
	const char *public_id;
	enum subscription_status status;
	int64_t monthly_cents;
	const char *start_date; /* "YYYY-MM-DD" */
	const char *end_date;   /* NULL while open */
	const char *asset_serial;
	const char *order_public_id;
};

/* A device as the customer page shows it: through the subscription that
 * rented it. */
struct device_row {
	uint64_t subscription_id;
	const char *serial;
	const char *product;
	const char *sku;
	enum asset_status status;
	bool with_customer; /* the asset's customer is this one */
	const char *subscription_public_id;
	int64_t cost_cents;
};

/* A device still out with the customer (the third prerequisite). */
struct asset_row {
	const char *serial;
	const char *product;
	const char *sku;
	int64_t cost_cents;
	const char *return_expected_at; /* its rental ended: coming back (NULL: not yet) */
};

struct payment_row {
	uint64_t id;
	const char *public_id;
	enum payment_status status;
	int64_t amount_cents;
	const char *currency;
	const char *paid_at;
	const char *created_at;
	const char *subscription_public_id;
};

enum channel { CHANNEL_PAGE, CHANNEL_BULK, CHANNEL_API, CHANNEL__MAX };
extern const char *const channel_name[CHANNEL__MAX];

/* One field a profile edit changed (audit_log.changes): FlexPortal's path
 * ("billingAddress.city") and the values before and after (NULL: none). */
struct audit_change {
	const char *field;
	const char *old_value;
	const char *new_value;
};

struct audit_row {
	uint64_t id;
	const char *at; /* "YYYY-MM-DD HH:MM:SS.mmm" */
	const char *actor;
	const char *subject;
	const char *action;
	enum channel channel;
	int reason; /* enum reason, or -1 */
	const char *note;
	const char *outcome; /* "ok" or error codes joined with ',' */
	bool ok;             /* outcome is "ok" */
	const char *request_id;
	uint64_t bulk_run_id; /* 0: none */
	const char *customer_public_id;
	const struct audit_change *changes; /* an edit's changed fields, in order */
	size_t nchanges;
};

/* A note on the customer (customer_notes; db/notes.h writes them). */
struct note_row {
	uint64_t id;
	const char *noted_on; /* "YYYY-MM-DD" */
	enum note_kind kind;
	const char *summary;
	const char *follow_up;  /* "YYYY-MM-DD", or NULL */
	const char *created_at; /* "YYYY-MM-DD HH:MM:SS.mmm" */
	const char *created_by;
};

#define ROWS(type)                                                                                 \
	struct {                                                                                   \
		struct type *rows;                                                                 \
		size_t n;                                                                          \
	}

struct order_list {
	ROWS(order_row);
};
struct subscription_list {
	ROWS(subscription_row);
};
struct device_list {
	ROWS(device_row);
};
struct asset_list {
	ROWS(asset_row);
};
struct payment_list {
	ROWS(payment_row);
};
struct audit_list {
	ROWS(audit_row);
};
struct note_list {
	ROWS(note_row);
};

/* The records that block a customer's deactivation, in SPEC order. */
struct blockers {
	struct subscription_list subscriptions; /* status active */
	struct order_list orders;               /* pending, confirmed or partial */
	struct asset_list devices;              /* rented_out to the customer */
};

/*
 * Reads the blockers of customer_id, each list in id order (devices by
 * serial). With lock every read is a locking read (LOCK IN SHARE MODE), one
 * statement per table, for use inside the lifecycle transaction after the
 * customer row is locked; without, one statement for all three.
 */
enum err db_blockers(struct db *db, struct arena *a, uint64_t customer_id, bool lock,
                     struct blockers *out);

/* The customer page's history sections, newest first: at most limit rows
 * of each, each below its own "before" id (INT64_MAX for the newest); and
 * the customer's newest address of each kind. */
enum section {
	SEC_ORDERS,
	SEC_SUBSCRIPTIONS,
	SEC_DEVICES,
	SEC_PAYMENTS,
	SEC_AUDIT,
	SEC_NOTES,
	SEC__MAX
};

struct sections {
	struct order_list orders;
	struct subscription_list subscriptions;
	struct device_list devices;
	struct payment_list payments;
	struct audit_list audit;
	struct note_list notes; /* newest first (by id) */
	struct customer_addresses addresses;
};

/* The six sections and the addresses in one statement. */
enum err db_sections(struct db *db, struct arena *a, uint64_t customer_id,
                     const int64_t before[SEC__MAX], unsigned limit, struct sections *out);

#endif
