/* GET /customers/{id}/retention and GET /retention */
#include <stdlib.h>
#include <string.h>

#include "db/sql.h"
#include "http/error.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/fmt.h"

void page_customer_retention(struct req *r)
{
	struct db_res c;
	if (!page_load_customer(r, &c))
		return;
	struct arena *a = r->arena;
	unsigned long long cid = strtoull(DB_V(&c, 0, CU_ID), NULL, 10);
	const char *pid = DB_V(&c, 0, CU_PUBLIC_ID);
	bool inactive = strcmp(DB_V(&c, 0, CU_STATUS), "inactive") == 0;
	struct retention ret;
	enum err rc = retention_for_customer(r->app->db, a, cid, &ret);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	struct view v;
	struct tmpl_dict *d =
	    view_begin(r, &v, arena_printf(a, "What %s's record keeps", customer_name(a, &c, 0)),
	               "retention_customer.tpl", NAV_CUSTOMERS);
	fill_customer_head(r, d, &c, 0);
	fill_retention(r, d, &ret, inactive, atoll(DB_V(&c, 0, CU_DEVICES)));
	if (inactive) {
		struct tmpl_dict *x = fill_deactivation(r, d, &c, 0);
		if (req_can_write(r))
			tmpl_set(tmpl_add(x, "CAN_REACTIVATE"), "REACTIVATE_URL",
			         arena_printf(a, "/customers/%s/reactivate", pid));
	}
	view_send(r, &v, 200);
}

void page_retention(struct req *r)
{
	struct arena *a = r->arena;
	struct db *db = r->app->db;
	long long t = r->user.tenant;
	struct db_res totals, groups;
	enum err rc;
	if ((rc = db_exec(db, a, STMT_RETENTION_TOTALS, &totals, "iiiii", t, t, t, t, t)) ||
	    (rc = db_exec(db, a, STMT_RETENTION_BY_REASON_MONTH, &groups, "i", t))) {
		http_fail_kind(r, rc);
		return;
	}
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, "Retention", "retention.tpl", NAV_RETENTION);
	const char *cur = r->user.currency;
	if (totals.nrows == 1) {
		tmpl_set(d, "T_CUSTOMERS", fmt_count(a, atoll(DB_V(&totals, 0, RTT_CUSTOMERS))));
		tmpl_set(d, "T_ORDERS", fmt_count(a, atoll(DB_V(&totals, 0, RTT_ORDERS))));
		tmpl_set(d, "T_SUBS", fmt_count(a, atoll(DB_V(&totals, 0, RTT_SUBS))));
		tmpl_set(d, "T_PAYMENTS", fmt_count(a, atoll(DB_V(&totals, 0, RTT_PAYMENTS))));
		tmpl_set(d, "T_COLLECTED", fmt_money(a, DB_V(&totals, 0, RTT_COLLECTED), cur));
		tmpl_set(d, "T_ADDRESSES", fmt_count(a, atoll(DB_V(&totals, 0, RTT_ADDRESSES))));
	}
	/* by reason: sums over the months */
	for (int i = 0; i < LIFECYCLE_REASONS; i++) {
		long long n = 0, orders = 0;
		for (size_t g = 0; g < groups.nrows; g++)
			if (DB_V(&groups, g, RT_REASON) &&
			    strcmp(DB_V(&groups, g, RT_REASON), lifecycle_reason_code[i]) == 0) {
				n += atoll(DB_V(&groups, g, RT_CUSTOMERS));
				orders += atoll(DB_V(&groups, g, RT_ORDERS));
			}
		struct tmpl_dict *row = tmpl_add(d, "BY_REASON");
		tmpl_set(row, "REASON", lifecycle_reason_label[i]);
		tmpl_set(row, "CUSTOMERS", fmt_count(a, n));
		tmpl_set(row, "ORDERS", fmt_count(a, orders));
	}
	for (size_t g = 0; g < groups.nrows; g++) {
		struct tmpl_dict *row = tmpl_add(d, "BY_MONTH");
		tmpl_set(row, "MONTH", DB_V(&groups, g, RT_MONTH));
		tmpl_set(row, "REASON", fmt_label(a, DB_V(&groups, g, RT_REASON)));
		tmpl_set(row, "CUSTOMERS", fmt_count(a, atoll(DB_V(&groups, g, RT_CUSTOMERS))));
		tmpl_set(row, "ORDERS", fmt_count(a, atoll(DB_V(&groups, g, RT_ORDERS))));
	}
	tmpl_show(d, groups.nrows ? "HAS_GROUPS" : "NO_GROUPS");
	view_send(r, &v, 200);
}
