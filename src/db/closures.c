/* closure_requests: "close when clear" (db/closures.h). */
#include "db/closures.h"

#include <string.h>

#include "db/row.h"
#include "db/sql.h"

/* The columns every read of a request has, in this order (read_closure). */
#define CLOSURE_COLS                                                                               \
	"k.id, k.public_id, k.tenant_id, k.customer_id, c.public_id, k.state, k.reason, k.note,"   \
	" k.cancel_now, k.channel, k.requested_by, k.requested_at, k.request_id, k.due_at,"        \
	" k.checked_at, k.waiting_for, k.done_at, k.withdrawn_at, k.withdrawn_by"
enum { CL_LIST = 19 }; /* the list's columns follow */

/* The list, newest first: the customer, and what happened since, computed
 * now (orders placed since the request: ix_orders_customer_created; a
 * reactivation after its completion: ix_audit_customer). */
#define LIST_SQL(where)                                                                            \
	"SELECT " CLOSURE_COLS ", c.email, c.first_name, c.last_name, c.status,"                   \
	" (SELECT COUNT(*) FROM orders o WHERE o.customer_id = k.customer_id"                      \
	"    AND o.created_at >= k.requested_at),"                                                 \
	" IF(k.state = 'done', (SELECT MAX(l.at) FROM audit_log l"                                 \
	"    WHERE l.customer_id = k.customer_id AND l.action = 'reactivate'"                      \
	"      AND l.outcome = 'ok' AND l.at >= k.done_at), NULL)"                                 \
	" FROM closure_requests k JOIN customers c ON c.id = k.customer_id"                        \
	" WHERE k.tenant_id = ?" where " AND k.id < ? ORDER BY k.id DESC LIMIT ?"

const struct stmt_sql db_sql_closures[] = {
    /* customer id (its row already locked) */
    {STMT_CLOSURE_PENDING_OF, "SELECT " CLOSURE_COLS " FROM closure_requests k"
                              " JOIN customers c ON c.id = k.customer_id"
                              " WHERE k.pending_customer = ? FOR UPDATE"},
    /* public id, tenant, customer, reason, note, cancel now, channel, by,
     * request id, waiting for */
    {STMT_CLOSURE_INSERT,
     "INSERT INTO closure_requests (public_id, tenant_id, customer_id, state, reason, note,"
     "                              cancel_now, channel, requested_by, requested_at, request_id,"
     "                              due_at, waiting_for)"
     " VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), ?, UTC_TIMESTAMP(3), ?)"},
    {STMT_CLOSURE_GET, "SELECT " CLOSURE_COLS " FROM closure_requests k"
                       " JOIN customers c ON c.id = k.customer_id"
                       " WHERE k.public_id = ? AND k.tenant_id = ?"},
    {STMT_CLOSURE_LOCK, "SELECT " CLOSURE_COLS " FROM closure_requests k"
                        " JOIN customers c ON c.id = k.customer_id"
                        " WHERE k.public_id = ? AND k.tenant_id = ? FOR UPDATE"},
    /* by, id */
    {STMT_CLOSURE_WITHDRAW,
     "UPDATE closure_requests SET state = 'withdrawn', withdrawn_at = UTC_TIMESTAMP(3),"
     " withdrawn_by = ?, due_at = NULL WHERE id = ? AND state = 'pending'"},
    /* The job workers: the request due longest, its due_at, and the lease
     * it gets (lease seconds) ... */
    {STMT_CLOSURE_DUE_FIND,
     "SELECT id, due_at, UTC_TIMESTAMP(3) + INTERVAL ? SECOND FROM closure_requests"
     " WHERE state = 'pending' AND due_at <= UTC_TIMESTAMP(3) ORDER BY due_at LIMIT 1"},
    /* ... taken if nobody moved it meanwhile (lease, id, due_at read) */
    {STMT_CLOSURE_CLAIM, "UPDATE closure_requests SET due_at = ?"
                         " WHERE id = ? AND state = 'pending' AND due_at = ?"},
    {STMT_CLOSURE_BY_ID, "SELECT " CLOSURE_COLS " FROM closure_requests k"
                         " JOIN customers c ON c.id = k.customer_id WHERE k.id = ?"},
    /* inside the deactivation's transaction: once */
    {STMT_CLOSURE_DONE, "UPDATE closure_requests SET state = 'done', done_at = UTC_TIMESTAMP(3),"
                        " checked_at = UTC_TIMESTAMP(3), due_at = NULL, waiting_for = NULL"
                        " WHERE id = ? AND state = 'pending'"},
    /* waiting for, lease, id */
    {STMT_CLOSURE_CHECKED,
     "UPDATE closure_requests SET waiting_for = ?, checked_at = UTC_TIMESTAMP(3),"
     " due_at = IF(due_at <=> CAST(? AS DATETIME(3)), NULL, due_at)"
     " WHERE id = ? AND state = 'pending'"},
    /* seconds */
    {STMT_CLOSURE_SWEEP,
     "UPDATE closure_requests SET due_at = UTC_TIMESTAMP(3)"
     " WHERE state = 'pending' AND checked_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND"
     "   AND due_at IS NULL"},
    /* tenant, before, limit */
    {STMT_CLOSURE_LIST, LIST_SQL("")},
    /* tenant, state, before, limit */
    {STMT_CLOSURE_LIST_STATE, LIST_SQL(" AND k.state = ?")},
};
const size_t db_sql_closures_n = sizeof(db_sql_closures) / sizeof(db_sql_closures[0]);

static void read_closure(struct row *w, void *elem)
{
	struct closure_row *k = elem;
	memset(k, 0, sizeof(*k));
	k->id = row_u64(w, 0);
	k->public_id = row_text(w, 1);
	k->tenant = (unsigned)row_u64(w, 2);
	k->customer_id = row_u64(w, 3);
	k->customer_public_id = row_text(w, 4);
	k->state =
	    (enum closure_state)row_enum(w, 5, closure_state_name, CLOSURE_STATE__MAX, false);
	k->reason = (enum reason)row_enum(w, 6, reason_code, REASON__MAX, false);
	k->note = row_str(w, 7);
	k->cancel_now = row_bool(w, 8);
	k->channel = (enum channel)row_enum(w, 9, channel_name, CHANNEL__MAX, false);
	k->requested_by = row_text(w, 10);
	k->requested_at = row_text(w, 11);
	k->request_id = row_str(w, 12);
	k->due_at = row_str(w, 13);
	k->checked_at = row_str(w, 14);
	k->waiting_for = row_str(w, 15);
	k->done_at = row_str(w, 16);
	k->withdrawn_at = row_str(w, 17);
	k->withdrawn_by = row_str(w, 18);
	if (w->res->ncols > CL_LIST) {
		k->email = row_text(w, CL_LIST);
		k->first_name = row_text(w, CL_LIST + 1);
		k->last_name = row_text(w, CL_LIST + 2);
		k->customer_status = (enum customer_status)row_enum(
		    w, CL_LIST + 3, customer_status_name, CUSTOMER_STATUS__MAX, false);
		k->orders_since = row_i64(w, CL_LIST + 4);
		k->reactivated_at = row_str(w, CL_LIST + 5);
	}
}

/* One row of a request, or ERR_NOT_FOUND. */
static enum err one(const struct db_res *r, const char *what, struct closure_row *out)
{
	memset(out, 0, sizeof(*out));
	if (r->nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(r, 0, what);
	read_closure(&w, out);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_closure_pending_of(struct db *db, struct arena *a, uint64_t customer_id,
                               struct closure_row *out)
{
	struct db_res r;
	enum err rc =
	    db_exec(db, a, STMT_CLOSURE_PENDING_OF, &r, "u", (unsigned long long)customer_id);
	return rc != ERR_OK ? rc : one(&r, "pending closure", out);
}

enum err db_closure_insert(struct db *db, struct arena *a, const struct closure_new *e,
                           uint64_t *id)
{
	enum err rc =
	    db_exec(db, a, STMT_CLOSURE_INSERT, NULL, "siussissss", e->public_id,
	            (long long)e->tenant, (unsigned long long)e->customer_id,
	            reason_code[e->reason], e->note, (long long)e->cancel_now,
	            channel_name[e->channel], e->requested_by, e->request_id, e->waiting_for);
	*id = rc == ERR_OK ? db_insert_id(db) : 0;
	return rc;
}

enum err db_closure_get(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                        bool lock, struct closure_row *out)
{
	struct db_res r;
	enum err rc = db_exec(db, a, lock ? STMT_CLOSURE_LOCK : STMT_CLOSURE_GET, &r, "si",
	                      public_id, (long long)tenant);
	return rc != ERR_OK ? rc : one(&r, "closure", out);
}

enum err db_closure_withdraw(struct db *db, struct arena *a, uint64_t id, const char *by,
                             bool *changed)
{
	enum err rc = db_exec(db, a, STMT_CLOSURE_WITHDRAW, NULL, "su", by, (unsigned long long)id);
	*changed = rc == ERR_OK && db_affected(db) > 0;
	return rc;
}

enum err db_closure_claim(struct db *db, struct arena *a, int lease_seconds, uint64_t *id,
                          const char **lease)
{
	*id = 0;
	*lease = NULL;
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_CLOSURE_DUE_FIND, &r, "i", (long long)lease_seconds);
	if (rc != ERR_OK || r.nrows == 0)
		return rc;
	struct row w = row_at(&r, 0, "due closure");
	uint64_t found = row_u64(&w, 0);
	const char *due = row_text(&w, 1);
	const char *until = row_text(&w, 2);
	if (w.bad)
		return ERR_INTERNAL;
	if ((rc = db_exec(db, a, STMT_CLOSURE_CLAIM, NULL, "sus", until, (unsigned long long)found,
	                  due)))
		return rc;
	if (db_affected(db) == 0)
		return ERR_OK; /* another worker, or a trigger, moved it first */
	*id = found;
	*lease = until;
	return ERR_OK;
}

enum err db_closure_by_id(struct db *db, struct arena *a, uint64_t id, struct closure_row *out)
{
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_CLOSURE_BY_ID, &r, "u", (unsigned long long)id);
	return rc != ERR_OK ? rc : one(&r, "closure by id", out);
}

enum err db_closure_done(struct db *db, struct arena *a, uint64_t id, bool *changed)
{
	enum err rc = db_exec(db, a, STMT_CLOSURE_DONE, NULL, "u", (unsigned long long)id);
	*changed = rc == ERR_OK && db_affected(db) > 0;
	return rc;
}

enum err db_closure_checked(struct db *db, struct arena *a, uint64_t id, const char *waiting_for,
                            const char *lease)
{
	return db_exec(db, a, STMT_CLOSURE_CHECKED, NULL, "ssu", waiting_for, lease,
	               (unsigned long long)id);
}

enum err db_closure_sweep(struct db *db, struct arena *a, int older_than_seconds,
                          unsigned long long *n)
{
	enum err rc = db_exec(db, a, STMT_CLOSURE_SWEEP, NULL, "i", (long long)older_than_seconds);
	*n = rc == ERR_OK ? db_affected(db) : 0;
	return rc;
}

enum err db_closure_list(struct db *db, struct arena *a, unsigned tenant, int state,
                         uint64_t before, unsigned limit, struct closure_list *out)
{
	memset(out, 0, sizeof(*out));
	unsigned long long b = before ? (unsigned long long)before : 18446744073709551615ULL;
	struct db_res r;
	enum err rc = state >= 0 && state < CLOSURE_STATE__MAX
	                  ? db_exec(db, a, STMT_CLOSURE_LIST_STATE, &r, "isui", (long long)tenant,
	                            closure_state_name[state], b, (long long)limit)
	                  : db_exec(db, a, STMT_CLOSURE_LIST, &r, "iui", (long long)tenant, b,
	                            (long long)limit);
	if (rc != ERR_OK)
		return rc;
	out->rows = rows_read(a, &r, "closures", sizeof(*out->rows), read_closure, &out->n, &rc);
	return rc;
}
