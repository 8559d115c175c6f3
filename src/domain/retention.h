#ifndef CUSTODIAN_RETENTION_H
#define CUSTODIAN_RETENTION_H

#include <time.h>

#include "db/retention.h"

/*
 * What a customer's record preserves (the seed's "Data Retention" table),
 * with real counts and sums, and the FlexPortal profitability figures
 * derived from them.
 */
struct retention {
	struct customer_retention by; /* per status, addresses, devices */
	int64_t orders_total;
	int64_t subscriptions_total;
	int64_t payments_total;
	int64_t collected_cents; /* paid payments */
};

enum err retention_for_customer(struct db *db, struct arena *a, uint64_t customer_id,
                                struct retention *out);

/* The FlexPortal "profitability" object of a customer. */
struct profitability {
	int64_t lifetime_collected_cents;
	int64_t total_acquisition_cents;
	double cost_recovery_percent; /* 0 when nothing was acquired */
	double average_monthly_revenue;
	int64_t total_devices_ever;
	int64_t active_devices; /* FlexPortal's meaning: active subscriptions */
	int64_t devices_out;    /* devices rented out now (Custodian's extension) */
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
void profitability_of(const struct retention *r, int64_t devices_out, time_t now,
                      struct profitability *out);

#endif
