#ifndef CUSTODIAN_DB_BULK_H
#define CUSTODIAN_DB_BULK_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/types.h"

/*
 * Set-at-a-time reads and writes for bulk runs: lookups of up to
 * BULK_CHUNK ids, e-mails or customer ids per statement (fixed-size IN
 * lists, unused places bound to NULL), the filter queries, and the
 * multi-row insert of a run's items.
 */

#define BULK_CHUNK 500

/* A customer as bulk clean-up lists it. */
struct bulk_customer {
	uint64_t id;
	const char *public_id;
	const char *email;
	const char *first_name;
	const char *last_name;
	enum customer_status status;
	const char *created_at;
	const char *group_key; /* duplicates only: what the group shares */
};
struct bulk_customers {
	struct bulk_customer *rows;
	size_t n;
};

/* Customers by public id (exact) or by e-mail (case-insensitive) in a
 * tenant, at most BULK_CHUNK keys a call. */
enum err db_bulk_by_public_ids(struct db *db, struct arena *a, unsigned tenant,
                               const char *const *ids, size_t n, struct bulk_customers *out);
enum err db_bulk_by_emails(struct db *db, struct arena *a, unsigned tenant,
                           const char *const *emails, size_t n, struct bulk_customers *out);

/* How many records of one check block each of up to BULK_CHUNK customers
 * (only those with any). */
struct blocker_count {
	uint64_t customer_id;
	int64_t n;
};
struct blocker_counts {
	struct blocker_count *rows;
	size_t n;
};
enum bulk_check {
	BULK_CHECK_SUBSCRIPTIONS,
	BULK_CHECK_ORDERS,
	BULK_CHECK_DEVICES,
	BULK_CHECK__MAX
};
enum err db_bulk_blocker_counts(struct db *db, struct arena *a, enum bulk_check check,
                                const uint64_t *ids, size_t n, struct blocker_counts *out);

/* The filter form: every criterion given is ANDed. Active customers only,
 * at most limit, oldest first. */
struct bulk_filter {
	const char *domain;         /* e-mail domain, exact */
	const char *created_before; /* YYYY-MM-DD */
	bool no_orders;
	const char *idle_since; /* no order and no payment since YYYY-MM-DD */
};
enum err db_bulk_filter(struct db *db, struct arena *a, unsigned tenant,
                        const struct bulk_filter *f, unsigned limit, struct bulk_customers *out);

/* Members of duplicate groups (same e-mail, or same first name, last name
 * and phone), all statuses, with group_key set, ordered by group, then
 * oldest first. */
enum err db_bulk_duplicates(struct db *db, struct arena *a, unsigned tenant, bool by_email,
                            unsigned limit, struct bulk_customers *out);

/* ---- runs and their items -------------------------------------------------- */

struct bulk_run_new {
	const char *public_id;
	unsigned tenant;
	const char *actor;
	int reason; /* enum reason; -1 for an undo */
	const char *note;
	const char *source;
	const char *nonce; /* the apply form's one-time value */
	size_t total;
	const char *request_id;
	enum run_kind kind;
	uint64_t undo_of; /* RUN_UNDO: the run undone */
};

/* Inserts the run; *id is its row id. ERR_DUPLICATE when the nonce was used. */
enum err db_bulk_run_insert(struct db *db, struct arena *a, const struct bulk_run_new *run,
                            uint64_t *id);

/* The public id of the run made from a form's nonce, or ERR_NOT_FOUND. */
enum err db_bulk_run_by_nonce(struct db *db, struct arena *a, unsigned tenant, const char *nonce,
                              const char **public_id);

/* Inserts items (run, seq from first_seq, customer id or 0, subject, and
 * for a merge run the target; targets NULL: none). */
enum err db_bulk_insert_items(struct db *db, struct arena *a, uint64_t run, unsigned first_seq,
                              const uint64_t *customer_ids, const char *const *subjects,
                              const char *const *targets, size_t n);

struct bulk_run {
	uint64_t id;
	const char *public_id;
	unsigned tenant;
	const char *actor;
	int reason; /* enum reason; -1 for an undo run */
	const char *note;
	const char *source;
	enum run_status status;
	int64_t total;
	const char *created_at;
	const char *started_at;
	const char *finished_at;
	const char *request_id;
	int64_t ok; /* recent runs only: items done with "ok" */
	enum run_kind kind;
	uint64_t undo_of;              /* RUN_UNDO: the run it undoes (row id) */
	const char *undo_of_public_id; /* and its public id */
	const char *undone_by;         /* the public id of this run's undo, or NULL */
};

/* The run of public_id in tenant, or ERR_NOT_FOUND. */
enum err db_bulk_run_get(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                         struct bulk_run *out);

/* The run of row id id (the job workers'), or ERR_NOT_FOUND. */
enum err db_bulk_run_by_id(struct db *db, struct arena *a, uint64_t id, struct bulk_run *out);

/* Locks the run of public_id in tenant FOR UPDATE; *id is its row id.
 * ERR_NOT_FOUND when the tenant has none. */
enum err db_bulk_run_lock(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                          uint64_t *id);

/* The customers a run deactivated (its items done "ok"), in order, each
 * with its deactivation as it is now. */
struct bulk_undo_candidate {
	int64_t seq;
	uint64_t customer_id;
	const char *public_id;
	const char *email;
	const char *first_name;
	const char *last_name;
	enum customer_status status;
	uint64_t deactivated_run_id; /* the run of its deactivation now, or 0 */
	const char *deactivated_at;  /* its deactivation now (NULL: active) */
	const char *deactivated_by;
	const char *merged_into; /* merged into this customer since (NULL: not) */
};
struct bulk_undo_candidates {
	struct bulk_undo_candidate *rows;
	size_t n;
};
enum err db_bulk_undo_candidates(struct db *db, struct arena *a, uint64_t run,
                                 struct bulk_undo_candidates *out);

/* The 20 newest runs of a tenant (with ok counted). */
struct bulk_runs {
	struct bulk_run *rows;
	size_t n;
};
enum err db_bulk_runs_recent(struct db *db, struct arena *a, unsigned tenant,
                             struct bulk_runs *out);

struct bulk_progress {
	int64_t total, done, ok, refused;
};
enum err db_bulk_run_progress(struct db *db, struct arena *a, uint64_t run,
                              struct bulk_progress *out);

struct bulk_item {
	int64_t seq;
	const char *subject;
	const char *customer_public_id; /* NULL: no customer matched */
	const char *email;
	const char *first_name;
	const char *last_name;
	const char *outcome; /* NULL while pending */
	const char *done_at;
	const char *target; /* merge runs: the customer merged into */
};
struct bulk_items {
	struct bulk_item *rows;
	size_t n;
};
/* Items after seq, in order, at most limit. */
enum err db_bulk_items_page(struct db *db, struct arena *a, uint64_t run, int64_t after_seq,
                            unsigned limit, struct bulk_items *out);

/* ---- the job workers' claims ------------------------------------------------ */

/* The oldest unfinished run (0: none). */
enum err db_bulk_next_run(struct db *db, struct arena *a, uint64_t *run);

/* Claims up to batch pending items of run nobody holds (or whose claim ran
 * out) for worker, for lease seconds; *claimed is how many. */
enum err db_bulk_claim(struct db *db, struct arena *a, uint64_t run, const char *worker, int lease,
                       int batch, unsigned long long *claimed);

/* Marks a queued run running. */
enum err db_bulk_run_started(struct db *db, struct arena *a, uint64_t run);

/* Gives back the pending items worker holds (SIGTERM, or the database
 * failed mid-batch). */
enum err db_bulk_release(struct db *db, struct arena *a, uint64_t run, const char *worker);

/* Marks run done when no item is pending; *finished says whether this call
 * did. */
enum err db_bulk_finish(struct db *db, struct arena *a, uint64_t run, bool *finished);

/* The items worker claimed and has not done, in order (customer id 0:
 * nothing matched). */
struct bulk_claimed {
	int64_t seq;
	uint64_t customer_id;
	const char *subject;
	const char *target; /* merge runs */
};
struct bulk_claimed_list {
	struct bulk_claimed *rows;
	size_t n;
};
enum err db_bulk_claimed_items(struct db *db, struct arena *a, uint64_t run, const char *worker,
                               struct bulk_claimed_list *out);

/* Records an item's outcome, once: ERR_DUPLICATE when it already has one
 * (another worker did it). */
enum err db_bulk_item_done(struct db *db, struct arena *a, uint64_t run, int64_t seq,
                           const char *outcome);

#endif
