#ifndef CUSTODIAN_DOMAIN_CLOSURES_H
#define CUSTODIAN_DOMAIN_CLOSURES_H

#include <stdbool.h>
#include <stddef.h>

#include "db/closures.h"
#include "domain/lifecycle.h"

/*
 * "Close when clear": a closure request is a deactivation filed for a
 * customer that is still blocked, carried out by the job workers through
 * the one lifecycle transaction (lifecycle_deactivate_hooked()) as soon
 * as nothing blocks it, exactly once, as the person who filed it.
 */

/* What filing did. */
struct closure_filed {
	const char *outcome;   /* "ok", "ALREADY_INACTIVE", "CLOSURE_PENDING", "NOT_FOUND", ... */
	const char *public_id; /* the new request, or the one already pending */
	uint64_t customer_id;
	const char *requested_at;
	const char *requested_by;
	const char *waiting_for; /* the blocker codes seen when filed ("" for none) */
	struct prereq prereq;    /* the blockers seen when filed */
	size_t cancelled;        /* "cancel what can be cancelled now": records cancelled */
	size_t not_cancelled;    /* ... and those whose action was refused or failed */
};

/*
 * Files a request for the customer public_id: one transaction that locks
 * the customer row, refuses an inactive customer (ALREADY_INACTIVE) or
 * one with a pending request (CLOSURE_PENDING), inserts the request
 * (clo_<hex>, due now, so a job worker looks at once) and its audit row
 * ("closure_request"). With cancel_now, then cancels what can be
 * cancelled now, each through action_run() (audited there): the orders in
 * flight without rentals, and the subscriptions whose term has ended.
 *
 * Returns ERR_OK (filed), ERR_REFUSED (out->outcome says why; audited),
 * ERR_NOT_FOUND, ERR_RETRY, ERR_UNAVAILABLE or ERR_INTERNAL. Every call
 * writes one audit row when the database lets it. note may be NULL.
 */
enum err closure_file(struct db *db, struct arena *a, const struct actor *who,
                      const char *public_id, enum reason reason, const char *note, bool cancel_now,
                      struct closure_filed *out);

/*
 * Withdraws the pending request closure_id: locks its customer's row,
 * then the request; refuses one that is no longer pending
 * (CLOSURE_NOT_PENDING). One audit row ("closure_withdraw"). Returns
 * ERR_OK, ERR_REFUSED, ERR_NOT_FOUND (no such request in the tenant) or
 * the database's error. *customer_public_id is the request's customer
 * (NULL when not found).
 */
enum err closure_withdraw(struct db *db, struct arena *a, const struct actor *who,
                          const char *closure_id, const char **outcome,
                          const char **customer_public_id);

/* A withdrawal refused before the rules (bad CSRF token, wrong role), as
 * its own audit row naming the request's customer when it is the actor's
 * tenant's. Best effort, like lifecycle_audit_refusal(). */
void closure_audit_refusal(struct db *db, struct arena *a, const struct actor *who,
                           const char *closure_id, const char *outcome);

enum closure_step { CLOSURE_STEP_IDLE, CLOSURE_STEP_WORKED, CLOSURE_STEP_FAILED };

/* The lease of a claimed request: the time its worker has before another
 * may take it (a worker that died). */
#define CLOSURE_LEASE_SECONDS 15

/*
 * The job workers' step: claims the request due longest and runs its
 * deactivation as the requester (its channel, reason and note "closure
 * clo_...: <note>"), with a hook that marks the request done in the same
 * transaction, so it completes exactly once (a second worker, or a
 * withdrawal that came first, finds it no longer pending and rolls back).
 * Still blocked: records what it waits for and when it looked, writes no
 * audit row, and clears due_at unless a blocker cleared meanwhile; a
 * request filed with cancel_now also has the subscriptions whose term has
 * ended since completed (as the requester, audited by action_run()).
 * IDLE: nothing is due.
 */
enum closure_step closure_work(struct db *db, struct arena *a);

/* The sweep: pending requests not checked for seconds are made due (a
 * backstop for blockers that clear without a write, e.g. a term that
 * ended with time). */
enum err closure_sweep(struct db *db, struct arena *a, int seconds);

/* The codes of a waiting_for list, one per element of *codes (in a). */
size_t closure_codes(struct arena *a, const char *waiting_for, const char ***codes);

#endif
