/* GET, POST /customers/{id}/deactivate and /customers/{id}/reactivate */
#include <stdlib.h>
#include <string.h>

#include "db/sql.h"
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
	const char *reason; /* the submitted values, to keep them */
	const char *note;
};

static void render_deactivate(struct req *r, const struct db_res *c, const struct prereq *pre,
                              const struct form_state *st)
{
	struct arena *a = r->arena;
	struct db *db = r->app->db;
	unsigned long long cid = strtoull(DB_V(c, 0, CU_ID), NULL, 10);
	const char *pid = DB_V(c, 0, CU_PUBLIC_ID);
	bool inactive = strcmp(DB_V(c, 0, CU_STATUS), "inactive") == 0;
	struct retention ret;
	enum err rc = retention_for_customer(db, a, cid, &ret);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	struct view v;
	const char *name = customer_name(a, c, 0);
	struct tmpl_dict *d = view_begin(r, &v, arena_printf(a, "Deactivate %s", name),
	                                 "deactivate.tpl", NAV_CUSTOMERS);
	fill_customer_head(r, d, c, 0);
	fill_prereq(r, d, pid, pre);
	fill_retention(r, d, &ret, inactive, atoll(DB_V(c, 0, CU_DEVICES)));
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
		for (int i = 0; i < LIFECYCLE_REASONS; i++) {
			struct tmpl_dict *o = tmpl_add(f, "REASON");
			tmpl_set(o, "REASON_CODE", lifecycle_reason_code[i]);
			tmpl_set(o, "REASON_LABEL", lifecycle_reason_label[i]);
			tmpl_set(o, "REASON_HINT", lifecycle_reason_hint[i]);
			if (st->reason && strcmp(st->reason, lifecycle_reason_code[i]) == 0)
				tmpl_show(o, "REASON_CHECKED");
		}
		tmpl_set(f, "NOTE", st->note);
		if (st->field_error)
			tmpl_set(tmpl_add(f, "REASON_ERROR"), "ERROR", st->field_error);
		if (!prereq_passed(pre))
			tmpl_show(f, "SUBMIT_DISABLED");
	}
	view_send(r, &v, st->status);
}

void page_deactivate_form(struct req *r)
{
	struct db_res c;
	if (!page_load_customer(r, &c))
		return;
	struct prereq pre;
	enum err rc =
	    prereq_check(r->app->db, r->arena, strtoull(DB_V(&c, 0, CU_ID), NULL, 10), false, &pre);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	struct form_state st = {.status = 200};
	render_deactivate(r, &c, &pre, &st);
}

/* Answers a lifecycle result that is not specific to one action. */
static bool common_result(struct req *r, enum lifecycle_result res)
{
	switch (res) {
	case LC_NOT_FOUND:
		http_error(r, 404, "NOT_FOUND",
		           "There is no customer with this id. Check the id, or search the list.");
		return true;
	case LC_UNAVAILABLE: http_unavailable(r); return true;
	case LC_ERROR:
		http_error(r, 500, "INTERNAL", "Something went wrong on our side; it was logged.");
		return true;
	default: return false;
	}
}

void page_deactivate(struct req *r)
{
	struct arena *a = r->arena;
	const char *reason = req_str(r, KEY_REASON);
	const char *note = req_str(r, KEY_NOTE);
	if (note && note[0] == '\0')
		note = NULL;
	if (reason == NULL) {
		struct db_res c;
		if (!page_load_customer(r, &c))
			return;
		struct prereq pre;
		enum err rc = prereq_check(r->app->db, a, strtoull(DB_V(&c, 0, CU_ID), NULL, 10),
		                           false, &pre);
		if (rc != ERR_OK) {
			http_fail_kind(r, rc);
			return;
		}
		struct form_state st = {.status = 400,
		                        .field_error =
		                            "reason: choose why this customer is deactivated.",
		                        .note = note};
		render_deactivate(r, &c, &pre, &st);
		return;
	}
	struct actor who = page_actor(r);
	struct lifecycle_outcome out;
	enum lifecycle_result res =
	    lifecycle_deactivate(r->app->db, a, &who, r->arg, reason, note, &out);
	if (common_result(r, res))
		return;
	if (res == LC_DONE || res == LC_NOOP) {
		view_flash(r, res == LC_DONE ? "deactivated" : "already_inactive");
		resp_redirect(r, arena_printf(a, "/customers/%s/retention", r->arg));
		return;
	}
	/* LC_BLOCKED: 409 with the blocking records seen under the lock. */
	struct db_res c;
	if (!page_load_customer(r, &c))
		return;
	struct form_state st = {
	    .status = 409, .refused = out.outcome, .reason = reason, .note = note};
	render_deactivate(r, &c, &out.prereq, &st);
}

static void render_reactivate(struct req *r, const struct db_res *c, int status)
{
	struct arena *a = r->arena;
	const char *pid = DB_V(c, 0, CU_PUBLIC_ID);
	bool inactive = strcmp(DB_V(c, 0, CU_STATUS), "inactive") == 0;
	struct retention ret;
	enum err rc =
	    retention_for_customer(r->app->db, a, strtoull(DB_V(c, 0, CU_ID), NULL, 10), &ret);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	struct view v;
	struct tmpl_dict *d =
	    view_begin(r, &v, arena_printf(a, "Reactivate %s", customer_name(a, c, 0)),
	               "reactivate.tpl", NAV_CUSTOMERS);
	fill_customer_head(r, d, c, 0);
	fill_retention(r, d, &ret, inactive, atoll(DB_V(c, 0, CU_DEVICES)));
	tmpl_set(d, "ACTION_URL", arena_printf(a, "/customers/%s/reactivate", pid));
	tmpl_set(d, "DEACTIVATE_URL", arena_printf(a, "/customers/%s/deactivate", pid));
	if (!inactive) {
		tmpl_show(d, "ALREADY_ACTIVE");
	} else {
		fill_deactivation(r, d, c, 0);
		if (req_can_write(r))
			fill_csrf(r, tmpl_add(d, "FORM"), "reactivate", pid);
		else
			tmpl_show(d, "READ_ONLY");
	}
	view_send(r, &v, status);
}

void page_reactivate_form(struct req *r)
{
	struct db_res c;
	if (page_load_customer(r, &c))
		render_reactivate(r, &c, 200);
}

void page_reactivate(struct req *r)
{
	const char *note = req_str(r, KEY_NOTE);
	if (note && note[0] == '\0')
		note = NULL;
	struct actor who = page_actor(r);
	struct lifecycle_outcome out;
	enum lifecycle_result res =
	    lifecycle_reactivate(r->app->db, r->arena, &who, r->arg, note, &out);
	if (common_result(r, res))
		return;
	view_flash(r, res == LC_DONE ? "reactivated" : "already_active");
	resp_redirect(r, arena_printf(r->arena, "/customers/%s", r->arg));
}
