/* "Close when clear": POST /customers/{id}/closure, POST
 * /closures/{id}/withdraw, GET /closures (and the blocks the customer and
 * confirmation pages show, fill_closure_*() in pages/common.c). */
#include <string.h>

#include "domain/closures.h"
#include "http/error.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/buf.h"
#include "util/fmt.h"

#define PAGE_SIZE 50

void page_closure_file(struct req *r)
{
	struct arena *a = r->arena;
	int reason = (int)req_int(r, KEY_REASON, -1);
	if (reason < 0) {
		http_error(r, 400, "INVALID_PARAMETER",
		           "reason: choose why this customer is to be deactivated.");
		return;
	}
	struct actor who = page_actor(r);
	struct closure_filed out;
	enum err rc = closure_file(r->app->db, a, &who, r->arg, (enum reason)reason,
	                           req_str(r, KEY_NOTE), req_int(r, KEY_CANCEL_NOW, 0) == 1, &out);
	if (rc == ERR_OK) {
		view_flash(r, "closure_filed");
		resp_redirect(r, arena_printf(a, "/customers/%s#closure", r->arg));
		return;
	}
	if (rc != ERR_REFUSED) {
		page_customer_failed(r, rc);
		return;
	}
	if (strcmp(out.outcome, "CLOSURE_PENDING") == 0)
		http_error(r, 409, "CLOSURE_PENDING",
		           arena_printf(a,
		                        "This customer already has a pending closure request (%s, "
		                        "filed by %s); nothing was changed. Withdraw it first to "
		                        "file another.",
		                        out.public_id, out.requested_by));
	else
		http_error(r, 409, "ALREADY_INACTIVE",
		           "This customer is already inactive; there is nothing to close.");
}

void page_closure_withdraw(struct req *r)
{
	struct actor who = page_actor(r);
	const char *outcome, *customer;
	enum err rc = closure_withdraw(r->app->db, r->arena, &who, r->arg, &outcome, &customer);
	if (rc == ERR_OK) {
		view_flash(r, "closure_withdrawn");
		resp_redirect(r, arena_printf(r->arena, "/customers/%s", customer));
		return;
	}
	if (rc == ERR_REFUSED) {
		http_error(r, 409, "CLOSURE_NOT_PENDING",
		           "This closure request is no longer pending (done or withdrawn); nothing "
		           "was changed.");
		return;
	}
	if (rc == ERR_NOT_FOUND) {
		http_error(r, 404, "NOT_FOUND", "There is no such closure request.");
		return;
	}
	page_customer_failed(r, rc);
}

/* The list's address with its filter and an optional keyset. */
static const char *list_url(struct req *r, int state, uint64_t before)
{
	struct buf b;
	buf_init(&b, r->arena, 64);
	buf_puts(&b, "/closures");
	const char *sep = "?";
	const char *name = input_choice_name(KEY_CLOSURE_STATE, state);
	if (req_str(r, KEY_CLOSURE_STATE) != NULL && name != NULL) {
		buf_printf(&b, "%sstate=%s", sep, name);
		sep = "&";
	}
	if (before)
		buf_printf(&b, "%sbefore=%llu", sep, (unsigned long long)before);
	return b.p;
}

static void closure_item(struct req *r, struct tmpl_dict *row, const struct closure_row *k)
{
	struct arena *a = r->arena;
	tmpl_set(row, "CLOSURE_ID", k->public_id);
	tmpl_set(row, "STATE", closure_state_name[k->state]);
	tmpl_set(row, "CUSTOMER_ID", k->customer_public_id);
	tmpl_set(row, "CUSTOMER_URL", arena_printf(a, "/customers/%s", k->customer_public_id));
	tmpl_set(row, "NAME", row_name_of(a, k->first_name, k->last_name));
	tmpl_set(row, "EMAIL", k->email);
	tmpl_set(row, "REASON", reason_label((int)k->reason));
	tmpl_set(row, "NOTE", k->note);
	tmpl_set(row, "REQUESTED_BY", k->requested_by);
	tmpl_set(row, "REQUESTED_AT", fmt_datetime(a, k->requested_at));
	tmpl_set(row, "VIA", channel_name[k->channel]);
	if (k->state == CLOSURE_PENDING) {
		struct tmpl_dict *p = tmpl_add(row, "PENDING");
		fill_waiting_for(r, p, k->waiting_for, k->checked_at);
	} else if (k->state == CLOSURE_DONE) {
		tmpl_set(tmpl_add(row, "DONE"), "DONE_AT", fmt_datetime(a, k->done_at));
	} else {
		struct tmpl_dict *w = tmpl_add(row, "WITHDRAWN");
		tmpl_set(w, "WITHDRAWN_AT", fmt_datetime(a, k->withdrawn_at));
		tmpl_set(w, "WITHDRAWN_BY", k->withdrawn_by);
	}
	/* what happened since, computed now */
	if (k->reactivated_at != NULL)
		tmpl_set(tmpl_add(row, "REACTIVATED"), "REACTIVATED_AT",
		         fmt_datetime(a, k->reactivated_at));
	if (k->orders_since > 0)
		tmpl_set_int(tmpl_add(row, "ORDERS_SINCE"), "ORDERS", k->orders_since);
	if (k->reactivated_at == NULL && k->orders_since == 0)
		tmpl_show(row, "NOTHING_SINCE");
}

void page_closures(struct req *r)
{
	struct arena *a = r->arena;
	int state = (int)req_int(r, KEY_CLOSURE_STATE, -1);
	uint64_t before = (uint64_t)req_int(r, KEY_CLOSURES_BEFORE, 0);
	struct closure_list l;
	enum err rc =
	    db_closure_list(r->app->db, a, r->user.tenant, state, before, PAGE_SIZE + 1, &l);
	if (rc != ERR_OK) {
		page_customer_failed(r, rc);
		return;
	}
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, "Closure requests", "closures.tpl", NAV_CLOSURES);
	static const char *const labels[] = {"Pending", "Done", "Withdrawn", "All"};
	static const int values[] = {CLOSURE_PENDING, CLOSURE_DONE, CLOSURE_WITHDRAWN, -1};
	for (size_t i = 0; i < 4; i++) {
		struct tmpl_dict *o = tmpl_add(d, "STATE_OPTION");
		tmpl_set(o, "OPTION_VALUE", input_choice_name(KEY_CLOSURE_STATE, values[i]));
		tmpl_set(o, "OPTION_LABEL", labels[i]);
		if (values[i] == state)
			tmpl_show(o, "OPTION_SELECTED");
	}
	size_t shown = l.n > PAGE_SIZE ? PAGE_SIZE : l.n;
	for (size_t i = 0; i < shown; i++)
		closure_item(r, tmpl_add(d, "ITEM"), &l.rows[i]);
	if (l.n == 0)
		tmpl_show(d, "NONE");
	if (l.n > PAGE_SIZE)
		tmpl_set(tmpl_add(d, "NEXT"), "NEXT_URL", list_url(r, state, l.rows[shown - 1].id));
	if (before)
		tmpl_set(tmpl_add(d, "FIRST"), "FIRST_URL", list_url(r, state, 0));
	view_send(r, &v, 200);
}
