#ifndef CUSTODIAN_DB_CLOSURES_H
#define CUSTODIAN_DB_CLOSURES_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/records.h"
#include "db/types.h"

/*
 * closure_requests ("close when clear"): a deactivation filed for a
 * blocked customer and carried out by the job workers once nothing blocks
 * it (domain/closures.c). due_at says "look now": set when the request is
 * filed, by the triggers when one of the customer's blockers clears
 * (sql/triggers.sql, closure_due()) and by the periodic sweep; a worker
 * that claims a request moves it a lease into the future, so a request
 * whose worker died is due again when the lease runs out.
 */

struct closure_row {
	uint64_t id;
	const char *public_id; /* clo_... */
	unsigned tenant;
	uint64_t customer_id;
	const char *customer_public_id;
	enum closure_state state;
	enum reason reason;
	const char *note; /* NULL when none */
	bool cancel_now;
	enum channel channel;
	const char *requested_by;
	const char *requested_at; /* "YYYY-MM-DD HH:MM:SS.mmm" UTC */
	const char *request_id;
	const char *due_at; /* NULL: not due */
	const char *checked_at;
	const char *waiting_for; /* the blocker codes last seen, comma-separated, or NULL */
	const char *done_at;
	const char *withdrawn_at;
	const char *withdrawn_by;
	/* the list only: the customer's names, and what happened since,
	 * computed when read */
	const char *email, *first_name, *last_name;
	enum customer_status customer_status;
	int64_t orders_since;       /* orders placed since the request */
	const char *reactivated_at; /* a reactivation after completion, or NULL */
};

/* A new request, as filed (the customer's row is locked). */
struct closure_new {
	const char *public_id;
	unsigned tenant;
	uint64_t customer_id;
	enum reason reason;
	const char *note;
	bool cancel_now;
	enum channel channel;
	const char *requested_by;
	const char *request_id;
	const char *waiting_for; /* the codes seen when filed, or NULL */
};

/* The customer's pending request, read FOR UPDATE after the customer row
 * is locked: ERR_OK with *out, or ERR_NOT_FOUND when it has none. */
enum err db_closure_pending_of(struct db *db, struct arena *a, uint64_t customer_id,
                               struct closure_row *out);

/* Inserts e (requested_at = due_at = now); sets *id. ERR_DUPLICATE when
 * the customer has a pending request already (ux_closures_pending). */
enum err db_closure_insert(struct db *db, struct arena *a, const struct closure_new *e,
                           uint64_t *id);

/* The request of public_id in tenant, plain or FOR UPDATE; ERR_NOT_FOUND. */
enum err db_closure_get(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                        bool lock, struct closure_row *out);

/* pending -> withdrawn (by, now); *changed false when it was not pending. */
enum err db_closure_withdraw(struct db *db, struct arena *a, uint64_t id, const char *by,
                             bool *changed);

/*
 * The job workers' claim: the pending request due longest (state
 * 'pending', due_at <= now, ix_closures_due), its due_at moved lease
 * seconds ahead if nobody moved it meanwhile. *id = 0 when none is due
 * or another worker took it first; else *lease is the due_at it now has
 * (compare it before clearing).
 */
enum err db_closure_claim(struct db *db, struct arena *a, int lease_seconds, uint64_t *id,
                          const char **lease);

/* The request by its id (any tenant: the job workers). */
enum err db_closure_by_id(struct db *db, struct arena *a, uint64_t id, struct closure_row *out);

/* pending -> done, now; *changed false when it was not pending any more. */
enum err db_closure_done(struct db *db, struct arena *a, uint64_t id, bool *changed);

/* A check that found it still blocked: waiting_for and checked_at, and
 * due_at cleared only if it still is lease (not marked due again since). */
enum err db_closure_checked(struct db *db, struct arena *a, uint64_t id, const char *waiting_for,
                            const char *lease);

/* The sweep: every pending request not due and not checked for
 * older_than_seconds is made due. *n = how many. */
enum err db_closure_sweep(struct db *db, struct arena *a, int older_than_seconds,
                          unsigned long long *n);

/* The /closures page: newest first, state filter (-1: all), keyset on id
 * (before: ids below it; 0 for the newest), at most limit rows. */
struct closure_list {
	struct closure_row *rows;
	size_t n;
};
enum err db_closure_list(struct db *db, struct arena *a, unsigned tenant, int state,
                         uint64_t before, unsigned limit, struct closure_list *out);

#endif
