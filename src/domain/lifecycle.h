#ifndef CUSTODIAN_LIFECYCLE_H
#define CUSTODIAN_LIFECYCLE_H

#include "db/records.h"
#include "db/types.h"
#include "domain/prereq.h"
#include "domain/profile.h"

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
	enum channel channel;
	const char *request_id; /* nginx's $request_id */
	uint64_t bulk_run_id;   /* 0 when not part of a run */
};

struct lifecycle_outcome {
	bool changed;         /* false: already in the wanted state, nothing changed */
	uint64_t customer_id; /* 0 when not found */
	struct prereq prereq; /* when refused: the blocking records, seen under the lock */
	const char *outcome;  /* what the audit row says: "ok", "ALREADY_INACTIVE", codes */
	bool edited;          /* lifecycle_update(): the profile changed */
};

/*
 * Returns ERR_OK (out->changed says whether it was a no-op), ERR_REFUSED
 * (prerequisites failed: nothing changed), ERR_NOT_FOUND (no such customer
 * in the actor's tenant), ERR_UNAVAILABLE or ERR_RETRY (database down, or
 * locks not granted within the budget), or ERR_INTERNAL (logged). Every
 * call writes one audit row when the database lets it. note may be NULL.
 */
enum err lifecycle_deactivate(struct db *db, struct arena *a, const struct actor *who,
                              const char *public_id, enum reason reason, const char *note,
                              struct lifecycle_outcome *out);

enum err lifecycle_reactivate(struct db *db, struct arena *a, const struct actor *who,
                              const char *public_id, const char *note,
                              struct lifecycle_outcome *out);

/*
 * A profile edit (checked by profile_check() first), then, when status is
 * not -1, the status change by the rules above, in one transaction: one
 * "edit" audit row with the old and new value of every changed field
 * (outcome "ok", or "NO_CHANGE"), then the status change's own row. A
 * refused deactivation (ERR_REFUSED) takes the edit back too, and is
 * audited on its own. An inactive customer can be edited and stays
 * inactive. out->edited says whether the profile changed.
 */
enum err lifecycle_update(struct db *db, struct arena *a, const struct actor *who,
                          const char *public_id, const struct profile_edit *edit, int status,
                          int reason, const char *note, struct lifecycle_outcome *out);

/*
 * A step run inside the lifecycle transaction after the audit row, for
 * callers that must record the outcome atomically with the change (a bulk
 * run's item). Returning anything but ERR_OK rolls the whole transaction
 * back (ERR_RETRY retries it); ERR_DUPLICATE means "already recorded
 * elsewhere" and the call returns ERR_DUPLICATE with nothing changed.
 */
struct lifecycle_hook {
	enum err (*fn)(struct db *db, struct arena *a, const struct lifecycle_outcome *out,
	               void *ctx);
	void *ctx;
};

/* lifecycle_deactivate() with a hook (may be NULL). */
enum err lifecycle_deactivate_hooked(struct db *db, struct arena *a, const struct actor *who,
                                     const char *public_id, enum reason reason, const char *note,
                                     const struct lifecycle_hook *hook,
                                     struct lifecycle_outcome *out);

/*
 * lifecycle_reactivate() with a guard and a hook (hook may be NULL): with
 * undo_of set (a bulk run's row id), the customer is reactivated only
 * while its deactivation is still the one that run made
 * (customers.deactivated_run_id, read under the row lock); otherwise
 * nothing changes, the attempt is audited with outcome "DEACTIVATED_SINCE"
 * and the call returns ERR_REFUSED. An active customer is "ALREADY_ACTIVE"
 * (ERR_OK, nothing changed), as always. undo_of 0 is lifecycle_reactivate().
 */
enum err lifecycle_reactivate_hooked(struct db *db, struct arena *a, const struct actor *who,
                                     const char *public_id, const char *note, uint64_t undo_of,
                                     const struct lifecycle_hook *hook,
                                     struct lifecycle_outcome *out);

/*
 * Records an attempt refused before it reached the rules (bad CSRF token,
 * wrong role) as its own audit row. public_id may be NULL. Best effort: a
 * database error is logged, not reported.
 */
void lifecycle_audit_refusal(struct db *db, struct arena *a, const struct actor *who,
                             const char *public_id, const char *action, const char *outcome);

#endif
