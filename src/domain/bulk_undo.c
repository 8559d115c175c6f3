/* Undoing a bulk run (README, "Undo a run"): what an undo would do, and the
 * undo run, made in one transaction. The job workers do the rest
 * (bulk_run.c), each item through lifecycle_reactivate_hooked(), which
 * checks the customer's deactivation again under its row lock. */
#include <string.h>

#include "db/audit.h"
#include "domain/bulk.h"
#include "util/crypto.h"
#include "util/log.h"

/* Whether run may be undone: ERR_OK, or ERR_REFUSED with its code in f. */
static enum err undoable(const struct bulk_run *run, struct failure *f)
{
	if (run->kind == RUN_UNDO)
		return fail_with(f, ERR_REFUSED, "RUN_IS_UNDO",
		                 "This run is itself an undo and cannot be undone. To deactivate "
		                 "these customers again, start a new bulk run.");
	if (run->kind == RUN_MERGE)
		return fail_with(
		    f, ERR_REFUSED, "RUN_IS_MERGE",
		    "A merge cannot be undone: the records moved belong to the customer "
		    "kept now, and each merge is in the audit log.");
	if (run->kind == RUN_ERASE)
		return fail_with(
		    f, ERR_REFUSED, "RUN_IS_ERASE",
		    "An erasure cannot be undone: the personal data is gone for good.");
	if (run->status != RUN_DONE)
		return fail_with(
		    f, ERR_REFUSED, "RUN_NOT_FINISHED",
		    "This run has not finished yet. Wait until every customer has been "
		    "processed, then undo it.");
	return ERR_OK;
}

/* Each customer the run deactivated, by its deactivation now: undone when
 * it is still the run's, else left alone with why. */
static void classify(struct arena *a, const struct bulk_run *run,
                     const struct bulk_undo_candidates *c, struct bulk_undo_plan *p)
{
	p->rows = arena_calloc(a, c->n + 1, sizeof(*p->rows));
	p->n = c->n;
	p->to_reactivate = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct bulk_undo_candidate *x = &c->rows[i];
		struct bulk_undo_row *r = &p->rows[i];
		*r = (struct bulk_undo_row){.seq = x->seq,
		                            .customer_id = x->customer_id,
		                            .public_id = x->public_id,
		                            .email = x->email,
		                            .first_name = x->first_name,
		                            .last_name = x->last_name};
		if (x->status == CUSTOMER_ACTIVE) {
			r->outcome = "ALREADY_ACTIVE";
		} else if (x->merged_into != NULL) {
			/* its records are on the customer it was merged into */
			r->outcome = "MERGED";
			r->since_by = x->merged_into;
		} else if (x->deactivated_run_id != run->id) {
			r->outcome = "DEACTIVATED_SINCE";
			r->since_by = x->deactivated_by;
			r->since_at = x->deactivated_at;
		} else {
			r->undo = true;
			p->to_reactivate++;
		}
	}
}

enum err bulk_undo_plan(struct db *db, struct arena *a, unsigned tenant, const char *run_public_id,
                        struct bulk_undo_plan *plan, struct failure *f)
{
	memset(plan, 0, sizeof(*plan));
	enum err rc = db_bulk_run_get(db, a, tenant, run_public_id, &plan->run);
	if (rc == ERR_NOT_FOUND)
		return fail_with(f, rc, "NOT_FOUND", "There is no bulk run with this id.");
	if (rc != ERR_OK)
		return fail_with(f, rc, NULL, NULL);
	if ((rc = undoable(&plan->run, f)) != ERR_OK)
		return rc;
	if (plan->run.undone_by != NULL)
		return ERR_OK;
	struct bulk_undo_candidates c;
	if ((rc = db_bulk_undo_candidates(db, a, plan->run.id, &c)) != ERR_OK)
		return fail_with(f, rc, NULL, NULL);
	classify(a, &plan->run, &c, plan);
	return ERR_OK;
}

/* The audit row of an undo attempt: subject the run undone, bulk_run_id
 * the undo run made (0: none). */
static enum err audit_undo(struct db *db, struct arena *a, const struct actor *who,
                           const char *subject, const char *outcome, uint64_t undo_run)
{
	struct audit_entry e = {who->name,   who->tenant,     0,        subject,
	                        "bulk_undo", who->channel,    -1,       NULL,
	                        outcome,     who->request_id, undo_run, .changes = NULL};
	return db_audit_insert(db, a, &e);
}

struct undo_ctx {
	const struct actor *who;
	const char *run_public_id;
	struct failure *f;
	enum err result;       /* ERR_OK, or a refusal committed with its audit row */
	const char *public_id; /* the undo run's */
	bool existing;
};

/* A refusal under the lock: its audit row is the transaction's one write. */
static enum err refuse(struct db *db, struct arena *a, struct undo_ctx *c, enum err kind,
                       const char *code, const char *message)
{
	if (code != NULL)
		fail_with(c->f, kind, code, message);
	c->result = kind;
	return audit_undo(db, a, c->who, c->run_public_id, c->f->code, 0);
}

/*
 * The rule, in the order it reads: lock the run to undo, check it, find
 * what it deactivated that is still its deactivation, write the undo run
 * and its items, audit.
 */
static enum err undo_tx(struct db *db, struct arena *a, void *vctx)
{
	struct undo_ctx *c = vctx;
	c->result = ERR_OK;
	c->existing = false;
	const struct actor *who = c->who;
	uint64_t locked;
	enum err rc = db_bulk_run_lock(db, a, who->tenant, c->run_public_id, &locked);
	if (rc == ERR_NOT_FOUND)
		return refuse(db, a, c, ERR_NOT_FOUND, "NOT_FOUND",
		              "There is no bulk run with this id.");
	if (rc != ERR_OK)
		return rc;
	/* read after the lock: an undo committed meanwhile is seen */
	struct bulk_run run;
	if ((rc = db_bulk_run_get(db, a, who->tenant, c->run_public_id, &run)) != ERR_OK)
		return rc;
	if (undoable(&run, c->f) != ERR_OK)
		return refuse(db, a, c, ERR_REFUSED, NULL, NULL);
	if (run.undone_by != NULL) {
		c->public_id = run.undone_by;
		c->existing = true;
		return audit_undo(db, a, who, c->run_public_id, "ALREADY_UNDONE", 0);
	}
	struct bulk_undo_candidates cand;
	if ((rc = db_bulk_undo_candidates(db, a, run.id, &cand)) != ERR_OK)
		return rc;
	struct bulk_undo_plan p;
	classify(a, &run, &cand, &p);
	if (p.to_reactivate == 0)
		return refuse(
		    db, a, c, ERR_REFUSED, "NOTHING_TO_UNDO",
		    "None of the customers this run deactivated is still inactive with its "
		    "deactivation: there is nothing to undo.");

	unsigned char raw[16];
	char hex[33];
	if (random_bytes(raw, sizeof(raw)) != 0)
		return ERR_INTERNAL;
	hex_encode(raw, sizeof(raw), hex); /* the run's nonce: undos are one per run anyway */
	char id_hex[11];
	hex_encode(raw, 5, id_hex);
	const char *pid = arena_printf(a, "run_%s", id_hex);
	struct bulk_run_new nr = {
	    .public_id = pid,
	    .tenant = who->tenant,
	    .actor = who->name,
	    .reason = -1,
	    .note = arena_printf(a, "Undo of bulk run %s", run.public_id),
	    .source = arena_printf(a, "undo of %s: %zu of %zu deactivations still in place",
	                           run.public_id, p.to_reactivate, p.n),
	    .nonce = hex,
	    .total = p.to_reactivate,
	    .request_id = who->request_id,
	    .kind = RUN_UNDO,
	    .undo_of = run.id,
	};
	uint64_t undo_id;
	if ((rc = db_bulk_run_insert(db, a, &nr, &undo_id)) != ERR_OK)
		return rc;
	uint64_t *cids = arena_calloc(a, p.to_reactivate + 1, sizeof(*cids));
	const char **subjects = arena_calloc(a, p.to_reactivate + 1, sizeof(*subjects));
	size_t k = 0;
	for (size_t i = 0; i < p.n; i++)
		if (p.rows[i].undo) {
			cids[k] = p.rows[i].customer_id;
			subjects[k++] = p.rows[i].public_id;
		}
	if ((rc = db_bulk_insert_items(db, a, undo_id, 1, cids, subjects, NULL, k)) != ERR_OK)
		return rc;
	c->public_id = pid;
	return audit_undo(db, a, who, c->run_public_id, "ok", undo_id);
}

enum err bulk_undo_create(struct db *db, struct arena *a, const struct actor *who,
                          const char *run_public_id, const char **undo_public_id, bool *existing,
                          struct failure *f)
{
	*existing = false;
	struct undo_ctx c = {who, run_public_id, f, ERR_OK, NULL, false};
	enum err rc = db_transaction(db, a, undo_tx, &c);
	if (rc == ERR_DUPLICATE) {
		/* only a run id drawn twice gets here (the lock orders undos) */
		log_error("undo of %s: duplicate key (%s)", run_public_id, db_error(db));
		rc = ERR_INTERNAL;
	}
	if (rc != ERR_OK) {
		if (rc == ERR_INTERNAL)
			log_error("undo of %s failed: %s", run_public_id, db_error(db));
		/* still one audit row for the attempt, on its own */
		bulk_undo_audit_refusal(db, a, who, run_public_id,
		                        rc == ERR_RETRY         ? "LOCK_TIMEOUT"
		                        : rc == ERR_UNAVAILABLE ? "UNAVAILABLE"
		                                                : "ERROR");
		return fail_with(f, rc, NULL, NULL);
	}
	if (c.result != ERR_OK)
		return c.result;
	*undo_public_id = c.public_id;
	*existing = c.existing;
	return ERR_OK;
}

void bulk_undo_audit_refusal(struct db *db, struct arena *a, const struct actor *who,
                             const char *run_public_id, const char *outcome)
{
	if (audit_undo(db, a, who, run_public_id ? run_public_id : "", outcome, 0) != ERR_OK)
		log_error("could not audit bulk_undo of %s (%s)",
		          run_public_id ? run_public_id : "-", outcome);
}
