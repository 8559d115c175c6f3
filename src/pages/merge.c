/* GET, POST /customers/{id}/merge: merging a duplicate into the customer
 * kept, through merge_run() (domain/merge.c). The GET is the confirmation
 * page: every record that moves and every field that differs, each with
 * its choice; the POST merges and answers 303 to the customer kept. */
#include <string.h>

#include "domain/merge.h"
#include "http/error.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/fmt.h"

static const char *const kind_label[MK__MAX] = {
    [MK_ORDER] = "Orders",   [MK_SUBSCRIPTION] = "Subscriptions", [MK_PAYMENT] = "Payments",
    [MK_DEVICE] = "Devices", [MK_ADDRESS] = "Addresses",          [MK_NOTE] = "Notes",
};

static const char *name_of(struct arena *a, const struct customer_row *c)
{
	return arena_printf(a, "%s %s", c->first_name, c->last_name);
}

static struct merge_request request_of(struct req *r)
{
	struct merge_request q = {.duplicate = r->arg, .keep = req_str(r, KEY_INTO)};
	const struct field *t = &r->fields[KEY_TAKE];
	for (size_t i = 0; t->state == FIELD_OK && i < t->nmulti; i++)
		for (int f = 0; f < MF__MAX; f++)
			if (strcmp(t->multi[i], merge_field_name[f]) == 0)
				q.take[f] = true;
	return q;
}

static void value_cell(struct tmpl_dict *row, const char *some, const char *none, const char *v)
{
	if (v != NULL)
		tmpl_set(tmpl_add(row, some), "VALUE", v);
	else
		tmpl_show(row, none);
}

static void render(struct req *r, const struct merge_request *q, const struct merge_plan *p,
                   int status, bool after_post)
{
	struct arena *a = r->arena;
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, arena_printf(a, "Merge %s", q->duplicate),
	                                 "merge.tpl", NAV_CUSTOMERS);
	tmpl_set(d, "DUP_ID", q->duplicate);
	tmpl_set(d, "DUP_URL", arena_printf(a, "/customers/%s", q->duplicate));
	tmpl_set(d, "DUP_NAME", p ? name_of(a, &p->dup) : q->duplicate);
	if (p == NULL) {
		struct tmpl_dict *c = tmpl_add(d, "CHOOSE");
		tmpl_set(c, "MERGE_URL", arena_printf(a, "/customers/%s/merge", q->duplicate));
		tmpl_set(c, "INTO", q->keep ? q->keep : "");
		view_send(r, &v, status);
		return;
	}
	bool ok = strcmp(p->outcome, "ok") == 0;
	if (!ok) {
		struct tmpl_dict *x = tmpl_add(d, "REFUSED");
		tmpl_set(x, "REFUSED_TITLE",
		         after_post ? "The merge was refused; nothing changed"
		                    : "This merge would be refused");
		tmpl_set(x, "CODE", p->outcome);
		tmpl_set(x, "MESSAGE", p->message ? p->message : "The merge cannot be made now.");
	}
	struct tmpl_dict *pl = tmpl_add(d, "PLAN");
	tmpl_set(pl, "KEEP_ID", p->keep.public_id);
	tmpl_set(pl, "KEEP_URL", arena_printf(a, "/customers/%s", p->keep.public_id));
	tmpl_set(pl, "KEEP_NAME", name_of(a, &p->keep));
	tmpl_set(pl, "KEEP_STATUS", customer_status_name[p->keep.status]);
	tmpl_set(pl, "DUP_ID", p->dup.public_id);
	tmpl_set(pl, "DUP_URL", arena_printf(a, "/customers/%s", p->dup.public_id));
	tmpl_set(pl, "DUP_NAME", name_of(a, &p->dup));
	tmpl_set(pl, "DUP_STATUS", customer_status_name[p->dup.status]);
	tmpl_set(pl, "N_MOVED", fmt_count(a, (long long)p->nmoved));
	if (p->nmoved == 0)
		tmpl_show(pl, "NO_RECORDS");
	for (int k = 0; k < MK__MAX; k++) {
		if (p->moved[k].n == 0)
			continue;
		struct tmpl_dict *kd = tmpl_add(pl, "KIND");
		tmpl_set(kd, "KIND_LABEL", kind_label[k]);
		tmpl_set(kd, "KIND_COUNT", fmt_count(a, (long long)p->moved[k].n));
		for (size_t i = 0; i < p->moved[k].n; i++)
			tmpl_set(tmpl_add(kd, "RECORD"), "RECORD_ID", p->moved[k].id[i]);
	}
	if (!ok)
		goto send;
	struct tmpl_dict *f = tmpl_add(d, "FORM");
	tmpl_set(f, "ACTION_URL", arena_printf(a, "/customers/%s/merge", q->duplicate));
	tmpl_set(f, "INTO", p->keep.public_id);
	tmpl_set(f, "KEEP_ID", p->keep.public_id);
	tmpl_set(f, "DUP_ID", p->dup.public_id);
	tmpl_set(f, "DUP_URL", arena_printf(a, "/customers/%s", p->dup.public_id));
	fill_csrf(r, f, r->route->action, q->duplicate);
	bool any = false;
	for (int k = 0; k < MF__MAX; k++) {
		if (!p->differs[k])
			continue;
		if (!any)
			f = tmpl_add(f, "HAS_DIFF");
		any = true;
		struct tmpl_dict *row = tmpl_add(f, "DIFF");
		tmpl_set(row, "FIELD", merge_field_name[k]);
		tmpl_set(row, "FIELD_LABEL", merge_field_label[k]);
		value_cell(row, "KEEP_VALUE", "KEEP_NONE", p->value[0][k]);
		value_cell(row, "DUP_VALUE", "DUP_NONE", p->value[1][k]);
		if (q->take[k])
			tmpl_show(row, "TAKEN");
	}
	if (!any)
		tmpl_show(f, "SAME_FIELDS");
send:
	view_send(r, &v, status);
}

static void failed(struct req *r, enum err rc)
{
	if (rc == ERR_NOT_FOUND)
		http_error(r, 404, "NOT_FOUND",
		           "There is no such customer here: check both ids (the customer kept must "
		           "be of your tenant too).");
	else
		http_fail_kind(r, rc);
}

void page_merge_form(struct req *r)
{
	struct merge_request q = request_of(r);
	if (q.keep == NULL) {
		struct customer_row c;
		enum err rc =
		    customer_by_public_id(r->app->db, r->arena, r->user.tenant, r->arg, &c);
		if (rc != ERR_OK) {
			failed(r, rc);
			return;
		}
		render(r, &q, NULL, 200, false);
		return;
	}
	struct merge_plan p;
	enum err rc = merge_preview(r->app->db, r->arena, r->user.tenant, &q, &p);
	if (rc != ERR_OK) {
		failed(r, rc);
		return;
	}
	render(r, &q, &p, 200, false);
}

void page_merge(struct req *r)
{
	struct merge_request q = request_of(r);
	if (q.keep == NULL) {
		http_error(r, 400, "INVALID_PARAMETER",
		           "into: name the customer to keep (its id), then merge again.");
		return;
	}
	struct actor who = page_actor(r);
	struct merge_plan out;
	enum err rc = merge_run(r->app->db, r->arena, &who, &q, &out);
	if (rc == ERR_OK) {
		view_flash(r, "merged");
		resp_redirect(r, arena_printf(r->arena, "/customers/%s", q.keep));
		return;
	}
	if (rc != ERR_REFUSED || out.keep.public_id == NULL) {
		failed(r, rc);
		return;
	}
	render(r, &q, &out, 409, true);
}
