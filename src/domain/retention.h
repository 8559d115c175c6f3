#ifndef CUSTODIAN_RETENTION_H
#define CUSTODIAN_RETENTION_H

#include <time.h>

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
	const char *first_start; /* the first subscription's start date, or NULL */
};

enum err retention_for_customer(struct db *db, struct arena *a, unsigned long long customer_id,
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

/*
 * The months a customer has been a customer, for averageMonthlyRevenue:
 * whole months from the first subscription's start date (YYYY-MM-DD) to
 * now, as MariaDB's TIMESTAMPDIFF(MONTH, start, today) counts them, plus
 * one for the month in progress; at least 1 (also for no subscription,
 * NULL). README "averageMonthlyRevenue".
 */
long long retention_months(const char *first_start, time_t now);

/* The FlexPortal profitability figures at time now: averageMonthlyRevenue
 * is lifetimeCollected / retention_months(first start, now). */
void profitability_of(const struct retention *r, long long devices_out, time_t now,
                      struct profitability *out);

#endif
