/* GET, POST /customers/{id}/deactivate and /customers/{id}/reactivate */
#include <string.h>

#include "http/error.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/fmt.h"

struct form_state {
	int status;          /* 200, 400 (invalid input) or 409 (refused) */
	const char *refused; /* the error codes of a refused POST */
	const char *field_error;
	int reason; /* the submitted values, to keep them (-1: none) */
	const char *note;
};

/* "Close when clear" on a blocked customer's confirmation page: its
 * pending request, or (operators and admins) the form that files one. */
static void fill_close_when_clear(struct req *r, struct tmpl_dict *d, const struct customer_row *c,
                                  const struct prereq *pre)
{
	if (c->status == CUSTOMER_INACTIVE || fill_pending_closure(r, d, c) || prereq_passed(pre) ||
	    !req_can_write(r))
		return;
	struct tmpl_dict *f = tmpl_add(d, "CLOSURE_FORM");
	fill_csrf(r, f, "closure_request", c->public_id);
	tmpl_set(f, "CLOSURE_URL", arena_printf(r->arena, "/customers/%s/closure", c->public_id));
	fill_reasons(f, -1);
}

/* The confirmation page of o; pre is the checklist to show (the one seen
 * under the lock, for a refused POST). */
static void render_deactivate(struct req *r, const struct customer_overview *o,
                              const struct prereq *pre, const struct form_state *st)
{
	struct arena *a = r->arena;
	const struct customer_row *c = &o->customer;
	const char *pid = c->public_id;
	bool inactive = c->status == CUSTOMER_INACTIVE;
	struct view v;
	struct tmpl_dict *d =
	    view_begin(r, &v, arena_printf(a, "Deactivate %s", customer_display_name(a, c)),
	               "deactivate.tpl", NAV_CUSTOMERS);
	fill_customer_head(r, d, c);
	fill_prereq(r, d, pid, pre);
	fill_retention(r, d, &o->retention, inactive, c->devices_out);
	tmpl_set(d, "ACTION_URL", arena_printf(a, "/customers/%s/deactivate", pid));
	tmpl_set(d, "RETENTION_URL", arena_printf(a, "/customers/%s/retention", pid));
	tmpl_set(d, "REACTIVATE_URL", arena_printf(a, "/customers/%s/reactivate", pid));
	if (st->refused != NULL) {
		struct tmpl_dict *x = tmpl_add(d, "REFUSED");
		char *codes = arena_strdup(a, st->refused);
		for (char *tok = strtok(codes, ","); tok; tok = strtok(NULL, ","))
			tmpl_set(tmpl_add(x, "REFUSED_CODE"), "CODE", tok);
	}
	if (inactive) {
		tmpl_show(d, "ALREADY_INACTIVE");
	} else if (!req_can_write(r)) {
		tmpl_show(d, "READ_ONLY");
	} else {
		struct tmpl_dict *f = tmpl_add(d, "FORM");
		fill_csrf(r, f, "deactivate", pid);
		fill_reasons(f, st->reason);
		tmpl_set(f, "NOTE", st->note);
		if (st->field_error)
			tmpl_set(tmpl_add(f, "REASON_ERROR"), "ERROR", st->field_error);
		if (!prereq_passed(pre))
			tmpl_show(f, "SUBMIT_DISABLED");
	}
	fill_close_when_clear(r, d, c, pre);
	view_send(r, &v, st->status);
}

/* Loads a confirmation page's figures (with the blockers for a
 * deactivation); answers and returns false when it cannot. */
static bool load(struct req *r, bool blockers, struct customer_overview *o)
{
	enum err rc =
	    customer_confirmation(r->app->db, r->arena, r->user.tenant, r->arg, blockers, o);
	if (rc != ERR_OK)
		page_customer_failed(r, rc);
	return rc == ERR_OK;
}

void page_deactivate_form(struct req *r)
{
	struct customer_overview o;
	if (!load(r, true, &o))
		return;
	struct form_state st = {.status = 200, .reason = -1};
	render_deactivate(r, &o, &o.prereq, &st);
}

void page_deactivate(struct req *r)
{
	struct arena *a = r->arena;
	int reason = (int)req_int(r, KEY_REASON, -1);
	const char *note = req_str(r, KEY_NOTE);
	struct customer_overview o;
	if (reason < 0) {
		if (!load(r, true, &o))
			return;
		struct form_state st = {.status = 400,
		                        .field_error =
		                            "reason: choose why this customer is deactivated.",
		                        .reason = -1,
		                        .note = note};
		render_deactivate(r, &o, &o.prereq, &st);
		return;
	}
	struct actor who = page_actor(r);
	struct lifecycle_outcome out;
	enum err rc =
	    lifecycle_deactivate(r->app->db, a, &who, r->arg, (enum reason)reason, note, &out);
	if (rc == ERR_OK) {
		view_flash(r, out.changed ? "deactivated" : "already_inactive");
		resp_redirect(r, arena_printf(a, "/customers/%s/retention", r->arg));
		return;
	}
	if (rc != ERR_REFUSED) {
		page_customer_failed(r, rc);
		return;
	}
	/* 409 with the blocking records seen under the lock. */
	if (!load(r, false, &o))
		return;
	struct form_state st = {
	    .status = 409, .refused = out.outcome, .reason = reason, .note = note};
	render_deactivate(r, &o, &out.prereq, &st);
}

static void render_reactivate(struct req *r, const struct customer_overview *o, int status)
{
	struct arena *a = r->arena;
	const struct customer_row *c = &o->customer;
	const char *pid = c->public_id;
	bool inactive = c->status == CUSTOMER_INACTIVE;
	struct view v;
	struct tmpl_dict *d =
	    view_begin(r, &v, arena_printf(a, "Reactivate %s", customer_display_name(a, c)),
	               "reactivate.tpl", NAV_CUSTOMERS);
	fill_customer_head(r, d, c);
	fill_retention(r, d, &o->retention, inactive, c->devices_out);
	tmpl_set(d, "ACTION_URL", arena_printf(a, "/customers/%s/reactivate", pid));
	tmpl_set(d, "DEACTIVATE_URL", arena_printf(a, "/customers/%s/deactivate", pid));
	if (!inactive) {
		tmpl_show(d, "ALREADY_ACTIVE");
	} else {
		fill_deactivation(r, d, c);
		if (req_can_write(r))
			fill_csrf(r, tmpl_add(d, "FORM"), "reactivate", pid);
		else
			tmpl_show(d, "READ_ONLY");
	}
	view_send(r, &v, status);
}

void page_reactivate_form(struct req *r)
{
	struct customer_overview o;
	if (load(r, false, &o) && !page_refuse_erased(r, &o.customer))
		render_reactivate(r, &o, 200);
}

void page_reactivate(struct req *r)
{
	struct actor who = page_actor(r);
	struct lifecycle_outcome out;
	enum err rc =
	    lifecycle_reactivate(r->app->db, r->arena, &who, r->arg, req_str(r, KEY_NOTE), &out);
	if (rc == ERR_REFUSED && out.outcome && strcmp(out.outcome, "MERGED") == 0) {
		http_error(r, 409, "MERGED",
		           "This duplicate was merged into another customer, where its records are "
		           "now: it stays inactive. Open the customer it was merged into.");
		return;
	}
	if (rc == ERR_REFUSED && out.outcome && strcmp(out.outcome, "ERASED") == 0) {
		page_erased(r);
		return;
	}
	if (rc != ERR_OK) {
		page_customer_failed(r, rc);
		return;
	}
	view_flash(r, out.changed ? "reactivated" : "already_active");
	resp_redirect(r, arena_printf(r->arena, "/customers/%s", r->arg));
}
