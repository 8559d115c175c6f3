#include "domain/lifecycle.h"

#include <string.h>

#include "db/audit.h"
#include "db/customers.h"
#include "util/log.h"

/* CHANGE_NONE: a profile edit alone. */
enum change { CHANGE_DEACTIVATE, CHANGE_REACTIVATE, CHANGE_NONE };

static const char *const action_name[] = {
    [CHANGE_DEACTIVATE] = "deactivate", [CHANGE_REACTIVATE] = "reactivate", [CHANGE_NONE] = "edit"};

struct tx {
	enum change change;
	const struct actor *who;
	const char *public_id;
	int reason; /* enum reason, or -1 */
	const char *note;
	const struct lifecycle_hook *hook;
	struct lifecycle_outcome *out;
	enum err result; /* ERR_OK, ERR_REFUSED or ERR_NOT_FOUND: committed either way */
	const struct profile_edit *edit; /* NULL: no profile edit */
	const char *changes;             /* the edit's changes (JSON), for its audit row */
	uint64_t undo_of; /* a reactivation: only of this bulk run's deactivation (0: any) */
};

static enum err audit(struct db *db, struct arena *a, const struct actor *who, uint64_t customer_id,
                      const char *subject, const char *action, int reason, const char *note,
                      const char *outcome, const char *changes)
{
	struct audit_entry e = {who->name, who->tenant,     customer_id,      subject,
	                        action,    who->channel,    reason,           note,
	                        outcome,   who->request_id, who->bulk_run_id, .changes = changes};
	return db_audit_insert(db, a, &e);
}

/* The audit row of the attempt, then the caller's hook, in the same
 * transaction. */
static enum err finish(struct db *db, struct arena *a, struct tx *t, enum err result)
{
	t->result = result;
	int reason = t->change == CHANGE_DEACTIVATE ? t->reason : -1;
	enum err rc =
	    audit(db, a, t->who, t->out->customer_id, t->public_id, action_name[t->change], reason,
	          t->note, t->out->outcome, t->change == CHANGE_NONE ? t->changes : NULL);
	if (rc == ERR_OK && t->hook != NULL)
		rc = t->hook->fn(db, a, t->out, t->hook->ctx);
	return rc;
}

/* The profile edit, under the customer's row lock: the new values, a new
 * address row for each address that changed (the old ones are kept), and
 * the changes for the edit's audit row (its own row when a status change
 * follows, else finish() writes it). */
static enum err edit_profile(struct db *db, struct arena *a, struct tx *t,
                             const struct customer_row *c)
{
	struct customer_addresses cur_addresses;
	enum err rc = db_customer_addresses(db, a, c->id, &cur_addresses);
	if (rc != ERR_OK)
		return rc;
	struct customer_row next;
	struct address_row next_address[ADDRESS_KIND__MAX];
	struct profile_changes ch;
	profile_apply(a, t->edit, c, &cur_addresses, &next, next_address, &ch);
	t->out->edited = ch.n > 0;
	t->changes = ch.n > 0 ? profile_changes_json(a, &ch) : NULL;
	if (ch.n > 0 && t->changes == NULL)
		return ERR_INTERNAL;
	if (ch.n > 0 && (rc = db_customer_update_profile(db, a, c->id, &next)) != ERR_OK)
		return rc;
	for (int k = 0; k < ADDRESS_KIND__MAX; k++)
		if (ch.address_changed[k] && (rc = db_address_insert(db, a, t->who->tenant, c->id,
		                                                     &next_address[k])) != ERR_OK)
			return rc;
	const char *outcome = ch.n > 0 ? "ok" : "NO_CHANGE";
	if (t->change == CHANGE_NONE) {
		t->out->outcome = outcome;
		t->out->changed = ch.n > 0;
		return ERR_OK;
	}
	return audit(db, a, t->who, c->id, t->public_id, action_name[CHANGE_NONE], -1, NULL,
	             outcome, t->changes);
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
	memset(out, 0, sizeof(*out));

	struct customer_row c;
	enum err rc = db_customer_lock(db, a, t->who->tenant, t->public_id, &c);
	if (rc == ERR_NOT_FOUND) {
		out->outcome = "NOT_FOUND";
		return finish(db, a, t, ERR_NOT_FOUND);
	}
	if (rc != ERR_OK)
		return rc;
	out->customer_id = c.id;

	/* Personal data erased: nothing may put it back, neither an edit nor a
	 * reactivation (README "Personal data"). */
	if (c.erased_at != NULL && (t->edit != NULL || t->change == CHANGE_REACTIVATE)) {
		out->outcome = "ERASED";
		return finish(db, a, t, ERR_REFUSED);
	}

	if (t->edit != NULL) {
		if ((rc = edit_profile(db, a, t, &c)) != ERR_OK)
			return rc;
		if (t->change == CHANGE_NONE)
			return finish(db, a, t, ERR_OK);
	}

	if (t->change == CHANGE_REACTIVATE) {
		if (c.status == CUSTOMER_ACTIVE) {
			out->outcome = "ALREADY_ACTIVE";
			return finish(db, a, t, ERR_OK);
		}
		/* A duplicate merged away stays inactive: its records are on the
		 * customer it was merged into. */
		if (c.merged_into != NULL) {
			out->outcome = "MERGED";
			return finish(db, a, t, ERR_REFUSED);
		}
		/* An undo reactivates only while the customer's deactivation is
		 * still the one its run made: not one made since by anyone else. */
		if (t->undo_of != 0 && c.deactivated_run_id != t->undo_of) {
			out->outcome = "DEACTIVATED_SINCE";
			return finish(db, a, t, ERR_REFUSED);
		}
		if ((rc = db_customer_reactivate(db, a, c.id, &out->changed)))
			return rc;
		out->outcome = "ok";
		return finish(db, a, t, ERR_OK);
	}

	if (c.status == CUSTOMER_INACTIVE) {
		out->outcome = "ALREADY_INACTIVE";
		return finish(db, a, t, ERR_OK);
	}
	if ((rc = prereq_check(db, a, c.id, true, &out->prereq)))
		return rc;
	if (!prereq_passed(&out->prereq)) {
		out->outcome = prereq_codes(a, &out->prereq);
		/* With an edit, a refused deactivation takes the edit back too:
		 * the transaction rolls back and run() audits the refusal. */
		if (t->edit != NULL)
			return ERR_REFUSED;
		return finish(db, a, t, ERR_REFUSED);
	}
	rc = db_customer_deactivate(db, a, c.id, t->who->name, (enum reason)t->reason, t->note,
	                            t->who->bulk_run_id, &out->changed);
	if (rc != ERR_OK)
		return rc;
	/* The write re-checks the prerequisites itself; under this
	 * transaction's locks it always matches, so no row means the
	 * transaction was lost underneath us: check everything again. */
	if (!out->changed)
		return db_fail_retry(db, "the deactivation's write found a blocker; retrying");
	out->outcome = "ok";
	return finish(db, a, t, ERR_OK);
}

static void audit_alone(struct db *db, struct arena *a, const struct actor *who,
                        const char *public_id, const char *action, int reason, const char *note,
                        const char *outcome);

static enum err run(struct db *db, struct arena *a, struct tx *t)
{
	enum err rc = db_transaction(db, a, change_tx, t);
	if (rc == ERR_OK)
		return t->result;
	if (rc == ERR_REFUSED && t->edit != NULL) {
		/* An edit with a refused deactivation: nothing was kept. */
		t->out->changed = false;
		audit_alone(db, a, t->who, t->public_id, action_name[t->change], t->reason, t->note,
		            t->out->outcome);
		return ERR_REFUSED;
	}
	if (rc == ERR_DUPLICATE && t->hook != NULL) {
		t->out->changed = false;
		return ERR_DUPLICATE;
	}
	struct lifecycle_outcome *out = t->out;
	out->changed = false;
	if (rc == ERR_RETRY || rc == ERR_UNAVAILABLE) {
		out->outcome = rc == ERR_RETRY ? "LOCK_TIMEOUT" : "UNAVAILABLE";
	} else {
		log_error("%s %s failed: %s", action_name[t->change], t->public_id, db_error(db));
		out->outcome = "ERROR";
		rc = ERR_INTERNAL;
	}
	/* Still one audit row for the attempt, on its own, when the database
	 * lets us; it names the customer even if the lock was never granted. */
	audit_alone(db, a, t->who, t->public_id, action_name[t->change],
	            t->change == CHANGE_DEACTIVATE ? t->reason : -1, t->note, out->outcome);
	return rc;
}

enum err lifecycle_deactivate(struct db *db, struct arena *a, const struct actor *who,
                              const char *public_id, enum reason reason, const char *note,
                              struct lifecycle_outcome *out)
{
	return lifecycle_deactivate_hooked(db, a, who, public_id, reason, note, NULL, out);
}

enum err lifecycle_deactivate_hooked(struct db *db, struct arena *a, const struct actor *who,
                                     const char *public_id, enum reason reason, const char *note,
                                     const struct lifecycle_hook *hook,
                                     struct lifecycle_outcome *out)
{
	struct tx t = {
	    CHANGE_DEACTIVATE, who, public_id, (int)reason, note, hook, out, ERR_OK, NULL, NULL, 0};
	return run(db, a, &t);
}

enum err lifecycle_reactivate(struct db *db, struct arena *a, const struct actor *who,
                              const char *public_id, const char *note,
                              struct lifecycle_outcome *out)
{
	return lifecycle_reactivate_hooked(db, a, who, public_id, note, 0, NULL, out);
}

enum err lifecycle_reactivate_hooked(struct db *db, struct arena *a, const struct actor *who,
                                     const char *public_id, const char *note, uint64_t undo_of,
                                     const struct lifecycle_hook *hook,
                                     struct lifecycle_outcome *out)
{
	struct tx t = {
	    CHANGE_REACTIVATE, who, public_id, -1, note, hook, out, ERR_OK, NULL, NULL, undo_of};
	return run(db, a, &t);
}

enum err lifecycle_update(struct db *db, struct arena *a, const struct actor *who,
                          const char *public_id, const struct profile_edit *edit, int status,
                          int reason, const char *note, struct lifecycle_outcome *out)
{
	enum change change = status == CUSTOMER_INACTIVE ? CHANGE_DEACTIVATE
	                     : status == CUSTOMER_ACTIVE ? CHANGE_REACTIVATE
	                                                 : CHANGE_NONE;
	/* A status change alone is just that (no "edit" row). */
	if (change != CHANGE_NONE && profile_edit_empty(edit))
		edit = NULL;
	struct tx t = {.change = change,
	               .who = who,
	               .public_id = public_id,
	               .reason = change == CHANGE_DEACTIVATE ? reason : -1,
	               .note = note,
	               .out = out,
	               .result = ERR_OK,
	               .edit = edit};
	return run(db, a, &t);
}

/* An audit row on its own, naming the customer when the id is known. */
static void audit_alone(struct db *db, struct arena *a, const struct actor *who,
                        const char *public_id, const char *action, int reason, const char *note,
                        const char *outcome)
{
	struct customer_row c = {0};
	if (public_id != NULL && db_customer_find(db, a, who->tenant, public_id, &c) != ERR_OK)
		c.id = 0;
	if (audit(db, a, who, c.id, public_id ? public_id : "", action, reason, note, outcome,
	          NULL) != ERR_OK)
		log_error("could not audit %s of %s (%s)", action, public_id ? public_id : "-",
		          outcome);
}

void lifecycle_audit_refusal(struct db *db, struct arena *a, const struct actor *who,
                             const char *public_id, const char *action, const char *outcome)
{
	audit_alone(db, a, who, public_id, action, -1, NULL, outcome);
}
