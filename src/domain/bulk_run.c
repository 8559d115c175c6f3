/* Bulk runs: created in one transaction, worked through by the job
 * workers, each item in its own lifecycle transaction. */
#include <stdlib.h>
#include <string.h>

#include "domain/bulk.h"
#include "domain/erasure.h"
#include "domain/merge.h"
#include "util/crypto.h"
#include "util/log.h"

struct create_ctx {
	const struct actor *who;
	enum reason reason;
	const char *note, *source, *nonce;
	const char *const *ids;
	const char *const *targets; /* merge runs: ids[i] merges into targets[i] */
	size_t n;
	const char *public_id;
	enum run_kind kind;
};

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static enum err create_tx(struct db *db, struct arena *a, void *vctx)
{
	struct create_ctx *c = vctx;
	unsigned char raw[5];
	char hex[11];
	if (random_bytes(raw, sizeof(raw)) != 0)
		return ERR_INTERNAL;
	hex_encode(raw, sizeof(raw), hex);
	c->public_id = arena_printf(a, "run_%s", hex);
	struct bulk_run_new run = {
	    c->public_id, c->who->tenant, c->who->name,       c->reason, c->note, c->source,
	    c->nonce,     c->n,           c->who->request_id, c->kind,   0};
	uint64_t id;
	enum err rc = db_bulk_run_insert(db, a, &run, &id);
	if (rc != ERR_OK)
		return rc;
	/* Each item names its customer, or none for an id that matches
	 * nothing (a tampered form): recorded as NOT_FOUND when worked. */
	uint64_t *cids = arena_calloc(a, c->n + 1, sizeof(*cids));
	for (size_t off = 0; off < c->n; off += BULK_CHUNK) {
		size_t k = c->n - off < BULK_CHUNK ? c->n - off : BULK_CHUNK;
		struct bulk_customers r;
		rc = db_bulk_by_public_ids(db, a, c->who->tenant, c->ids + off, k, &r);
		if (rc != ERR_OK)
			return rc;
		for (size_t i = 0; i < k; i++)
			for (size_t j = 0; j < r.n; j++)
				if (strcmp(r.rows[j].public_id, c->ids[off + i]) == 0)
					cids[off + i] = r.rows[j].id;
	}
	return db_bulk_insert_items(db, a, id, 1, cids, c->ids, c->targets, c->n);
}

/* Runs create_tx once per form (nonce): a second submission, or one that
 * lost the race to the first, finds the first run. */
static enum err create_once(struct db *db, struct arena *a, struct create_ctx *c,
                            const char **run_public_id, bool *existing, struct failure *f)
{
	enum err rc = db_transaction(db, a, create_tx, c);
	/* a concurrent submission of the same form won the race */
	if (rc == ERR_DUPLICATE &&
	    db_bulk_run_by_nonce(db, a, c->who->tenant, c->nonce, run_public_id) == ERR_OK) {
		*existing = true;
		return ERR_OK;
	}
	if (rc != ERR_OK)
		return fail_with(f, rc == ERR_DUPLICATE ? ERR_INTERNAL : rc, NULL, NULL);
	*run_public_id = c->public_id;
	return ERR_OK;
}

/* The run a form made already (*existing, ERR_OK), ERR_NOT_FOUND, or a
 * failure's kind (f filled). */
static enum err made_already(struct db *db, struct arena *a, const struct actor *who,
                             const char *nonce, const char **run_public_id, bool *existing,
                             struct failure *f)
{
	*existing = false;
	enum err rc = db_bulk_run_by_nonce(db, a, who->tenant, nonce, run_public_id);
	if (rc == ERR_OK)
		*existing = true;
	return rc == ERR_OK || rc == ERR_NOT_FOUND ? rc : fail_with(f, rc, NULL, NULL);
}

enum err bulk_create_run(struct db *db, struct arena *a, const struct actor *who,
                         enum reason reason, const char *note, const char *source,
                         const char *nonce, const char *const *selected, size_t n,
                         const char **run_public_id, bool *existing, struct failure *f)
{
	enum err rc = made_already(db, a, who, nonce, run_public_id, existing, f);
	if (rc != ERR_NOT_FOUND)
		return rc;
	const char **ids = arena_alloc(a, sizeof(char *) * (n + 1));
	memcpy(ids, selected, sizeof(char *) * n);
	qsort(ids, n, sizeof(char *), cmp_str);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || strcmp(ids[k - 1], ids[i]) != 0)
			ids[k++] = ids[i];
	struct create_ctx c = {who, reason, note, source, nonce,
	                       ids, NULL,   k,    NULL,   RUN_DEACTIVATE};
	return create_once(db, a, &c, run_public_id, existing, f);
}

/* A pair "cus_dup>cus_keep", ordered by the duplicate. */
static int cmp_pair(const void *x, const void *y)
{
	const char *p = *(const char *const *)x, *q = *(const char *const *)y;
	size_t np = strcspn(p, ">"), nq = strcspn(q, ">");
	int c = strncmp(p, q, np < nq ? np : nq);
	return c ? c : (np > nq) - (np < nq);
}

enum err bulk_create_merge_run(struct db *db, struct arena *a, const struct actor *who,
                               const char *note, const char *source, const char *nonce,
                               const char *const *pairs, size_t n, const char **run_public_id,
                               bool *existing, struct failure *f)
{
	enum err rc = made_already(db, a, who, nonce, run_public_id, existing, f);
	if (rc != ERR_NOT_FOUND)
		return rc;
	const char **sorted = arena_alloc(a, sizeof(char *) * (n + 1));
	memcpy(sorted, pairs, sizeof(char *) * n);
	qsort(sorted, n, sizeof(char *), cmp_pair);
	const char **dups = arena_alloc(a, sizeof(char *) * (n + 1));
	const char **keeps = arena_alloc(a, sizeof(char *) * (n + 1));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *gt = strchr(sorted[i], '>');
		if (gt == NULL)
			return fail_with(
			    f, ERR_INVALID, "INVALID_PARAMETER",
			    "pair: each merge names a duplicate and the customer kept.");
		const char *dup = arena_strndup(a, sorted[i], (size_t)(gt - sorted[i]));
		/* one merge per duplicate: a tampered form's second target for
		 * the same duplicate is refused, not guessed at */
		if (k > 0 && strcmp(dups[k - 1], dup) == 0) {
			if (strcmp(keeps[k - 1], gt + 1) == 0)
				continue;
			return fail_with(
			    f, ERR_INVALID, "INVALID_PARAMETER",
			    arena_printf(a,
			                 "pair: %s is to be merged into two customers; "
			                 "preview again and choose one.",
			                 dup));
		}
		dups[k] = dup;
		keeps[k++] = gt + 1;
	}
	struct create_ctx c = {
	    who, REASON_DATA_CLEANUP, note, source, nonce, dups, keeps, k, NULL, RUN_MERGE};
	return create_once(db, a, &c, run_public_id, existing, f);
}

enum err bulk_create_erase_run(struct db *db, struct arena *a, const struct actor *who,
                               const char *note, const char *source, const char *nonce,
                               const char *const *ids, size_t n, const char **run_public_id,
                               bool *existing, struct failure *f)
{
	enum err rc = made_already(db, a, who, nonce, run_public_id, existing, f);
	if (rc != ERR_NOT_FOUND)
		return rc;
	struct create_ctx c = {who,  REASON_COMPLIANCE, note, source, nonce, ids, NULL, n,
	                       NULL, RUN_ERASE};
	return create_once(db, a, &c, run_public_id, existing, f);
}

/* ---- the job ------------------------------------------------------------- */

#define CLAIM_SECONDS 30
#define CLAIM_BATCH   50

struct item_ctx {
	uint64_t run;
	int64_t seq;
};

/* Inside the item's lifecycle transaction: record its outcome, once. */
static enum err record_item(struct db *db, struct arena *a, const struct lifecycle_outcome *out,
                            void *vctx)
{
	struct item_ctx *c = vctx;
	return db_bulk_item_done(db, a, c->run, c->seq, out->outcome);
}

/* Logs a failed bookkeeping statement; the step is then FAILED and the
 * claims run out by themselves. */
static bool ok(enum err rc, const char *what, uint64_t run)
{
	if (rc != ERR_OK)
		log_error("bulk run %llu: %s failed (%d)", (unsigned long long)run, what, (int)rc);
	return rc == ERR_OK;
}

/* One item through the domain path of its run's kind, its outcome
 * recorded by hook in the same transaction. */
static enum err work_item(struct db *db, struct arena *a, const struct actor *who,
                          const struct bulk_run *job, const struct bulk_claimed *item,
                          const struct lifecycle_hook *hook, struct lifecycle_outcome *out)
{
	switch (job->kind) {
	case RUN_UNDO:
		return lifecycle_reactivate_hooked(db, a, who, item->subject, job->note,
		                                   job->undo_of, hook, out);
	case RUN_MERGE: {
		/* the kept record's values stay: a merge from a bulk run moves
		 * the records; field choices are the single merge page's */
		struct merge_request q = {.duplicate = item->subject,
		                          .keep = item->target ? item->target : ""};
		struct merge_plan plan;
		return merge_run_hooked(db, a, who, &q, hook, &plan);
	}
	case RUN_ERASE: {
		/* the retention policy's run: never an Art. 17 request, so the
		 * tenant's minimum retention holds for each */
		struct erasure_outcome eo;
		enum err rc =
		    erasure_erase_hooked(db, a, who, item->subject, false, job->note, hook, &eo);
		out->changed = eo.changed;
		out->outcome = eo.outcome;
		return rc;
	}
	case RUN_DEACTIVATE:
	case RUN_KIND__MAX: break;
	}
	return lifecycle_deactivate_hooked(db, a, who, item->subject, (enum reason)job->reason,
	                                   job->note, hook, out);
}

enum bulk_step bulk_work(struct db *db, struct arena *a, const char *worker, volatile int *stop)
{
	uint64_t run;
	if (db_bulk_next_run(db, a, &run) != ERR_OK)
		return BULK_STEP_FAILED;
	if (run == 0)
		return BULK_STEP_IDLE;
	unsigned long long claimed;
	if (!ok(db_bulk_claim(db, a, run, worker, CLAIM_SECONDS, CLAIM_BATCH, &claimed), "claim",
	        run))
		return BULK_STEP_FAILED;
	bool finished;
	if (claimed == 0) {
		/* Nothing left to claim: done if nothing is pending either (the
		 * statement checks), otherwise other workers hold the rest. */
		if (!ok(db_bulk_finish(db, a, run, &finished), "finish", run))
			return BULK_STEP_FAILED;
		return finished ? BULK_STEP_WORKED : BULK_STEP_IDLE;
	}
	struct bulk_run job;
	struct bulk_claimed_list items;
	if (!ok(db_bulk_run_started(db, a, run), "start", run) ||
	    !ok(db_bulk_run_by_id(db, a, run, &job), "read", run) ||
	    !ok(db_bulk_claimed_items(db, a, run, worker, &items), "read items", run))
		return BULK_STEP_FAILED;
	struct actor who = {
	    .name = job.actor,
	    .tenant = job.tenant,
	    .channel = CHANNEL_BULK,
	    .request_id = job.request_id,
	    .bulk_run_id = run,
	};
	struct arena *item_arena = arena_new();
	if (item_arena == NULL)
		return BULK_STEP_FAILED;
	bool failed = false;
	for (size_t i = 0; i < items.n && !*stop && !failed; i++) {
		struct item_ctx ctx = {run, items.rows[i].seq};
		struct lifecycle_hook hook = {record_item, &ctx};
		struct lifecycle_outcome out;
		enum err res = work_item(db, item_arena, &who, &job, &items.rows[i], &hook, &out);
		arena_reset(item_arena);
		/* Not transient (logged): record it so it cannot hold the run. */
		if (res == ERR_INTERNAL) {
			enum err rc = db_bulk_item_done(db, item_arena, run, ctx.seq, "ERROR");
			failed = rc != ERR_DUPLICATE && !ok(rc, "record", run);
		}
		arena_reset(item_arena);
		/* Database away or locks not granted: the item stays pending, its
		 * claim runs out and it is tried again. */
		if (res == ERR_UNAVAILABLE || res == ERR_RETRY)
			failed = true;
	}
	arena_free(item_arena);
	if (*stop || failed)
		ok(db_bulk_release(db, a, run, worker), "release", run);
	else if (items.n < CLAIM_BATCH)
		ok(db_bulk_finish(db, a, run, &finished), "finish", run);
	return failed ? BULK_STEP_FAILED : BULK_STEP_WORKED;
}
