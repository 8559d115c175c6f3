#ifndef CUSTODIAN_DOMAIN_WEBHOOKS_H
#define CUSTODIAN_DOMAIN_WEBHOOKS_H

#include <stdbool.h>

#include "db/webhooks.h"
#include "domain/lifecycle.h"

/*
 * Webhooks (README "Webhooks"): the tenant's endpoints, managed by admins,
 * and the delivery of the outbox's events by the job workers: an HTTP POST
 * of {id, event, timestamp, data} signed with the endpoint's secret
 * (Custodian-Signature: t=<unix time>,v1=<hex HMAC-SHA-256 of "<t>.<body>">),
 * at least once, in order per customer, retried with exponential backoff
 * and jitter up to a limit.
 */

/* The events an endpoint may choose, in the order the pages list them. */
extern const char *const webhook_event_names[];
extern const unsigned webhook_event_count;

/* The refusals below fill f with a code (INVALID_URL, INVALID_EVENTS,
 * NOT_FOUND) and a message; every attempt writes one audit row (action
 * webhook_create, webhook_update, webhook_test or webhook_redeliver,
 * subject the endpoint's public id). who->channel is CHANNEL_PAGE. */

/* A new endpoint: url (http:// or https://, at most 500 bytes), events ("*"
 * or names from webhook_event_names, comma-separated, each once). The
 * secret (whsec_ + 48 hex) is made here and returned once in *secret. */
enum err webhook_create(struct db *db, struct arena *a, const struct actor *who, const char *url,
                        const char *events, bool enabled, const char **public_id,
                        const char **secret, struct failure *f);

/* Changes an endpoint's url, events and enabled (the secret stays). */
enum err webhook_update(struct db *db, struct arena *a, const struct actor *who,
                        const char *public_id, const char *url, const char *events, bool enabled,
                        struct failure *f);

/* Queues a webhook.test event for this endpoint only (its event id in
 * *event_id). */
enum err webhook_send_test(struct db *db, struct arena *a, const struct actor *who,
                           const char *public_id, const char **event_id, struct failure *f);

/* Puts one of the endpoint's deliveries back to pending, due now. */
enum err webhook_redeliver(struct db *db, struct arena *a, const struct actor *who,
                           const char *public_id, uint64_t delivery, struct failure *f);

/* ---- delivery (the job workers) --------------------------------------------- */

struct webhook_sender; /* an HTTP client (libcurl), kept between steps */

struct webhook_settings {
	long timeout_ms;         /* a whole request */
	long connect_timeout_ms; /* its connection */
	long retry_base_ms;      /* the first retry's delay; doubled each time */
	long retry_max_ms;       /* the longest delay */
	int max_attempts;        /* then the delivery is failed */
	int lease_s;             /* a claim's lease */
};

struct webhook_sender *webhook_sender_new(const struct webhook_settings *s);
void webhook_sender_free(struct webhook_sender *s);

enum webhook_step { WEBHOOK_STEP_IDLE, WEBHOOK_STEP_WORKED, WEBHOOK_STEP_FAILED };

/* One step: claims a batch of due deliveries, sends each, records each
 * attempt; stops early when *stop becomes true, giving the rest back. */
enum webhook_step webhook_work(struct db *db, struct arena *a, struct webhook_sender *s,
                               const char *worker, volatile int *stop);

/* The delay before retry n (1: the first), with jitter in [0.5, 1.5):
 * base * 2^(n-1), at most max. r is a uniform random value in [0, 1). */
long webhook_retry_delay_ms(const struct webhook_settings *s, int n, double r);

/* "t=<now>,v1=<hex>" for body signed with secret at time now. */
const char *webhook_signature(struct arena *a, const char *secret, long long now, const char *body,
                              size_t len);

#endif
