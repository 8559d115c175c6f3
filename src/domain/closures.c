/* "Close when clear" closure requests (domain/closures.h). */
#include "domain/closures.h"

#include <stdio.h>
#include <string.h>

#include "db/audit.h"
#include "db/customers.h"
#include "domain/actions.h"
#include "util/crypto.h"
#include "util/log.h"

#define NOTE_MAX 500 /* the audit row's and the request's note */

static enum err audit(struct db *db, struct arena *a, const struct actor *who, uint64_t customer_id,
                      const char *subject, const char *action, int reason, const char *note,
                      const char *outcome)
{
	struct audit_entry e = {who->name, who->tenant,     customer_id, subject,
	                        action,    who->channel,    reason,      note,
	                        outcome,   who->request_id, 0,           NULL};
	return db_audit_insert(db, a, &e);
}

/* An audit row on its own, after the transaction failed. */
static void audit_alone(struct db *db, struct arena *a, const struct actor *who,
                        uint64_t customer_id, const char *subject, const char *action, int reason,
                        const char *note, const char *outcome)
{
	if (audit(db, a, who, customer_id, subject, action, reason, note, outcome) != ERR_OK)
		log_error("could not audit %s of %s (%s)", action, subject, outcome);
}

/* ---- filing --------------------------------------------------------------- */

struct file_tx {
	const struct actor *who;
	const char *public_id;
	enum reason reason;
	const char *note;
	bool cancel_now;
	struct closure_filed *out;
	enum err result; /* ERR_OK or ERR_REFUSED/ERR_NOT_FOUND: committed either way */
};

static enum err file_refused(struct db *db, struct arena *a, struct file_tx *t, enum err result,
                             const char *outcome, const char *subject)
{
	t->result = result;
	t->out->outcome = outcome;
	return audit(db, a, t->who, t->out->customer_id, subject, "closure_request", (int)t->reason,
	             t->note, outcome);
}

/* The rule as it reads: lock the customer row, check its state and that
 * no request is pending, see what blocks it, insert, audit. */
static enum err file_tx_fn(struct db *db, struct arena *a, void *vctx)
{
	struct file_tx *t = vctx;
	struct closure_filed *out = t->out;
	memset(out, 0, sizeof(*out));
	t->result = ERR_OK;

	struct customer_row c;
	enum err rc = db_customer_lock(db, a, t->who->tenant, t->public_id, &c);
	if (rc == ERR_NOT_FOUND)
		return file_refused(db, a, t, ERR_NOT_FOUND, "NOT_FOUND", t->public_id);
	if (rc != ERR_OK)
		return rc;
	out->customer_id = c.id;
	if (c.status == CUSTOMER_INACTIVE)
		return file_refused(db, a, t, ERR_REFUSED, "ALREADY_INACTIVE", t->public_id);
	struct closure_row k;
	rc = db_closure_pending_of(db, a, c.id, &k);
	if (rc == ERR_OK) {
		out->public_id = k.public_id;
		out->requested_at = k.requested_at;
		out->requested_by = k.requested_by;
		out->waiting_for = k.waiting_for ? k.waiting_for : "";
		return file_refused(db, a, t, ERR_REFUSED, "CLOSURE_PENDING", k.public_id);
	}
	if (rc != ERR_NOT_FOUND)
		return rc;
	/* What it waits for now (under the customer's lock, which every
	 * change of a blocker takes too). */
	if ((rc = prereq_check(db, a, c.id, false, &out->prereq)))
		return rc;
	out->waiting_for = prereq_codes(a, &out->prereq);

	unsigned char raw[5];
	char hex[11];
	if (random_bytes(raw, sizeof(raw)) != 0)
		return ERR_INTERNAL;
	hex_encode(raw, sizeof(raw), hex);
	out->public_id = arena_printf(a, "clo_%s", hex);
	struct closure_new e = {out->public_id,
	                        t->who->tenant,
	                        c.id,
	                        t->reason,
	                        t->note,
	                        t->cancel_now,
	                        t->who->channel,
	                        t->who->name,
	                        t->who->request_id,
	                        out->waiting_for[0] ? out->waiting_for : NULL};
	uint64_t id;
	if ((rc = db_closure_insert(db, a, &e, &id)))
		return rc == ERR_DUPLICATE ? db_fail_retry(db, "a closure was filed meanwhile")
		                           : rc;
	if ((rc = db_closure_pending_of(db, a, c.id, &k)))
		return rc == ERR_NOT_FOUND ? ERR_INTERNAL : rc;
	out->requested_at = k.requested_at;
	out->requested_by = k.requested_by;
	out->outcome = "ok";
	return audit(db, a, t->who, c.id, out->public_id, "closure_request", (int)t->reason,
	             t->note, "ok");
}

/* The subscriptions of b whose term has ended, completed
 * (ACTION_SUBSCRIPTION_COMPLETE, audited by action_run()); returns how
 * many, and counts refusals and failures in *not_done. */
static size_t complete_ended_terms(struct db *db, struct arena *a, const struct actor *who,
                                   const struct blockers *b, size_t *not_done)
{
	size_t n = 0;
	for (size_t i = 0; i < b->subscriptions.n; i++) {
		struct action_request q = {.action = ACTION_SUBSCRIPTION_COMPLETE,
		                           .record = b->subscriptions.rows[i].public_id,
		                           .cancel_reason = -1,
		                           .condition = -1,
		                           .fee_cents = -1};
		struct action_result res;
		if (action_preview(db, a, who->tenant, &q, &res) != ERR_OK ||
		    strcmp(res.outcome, "ok") != 0)
			continue;
		if (action_run(db, a, who, &q, &res) == ERR_OK)
			n++;
		else
			(*not_done)++;
	}
	return n;
}

/* "Cancel what can be cancelled now", each through its own action (which
 * locks the customer, re-checks and audits): the orders in flight without
 * rentals, and the subscriptions whose term has ended. */
static void cancel_now(struct db *db, struct arena *a, const struct actor *who,
                       struct closure_filed *out)
{
	const struct blockers *b = &out->prereq.blockers;
	for (size_t i = 0; i < b->orders.n; i++) {
		struct action_request q = {.action = ACTION_ORDER_CANCEL,
		                           .record = b->orders.rows[i].public_id,
		                           .cancel_reason = -1,
		                           .condition = -1,
		                           .fee_cents = -1,
		                           .reason = "closure requested"};
		struct action_result res;
		if (action_preview(db, a, who->tenant, &q, &res) != ERR_OK ||
		    strcmp(res.outcome, "ok") != 0 || res.rentals_kept > 0)
			continue;
		if (action_run(db, a, who, &q, &res) == ERR_OK)
			out->cancelled++;
		else
			out->not_cancelled++;
	}
	out->cancelled += complete_ended_terms(db, a, who, b, &out->not_cancelled);
}

enum err closure_file(struct db *db, struct arena *a, const struct actor *who,
                      const char *public_id, enum reason reason, const char *note, bool cancel,
                      struct closure_filed *out)
{
	/* "Cancel what can be cancelled now" runs before the request exists:
	 * each cancellation wakes the customer's pending request (its
	 * trigger), and a job worker woken while the filer still cancels would
	 * complete the same ended term, its attempt refused and audited twice.
	 * The blockers are read here, without the lock; the filing then reads
	 * what is left under it. */
	size_t cancelled = 0, not_cancelled = 0;
	if (cancel) {
		struct customer_row c;
		struct closure_row k;
		struct closure_filed pre;
		memset(&pre, 0, sizeof(pre));
		if (db_customer_find(db, a, who->tenant, public_id, &c) == ERR_OK &&
		    c.status == CUSTOMER_ACTIVE &&
		    db_closure_pending_of(db, a, c.id, &k) == ERR_NOT_FOUND &&
		    prereq_check(db, a, c.id, false, &pre.prereq) == ERR_OK) {
			cancel_now(db, a, who, &pre);
			cancelled = pre.cancelled;
			not_cancelled = pre.not_cancelled;
		}
	}
	struct file_tx t = {who, public_id, reason, note, cancel, out, ERR_OK};
	enum err rc = db_transaction(db, a, file_tx_fn, &t);
	if (rc == ERR_OK) {
		out->cancelled = cancelled;
		out->not_cancelled = not_cancelled;
		return t.result;
	}
	memset(out, 0, sizeof(*out));
	if (rc == ERR_RETRY || rc == ERR_UNAVAILABLE) {
		out->outcome = rc == ERR_RETRY ? "LOCK_TIMEOUT" : "UNAVAILABLE";
	} else {
		log_error("closure_request %s failed: %s", public_id, db_error(db));
		out->outcome = "ERROR";
		rc = ERR_INTERNAL;
	}
	struct customer_row c = {0};
	if (db_customer_find(db, a, who->tenant, public_id, &c) != ERR_OK)
		c.id = 0;
	audit_alone(db, a, who, c.id, public_id, "closure_request", (int)reason, note,
	            out->outcome);
	return rc;
}

/* ---- withdrawing ---------------------------------------------------------- */

struct withdraw_tx {
	const struct actor *who;
	const char *closure_id;
	const char *outcome;
	const char *customer_public_id;
	uint64_t customer_id;
	enum err result;
};

static enum err withdraw_tx_fn(struct db *db, struct arena *a, void *vctx)
{
	struct withdraw_tx *t = vctx;
	t->result = ERR_OK;
	t->customer_public_id = NULL;
	t->customer_id = 0;
	struct closure_row k;
	enum err rc = db_closure_get(db, a, t->who->tenant, t->closure_id, false, &k);
	if (rc == ERR_NOT_FOUND) {
		t->result = ERR_NOT_FOUND;
		t->outcome = "NOT_FOUND";
		return audit(db, a, t->who, 0, t->closure_id, "closure_withdraw", -1, NULL,
		             "NOT_FOUND");
	}
	if (rc != ERR_OK)
		return rc;
	/* the customer's row first, as every writer of the request does */
	struct customer_row c;
	if ((rc = db_customer_lock(db, a, t->who->tenant, k.customer_public_id, &c)))
		return rc == ERR_NOT_FOUND ? ERR_INTERNAL : rc;
	if ((rc = db_closure_get(db, a, t->who->tenant, t->closure_id, true, &k)))
		return rc == ERR_NOT_FOUND ? ERR_INTERNAL : rc;
	t->customer_public_id = k.customer_public_id;
	t->customer_id = k.customer_id;
	bool changed = false;
	if (k.state == CLOSURE_PENDING &&
	    (rc = db_closure_withdraw(db, a, k.id, t->who->name, &changed)))
		return rc;
	t->outcome = changed ? "ok" : "CLOSURE_NOT_PENDING";
	t->result = changed ? ERR_OK : ERR_REFUSED;
	return audit(db, a, t->who, k.customer_id, t->closure_id, "closure_withdraw", (int)k.reason,
	             NULL, t->outcome);
}

enum err closure_withdraw(struct db *db, struct arena *a, const struct actor *who,
                          const char *closure_id, const char **outcome,
                          const char **customer_public_id)
{
	struct withdraw_tx t = {who, closure_id, NULL, NULL, 0, ERR_OK};
	enum err rc = db_transaction(db, a, withdraw_tx_fn, &t);
	*customer_public_id = t.customer_public_id;
	if (rc == ERR_OK) {
		*outcome = t.outcome;
		return t.result;
	}
	if (rc == ERR_RETRY || rc == ERR_UNAVAILABLE) {
		*outcome = rc == ERR_RETRY ? "LOCK_TIMEOUT" : "UNAVAILABLE";
	} else {
		log_error("closure_withdraw %s failed: %s", closure_id, db_error(db));
		*outcome = "ERROR";
		rc = ERR_INTERNAL;
	}
	audit_alone(db, a, who, 0, closure_id, "closure_withdraw", -1, NULL, *outcome);
	return rc;
}

void closure_audit_refusal(struct db *db, struct arena *a, const struct actor *who,
                           const char *closure_id, const char *outcome)
{
	struct closure_row k;
	uint64_t customer_id = 0;
	if (closure_id != NULL &&
	    db_closure_get(db, a, who->tenant, closure_id, false, &k) == ERR_OK)
		customer_id = k.customer_id;
	audit_alone(db, a, who, customer_id, closure_id ? closure_id : "", "closure_withdraw", -1,
	            NULL, outcome);
}

/* ---- the job -------------------------------------------------------------- */

struct done_ctx {
	uint64_t id;
	bool refused;
	const char *codes;
};

/* Inside the deactivation's transaction, after its audit row: a refusal
 * is rolled back (the request records it instead, without an audit row
 * per look); a deactivation (or a customer already inactive) marks the
 * request done, once: 0 rows means it is done or withdrawn already, and
 * the whole transaction is taken back. */
static enum err mark_done(struct db *db, struct arena *a, const struct lifecycle_outcome *out,
                          void *vctx)
{
	struct done_ctx *c = vctx;
	if (strcmp(out->outcome, "ok") != 0 && strcmp(out->outcome, "ALREADY_INACTIVE") != 0) {
		c->refused = true;
		c->codes = out->outcome;
		return ERR_DUPLICATE;
	}
	c->refused = false;
	bool changed;
	enum err rc = db_closure_done(db, a, c->id, &changed);
	if (rc != ERR_OK)
		return rc;
	return changed ? ERR_OK : ERR_DUPLICATE;
}

/* "closure clo_...: <note>", at most NOTE_MAX bytes, cut between
 * characters. */
static const char *closure_note(struct arena *a, const struct closure_row *k)
{
	char *s = k->note && k->note[0] ? arena_printf(a, "closure %s: %s", k->public_id, k->note)
	                                : arena_printf(a, "closure %s", k->public_id);
	size_t n = strlen(s);
	if (n > NOTE_MAX) {
		n = NOTE_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		s[n] = '\0';
	}
	return s;
}

enum closure_step closure_work(struct db *db, struct arena *a)
{
	uint64_t id;
	const char *lease;
	if (db_closure_claim(db, a, CLOSURE_LEASE_SECONDS, &id, &lease) != ERR_OK)
		return CLOSURE_STEP_FAILED;
	if (id == 0)
		return CLOSURE_STEP_IDLE;
	struct closure_row k;
	enum err rc = db_closure_by_id(db, a, id, &k);
	if (rc != ERR_OK)
		return CLOSURE_STEP_FAILED;
	if (k.state != CLOSURE_PENDING)
		return CLOSURE_STEP_WORKED;
	struct actor who = {k.requested_by, k.tenant, k.channel, k.request_id, 0};
	struct done_ctx ctx = {k.id, false, NULL};
	struct lifecycle_hook hook = {mark_done, &ctx};
	struct lifecycle_outcome out;
	rc = lifecycle_deactivate_hooked(db, a, &who, k.customer_public_id, k.reason,
	                                 closure_note(a, &k), &hook, &out);
	if (rc == ERR_OK)
		return CLOSURE_STEP_WORKED;
	if (rc == ERR_DUPLICATE && ctx.refused) {
		/* still blocked: what it waits for; due again when a blocker
		 * clears (the triggers) or the sweep comes round */
		if (db_closure_checked(db, a, k.id, ctx.codes, lease) != ERR_OK)
			return CLOSURE_STEP_FAILED;
		/* Filed with "cancel what can be cancelled now": a term that has
		 * ended since (with time, which no write marks) is completed as
		 * the requester; its trigger makes the request due again. */
		size_t not_done = 0;
		if (k.cancel_now)
			complete_ended_terms(db, a, &who, &out.prereq.blockers, &not_done);
		return CLOSURE_STEP_WORKED;
	}
	if (rc == ERR_DUPLICATE)
		return CLOSURE_STEP_WORKED; /* done or withdrawn by someone else */
	/* database away or locks not granted: the lease runs out and it is
	 * tried again */
	log_error("closure %s: deactivation failed (%s)", k.public_id,
	          out.outcome ? out.outcome : "?");
	return CLOSURE_STEP_FAILED;
}

enum err closure_sweep(struct db *db, struct arena *a, int seconds)
{
	unsigned long long n;
	return db_closure_sweep(db, a, seconds, &n);
}

size_t closure_codes(struct arena *a, const char *waiting_for, const char ***codes)
{
	*codes = NULL;
	if (waiting_for == NULL || waiting_for[0] == '\0')
		return 0;
	size_t cap = 1;
	for (const char *p = waiting_for; *p; p++)
		cap += *p == ',';
	const char **v = arena_calloc(a, cap + 1, sizeof(*v));
	size_t n = 0;
	char *s = arena_strdup(a, waiting_for);
	for (char *save = NULL, *tok = strtok_r(s, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		v[n++] = tok;
	*codes = v;
	return n;
}
