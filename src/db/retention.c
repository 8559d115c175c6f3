/* The retention figures: one customer's records, and a tenant's inactive
 * customers by reason and month. */
#include "db/retention.h"

#include <string.h>

#include "db/row.h"
#include "db/sql.h"

const struct stmt_sql db_sql_retention[] = {
    /* Everything a customer's record keeps, in one round trip (customer id
     * seven times): tagged rows (kind, status, count, sum); the "devices" row
     * holds the first subscription's start date as its status. */
    {STMT_RETENTION_CUSTOMER,
     "SELECT 'orders', status, COUNT(*), COALESCE(SUM(total), 0) FROM orders"
     " WHERE customer_id = ? GROUP BY status"
     " UNION ALL SELECT 'subs', status, COUNT(*), COALESCE(SUM(monthly_amount), 0)"
     "   FROM subscriptions WHERE customer_id = ? GROUP BY status"
     " UNION ALL SELECT 'payments', status, COUNT(*), COALESCE(SUM(amount), 0) FROM payments"
     "   WHERE customer_id = ? GROUP BY status"
     " UNION ALL SELECT 'addresses', NULL, COUNT(*), 0 FROM addresses WHERE customer_id = ?"
     " UNION ALL SELECT 'notes', NULL, COUNT(*), 0 FROM customer_notes WHERE customer_id = ?"
     " UNION ALL SELECT 'devices', MIN(start_date), COUNT(DISTINCT asset_serial),"
     "   (SELECT COALESCE(SUM(acquisition_cost), 0) FROM assets WHERE serial_number IN"
     "     (SELECT asset_serial FROM subscriptions WHERE customer_id = ?))"
     "   FROM subscriptions WHERE customer_id = ?"
     /* the timeline's dates: its first and last order, when the tenant's
      * policy erases it, until when its financial records stay */
     " UNION ALL SELECT 'first_order', MIN(created_at), COUNT(*), 0 FROM orders"
     "   WHERE customer_id = ?"
     " UNION ALL SELECT 'last_order', MAX(created_at), COUNT(*), 0 FROM orders"
     "   WHERE customer_id = ?"
     " UNION ALL SELECT 'erase_due',"
     "   IF(t.erase_after_months IS NULL OR c.deactivated_at IS NULL OR c.erased_at IS NOT NULL,"
     "      NULL, DATE_FORMAT(c.deactivated_at + INTERVAL t.erase_after_months MONTH, '%Y-%m-%d')),"
     "   0, 0 FROM customers c JOIN tenants t ON t.id = c.tenant_id WHERE c.id = ?"
     " UNION ALL SELECT 'financial_until', IF(c.deactivated_at IS NULL, NULL,"
     "      DATE_FORMAT(c.deactivated_at + INTERVAL t.financial_years YEAR, '%Y-%m-%d')),"
     "   0, 0 FROM customers c JOIN tenants t ON t.id = c.tenant_id WHERE c.id = ?"},
    /* Tenant-wide retention: inactive customers by reason and month. */
    {STMT_RETENTION_BY_REASON_MONTH,
     "SELECT deactivation_reason, DATE_FORMAT(deactivated_at, '%Y-%m'), COUNT(*),"
     "       SUM(total_orders)"
     "  FROM customers WHERE tenant_id = ? AND status = 'inactive'"
     " GROUP BY deactivation_reason, DATE_FORMAT(deactivated_at, '%Y-%m')"
     " ORDER BY 2 DESC, 1 LIMIT 500"},
    /* erasures per month, the newest 24 months with any (ix_customers_erased) */
    {STMT_RETENTION_ERASED_MONTH,
     "SELECT DATE_FORMAT(erased_at, '%Y-%m'), COUNT(*) FROM customers"
     " WHERE tenant_id = ? AND erased_at IS NOT NULL"
     " GROUP BY DATE_FORMAT(erased_at, '%Y-%m') ORDER BY 1 DESC LIMIT 24"},
    /* tenant id five times */
    {STMT_RETENTION_TOTALS,
     "SELECT COUNT(*), COALESCE(SUM(c.total_orders), 0),"
     "  (SELECT COUNT(*) FROM customers c2 JOIN subscriptions s ON s.customer_id = c2.id"
     "    WHERE c2.tenant_id = ? AND c2.status = 'inactive'),"
     "  (SELECT COUNT(*) FROM customers c2 JOIN payments p ON p.customer_id = c2.id"
     "    WHERE c2.tenant_id = ? AND c2.status = 'inactive'),"
     "  (SELECT COALESCE(SUM(p.amount), 0) FROM customers c2"
     "     JOIN payments p ON p.customer_id = c2.id AND p.status = 'paid'"
     "    WHERE c2.tenant_id = ? AND c2.status = 'inactive'),"
     "  (SELECT COUNT(*) FROM customers c2 JOIN addresses ad ON ad.customer_id = c2.id"
     "    WHERE c2.tenant_id = ? AND c2.status = 'inactive')"
     " FROM customers c WHERE c.tenant_id = ? AND c.status = 'inactive'"},
};
const size_t db_sql_retention_n = sizeof(db_sql_retention) / sizeof(db_sql_retention[0]);

enum err db_customer_retention(struct db *db, struct arena *a, uint64_t customer_id,
                               struct customer_retention *out)
{
	enum { RC_KIND, RC_STATUS, RC_COUNT, RC_SUM };
	memset(out, 0, sizeof(*out));
	unsigned long long c = customer_id;
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_RETENTION_CUSTOMER, &r, "uuuuuuuuuuu", c, c, c, c, c, c,
	                      c, c, c, c, c);
	if (rc != ERR_OK)
		return rc;
	for (size_t i = 0; i < r.nrows; i++) {
		struct row w = row_at(&r, i, "customer retention");
		const char *kind = row_text(&w, RC_KIND);
		int64_t n = row_i64(&w, RC_COUNT), sum = row_cents(&w, RC_SUM);
		struct by_status *b = NULL;
		if (strcmp(kind, "orders") == 0)
			b = &out->orders[row_enum(&w, RC_STATUS, order_status_name,
			                          ORDER_STATUS__MAX, false)];
		else if (strcmp(kind, "subs") == 0)
			b = &out->subscriptions[row_enum(&w, RC_STATUS, subscription_status_name,
			                                 SUB_STATUS__MAX, false)];
		else if (strcmp(kind, "payments") == 0)
			b = &out->payments[row_enum(&w, RC_STATUS, payment_status_name,
			                            PAYMENT_STATUS__MAX, false)];
		else if (strcmp(kind, "addresses") == 0)
			out->addresses = n;
		else if (strcmp(kind, "notes") == 0)
			out->notes = n;
		else if (strcmp(kind, "devices") == 0) {
			out->devices_ever = n;
			out->acquisition_cents = sum;
			out->first_start = row_str(&w, RC_STATUS);
		} else if (strcmp(kind, "first_order") == 0)
			out->timeline.first_order = row_str(&w, RC_STATUS);
		else if (strcmp(kind, "last_order") == 0)
			out->timeline.last_order = row_str(&w, RC_STATUS);
		else if (strcmp(kind, "erase_due") == 0)
			out->timeline.erase_due = row_str(&w, RC_STATUS);
		else if (strcmp(kind, "financial_until") == 0)
			out->timeline.financial_until = row_str(&w, RC_STATUS);
		else
			w.bad = true;
		if (w.bad)
			return ERR_INTERNAL;
		if (b != NULL) {
			b->count = n;
			b->cents = sum;
		}
	}
	return ERR_OK;
}

enum err db_retention_totals(struct db *db, struct arena *a, unsigned tenant,
                             struct retention_totals *out)
{
	memset(out, 0, sizeof(*out));
	long long t = tenant;
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_RETENTION_TOTALS, &r, "iiiii", t, t, t, t, t);
	if (rc != ERR_OK || r.nrows != 1)
		return rc;
	struct row w = row_at(&r, 0, "retention totals");
	out->customers = row_i64(&w, 0);
	out->orders = row_i64(&w, 1);
	out->subscriptions = row_i64(&w, 2);
	out->payments = row_i64(&w, 3);
	out->collected_cents = row_cents(&w, 4);
	out->addresses = row_i64(&w, 5);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

static void read_retention_groups(struct row *w, void *elem)
{
	struct retention_group *g = elem;
	g->reason = row_enum(w, 0, reason_code, REASON__MAX, true);
	g->month = row_text(w, 1);
	g->customers = row_i64(w, 2);
	g->orders = row_i64(w, 3);
}

enum err db_retention_groups(struct db *db, struct arena *a, unsigned tenant,
                             struct retention_groups *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_RETENTION_BY_REASON_MONTH, &r, "i", (long long)tenant);
	if (rc == ERR_OK)
		out->rows = rows_read(a, &r, "retention groups", sizeof(*out->rows),
		                      read_retention_groups, &out->n, &rc);
	return rc;
}

enum err db_retention_erased_months(struct db *db, struct arena *a, unsigned tenant,
                                    struct retention_months *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_RETENTION_ERASED_MONTH, &r, "i", (long long)tenant);
	if (rc != ERR_OK)
		return rc;
	out->month = arena_calloc(a, r.nrows + 1, sizeof(*out->month));
	out->count = arena_calloc(a, r.nrows + 1, sizeof(*out->count));
	if (out->month == NULL || out->count == NULL)
		return ERR_INTERNAL;
	for (size_t i = 0; i < r.nrows; i++) {
		struct row w = row_at(&r, i, "erasures by month");
		out->month[i] = row_text(&w, 0);
		out->count[i] = row_i64(&w, 1);
		if (w.bad)
			return ERR_INTERNAL;
	}
	out->n = r.nrows;
	return ERR_OK;
}
