/*
 * Watching Custodian (README "Watching Custodian"):
 *   GET /metrics  Prometheus' text format, for the networks of metrics_allow
 *   GET /status   the same figures for admins, as a page
 * The counters come from every process through the supervisor's shared
 * area (util/metrics.h); the work waiting in the database (bulk runs,
 * webhook deliveries) is read at each request (db/ops.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/ops.h"
#include "http/error.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/pages.h"
#include "util/metrics.h"

static struct metrics_totals *read_totals(struct req *r)
{
	struct metrics_totals *t = arena_alloc(r->arena, sizeof(*t));
	metrics_read(t);
	return t;
}

/* The gauges of the work in the database. Each state is given, 0 when the
 * database has none (a series that comes and goes breaks a dashboard);
 * states NULL: one sample, no label. */
static const struct {
	const char *group, *name, *label, *help;
	const char *states[4];
} kinds[] = {
    {"bulk_runs",
     "custodian_bulk_runs",
     "Bulk runs",
     "Bulk runs, by status.",
     {"queued", "running", "done"}},
    {"bulk_items",
     "custodian_bulk_items",
     "Items of the bulk runs not done",
     "Items of the bulk runs not done yet, by state.",
     {"pending", "ok", "refused"}},
    {"deliveries",
     "custodian_webhook_deliveries",
     "Webhook deliveries",
     "Webhook deliveries waiting (pending: the outbox's depth) or given up (failed).",
     {"pending", "failed"}},
    {"deliveries_retrying",
     "custodian_webhook_deliveries_retrying",
     "Webhook deliveries retrying after a failed attempt",
     "Pending webhook deliveries whose last attempt failed.",
     {NULL}},
    {"outbox_oldest_seconds",
     "custodian_outbox_oldest_seconds",
     "Oldest pending delivery, seconds",
     "Age of the oldest pending webhook delivery.",
     {NULL}},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static long long gauge(const struct ops_gauges *g, size_t k, const char *state)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->rows[i].group, kinds[k].group) == 0 &&
		    (state == NULL || strcmp(g->rows[i].state, state) == 0))
			return (long long)g->rows[i].n;
	return 0;
}

static void render_gauges(struct buf *out, const struct ops_gauges *g, bool db_up)
{
	buf_puts(out, "# HELP custodian_db_up 1 when the database answered this scrape.\n"
	              "# TYPE custodian_db_up gauge\n");
	buf_printf(out, "custodian_db_up %d\n", db_up ? 1 : 0);
	for (size_t k = 0; k < NKINDS; k++) {
		buf_printf(out, "# HELP %s %s\n# TYPE %s gauge\n", kinds[k].name, kinds[k].help,
		           kinds[k].name);
		if (!db_up)
			continue; /* unknown, not 0 */
		for (int st = 0; st == 0 || (st < 4 && kinds[k].states[st] != NULL); st++) {
			const char *state = kinds[k].states[st];
			if (state != NULL)
				buf_printf(out, "%s{state=\"%s\"} %lld\n", kinds[k].name, state,
				           gauge(g, k, state));
			else
				buf_printf(out, "%s %lld\n", kinds[k].name, gauge(g, k, NULL));
		}
	}
}

void page_metrics(struct req *r)
{
	const struct config *cfg = &r->app->cfg;
	if (!metrics_addr_allowed(cfg->metrics_allow, req_param(r, "REMOTE_ADDR"))) {
		http_error(r, 403, "FORBIDDEN",
		           "The metrics answer only the networks of metrics_allow.");
		return;
	}
	struct metrics_totals *t = read_totals(r);
	if (!t->enabled) {
		http_error(r, 404, "NOT_FOUND", "Metrics are off (metrics = 0).");
		return;
	}
	long queued, max;
	metrics_listen_queue(r->app->listen_fd, &queued, &max);
	struct buf out;
	buf_init(&out, r->arena, 32768);
	metrics_render(&out, t, queued, max);
	/* The database's part: when it is down, the rest still answers. */
	struct ops_gauges g;
	bool up = db_ops_gauges(r->app->db, r->arena, &g) == ERR_OK;
	if (!up)
		memset(&g, 0, sizeof(g));
	render_gauges(&out, &g, up);
	resp_start(r, 200, "text/plain; version=0.0.4; charset=utf-8");
	resp_write(r, out.p, out.len);
}

/* ---- the page -------------------------------------------------------------------- */

static const char *fmt_ms(struct req *r, double ms)
{
	if (ms < 0)
		return "–";
	return arena_printf(r->arena, ms < 10 ? "%.1f" : "%.0f", ms);
}

static void set_u64(struct tmpl_dict *d, const char *key, uint64_t v)
{
	tmpl_set_int(d, key, (long long)v);
}

static void status_routes(struct req *r, struct tmpl_dict *d, const struct metrics_totals *t)
{
	uint64_t total = 0;
	for (int i = 0; i < t->nroutes; i++) {
		const struct metrics_route_totals *rt = &t->route[i];
		if (rt->count == 0)
			continue;
		total += rt->count;
		uint64_t klass[6] = {0};
		for (int k = 0; k < METRICS_STATUSES - 1; k++)
			klass[metrics_status_codes[k] / 100] += rt->status[k];
		struct tmpl_dict *row = tmpl_add(d, "ROUTE");
		tmpl_set(row, "ROUTE_NAME", rt->name);
		set_u64(row, "REQUESTS", rt->count);
		set_u64(row, "S2XX", klass[2]);
		set_u64(row, "S3XX", klass[3]);
		set_u64(row, "S4XX", klass[4]);
		set_u64(row, "S5XX", klass[5] + rt->status[METRICS_STATUSES - 1]);
		tmpl_set(row, "MEAN_MS", fmt_ms(r, (double)rt->us / 1e3 / (double)rt->count));
		double p95 = metrics_quantile_ms(rt, 0.95);
		tmpl_set(row, "P95_MS",
		         p95 < 0 ? "> 2500" : arena_printf(r->arena, "≤ %s", fmt_ms(r, p95)));
		tmpl_set(
		    row, "STATEMENTS",
		    arena_printf(r->arena, "%.1f", (double)rt->statements / (double)rt->count));
		tmpl_set(row, "DB_MS", fmt_ms(r, (double)rt->db_us / 1e3 / (double)rt->count));
	}
	set_u64(d, "TOTAL_REQUESTS", total);
	tmpl_show(d, total ? "HAS_ROUTES" : "NO_ROUTES");
}

void page_status(struct req *r)
{
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, "Status", "status.tpl", NAV_STATUS);
	struct metrics_totals *t = read_totals(r);
	if (!t->enabled) {
		tmpl_show(d, "METRICS_OFF");
	} else {
		tmpl_show(d, "METRICS_ON");
		struct tmpl_dict *on = d;
		tmpl_set_int(on, "WORKERS_BUSY", t->workers_busy);
		tmpl_set_int(on, "WORKERS_IDLE", t->workers_idle);
		tmpl_set_int(on, "JOB_WORKERS", t->jobs_alive);
		set_u64(on, "RESTARTS_WORKER", t->restarts[METRICS_WORKER]);
		set_u64(on, "RESTARTS_JOBS", t->restarts[METRICS_JOBS]);
		long queued, max;
		if (metrics_listen_queue(r->app->listen_fd, &queued, &max) == 0) {
			tmpl_set_int(on, "QUEUED", queued);
			tmpl_set_int(on, "QUEUE_MAX", max);
		} else {
			tmpl_set(on, "QUEUED", "unknown");
			tmpl_set(on, "QUEUE_MAX", "unknown");
		}
		char since[32];
		time_t started = (time_t)t->started;
		struct tm tm;
		gmtime_r(&started, &tm);
		strftime(since, sizeof(since), "%Y-%m-%d %H:%M UTC", &tm);
		tmpl_set(on, "SINCE", since);
		set_u64(on, "DB_RETRIES", t->db[METRICS_DB_RETRY]);
		set_u64(on, "DB_DEADLOCKS", t->db[METRICS_DB_DEADLOCK]);
		set_u64(on, "DB_LOCK_TIMEOUTS", t->db[METRICS_DB_LOCK_TIMEOUT]);
		set_u64(on, "DB_RECONNECTS", t->db[METRICS_DB_RECONNECT]);
		set_u64(on, "DB_UNAVAILABLE", t->db[METRICS_DB_UNAVAILABLE]);
		status_routes(r, on, t);
		for (int i = 0; i < t->noutcomes; i++) {
			struct tmpl_dict *o = tmpl_add(on, "OUTCOME");
			tmpl_set(o, "ACTION", t->outcome[i].action);
			tmpl_set(o, "CODE", t->outcome[i].code);
			set_u64(o, "COUNT", t->outcome[i].n);
		}
		tmpl_show(on, t->noutcomes ? "HAS_OUTCOMES" : "NO_OUTCOMES");
	}
	struct ops_gauges g;
	if (db_ops_gauges(r->app->db, r->arena, &g) == ERR_OK) {
		tmpl_show(d, "DB_UP");
		for (size_t k = 0; k < NKINDS; k++)
			for (int st = 0; st == 0 || (st < 4 && kinds[k].states[st] != NULL); st++) {
				struct tmpl_dict *row = tmpl_add(d, "GAUGE");
				tmpl_set(row, "GROUP", kinds[k].label);
				tmpl_set(row, "STATE",
				         kinds[k].states[st] ? kinds[k].states[st] : "");
				tmpl_set_int(row, "N", gauge(&g, k, kinds[k].states[st]));
			}
	} else {
		tmpl_show(d, "DB_DOWN");
	}
	view_send(r, &v, 200);
}
