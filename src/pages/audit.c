/* GET /audit (HTML, or CSV with format=csv) */
#include "db/audit.h"
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
		struct audit_list rows;
		if (db_audit_list(r->app->db, r->arena, q, &rows) != ERR_OK)
			break; /* the response has started: a short file is all we can do */
		for (size_t i = 0; i < rows.n; i++) {
			const struct audit_row *x = &rows.rows[i];
			csv_field(&b, arena_printf(r->arena, "%llu", (unsigned long long)x->id), 1);
			csv_field(&b, x->at, 0);
			csv_field(&b, x->actor, 0);
			csv_field(&b, x->action, 0);
			csv_field(&b, channel_name[x->channel], 0);
			csv_field(&b, x->customer_public_id, 0);
			csv_field(&b, x->subject, 0);
			csv_field(&b, x->reason >= 0 ? reason_code[x->reason] : NULL, 0);
			csv_field(&b, x->note, 0);
			csv_field(&b, x->outcome, 0);
			csv_field(&b, x->request_id, 0);
			csv_field(&b,
			          x->bulk_run_id ? arena_printf(r->arena, "%llu",
			                                        (unsigned long long)x->bulk_run_id)
			                         : NULL,
			          0);
			csv_end(&b);
		}
		resp_write(r, b.p, b.len);
		b.len = 0;
		total += (long)rows.n;
		if (rows.n < AUDIT_CSV_CHUNK || total >= AUDIT_CSV_MAX)
			break;
		q->after = true;
		q->after_id = rows.rows[rows.n - 1].id;
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
	if (req_int(r, KEY_FORMAT, FORMAT_HTML) == FORMAT_CSV) {
		send_csv(r, &q);
		return;
	}
	struct audit_list rows;
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
	/* the actions an operator looks for (each with its label) */
	static const char *const actions[] = {
	    "deactivate",      "reactivate",          "edit",
	    "order_cancel",    "subscription_cancel", "early_return",
	    "device_returned", "device_sold",         "device_lost",
	    "closure_request", "closure_withdraw",    "bulk_undo",
	    "merge",           "webhook_create",      "webhook_update",
	    "webhook_test",    "webhook_redeliver",   "erase",
	    "legal_hold",      "legal_hold_lift",     "retention_policy",
	    "api_key_create",  "api_key_revoke",      "operator_add",
	    "operator_role",   "operator_disable",    "operator_enable"};
	static const char *const action_labels[] = {"Deactivate",
	                                            "Reactivate",
	                                            "Profile edit",
	                                            "Order cancelled",
	                                            "Subscription cancelled",
	                                            "Early return",
	                                            "Device returned",
	                                            "Device sold",
	                                            "Device lost",
	                                            "Closure requested",
	                                            "Closure withdrawn",
	                                            "Bulk run undone",
	                                            "Merge",
	                                            "Webhook endpoint added",
	                                            "Webhook endpoint changed",
	                                            "Webhook test event",
	                                            "Webhook redelivery",
	                                            "Personal data erased",
	                                            "Legal hold set",
	                                            "Legal hold lifted",
	                                            "Retention policy changed",
	                                            "API key created",
	                                            "API key revoked",
	                                            "Operator added",
	                                            "Operator's role changed",
	                                            "Operator disabled",
	                                            "Operator enabled again"};
	_Static_assert(sizeof(actions) == sizeof(action_labels), "a label for each action");
	fill_options(d, "ACTION_OPTION", actions, action_labels,
	             sizeof(actions) / sizeof(actions[0]), q.action);
	size_t shown = rows.n > AUDIT_PAGE ? AUDIT_PAGE : rows.n;
	for (size_t i = 0; i < shown; i++) {
		const struct audit_row *x = &rows.rows[i];
		struct tmpl_dict *row = tmpl_add(d, "ROW");
		tmpl_set(row, "DATE", fmt_datetime(a, x->at));
		tmpl_set(row, "ACTOR", x->actor);
		tmpl_set(row, "ACTION", x->action);
		tmpl_set(row, "CHANNEL", channel_name[x->channel]);
		if (x->customer_public_id != NULL) {
			struct tmpl_dict *c = tmpl_add(row, "CUSTOMER_LINK");
			tmpl_set(c, "SUBJECT", x->customer_public_id);
			tmpl_set(c, "SUBJECT_URL",
			         arena_printf(a, "/customers/%s", x->customer_public_id));
		} else {
			tmpl_set(tmpl_add(row, "SUBJECT_ONLY"), "SUBJECT", x->subject);
		}
		tmpl_set(row, "REASON", reason_label(x->reason));
		tmpl_set(row, "NOTE", x->note);
		fill_changes(row, a, x);
		tmpl_set(row, "OUTCOME", x->outcome);
		tmpl_show(row, x->ok ? "OUTCOME_OK" : "OUTCOME_REFUSED");
		tmpl_set(row, "REQUEST_ID", x->request_id);
		if (x->bulk_run_id)
			tmpl_set_int(tmpl_add(row, "RUN"), "RUN_ID", (long long)x->bulk_run_id);
	}
	tmpl_show(d, shown ? "HAS_ROWS" : "EMPTY");
	struct buf qs;
	buf_init(&qs, a, 256);
	filters_query(r, &qs);
	tmpl_set(d, "CSV_URL", arena_printf(a, "/audit?%sformat=csv", qs.p));
	if (rows.n > AUDIT_PAGE) {
		char *next = cursor_encode(a, cfg->secret, cfg->secretlen, "audit", "",
		                           rows.rows[AUDIT_PAGE - 1].id);
		tmpl_set(tmpl_add(d, "NEXT"), "NEXT_URL",
		         arena_printf(a, "/audit?%safter=%s", qs.p, next));
	}
	if (after)
		tmpl_set(tmpl_add(d, "FIRST"), "FIRST_URL", arena_printf(a, "/audit?%s", qs.p));
	view_send(r, &v, 200);
}
