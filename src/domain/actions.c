/* The actions that clear a deactivation's blockers (domain/actions.h). */
#include "domain/actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/audit.h"
#include "db/customers.h"
#include "util/crypto.h"
#include "util/log.h"

static const char *const audit_name[ACTION__MAX] = {
    [ACTION_ORDER_CANCEL] = "order_cancel",
    [ACTION_SUBSCRIPTION_CANCEL] = "subscription_cancel",
    [ACTION_EARLY_RETURN] = "early_return",
    [ACTION_SUBSCRIPTION_COMPLETE] = "subscription_complete",
    [ACTION_DEVICE_STATUS] = "device_status",
};

static const char *const device_audit_name[ASSET_STATUS__MAX] = {
    [ASSET_AVAILABLE] = "device_available", [ASSET_RENTED_OUT] = "device_status",
    [ASSET_RETURNED] = "device_returned",   [ASSET_SOLD] = "device_sold",
    [ASSET_UNAVAILABLE] = "device_lost",
};

const char *action_audit_name(const struct action_request *q)
{
	if (q->action == ACTION_DEVICE_STATUS && (unsigned)q->asset_status < ASSET_STATUS__MAX)
		return device_audit_name[q->asset_status];
	return audit_name[q->action];
}

int64_t months_between(const char *start, const char *day)
{
	int y1, m1, d1, y2, m2, d2;
	if (start == NULL || day == NULL || sscanf(start, "%4d-%2d-%2d", &y1, &m1, &d1) != 3 ||
	    sscanf(day, "%4d-%2d-%2d", &y2, &m2, &d2) != 3)
		return 0;
	int64_t n = (int64_t)(y2 - y1) * 12 + (m2 - m1) - (d2 < d1);
	return n > 0 ? n : 0;
}

/* The changes being planned: at most a few per record, and one per line
 * or payment. */
struct plan {
	struct arena *a;
	struct action_result *out;
	size_t cap;
};

static void change(struct plan *p, const char *field, const char *old_value, const char *new_value)
{
	struct action_result *o = p->out;
	if (o->nchanges == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct audit_change *c = arena_calloc(p->a, cap, sizeof(*c));
		if (o->nchanges)
			memcpy(c, o->changes, o->nchanges * sizeof(*c));
		o->changes = c;
		p->cap = cap;
	}
	o->changes[o->nchanges++] = (struct audit_change){field, old_value, new_value};
}

static char *num(struct arena *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

/* Both the preview and the run: the state of the record decides. */

static const char *plan_order(struct plan *p, const struct action_order *o,
                              const struct action_request *q)
{
	struct action_result *out = p->out;
	out->previous_status = (int)o->status;
	out->currency = o->currency;
	if (o->status == ORDER_CANCELLED)
		return "ALREADY_CANCELLED";
	if (!order_in_flight(o->status))
		return "ORDER_NOT_CANCELLABLE";
	int64_t rentals = 0, open_units = 0;
	for (size_t i = 0; i < o->nlines; i++)
		if (o->lines[i].kind == ITEM_DEVICE) {
			rentals += o->lines[i].rentals;
			int64_t open =
			    o->lines[i].quantity - o->lines[i].cancelled - o->lines[i].rentals;
			open_units += open > 0 ? open : 0;
		}
	out->rentals_kept = rentals;
	/* With rentals made, the order is done with what it delivered: its
	 * unfulfilled units are cancelled and it is fulfilled. Without, the
	 * whole order is cancelled and its lines stay as they were ordered. */
	enum order_status next = rentals > 0 ? ORDER_FULFILLED : ORDER_CANCELLED;
	out->new_status = (int)next;
	change(p, "status", order_status_name[o->status], order_status_name[next]);
	if (rentals > 0) {
		for (size_t i = 0; i < o->nlines; i++) {
			const struct action_line *l = &o->lines[i];
			int64_t open = l->quantity - l->cancelled - l->rentals;
			if (l->kind != ITEM_DEVICE || open <= 0)
				continue;
			change(p, arena_printf(p->a, "items[%s].cancelledQuantity", l->sku),
			       num(p->a, l->cancelled), num(p->a, l->cancelled + open));
		}
		out->units_cancelled = open_units;
	} else {
		for (size_t i = 0; i < o->nlines; i++)
			if (o->lines[i].kind == ITEM_DEVICE)
				out->units_cancelled +=
				    o->lines[i].quantity - o->lines[i].cancelled;
	}
	if (q->reason != NULL && q->reason[0] != '\0')
		change(p, "cancelReason", NULL, q->reason);
	return "ok";
}

static const char *plan_subscription(struct plan *p, const struct action_subscription *s,
                                     const struct action_request *q)
{
	struct action_result *out = p->out;
	bool early = q->action == ACTION_EARLY_RETURN;
	bool complete = q->action == ACTION_SUBSCRIPTION_COMPLETE;
	out->previous_status = (int)s->status;
	out->asset_serial = s->asset_serial;
	out->currency = s->currency;
	out->date = s->today;
	out->months_rented = months_between(s->start_date, s->today);
	if (s->status != SUB_ACTIVE) {
		if (early || complete)
			return "SUBSCRIPTION_NOT_ACTIVE";
		return s->status == SUB_CANCELLED ? "ALREADY_CANCELLED" : "ALREADY_ENDED";
	}
	if (complete && (s->contract_months <= 0 || out->months_rented < s->contract_months))
		return "TERM_NOT_ENDED";
	enum subscription_status next = early      ? SUB_ENDED_EARLY_RETURN
	                                : complete ? SUB_ENDED_COMPLETED
	                                           : SUB_CANCELLED;
	out->new_status = (int)next;
	change(p, "status", subscription_status_name[s->status], subscription_status_name[next]);
	change(p, "endDate", NULL, s->today);
	if (early) {
		if (q->condition >= 0 && q->condition < COND__MAX)
			change(p, "earlyReturnDetails.returnCondition", NULL,
			       return_condition_name[q->condition]);
		out->fee_cents = q->fee_cents > 0 ? q->fee_cents : 0;
		change(p, "earlyReturnDetails.fee", NULL,
		       arena_printf(p->a, "%lld.%02lld", (long long)(out->fee_cents / 100),
		                    (long long)(out->fee_cents % 100)));
	} else if (!complete && q->cancel_reason >= 0 && q->cancel_reason < CANCEL_REASON__MAX) {
		change(p, "cancellationDetails.reason", NULL, cancel_reason_name[q->cancel_reason]);
	}
	/* a completed term's payments are owed; an ended rental's future ones
	 * are not */
	for (size_t i = 0; i < s->npayments && !complete; i++) {
		const struct action_payment *x = &s->payments[i];
		if (x->status == PAYMENT_PENDING) {
			change(p, arena_printf(p->a, "payments[%s].status", x->public_id),
			       payment_status_name[x->status],
			       payment_status_name[PAYMENT_CANCELLED]);
			out->payments_cancelled++;
		} else {
			out->payments_processing++;
		}
	}
	if (s->asset_serial != NULL && s->asset_with_customer) {
		out->device_coming_back = true;
		change(p, arena_printf(p->a, "assets[%s].returnExpected", s->asset_serial), NULL,
		       s->today);
	}
	return "ok";
}

static const char *plan_asset(struct plan *p, const struct action_asset *x,
                              const struct action_request *q)
{
	struct action_result *out = p->out;
	out->previous_status = (int)x->status;
	out->asset_serial = x->serial;
	out->date = x->today;
	if (q->asset_status == ASSET_RENTED_OUT)
		return "INVALID_STATUS"; /* only a new rental puts a device out */
	if (x->status == q->asset_status)
		return arena_printf(p->a, "ALREADY_%s",
		                    q->asset_status == ASSET_RETURNED      ? "RETURNED"
		                    : q->asset_status == ASSET_SOLD        ? "SOLD"
		                    : q->asset_status == ASSET_UNAVAILABLE ? "UNAVAILABLE"
		                                                           : "AVAILABLE");
	if (x->active_rental != NULL)
		return "ASSET_IN_USE";
	out->new_status = (int)q->asset_status;
	change(p, "status", asset_status_name[x->status], asset_status_name[q->asset_status]);
	bool off = q->asset_status == ASSET_RETURNED || q->asset_status == ASSET_AVAILABLE;
	if (off && x->customer_public_id != NULL)
		change(p, "customerId", x->customer_public_id, NULL);
	if (q->asset_status == ASSET_RETURNED) {
		out->date = q->returned_on ? q->returned_on : x->today;
		change(p, "returnedOn", NULL, out->date);
		if (q->condition >= 0 && q->condition < COND__MAX)
			change(p, "returnCondition", NULL, return_condition_name[q->condition]);
	}
	if (q->location != NULL && q->location[0] != '\0')
		change(p, "location", NULL, q->location);
	return "ok";
}

typedef union {
	struct action_order o;
	struct action_subscription s;
	struct action_asset x;
} record_state;

/* Reads the record (locked or not) and plans the action on it. */
static enum err load_and_plan(struct db *db, struct arena *a, unsigned tenant,
                              const struct action_request *q, bool lock, struct action_result *out,
                              record_state *rec)
{
	struct plan p = {a, out, 0};
	enum err rc;
	switch (q->action) {
	case ACTION_ORDER_CANCEL:
		if ((rc = db_action_order(db, a, tenant, q->record, lock, &rec->o)))
			return rc;
		out->customer_id = rec->o.customer_id;
		out->customer_public_id = rec->o.customer_public_id;
		out->outcome = plan_order(&p, &rec->o, q);
		break;
	case ACTION_SUBSCRIPTION_CANCEL:
	case ACTION_EARLY_RETURN:
	case ACTION_SUBSCRIPTION_COMPLETE:
		if ((rc = db_action_subscription(db, a, tenant, q->record, lock, &rec->s)))
			return rc;
		out->customer_id = rec->s.customer_id;
		out->customer_public_id = rec->s.customer_public_id;
		out->outcome = plan_subscription(&p, &rec->s, q);
		break;
	case ACTION_DEVICE_STATUS:
		if ((rc = db_action_asset(db, a, tenant, q->record, lock, &rec->x)))
			return rc;
		out->customer_id = rec->x.customer_id;
		out->customer_public_id = rec->x.customer_public_id;
		out->outcome = plan_asset(&p, &rec->x, q);
		break;
	default: return ERR_INTERNAL;
	}
	/* the page's customer: another customer's record is not found there */
	if (q->customer != NULL &&
	    (out->customer_public_id == NULL || strcmp(q->customer, out->customer_public_id) != 0))
		return ERR_NOT_FOUND;
	return ERR_OK;
}

enum err action_preview(struct db *db, struct arena *a, unsigned tenant,
                        const struct action_request *q, struct action_result *out)
{
	memset(out, 0, sizeof(*out));
	record_state rec;
	return load_and_plan(db, a, tenant, q, false, out, &rec);
}

struct tx {
	const struct actor *who;
	const struct action_request *q;
	struct action_result *out;
	enum err result; /* ERR_OK, ERR_REFUSED or ERR_NOT_FOUND: committed either way */
};

/* The audit row's note holds 500 characters: a longer one is cut to 497
 * whole characters (never inside one: a cut UTF-8 sequence is refused by
 * the database, and the whole action with it). */
static const char *note_fit(struct arena *a, const char *note)
{
	size_t chars = 0, cut = 0;
	for (size_t i = 0; note[i] != '\0'; i++) {
		if (((unsigned char)note[i] & 0xC0) == 0x80)
			continue; /* inside a character */
		if (++chars == 498)
			cut = i;
	}
	return chars <= 500 ? note : arena_strndup(a, note, cut);
}

static enum err audit(struct db *db, struct arena *a, struct tx *t, uint64_t customer_id,
                      const char *outcome, const char *changes)
{
	const struct action_request *q = t->q;
	const char *note = q->notes;
	if (q->reason != NULL && q->reason[0] != '\0')
		note = q->notes && q->notes[0] ? arena_printf(a, "%s: %s", q->reason, q->notes)
		                               : q->reason;
	if (note != NULL)
		note = note_fit(a, note);
	struct audit_entry e = {t->who->name,
	                        t->who->tenant,
	                        customer_id,
	                        q->record,
	                        action_audit_name(q),
	                        t->who->channel,
	                        -1,
	                        note,
	                        outcome,
	                        t->who->request_id,
	                        t->who->bulk_run_id,
	                        changes};
	return db_audit_insert(db, a, &e);
}

static enum err write_order(struct db *db, struct arena *a, struct tx *t,
                            const struct action_order *o)
{
	bool changed;
	enum err rc;
	if (t->out->rentals_kept > 0)
		for (size_t i = 0; i < o->nlines; i++) {
			const struct action_line *l = &o->lines[i];
			int64_t open = l->quantity - l->cancelled - l->rentals;
			if (l->kind == ITEM_DEVICE && open > 0 &&
			    (rc = db_order_line_cancel_units(db, a, l->id, l->cancelled + open)))
				return rc;
		}
	const char *reason = t->q->reason && t->q->reason[0] ? t->q->reason : NULL;
	if ((rc = db_order_cancel(db, a, o->id, (enum order_status)t->out->new_status, t->who->name,
	                          reason, &changed)))
		return rc;
	return changed ? ERR_OK : db_fail_retry(db, "the order left flight under its lock");
}

static enum err write_subscription(struct db *db, struct arena *a, struct tx *t,
                                   const struct action_subscription *s)
{
	const struct action_request *q = t->q;
	struct action_result *out = t->out;
	bool early = q->action == ACTION_EARLY_RETURN;
	struct subscription_end e = {(enum subscription_status)out->new_status,
	                             t->who->name,
	                             q->action == ACTION_SUBSCRIPTION_CANCEL ? q->cancel_reason
	                                                                     : -1,
	                             early ? q->reason : NULL,
	                             q->notes,
	                             early ? q->condition : -1,
	                             early ? out->fee_cents : -1};
	bool changed;
	enum err rc = db_subscription_end(db, a, s->id, &e, &changed);
	if (rc != ERR_OK)
		return rc;
	if (!changed)
		return db_fail_retry(db, "the subscription ended under its lock");
	for (size_t i = 0; i < s->npayments && q->action != ACTION_SUBSCRIPTION_COMPLETE; i++)
		if (s->payments[i].status == PAYMENT_PENDING &&
		    ((rc = db_payment_cancel(db, a, s->payments[i].id, &changed)) || !changed))
			return rc ? rc : db_fail_retry(db, "a payment changed under its lock");
	if (out->device_coming_back &&
	    (rc = db_asset_expect_return(db, a, s->asset_serial, s->customer_id)))
		return rc;
	if (early && out->fee_cents > 0) {
		unsigned char raw[6];
		char hex[13];
		if (random_bytes(raw, sizeof(raw)) != 0)
			return ERR_INTERNAL;
		hex_encode(raw, sizeof(raw), hex);
		out->fee_payment_id = arena_printf(a, "pay_%s", hex);
		if ((rc =
		         db_payment_insert_fee(db, a, out->fee_payment_id, t->who->tenant,
		                               s->customer_id, s->id, out->fee_cents, s->currency)))
			return rc;
		struct plan p = {a, out, out->nchanges};
		change(&p, arena_printf(a, "payments[%s].status", out->fee_payment_id), NULL,
		       payment_status_name[PAYMENT_PENDING]);
	}
	return ERR_OK;
}

static enum err write_asset(struct db *db, struct arena *a, struct tx *t,
                            const struct action_asset *x)
{
	const struct action_request *q = t->q;
	bool ret = q->asset_status == ASSET_RETURNED;
	struct asset_change c = {q->asset_status,
	                         ret || q->asset_status == ASSET_AVAILABLE,
	                         ret ? t->out->date : NULL,
	                         ret ? q->condition : -1,
	                         q->notes,
	                         q->location};
	(void)x;
	return db_asset_set_status(db, a, q->record, &c);
}

/*
 * The rule as it reads: find the record's customer, lock the customer's
 * row, lock the record and check it still belongs there, plan, write,
 * audit.
 */
static enum err act_tx(struct db *db, struct arena *a, void *vctx)
{
	struct tx *t = vctx;
	const struct action_request *q = t->q;
	struct action_result *out = t->out;
	unsigned tenant = t->who->tenant;
	memset(out, 0, sizeof(*out));
	t->result = ERR_OK;
	record_state rec;
	enum err rc = load_and_plan(db, a, tenant, q, false, out, &rec);
	if (rc == ERR_NOT_FOUND) {
		t->result = ERR_NOT_FOUND;
		out->outcome = "NOT_FOUND";
		return audit(db, a, t, 0, "NOT_FOUND", NULL);
	}
	if (rc != ERR_OK)
		return rc;
	uint64_t customer_id = out->customer_id;
	if (out->customer_public_id != NULL) {
		struct customer_row c;
		rc = db_customer_lock(db, a, tenant, out->customer_public_id, &c);
		if (rc == ERR_NOT_FOUND)
			return db_fail_retry(db, "the record's customer vanished");
		if (rc != ERR_OK)
			return rc;
	}
	memset(out, 0, sizeof(*out));
	if ((rc = load_and_plan(db, a, tenant, q, true, out, &rec)) == ERR_NOT_FOUND) {
		t->result = ERR_NOT_FOUND;
		out->outcome = "NOT_FOUND";
		return audit(db, a, t, customer_id, "NOT_FOUND", NULL);
	}
	if (rc != ERR_OK)
		return rc;
	/* the device moved to another customer between the reads */
	if (out->customer_id != customer_id)
		return db_fail_retry(db, "the record moved to another customer");
	if (strcmp(out->outcome, "ok") != 0) {
		t->result = ERR_REFUSED;
		return audit(db, a, t, out->customer_id, out->outcome, NULL);
	}
	switch (q->action) {
	case ACTION_ORDER_CANCEL: rc = write_order(db, a, t, &rec.o); break;
	case ACTION_SUBSCRIPTION_CANCEL:
	case ACTION_EARLY_RETURN:
	case ACTION_SUBSCRIPTION_COMPLETE: rc = write_subscription(db, a, t, &rec.s); break;
	case ACTION_DEVICE_STATUS: rc = write_asset(db, a, t, &rec.x); break;
	default: rc = ERR_INTERNAL;
	}
	if (rc != ERR_OK)
		return rc;
	const char *changes = audit_changes_json(a, out->changes, out->nchanges);
	if (changes == NULL)
		return ERR_INTERNAL;
	return audit(db, a, t, out->customer_id, "ok", changes);
}

enum err action_run(struct db *db, struct arena *a, const struct actor *who,
                    const struct action_request *q, struct action_result *out)
{
	struct tx t = {who, q, out, ERR_OK};
	enum err rc = db_transaction(db, a, act_tx, &t);
	if (rc == ERR_OK)
		return t.result;
	memset(out, 0, sizeof(*out));
	if (rc == ERR_RETRY || rc == ERR_UNAVAILABLE) {
		out->outcome = rc == ERR_RETRY ? "LOCK_TIMEOUT" : "UNAVAILABLE";
	} else {
		log_error("%s %s failed: %s", action_audit_name(q), q->record, db_error(db));
		out->outcome = "ERROR";
		rc = ERR_INTERNAL;
	}
	/* one audit row for the attempt, on its own, when the database lets us */
	action_audit_refusal(db, a, who, q->action, q->record, action_audit_name(q), out->outcome);
	return rc;
}

void action_audit_refusal(struct db *db, struct arena *a, const struct actor *who,
                          enum record_action kind, const char *record, const char *action,
                          const char *outcome)
{
	struct action_request q = {.action = kind,
	                           .record = record,
	                           .cancel_reason = -1,
	                           .condition = -1,
	                           .fee_cents = -1,
	                           .asset_status = ASSET_RETURNED};
	struct action_result r;
	record_state rec;
	memset(&r, 0, sizeof(r));
	if (load_and_plan(db, a, who->tenant, &q, false, &r, &rec) != ERR_OK)
		r.customer_id = 0;
	struct audit_entry e = {
	    who->name, who->tenant, r.customer_id, record,          action,           who->channel,
	    -1,        NULL,        outcome,       who->request_id, who->bulk_run_id, NULL};
	if (db_audit_insert(db, a, &e) != ERR_OK)
		log_error("could not audit %s of %s (%s)", action, record, outcome);
}
