#ifndef CUSTODIAN_LIFECYCLE_H
#define CUSTODIAN_LIFECYCLE_H

#include "db/db.h"
#include "domain/prereq.h"

/*
 * Deactivation and reactivation: the one code path used by the pages, the
 * bulk runs and the JSON API. Each call is one transaction that locks the
 * customer row, re-checks under that lock, writes, and appends exactly one
 * audit row; deadlocks and lock-wait timeouts are retried by
 * db_transaction().
 */

/* Who acts, and through what. */
struct actor {
	const char *name; /* operator login or "api:<label>" */
	unsigned tenant;
	const char *channel;            /* "page", "bulk", "api" */
	const char *request_id;         /* nginx's $request_id */
	unsigned long long bulk_run_id; /* 0 when not part of a run */
};

enum lifecycle_result {
	LC_DONE,        /* changed */
	LC_NOOP,        /* already in the wanted state: nothing changed */
	LC_BLOCKED,     /* prerequisites failed: nothing changed */
	LC_NOT_FOUND,   /* no such customer in the actor's tenant */
	LC_UNAVAILABLE, /* database down, or locks not granted within the budget */
	LC_ERROR,       /* unexpected database error (logged) */
};

struct lifecycle_outcome {
	enum lifecycle_result result;
	unsigned long long customer_id;
	struct prereq prereq; /* for LC_BLOCKED: the blocking records */
	const char *outcome;  /* what the audit row says: "ok", "ALREADY_INACTIVE", codes */
};

/* The four reasons (the seed's use cases). */
#define LIFECYCLE_REASONS 4
extern const char *const lifecycle_reason_code[LIFECYCLE_REASONS];
extern const char *const lifecycle_reason_label[LIFECYCLE_REASONS];
extern const char *const lifecycle_reason_hint[LIFECYCLE_REASONS];

/* reason must be one of lifecycle_reason_code; note may be NULL. */
enum lifecycle_result lifecycle_deactivate(struct db *db, struct arena *a, const struct actor *who,
                                           const char *public_id, const char *reason,
                                           const char *note, struct lifecycle_outcome *out);

enum lifecycle_result lifecycle_reactivate(struct db *db, struct arena *a, const struct actor *who,
                                           const char *public_id, const char *note,
                                           struct lifecycle_outcome *out);

/*
 * A step run inside the lifecycle transaction after the audit row, for
 * callers that must record the outcome atomically with the change (a bulk
 * run's item). Returning anything but ERR_OK rolls the whole transaction
 * back (ERR_RETRY retries it) and the call returns LC_ERROR, or
 * LC_UNAVAILABLE for ERR_RETRY/ERR_UNAVAILABLE; ERR_DUPLICATE means "already
 * recorded elsewhere" and gives LC_NOOP with nothing changed.
 */
struct lifecycle_hook {
	enum err (*fn)(struct db *db, struct arena *a, const struct lifecycle_outcome *out,
	               void *ctx);
	void *ctx;
};

/* lifecycle_deactivate() with a hook (may be NULL). */
enum lifecycle_result lifecycle_deactivate_hooked(struct db *db, struct arena *a,
                                                  const struct actor *who, const char *public_id,
                                                  const char *reason, const char *note,
                                                  const struct lifecycle_hook *hook,
                                                  struct lifecycle_outcome *out);

/*
 * Records an attempt refused before it reached the rules (bad CSRF token,
 * wrong role) as its own audit row. customer_id 0 when unknown. Best
 * effort: a database error is logged, not reported.
 */
void lifecycle_audit_refusal(struct db *db, struct arena *a, const struct actor *who,
                             const char *public_id, const char *action, const char *outcome);

#endif
