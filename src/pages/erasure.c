/* GET, POST /customers/{id}/erase and POST /customers/{id}/legal-hold:
 * erasing an inactive customer's personal data through erasure_erase()
 * (domain/erasure.c), and the legal hold that forbids it. Admins only. The
 * GET is the confirmation page: what is erased, what is kept, and the
 * checks as they stand. */
#include <string.h>

#include "domain/customers.h"
#include "domain/erasure.h"
#include "http/error.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/fmt.h"

struct form_state {
	int status;
	const char *refused; /* a refused POST's codes */
	const char *field_error;
	bool art17;
	const char *note;
};

/* What each refusal means, for the page. */
static const char *refusal_text(const struct erasure_state *st, const char *code)
{
	(void)st;
	if (strcmp(code, "CUSTOMER_ACTIVE") == 0)
		return "the customer is active: deactivate it first.";
	if (strcmp(code, "LEGAL_HOLD") == 0)
		return "a legal hold is set: lift it first (on the customer's page).";
	if (strcmp(code, "PAYMENT_PENDING") == 0)
		return "a payment is pending or processing: wait until it is settled.";
	if (strcmp(code, "RETENTION_PERIOD") == 0)
		return "the tenant keeps personal data for a while after a deactivation; only a "
		       "GDPR "
		       "Art. 17 request may erase it before then.";
	return "refused.";
}

static void check(struct tmpl_dict *d, bool passed, const char *title, const char *code,
                  const char *text)
{
	struct tmpl_dict *c = tmpl_add(d, "CHECK");
	tmpl_show(c, passed ? "CHECK_PASSED" : "CHECK_FAILED");
	tmpl_set(c, "CHECK_TITLE", title);
	tmpl_set(c, "CHECK_CODE", code);
	tmpl_set(c, "CHECK_TEXT", text);
}

static void render(struct req *r, const struct customer_row *c, const struct erasure_state *st,
                   const struct form_state *fs)
{
	struct arena *a = r->arena;
	struct view v;
	struct tmpl_dict *d = view_begin(
	    r, &v, arena_printf(a, "Erase the personal data of %s", customer_display_name(a, c)),
	    "erase.tpl", NAV_CUSTOMERS);
	fill_customer_head(r, d, c);
	if (fs->refused != NULL) {
		struct tmpl_dict *x = tmpl_add(d, "REFUSED");
		char *codes = arena_strdup(a, fs->refused);
		for (char *tok = strtok(codes, ","); tok; tok = strtok(NULL, ",")) {
			struct tmpl_dict *y = tmpl_add(x, "REFUSED_CODE");
			tmpl_set(y, "CODE", tok);
			tmpl_set(y, "MESSAGE", refusal_text(st, tok));
		}
	}
	if (st->erased) {
		struct tmpl_dict *e = tmpl_add(d, "ERASED");
		tmpl_set(e, "ERASED_AT", fmt_datetime(a, st->erased_at));
		tmpl_set(e, "ERASED_BY", st->erased_by);
		tmpl_set(e, "FINANCIAL_UNTIL", st->financial_until);
		view_send(r, &v, fs->status);
		return;
	}
	struct tmpl_dict *p = tmpl_add(d, "PLAN");
	tmpl_set(p, "PLACEHOLDER", arena_printf(a, "erased-%s@erased.invalid", c->public_id));
	tmpl_set_int(p, "ADDRESSES", st->addresses);
	tmpl_set_int(p, "NOTES", st->notes);
	tmpl_set_int(p, "AUDIT_TEXTS", st->audit_texts);
	tmpl_set_int(p, "ORDERS", st->orders);
	tmpl_set_int(p, "SUBSCRIPTIONS", st->subscriptions);
	tmpl_set_int(p, "PAYMENTS", st->payments);
	tmpl_set_int(p, "AUDIT_ROWS", st->audit_rows);
	tmpl_show(p, st->keep_location ? "KEEP_LOCATION" : "DROP_LOCATION");
	tmpl_set(p, "FINANCIAL_UNTIL",
	         st->financial_until ? st->financial_until : "the deactivation plus that period");
	tmpl_set_int(p, "FINANCIAL_YEARS", st->financial_years);
	check(p, !st->active, "The customer is inactive", "CUSTOMER_ACTIVE",
	      refusal_text(st, "CUSTOMER_ACTIVE"));
	check(p, !st->legal_hold, "No legal hold", "LEGAL_HOLD", refusal_text(st, "LEGAL_HOLD"));
	check(p, st->payments_open == 0, "No payment pending or processing", "PAYMENT_PENDING",
	      refusal_text(st, "PAYMENT_PENDING"));
	check(p, st->active || !st->in_window,
	      st->in_window
	          ? arena_printf(a, "Retention period over (it ends on %s)", st->window_ends)
	          : "Retention period over",
	      "RETENTION_PERIOD", refusal_text(st, "RETENTION_PERIOD"));
	if (st->active || st->legal_hold || st->payments_open > 0) {
		view_send(r, &v, fs->status);
		return;
	}
	struct tmpl_dict *f = tmpl_add(d, "FORM");
	fill_csrf(r, f, "erase", c->public_id);
	tmpl_set(f, "ACTION_URL", arena_printf(a, "/customers/%s/erase", c->public_id));
	tmpl_set(f, "NOTE", fs->note);
	if (st->in_window) {
		struct tmpl_dict *w = tmpl_add(f, "IN_WINDOW");
		tmpl_set(w, "WINDOW_ENDS", st->window_ends);
		if (fs->art17)
			tmpl_show(w, "ART17_CHECKED");
	}
	if (fs->field_error)
		tmpl_set(tmpl_add(f, "FIELD_ERROR"), "ERROR", fs->field_error);
	view_send(r, &v, fs->status);
}

/* The customer and the erasure's figures; answers and returns false when
 * it cannot. */
static bool load(struct req *r, struct customer_row *c, struct erasure_state *st)
{
	enum err rc = customer_by_public_id(r->app->db, r->arena, r->user.tenant, r->arg, c);
	if (rc == ERR_OK)
		rc = erasure_preview(r->app->db, r->arena, r->user.tenant, r->arg, st);
	if (rc != ERR_OK)
		page_customer_failed(r, rc);
	return rc == ERR_OK;
}

void page_erase_form(struct req *r)
{
	struct customer_row c;
	struct erasure_state st;
	if (!load(r, &c, &st))
		return;
	struct form_state fs = {.status = 200};
	render(r, &c, &st, &fs);
}

void page_erase(struct req *r)
{
	struct arena *a = r->arena;
	bool art17 = req_int(r, KEY_ART17, 0) == 1;
	const char *note = req_str(r, KEY_NOTE);
	struct customer_row c;
	struct erasure_state st;
	if (req_int(r, KEY_CONFIRM, 0) != 1) {
		if (!load(r, &c, &st))
			return;
		struct form_state fs = {
		    .status = 400,
		    .field_error = "confirm: tick the box to confirm that this cannot be undone.",
		    .art17 = art17,
		    .note = note};
		render(r, &c, &st, &fs);
		return;
	}
	struct actor who = page_actor(r);
	struct erasure_outcome out;
	enum err rc = erasure_erase(r->app->db, a, &who, r->arg, art17, note, &out);
	if (rc == ERR_OK) {
		view_flash(r, out.changed ? "erased" : "already_erased");
		resp_redirect(r, arena_printf(a, "/customers/%s", r->arg));
		return;
	}
	if (rc != ERR_REFUSED) {
		page_customer_failed(r, rc);
		return;
	}
	if (!load(r, &c, &st))
		return;
	struct form_state fs = {
	    .status = 409, .refused = out.outcome, .art17 = art17, .note = note};
	render(r, &c, &st, &fs);
}

void page_legal_hold(struct req *r)
{
	struct arena *a = r->arena;
	bool hold = req_int(r, KEY_HOLD, 0) == 1;
	struct actor who = page_actor(r);
	struct erasure_outcome out;
	enum err rc = erasure_hold(r->app->db, a, &who, r->arg, hold, req_str(r, KEY_NOTE), &out);
	if (rc == ERR_REFUSED) {
		http_error(
		    r, 409, "ERASED",
		    "This customer's personal data was erased: there is nothing left to hold.");
		return;
	}
	if (rc != ERR_OK) {
		page_customer_failed(r, rc);
		return;
	}
	view_flash(r, !out.changed ? "legal_hold_unchanged"
	              : hold       ? "legal_hold"
	                           : "legal_hold_lifted");
	resp_redirect(r, arena_printf(a, "/customers/%s", r->arg));
}
