/* bulk_runs and bulk_items, and the set-at-a-time customer reads of the
 * bulk pages. */
#include "db/bulk.h"

#include <stdio.h>
#include <string.h>

#include "db/sql.h"
#include "util/buf.h"

#define RUN_COLS                                                                                   \
	"id, public_id, actor, reason, note, source, status, total, created_at, started_at,"       \
	" finished_at"

const struct stmt_sql db_sql_bulk[] = {
    /* public id, tenant, actor, reason, note, source, nonce, total, request id */
    {STMT_BULK_RUN_INSERT,
     "INSERT INTO bulk_runs (public_id, tenant_id, actor, reason, note, source, form_nonce,"
     "                       status, total, created_at, request_id)"
     " VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, UTC_TIMESTAMP(3), ?)"},
    {STMT_BULK_RUN_BY_NONCE,
     "SELECT public_id FROM bulk_runs WHERE tenant_id = ? AND form_nonce = ?"},
    {STMT_BULK_RUN_GET, "SELECT " RUN_COLS " FROM bulk_runs WHERE public_id = ? AND tenant_id = ?"},
    {STMT_BULK_RUN_PROGRESS,
     "SELECT COUNT(*), COALESCE(SUM(outcome IS NOT NULL), 0), COALESCE(SUM(outcome = 'ok'), 0),"
     "       COALESCE(SUM(outcome IS NOT NULL AND outcome <> 'ok'), 0)"
     "  FROM bulk_items WHERE run_id = ?"},
    {STMT_BULK_RUNS_RECENT,
     "SELECT r.public_id, r.actor, r.reason, r.source, r.status, r.total, r.created_at,"
     "       r.finished_at,"
     "       (SELECT COUNT(*) FROM bulk_items i WHERE i.run_id = r.id AND i.outcome = 'ok')"
     "  FROM bulk_runs r WHERE r.tenant_id = ? ORDER BY r.id DESC LIMIT 20"},
    /* run, after seq, limit */
    {STMT_BULK_ITEMS_PAGE,
     "SELECT i.seq, i.subject, c.public_id, c.email, c.first_name, c.last_name, i.outcome,"
     "       i.done_at"
     "  FROM bulk_items i LEFT JOIN customers c ON c.id = i.customer_id"
     " WHERE i.run_id = ? AND i.seq > ? ORDER BY i.seq LIMIT ?"},
    /* The job workers: the oldest unfinished run ... */
    {STMT_BULK_CLAIM_FIND, "SELECT MIN(id) FROM bulk_runs WHERE status IN ('queued', 'running')"},
    /* ... a batch of its pending items nobody holds (worker, lease seconds,
     * run, batch size) ... */
    {STMT_BULK_CLAIM,
     "UPDATE bulk_items SET claimed_by = ?, claim_until = UTC_TIMESTAMP(3) + INTERVAL ? SECOND"
     " WHERE run_id = ? AND outcome IS NULL"
     "   AND (claim_until IS NULL OR claim_until < UTC_TIMESTAMP(3))"
     " ORDER BY seq LIMIT ?"},
    /* ... marked running when first claimed ... */
    {STMT_BULK_RENEW, "UPDATE bulk_runs SET status = 'running', started_at = UTC_TIMESTAMP(3)"
                      " WHERE id = ? AND status = 'queued'"},
    /* ... given back on SIGTERM (run, worker) ... */
    {STMT_BULK_RELEASE, "UPDATE bulk_items SET claim_until = NULL"
                        " WHERE run_id = ? AND claimed_by = ? AND outcome IS NULL"},
    /* ... and done when no item is pending. */
    {STMT_BULK_FINISH,
     "UPDATE bulk_runs SET status = 'done', finished_at = UTC_TIMESTAMP(3)"
     " WHERE id = ? AND status <> 'done'"
     "   AND NOT EXISTS (SELECT 1 FROM bulk_items WHERE run_id = ? AND outcome IS NULL)"},
    {STMT_BULK_RUN_FOR_JOB,
     "SELECT id, tenant_id, actor, reason, note, request_id, public_id FROM bulk_runs"
     " WHERE id = ?"},
    /* the batch this worker claimed (run, worker) */
    {STMT_BULK_PENDING_ITEMS, "SELECT seq, customer_id, subject FROM bulk_items"
                              " WHERE run_id = ? AND claimed_by = ? AND outcome IS NULL"
                              " ORDER BY seq"},
    /* outcome, run, seq: only once (a second worker finds it done) */
    {STMT_BULK_ITEM_DONE, "UPDATE bulk_items SET outcome = ?, done_at = UTC_TIMESTAMP(3)"
                          " WHERE run_id = ? AND seq = ? AND outcome IS NULL"},
};
const size_t db_sql_bulk_n = sizeof(db_sql_bulk) / sizeof(db_sql_bulk[0]);

#define CUSTOMER_BC "id, public_id, email, first_name, last_name, status, created_at"

/* " IN (?, ?, ... BULK_CHUNK)" */
static void in_list(struct buf *b)
{
	buf_puts(b, " IN (");
	for (int i = 0; i < BULK_CHUNK; i++)
		buf_puts(b, i ? ", ?" : "?");
	buf_puts(b, ")");
}

static enum err by_strings(struct db *db, struct arena *a, const char *col, unsigned tenant,
                           const char *const *v, size_t n, struct db_res *out)
{
	if (n > BULK_CHUNK)
		return ERR_INTERNAL;
	struct buf b;
	buf_init(&b, a, 4096);
	buf_printf(&b, "SELECT " CUSTOMER_BC " FROM customers WHERE tenant_id = ? AND %s", col);
	in_list(&b);
	struct db_param *p = arena_calloc(a, BULK_CHUNK + 1, sizeof(*p));
	p[0] = (struct db_param){.type = DB_P_INT, .i = tenant};
	for (size_t i = 0; i < BULK_CHUNK; i++)
		p[i + 1] =
		    (struct db_param){.type = DB_P_STR, .s = i < n ? v[i] : NULL, .null = i >= n};
	return db_exec_params(db, a, b.p, out, p, BULK_CHUNK + 1);
}

enum err db_bulk_by_public_ids(struct db *db, struct arena *a, unsigned tenant,
                               const char *const *ids, size_t n, struct db_res *out)
{
	return by_strings(db, a, "public_id", tenant, ids, n, out);
}

enum err db_bulk_by_emails(struct db *db, struct arena *a, unsigned tenant,
                           const char *const *emails, size_t n, struct db_res *out)
{
	return by_strings(db, a, "email", tenant, emails, n, out);
}

enum err db_bulk_blocker_counts(struct db *db, struct arena *a, int check,
                                const unsigned long long *ids, size_t n, struct db_res *out)
{
	static const char *const from[3] = {
	    "subscriptions WHERE " BLOCKING_SUBSCRIPTION,
	    "orders WHERE " BLOCKING_ORDER,
	    "assets WHERE " BLOCKING_ASSET,
	};
	if (n > BULK_CHUNK || check < 0 || check > 2)
		return ERR_INTERNAL;
	struct buf b;
	buf_init(&b, a, 4096);
	buf_printf(&b, "SELECT customer_id, COUNT(*) FROM %s AND customer_id", from[check]);
	in_list(&b);
	buf_puts(&b, " GROUP BY customer_id");
	struct db_param *p = arena_calloc(a, BULK_CHUNK, sizeof(*p));
	for (size_t i = 0; i < BULK_CHUNK; i++)
		p[i] = (struct db_param){
		    .type = DB_P_UINT, .i = i < n ? (long long)ids[i] : 0, .null = i >= n};
	return db_exec_params(db, a, b.p, out, p, BULK_CHUNK);
}

enum err db_bulk_filter(struct db *db, struct arena *a, unsigned tenant,
                        const struct bulk_filter *f, unsigned limit, struct db_res *out)
{
	struct buf b;
	buf_init(&b, a, 1024);
	struct db_param p[8];
	size_t n = 0;
	buf_puts(&b, "SELECT " CUSTOMER_BC " FROM customers c WHERE c.tenant_id = ?");
	p[n++] = (struct db_param){.type = DB_P_INT, .i = tenant};
	if (f->domain) {
		buf_puts(&b, " AND c.email_domain = ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = f->domain};
	}
	buf_puts(&b, " AND c.status = 'active'");
	if (f->created_before) {
		buf_puts(&b, " AND c.created_at < ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = f->created_before};
	}
	if (f->no_orders) {
		buf_puts(&b, " AND c.total_orders = 0");
	}
	if (f->idle_since) {
		buf_puts(&b, " AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id"
		             "   AND o.created_at >= ?)"
		             " AND NOT EXISTS (SELECT 1 FROM payments y WHERE y.customer_id = c.id"
		             "   AND y.created_at >= ?)");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = f->idle_since};
		p[n++] = (struct db_param){.type = DB_P_STR, .s = f->idle_since};
	}
	buf_puts(&b, " ORDER BY c.id LIMIT ?");
	p[n++] = (struct db_param){.type = DB_P_INT, .i = limit};
	return db_exec_params(db, a, b.p, out, p, n);
}

enum err db_bulk_duplicates(struct db *db, struct arena *a, unsigned tenant, bool by_email,
                            unsigned limit, struct db_res *out)
{
	/* Groups are found on the covering indexes (tenant, email) and
	 * (tenant, phone, last, first); only their members are read. */
	const char *sql =
	    by_email ? "SELECT c.id, c.public_id, c.email, c.first_name, c.last_name, c.status,"
	               "       c.created_at, c.email"
	               "  FROM (SELECT email FROM customers WHERE tenant_id = ?"
	               "         GROUP BY email HAVING COUNT(*) > 1) d"
	               "  JOIN customers c ON c.tenant_id = ? AND c.email = d.email"
	               " ORDER BY c.email, c.created_at, c.id LIMIT ?"
	             : "SELECT c.id, c.public_id, c.email, c.first_name, c.last_name, c.status,"
	               "       c.created_at, CONCAT(c.phone, ' ', c.last_name, ' ', c.first_name)"
	               "  FROM (SELECT phone, last_name, first_name FROM customers"
	               "         WHERE tenant_id = ? AND phone IS NOT NULL"
	               "         GROUP BY phone, last_name, first_name HAVING COUNT(*) > 1) d"
	               "  JOIN customers c ON c.tenant_id = ? AND c.phone = d.phone"
	               "   AND c.last_name = d.last_name AND c.first_name = d.first_name"
	               " ORDER BY c.phone, c.last_name, c.first_name, c.created_at, c.id LIMIT ?";
	struct db_param p[3] = {{.type = DB_P_INT, .i = tenant},
	                        {.type = DB_P_INT, .i = tenant},
	                        {.type = DB_P_INT, .i = limit}};
	return db_exec_params(db, a, sql, out, p, 3);
}

enum err db_bulk_insert_items(struct db *db, struct arena *a, unsigned long long run,
                              unsigned first_seq, const unsigned long long *customer_ids,
                              const char *const *subjects, size_t n)
{
	/* Full chunks share one statement; a shorter last chunk goes row by
	 * row through the same statement shape with NULL-padded rows skipped. */
	static const char row[] = "(?, ?, ?, ?)";
	for (size_t done = 0; done < n;) {
		size_t k = n - done >= BULK_CHUNK ? BULK_CHUNK : 1;
		struct buf b;
		buf_init(&b, a, 16 * BULK_CHUNK);
		buf_puts(&b, "INSERT INTO bulk_items (run_id, seq, customer_id, subject) VALUES ");
		for (size_t i = 0; i < k; i++) {
			if (i)
				buf_puts(&b, ", ");
			buf_puts(&b, row);
		}
		struct db_param *p = arena_calloc(a, 4 * k, sizeof(*p));
		for (size_t i = 0; i < k; i++) {
			size_t j = done + i;
			p[4 * i] = (struct db_param){.type = DB_P_UINT, .i = (long long)run};
			p[4 * i + 1] =
			    (struct db_param){.type = DB_P_INT, .i = first_seq + (long long)j};
			p[4 * i + 2] = (struct db_param){.type = DB_P_UINT,
			                                 .i = (long long)customer_ids[j],
			                                 .null = customer_ids[j] == 0};
			p[4 * i + 3] = (struct db_param){.type = DB_P_STR, .s = subjects[j]};
		}
		enum err rc = db_exec_params(db, a, b.p, NULL, p, 4 * k);
		if (rc != ERR_OK)
			return rc;
		done += k;
	}
	return ERR_OK;
}
