/* GET /bulk, POST /bulk/preview, POST /bulk/apply, GET /bulk/{run_id} */
#include <stdlib.h>
#include <string.h>

#include "db/sql.h"
#include "domain/bulk.h"
#include "http/error.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/crypto.h"
#include "util/csv.h"
#include "util/fmt.h"

#define ITEMS_PAGE 100
#define CSV_CHUNK  1000

void page_bulk(struct req *r)
{
	struct arena *a = r->arena;
	struct db_res runs;
	enum err rc =
	    db_exec(r->app->db, a, STMT_BULK_RUNS_RECENT, &runs, "i", (long long)r->user.tenant);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, "Bulk clean-up", "bulk.tpl", NAV_BULK);
	tmpl_set(d, "MAX", fmt_count(a, r->app->cfg.bulk_max));
	if (req_can_write(r))
		fill_csrf(r, tmpl_add(d, "FORMS"), "bulk_preview", "");
	else
		tmpl_show(d, "READ_ONLY");
	for (size_t i = 0; i < runs.nrows; i++) {
		struct tmpl_dict *row = tmpl_add(d, "RUN");
		const char *pid = DB_V(&runs, i, BRR_PUBLIC_ID);
		tmpl_set(row, "RUN_ID", pid);
		tmpl_set(row, "RUN_URL", arena_printf(a, "/bulk/%s", pid));
		tmpl_set(row, "ACTOR", DB_V(&runs, i, BRR_ACTOR));
		tmpl_set(row, "REASON", fmt_label(a, DB_V(&runs, i, BRR_REASON)));
		tmpl_set(row, "SOURCE", DB_V(&runs, i, BRR_SOURCE));
		tmpl_set(row, "RUN_STATUS", DB_V(&runs, i, BRR_STATUS));
		tmpl_set(row, "TOTAL", fmt_count(a, atoll(DB_V(&runs, i, BRR_TOTAL))));
		tmpl_set(row, "OK", fmt_count(a, atoll(DB_V(&runs, i, BRR_OK))));
		tmpl_set(row, "CREATED", fmt_datetime(a, DB_V(&runs, i, BRR_CREATED)));
	}
	tmpl_show(d, runs.nrows ? "HAS_RUNS" : "NO_RUNS");
	view_send(r, &v, 200);
}

static const char *state_code(const struct bulk_row *row, struct arena *a)
{
	switch (row->state) {
	case BULK_ELIGIBLE: return "eligible";
	case BULK_NOT_FOUND: return "NOT_FOUND";
	case BULK_INACTIVE: return "ALREADY_INACTIVE";
	case BULK_BLOCKED: break;
	}
	char *codes = arena_strdup(a, "");
	for (int c = 0; c < PREREQ__MAX; c++)
		if (row->counts[c])
			codes = arena_printf(a, "%s%s%s (%u)", codes, codes[0] ? ", " : "",
			                     prereq_error_code[c], row->counts[c]);
	return codes;
}

void page_bulk_preview(struct req *r)
{
	struct arena *a = r->arena;
	const char *mode = req_str(r, KEY_MODE);
	int max = r->app->cfg.bulk_max;
	struct bulk_preview p;
	struct bulk_error err = {0};
	int rc;
	if (mode == NULL) {
		http_error(r, 400, "INVALID_PARAMETER",
		           "mode: choose paste, filter or duplicates.");
		return;
	}
	if (strcmp(mode, "paste") == 0) {
		rc = bulk_preview_paste(r->app->db, a, r->user.tenant, req_str(r, KEY_LINES),
		                        r->fields[KEY_LINES].len, max, &p, &err);
	} else if (strcmp(mode, "filter") == 0) {
		struct bulk_filter f = {
		    .domain = req_str(r, KEY_DOMAIN),
		    .created_before = req_str(r, KEY_CREATED_BEFORE),
		    .no_orders = req_str(r, KEY_NO_ORDERS) != NULL,
		    .idle_since = req_str(r, KEY_IDLE_SINCE),
		};
		rc = bulk_preview_filter(r->app->db, a, r->user.tenant, &f, max, &p, &err);
	} else {
		rc = bulk_preview_duplicates(r->app->db, a, r->user.tenant, max, &p, &err);
	}
	if (rc != 0) {
		if (err.status == 503)
			resp_header(r, "Retry-After", "5");
		http_error(r, err.status, err.code, err.message);
		return;
	}
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, "Bulk preview", "bulk_preview.tpl", NAV_BULK);
	tmpl_set(d, "SOURCE", p.source);
	tmpl_set(d, "N_ROWS", fmt_count(a, (long long)p.n));
	tmpl_set(d, "N_ELIGIBLE", fmt_count(a, (long long)p.eligible));
	tmpl_set(d, "N_BLOCKED", fmt_count(a, (long long)p.blocked));
	tmpl_set(d, "N_NOT_FOUND", fmt_count(a, (long long)p.not_found));
	tmpl_set(d, "N_INACTIVE", fmt_count(a, (long long)p.inactive));
	tmpl_set(d, "N_MERGED", fmt_count(a, (long long)p.merged));
	for (int c = 0; c < PREREQ__MAX; c++) {
		struct tmpl_dict *b = tmpl_add(d, "BLOCKED_BY");
		tmpl_set(b, "CODE", prereq_error_code[c]);
		tmpl_set(b, "COUNT", fmt_count(a, (long long)p.blocked_by[c]));
	}
	struct tmpl_dict *f = tmpl_add(d, "APPLY");
	fill_csrf(r, f, "bulk_apply", "");
	unsigned char raw[16];
	char nonce[33];
	random_bytes(raw, sizeof(raw));
	hex_encode(raw, sizeof(raw), nonce);
	tmpl_set(f, "NONCE", nonce);
	tmpl_set(f, "SOURCE", p.source);
	tmpl_set(f, "N_ELIGIBLE", fmt_count(a, (long long)p.eligible));
	for (int i = 0; i < LIFECYCLE_REASONS; i++) {
		struct tmpl_dict *o = tmpl_add(f, "REASON");
		tmpl_set(o, "REASON_CODE", lifecycle_reason_code[i]);
		tmpl_set(o, "REASON_LABEL", lifecycle_reason_label[i]);
		tmpl_set(o, "REASON_HINT", lifecycle_reason_hint[i]);
	}
	if (p.eligible == 0)
		tmpl_show(f, "NOTHING_ELIGIBLE");
	for (size_t i = 0; i < p.n; i++) {
		const struct bulk_row *row = &p.rows[i];
		struct tmpl_dict *x = tmpl_add(f, "ROW");
		if (row->line)
			tmpl_set_int(x, "LINE", row->line);
		tmpl_set(x, "INPUT", row->input);
		tmpl_set(x, "STATE",
		         row->state == BULK_ELIGIBLE    ? "eligible"
		         : row->state == BULK_BLOCKED   ? "blocked"
		         : row->state == BULK_NOT_FOUND ? "not-found"
		                                        : "inactive");
		tmpl_set(x, "OUTCOME", state_code(row, a));
		tmpl_set(x, "NOTE", row->note);
		if (row->public_id) {
			struct tmpl_dict *c = tmpl_add(x, "CUSTOMER");
			tmpl_set(c, "CUSTOMER_ID", row->public_id);
			tmpl_set(c, "CUSTOMER_URL",
			         arena_printf(a, "/customers/%s", row->public_id));
			tmpl_set(c, "NAME", row->name);
			tmpl_set(c, "EMAIL", row->email);
		}
		if (row->state == BULK_ELIGIBLE) {
			struct tmpl_dict *c = tmpl_add(x, "SELECTABLE");
			tmpl_set(c, "CUSTOMER_ID", row->public_id);
		} else {
			tmpl_show(x, "NOT_SELECTABLE");
		}
	}
	view_send(r, &v, 200);
}

void page_bulk_apply(struct req *r)
{
	struct arena *a = r->arena;
	const struct field *sel = &r->fields[KEY_SELECT];
	const char *reason = req_str(r, KEY_REASON);
	const char *nonce = req_str(r, KEY_NONCE);
	const char *note = req_str(r, KEY_NOTE);
	if (note && note[0] == '\0')
		note = NULL;
	if (reason == NULL) {
		http_error(r, 400, "INVALID_PARAMETER",
		           "reason: choose why these customers are deactivated, then apply again.");
		return;
	}
	if (nonce == NULL || strlen(nonce) != 32) {
		http_error(r, 400, "INVALID_PARAMETER",
		           "nonce: this form is incomplete. Preview again and apply from there.");
		return;
	}
	if (sel->state != FIELD_OK || sel->nmulti == 0) {
		http_error(r, 400, "INVALID_PARAMETER",
		           "select: tick at least one eligible customer, then apply.");
		return;
	}
	if (sel->nmulti > (size_t)r->app->cfg.bulk_max) {
		http_error(
		    r, 413, "TOO_MANY_SELECTED",
		    arena_printf(a, "select: at most %d customers per run.", r->app->cfg.bulk_max));
		return;
	}
	const char *source = req_str(r, KEY_SOURCE);
	struct actor who = page_actor(r);
	who.channel = "bulk";
	const char *run;
	bool existing;
	struct bulk_error err = {0};
	if (bulk_create_run(r->app->db, a, &who, reason, note, source ? source : "selection", nonce,
	                    sel->multi, sel->nmulti, &run, &existing, &err) != 0) {
		if (err.status == 503)
			resp_header(r, "Retry-After", "5");
		http_error(r, err.status, err.code, err.message);
		return;
	}
	view_flash(r, existing ? "bulk_resubmitted" : "bulk_started");
	resp_redirect(r, arena_printf(a, "/bulk/%s", run));
}

static void send_items_csv(struct req *r, unsigned long long run, const char *pid)
{
	resp_header(r, "Content-Disposition",
	            arena_printf(r->arena, "attachment; filename=\"%s.csv\"", pid));
	resp_start(r, 200, "text/csv; charset=utf-8");
	struct buf b;
	buf_init(&b, r->arena, 64 * 1024);
	static const char *const head[] = {"seq",       "customer_id", "email",  "first_name",
	                                   "last_name", "outcome",     "done_at"};
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csv_field(&b, head[i], i == 0);
	csv_end(&b);
	long long after = 0;
	for (;;) {
		struct db_res rows;
		if (db_exec(r->app->db, r->arena, STMT_BULK_ITEMS_PAGE, &rows, "uii", run, after,
		            (long long)CSV_CHUNK) != ERR_OK)
			break;
		for (size_t i = 0; i < rows.nrows; i++) {
			csv_field(&b, DB_V(&rows, i, BI_SEQ), 1);
			csv_field(&b, DB_V(&rows, i, BI_SUBJECT), 0);
			csv_field(&b, DB_V(&rows, i, BI_EMAIL), 0);
			csv_field(&b, DB_V(&rows, i, BI_FIRST), 0);
			csv_field(&b, DB_V(&rows, i, BI_LAST), 0);
			csv_field(
			    &b, DB_V(&rows, i, BI_OUTCOME) ? DB_V(&rows, i, BI_OUTCOME) : "pending",
			    0);
			csv_field(&b, DB_V(&rows, i, BI_DONE_AT), 0);
			csv_end(&b);
		}
		resp_write(r, b.p, b.len);
		b.len = 0;
		if (rows.nrows < CSV_CHUNK)
			break;
		after = atoll(DB_V(&rows, rows.nrows - 1, BI_SEQ));
	}
}

void page_bulk_run(struct req *r)
{
	struct arena *a = r->arena;
	struct db *db = r->app->db;
	struct db_res run, prog, items;
	enum err rc =
	    db_exec(db, a, STMT_BULK_RUN_GET, &run, "si", r->arg, (long long)r->user.tenant);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	if (run.nrows == 0) {
		http_error(r, 404, "NOT_FOUND", "There is no bulk run with this id.");
		return;
	}
	unsigned long long id = strtoull(DB_V(&run, 0, BR_ID), NULL, 10);
	const char *format = req_str(r, KEY_FORMAT);
	if (format && strcmp(format, "csv") == 0) {
		send_items_csv(r, id, r->arg);
		return;
	}
	long long after = req_int(r, KEY_ITEMS_AFTER, 0);
	if ((rc = db_exec(db, a, STMT_BULK_RUN_PROGRESS, &prog, "u", id)) ||
	    (rc = db_exec(db, a, STMT_BULK_ITEMS_PAGE, &items, "uii", id, after,
	                  (long long)ITEMS_PAGE + 1))) {
		http_fail_kind(r, rc);
		return;
	}
	long long total = atoll(DB_V(&prog, 0, BP_TOTAL)), done = atoll(DB_V(&prog, 0, BP_DONE));
	const char *status = DB_V(&run, 0, BR_STATUS);
	bool finished = strcmp(status, "done") == 0;
	struct view v;
	struct tmpl_dict *d =
	    view_begin(r, &v, arena_printf(a, "Bulk run %s", r->arg), "bulk_run.tpl", NAV_BULK);
	if (!finished)
		view_refresh(&v, 2);
	tmpl_set(d, "RUN_ID", r->arg);
	tmpl_set(d, "RUN_STATUS", status);
	tmpl_set(d, "ACTOR", DB_V(&run, 0, BR_ACTOR));
	tmpl_set(d, "REASON", fmt_label(a, DB_V(&run, 0, BR_REASON)));
	tmpl_set(d, "NOTE", DB_V(&run, 0, BR_NOTE));
	tmpl_set(d, "SOURCE", DB_V(&run, 0, BR_SOURCE));
	tmpl_set(d, "CREATED", fmt_datetime(a, DB_V(&run, 0, BR_CREATED)));
	tmpl_set(d, "STARTED", fmt_datetime(a, DB_V(&run, 0, BR_STARTED)));
	tmpl_set(d, "FINISHED", fmt_datetime(a, DB_V(&run, 0, BR_FINISHED)));
	tmpl_set(d, "TOTAL", fmt_count(a, total));
	tmpl_set(d, "DONE", fmt_count(a, done));
	tmpl_set(d, "OK", fmt_count(a, atoll(DB_V(&prog, 0, BP_OK))));
	tmpl_set(d, "REFUSED", fmt_count(a, atoll(DB_V(&prog, 0, BP_REFUSED))));
	tmpl_set_int(d, "DONE_RAW", done);
	tmpl_set_int(d, "TOTAL_RAW", total > 0 ? total : 1);
	tmpl_set_int(d, "PERCENT", total > 0 ? done * 100 / total : 100);
	if (!finished)
		tmpl_set(tmpl_add(d, "IN_PROGRESS"), "WORKER_STATE",
		         strcmp(status, "queued") == 0 ? "Waiting for a job worker" : "Running");
	tmpl_set(d, "CSV_URL", arena_printf(a, "/bulk/%s?format=csv", r->arg));
	size_t shown = items.nrows > ITEMS_PAGE ? ITEMS_PAGE : items.nrows;
	for (size_t i = 0; i < shown; i++) {
		struct tmpl_dict *row = tmpl_add(d, "ITEM");
		tmpl_set(row, "SEQ", DB_V(&items, i, BI_SEQ));
		const char *cpid = DB_V(&items, i, BI_PUBLIC_ID);
		if (cpid) {
			struct tmpl_dict *c = tmpl_add(row, "CUSTOMER");
			tmpl_set(c, "CUSTOMER_ID", cpid);
			tmpl_set(c, "CUSTOMER_URL", arena_printf(a, "/customers/%s", cpid));
			tmpl_set(
			    c, "NAME",
			    row_name_of(a, DB_V(&items, i, BI_FIRST), DB_V(&items, i, BI_LAST)));
			tmpl_set(c, "EMAIL", DB_V(&items, i, BI_EMAIL));
		} else {
			tmpl_set(tmpl_add(row, "UNKNOWN"), "SUBJECT", DB_V(&items, i, BI_SUBJECT));
		}
		const char *outcome = DB_V(&items, i, BI_OUTCOME);
		if (outcome == NULL)
			tmpl_show(row, "PENDING");
		else if (strcmp(outcome, "ok") == 0)
			tmpl_show(row, "OUTCOME_OK");
		else
			tmpl_set(tmpl_add(row, "OUTCOME_REFUSED"), "OUTCOME", outcome);
		tmpl_set(row, "DONE_AT", fmt_datetime(a, DB_V(&items, i, BI_DONE_AT)));
	}
	if (items.nrows > ITEMS_PAGE)
		tmpl_set(tmpl_add(d, "NEXT"), "NEXT_URL",
		         arena_printf(a, "/bulk/%s?items_after=%s", r->arg,
		                      DB_V(&items, ITEMS_PAGE - 1, BI_SEQ)));
	if (after > 0)
		tmpl_set(tmpl_add(d, "FIRST"), "FIRST_URL", arena_printf(a, "/bulk/%s", r->arg));
	view_send(r, &v, 200);
}
