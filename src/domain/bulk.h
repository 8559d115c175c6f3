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
enum err bulk_create_run(struct db *db, struct arena *a, const struct actor *who,
                         enum reason reason, const char *note, const char *source,
                         const char *nonce, const char *const *selected, size_t n,
                         const char **run_public_id, bool *existing, struct failure *f);

/* Outcome of one job step. */
enum bulk_step { BULK_STEP_IDLE, BULK_STEP_WORKED, BULK_STEP_FAILED };

/*
 * One step of a job worker: claims a batch of pending items of the oldest
 * unfinished run (items nobody holds, or whose holder's claim ran out
 * because it died) and deactivates them one by one, each item's outcome
 * recorded inside the item's own lifecycle transaction. Several workers
 * (on several hosts) share a run. Stops early when *stop becomes true,
 * giving the rest of its batch back. worker names this process (host:pid).
 */
enum bulk_step bulk_work(struct db *db, struct arena *a, const char *worker, volatile int *stop);

#endif
