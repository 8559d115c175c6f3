/* audit_log: append-only (the application account cannot UPDATE it). */
#include "db/audit.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "db/row.h"
#include "db/sql.h"
#include "util/buf.h"

const struct stmt_sql db_sql_audit[] = {
    /* actor, tenant, customer id (NULL), subject, action, channel, reason,
     * note, outcome, request id, bulk run id (NULL) */
    {STMT_AUDIT_INSERT,
     "INSERT INTO audit_log (at, actor, tenant_id, customer_id, subject, action, channel,"
     "                       reason, note, outcome, request_id, bulk_run_id, changes)"
     " VALUES (UTC_TIMESTAMP(3), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
};
const size_t db_sql_audit_n = sizeof(db_sql_audit) / sizeof(db_sql_audit[0]);

enum err db_audit_insert(struct db *db, struct arena *a, const struct audit_entry *e)
{
	long long cid = (long long)e->customer_id;
	long long run = (long long)e->bulk_run_id;
	return db_exec(db, a, STMT_AUDIT_INSERT, NULL, "siIsssssssIs", e->actor,
	               (long long)e->tenant, e->customer_id ? &cid : NULL, e->subject, e->action,
	               channel_name[e->channel], e->reason >= 0 ? reason_code[e->reason] : NULL,
	               e->note, e->outcome, e->request_id, e->bulk_run_id ? &run : NULL,
	               e->changes);
}

/* A member of a change: a string, or null (no value). */
static bool change_value(struct arena *a, json_t *o, const char *name, const char **out)
{
	json_t *v = json_object_get(o, name);
	*out = NULL;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_string(v))
		return false;
	*out = arena_strndup(a, json_string_value(v), json_string_length(v));
	return true;
}

bool db_audit_changes_take(struct arena *a, const char *json, struct audit_row *x)
{
	if (json == NULL)
		return true;
	json_t *list = json_loads(json, 0, NULL);
	bool ok = json_is_array(list);
	size_t n = ok ? json_array_size(list) : 0;
	struct audit_change *c = n ? arena_calloc(a, n, sizeof(*c)) : NULL;
	for (size_t i = 0; ok && i < n; i++) {
		json_t *o = json_array_get(list, i);
		const char *field = json_string_value(json_object_get(o, "field"));
		ok = field != NULL && change_value(a, o, "old", &c[i].old_value) &&
		     change_value(a, o, "new", &c[i].new_value);
		c[i].field = ok ? arena_strdup(a, field) : NULL;
	}
	json_decref(list);
	if (ok) {
		x->changes = c;
		x->nchanges = n;
	}
	return ok;
}

/* ---- the audit page ------------------------------------------------------ */

static void read_audit_list(struct row *w, void *elem)
{
	struct audit_row *x = elem;
	x->id = row_u64(w, 0);
	x->at = row_text(w, 1);
	x->actor = row_text(w, 2);
	x->subject = row_text(w, 3);
	x->action = row_text(w, 4);
	x->channel = (enum channel)row_enum(w, 5, channel_name, CHANNEL__MAX, false);
	x->reason = row_enum(w, 6, reason_code, REASON__MAX, true);
	x->note = row_str(w, 7);
	x->outcome = row_text(w, 8);
	x->ok = strcmp(x->outcome, "ok") == 0;
	x->request_id = row_str(w, 9);
	x->bulk_run_id = row_u64(w, 10);
	x->customer_public_id = row_str(w, 11);
}

enum err db_audit_list(struct db *db, struct arena *a, const struct audit_query *q,
                       struct audit_list *out)
{
	memset(out, 0, sizeof(*out));
	struct buf b;
	buf_init(&b, a, 1024);
	/* The index that reads the filter in use newest first, named: with
	 * both an actor's and an action's index usable, MariaDB's cost model
	 * may merge them and sort the union, as a test saw once enough merge
	 * rows made both look selective. */
	const char *ix = q->customer ? "ix_audit_customer"
	                 : q->actor  ? "ix_audit_actor"
	                 : q->action ? "ix_audit_action"
	                             : "ix_audit_tenant";
	buf_printf(
	    &b,
	    "SELECT l.id, l.at, l.actor, l.subject, l.action, l.channel, l.reason,"
	    " l.note, l.outcome, l.request_id, l.bulk_run_id, c.public_id, l.changes"
	    " FROM audit_log l FORCE INDEX (%s) LEFT JOIN customers c ON c.id = l.customer_id"
	    " WHERE l.tenant_id = ?",
	    ix);
	struct db_param p[16];
	size_t n = 0;
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
	if (q->actor) {
		buf_puts(&b, " AND l.actor = ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->actor};
	}
	if (q->action) {
		buf_puts(&b, " AND l.action = ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->action};
	}
	if (q->outcome) {
		buf_puts(&b, " AND FIND_IN_SET(?, l.outcome) > 0");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->outcome};
	}
	if (q->customer) {
		buf_puts(&b, " AND l.customer_id = (SELECT id FROM customers"
		             " WHERE public_id = ? AND tenant_id = ?)");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->customer};
		p[n++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
	}
	buf_puts(&b, " AND (? IS NULL OR l.at >= ?)"
	             " AND (? IS NULL OR l.at < DATE_ADD(?, INTERVAL 1 DAY))");
	for (int i = 0; i < 2; i++)
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->from, .null = !q->from};
	for (int i = 0; i < 2; i++)
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->to, .null = !q->to};
	if (q->after) {
		buf_puts(&b, " AND l.id < ?");
		p[n++] = (struct db_param){.type = DB_P_UINT, .i = (long long)q->after_id};
	}
	buf_puts(&b, " ORDER BY l.id DESC LIMIT ?");
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->limit};
	struct db_res r;
	enum err rc = db_exec_params(db, a, b.p, &r, p, n);
	if (rc == ERR_OK)
		out->rows = rows_read(a, &r, "audit list", sizeof(*out->rows), read_audit_list,
		                      &out->n, &rc);
	for (size_t i = 0; rc == ERR_OK && i < out->n; i++) {
		struct row w = row_at(&r, i, "audit list");
		if (!db_audit_changes_take(a, row_str(&w, 12), &out->rows[i]) || w.bad)
			rc = ERR_INTERNAL;
	}
	return rc;
}

const char *audit_changes_json(struct arena *a, const struct audit_change *c, size_t n)
{
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
		    list,
		    json_pack("{s:s, s:o, s:o}", "field", c[i].field, "old",
		              c[i].old_value ? json_string(c[i].old_value) : json_null(), "new",
		              c[i].new_value ? json_string(c[i].new_value) : json_null()));
	char *text = json_dumps(list, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(list);
	if (text == NULL)
		return NULL;
	const char *out = arena_strndup(a, text, strlen(text));
	free(text);
	return out;
}
