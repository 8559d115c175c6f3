/* Webhook endpoints, events and deliveries (db/webhooks.h). */
#include "db/webhooks.h"

#include <string.h>

#include "db/row.h"
#include "db/sql.h"

#define ENDPOINT_COLS                                                                              \
	"e.id, e.public_id, e.url, e.events, e.enabled, e.created_at, e.created_by, e.updated_at"

#define DELIVERY_COLS                                                                              \
	"d.id, v.public_id, v.event, c.public_id, d.state, d.attempts, d.next_at, d.last_at,"      \
	" d.last_code, d.last_ms, d.last_response, d.delivered_at, d.created_at"

#define IDS_10 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
#define IDS_50 IDS_10 ", " IDS_10 ", " IDS_10 ", " IDS_10 ", " IDS_10

/* The job workers' claim of the due deliveries found, unless another
 * worker was quicker (worker, lease, then WEBHOOK_CLAIM_MAX ids, the unused
 * ones NULL): prepared like the others, through db_exec_params(). */
static const char SQL_CLAIM[] = "UPDATE webhook_deliveries SET claimed_by = ?,"
                                " claim_until = UTC_TIMESTAMP(3) + INTERVAL ? SECOND"
                                " WHERE id IN (" IDS_50 ") AND state = 'pending'"
                                "   AND (claim_until IS NULL OR claim_until < UTC_TIMESTAMP(3))";

const struct stmt_sql db_sql_webhooks[] = {
    /* tenant: the endpoints, newest first, with their deliveries by state
     * (ix_deliveries_order: endpoint, then state) */
    {STMT_WEBHOOK_ENDPOINTS,
     "SELECT " ENDPOINT_COLS ","
     " (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id"
     "   AND d.state = 'pending'),"
     " (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id"
     "   AND d.state = 'delivered'),"
     " (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id"
     "   AND d.state = 'failed')"
     " FROM webhook_endpoints e WHERE e.tenant_id = ? ORDER BY e.id DESC LIMIT 200"},
    /* public id, tenant */
    {STMT_WEBHOOK_ENDPOINT_GET, "SELECT " ENDPOINT_COLS " FROM webhook_endpoints e"
                                " WHERE e.public_id = ? AND e.tenant_id = ?"},
    {STMT_WEBHOOK_ENDPOINT_LOCK, "SELECT e.id FROM webhook_endpoints e"
                                 " WHERE e.public_id = ? AND e.tenant_id = ? FOR UPDATE"},
    /* public id, tenant, url, secret, events, enabled, by */
    {STMT_WEBHOOK_ENDPOINT_INSERT,
     "INSERT INTO webhook_endpoints (public_id, tenant_id, url, secret, events, enabled,"
     "                               created_at, created_by, updated_at)"
     " VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), ?, UTC_TIMESTAMP(3))"},
    /* url, events, enabled, id */
    {STMT_WEBHOOK_ENDPOINT_UPDATE, "UPDATE webhook_endpoints SET url = ?, events = ?, enabled = ?,"
                                   " updated_at = UTC_TIMESTAMP(3) WHERE id = ?"},
    /* endpoint, before (0: none), limit */
    {STMT_WEBHOOK_DELIVERIES,
     "SELECT " DELIVERY_COLS " FROM webhook_deliveries d"
     " JOIN outbox_events v ON v.id = d.event_id"
     " LEFT JOIN customers c ON c.id = v.customer_id"
     " WHERE d.endpoint_id = ? AND (? = 0 OR d.id < ?) ORDER BY d.id DESC LIMIT ?"},
    /* endpoint, delivery */
    {STMT_WEBHOOK_REDELIVER,
     "UPDATE webhook_deliveries SET state = 'pending', next_at = UTC_TIMESTAMP(3),"
     " claimed_by = NULL, claim_until = NULL WHERE endpoint_id = ? AND id = ?"},
    /* public id, tenant, data: a test event (no customer) ... */
    {STMT_WEBHOOK_TEST_EVENT,
     "INSERT INTO outbox_events (public_id, tenant_id, event, customer_id, audit_id, data,"
     "                           created_at)"
     " VALUES (?, ?, 'webhook.test', NULL, NULL, ?, UTC_TIMESTAMP(3))"},
    /* ... and its delivery to one endpoint (event, endpoint, tenant) */
    {STMT_WEBHOOK_TEST_DELIVERY,
     "INSERT INTO webhook_deliveries (event_id, endpoint_id, tenant_id, order_key, next_at,"
     "                                created_at)"
     " VALUES (?, ?, ?, 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"},
    /* The job workers: due deliveries, each the first pending one of its
     * endpoint and customer (limit) ... */
    {STMT_WEBHOOK_DUE, "SELECT d.id FROM webhook_deliveries d"
                       " WHERE d.state = 'pending' AND d.next_at <= UTC_TIMESTAMP(3)"
                       "   AND (d.claim_until IS NULL OR d.claim_until < UTC_TIMESTAMP(3))"
                       "   AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e"
                       "     WHERE e.endpoint_id = d.endpoint_id AND e.order_key = d.order_key"
                       "       AND e.state = 'pending' AND e.event_id < d.event_id)"
                       " ORDER BY d.next_at, d.id LIMIT ?"},
    /* worker: what it holds, oldest event first */
    {STMT_WEBHOOK_CLAIMED,
     "SELECT d.id, d.attempts, v.public_id, v.event,"
     " DATE_FORMAT(v.created_at, '%Y-%m-%dT%H:%i:%sZ'),"
     /* An event of a change has its payload built here, from the audit
      * row it came from (sql/triggers.sql writes only the event row);
      * merged into an empty object, a member whose value is null is left
      * out. A test event carries its own. */
     " COALESCE(v.data, JSON_MERGE_PATCH('{}', JSON_OBJECT("
     "  'customerId', c.public_id,"
     "  'orderId', IF(v.event = 'order.cancelled', l.subject, NULL),"
     "  'subscriptionId', IF(v.event = 'subscription.ended', l.subject, NULL),"
     "  'serialNumber', IF(v.event = 'asset.returned', l.subject, NULL),"
     "  'closureId', IF(v.event = 'customer.closure_requested', l.subject, NULL),"
     "  'mergedInto', IF(v.event = 'customer.merged', k.public_id, NULL),"
     "  'actor', l.actor, 'channel', l.channel,"
     "  'apiKey', IF(l.channel = 'api' AND l.actor LIKE 'api:%', SUBSTRING(l.actor, 5), NULL),"
     "  'bulkRunId', r.public_id, 'reason', l.reason, 'note', l.note,"
     "  'changes', IF(v.event = 'customer.updated', JSON_EXTRACT(l.changes, '$'), NULL),"
     "  'requestId', l.request_id))),"
     " e.url, e.secret"
     " FROM webhook_deliveries d JOIN outbox_events v ON v.id = d.event_id"
     " JOIN webhook_endpoints e ON e.id = d.endpoint_id"
     " LEFT JOIN audit_log l ON l.id = v.audit_id"
     " LEFT JOIN customers c ON c.id = v.customer_id"
     " LEFT JOIN customers k ON k.id = c.merged_into"
     " LEFT JOIN bulk_runs r ON r.id = l.bulk_run_id"
     " WHERE d.claimed_by = ? AND d.state = 'pending' AND d.claim_until > UTC_TIMESTAMP(3)"
     " ORDER BY d.event_id"},
    /* state, retry ms, code, ms, response, worker, delivered, id, worker */
    {STMT_WEBHOOK_RECORD,
     "UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1,"
     " next_at = UTC_TIMESTAMP(3) + INTERVAL ? * 1000 MICROSECOND,"
     " last_at = UTC_TIMESTAMP(3), last_code = ?, last_ms = ?, last_response = ?, last_by = ?,"
     " delivered_at = IF(?, UTC_TIMESTAMP(3), delivered_at),"
     " claimed_by = NULL, claim_until = NULL"
     " WHERE id = ? AND claimed_by = ? AND state = 'pending'"},
    /* worker */
    {STMT_WEBHOOK_RELEASE, "UPDATE webhook_deliveries SET claimed_by = NULL, claim_until = NULL"
                           " WHERE claimed_by = ? AND state = 'pending'"},
};
const size_t db_sql_webhooks_n = sizeof(db_sql_webhooks) / sizeof(db_sql_webhooks[0]);

static void read_endpoint(struct row *w, void *elem)
{
	struct webhook_endpoint *e = elem;
	memset(e, 0, sizeof(*e));
	e->id = row_u64(w, 0);
	e->public_id = row_text(w, 1);
	e->url = row_text(w, 2);
	e->events = row_text(w, 3);
	e->enabled = row_bool(w, 4);
	e->created_at = row_text(w, 5);
	e->created_by = row_text(w, 6);
	e->updated_at = row_text(w, 7);
	if (w->res->ncols > 8) {
		e->pending = row_i64(w, 8);
		e->delivered = row_i64(w, 9);
		e->failed = row_i64(w, 10);
	}
}

enum err db_webhook_endpoints(struct db *db, struct arena *a, unsigned tenant,
                              struct webhook_endpoints *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_WEBHOOK_ENDPOINTS, &r, "i", (long long)tenant);
	if (rc == ERR_OK)
		out->rows = rows_read(a, &r, "webhook endpoints", sizeof(*out->rows), read_endpoint,
		                      &out->n, &rc);
	return rc;
}

enum err db_webhook_endpoint_get(struct db *db, struct arena *a, unsigned tenant,
                                 const char *public_id, struct webhook_endpoint *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc =
	    db_exec(db, a, STMT_WEBHOOK_ENDPOINT_GET, &r, "si", public_id, (long long)tenant);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "webhook endpoint");
	read_endpoint(&w, out);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_webhook_endpoint_lock(struct db *db, struct arena *a, unsigned tenant,
                                  const char *public_id, uint64_t *id)
{
	*id = 0;
	struct db_res r;
	enum err rc =
	    db_exec(db, a, STMT_WEBHOOK_ENDPOINT_LOCK, &r, "si", public_id, (long long)tenant);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "webhook endpoint");
	*id = row_u64(&w, 0);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_webhook_endpoint_insert(struct db *db, struct arena *a,
                                    const struct webhook_endpoint_new *e, uint64_t *id)
{
	enum err rc = db_exec(db, a, STMT_WEBHOOK_ENDPOINT_INSERT, NULL, "sisssis", e->public_id,
	                      (long long)e->tenant, e->url, e->secret, e->events,
	                      (long long)e->enabled, e->created_by);
	*id = rc == ERR_OK ? db_insert_id(db) : 0;
	return rc;
}

enum err db_webhook_endpoint_update(struct db *db, struct arena *a, uint64_t id, const char *url,
                                    const char *events, bool enabled)
{
	return db_exec(db, a, STMT_WEBHOOK_ENDPOINT_UPDATE, NULL, "ssiu", url, events,
	               (long long)enabled, (unsigned long long)id);
}

static void read_delivery(struct row *w, void *elem)
{
	struct webhook_delivery *d = elem;
	d->id = row_u64(w, 0);
	d->event_public_id = row_text(w, 1);
	d->event = row_text(w, 2);
	d->customer_public_id = row_str(w, 3);
	d->state = row_text(w, 4);
	d->attempts = row_i64(w, 5);
	d->next_at = row_str(w, 6);
	d->last_at = row_str(w, 7);
	d->last_code = row_str(w, 8) ? row_i64(w, 8) : -1;
	d->last_ms = row_str(w, 9) ? row_i64(w, 9) : -1;
	d->last_response = row_str(w, 10);
	d->delivered_at = row_str(w, 11);
	d->created_at = row_text(w, 12);
}

enum err db_webhook_deliveries(struct db *db, struct arena *a, uint64_t endpoint, uint64_t before,
                               unsigned limit, struct webhook_deliveries *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc =
	    db_exec(db, a, STMT_WEBHOOK_DELIVERIES, &r, "uuui", (unsigned long long)endpoint,
	            (unsigned long long)before, (unsigned long long)before, (long long)limit);
	if (rc == ERR_OK)
		out->rows = rows_read(a, &r, "webhook deliveries", sizeof(*out->rows),
		                      read_delivery, &out->n, &rc);
	return rc;
}

enum err db_webhook_redeliver(struct db *db, struct arena *a, uint64_t endpoint, uint64_t delivery)
{
	enum err rc = db_exec(db, a, STMT_WEBHOOK_REDELIVER, NULL, "uu",
	                      (unsigned long long)endpoint, (unsigned long long)delivery);
	if (rc == ERR_OK && db_affected(db) == 0)
		return ERR_NOT_FOUND;
	return rc;
}

enum err db_webhook_test_event(struct db *db, struct arena *a, unsigned tenant, uint64_t endpoint,
                               const char *event_public_id, const char *data_json)
{
	enum err rc = db_exec(db, a, STMT_WEBHOOK_TEST_EVENT, NULL, "sis", event_public_id,
	                      (long long)tenant, data_json);
	if (rc != ERR_OK)
		return rc;
	unsigned long long event = db_insert_id(db);
	return db_exec(db, a, STMT_WEBHOOK_TEST_DELIVERY, NULL, "uui", event,
	               (unsigned long long)endpoint, (long long)tenant);
}

/* ---- the job workers ---------------------------------------------------- */

enum err db_webhook_claim(struct db *db, struct arena *a, const char *worker, int lease,
                          unsigned batch, unsigned long long *claimed)
{
	*claimed = 0;
	if (batch > WEBHOOK_CLAIM_MAX)
		batch = WEBHOOK_CLAIM_MAX;
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_WEBHOOK_DUE, &r, "i", (long long)batch);
	if (rc != ERR_OK || r.nrows == 0)
		return rc;
	struct db_param p[2 + WEBHOOK_CLAIM_MAX];
	memset(p, 0, sizeof(p));
	p[0] = (struct db_param){.type = DB_P_STR, .s = worker};
	p[1] = (struct db_param){.type = DB_P_INT, .i = lease};
	for (size_t i = 0; i < WEBHOOK_CLAIM_MAX; i++) {
		p[2 + i].type = DB_P_STR;
		p[2 + i].s = i < r.nrows ? DB_V(&r, i, 0) : NULL;
		p[2 + i].null = i >= r.nrows;
	}
	rc = db_exec_params(db, a, SQL_CLAIM, NULL, p, 2 + WEBHOOK_CLAIM_MAX);
	*claimed = rc == ERR_OK ? db_affected(db) : 0;
	return rc;
}

static void read_job(struct row *w, void *elem)
{
	struct webhook_job *j = elem;
	j->id = row_u64(w, 0);
	j->attempts = row_i64(w, 1);
	j->event_public_id = row_text(w, 2);
	j->event = row_text(w, 3);
	j->created_at = row_text(w, 4);
	j->data = row_text(w, 5);
	j->url = row_text(w, 6);
	j->secret = row_text(w, 7);
}

enum err db_webhook_claimed(struct db *db, struct arena *a, const char *worker,
                            struct webhook_jobs *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_WEBHOOK_CLAIMED, &r, "s", worker);
	if (rc == ERR_OK)
		out->rows = rows_read(a, &r, "claimed deliveries", sizeof(*out->rows), read_job,
		                      &out->n, &rc);
	return rc;
}

enum err db_webhook_record(struct db *db, struct arena *a, const char *worker,
                           const struct webhook_attempt *t)
{
	const char *state = t->delivered ? "delivered" : t->final ? "failed" : "pending";
	long long code = t->code;
	return db_exec(db, a, STMT_WEBHOOK_RECORD, NULL, "siIissius", state,
	               (long long)(t->delivered || t->final ? 0 : t->retry_ms),
	               t->code >= 0 ? &code : NULL, (long long)t->ms, t->response, worker,
	               (long long)t->delivered, (unsigned long long)t->id, worker);
}

enum err db_webhook_release(struct db *db, struct arena *a, const char *worker)
{
	return db_exec(db, a, STMT_WEBHOOK_RELEASE, NULL, "s", worker);
}
