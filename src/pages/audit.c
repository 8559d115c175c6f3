/* GET /audit (HTML, or CSV with format=csv) */
#include <stdlib.h>
#include <string.h>

#include "db/audit.h"
#include "db/sql.h"
#include "http/error.h"
#include "http/kv.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/cursor.h"
#include "util/fmt.h"

#define AUDIT_PAGE      50
#define AUDIT_CSV_CHUNK 1000
#define AUDIT_CSV_MAX   1000000

static void filters_query(struct req *r, struct buf *b)
{
	static const enum key keys[] = {KEY_ACTOR,    KEY_ACTION, KEY_OUTCOME,
	                                KEY_CUSTOMER, KEY_FROM,   KEY_TO};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = req_str(r, keys[i]);
		if (v && v[0])
			buf_printf(b, "%s=%s&", input_name(keys[i]), url_encode(r->arena, v));
	}
}

static void send_csv(struct req *r, struct audit_query *q)
{
	resp_header(r, "Content-Disposition", "attachment; filename=\"audit.csv\"");
	resp_start(r, 200, "text/csv; charset=utf-8");
	struct buf b;
	buf_init(&b, r->arena, 64 * 1024);
	static const char *const head[] = {"id",      "at",       "actor",      "action",
	                                   "channel", "customer", "subject",    "reason",
	                                   "note",    "outcome",  "request_id", "bulk_run_id"};
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csv_field(&b, head[i], i == 0);
	csv_end(&b);
	q->limit = AUDIT_CSV_CHUNK;
	long total = 0;
	for (;;) {
		struct db_res rows;
		if (db_audit_list(r->app->db, r->arena, q, &rows) != ERR_OK)
			break; /* the response has started: a short file is all we can do */
		for (size_t i = 0; i < rows.nrows; i++) {
			static const int cols[] = {AU_ID,      AU_AT,         AU_ACTOR,
			                           AU_ACTION,  AU_CHANNEL,    AU_CUSTOMER_PUBLIC,
			                           AU_SUBJECT, AU_REASON,     AU_NOTE,
			                           AU_OUTCOME, AU_REQUEST_ID, AU_RUN_ID};
			for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
				csv_field(&b, DB_V(&rows, i, cols[c]), c == 0);
			csv_end(&b);
		}
		resp_write(r, b.p, b.len);
		b.len = 0;
		total += (long)rows.nrows;
		if (rows.nrows < AUDIT_CSV_CHUNK || total >= AUDIT_CSV_MAX)
			break;
		q->after = true;
		q->after_id = strtoull(DB_V(&rows, rows.nrows - 1, AU_ID), NULL, 10);
	}
}

void page_audit(struct req *r)
{
	struct arena *a = r->arena;
	const struct config *cfg = &r->app->cfg;
	struct audit_query q = {
	    .tenant = r->user.tenant,
	    .actor = req_str(r, KEY_ACTOR),
	    .action = req_str(r, KEY_ACTION),
	    .outcome = req_str(r, KEY_OUTCOME),
	    .customer = req_str(r, KEY_CUSTOMER),
	    .from = req_str(r, KEY_FROM),
	    .to = req_str(r, KEY_TO),
	    .limit = AUDIT_PAGE + 1,
	};
	if (q.actor && q.actor[0] == '\0')
		q.actor = NULL;
	const char *after = req_str(r, KEY_AFTER);
	if (after != NULL) {
		char *key;
		uint64_t id;
		if (cursor_decode(a, cfg->secret, cfg->secretlen, "audit", after, &key, &id) != 0) {
			http_error(
			    r, 400, "INVALID_CURSOR",
			    "after: this page link is invalid. Start again from the first page.");
			return;
		}
		q.after = true;
		q.after_id = id;
	}
	const char *format = req_str(r, KEY_FORMAT);
	if (format && strcmp(format, "csv") == 0) {
		send_csv(r, &q);
		return;
	}
	struct db_res rows;
	enum err rc = db_audit_list(r->app->db, a, &q, &rows);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, "Audit log", "audit.tpl", NAV_AUDIT);
	tmpl_set(d, "F_ACTOR", q.actor);
	tmpl_set(d, "F_OUTCOME", q.outcome);
	tmpl_set(d, "F_CUSTOMER", q.customer);
	tmpl_set(d, "F_FROM", q.from);
	tmpl_set(d, "F_TO", q.to);
	static const char *const actions[] = {"deactivate", "reactivate"};
	static const char *const action_labels[] = {"Deactivate", "Reactivate"};
	fill_options(d, "ACTION_OPTION", actions, action_labels, 2, q.action);
	size_t shown = rows.nrows > AUDIT_PAGE ? AUDIT_PAGE : rows.nrows;
	for (size_t i = 0; i < shown; i++) {
		struct tmpl_dict *row = tmpl_add(d, "ROW");
		tmpl_set(row, "DATE", fmt_datetime(a, DB_V(&rows, i, AU_AT)));
		tmpl_set(row, "ACTOR", DB_V(&rows, i, AU_ACTOR));
		tmpl_set(row, "ACTION", DB_V(&rows, i, AU_ACTION));
		tmpl_set(row, "CHANNEL", DB_V(&rows, i, AU_CHANNEL));
		const char *cpid = DB_V(&rows, i, AU_CUSTOMER_PUBLIC);
		if (cpid != NULL) {
			struct tmpl_dict *c = tmpl_add(row, "CUSTOMER_LINK");
			tmpl_set(c, "SUBJECT", cpid);
			tmpl_set(c, "SUBJECT_URL", arena_printf(a, "/customers/%s", cpid));
		} else {
			tmpl_set(tmpl_add(row, "SUBJECT_ONLY"), "SUBJECT",
			         DB_V(&rows, i, AU_SUBJECT));
		}
		tmpl_set(row, "REASON", fmt_label(a, DB_V(&rows, i, AU_REASON)));
		tmpl_set(row, "NOTE", DB_V(&rows, i, AU_NOTE));
		tmpl_set(row, "OUTCOME", DB_V(&rows, i, AU_OUTCOME));
		tmpl_show(row, strcmp(DB_V(&rows, i, AU_OUTCOME), "ok") == 0 ? "OUTCOME_OK"
		                                                             : "OUTCOME_REFUSED");
		tmpl_set(row, "REQUEST_ID", DB_V(&rows, i, AU_REQUEST_ID));
		if (DB_V(&rows, i, AU_RUN_ID))
			tmpl_set(tmpl_add(row, "RUN"), "RUN_ID", DB_V(&rows, i, AU_RUN_ID));
	}
	tmpl_show(d, shown ? "HAS_ROWS" : "EMPTY");
	struct buf qs;
	buf_init(&qs, a, 256);
	filters_query(r, &qs);
	tmpl_set(d, "CSV_URL", arena_printf(a, "/audit?%sformat=csv", qs.p));
	if (rows.nrows > AUDIT_PAGE) {
		char *next = cursor_encode(a, cfg->secret, cfg->secretlen, "audit", "",
		                           strtoull(DB_V(&rows, AUDIT_PAGE - 1, AU_ID), NULL, 10));
		tmpl_set(tmpl_add(d, "NEXT"), "NEXT_URL",
		         arena_printf(a, "/audit?%safter=%s", qs.p, next));
	}
	if (after)
		tmpl_set(tmpl_add(d, "FIRST"), "FIRST_URL", arena_printf(a, "/audit?%s", qs.p));
	view_send(r, &v, 200);
}
