/* audit_log: append-only (the application account cannot UPDATE it). */
#include "db/sql.h"

const struct stmt_sql db_sql_audit[] = {
    /* actor, tenant, customer id (NULL), subject, action, channel, reason,
     * note, outcome, request id, bulk run id (NULL) */
    {STMT_AUDIT_INSERT,
     "INSERT INTO audit_log (at, actor, tenant_id, customer_id, subject, action, channel,"
     "                       reason, note, outcome, request_id, bulk_run_id)"
     " VALUES (UTC_TIMESTAMP(3), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
    /* customer, before id, limit (the customer was found in the tenant) */
    {STMT_AUDIT_BY_CUSTOMER,
     "SELECT id, at, actor, subject, action, channel, reason, note, outcome, request_id,"
     "       bulk_run_id, subject"
     "  FROM audit_log WHERE customer_id = ? AND id < ? ORDER BY id DESC LIMIT ?"},
};
const size_t db_sql_audit_n = sizeof(db_sql_audit) / sizeof(db_sql_audit[0]);

/* ---- the audit page ------------------------------------------------------ */

#include "db/audit.h"
#include "util/buf.h"

enum err db_audit_list(struct db *db, struct arena *a, const struct audit_query *q,
                       struct db_res *out)
{
	struct buf b;
	buf_init(&b, a, 1024);
	buf_puts(&b, "SELECT l.id, l.at, l.actor, l.subject, l.action, l.channel, l.reason,"
	             " l.note, l.outcome, l.request_id, l.bulk_run_id, c.public_id"
	             " FROM audit_log l LEFT JOIN customers c ON c.id = l.customer_id"
	             " WHERE l.tenant_id = ?");
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
	return db_exec_params(db, a, b.p, out, p, n);
}
