/* GET /bulk, POST /bulk/preview, POST /bulk/apply, POST /bulk/merge,
 * GET /bulk/{run_id}, GET and POST /bulk/{run_id}/undo */
#include <string.h>

#include "domain/bulk.h"
#include "http/error.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/b64.h"
#include "util/crypto.h"
#include "util/csv.h"
#include "util/fmt.h"

#define ITEMS_PAGE 100
#define CSV_CHUNK  1000

void page_bulk(struct req *r)
{
	struct arena *a = r->arena;
	struct bulk_runs runs;
	enum err rc = db_bulk_runs_recent(r->app->db, a, r->user.tenant, &runs);
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
	for (size_t i = 0; i < runs.n; i++) {
		const struct bulk_run *x = &runs.rows[i];
		struct tmpl_dict *row = tmpl_add(d, "RUN");
		tmpl_set(row, "RUN_ID", x->public_id);
		tmpl_set(row, "RUN_URL", arena_printf(a, "/bulk/%s", x->public_id));
		tmpl_set(row, "ACTOR", x->actor);
		tmpl_set(row, "REASON",
		         x->kind == RUN_UNDO    ? "Undo"
		         : x->kind == RUN_MERGE ? "Merge"
		         : x->kind == RUN_ERASE ? "Erasure (retention policy)"
		                                : reason_label(x->reason));
		tmpl_set(row, "SOURCE", x->source);
		tmpl_set(row, "RUN_STATUS", run_status_name[x->status]);
		tmpl_set(row, "TOTAL", fmt_count(a, x->total));
		tmpl_set(row, "OK", fmt_count(a, x->ok));
		tmpl_set(row, "CREATED", fmt_datetime(a, x->created_at));
	}
	tmpl_show(d, runs.n ? "HAS_RUNS" : "NO_RUNS");
	view_send(r, &v, 200);
}

/* The apply form's one-time value (33 bytes), or NULL. */
static const char *new_nonce(struct arena *a)
{
	unsigned char raw[16];
	char *nonce = arena_alloc(a, 33);
	if (random_bytes(raw, sizeof(raw)) != 0)
		return NULL;
	hex_encode(raw, sizeof(raw), nonce);
	return nonce;
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
			                     prereq_defs[c].code, row->counts[c]);
	return codes;
}

/* The totals and the apply form of a preview, into the section RESULT. */
static void fill_result(struct req *r, struct tmpl_dict *d, const struct bulk_preview *p,
                        const char *nonce)
{
	struct arena *a = r->arena;
	struct tmpl_dict *res = tmpl_add(d, "RESULT");
	tmpl_set(res, "N_ROWS", fmt_count(a, (long long)p->n));
	tmpl_set(res, "N_ELIGIBLE", fmt_count(a, (long long)p->eligible));
	tmpl_set(res, "N_BLOCKED", fmt_count(a, (long long)p->blocked));
	tmpl_set(res, "N_NOT_FOUND", fmt_count(a, (long long)p->not_found));
	tmpl_set(res, "N_INACTIVE", fmt_count(a, (long long)p->inactive));
	tmpl_set(res, "N_MERGED", fmt_count(a, (long long)p->merged));
	for (int c = 0; c < PREREQ__MAX; c++) {
		struct tmpl_dict *b = tmpl_add(res, "BLOCKED_BY");
		tmpl_set(b, "CODE", prereq_defs[c].code);
		tmpl_set(b, "COUNT", fmt_count(a, (long long)p->blocked_by[c]));
	}
	struct tmpl_dict *form = tmpl_add(res, "APPLY");
	fill_csrf(r, form, "bulk_apply", "");
	tmpl_set(form, "NONCE", nonce);
	tmpl_set(form, "SOURCE", p->source);
	tmpl_set(form, "N_ELIGIBLE", fmt_count(a, (long long)p->eligible));
	fill_reasons(form, -1);
	if (p->eligible == 0)
		tmpl_show(form, "NOTHING_ELIGIBLE");
	size_t mergeable = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct bulk_row *row = &p->rows[i];
		struct tmpl_dict *x = tmpl_add(form, "ROW");
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
		if (row->merge_into && row->public_id) {
			struct tmpl_dict *m = tmpl_add(x, "MERGE");
			tmpl_set(m, "MERGE_INTO", row->merge_into);
			tmpl_set(m, "MERGE_URL",
			         arena_printf(a, "/customers/%s/merge?into=%s", row->public_id,
			                      row->merge_into));
			tmpl_set(m, "PAIR",
			         arena_printf(a, "%s>%s", row->public_id, row->merge_into));
			tmpl_set(m, "CUSTOMER_ID", row->public_id);
			mergeable++;
		}
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
	/* possible duplicates: merging them instead, a form of its own (its
	 * checkboxes sit in the rows, form="merge-form") with its own nonce */
	const char *merge_nonce = mergeable ? new_nonce(a) : NULL;
	if (merge_nonce != NULL && req_can_write(r)) {
		struct tmpl_dict *m = tmpl_add(res, "MERGE_FORM");
		fill_csrf(r, m, "bulk_merge", "");
		tmpl_set(m, "NONCE", merge_nonce);
		tmpl_set(m, "SOURCE", p->source);
		tmpl_set(m, "N_MERGEABLE", fmt_count(a, (long long)mergeable));
	}
}

/* The bytes of a file preview: the upload's, or the column form's
 * base64url copy. Answers 400 and returns false when there is none. */
static bool file_bytes(struct req *r, const char **data, size_t *len)
{
	if (r->fields[KEY_FILE].state == FIELD_OK) {
		*data = r->fields[KEY_FILE].s;
		*len = r->fields[KEY_FILE].len;
		return true;
	}
	const char *b64 = req_str(r, KEY_FILE_DATA);
	if (b64 == NULL) {
		http_error(r, 400, "INVALID_PARAMETER",
		           "file: choose a CSV or text file of customer ids or e-mail addresses.");
		return false;
	}
	size_t cap = strlen(b64) / 4 * 3 + 3;
	unsigned char *out = arena_alloc(r->arena, cap + 1);
	long k = b64url_decode(b64, out, cap);
	if (k < 0) {
		http_error(r, 400, "INVALID_PARAMETER",
		           "file_data: this form is damaged. Upload the file again.");
		return false;
	}
	out[k] = '\0';
	*data = (const char *)out;
	*len = (size_t)k;
	return true;
}

static const char *const sep_words[] = {"one value per line", "separated by commas",
                                        "separated by semicolons", "separated by tabs"};

/* The file's columns, each with its first values and a radio button; the
 * form posts the file back (base64url) with the column chosen. */
static void fill_columns(struct req *r, struct tmpl_dict *d, const struct bulk_file *file,
                         int column, const char *how, const char *data, size_t len)
{
	struct arena *a = r->arena;
	struct tmpl_dict *fd = tmpl_add(d, "FILE");
	const char *name = req_str(r, KEY_FILE_NAME);
	tmpl_set(fd, "FILE_NAME", name ? name : "");
	tmpl_set(fd, "FILE_TITLE", name ? name : "the file");
	fill_csrf(r, fd, "bulk_preview", "");
	char *b64 = arena_alloc(a, B64_ENCODED_SIZE(len));
	b64url_encode((const unsigned char *)data, len, b64);
	tmpl_set(fd, "FILE_DATA", b64);
	size_t values = file->t.n - (file->header ? 1 : 0);
	tmpl_set(fd, "N_LINES", fmt_count(a, (long long)values));
	tmpl_set(fd, "N_COLUMNS",
	         arena_printf(a, "%zu column%s", file->t.ncols, file->t.ncols == 1 ? "" : "s"));
	int sep = file->t.sep == ',' ? 1 : file->t.sep == ';' ? 2 : file->t.sep == '\t' ? 3 : 0;
	tmpl_set(fd, "SEP", sep_words[sep]);
	tmpl_set(fd, "SEP_CODE", csv_sep_name(file->t.sep));
	if (file->t.bom)
		tmpl_show(fd, "BOM");
	tmpl_show(fd, file->header ? "HEADER" : "NO_HEADER");
	if (column > 0) {
		struct tmpl_dict *c = tmpl_add(fd, "CHOSEN");
		tmpl_set(c, "COLUMN_NAME", bulk_file_column_name(a, file, column));
		tmpl_set_int(c, "COLUMN_NO", column);
		tmpl_set(c, "HOW", how);
	} else {
		tmpl_show(fd, "CHOOSE");
	}
	for (int i = 1; i <= (int)file->t.ncols; i++) {
		struct tmpl_dict *x = tmpl_add(fd, "COLUMN");
		tmpl_set_int(x, "N", i);
		tmpl_set(x, "NAME", bulk_file_column_name(a, file, i));
		if (i == column)
			tmpl_show(x, "CHECKED");
		const char *samples[3];
		size_t k = bulk_file_samples(a, file, i, samples, 3);
		for (size_t j = 0; j < k; j++)
			tmpl_set(tmpl_add(x, "SAMPLE"), "VALUE", samples[j]);
		if (k == 0)
			tmpl_show(x, "NO_SAMPLE");
	}
}

/* mode=file: the file's columns, and the preview of the chosen one. */
static void page_bulk_file(struct req *r)
{
	struct arena *a = r->arena;
	const char *data;
	size_t len;
	if (!file_bytes(r, &data, &len))
		return;
	struct bulk_file file;
	struct failure f = {0};
	if (bulk_parse_file(a, data, len, r->app->cfg.bulk_max, &file, &f) != ERR_OK) {
		http_fail(r, &f);
		return;
	}
	bool picked = r->fields[KEY_COLUMN].state == FIELD_OK;
	int column = picked ? (int)req_int(r, KEY_COLUMN, 0) : file.auto_column;
	const char *how = picked                  ? "chosen by you"
	                  : file.t.ncols == 1     ? "the only column"
	                  : file.auto_column != 0 ? "chosen from the header"
	                                          : NULL;
	struct bulk_preview p;
	memset(&p, 0, sizeof(p));
	const char *nonce = NULL;
	if (column > 0) {
		if (bulk_preview_file(r->app->db, a, r->user.tenant, &file, column,
		                      req_str(r, KEY_FILE_NAME), r->app->cfg.bulk_max, &p,
		                      &f) != ERR_OK) {
			http_fail(r, &f);
			return;
		}
		if ((nonce = new_nonce(a)) == NULL) {
			http_fail_kind(r, ERR_INTERNAL);
			return;
		}
	}
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, "Bulk preview", "bulk_preview.tpl", NAV_BULK);
	fill_columns(r, d, &file, column, how, data, len);
	if (column > 0) {
		tmpl_set(d, "SOURCE", p.source);
		fill_result(r, d, &p, nonce);
	}
	view_send(r, &v, 200);
}

void page_bulk_preview(struct req *r)
{
	struct arena *a = r->arena;
	int max = r->app->cfg.bulk_max;
	struct bulk_preview p;
	struct failure f = {0};
	enum err rc;
	switch (req_int(r, KEY_MODE, -1)) {
	case MODE_PASTE:
		rc = bulk_preview_paste(r->app->db, a, r->user.tenant, req_str(r, KEY_LINES),
		                        r->fields[KEY_LINES].len, max, &p, &f);
		break;
	case MODE_FILTER: {
		struct bulk_filter filter = {
		    .domain = req_str(r, KEY_DOMAIN),
		    .created_before = req_str(r, KEY_CREATED_BEFORE),
		    .no_orders = req_int(r, KEY_NO_ORDERS, 0) == 1,
		    .idle_since = req_str(r, KEY_IDLE_SINCE),
		};
		rc = bulk_preview_filter(r->app->db, a, r->user.tenant, &filter, max, &p, &f);
		break;
	}
	case MODE_DUPLICATES:
		rc = bulk_preview_duplicates(r->app->db, a, r->user.tenant, max, &p, &f);
		break;
	case MODE_SEARCH:
		rc = bulk_preview_search(r->app->db, a, r->user.tenant, req_str(r, KEY_Q), max, &p,
		                         &f);
		break;
	case MODE_FILE: page_bulk_file(r); return;
	default:
		http_error(r, 400, "INVALID_PARAMETER",
		           "mode: choose paste, file, filter, duplicates or search.");
		return;
	}
	if (rc != ERR_OK) {
		http_fail(r, &f);
		return;
	}
	const char *nonce = new_nonce(a);
	if (nonce == NULL) {
		http_fail_kind(r, ERR_INTERNAL);
		return;
	}
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, "Bulk preview", "bulk_preview.tpl", NAV_BULK);
	tmpl_set(d, "SOURCE", p.source);
	fill_result(r, d, &p, nonce);
	view_send(r, &v, 200);
}

/* The checks both run forms share: their nonce, and a selection of 1 to
 * the bulk limit values in field sel (named name). Answers 400 or 413 and
 * returns false when one fails; else who is the run's actor. */
static bool run_form_ok(struct req *r, const struct field *sel, const char *name, const char *tick,
                        const char *verb, const char *unit, struct actor *who)
{
	const char *nonce = req_str(r, KEY_NONCE);
	if (nonce == NULL || strlen(nonce) != 32) {
		http_error(r, 400, "INVALID_PARAMETER",
		           arena_printf(r->arena,
		                        "nonce: this form is incomplete. Preview again and %s from "
		                        "there.",
		                        verb));
		return false;
	}
	if (sel->state != FIELD_OK || sel->nmulti == 0) {
		http_error(r, 400, "INVALID_PARAMETER",
		           arena_printf(r->arena, "%s: %s", name, tick));
		return false;
	}
	if (sel->nmulti > (size_t)r->app->cfg.bulk_max) {
		http_error(r, 413, "TOO_MANY_SELECTED",
		           arena_printf(r->arena, "%s: at most %d %s per run.", name,
		                        r->app->cfg.bulk_max, unit));
		return false;
	}
	*who = page_actor(r);
	who->channel = CHANNEL_BULK;
	return true;
}

/* A run made (303 to its page, with the flash) or refused. */
static void run_made(struct req *r, enum err rc, const struct failure *f, const char *run,
                     bool existing, const char *flash)
{
	if (rc != ERR_OK) {
		http_fail(r, f);
		return;
	}
	view_flash(r, existing ? "bulk_resubmitted" : flash);
	resp_redirect(r, arena_printf(r->arena, "/bulk/%s", run));
}

void page_bulk_apply(struct req *r)
{
	const struct field *sel = &r->fields[KEY_SELECT];
	int reason = (int)req_int(r, KEY_REASON, -1);
	if (reason < 0) {
		http_error(r, 400, "INVALID_PARAMETER",
		           "reason: choose why these customers are deactivated, then apply again.");
		return;
	}
	struct actor who;
	if (!run_form_ok(r, sel, "select", "tick at least one eligible customer, then apply.",
	                 "apply", "customers", &who))
		return;
	const char *source = req_str(r, KEY_SOURCE);
	const char *run = NULL;
	bool existing = false;
	struct failure f = {0};
	enum err rc =
	    bulk_create_run(r->app->db, r->arena, &who, (enum reason)reason, req_str(r, KEY_NOTE),
	                    source ? source : "selection", req_str(r, KEY_NONCE), sel->multi,
	                    sel->nmulti, &run, &existing, &f);
	run_made(r, rc, &f, run, existing, "bulk_started");
}

void page_bulk_merge(struct req *r)
{
	const struct field *pairs = &r->fields[KEY_PAIR];
	struct actor who;
	if (!run_form_ok(r, pairs, "pair", "tick at least one duplicate to merge, then merge.",
	                 "merge", "merges", &who))
		return;
	const char *source = req_str(r, KEY_SOURCE);
	const char *run = NULL;
	bool existing = false;
	struct failure f = {0};
	enum err rc = bulk_create_merge_run(r->app->db, r->arena, &who, req_str(r, KEY_NOTE),
	                                    source ? source : "selection", req_str(r, KEY_NONCE),
	                                    pairs->multi, pairs->nmulti, &run, &existing, &f);
	run_made(r, rc, &f, run, existing, "bulk_merge_started");
}

static void send_items_csv(struct req *r, uint64_t run, const char *pid, bool merge)
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
	if (merge)
		csv_field(&b, "merged_into", 0);
	csv_end(&b);
	int64_t after = 0;
	for (;;) {
		struct bulk_items items;
		if (db_bulk_items_page(r->app->db, r->arena, run, after, CSV_CHUNK, &items) !=
		    ERR_OK)
			break; /* the response has started: a short file is all we can do */
		for (size_t i = 0; i < items.n; i++) {
			const struct bulk_item *x = &items.rows[i];
			csv_field(&b, arena_printf(r->arena, "%lld", (long long)x->seq), 1);
			csv_field(&b, x->subject, 0);
			csv_field(&b, x->email, 0);
			csv_field(&b, x->first_name, 0);
			csv_field(&b, x->last_name, 0);
			csv_field(&b, x->outcome ? x->outcome : "pending", 0);
			csv_field(&b, x->done_at, 0);
			if (merge)
				csv_field(&b, x->target, 0);
			csv_end(&b);
		}
		resp_write(r, b.p, b.len);
		b.len = 0;
		if (items.n < CSV_CHUNK)
			break;
		after = items.rows[items.n - 1].seq;
	}
}

void page_bulk_run(struct req *r)
{
	struct arena *a = r->arena;
	struct db *db = r->app->db;
	struct bulk_run run;
	enum err rc = db_bulk_run_get(db, a, r->user.tenant, r->arg, &run);
	if (rc == ERR_NOT_FOUND) {
		http_error(r, 404, "NOT_FOUND", "There is no bulk run with this id.");
		return;
	}
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	if (req_int(r, KEY_FORMAT, FORMAT_HTML) == FORMAT_CSV) {
		send_items_csv(r, run.id, r->arg, run.kind == RUN_MERGE);
		return;
	}
	int64_t after = req_int(r, KEY_ITEMS_AFTER, 0);
	struct bulk_progress prog;
	struct bulk_items items;
	if ((rc = db_bulk_run_progress(db, a, run.id, &prog)) ||
	    (rc = db_bulk_items_page(db, a, run.id, after, ITEMS_PAGE + 1, &items))) {
		http_fail_kind(r, rc);
		return;
	}
	bool finished = run.status == RUN_DONE;
	struct view v;
	struct tmpl_dict *d =
	    view_begin(r, &v, arena_printf(a, "Bulk run %s", r->arg), "bulk_run.tpl", NAV_BULK);
	if (!finished)
		view_refresh(&v, 2);
	tmpl_set(d, "RUN_ID", r->arg);
	tmpl_set(d, "RUN_STATUS", run_status_name[run.status]);
	tmpl_set(d, "ACTOR", run.actor);
	if (run.reason >= 0)
		tmpl_set(tmpl_add(d, "HAS_REASON"), "REASON", reason_label(run.reason));
	tmpl_set(d, "NOTE", run.note);
	bool undo = run.kind == RUN_UNDO, merge = run.kind == RUN_MERGE,
	     erase = run.kind == RUN_ERASE;
	tmpl_set(d, "DONE_VERB",
	         undo    ? "reactivated"
	         : merge ? "merged"
	         : erase ? "erased"
	                 : "deactivated");
	if (merge)
		tmpl_show(d, "MERGE_RUN");
	if (erase) {
		tmpl_show(d, "ERASE_RUN");
		fill_policy_upcoming(r, d);
	}
	if (undo && run.undo_of_public_id != NULL) {
		struct tmpl_dict *u = tmpl_add(d, "UNDO_OF");
		tmpl_set(u, "ORIGINAL_ID", run.undo_of_public_id);
		tmpl_set(u, "ORIGINAL_URL", arena_printf(a, "/bulk/%s", run.undo_of_public_id));
	}
	if (run.undone_by != NULL) {
		struct tmpl_dict *u = tmpl_add(d, "UNDONE_BY");
		tmpl_set(u, "UNDO_ID", run.undone_by);
		tmpl_set(u, "UNDO_URL", arena_printf(a, "/bulk/%s", run.undone_by));
	} else if (!undo && !merge && !erase && finished && prog.ok > 0 &&
	           r->user.role >= ROLE_ADMIN) {
		/* the undo page (admins only) says what an undo would do */
		tmpl_set(tmpl_add(d, "UNDO_LINK"), "UNDO_FORM_URL",
		         arena_printf(a, "/bulk/%s/undo", r->arg));
	}
	tmpl_set(d, "SOURCE", run.source);
	tmpl_set(d, "CREATED", fmt_datetime(a, run.created_at));
	tmpl_set(d, "STARTED", fmt_datetime(a, run.started_at));
	tmpl_set(d, "FINISHED", fmt_datetime(a, run.finished_at));
	tmpl_set(d, "TOTAL", fmt_count(a, prog.total));
	tmpl_set(d, "DONE", fmt_count(a, prog.done));
	tmpl_set(d, "OK", fmt_count(a, prog.ok));
	tmpl_set(d, "REFUSED", fmt_count(a, prog.refused));
	tmpl_set_int(d, "DONE_RAW", prog.done);
	tmpl_set_int(d, "TOTAL_RAW", prog.total > 0 ? prog.total : 1);
	tmpl_set_int(d, "PERCENT", prog.total > 0 ? prog.done * 100 / prog.total : 100);
	if (!finished)
		tmpl_set(tmpl_add(d, "IN_PROGRESS"), "WORKER_STATE",
		         run.status == RUN_QUEUED ? "Waiting for a job worker" : "Running");
	tmpl_set(d, "CSV_URL", arena_printf(a, "/bulk/%s?format=csv", r->arg));
	size_t shown = items.n > ITEMS_PAGE ? ITEMS_PAGE : items.n;
	for (size_t i = 0; i < shown; i++) {
		const struct bulk_item *x = &items.rows[i];
		struct tmpl_dict *row = tmpl_add(d, "ITEM");
		tmpl_set_int(row, "SEQ", x->seq);
		if (x->customer_public_id) {
			struct tmpl_dict *c = tmpl_add(row, "CUSTOMER");
			tmpl_set(c, "CUSTOMER_ID", x->customer_public_id);
			tmpl_set(c, "CUSTOMER_URL",
			         arena_printf(a, "/customers/%s", x->customer_public_id));
			tmpl_set(c, "NAME", row_name_of(a, x->first_name, x->last_name));
			tmpl_set(c, "EMAIL", x->email);
		} else {
			tmpl_set(tmpl_add(row, "UNKNOWN"), "SUBJECT", x->subject);
		}
		if (x->target != NULL) {
			struct tmpl_dict *t = tmpl_add(row, "TARGET");
			tmpl_set(t, "TARGET_ID", x->target);
			tmpl_set(t, "TARGET_URL", arena_printf(a, "/customers/%s", x->target));
		}
		if (x->outcome == NULL)
			tmpl_show(row, "PENDING");
		else if (strcmp(x->outcome, "ok") == 0)
			tmpl_show(row, "OUTCOME_OK");
		else
			tmpl_set(tmpl_add(row, "OUTCOME_REFUSED"), "OUTCOME", x->outcome);
		tmpl_set(row, "DONE_AT", fmt_datetime(a, x->done_at));
	}
	if (items.n > ITEMS_PAGE)
		tmpl_set(tmpl_add(d, "NEXT"), "NEXT_URL",
		         arena_printf(a, "/bulk/%s?items_after=%lld", r->arg,
		                      (long long)items.rows[ITEMS_PAGE - 1].seq));
	if (after > 0)
		tmpl_set(tmpl_add(d, "FIRST"), "FIRST_URL", arena_printf(a, "/bulk/%s", r->arg));
	view_send(r, &v, 200);
}

/* ---- undo ------------------------------------------------------------------- */

/* Why a customer the run deactivated is left alone. */
static const char *left_alone_why(struct arena *a, const struct bulk_undo_row *x)
{
	if (strcmp(x->outcome, "ALREADY_ACTIVE") == 0)
		return "Reactivated since: active now.";
	if (strcmp(x->outcome, "MERGED") == 0)
		return arena_printf(a, "Merged into %s since: its records are there.", x->since_by);
	return arena_printf(a, "Reactivated since, then deactivated again by %s on %s.",
	                    x->since_by ? x->since_by : "someone", fmt_datetime(a, x->since_at));
}

void page_bulk_undo_form(struct req *r)
{
	struct arena *a = r->arena;
	struct bulk_undo_plan p;
	struct failure f = {0};
	if (bulk_undo_plan(r->app->db, a, r->user.tenant, r->arg, &p, &f) != ERR_OK) {
		http_fail(r, &f);
		return;
	}
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, arena_printf(a, "Undo bulk run %s", r->arg),
	                                 "bulk_undo.tpl", NAV_BULK);
	tmpl_set(d, "RUN_ID", r->arg);
	tmpl_set(d, "RUN_URL", arena_printf(a, "/bulk/%s", r->arg));
	if (p.run.undone_by != NULL) {
		struct tmpl_dict *u = tmpl_add(d, "UNDONE");
		tmpl_set(u, "UNDO_ID", p.run.undone_by);
		tmpl_set(u, "UNDO_URL", arena_printf(a, "/bulk/%s", p.run.undone_by));
		view_send(r, &v, 200);
		return;
	}
	struct tmpl_dict *plan = tmpl_add(d, "PLAN");
	size_t left = p.n - p.to_reactivate;
	tmpl_set(plan, "N_REACTIVATE", fmt_count(a, (long long)p.to_reactivate));
	tmpl_set(plan, "N_DEACTIVATED", fmt_count(a, (long long)p.n));
	tmpl_set(plan, "N_LEFT", fmt_count(a, (long long)left));
	tmpl_set(plan, "ACTOR", p.run.actor);
	tmpl_set(plan, "REASON", reason_label(p.run.reason));
	tmpl_set(plan, "SOURCE", p.run.source);
	tmpl_set(plan, "FINISHED", fmt_datetime(a, p.run.finished_at));
	if (left > 0) {
		struct tmpl_dict *l = tmpl_add(plan, "LEFT_ALONE");
		for (size_t i = 0; i < p.n; i++) {
			const struct bulk_undo_row *x = &p.rows[i];
			if (x->undo)
				continue;
			struct tmpl_dict *row = tmpl_add(l, "ROW");
			tmpl_set(row, "CUSTOMER_ID", x->public_id);
			tmpl_set(row, "CUSTOMER_URL",
			         arena_printf(a, "/customers/%s", x->public_id));
			tmpl_set(row, "NAME", row_name_of(a, x->first_name, x->last_name));
			tmpl_set(row, "EMAIL", x->email);
			tmpl_set(row, "OUTCOME", x->outcome);
			tmpl_set(row, "WHY", left_alone_why(a, x));
		}
	}
	if (p.to_reactivate > 0) {
		struct tmpl_dict *form = tmpl_add(plan, "FORM");
		fill_csrf(r, form, "bulk_undo", r->arg);
		tmpl_set(form, "ACTION_URL", arena_printf(a, "/bulk/%s/undo", r->arg));
	} else {
		tmpl_show(plan, "NOTHING");
	}
	view_send(r, &v, 200);
}

void page_bulk_undo(struct req *r)
{
	struct actor who = page_actor(r);
	who.channel = CHANNEL_BULK;
	const char *run;
	bool existing;
	struct failure f = {0};
	if (bulk_undo_create(r->app->db, r->arena, &who, r->arg, &run, &existing, &f) != ERR_OK) {
		http_fail(r, &f);
		return;
	}
	view_flash(r, existing ? "bulk_undo_exists" : "bulk_undo_started");
	resp_redirect(r, arena_printf(r->arena, "/bulk/%s", run));
}
