#ifndef CUSTODIAN_DB_WEBHOOKS_H
#define CUSTODIAN_DB_WEBHOOKS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

/*
 * Webhook endpoints, the outbox's events and their deliveries (README
 * "Webhooks"). The events themselves are written by the audit row's trigger
 * (sql/triggers.sql), in the transaction of the change; these are the
 * statements of the admin pages and of the job workers that deliver.
 */

struct webhook_endpoint {
	uint64_t id;
	const char *public_id; /* whk_... */
	const char *url;
	const char *events; /* "*" or "customer.deactivated,order.cancelled" */
	bool enabled;
	const char *created_at;
	const char *created_by;
	const char *updated_at;
	int64_t pending, delivered, failed; /* its deliveries by state (lists only) */
};
struct webhook_endpoints {
	struct webhook_endpoint *rows;
	size_t n;
};

/* The tenant's endpoints, newest first, with their delivery counts. */
enum err db_webhook_endpoints(struct db *db, struct arena *a, unsigned tenant,
                              struct webhook_endpoints *out);

/* One endpoint of the tenant by public id (no secret), or ERR_NOT_FOUND. */
enum err db_webhook_endpoint_get(struct db *db, struct arena *a, unsigned tenant,
                                 const char *public_id, struct webhook_endpoint *out);

/* Locks it FOR UPDATE (the admin's writes); ERR_NOT_FOUND as above. */
enum err db_webhook_endpoint_lock(struct db *db, struct arena *a, unsigned tenant,
                                  const char *public_id, uint64_t *id);

struct webhook_endpoint_new {
	const char *public_id;
	unsigned tenant;
	const char *url;
	const char *secret;
	const char *events;
	bool enabled;
	const char *created_by;
};
enum err db_webhook_endpoint_insert(struct db *db, struct arena *a,
                                    const struct webhook_endpoint_new *e, uint64_t *id);
enum err db_webhook_endpoint_update(struct db *db, struct arena *a, uint64_t id, const char *url,
                                    const char *events, bool enabled);

/* A delivery as the log lists it (newest first). */
struct webhook_delivery {
	uint64_t id;
	const char *event_public_id;
	const char *event;
	const char *customer_public_id; /* NULL: none */
	const char *state;              /* pending, delivered, failed */
	int64_t attempts;
	const char *next_at;
	const char *last_at;
	int64_t last_code; /* -1: none */
	int64_t last_ms;   /* -1: none */
	const char *last_response;
	const char *delivered_at;
	const char *created_at;
};
struct webhook_deliveries {
	struct webhook_delivery *rows;
	size_t n;
};
/* An endpoint's deliveries with id < before (0: the newest), at most limit. */
enum err db_webhook_deliveries(struct db *db, struct arena *a, uint64_t endpoint, uint64_t before,
                               unsigned limit, struct webhook_deliveries *out);

/* Puts a delivery of the endpoint back to pending, due now (redeliver):
 * ERR_NOT_FOUND when the endpoint has no such delivery. */
enum err db_webhook_redeliver(struct db *db, struct arena *a, uint64_t endpoint, uint64_t delivery);

/* A test event (webhook.test) for one endpoint, and its delivery. */
enum err db_webhook_test_event(struct db *db, struct arena *a, unsigned tenant, uint64_t endpoint,
                               const char *event_public_id, const char *data_json);

/* ---- the job workers ---------------------------------------------------- */

#define WEBHOOK_CLAIM_MAX 50

/* Claims up to batch (at most WEBHOOK_CLAIM_MAX) due deliveries for worker for lease seconds:
 * pending, due, unclaimed (or whose claim ran out), and the first pending one of their endpoint and
 * customer (earlier events first). *claimed: how many. */
enum err db_webhook_claim(struct db *db, struct arena *a, const char *worker, int lease,
                          unsigned batch, unsigned long long *claimed);

/* A claimed delivery, with what sending it needs. */
struct webhook_job {
	uint64_t id;
	int64_t attempts; /* before this one */
	const char *event_public_id;
	const char *event;
	const char *created_at; /* the event's, ISO 8601 UTC */
	const char *data;       /* JSON */
	const char *url;
	const char *secret;
};
struct webhook_jobs {
	struct webhook_job *rows;
	size_t n;
};
enum err db_webhook_claimed(struct db *db, struct arena *a, const char *worker,
                            struct webhook_jobs *out);

/* Records an attempt of a delivery worker holds: delivered, or failed
 * (state 'failed' when final, else pending again after retry_ms). code -1:
 * no HTTP answer; response: its first bytes or the error. */
struct webhook_attempt {
	uint64_t id;
	bool delivered;
	bool final;
	long retry_ms;
	int code;
	long ms;
	const char *response;
};
enum err db_webhook_record(struct db *db, struct arena *a, const char *worker,
                           const struct webhook_attempt *t);

/* Gives back what worker holds (SIGTERM). */
enum err db_webhook_release(struct db *db, struct arena *a, const char *worker);

#endif
