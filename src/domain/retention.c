#include "domain/retention.h"

#include <string.h>

#include "util/fmt.h"

enum err retention_for_customer(struct db *db, struct arena *a, uint64_t customer_id,
                                struct retention *out)
{
	memset(out, 0, sizeof(*out));
	enum err rc = db_customer_retention(db, a, customer_id, &out->by);
	if (rc != ERR_OK)
		return rc;
	for (int s = 0; s < ORDER_STATUS__MAX; s++)
		out->orders_total += out->by.orders[s].count;
	for (int s = 0; s < SUB_STATUS__MAX; s++)
		out->subscriptions_total += out->by.subscriptions[s].count;
	for (int s = 0; s < PAYMENT_STATUS__MAX; s++)
		out->payments_total += out->by.payments[s].count;
	out->collected_cents = out->by.payments[PAYMENT_PAID].cents;
	return ERR_OK;
}

long long retention_months(const char *first_start, time_t now)
{
	time_t t = parse_datetime(first_start);
	if (t < 0)
		return 1;
	struct tm from, to;
	gmtime_r(&t, &from);
	gmtime_r(&now, &to);
	/* Whole months, as MariaDB's TIMESTAMPDIFF(MONTH, ...) counts them: a
	 * month is complete when the day of the month is reached again. */
	long long whole = (long long)(to.tm_year - from.tm_year) * 12 + (to.tm_mon - from.tm_mon);
	if (to.tm_mday < from.tm_mday)
		whole--;
	return whole + 1 < 1 ? 1 : whole + 1;
}

void profitability_of(const struct retention *r, int64_t devices_out, time_t now,
                      struct profitability *out)
{
	out->lifetime_collected_cents = r->collected_cents;
	out->total_acquisition_cents = r->by.acquisition_cents;
	out->cost_recovery_percent =
	    r->by.acquisition_cents > 0
	        ? (double)r->collected_cents * 100.0 / (double)r->by.acquisition_cents
	        : 0.0;
	out->average_monthly_revenue =
	    (double)r->collected_cents / 100.0 / (double)retention_months(r->by.first_start, now);
	out->total_devices_ever = r->by.devices_ever;
	out->active_devices = r->by.subscriptions[SUB_ACTIVE].count;
	out->devices_out = devices_out;
}
