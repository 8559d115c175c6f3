#ifndef CUSTODIAN_DOMAIN_BULK_H
#define CUSTODIAN_DOMAIN_BULK_H

#include <stdbool.h>
#include <stddef.h>

#include "db/bulk.h"
#include "domain/bulk_parse.h"
#include "domain/lifecycle.h"

/*
 * Bulk clean-up. A preview (bulk_preview.c) classifies candidates (pasted
 * ids and e-mails, a filter, or possible duplicates) without changing
 * anything; applying (bulk_run.c) creates a run whose items the job
 * workers deactivate one by one through the same lifecycle transaction as
 * a single customer.
 */

enum bulk_state {
	BULK_ELIGIBLE,
	BULK_BLOCKED,
	BULK_NOT_FOUND,
	BULK_INACTIVE,
};

struct bulk_row {
	unsigned line;     /* input line (paste, file), 0 otherwise */
	const char *input; /* the line as typed, or NULL */
	uint64_t id;       /* 0 when nothing matched */
	const char *public_id;
	const char *email;
	const char *name;
	const char *created;
	unsigned counts[PREREQ__MAX];
	enum bulk_state state;
	const char *note;       /* e.g. "not an id or e-mail", "duplicate of cus_x (kept)" */
	const char *merge_into; /* possible duplicates: the record kept, to merge into */
};

struct bulk_preview {
	struct bulk_row *rows;
	size_t n;
	size_t eligible;
	size_t blocked;                 /* rows blocked by anything */
	size_t blocked_by[PREREQ__MAX]; /* rows blocked by each check */
	size_t not_found;
	size_t inactive;
	size_t merged; /* repeated lines and second matches of one customer */
	const char *source;
};

/* Each returns ERR_OK, or fills f (a clear code and message, or only the
 * kind for a database failure) and returns its kind. */

/* Paste mode: one public id or e-mail per line (bulk_parse.h). */
enum err bulk_preview_paste(struct db *db, struct arena *a, unsigned tenant, const char *text,
                            size_t len, int max, struct bulk_preview *out, struct failure *f);

/* File mode: the values of a file's column (from 1; bulk_parse.h), classified
 * as pasted lines are; file_name (may be NULL) goes into the source. */
enum err bulk_preview_file(struct db *db, struct arena *a, unsigned tenant,
                           const struct bulk_file *file, int column, const char *file_name, int max,
                           struct bulk_preview *out, struct failure *f);

/* Filter mode (criteria ANDed). */
enum err bulk_preview_filter(struct db *db, struct arena *a, unsigned tenant,
                             const struct bulk_filter *filter, int max, struct bulk_preview *out,
                             struct failure *f);

/* Search mode: the active customers the search box finds for term
 * (domain/search.h); refused when more than the search's cap or max
 * match, as the list would only show the first of them. */
enum err bulk_preview_search(struct db *db, struct arena *a, unsigned tenant, const char *term,
                             int max, struct bulk_preview *out, struct failure *f);

/* Possible duplicates: same e-mail (case-insensitive), or same first name,
 * last name and phone; the oldest record of each group is kept. */
enum err bulk_preview_duplicates(struct db *db, struct arena *a, unsigned tenant, int max,
                                 struct bulk_preview *out, struct failure *f);

/*
 * Creates a run for the selected public ids (deduplicated) in one
 * transaction: the run and all its items, or nothing. nonce is the apply
 * form's one-time value: a second submission of the same form finds the
 * first run (*existing = true) instead of creating another.
 */
/* The retention policy's run (domain/erasure.c): each id's personal data
 * erased by erasure_erase_hooked(); reason compliance; nonce the day's. */
enum err bulk_create_erase_run(struct db *db, struct arena *a, const struct actor *who,
                               const char *note, const char *source, const char *nonce,
                               const char *const *ids, size_t n, const char **run_public_id,
                               bool *existing, struct failure *f);

enum err bulk_create_run(struct db *db, struct arena *a, const struct actor *who,
                         enum reason reason, const char *note, const char *source,
                         const char *nonce, const char *const *selected, size_t n,
                         const char **run_public_id, bool *existing, struct failure *f);

/*
 * Creates a merge run (README, "Merging duplicates"): each pair
 * "cus_dup>cus_keep" is an item, worked by the job workers through
 * merge_run_hooked() (domain/merge.h), which checks every rule again under
 * both customers' locks and records the item's outcome in the merge's
 * transaction. Pairs repeated are one item; a duplicate paired with two
 * different customers is refused (ERR_INVALID). nonce as above.
 */
enum err bulk_create_merge_run(struct db *db, struct arena *a, const struct actor *who,
                               const char *note, const char *source, const char *nonce,
                               const char *const *pairs, size_t n, const char **run_public_id,
                               bool *existing, struct failure *f);

/* ---- undo (bulk_undo.c; README, "Undo a run") ------------------------------ */

/*
 * Undoing a finished deactivation run reactivates the customers it
 * deactivated (its items done "ok") whose deactivation is still the one it
 * made (customers.deactivated_run_id); the others are left alone. The undo
 * is a run of its own (kind undo, linked both ways), worked by the job
 * workers through lifecycle_reactivate_hooked(), which checks that again
 * under each customer's row lock.
 */
struct bulk_undo_row {
	int64_t seq; /* in the run undone */
	uint64_t customer_id;
	const char *public_id;
	const char *email;
	const char *first_name;
	const char *last_name;
	bool undo;            /* reactivated by the undo */
	const char *outcome;  /* when not: "ALREADY_ACTIVE", "DEACTIVATED_SINCE" or "MERGED" */
	const char *since_by; /* DEACTIVATED_SINCE: the deactivation in place now */
	const char *since_at;
};
struct bulk_undo_plan {
	struct bulk_run run;        /* the run to undo */
	struct bulk_undo_row *rows; /* every customer it deactivated, in its order */
	size_t n;
	size_t to_reactivate; /* rows with undo set */
};

/*
 * What an undo of run_public_id would do now, changing nothing. Returns
 * ERR_OK (plan->run.undone_by says whether it was undone already),
 * ERR_NOT_FOUND (no such run in the tenant), or ERR_REFUSED with f's code
 * RUN_NOT_FINISHED or RUN_IS_UNDO; or a database error's kind.
 */
enum err bulk_undo_plan(struct db *db, struct arena *a, unsigned tenant, const char *run_public_id,
                        struct bulk_undo_plan *plan, struct failure *f);

/*
 * Creates the undo run of run_public_id in one transaction that locks the
 * run undone, re-checks it and writes the undo run, its items (the plan's
 * customers to reactivate, as seen under that lock) and one audit row
 * (action "bulk_undo", subject the run undone, bulk_run_id the undo).
 * A run undone already gives its undo (*existing = true), not a second.
 * Refusals are ERR_REFUSED with f's code (RUN_NOT_FINISHED, RUN_IS_UNDO,
 * NOTHING_TO_UNDO) and audited too; ERR_NOT_FOUND is not (no such run).
 * who->channel should be CHANNEL_BULK.
 */
enum err bulk_undo_create(struct db *db, struct arena *a, const struct actor *who,
                          const char *run_public_id, const char **undo_public_id, bool *existing,
                          struct failure *f);

/* A refused undo before the rules (CSRF, role): its audit row. Best effort. */
void bulk_undo_audit_refusal(struct db *db, struct arena *a, const struct actor *who,
                             const char *run_public_id, const char *outcome);

/* Outcome of one job step. */
enum bulk_step { BULK_STEP_IDLE, BULK_STEP_WORKED, BULK_STEP_FAILED };

/*
 * One step of a job worker: claims a batch of pending items of the oldest
 * unfinished run (items nobody holds, or whose holder's claim ran out
 * because it died) and deactivates them one by one (an undo run:
 * reactivates them, each only while its deactivation is still the undone
 * run's), each item's outcome
 * recorded inside the item's own lifecycle transaction. Several workers
 * (on several hosts) share a run. Stops early when *stop becomes true,
 * giving the rest of its batch back. worker names this process (host:pid).
 */
enum bulk_step bulk_work(struct db *db, struct arena *a, const char *worker, volatile int *stop);

#endif
