/* Merging a duplicate into the customer kept: the rules and the one
 * transaction (README, "Merging duplicates"). */
#include "domain/merge.h"

#include <string.h>

#include "db/audit.h"
#include "util/log.h"

const char *const merge_field_name[MF__MAX] = {"firstName", "lastName", "email",
                                               "phone",     "company",  "customerType"};
const char *const merge_field_label[MF__MAX] = {"First name", "Last name", "E-mail",
                                                "Phone",      "Company",   "Type"};

static const char *field_value(const struct customer_row *c, enum merge_field f)
{
	switch (f) {
	case MF_FIRST_NAME: return c->first_name;
	case MF_LAST_NAME: return c->last_name;
	case MF_EMAIL: return c->email;
	case MF_PHONE: return c->phone && c->phone[0] ? c->phone : NULL;
	case MF_COMPANY: return c->company && c->company[0] ? c->company : NULL;
	case MF_TYPE: return customer_type_name[c->type];
	case MF__MAX: break;
	}
	return NULL;
}

static bool same(const char *x, const char *y)
{
	return (x == NULL && y == NULL) || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

/* The refusal, if any, for the two customers as read; "ok" otherwise. */
static void judge(struct merge_plan *p)
{
	p->outcome = "ok";
	p->message = NULL;
	if (p->keep.id == p->dup.id) {
		p->outcome = "SAME_CUSTOMER";
		p->message =
		    "A customer cannot be merged into itself: choose another record to keep.";
	} else if (p->dup.merged_into != NULL) {
		p->outcome = "ALREADY_MERGED";
		p->message = "This customer was already merged into another one.";
	} else if (p->keep.merged_into != NULL) {
		p->outcome = "KEEP_MERGED";
		p->message =
		    "The customer to keep was itself merged away: merge into the customer it "
		    "went to.";
	} else if (p->keep.status != CUSTOMER_ACTIVE) {
		p->outcome = "KEEP_INACTIVE";
		p->message =
		    "The customer to keep is inactive: reactivate it first, or keep the other "
		    "record.";
	} else if (p->dup.closure.public_id != NULL) {
		p->outcome = "CLOSURE_PENDING";
		p->message = "The duplicate has a pending closure request: withdraw it first.";
	}
}

/* Reads both customers (find: their fields and pending closure) and their
 * merge links, and the duplicate's records (locked inside a transaction). */
static enum err load(struct db *db, struct arena *a, unsigned tenant, const struct merge_request *q,
                     struct merge_plan *out)
{
	enum err rc;
	if ((rc = db_customer_find(db, a, tenant, q->keep, &out->keep)) ||
	    (rc = db_customer_find(db, a, tenant, q->duplicate, &out->dup)))
		return rc;
	for (int f = 0; f < MF__MAX; f++) {
		out->value[0][f] = field_value(&out->keep, (enum merge_field)f);
		out->value[1][f] = field_value(&out->dup, (enum merge_field)f);
		out->differs[f] = !same(out->value[0][f], out->value[1][f]);
	}
	judge(out);
	out->nmoved = 0;
	for (int k = 0; k < MK__MAX; k++) {
		if ((rc = db_merge_list(db, a, (enum merge_kind)k, out->dup.id, &out->moved[k])))
			return rc;
		out->nmoved += out->moved[k].n;
	}
	return ERR_OK;
}

enum err merge_preview(struct db *db, struct arena *a, unsigned tenant,
                       const struct merge_request *q, struct merge_plan *out)
{
	memset(out, 0, sizeof(*out));
	return load(db, a, tenant, q, out);
}

struct tx {
	const struct actor *who;
	const struct merge_request *q;
	struct merge_plan *out;
	enum err result;
	const struct lifecycle_hook *hook;
};

/* The caller's step (a bulk run's item), in the merge's transaction. */
static enum err hook_run(struct db *db, struct arena *a, const struct tx *t)
{
	if (t->hook == NULL)
		return ERR_OK;
	struct lifecycle_outcome o = {.changed = t->result == ERR_OK,
	                              .customer_id = t->out->dup.id,
	                              .outcome = t->out->outcome};
	return t->hook->fn(db, a, &o, t->hook->ctx);
}

static enum err audit(struct db *db, struct arena *a, const struct actor *who, uint64_t customer,
                      const char *subject, const char *note, const char *outcome,
                      const char *changes)
{
	struct audit_entry e = {who->name,        who->tenant, customer, subject, "merge",
	                        who->channel,     -1,          note,     outcome, who->request_id,
	                        who->bulk_run_id, changes};
	return db_audit_insert(db, a, &e);
}

/* "3 orders, 1 subscription, ..." of what moved (or "no records"). */
static const char *moved_summary(struct arena *a, const struct merge_plan *p)
{
	char *s = arena_strdup(a, "");
	for (int k = 0; k < MK__MAX; k++)
		if (p->moved[k].n)
			s = arena_printf(a, "%s%s%zu %s%s", s, s[0] ? ", " : "", p->moved[k].n,
			                 merge_kind_name[k], p->moved[k].n == 1 ? "" : "s");
	return s[0] ? s : "no records";
}

static enum err merge_tx(struct db *db, struct arena *a, void *vctx)
{
	struct tx *t = vctx;
	struct merge_plan *p = t->out;
	unsigned tenant = t->who->tenant;
	t->result = ERR_OK;
	memset(p, 0, sizeof(*p));
	/* the ids first, to lock the rows in a fixed order */
	struct customer_row k0, d0;
	enum err rc = db_customer_find(db, a, tenant, t->q->keep, &k0);
	if (rc == ERR_OK)
		rc = db_customer_find(db, a, tenant, t->q->duplicate, &d0);
	if (rc == ERR_NOT_FOUND) {
		t->result = ERR_NOT_FOUND;
		p->outcome = "NOT_FOUND";
		return hook_run(db, a, t);
	}
	if (rc != ERR_OK)
		return rc;
	const char *first = k0.id < d0.id ? t->q->keep : t->q->duplicate;
	const char *second = k0.id < d0.id ? t->q->duplicate : t->q->keep;
	struct customer_row locked;
	if ((rc = db_customer_lock(db, a, tenant, first, &locked)) ||
	    (strcmp(first, second) != 0 && (rc = db_customer_lock(db, a, tenant, second, &locked))))
		return rc == ERR_NOT_FOUND ? db_fail_retry(db, "a customer vanished") : rc;
	/* under the locks: what is there now (the duplicate's records locked) */
	if ((rc = load(db, a, tenant, t->q, p)))
		return rc;
	if (strcmp(p->outcome, "ok") != 0) {
		t->result = ERR_REFUSED;
		if ((rc = audit(db, a, t->who, p->dup.id, p->dup.public_id,
		                arena_printf(a, "into %s", p->keep.public_id), p->outcome, NULL)))
			return rc;
		return hook_run(db, a, t);
	}
	if ((rc = db_merge_guard_keep(db, a, p->keep.id)))
		return rc == ERR_REFUSED ? db_fail_retry(db, "the kept customer changed") : rc;
	/* the records move (the triggers move the aggregates along) */
	for (int k = 0; k < MK__MAX; k++) {
		unsigned long long n;
		if ((rc = db_merge_move(db, a, (enum merge_kind)k, p->dup.id, p->keep.id, &n)))
			return rc;
		if (n != p->moved[k].n)
			return db_fail_retry(db, "the duplicate's records changed under the lock");
	}
	/* the kept customer's fields, as chosen */
	const char *v[MF__MAX];
	struct audit_change ch[MF__MAX + 1];
	size_t nch = 0;
	for (int f = 0; f < MF__MAX; f++) {
		bool take = t->q->take[f] && p->differs[f];
		v[f] = p->value[take][f];
		if (take)
			ch[nch++] =
			    (struct audit_change){merge_field_name[f], p->value[0][f], v[f]};
	}
	if (nch > 0) {
		struct merge_values mv = {
		    v[MF_FIRST_NAME],
		    v[MF_LAST_NAME],
		    v[MF_EMAIL],
		    v[MF_PHONE],
		    v[MF_COMPANY],
		    strcmp(v[MF_TYPE], "business") == 0 ? CUSTOMER_BUSINESS : CUSTOMER_INDIVIDUAL};
		if ((rc = db_merge_keep_fields(db, a, p->keep.id, &mv)))
			return rc;
	}
	const char *summary = moved_summary(a, p);
	if ((rc = db_merge_mark_duplicate(db, a, p->dup.id, p->keep.id, t->who->name,
	                                  arena_printf(a, "Merged into %s.", p->keep.public_id))))
		return rc == ERR_REFUSED ? db_fail_retry(db, "the duplicate was merged meanwhile")
		                         : rc;
	/* the audit trail: each moved record, then both customers */
	for (int k = 0; k < MK__MAX; k++)
		for (size_t i = 0; i < p->moved[k].n; i++) {
			const char *id = p->moved[k].id[i];
			const char *subject = k == MK_ADDRESS || k == MK_NOTE
			                          ? arena_printf(a, "%s %s", merge_kind_name[k], id)
			                          : id;
			struct audit_change c = {"customerId", p->dup.public_id, p->keep.public_id};
			const char *changes = audit_changes_json(a, &c, 1);
			if (changes == NULL)
				return ERR_INTERNAL;
			if ((rc = audit(db, a, t->who, p->keep.id, subject,
			                arena_printf(a, "%s moved from %s", merge_kind_name[k],
			                             p->dup.public_id),
			                "ok", changes)))
				return rc;
		}
	struct audit_change dc[2] = {{"mergedInto", NULL, p->keep.public_id},
	                             {"status", customer_status_name[p->dup.status], "inactive"}};
	const char *dchanges = audit_changes_json(a, dc, 2);
	const char *kchanges = nch ? audit_changes_json(a, ch, nch) : NULL;
	if (dchanges == NULL || (nch && kchanges == NULL))
		return ERR_INTERNAL;
	if ((rc = audit(db, a, t->who, p->dup.id, p->dup.public_id,
	                arena_printf(a, "Merged into %s: %s moved.", p->keep.public_id, summary),
	                "ok", dchanges)))
		return rc;
	if ((rc = audit(db, a, t->who, p->keep.id, p->keep.public_id,
	                arena_printf(a, "Merged %s into this customer: %s moved.", p->dup.public_id,
	                             summary),
	                "ok", kchanges)))
		return rc;
	return hook_run(db, a, t);
}

enum err merge_run(struct db *db, struct arena *a, const struct actor *who,
                   const struct merge_request *q, struct merge_plan *out)
{
	return merge_run_hooked(db, a, who, q, NULL, out);
}

enum err merge_run_hooked(struct db *db, struct arena *a, const struct actor *who,
                          const struct merge_request *q, const struct lifecycle_hook *hook,
                          struct merge_plan *out)
{
	struct tx t = {who, q, out, ERR_OK, hook};
	enum err rc = db_transaction(db, a, merge_tx, &t);
	if (rc == ERR_DUPLICATE && hook != NULL) {
		memset(out, 0, sizeof(*out));
		out->outcome = "DUPLICATE";
		return ERR_DUPLICATE; /* the hook's step was done elsewhere */
	}
	if (rc == ERR_OK) {
		if (t.result == ERR_NOT_FOUND)
			lifecycle_audit_refusal(db, a, who, q->duplicate, "merge", "NOT_FOUND");
		return t.result;
	}
	const char *outcome = rc == ERR_RETRY         ? "LOCK_TIMEOUT"
	                      : rc == ERR_UNAVAILABLE ? "UNAVAILABLE"
	                                              : "ERROR";
	if (rc == ERR_SIGNAL) {
		/* a trigger refused a move (the kept customer was deactivated) */
		outcome = "REFUSED";
		rc = ERR_REFUSED;
	} else if (rc != ERR_RETRY && rc != ERR_UNAVAILABLE) {
		log_error("merge of %s into %s failed: %s", q->duplicate, q->keep, db_error(db));
		rc = ERR_INTERNAL;
	}
	memset(out, 0, sizeof(*out));
	out->outcome = outcome;
	lifecycle_audit_refusal(db, a, who, q->duplicate, "merge", outcome);
	/* a trigger's refusal is final: the caller's step records it too (a
	 * bulk item would otherwise be tried again) */
	if (rc == ERR_REFUSED && hook != NULL) {
		t.result = rc;
		enum err hr = hook_run(db, a, &t);
		if (hr != ERR_OK && hr != ERR_DUPLICATE)
			log_error("merge of %s: recording the refusal failed (%d)", q->duplicate,
			          (int)hr);
	}
	return rc;
}
