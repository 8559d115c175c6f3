/* bulk_runs and bulk_items, and the set-at-a-time customer reads of the
 * bulk pages. */
#include "db/bulk.h"

#include <stdio.h>
#include <string.h>

#include "db/row.h"
#include "db/sql.h"
#include "util/buf.h"

/* A run (alias r), the public id of the run it undoes and of its undo. */
#define RUN_COLS                                                                                   \
	"r.id, r.public_id, r.actor, r.reason, r.note, r.source, r.status, r.total, r.created_at," \
	" r.started_at, r.finished_at, r.tenant_id, r.request_id, r.kind, r.undo_of,"              \
	" (SELECT o.public_id FROM bulk_runs o WHERE o.id = r.undo_of),"                           \
	" (SELECT u.public_id FROM bulk_runs u WHERE u.undo_of = r.id)"
#define RUN_COLS_N 17

const struct stmt_sql db_sql_bulk[] = {
    /* public id, tenant, actor, reason, note, source, nonce, total, request id,
     * kind, undo_of */
    {STMT_BULK_RUN_INSERT,
     "INSERT INTO bulk_runs (public_id, tenant_id, actor, reason, note, source, form_nonce,"
     "                       status, total, created_at, request_id, kind, undo_of)"
     " VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, UTC_TIMESTAMP(3), ?, ?, ?)"},
    {STMT_BULK_RUN_BY_NONCE,
     "SELECT public_id FROM bulk_runs WHERE tenant_id = ? AND form_nonce = ?"},
    {STMT_BULK_RUN_GET,
     "SELECT " RUN_COLS " FROM bulk_runs r WHERE r.public_id = ? AND r.tenant_id = ?"},
    /* An undo's first statement: the run it undoes, locked, so that two
     * undos of one run queue (public id, tenant). */
    {STMT_BULK_RUN_LOCK,
     "SELECT id FROM bulk_runs WHERE public_id = ? AND tenant_id = ? FOR UPDATE"},
    /* What a run deactivated, and each customer's deactivation now (run) */
    {STMT_BULK_UNDO_CANDIDATES,
     "SELECT i.seq, c.id, c.public_id, c.email, c.first_name, c.last_name, c.status,"
     "       c.deactivated_run_id, c.deactivated_at, c.deactivated_by,"
     "       (SELECT m.public_id FROM customers m WHERE m.id = c.merged_into)"
     "  FROM bulk_items i JOIN customers c ON c.id = i.customer_id"
     " WHERE i.run_id = ? AND i.outcome = 'ok' ORDER BY i.seq"},
    {STMT_BULK_RUN_PROGRESS,
     "SELECT COUNT(*), COALESCE(SUM(outcome IS NOT NULL), 0), COALESCE(SUM(outcome = 'ok'), 0),"
     "       COALESCE(SUM(outcome IS NOT NULL AND outcome <> 'ok'), 0)"
     "  FROM bulk_items WHERE run_id = ?"},
    {STMT_BULK_RUNS_RECENT,
     "SELECT " RUN_COLS ","
     "       (SELECT COUNT(*) FROM bulk_items i WHERE i.run_id = r.id AND i.outcome = 'ok')"
     "  FROM bulk_runs r WHERE r.tenant_id = ? ORDER BY r.id DESC LIMIT 20"},
    /* run, after seq, limit */
    {STMT_BULK_ITEMS_PAGE,
     "SELECT i.seq, i.subject, c.public_id, c.email, c.first_name, c.last_name, i.outcome,"
     "       i.done_at, i.target"
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
    {STMT_BULK_RUN_FOR_JOB, "SELECT " RUN_COLS " FROM bulk_runs r WHERE r.id = ?"},
    /* the batch this worker claimed (run, worker) */
    {STMT_BULK_PENDING_ITEMS, "SELECT seq, customer_id, subject, target FROM bulk_items"
                              " WHERE run_id = ? AND claimed_by = ? AND outcome IS NULL"
                              " ORDER BY seq"},
    /* outcome, run, seq: only once (a second worker finds it done) */
    {STMT_BULK_ITEM_DONE, "UPDATE bulk_items SET outcome = ?, done_at = UTC_TIMESTAMP(3)"
                          " WHERE run_id = ? AND seq = ? AND outcome IS NULL"},
};
const size_t db_sql_bulk_n = sizeof(db_sql_bulk) / sizeof(db_sql_bulk[0]);

#define CUSTOMER_BC "id, public_id, email, first_name, last_name, status, created_at"

/* A row of CUSTOMER_BC columns. */
static void read_bulk_customer(struct row *w, void *elem)
{
	struct bulk_customer *c = elem;
	c->id = row_u64(w, 0);
	c->public_id = row_text(w, 1);
	c->email = row_text(w, 2);
	c->first_name = row_text(w, 3);
	c->last_name = row_text(w, 4);
	c->status =
	    (enum customer_status)row_enum(w, 5, customer_status_name, CUSTOMER_STATUS__MAX, false);
	c->created_at = row_text(w, 6);
}

/* The same with the group key of a duplicate, last. */
static void read_duplicate(struct row *w, void *elem)
{
	read_bulk_customer(w, elem);
	((struct bulk_customer *)elem)->group_key = row_text(w, 7);
}

static enum err read_customers(struct arena *a, const struct db_res *r, bool keyed,
                               struct bulk_customers *out)
{
	enum err rc = ERR_OK;
	out->rows = rows_read(a, r, "bulk customers", sizeof(*out->rows),
	                      keyed ? read_duplicate : read_bulk_customer, &out->n, &rc);
	return rc;
}

/* " IN (?, ?, ... BULK_CHUNK)" */
static void in_list(struct buf *b)
{
	buf_puts(b, " IN (");
	for (int i = 0; i < BULK_CHUNK; i++)
		buf_puts(b, i ? ", ?" : "?");
	buf_puts(b, ")");
}

static enum err by_strings(struct db *db, struct arena *a, const char *col, unsigned tenant,
                           const char *const *v, size_t n, struct bulk_customers *out)
{
	memset(out, 0, sizeof(*out));
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
	struct db_res r;
	enum err rc = db_exec_params(db, a, b.p, &r, p, BULK_CHUNK + 1);
	return rc != ERR_OK ? rc : read_customers(a, &r, false, out);
}

enum err db_bulk_by_public_ids(struct db *db, struct arena *a, unsigned tenant,
                               const char *const *ids, size_t n, struct bulk_customers *out)
{
	return by_strings(db, a, "public_id", tenant, ids, n, out);
}

enum err db_bulk_by_emails(struct db *db, struct arena *a, unsigned tenant,
                           const char *const *emails, size_t n, struct bulk_customers *out)
{
	return by_strings(db, a, "email", tenant, emails, n, out);
}

static void read_blocker_count(struct row *w, void *elem)
{
	struct blocker_count *x = elem;
	x->customer_id = row_u64(w, 0);
	x->n = row_i64(w, 1);
}

enum err db_bulk_blocker_counts(struct db *db, struct arena *a, enum bulk_check check,
                                const uint64_t *ids, size_t n, struct blocker_counts *out)
{
	static const char *const from[BULK_CHECK__MAX] = {
	    [BULK_CHECK_SUBSCRIPTIONS] = "subscriptions WHERE " BLOCKING_SUBSCRIPTION,
	    [BULK_CHECK_ORDERS] = "orders WHERE " BLOCKING_ORDER,
	    [BULK_CHECK_DEVICES] = "assets WHERE " BLOCKING_ASSET,
	};
	memset(out, 0, sizeof(*out));
	if (n > BULK_CHUNK || check >= BULK_CHECK__MAX)
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
	struct db_res r;
	enum err rc = db_exec_params(db, a, b.p, &r, p, BULK_CHUNK);
	if (rc == ERR_OK)
		out->rows = rows_read(a, &r, "blocker counts", sizeof(*out->rows),
		                      read_blocker_count, &out->n, &rc);
	return rc;
}

enum err db_bulk_filter(struct db *db, struct arena *a, unsigned tenant,
                        const struct bulk_filter *f, unsigned limit, struct bulk_customers *out)
{
	memset(out, 0, sizeof(*out));
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
	if (f->no_orders)
		buf_puts(&b, " AND c.total_orders = 0");
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
	struct db_res r;
	enum err rc = db_exec_params(db, a, b.p, &r, p, n);
	return rc != ERR_OK ? rc : read_customers(a, &r, false, out);
}

enum err db_bulk_duplicates(struct db *db, struct arena *a, unsigned tenant, bool by_email,
                            unsigned limit, struct bulk_customers *out)
{
	memset(out, 0, sizeof(*out));
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
	struct db_res r;
	enum err rc = db_exec_params(db, a, sql, &r, p, 3);
	return rc != ERR_OK ? rc : read_customers(a, &r, true, out);
}

enum err db_bulk_insert_items(struct db *db, struct arena *a, uint64_t run, unsigned first_seq,
                              const uint64_t *customer_ids, const char *const *subjects,
                              const char *const *targets, size_t n)
{
	/* Full chunks share one statement; a shorter last chunk goes row by
	 * row through the one-row statement. */
	static const char row[] = "(?, ?, ?, ?, ?)";
	for (size_t done = 0; done < n;) {
		size_t k = n - done >= BULK_CHUNK ? BULK_CHUNK : 1;
		struct buf b;
		buf_init(&b, a, 16 * BULK_CHUNK);
		buf_puts(
		    &b,
		    "INSERT INTO bulk_items (run_id, seq, customer_id, subject, target) VALUES ");
		for (size_t i = 0; i < k; i++) {
			if (i)
				buf_puts(&b, ", ");
			buf_puts(&b, row);
		}
		struct db_param *p = arena_calloc(a, 5 * k, sizeof(*p));
		for (size_t i = 0; i < k; i++) {
			size_t j = done + i;
			const char *target = targets ? targets[j] : NULL;
			p[5 * i] = (struct db_param){.type = DB_P_UINT, .i = (long long)run};
			p[5 * i + 1] =
			    (struct db_param){.type = DB_P_INT, .i = first_seq + (long long)j};
			p[5 * i + 2] = (struct db_param){.type = DB_P_UINT,
			                                 .i = (long long)customer_ids[j],
			                                 .null = customer_ids[j] == 0};
			p[5 * i + 3] = (struct db_param){.type = DB_P_STR, .s = subjects[j]};
			p[5 * i + 4] = (struct db_param){
			    .type = DB_P_STR, .s = target, .null = target == NULL};
		}
		enum err rc = db_exec_params(db, a, b.p, NULL, p, 5 * k);
		if (rc != ERR_OK)
			return rc;
		done += k;
	}
	return ERR_OK;
}

/* ---- runs -------------------------------------------------------------------- */

enum err db_bulk_run_insert(struct db *db, struct arena *a, const struct bulk_run_new *run,
                            uint64_t *id)
{
	long long undo_of = (long long)run->undo_of;
	enum err rc = db_exec(db, a, STMT_BULK_RUN_INSERT, NULL, "sisssssissI", run->public_id,
	                      (long long)run->tenant, run->actor,
	                      run->reason >= 0 ? reason_code[run->reason] : NULL, run->note,
	                      run->source, run->nonce, (long long)run->total, run->request_id,
	                      run_kind_name[run->kind], run->undo_of ? &undo_of : NULL);
	*id = rc == ERR_OK ? db_insert_id(db) : 0;
	return rc;
}

enum err db_bulk_run_by_nonce(struct db *db, struct arena *a, unsigned tenant, const char *nonce,
                              const char **public_id)
{
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_BULK_RUN_BY_NONCE, &r, "is", (long long)tenant, nonce);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	*public_id = DB_V(&r, 0, 0);
	return ERR_OK;
}

/* RUN_COLS rows. */
static void read_run(struct row *w, struct bulk_run *run)
{
	memset(run, 0, sizeof(*run));
	run->id = row_u64(w, 0);
	run->public_id = row_text(w, 1);
	run->actor = row_text(w, 2);
	run->reason = row_enum(w, 3, reason_code, REASON__MAX, true);
	run->note = row_str(w, 4);
	run->source = row_text(w, 5);
	run->status = (enum run_status)row_enum(w, 6, run_status_name, RUN_STATUS__MAX, false);
	run->total = row_i64(w, 7);
	run->created_at = row_str(w, 8);
	run->started_at = row_str(w, 9);
	run->finished_at = row_str(w, 10);
	run->tenant = (unsigned)row_u64(w, 11);
	run->request_id = row_str(w, 12);
	run->kind = (enum run_kind)row_enum(w, 13, run_kind_name, RUN_KIND__MAX, false);
	run->undo_of = row_u64(w, 14);
	run->undo_of_public_id = row_str(w, 15);
	run->undone_by = row_str(w, 16);
}

/* The one run of a lookup's result, or ERR_NOT_FOUND. */
static enum err one_run(enum err rc, const struct db_res *r, struct bulk_run *out)
{
	if (rc != ERR_OK)
		return rc;
	if (r->nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(r, 0, "bulk run");
	read_run(&w, out);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_bulk_run_get(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                         struct bulk_run *out)
{
	struct db_res r;
	return one_run(db_exec(db, a, STMT_BULK_RUN_GET, &r, "si", public_id, (long long)tenant),
	               &r, out);
}

enum err db_bulk_run_by_id(struct db *db, struct arena *a, uint64_t id, struct bulk_run *out)
{
	struct db_res r;
	return one_run(db_exec(db, a, STMT_BULK_RUN_FOR_JOB, &r, "u", (unsigned long long)id), &r,
	               out);
}

enum err db_bulk_run_lock(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                          uint64_t *id)
{
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_BULK_RUN_LOCK, &r, "si", public_id, (long long)tenant);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "bulk run lock");
	*id = row_u64(&w, 0);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

static void read_undo_candidate(struct row *w, void *elem)
{
	struct bulk_undo_candidate *x = elem;
	x->seq = row_i64(w, 0);
	x->customer_id = row_u64(w, 1);
	x->public_id = row_text(w, 2);
	x->email = row_text(w, 3);
	x->first_name = row_text(w, 4);
	x->last_name = row_text(w, 5);
	x->status =
	    (enum customer_status)row_enum(w, 6, customer_status_name, CUSTOMER_STATUS__MAX, false);
	x->deactivated_run_id = row_u64(w, 7);
	x->deactivated_at = row_str(w, 8);
	x->deactivated_by = row_str(w, 9);
	x->merged_into = row_str(w, 10);
}

enum err db_bulk_undo_candidates(struct db *db, struct arena *a, uint64_t run,
                                 struct bulk_undo_candidates *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_BULK_UNDO_CANDIDATES, &r, "u", (unsigned long long)run);
	if (rc == ERR_OK)
		out->rows = rows_read(a, &r, "undo candidates", sizeof(*out->rows),
		                      read_undo_candidate, &out->n, &rc);
	return rc;
}

/* RUN_COLS and the items done "ok". */
static void read_recent_run(struct row *w, void *elem)
{
	read_run(w, elem);
	((struct bulk_run *)elem)->ok = row_i64(w, RUN_COLS_N);
}

enum err db_bulk_runs_recent(struct db *db, struct arena *a, unsigned tenant, struct bulk_runs *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_BULK_RUNS_RECENT, &r, "i", (long long)tenant);
	if (rc == ERR_OK)
		out->rows = rows_read(a, &r, "recent runs", sizeof(*out->rows), read_recent_run,
		                      &out->n, &rc);
	return rc;
}

enum err db_bulk_run_progress(struct db *db, struct arena *a, uint64_t run,
                              struct bulk_progress *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_BULK_RUN_PROGRESS, &r, "u", (unsigned long long)run);
	if (rc != ERR_OK || r.nrows != 1)
		return rc;
	struct row w = row_at(&r, 0, "run progress");
	out->total = row_i64(&w, 0);
	out->done = row_i64(&w, 1);
	out->ok = row_i64(&w, 2);
	out->refused = row_i64(&w, 3);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

static void read_run_items(struct row *w, void *elem)
{
	struct bulk_item *x = elem;
	x->seq = row_i64(w, 0);
	x->subject = row_text(w, 1);
	x->customer_public_id = row_str(w, 2);
	x->email = row_str(w, 3);
	x->first_name = row_str(w, 4);
	x->last_name = row_str(w, 5);
	x->outcome = row_str(w, 6);
	x->done_at = row_str(w, 7);
	x->target = row_str(w, 8);
}

enum err db_bulk_items_page(struct db *db, struct arena *a, uint64_t run, int64_t after_seq,
                            unsigned limit, struct bulk_items *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_BULK_ITEMS_PAGE, &r, "uii", (unsigned long long)run,
	                      (long long)after_seq, (long long)limit);
	if (rc == ERR_OK)
		out->rows =
		    rows_read(a, &r, "run items", sizeof(*out->rows), read_run_items, &out->n, &rc);
	return rc;
}

/* ---- claims -------------------------------------------------------------------- */

enum err db_bulk_next_run(struct db *db, struct arena *a, uint64_t *run)
{
	*run = 0;
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_BULK_CLAIM_FIND, &r, "");
	if (rc != ERR_OK || r.nrows == 0)
		return rc;
	struct row w = row_at(&r, 0, "next run");
	*run = row_u64(&w, 0);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_bulk_claim(struct db *db, struct arena *a, uint64_t run, const char *worker, int lease,
                       int batch, unsigned long long *claimed)
{
	enum err rc = db_exec(db, a, STMT_BULK_CLAIM, NULL, "siui", worker, (long long)lease,
	                      (unsigned long long)run, (long long)batch);
	*claimed = rc == ERR_OK ? db_affected(db) : 0;
	return rc;
}

enum err db_bulk_run_started(struct db *db, struct arena *a, uint64_t run)
{
	return db_exec(db, a, STMT_BULK_RENEW, NULL, "u", (unsigned long long)run);
}

enum err db_bulk_release(struct db *db, struct arena *a, uint64_t run, const char *worker)
{
	return db_exec(db, a, STMT_BULK_RELEASE, NULL, "us", (unsigned long long)run, worker);
}

enum err db_bulk_finish(struct db *db, struct arena *a, uint64_t run, bool *finished)
{
	unsigned long long r = run;
	enum err rc = db_exec(db, a, STMT_BULK_FINISH, NULL, "uu", r, r);
	*finished = rc == ERR_OK && db_affected(db) == 1;
	return rc;
}

static void read_claimed_items(struct row *w, void *elem)
{
	struct bulk_claimed *x = elem;
	x->seq = row_i64(w, 0);
	x->customer_id = row_u64(w, 1);
	x->subject = row_text(w, 2);
	x->target = row_str(w, 3);
}

enum err db_bulk_claimed_items(struct db *db, struct arena *a, uint64_t run, const char *worker,
                               struct bulk_claimed_list *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc =
	    db_exec(db, a, STMT_BULK_PENDING_ITEMS, &r, "us", (unsigned long long)run, worker);
	if (rc == ERR_OK)
		out->rows = rows_read(a, &r, "claimed items", sizeof(*out->rows),
		                      read_claimed_items, &out->n, &rc);
	return rc;
}

enum err db_bulk_item_done(struct db *db, struct arena *a, uint64_t run, int64_t seq,
                           const char *outcome)
{
	enum err rc = db_exec(db, a, STMT_BULK_ITEM_DONE, NULL, "sui", outcome,
	                      (unsigned long long)run, (long long)seq);
	if (rc == ERR_OK && db_affected(db) != 1)
		return ERR_DUPLICATE;
	return rc;
}
