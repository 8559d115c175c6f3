/* GET, POST /orders/{id}/cancel, /subscriptions/{id}/cancel,
 * /subscriptions/{id}/early-return and /devices/{serial}/status: the
 * actions that clear a deactivation's blockers, each with its confirmation
 * page (what will change), all through action_run() (domain/actions.c).
 * After the action, back to the customer's deactivation checklist. */
#include <string.h>

#include "domain/actions.h"
#include "http/error.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/fmt.h"

/* What each page is, in the words the operator reads. */
struct action_page {
	const char *crumb;
	const char *heading; /* before the record's id */
	const char *lead;
	const char *submit;
	const char *flash;
	const char *path_head, *path_tail; /* around the record's id */
	const char *route_action;          /* its route's action (src/route.c) */
};

static const struct action_page pages[ACTION__MAX] = {
    [ACTION_ORDER_CANCEL] = {"Cancel order", "Cancel order",
                             "An order in flight would create subscriptions after the "
                             "deactivation. Cancelling it stops that. A partly fulfilled order "
                             "keeps the rentals it already made and cancels only its "
                             "unfulfilled units.",
                             "Cancel the order", "order_cancelled", "/orders/", "/cancel",
                             "order_cancel"},
    [ACTION_SUBSCRIPTION_CANCEL] = {"Cancel subscription", "Cancel subscription",
                                    "The rental ends today. Its pending payments are cancelled; "
                                    "its device, if the customer has it, is marked as coming "
                                    "back, and stays a blocker until its return is recorded.",
                                    "Cancel the subscription", "subscription_ended",
                                    "/subscriptions/", "/cancel", "subscription_cancel"},
    [ACTION_EARLY_RETURN] = {"Early return", "Early return of subscription",
                             "The customer gives the device back before the end of the "
                             "contract. The rental ends today with the condition you record; "
                             "its pending payments are cancelled and a fee, if any, becomes a "
                             "new pending payment. Record the device's return when it arrives.",
                             "Record the early return", "subscription_ended", "/subscriptions/",
                             "/early-return", "early_return"},
    [ACTION_DEVICE_STATUS] = {"Device", "Record what happened to device",
                              "A device leaves the customer when it comes back (returned), is "
                              "sold to them, or is lost (unavailable). Its rental must have "
                              "ended first.",
                              "Save", "device_recorded", "/devices/", "/status", "device_status"},
};

/* The refusals, as the operator reads them. */
static const struct {
	const char *code;
	const char *message;
} refusals[] = {
    {"ALREADY_CANCELLED", "it is already cancelled; there is nothing to do."},
    {"ORDER_NOT_CANCELLABLE",
     "the order is fulfilled: its rentals exist. End its subscriptions instead."},
    {"ALREADY_ENDED", "the subscription has already ended."},
    {"SUBSCRIPTION_NOT_ACTIVE", "only an active subscription can be returned early."},
    {"TERM_NOT_ENDED", "the subscription's term has not ended yet."},
    {"ASSET_IN_USE", "an active subscription still has this device. End it first."},
    {"INVALID_STATUS", "a device is only rented out by a new rental."},
    {"ALREADY_RETURNED", "the device's return is already recorded."},
    {"ALREADY_SOLD", "the device is already marked sold."},
    {"ALREADY_UNAVAILABLE", "the device is already marked lost (unavailable)."},
    {"ALREADY_AVAILABLE", "the device is already available."},
};

static const char *refusal_message(const char *code)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (strcmp(refusals[i].code, code) == 0)
			return refusals[i].message;
	return "the record's state does not allow it.";
}

static const char *const device_status_values[] = {"returned", "sold", "unavailable"};
static const char *const device_status_labels[] = {"Returned: it is back with us",
                                                   "Sold to the customer", "Lost (unavailable)"};
static const enum asset_status device_status_of[] = {ASSET_RETURNED, ASSET_SOLD, ASSET_UNAVAILABLE};
static const char *const condition_labels[COND__MAX] = {"Excellent", "Good", "Fair", "Poor",
                                                        "Damaged"};

/* The request of this page as the form gives it. */
static struct action_request request_of(struct req *r, enum record_action kind)
{
	struct action_request q = {
	    .action = kind,
	    .record = r->arg,
	    .reason = req_str(r, KEY_REASON_TEXT),
	    .cancel_reason = (int)req_int(r, KEY_CANCEL_REASON, -1),
	    .notes = req_str(r, KEY_NOTES),
	    .condition = (int)req_int(r, KEY_CONDITION, -1),
	    .fee_cents = req_int(r, KEY_FEE, -1),
	    .asset_status = (enum asset_status)req_int(r, KEY_DEVICE_STATUS, ASSET_RETURNED),
	    .returned_on = req_str(r, KEY_RETURNED_ON),
	};
	if (q.notes && !q.notes[0])
		q.notes = NULL;
	if (q.reason && !q.reason[0])
		q.reason = NULL;
	return q;
}

/* A required field the form left out, as the error to show (NULL: none). */
static const char *missing(const struct action_request *q)
{
	if (q->action == ACTION_SUBSCRIPTION_CANCEL && q->cancel_reason < 0)
		return "Reason: choose why the subscription is cancelled.";
	if (q->action == ACTION_EARLY_RETURN && q->condition < 0)
		return "Condition: choose the condition the device came back in.";
	if (q->action == ACTION_EARLY_RETURN && q->reason == NULL)
		return "Reason: say why the customer returns the device early.";
	return NULL;
}

static void fill_plan(struct req *r, struct tmpl_dict *d, const struct action_result *p)
{
	struct arena *a = r->arena;
	struct tmpl_dict *x = tmpl_add(d, "PLAN");
	for (size_t i = 0; i < p->nchanges; i++) {
		const struct audit_change *c = &p->changes[i];
		struct tmpl_dict *row = tmpl_add(x, "CHANGE");
		tmpl_set(row, "FIELD", c->field);
		if (c->old_value)
			tmpl_set(tmpl_add(row, "OLD"), "OLD_VALUE", c->old_value);
		if (c->new_value)
			tmpl_set(tmpl_add(row, "NEW"), "NEW_VALUE", c->new_value);
		else
			tmpl_show(row, "CLEARED");
	}
	if (p->payments_processing > 0)
		tmpl_set(
		    tmpl_add(x, "EXTRA"), "TEXT",
		    arena_printf(a,
		                 "%zu payment%s already with the payment provider (processing) "
		                 "%s left as %s: it settles or fails there.",
		                 p->payments_processing, p->payments_processing == 1 ? "" : "s",
		                 p->payments_processing == 1 ? "is" : "are",
		                 p->payments_processing == 1 ? "it is" : "they are"));
	if (p->device_coming_back)
		tmpl_set(tmpl_add(x, "EXTRA"), "TEXT",
		         arena_printf(a,
		                      "The device %s stays with the customer until you record its "
		                      "return: it still blocks the deactivation.",
		                      p->asset_serial));
	if (p->rentals_kept > 0)
		tmpl_set(tmpl_add(x, "EXTRA"), "TEXT",
		         arena_printf(a, "%lld rental%s already made from this order %s kept.",
		                      (long long)p->rentals_kept, p->rentals_kept == 1 ? "" : "s",
		                      p->rentals_kept == 1 ? "is" : "are"));
}

static void fill_fields(struct req *r, struct tmpl_dict *f, const struct action_request *q,
                        const struct action_result *p)
{
	struct arena *a = r->arena;
	const char *cond = q->condition >= 0 ? return_condition_name[q->condition] : NULL;
	switch (q->action) {
	case ACTION_ORDER_CANCEL:
		tmpl_set(tmpl_add(f, "ORDER_FIELDS"), "REASON_TEXT", q->reason);
		break;
	case ACTION_SUBSCRIPTION_CANCEL:
		fill_options(tmpl_add(f, "CANCEL_FIELDS"), "CANCEL_REASON", cancel_reason_name,
		             cancel_reason_label, CANCEL_REASON__MAX,
		             q->cancel_reason >= 0 ? cancel_reason_name[q->cancel_reason] : NULL);
		break;
	case ACTION_EARLY_RETURN: {
		struct tmpl_dict *e = tmpl_add(f, "EARLY_FIELDS");
		fill_options(e, "CONDITION_OPTION", return_condition_name, condition_labels,
		             COND__MAX, cond);
		tmpl_set(e, "CURRENCY", p->currency ? p->currency : "");
		if (q->fee_cents >= 0)
			tmpl_set(e, "FEE",
			         arena_printf(a, "%lld.%02lld", (long long)(q->fee_cents / 100),
			                      (long long)(q->fee_cents % 100)));
		tmpl_set(e, "REASON_TEXT", q->reason);
		break;
	}
	case ACTION_DEVICE_STATUS: {
		struct tmpl_dict *e = tmpl_add(f, "DEVICE_FIELDS");
		const char *cur = "returned";
		for (size_t i = 0; i < 3; i++)
			if (device_status_of[i] == q->asset_status)
				cur = device_status_values[i];
		fill_options(e, "DEVICE_STATUS", device_status_values, device_status_labels, 3,
		             cur);
		fill_options(e, "CONDITION_OPTION", return_condition_name, condition_labels,
		             COND__MAX, cond);
		tmpl_set(e, "RETURNED_ON", q->returned_on ? q->returned_on : p->date);
		break;
	}
	default: break;
	}
	tmpl_set(f, "NOTES", q->notes);
}

/* The confirmation page. refused: the code that refuses it (from the
 * preview or the run), NULL when it can go ahead. */
static void render(struct req *r, const struct action_request *q, const struct action_result *p,
                   const struct customer_row *c, int status, const char *refused, bool posted,
                   const char *field_error)
{
	struct arena *a = r->arena;
	const struct action_page *pg = &pages[q->action];
	struct view v;
	const char *heading = arena_printf(a, "%s %s?", pg->heading, q->record);
	struct tmpl_dict *d = view_begin(r, &v, heading, "record_action.tpl", NAV_CUSTOMERS);
	fill_customer_head(r, d, c);
	tmpl_set(d, "HEADING", heading);
	tmpl_set(d, "CRUMB", pg->crumb);
	tmpl_set(d, "LEAD", pg->lead);
	tmpl_set(d, "CHECKLIST_URL", arena_printf(a, "/customers/%s/deactivate", c->public_id));
	if (refused != NULL) {
		struct tmpl_dict *x = tmpl_add(d, "REFUSED");
		tmpl_set(x, "REFUSED_TITLE",
		         posted ? "Refused: nothing was changed" : "This cannot be done now");
		tmpl_set(x, "CODE", refused);
		tmpl_set(x, "MESSAGE", refusal_message(refused));
		view_send(r, &v, status);
		return;
	}
	fill_plan(r, d, p);
	if (!req_can_write(r)) {
		tmpl_show(d, "READ_ONLY");
	} else {
		struct tmpl_dict *f = tmpl_add(d, "FORM");
		tmpl_set(f, "ACTION_URL",
		         arena_printf(a, "%s%s%s", pg->path_head, q->record, pg->path_tail));
		tmpl_set(f, "SUBMIT", pg->submit);
		fill_csrf(r, f, r->route->action, q->record);
		if (field_error)
			tmpl_set(tmpl_add(f, "FIELD_ERROR"), "ERROR", field_error);
		fill_fields(r, f, q, p);
	}
	view_send(r, &v, status);
}

static void record_failed(struct req *r, enum err rc)
{
	if (rc == ERR_NOT_FOUND)
		http_error(
		    r, 404, "NOT_FOUND",
		    "There is no such record here. Check the id, or open the customer's page.");
	else
		http_fail_kind(r, rc);
}

/* The preview and its customer; answers and returns false when it cannot. */
static bool preview(struct req *r, const struct action_request *q, struct action_result *p,
                    struct customer_row *c)
{
	enum err rc = action_preview(r->app->db, r->arena, r->user.tenant, q, p);
	if (rc == ERR_OK && p->customer_public_id == NULL)
		rc =
		    ERR_NOT_FOUND; /* a device with no customer: nothing of a customer's to clear */
	if (rc == ERR_OK)
		rc = customer_by_public_id(r->app->db, r->arena, r->user.tenant,
		                           p->customer_public_id, c);
	if (rc != ERR_OK)
		record_failed(r, rc);
	return rc == ERR_OK;
}

static void form(struct req *r, enum record_action kind)
{
	struct action_request q = request_of(r, kind);
	struct action_result p;
	struct customer_row c;
	if (!preview(r, &q, &p, &c))
		return;
	bool ok = strcmp(p.outcome, "ok") == 0;
	render(r, &q, &p, &c, 200, ok ? NULL : p.outcome, false, NULL);
}

static void act(struct req *r, enum record_action kind)
{
	struct arena *a = r->arena;
	struct action_request q = request_of(r, kind);
	const char *why = missing(&q);
	struct action_result p;
	struct customer_row c;
	if (why != NULL) {
		if (!preview(r, &q, &p, &c))
			return;
		bool ok = strcmp(p.outcome, "ok") == 0;
		render(r, &q, &p, &c, ok ? 400 : 409, ok ? NULL : p.outcome, false, why);
		return;
	}
	struct actor who = page_actor(r);
	struct action_result out;
	enum err rc = action_run(r->app->db, a, &who, &q, &out);
	if (rc == ERR_OK) {
		view_flash(r, pages[kind].flash);
		resp_redirect(r,
		              arena_printf(a, "/customers/%s/deactivate", out.customer_public_id));
		return;
	}
	if (rc != ERR_REFUSED) {
		record_failed(r, rc);
		return;
	}
	/* 409, with the state seen under the lock */
	if (customer_by_public_id(r->app->db, a, r->user.tenant, out.customer_public_id, &c) !=
	    ERR_OK) {
		record_failed(r, ERR_NOT_FOUND);
		return;
	}
	render(r, &q, &out, &c, 409, out.outcome, true, NULL);
}

/* The action of the route, by the route's action name (src/route.c). */
static enum record_action kind_of(const struct req *r)
{
	for (int k = 0; k < ACTION__MAX; k++)
		if (pages[k].route_action && strcmp(pages[k].route_action, r->route->action) == 0)
			return (enum record_action)k;
	return ACTION_DEVICE_STATUS;
}

void page_record_action_form(struct req *r)
{
	form(r, kind_of(r));
}

void page_record_action(struct req *r)
{
	act(r, kind_of(r));
}
