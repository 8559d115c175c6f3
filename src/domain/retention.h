#ifndef CUSTODIAN_RETENTION_H
#define CUSTODIAN_RETENTION_H

#include "db/db.h"

/*
 * What a customer's record preserves (the seed's "Data Retention" table),
 * with real counts and sums.
 */
struct retention {
	struct db_res orders;   /* BS_* rows: status, count, sum of totals */
	struct db_res subs;     /* status, count, sum of monthly amounts */
	struct db_res payments; /* status, count, sum of amounts */
	long long orders_total;
	long long subs_total;
	long long payments_total;
	const char *collected; /* sum of paid payments */
	long long addresses;
	long long devices_ever;
	const char *acquisition; /* cost of the devices ever rented */
	long long months;        /* since the first subscription started (>= 1) */
};

enum db_rc retention_for_customer(struct db *db, struct arena *a, unsigned long long customer_id,
                                  struct retention *out);

/* Sum of the count column of by-status rows. */
long long retention_sum_counts(const struct db_res *r);

/* Count of one status in by-status rows (0 if absent). */
long long retention_count_of(const struct db_res *r, const char *status);

/* The FlexPortal "profitability" object of a customer. */
struct profitability {
	double lifetime_collected;
	double total_acquisition_cost;
	double cost_recovery_percent; /* 0 when nothing was acquired */
	double average_monthly_revenue;
	long long total_devices_ever;
	long long active_devices;
};

void profitability_of(const struct retention *r, long long devices_out, struct profitability *out);

#endif
