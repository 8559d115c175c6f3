#ifndef CUSTODIAN_DB_RETENTION_H
#define CUSTODIAN_DB_RETENTION_H

#include <stdint.h>

#include "db/db.h"
#include "db/types.h"

/* What customers' records keep (the seed's "Data Retention" table), as
 * counts and sums read from the tables. */

struct by_status {
	int64_t count;
	int64_t cents; /* order totals, monthly amounts, payment amounts */
};

/* A customer's timeline's dates (each NULL when it has none). */
struct retention_timeline {
	const char *first_order, *last_order; /* "YYYY-MM-DD HH:MM:SS" */
	const char *erase_due;                /* "YYYY-MM-DD": the policy's erasure */
	const char *financial_until;          /* "YYYY-MM-DD" */
};

struct customer_retention {
	struct by_status orders[ORDER_STATUS__MAX];
	struct by_status subscriptions[SUB_STATUS__MAX];
	struct by_status payments[PAYMENT_STATUS__MAX];
	int64_t addresses;
	int64_t notes;             /* customer_notes */
	int64_t devices_ever;      /* distinct devices ever rented */
	int64_t acquisition_cents; /* their acquisition cost */
	const char *first_start;   /* the first subscription's start date, or NULL */
	struct retention_timeline timeline;
};

/* One customer's figures, in one statement. */
enum err db_customer_retention(struct db *db, struct arena *a, uint64_t customer_id,
                               struct customer_retention *out);

/* A tenant's inactive customers and what they keep. */
struct retention_totals {
	int64_t customers;
	int64_t orders;
	int64_t subscriptions;
	int64_t payments;
	int64_t collected_cents;
	int64_t addresses;
};
enum err db_retention_totals(struct db *db, struct arena *a, unsigned tenant,
                             struct retention_totals *out);

/* Inactive customers by reason and month of deactivation, newest first. */
struct retention_group {
	int reason;        /* enum reason, or -1 */
	const char *month; /* "YYYY-MM" */
	int64_t customers;
	int64_t orders;
};
struct retention_groups {
	struct retention_group *rows;
	size_t n;
};
enum err db_retention_groups(struct db *db, struct arena *a, unsigned tenant,
                             struct retention_groups *out);

/* Erasures per month (newest first, up to 24 months with any). */
struct retention_months {
	const char **month; /* "YYYY-MM" */
	int64_t *count;
	size_t n;
};
enum err db_retention_erased_months(struct db *db, struct arena *a, unsigned tenant,
                                    struct retention_months *out);

#endif
