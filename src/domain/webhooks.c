/* Webhooks (domain/webhooks.h; README "Webhooks"): the endpoints an admin
 * manages, and the job workers' delivery of the outbox's events. */
#include "domain/webhooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "db/audit.h"
#include "util/crypto.h"
#include "util/http_client.h"
#include "util/log.h"

const char *const webhook_event_names[] = {
    "customer.deactivated",       "customer.reactivated", "customer.updated", "customer.merged",
    "customer.closure_requested", "subscription.ended",   "asset.returned",   "order.cancelled",
};
const unsigned webhook_event_count = sizeof(webhook_event_names) / sizeof(webhook_event_names[0]);

#define URL_MAX 500

/* ---- the endpoints ---------------------------------------------------------- */

static enum err audit(struct db *db, struct arena *a, const struct actor *who, const char *subject,
                      const char *action, const char *note, const char *outcome)
{
	struct audit_entry e = {who->name,        who->tenant, 0,    subject, action,
	                        who->channel,     -1,          note, outcome, who->request_id,
	                        who->bulk_run_id, NULL};
	return db_audit_insert(db, a, &e);
}

/* An audit row of a refusal decided before any transaction (best effort). */
static enum err refuse(struct db *db, struct arena *a, const struct actor *who, const char *subject,
                       const char *action, struct failure *f, enum err kind, const char *code,
                       const char *message)
{
	if (audit(db, a, who, subject ? subject : "", action, NULL, code) != ERR_OK)
		log_error("%s %s: the refusal's audit row failed", action, subject ? subject : "");
	return fail_with(f, kind, code, message);
}

/* http:// or https://, a host, at most URL_MAX bytes, no spaces or
 * control characters. */
static bool url_ok(const char *url)
{
	if (url == NULL)
		return false;
	size_t n = strlen(url);
	const char *rest = strncmp(url, "https://", 8) == 0  ? url + 8
	                   : strncmp(url, "http://", 7) == 0 ? url + 7
	                                                     : NULL;
	if (rest == NULL || n > URL_MAX || *rest == '\0' || *rest == '/' || *rest == ':')
		return false;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

/* "*", or known names each once, in webhook_event_names' order: the
 * normalised list, or NULL. */
static const char *events_of(struct arena *a, const char *events)
{
	if (events == NULL || strcmp(events, "*") == 0 || events[0] == '\0')
		return events && events[0] ? "*" : NULL;
	bool chosen[16] = {false};
	const char *p = events;
	while (*p) {
		size_t k = strcspn(p, ",");
		unsigned i = 0;
		for (; i < webhook_event_count; i++)
			if (strlen(webhook_event_names[i]) == k &&
			    strncmp(p, webhook_event_names[i], k) == 0)
				break;
		if (i == webhook_event_count || chosen[i])
			return NULL;
		chosen[i] = true;
		p += k;
		if (*p == ',' && *++p == '\0')
			return NULL;
	}
	char *out = arena_strdup(a, "");
	for (unsigned i = 0; i < webhook_event_count; i++)
		if (chosen[i])
			out = arena_printf(a, "%s%s%s", out, out[0] ? "," : "",
			                   webhook_event_names[i]);
	return out;
}

static const char URL_MESSAGE[] =
    "url: give the receiver's address, starting with http:// or https:// (at most 500 "
    "characters).";
static const char EVENTS_MESSAGE[] =
    "event: choose all events, or one or more of the events listed, each once.";

struct create_tx {
	const struct actor *who;
	const char *url, *events, *public_id, *secret;
	bool enabled;
};

static enum err create_tx(struct db *db, struct arena *a, void *vctx)
{
	struct create_tx *t = vctx;
	struct webhook_endpoint_new e = {t->public_id, t->who->tenant, t->url,      t->secret,
	                                 t->events,    t->enabled,     t->who->name};
	uint64_t id;
	enum err rc = db_webhook_endpoint_insert(db, a, &e, &id);
	if (rc != ERR_OK)
		return rc;
	return audit(db, a, t->who, t->public_id, "webhook_create",
	             arena_printf(a, "%s (%s)", t->url, t->events), "ok");
}

/* n random bytes as hex after prefix, or NULL. */
static const char *random_id(struct arena *a, const char *prefix, size_t n)
{
	unsigned char raw[32];
	char hex[65];
	if (n > sizeof(raw) || random_bytes(raw, n) != 0)
		return NULL;
	hex_encode(raw, n, hex);
	return arena_printf(a, "%s%s", prefix, hex);
}

enum err webhook_create(struct db *db, struct arena *a, const struct actor *who, const char *url,
                        const char *events, bool enabled, const char **public_id,
                        const char **secret, struct failure *f)
{
	*public_id = *secret = NULL;
	if (!url_ok(url))
		return refuse(db, a, who, NULL, "webhook_create", f, ERR_INVALID, "INVALID_URL",
		              URL_MESSAGE);
	const char *ev = events_of(a, events);
	if (ev == NULL)
		return refuse(db, a, who, NULL, "webhook_create", f, ERR_INVALID, "INVALID_EVENTS",
		              EVENTS_MESSAGE);
	struct create_tx t = {who,    url, ev, random_id(a, "whk_", 6), random_id(a, "whsec_", 24),
	                      enabled};
	if (t.public_id == NULL || t.secret == NULL)
		return fail_with(f, ERR_INTERNAL, NULL, NULL);
	enum err rc = db_transaction(db, a, create_tx, &t);
	if (rc != ERR_OK)
		return fail_with(f, rc == ERR_DUPLICATE ? ERR_INTERNAL : rc, NULL, NULL);
	*public_id = t.public_id;
	*secret = t.secret;
	return ERR_OK;
}

struct update_tx {
	const struct actor *who;
	const char *public_id, *url, *events, *action;
	bool enabled;
	uint64_t delivery;
	const char *event_id;
	enum err result;
};

static enum err update_tx(struct db *db, struct arena *a, void *vctx)
{
	struct update_tx *t = vctx;
	t->result = ERR_OK;
	uint64_t id;
	enum err rc = db_webhook_endpoint_lock(db, a, t->who->tenant, t->public_id, &id);
	if (rc == ERR_NOT_FOUND) {
		t->result = ERR_NOT_FOUND;
		return audit(db, a, t->who, t->public_id, t->action, NULL, "NOT_FOUND");
	}
	if (rc != ERR_OK)
		return rc;
	const char *note = NULL;
	if (strcmp(t->action, "webhook_update") == 0) {
		rc = db_webhook_endpoint_update(db, a, id, t->url, t->events, t->enabled);
		note =
		    arena_printf(a, "%s (%s)%s", t->url, t->events, t->enabled ? "" : ", disabled");
	} else if (strcmp(t->action, "webhook_test") == 0) {
		json_t *o =
		    json_pack("{s:s, s:s}", "endpointId", t->public_id, "actor", t->who->name);
		char *dumped = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
		if (dumped == NULL)
			return ERR_INTERNAL;
		const char *data = arena_strdup(a, dumped);
		free(dumped);
		rc = db_webhook_test_event(db, a, t->who->tenant, id, t->event_id, data);
		note = t->event_id;
	} else {
		rc = db_webhook_redeliver(db, a, id, t->delivery);
		if (rc == ERR_NOT_FOUND) {
			t->result = ERR_NOT_FOUND;
			return audit(
			    db, a, t->who, t->public_id, t->action,
			    arena_printf(a, "delivery %llu", (unsigned long long)t->delivery),
			    "NOT_FOUND");
		}
		note = arena_printf(a, "delivery %llu", (unsigned long long)t->delivery);
	}
	if (rc != ERR_OK)
		return rc;
	return audit(db, a, t->who, t->public_id, t->action, note, "ok");
}

static enum err run_update(struct db *db, struct arena *a, struct update_tx *t, struct failure *f)
{
	enum err rc = db_transaction(db, a, update_tx, t);
	if (rc != ERR_OK)
		return fail_with(f, rc, NULL, NULL);
	if (t->result == ERR_NOT_FOUND)
		return fail_with(f, ERR_NOT_FOUND, "NOT_FOUND",
		                 t->delivery ? "There is no such delivery for this endpoint."
		                             : "There is no webhook endpoint with this id.");
	return ERR_OK;
}

enum err webhook_update(struct db *db, struct arena *a, const struct actor *who,
                        const char *public_id, const char *url, const char *events, bool enabled,
                        struct failure *f)
{
	if (!url_ok(url))
		return refuse(db, a, who, public_id, "webhook_update", f, ERR_INVALID,
		              "INVALID_URL", URL_MESSAGE);
	const char *ev = events_of(a, events);
	if (ev == NULL)
		return refuse(db, a, who, public_id, "webhook_update", f, ERR_INVALID,
		              "INVALID_EVENTS", EVENTS_MESSAGE);
	struct update_tx t = {who, public_id, url, ev, "webhook_update", enabled, 0, NULL, ERR_OK};
	return run_update(db, a, &t, f);
}

enum err webhook_send_test(struct db *db, struct arena *a, const struct actor *who,
                           const char *public_id, const char **event_id, struct failure *f)
{
	struct update_tx t = {
	    who, public_id, NULL, NULL, "webhook_test", false, 0, random_id(a, "evt_", 10), ERR_OK};
	if (t.event_id == NULL)
		return fail_with(f, ERR_INTERNAL, NULL, NULL);
	*event_id = t.event_id;
	return run_update(db, a, &t, f);
}

enum err webhook_redeliver(struct db *db, struct arena *a, const struct actor *who,
                           const char *public_id, uint64_t delivery, struct failure *f)
{
	struct update_tx t = {who,   public_id, NULL, NULL,  "webhook_redeliver",
	                      false, delivery,  NULL, ERR_OK};
	return run_update(db, a, &t, f);
}

/* ---- delivery ------------------------------------------------------------------- */

struct webhook_sender {
	struct webhook_settings s;
	struct http_client *http;
};

struct webhook_sender *webhook_sender_new(const struct webhook_settings *s)
{
	struct webhook_sender *w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->s = *s;
	if ((w->http = http_client_new(s->connect_timeout_ms, s->timeout_ms)) == NULL) {
		free(w);
		return NULL;
	}
	return w;
}

void webhook_sender_free(struct webhook_sender *w)
{
	if (w == NULL)
		return;
	http_client_free(w->http);
	free(w);
}

long webhook_retry_delay_ms(const struct webhook_settings *s, int n, double r)
{
	double d = (double)s->retry_base_ms;
	for (int i = 1; i < n && d < (double)s->retry_max_ms; i++)
		d *= 2;
	if (d > (double)s->retry_max_ms)
		d = (double)s->retry_max_ms;
	return (long)(d * (0.5 + r));
}

const char *webhook_signature(struct arena *a, const char *secret, long long now, const char *body,
                              size_t len)
{
	char *t = arena_printf(a, "%lld.", now);
	size_t tn = strlen(t);
	char *msg = arena_alloc(a, tn + len + 1);
	memcpy(msg, t, tn);
	memcpy(msg + tn, body, len);
	unsigned char mac[SHA256_LEN];
	hmac_sha256(secret, strlen(secret), msg, tn + len, mac);
	char hex[2 * SHA256_LEN + 1];
	hex_encode(mac, SHA256_LEN, hex);
	return arena_printf(a, "t=%lld,v1=%s", now, hex);
}

/* The first bytes of an answer (util/http_client.c made them text), cut
 * back to a whole UTF-8 character for the log. */
static const char *printable(struct arena *a, const char *s)
{
	char *out = arena_strdup(a, s);
	size_t n = strlen(out), k = n;
	while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
		k--;
	if (k > 0 && ((unsigned char)out[k - 1] & 0x80)) {
		unsigned char lead = (unsigned char)out[k - 1];
		size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
		if (n - (k - 1) < want)
			out[k - 1] = '\0';
	}
	return out;
}

/* FlexPortal's envelope {event, timestamp, data}, with the event's id, as
 * JSON text (jansson), or NULL. */
static const char *envelope(struct arena *a, const struct webhook_job *j)
{
	json_error_t e;
	json_t *data = json_loads(j->data, 0, &e);
	if (data == NULL)
		return NULL;
	json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "id", j->event_public_id, "event", j->event,
	                      "timestamp", j->created_at, "data", data);
	char *dumped = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (dumped == NULL)
		return NULL;
	const char *out = arena_strdup(a, dumped);
	free(dumped);
	return out;
}

/* The request of a delivery (false: its event cannot be sent, t says so). */
static bool prepare(struct arena *a, const struct webhook_job *j, struct http_request *q,
                    struct webhook_attempt *t)
{
	memset(t, 0, sizeof(*t));
	t->id = j->id;
	const char *body = envelope(a, j);
	if (body == NULL) {
		t->code = -1;
		t->final = true; /* an event whose data is not JSON cannot be sent, ever */
		t->response = "the event's data is not JSON";
		log_error("webhooks: event %s has data that is not JSON", j->event_public_id);
		return false;
	}
	size_t len = strlen(body);
	const char **h = arena_calloc(a, 6, sizeof(*h));
	h[0] = "Content-Type: application/json";
	h[1] = arena_printf(a, "Custodian-Event: %s", j->event);
	h[2] = arena_printf(a, "Custodian-Event-Id: %s", j->event_public_id);
	h[3] = arena_printf(a, "Custodian-Delivery-Attempt: %lld", (long long)j->attempts + 1);
	h[4] = arena_printf(a, "Custodian-Signature: %s",
	                    webhook_signature(a, j->secret, (long long)time(NULL), body, len));
	h[5] = "Expect:"; /* no 100-continue round trip */
	*q = (struct http_request){
	    .url = j->url, .headers = h, .nheaders = 6, .body = body, .len = len};
	return true;
}

/* What an answer (or its absence) makes of the attempt. */
static void judge(struct webhook_sender *w, struct arena *a, const struct webhook_job *j,
                  const struct http_request *q, struct webhook_attempt *t)
{
	t->code = q->answer.code;
	t->ms = q->answer.ms;
	t->response = printable(a, q->answer.head);
	t->delivered = q->rc == 0 && q->answer.code >= 200 && q->answer.code < 300;
	int attempt = (int)j->attempts + 1;
	t->final = !t->delivered && attempt >= w->s.max_attempts;
	t->retry_ms =
	    webhook_retry_delay_ms(&w->s, attempt, (double)rand() / ((double)RAND_MAX + 1.0));
}

struct record_ctx {
	const char *worker;
	const struct webhook_attempt *t;
	size_t n;
};

/* The batch's outcomes in one transaction (one commit, not one a delivery). */
static enum err record_tx(struct db *db, struct arena *a, void *vctx)
{
	struct record_ctx *c = vctx;
	for (size_t i = 0; i < c->n; i++) {
		enum err rc = db_webhook_record(db, a, c->worker, &c->t[i]);
		if (rc != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

#define BATCH 50

enum webhook_step webhook_work(struct db *db, struct arena *a, struct webhook_sender *w,
                               const char *worker, volatile int *stop)
{
	unsigned long long claimed = 0;
	if (db_webhook_claim(db, a, worker, w->s.lease_s, BATCH, &claimed) != ERR_OK)
		return WEBHOOK_STEP_FAILED;
	struct webhook_jobs jobs;
	/* also what an earlier step claimed and could not record */
	if (db_webhook_claimed(db, a, worker, &jobs) != ERR_OK)
		return WEBHOOK_STEP_FAILED;
	if (jobs.n == 0)
		return claimed ? WEBHOOK_STEP_WORKED : WEBHOOK_STEP_IDLE;
	if (*stop) {
		if (db_webhook_release(db, a, worker) != ERR_OK)
			log_error("webhooks: giving back the claims failed");
		return WEBHOOK_STEP_IDLE;
	}
	/* The batch at once (at most one delivery per endpoint and customer,
	 * so order holds): it takes as long as its slowest receiver, at most
	 * the timeout, well inside the lease. */
	size_t n = jobs.n < HTTP_PARALLEL_MAX ? jobs.n : HTTP_PARALLEL_MAX;
	struct webhook_attempt *t = arena_calloc(a, n, sizeof(*t));
	struct http_request *q = arena_calloc(a, n, sizeof(*q));
	size_t *slot = arena_calloc(a, n, sizeof(*slot));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (prepare(a, &jobs.rows[i], &q[k], &t[i]))
			slot[k++] = i;
	http_client_post_all(w->http, q, k);
	for (size_t i = 0; i < k; i++)
		judge(w, a, &jobs.rows[slot[i]], &q[i], &t[slot[i]]);
	struct record_ctx c = {worker, t, n};
	enum err rc = db_transaction(db, a, record_tx, &c);
	if (rc != ERR_OK) {
		/* the claims run out and the deliveries go again: at least once */
		log_error("webhooks: recording %zu attempts failed (%d)", n, (int)rc);
		return WEBHOOK_STEP_FAILED;
	}
	/* what was not sent goes back, for the next step or another worker */
	if (n < jobs.n && db_webhook_release(db, a, worker) != ERR_OK)
		log_error("webhooks: giving back the claims failed");
	return WEBHOOK_STEP_WORKED;
}
