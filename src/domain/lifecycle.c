#include "domain/lifecycle.h"

#include <stdlib.h>
#include <string.h>

#include "db/sql.h"
#include "util/log.h"

const char *const lifecycle_reason_code[LIFECYCLE_REASONS] = {"data_cleanup", "account_closure",
                                                              "compliance", "fraud_prevention"};
const char *const lifecycle_reason_label[LIFECYCLE_REASONS] = {"Data cleanup", "Account closure",
                                                               "Compliance", "Fraud prevention"};
const char *const lifecycle_reason_hint[LIFECYCLE_REASONS] = {
    "Remove test customers or duplicate records", "The customer asked for the account to be closed",
    "Remove inactive customers per data retention policies",
    "Disable an account flagged for suspicious activity"};

enum change { CHANGE_DEACTIVATE, CHANGE_REACTIVATE };

struct tx {
	enum change change;
	const struct actor *who;
	const char *public_id;
	const char *reason;
	const char *note;
	const struct lifecycle_hook *hook;
	struct lifecycle_outcome *out;
};

static enum err audit(struct db *db, struct arena *a, const struct actor *who,
                      unsigned long long customer_id, const char *subject, const char *action,
                      const char *reason, const char *note, const char *outcome)
{
	long long cid = (long long)customer_id;
	long long run = (long long)who->bulk_run_id;
	return db_exec(db, a, STMT_AUDIT_INSERT, NULL, "siIsssssssI", who->name,
	               (long long)who->tenant, customer_id ? &cid : NULL, subject, action,
	               who->channel, reason, note, outcome, who->request_id,
	               who->bulk_run_id ? &run : NULL);
}

/* The audit row of the attempt, then the caller's hook, in the same
 * transaction. */
static enum err finish(struct db *db, struct arena *a, struct tx *t, const char *action,
                       const char *reason)
{
	enum err rc = audit(db, a, t->who, t->out->customer_id, t->public_id, action, reason,
	                    t->note, t->out->outcome);
	if (rc == ERR_OK && t->hook != NULL)
		rc = t->hook->fn(db, a, t->out, t->hook->ctx);
	return rc;
}

/*
 * The rule, in the order it reads: lock the customer row, check its state,
 * check every prerequisite with locking reads, write, audit. Refusals are
 * audited and committed too (the transaction changed nothing else).
 */
static enum err change_tx(struct db *db, struct arena *a, void *vctx)
{
	struct tx *t = vctx;
	struct lifecycle_outcome *out = t->out;
	const char *action = t->change == CHANGE_DEACTIVATE ? "deactivate" : "reactivate";
	memset(out, 0, sizeof(*out));

	struct db_res c;
	enum err rc =
	    db_exec(db, a, STMT_CUSTOMER_LOCK, &c, "si", t->public_id, (long long)t->who->tenant);
	if (rc != ERR_OK)
		return rc;
	if (c.nrows == 0) {
		out->result = LC_NOT_FOUND;
		out->outcome = "NOT_FOUND";
		return finish(db, a, t, action, t->reason);
	}
	out->customer_id = strtoull(DB_V(&c, 0, CL_ID), NULL, 10);
	const char *status = DB_V(&c, 0, CL_STATUS);

	if (t->change == CHANGE_REACTIVATE) {
		if (strcmp(status, "active") == 0) {
			out->result = LC_NOOP;
			out->outcome = "ALREADY_ACTIVE";
		} else {
			rc = db_exec(db, a, STMT_CUSTOMER_REACTIVATE, NULL, "u", out->customer_id);
			if (rc != ERR_OK)
				return rc;
			out->result = LC_DONE;
			out->outcome = "ok";
		}
		return finish(db, a, t, action, NULL);
	}

	if (strcmp(status, "inactive") == 0) {
		out->result = LC_NOOP;
		out->outcome = "ALREADY_INACTIVE";
		return finish(db, a, t, action, t->reason);
	}
	rc = prereq_check(db, a, out->customer_id, true, &out->prereq);
	if (rc != ERR_OK)
		return rc;
	if (!prereq_passed(&out->prereq)) {
		out->result = LC_BLOCKED;
		out->outcome = prereq_codes(a, &out->prereq);
		return finish(db, a, t, action, t->reason);
	}
	rc = db_exec(db, a, STMT_CUSTOMER_DEACTIVATE, NULL, "sssu", t->who->name, t->reason,
	             t->note, out->customer_id);
	if (rc != ERR_OK)
		return rc;
	/* The write re-checks the prerequisites itself; under this
	 * transaction's locks it always matches, so no row means the
	 * transaction was lost underneath us: check everything again. */
	if (db_affected(db) != 1)
		return db_fail_retry(db, "the deactivation's write found a blocker; retrying");
	out->result = LC_DONE;
	out->outcome = "ok";
	return finish(db, a, t, action, t->reason);
}

static void audit_alone(struct db *db, struct arena *a, const struct actor *who,
                        const char *public_id, const char *action, const char *reason,
                        const char *note, const char *outcome);

static enum lifecycle_result run(struct db *db, struct arena *a, struct tx *t)
{
	enum err rc = db_transaction(db, a, change_tx, t);
	if (rc == ERR_OK)
		return t->out->result;
	if (rc == ERR_DUPLICATE && t->hook != NULL) {
		t->out->result = LC_NOOP;
		return LC_NOOP;
	}
	const char *action = t->change == CHANGE_DEACTIVATE ? "deactivate" : "reactivate";
	struct lifecycle_outcome *out = t->out;
	if (rc == ERR_RETRY || rc == ERR_UNAVAILABLE) {
		out->result = LC_UNAVAILABLE;
		out->outcome = rc == ERR_RETRY ? "LOCK_TIMEOUT" : "UNAVAILABLE";
	} else {
		log_error("%s %s failed: %s", action, t->public_id, db_error(db));
		out->result = LC_ERROR;
		out->outcome = "ERROR";
	}
	/* Still one audit row for the attempt, on its own, when the database
	 * lets us; it names the customer even if the lock was never granted. */
	audit_alone(db, a, t->who, t->public_id, action, t->reason, t->note, out->outcome);
	return out->result;
}

enum lifecycle_result lifecycle_deactivate(struct db *db, struct arena *a, const struct actor *who,
                                           const char *public_id, const char *reason,
                                           const char *note, struct lifecycle_outcome *out)
{
	return lifecycle_deactivate_hooked(db, a, who, public_id, reason, note, NULL, out);
}

enum lifecycle_result lifecycle_deactivate_hooked(struct db *db, struct arena *a,
                                                  const struct actor *who, const char *public_id,
                                                  const char *reason, const char *note,
                                                  const struct lifecycle_hook *hook,
                                                  struct lifecycle_outcome *out)
{
	struct tx t = {CHANGE_DEACTIVATE, who, public_id, reason, note, hook, out};
	return run(db, a, &t);
}

enum lifecycle_result lifecycle_reactivate(struct db *db, struct arena *a, const struct actor *who,
                                           const char *public_id, const char *note,
                                           struct lifecycle_outcome *out)
{
	struct tx t = {CHANGE_REACTIVATE, who, public_id, NULL, note, NULL, out};
	return run(db, a, &t);
}

/* An audit row on its own, naming the customer when the id is known. */
static void audit_alone(struct db *db, struct arena *a, const struct actor *who,
                        const char *public_id, const char *action, const char *reason,
                        const char *note, const char *outcome)
{
	unsigned long long cid = 0;
	struct db_res c;
	if (public_id != NULL &&
	    db_exec(db, a, STMT_CUSTOMER_BY_PUBLIC_ID, &c, "si", public_id,
	            (long long)who->tenant) == ERR_OK &&
	    c.nrows == 1)
		cid = strtoull(DB_V(&c, 0, CU_ID), NULL, 10);
	if (audit(db, a, who, cid, public_id ? public_id : "", action, reason, note, outcome) !=
	    ERR_OK)
		log_error("could not audit %s of %s (%s)", action, public_id ? public_id : "-",
		          outcome);
}

void lifecycle_audit_refusal(struct db *db, struct arena *a, const struct actor *who,
                             const char *public_id, const char *action, const char *outcome)
{
	audit_alone(db, a, who, public_id, action, NULL, NULL, outcome);
}
