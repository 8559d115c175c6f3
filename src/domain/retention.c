#include "domain/retention.h"

#include <stdlib.h>
#include <string.h>

#include "db/sql.h"

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

enum db_rc retention_for_customer(struct db *db, struct arena *a, unsigned long long customer_id,
                                  struct retention *out)
{
	memset(out, 0, sizeof(*out));
	enum db_rc rc;
	if ((rc = db_exec(db, a, STMT_ORDERS_BY_STATUS, &out->orders, "u", customer_id)) ||
	    (rc = db_exec(db, a, STMT_SUBS_BY_STATUS, &out->subs, "u", customer_id)) ||
	    (rc = db_exec(db, a, STMT_PAYMENTS_BY_STATUS, &out->payments, "u", customer_id)))
		return rc;
	out->orders_total = retention_sum_counts(&out->orders);
	out->subs_total = retention_sum_counts(&out->subs);
	out->payments_total = retention_sum_counts(&out->payments);
	struct db_res r;
	if ((rc = db_exec(db, a, STMT_ADDRESSES_COUNT, &r, "u", customer_id)))
		return rc;
	out->addresses = r.nrows ? atoll(DB_V(&r, 0, 0)) : 0;
	if ((rc = db_exec(db, a, STMT_CUSTOMER_PROFIT, &r, "uuuuu", customer_id, customer_id,
	                  customer_id, customer_id, customer_id)))
		return rc;
	if (r.nrows == 1) {
		out->collected = DB_V(&r, 0, PR_COLLECTED);
		out->acquisition = DB_V(&r, 0, PR_ACQUISITION);
		out->devices_ever = atoll(DB_V(&r, 0, PR_DEVICES_EVER));
		out->months = DB_V(&r, 0, PR_MONTHS) ? atoll(DB_V(&r, 0, PR_MONTHS)) : 1;
	}
	if (out->collected == NULL)
		out->collected = "0.00";
	if (out->acquisition == NULL)
		out->acquisition = "0.00";
	if (out->months < 1)
		out->months = 1;
	return DB_OK;
}

void profitability_of(const struct retention *r, long long devices_out, struct profitability *out)
{
	out->lifetime_collected = strtod(r->collected, NULL);
	out->total_acquisition_cost = strtod(r->acquisition, NULL);
	out->cost_recovery_percent =
	    out->total_acquisition_cost > 0
	        ? out->lifetime_collected * 100.0 / out->total_acquisition_cost
	        : 0.0;
	out->average_monthly_revenue = out->lifetime_collected / (double)r->months;
	out->total_devices_ever = r->devices_ever;
	out->active_devices = devices_out;
}
