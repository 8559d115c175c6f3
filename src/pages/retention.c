/* GET /customers/{id}/retention, GET /retention and GET, POST
 * /retention/policy */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/retention.h"
#include "domain/erasure.h"
#include "http/error.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/fmt.h"

/* The customer's timeline, oldest first: created, its first and last
 * order, the deactivation, the erasure (done, or when the tenant's policy
 * will do it), the end of the financial records' retention. Dates to come
 * are marked so. */
static const char *day_of(struct arena *a, const char *s)
{
	return s ? arena_printf(a, "%.10s", s) : "";
}

struct event {
	const char *when; /* "YYYY-MM-DD" */
	const char *what;
};

static int cmp_event(const void *x, const void *y)
{
	return strcmp(((const struct event *)x)->when, ((const struct event *)y)->when);
}

static void fill_timeline(struct req *r, struct tmpl_dict *d, const struct customer_overview *o)
{
	struct arena *a = r->arena;
	const struct customer_row *c = &o->customer;
	const struct retention_timeline t = o->retention.by.timeline;
	struct event ev[7];
	size_t n = 0;
	bool two = t.first_order && t.last_order && strcmp(t.first_order, t.last_order) != 0;
	ev[n++] = (struct event){day_of(a, c->created_at), "Customer created"};
	if (t.first_order)
		ev[n++] =
		    (struct event){day_of(a, t.first_order), two ? "First order" : "Order placed"};
	if (two)
		ev[n++] = (struct event){day_of(a, t.last_order), "Last order"};
	if (c->deactivated_at)
		ev[n++] = (struct event){day_of(a, c->deactivated_at), "Deactivated"};
	if (c->erased_at)
		ev[n++] = (struct event){day_of(a, c->erased_at), "Personal data erased"};
	else if (t.erase_due)
		ev[n++] = (struct event){t.erase_due,
		                         "Personal data to be erased (the retention policy)"};
	if (t.financial_until)
		ev[n++] = (struct event){t.financial_until, "Financial records' retention ends"};
	qsort(ev, n, sizeof(ev[0]), cmp_event);
	char today[11];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	struct tmpl_dict *x = tmpl_add(d, "TIMELINE");
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *e = tmpl_add(x, "EVENT");
		tmpl_set(e, "WHEN", ev[i].when);
		tmpl_set(e, "WHAT", ev[i].what);
		if (strcmp(ev[i].when, today) > 0)
			tmpl_show(e, "FUTURE");
	}
	if (!t.financial_until)
		tmpl_show(x, "ACTIVE_NOTE");
}

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
	bool erased = fill_erased(r, d, c, &o.retention);
	fill_timeline(r, d, &o);
	if (inactive) {
		struct tmpl_dict *x = fill_deactivation(r, d, c);
		if (req_can_write(r) && !erased)
			tmpl_set(tmpl_add(x, "CAN_REACTIVATE"), "REACTIVATE_URL",
			         arena_printf(a, "/customers/%s/reactivate", c->public_id));
	}
	view_send(r, &v, 200);
}

/* ---- charts: server-rendered SVG (templates/chart.tpl), each with its
 * table beside it, so screen readers and printing have the figures ---- */

enum { CW = 760, CH = 240, C_LEFT = 48, C_RIGHT = 8, C_TOP = 14, C_BOTTOM = 36 };
#define C_PLOT (CH - C_TOP - C_BOTTOM)

static struct tmpl_dict *chart(struct tmpl_dict *d, const char *slot, const char *id,
                               const char *title, const char *desc, const char *caption)
{
	struct tmpl_dict *c = tmpl_include(d, slot, "chart.tpl");
	tmpl_set(c, "CHART_ID", id);
	tmpl_set(c, "TITLE", title);
	tmpl_set(c, "DESC", desc);
	tmpl_set(c, "CAPTION", caption);
	tmpl_set_int(c, "W", CW);
	tmpl_set_int(c, "H", CH);
	tmpl_set_int(c, "AX0", C_LEFT);
	tmpl_set_int(c, "AX1", CW - C_RIGHT);
	tmpl_set_int(c, "AY", CH - C_BOTTOM);
	return c;
}

static void chart_label(struct tmpl_dict *c, long x, long y, const char *anchor, const char *text)
{
	struct tmpl_dict *l = tmpl_add(c, "LABEL");
	tmpl_set_int(l, "X", x);
	tmpl_set_int(l, "Y", y);
	tmpl_set(l, "ANCHOR", anchor);
	tmpl_set(l, "TEXT", text);
}

/* The scale's top (max) at the left, 0 at the axis. */
static void chart_scale(struct arena *a, struct tmpl_dict *c, int64_t max)
{
	chart_label(c, C_LEFT - 6, C_TOP + 4, "end", fmt_count(a, max));
	chart_label(c, C_LEFT - 6, CH - C_BOTTOM, "end", "0");
}

/* Bar i of n: its left edge and width. */
static void bar_place(size_t i, size_t n, long *x, long *w)
{
	long slot = (CW - C_LEFT - C_RIGHT) / (long)(n ? n : 1);
	*w = slot * 7 / 10 > 1 ? slot * 7 / 10 : 1;
	*x = C_LEFT + (long)i * slot + (slot - *w) / 2;
}

/* A segment of value v stacked on base (both in data units) of bar x. */
static void bar_segment(struct tmpl_dict *c, long x, long w, int64_t base, int64_t v, int64_t max,
                        const char *key, const char *tip)
{
	if (v <= 0 || max <= 0)
		return;
	long y0 = (long)(base * C_PLOT / max), y1 = (long)((base + v) * C_PLOT / max);
	if (y1 - y0 < 1)
		y1 = y0 + 1;
	struct tmpl_dict *r = tmpl_add(c, "RECT");
	tmpl_set_int(r, "X", x);
	tmpl_set_int(r, "Y", CH - C_BOTTOM - y1);
	tmpl_set_int(r, "RW", w);
	tmpl_set_int(r, "RH", y1 - y0);
	tmpl_set(r, "KEY", key);
	tmpl_set(r, "TIP", tip);
}

/* Month labels under every k-th bar, so that they do not overlap. */
static void month_label(struct tmpl_dict *c, size_t i, size_t n, long x, long w, const char *m)
{
	size_t every = (n + 7) / 8;
	if (i % (every ? every : 1) == 0 || i + 1 == n)
		chart_label(c, x + w / 2, CH - C_BOTTOM + 16, "middle", m);
}

#define CHART_MONTHS 24
#define NKEYS        (REASON__MAX + 1) /* the reasons, and none recorded */

static const char *reason_key(int k)
{
	return k < REASON__MAX ? reason_code[k] : "none";
}

/* Deactivations per month (the newest CHART_MONTHS months with any),
 * stacked by reason. */
static void fill_deact_chart(struct req *r, struct tmpl_dict *d, const struct retention_groups *g)
{
	struct arena *a = r->arena;
	const char *months[CHART_MONTHS];
	int64_t n[CHART_MONTHS][NKEYS];
	memset(n, 0, sizeof(n));
	size_t nm = 0;
	/* the groups come newest month first */
	for (size_t i = 0; i < g->n; i++) {
		if (nm == 0 || strcmp(months[nm - 1], g->rows[i].month) != 0) {
			if (nm == CHART_MONTHS)
				break;
			months[nm++] = g->rows[i].month;
		}
		int k = g->rows[i].reason >= 0 ? g->rows[i].reason : REASON__MAX;
		n[nm - 1][k] += g->rows[i].customers;
	}
	if (nm == 0) {
		tmpl_show(d, "NO_DEACT_CHART");
		return;
	}
	struct tmpl_dict *x = tmpl_add(d, "DEACT_CHART");
	int64_t max = 1, all = 0;
	for (size_t m = 0; m < nm; m++) {
		int64_t t = 0;
		for (int k = 0; k < NKEYS; k++)
			t += n[m][k];
		max = t > max ? t : max;
		all += t;
	}
	struct tmpl_dict *c =
	    chart(x, "CHART_DEACT", "deact-chart", "Deactivations per month, by reason",
	          arena_printf(a,
	                       "%s deactivations in the %zu months shown, %s to %s; the most in "
	                       "one month: %s. The table beside the chart has every figure.",
	                       fmt_count(a, all), nm, months[nm - 1], months[0], fmt_count(a, max)),
	          "Each bar is a month, its parts the reasons given; the newest months with any "
	          "deactivation.");
	chart_scale(a, c, max);
	struct tmpl_dict *legend = tmpl_add(c, "LEGEND");
	for (int k = 0; k < NKEYS; k++) {
		struct tmpl_dict *li = tmpl_add(legend, "KEY_ITEM");
		tmpl_set(li, "KEY", reason_key(k));
		tmpl_set(li, "KEY_LABEL",
		         k < REASON__MAX ? reasons[k].label : "No reason recorded");
		struct tmpl_dict *h = tmpl_add(x, "R_HEAD");
		tmpl_set(h, "R_LABEL", k < REASON__MAX ? reasons[k].label : "None");
	}
	/* oldest month on the left */
	for (size_t i = 0; i < nm; i++) {
		size_t m = nm - 1 - i;
		long bx, bw;
		bar_place(i, nm, &bx, &bw);
		int64_t base = 0, total = 0;
		struct tmpl_dict *row = tmpl_add(x, "DC_ROW");
		tmpl_set(row, "DC_MONTH", months[m]);
		for (int k = 0; k < NKEYS; k++) {
			bar_segment(c, bx, bw, base, n[m][k], max, reason_key(k),
			            arena_printf(a, "%s, %s: %s", months[m],
			                         k < REASON__MAX ? reasons[k].label : "no reason",
			                         fmt_count(a, n[m][k])));
			base += n[m][k];
			total += n[m][k];
			struct tmpl_dict *cell = tmpl_add(row, "DC_CELL");
			tmpl_set(cell, "DC_LABEL", k < REASON__MAX ? reasons[k].label : "None");
			tmpl_set(cell, "DC_N", fmt_count(a, n[m][k]));
		}
		tmpl_set(row, "DC_TOTAL", fmt_count(a, total));
		month_label(c, i, nm, bx, bw, months[m]);
	}
}

/* Erasures per month (the newest months with any). */
static void fill_erase_chart(struct req *r, struct tmpl_dict *d, const struct retention_months *e)
{
	struct arena *a = r->arena;
	if (e->n == 0) {
		tmpl_show(d, "NO_ERASE_CHART");
		return;
	}
	struct tmpl_dict *x = tmpl_add(d, "ERASE_CHART");
	int64_t max = 1, all = 0;
	for (size_t i = 0; i < e->n; i++) {
		max = e->count[i] > max ? e->count[i] : max;
		all += e->count[i];
	}
	struct tmpl_dict *c = chart(
	    x, "CHART_ERASE", "erase-chart", "Personal data erased per month",
	    arena_printf(a,
	                 "%s customers' personal data erased in the %zu months shown, %s to %s. "
	                 "The table beside the chart has every figure.",
	                 fmt_count(a, all), e->n, e->month[e->n - 1], e->month[0]),
	    "Each bar is a month: the customers whose personal data was erased, by an admin or "
	    "the retention policy.");
	chart_scale(a, c, max);
	for (size_t i = 0; i < e->n; i++) {
		size_t m = e->n - 1 - i;
		long bx, bw;
		bar_place(i, e->n, &bx, &bw);
		bar_segment(
		    c, bx, bw, 0, e->count[m], max, "erased",
		    arena_printf(a, "%s: %s erased", e->month[m], fmt_count(a, e->count[m])));
		month_label(c, i, e->n, bx, bw, e->month[m]);
		struct tmpl_dict *row = tmpl_add(x, "EC_ROW");
		tmpl_set(row, "EC_MONTH", e->month[m]);
		tmpl_set(row, "EC_N", fmt_count(a, e->count[m]));
	}
}

/* The records the inactive customers' histories keep, by kind. */
static void fill_kept_chart(struct req *r, struct tmpl_dict *d, const struct retention_totals *t)
{
	struct arena *a = r->arena;
	const char *kinds[] = {"Orders", "Subscriptions", "Payments", "Addresses"};
	int64_t n[] = {t->orders, t->subscriptions, t->payments, t->addresses};
	size_t nk = sizeof(n) / sizeof(n[0]);
	int64_t max = 1;
	for (size_t i = 0; i < nk; i++)
		max = n[i] > max ? n[i] : max;
	struct tmpl_dict *c =
	    chart(d, "CHART_KEPT", "kept-chart", "Records kept, by kind",
	          arena_printf(a,
	                       "Kept for the inactive customers: %s orders, %s subscriptions, %s "
	                       "payments, %s addresses.",
	                       fmt_count(a, n[0]), fmt_count(a, n[1]), fmt_count(a, n[2]),
	                       fmt_count(a, n[3])),
	          "Every record of an inactive customer stays, erased or not.");
	chart_scale(a, c, max);
	for (size_t i = 0; i < nk; i++) {
		long bx, bw;
		bar_place(i, nk, &bx, &bw);
		bar_segment(c, bx, bw, 0, n[i], max, "kept",
		            arena_printf(a, "%s: %s", kinds[i], fmt_count(a, n[i])));
		chart_label(c, bx + bw / 2, CH - C_BOTTOM + 16, "middle", kinds[i]);
		struct tmpl_dict *row = tmpl_add(d, "KC_ROW");
		tmpl_set(row, "KC_KIND", kinds[i]);
		tmpl_set(row, "KC_N", fmt_count(a, n[i]));
	}
}

void page_retention(struct req *r)
{
	struct arena *a = r->arena;
	struct retention_totals t;
	struct retention_groups groups;
	struct retention_months erased;
	enum err rc;
	if ((rc = db_retention_totals(r->app->db, a, r->user.tenant, &t)) ||
	    (rc = db_retention_groups(r->app->db, a, r->user.tenant, &groups)) ||
	    (rc = db_retention_erased_months(r->app->db, a, r->user.tenant, &erased))) {
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
	fill_deact_chart(r, d, &groups);
	fill_erase_chart(r, d, &erased);
	fill_kept_chart(r, d, &t);
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
