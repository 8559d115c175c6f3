/* GET /customers/{id}/retention, GET /retention and GET, POST
 * /retention/policy */
#include "db/retention.h"
#include "domain/erasure.h"
#include "http/error.h"
#include "http/response.h"
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
	if (r->user.role >= ROLE_ADMIN)
		tmpl_show(d, "POLICY_LINK");
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

/* What the retention policy erases in the next 30 days ({{>POLICY_UPCOMING}}),
 * on the policy page and on an erase run's page. */
void fill_policy_upcoming(struct req *r, struct tmpl_dict *d)
{
	struct arena *a = r->arena;
	enum { SHOWN = 50 };
	struct tmpl_dict *x = tmpl_include(d, "POLICY_UPCOMING", "policy_upcoming.tpl");
	struct retention_policy p;
	struct policy_upcoming up;
	if (retention_policy_get(r->app->db, a, r->user.tenant, &p) != ERR_OK ||
	    p.erase_after_months == 0 ||
	    retention_policy_upcoming(r->app->db, a, r->user.tenant, 30, SHOWN, &up) != ERR_OK) {
		tmpl_show(x, "NO_POLICY");
		return;
	}
	struct tmpl_dict *u = tmpl_add(x, "UPCOMING");
	tmpl_set(u, "UPCOMING_COUNT", fmt_count(a, up.total));
	if (up.total > (int64_t)up.n)
		tmpl_set_int(tmpl_add(u, "UPCOMING_MORE"), "SHOWN", (long long)up.n);
	if (up.n > 0)
		tmpl_show(u, "HAS_ROWS");
	for (size_t i = 0; i < up.n; i++) {
		const struct policy_customer *c = &up.rows[i];
		struct tmpl_dict *row = tmpl_add(u, "DUE");
		tmpl_set(row, "DUE_ID", c->public_id);
		tmpl_set(row, "DUE_NAME", row_name_of(a, c->first_name, c->last_name));
		tmpl_set(row, "DUE_DEACTIVATED", fmt_datetime(a, c->deactivated_at));
		tmpl_set(row, "DUE_ON", c->due_on);
	}
}

static void render_policy(struct req *r, const struct retention_policy *p, const char *error,
                          int status)
{
	struct view v;
	struct tmpl_dict *d =
	    view_begin(r, &v, "Retention policy", "retention_policy.tpl", NAV_RETENTION);
	fill_csrf(r, d, "retention_policy", "");
	tmpl_set_int(d, "ERASE_AFTER", p->erase_after_months);
	tmpl_set_int(d, "ERASE_MIN", p->erase_min_months);
	tmpl_set_int(d, "FIN_YEARS", p->financial_years);
	if (p->keep_location)
		tmpl_show(d, "KEEP_LOCATION");
	if (error)
		tmpl_set(tmpl_add(d, "FIELD_ERROR"), "ERROR", error);
	fill_policy_upcoming(r, d);
	view_send(r, &v, status);
}

void page_policy_form(struct req *r)
{
	struct retention_policy p;
	enum err rc = retention_policy_get(r->app->db, r->arena, r->user.tenant, &p);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	render_policy(r, &p, NULL, 200);
}

void page_policy(struct req *r)
{
	struct retention_policy p = {
	    .erase_after_months = req_int(r, KEY_ERASE_AFTER, 0),
	    .erase_min_months = req_int(r, KEY_ERASE_MIN, 0),
	    .keep_location = req_int(r, KEY_KEEP_LOCATION, 0) == 1,
	    .financial_years = req_int(r, KEY_FIN_YEARS, 10),
	};
	if (p.erase_after_months > 0 && p.erase_after_months < p.erase_min_months) {
		render_policy(r, &p,
		              "erase_after_months: the policy cannot erase before the minimum "
		              "retention; make it at least as long.",
		              400);
		return;
	}
	struct actor who = page_actor(r);
	bool changed;
	enum err rc = retention_policy_set(r->app->db, r->arena, &who, &p, &changed);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	view_flash(r, changed ? "policy_saved" : "nothing_changed");
	resp_redirect(r, "/retention/policy");
}
