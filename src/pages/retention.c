/* GET /customers/{id}/retention and GET /retention */
#include "db/retention.h"
#include "http/error.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/fmt.h"

void page_customer_retention(struct req *r)
{
	struct arena *a = r->arena;
	struct customer_overview o;
	enum err rc = customer_confirmation(r->app->db, a, r->user.tenant, r->arg, false, &o);
	if (rc != ERR_OK) {
		page_customer_failed(r, rc);
		return;
	}
	const struct customer_row *c = &o.customer;
	bool inactive = c->status == CUSTOMER_INACTIVE;
	struct view v;
	struct tmpl_dict *d = view_begin(
	    r, &v, arena_printf(a, "What %s's record keeps", customer_display_name(a, c)),
	    "retention_customer.tpl", NAV_CUSTOMERS);
	fill_customer_head(r, d, c);
	fill_retention(r, d, &o.retention, inactive, c->devices_out);
	bool erased = fill_erased(r, d, c);
	if (inactive) {
		struct tmpl_dict *x = fill_deactivation(r, d, c);
		if (req_can_write(r) && !erased)
			tmpl_set(tmpl_add(x, "CAN_REACTIVATE"), "REACTIVATE_URL",
			         arena_printf(a, "/customers/%s/reactivate", c->public_id));
	}
	view_send(r, &v, 200);
}

void page_retention(struct req *r)
{
	struct arena *a = r->arena;
	struct retention_totals t;
	struct retention_groups groups;
	enum err rc;
	if ((rc = db_retention_totals(r->app->db, a, r->user.tenant, &t)) ||
	    (rc = db_retention_groups(r->app->db, a, r->user.tenant, &groups))) {
		http_fail_kind(r, rc);
		return;
	}
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, "Retention", "retention.tpl", NAV_RETENTION);
	tmpl_set(d, "T_CUSTOMERS", fmt_count(a, t.customers));
	tmpl_set(d, "T_ORDERS", fmt_count(a, t.orders));
	tmpl_set(d, "T_SUBS", fmt_count(a, t.subscriptions));
	tmpl_set(d, "T_PAYMENTS", fmt_count(a, t.payments));
	tmpl_set(d, "T_COLLECTED", fmt_cents(a, t.collected_cents, r->user.currency));
	tmpl_set(d, "T_ADDRESSES", fmt_count(a, t.addresses));
	/* by reason: sums over the months */
	for (int i = 0; i < REASON__MAX; i++) {
		int64_t n = 0, orders = 0;
		for (size_t g = 0; g < groups.n; g++)
			if (groups.rows[g].reason == i) {
				n += groups.rows[g].customers;
				orders += groups.rows[g].orders;
			}
		struct tmpl_dict *row = tmpl_add(d, "BY_REASON");
		tmpl_set(row, "REASON", reasons[i].label);
		tmpl_set(row, "CUSTOMERS", fmt_count(a, n));
		tmpl_set(row, "ORDERS", fmt_count(a, orders));
	}
	for (size_t g = 0; g < groups.n; g++) {
		struct tmpl_dict *row = tmpl_add(d, "BY_MONTH");
		tmpl_set(row, "MONTH", groups.rows[g].month);
		tmpl_set(row, "REASON", reason_label(groups.rows[g].reason));
		tmpl_set(row, "CUSTOMERS", fmt_count(a, groups.rows[g].customers));
		tmpl_set(row, "ORDERS", fmt_count(a, groups.rows[g].orders));
	}
	tmpl_show(d, groups.n ? "HAS_GROUPS" : "NO_GROUPS");
	view_send(r, &v, 200);
}
