#include "domain/retention.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/sql.h"
#include "util/fmt.h"

long long retention_sum_counts(const struct db_res *r)
{
	long long n = 0;
	for (size_t i = 0; i < r->nrows; i++)
		n += atoll(DB_V(r, i, BS_COUNT));
	return n;
}

long long retention_count_of(const struct db_res *r, const char *status)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (strcmp(DB_V(r, i, BS_STATUS), status) == 0)
			return atoll(DB_V(r, i, BS_COUNT));
	return 0;
}

/* A view of the rows of one kind as BS_* rows (status, count, sum). */
static void kind_view(const struct db_res *all, const char *kind, struct db_res *out)
{
	memset(out, 0, sizeof(*out));
	size_t first = 0;
	while (first < all->nrows && strcmp(DB_V(all, first, RC_KIND), kind) != 0)
		first++;
	size_t n = 0;
	while (first + n < all->nrows && strcmp(DB_V(all, first + n, RC_KIND), kind) == 0)
		n++;
	out->nrows = n;
	out->ncols = all->ncols; /* the stride; columns are shifted by one */
	if (n > 0) {
		out->v = all->v + first * all->ncols + RC_STATUS;
		out->len = all->len + first * all->ncols + RC_STATUS;
	}
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

enum err retention_for_customer(struct db *db, struct arena *a, unsigned long long customer_id,
                                struct retention *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res all;
	unsigned long long c = customer_id;
	enum err rc = db_exec(db, a, STMT_RETENTION_CUSTOMER, &all, "uuuuuu", c, c, c, c, c, c);
	if (rc != ERR_OK)
		return rc;
	kind_view(&all, "orders", &out->orders);
	kind_view(&all, "subs", &out->subs);
	kind_view(&all, "payments", &out->payments);
	out->orders_total = retention_sum_counts(&out->orders);
	out->subs_total = retention_sum_counts(&out->subs);
	out->payments_total = retention_sum_counts(&out->payments);
	out->collected = "0.00";
	for (size_t i = 0; i < out->payments.nrows; i++)
		if (strcmp(DB_V(&out->payments, i, BS_STATUS), "paid") == 0)
			out->collected = DB_V(&out->payments, i, BS_SUM);
	out->acquisition = "0.00";
	out->first_start = NULL;
	for (size_t i = 0; i < all.nrows; i++) {
		const char *kind = DB_V(&all, i, RC_KIND);
		if (strcmp(kind, "addresses") == 0) {
			out->addresses = atoll(DB_V(&all, i, RC_COUNT));
		} else if (strcmp(kind, "devices") == 0) {
			out->devices_ever = atoll(DB_V(&all, i, RC_COUNT));
			out->acquisition = DB_V(&all, i, RC_SUM);
			out->first_start = DB_V(&all, i, RC_STATUS);
		}
	}
	return ERR_OK;
}

void profitability_of(const struct retention *r, long long devices_out, time_t now,
                      struct profitability *out)
{
	out->lifetime_collected = strtod(r->collected, NULL);
	out->total_acquisition_cost = strtod(r->acquisition, NULL);
	out->cost_recovery_percent =
	    out->total_acquisition_cost > 0
	        ? out->lifetime_collected * 100.0 / out->total_acquisition_cost
	        : 0.0;
	out->average_monthly_revenue =
	    out->lifetime_collected / (double)retention_months(r->first_start, now);
	out->total_devices_ever = r->devices_ever;
	out->active_devices = devices_out;
}
