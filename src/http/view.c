#include "http/view.h"

#include <string.h>

#include "http/response.h"

/* Keeps d to be freed when the request ends (the list grows in the arena). */
static void track(struct req *r, struct tmpl_dict *d)
{
	if (d == NULL)
		return;
	if (r->ndicts == r->dicts_cap) {
		size_t cap = r->dicts_cap ? 2 * r->dicts_cap : 8;
		void **grown = arena_alloc(r->arena, cap * sizeof(*grown));
		if (r->ndicts > 0)
			memcpy(grown, r->dicts, r->ndicts * sizeof(*grown));
		r->dicts = grown;
		r->dicts_cap = cap;
	}
	r->dicts[r->ndicts++] = d;
}

/* Fixed texts for flash codes; unknown codes show nothing. */
static const struct {
	const char *code;
	const char *kind;
	const char *text;
} flashes[] = {
    {"deactivated", "success", "The customer was deactivated. Everything below is preserved."},
    {"reactivated", "success", "The customer is active again."},
    {"already_inactive", "info", "The customer was already inactive; nothing changed."},
    {"already_active", "info", "The customer was already active; nothing changed."},
    {"customer_updated", "success", "Customer updated. The history below lists what changed."},
    {"nothing_changed", "info", "Nothing changed: every field already had the value you saved."},
    {"note_added", "success", "The note was added."},
    {"order_cancelled", "success",
     "The order was cancelled. The checklist below is checked again."},
    {"subscription_ended", "success",
     "The subscription has ended. The checklist below is checked again."},
    {"device_recorded", "success",
     "The device's status was recorded. The checklist below is checked again."},
    {"bulk_started", "success", "The bulk run has started; this page follows its progress."},
    {"bulk_resubmitted", "info", "This form was already applied; here is its run."},
    {"bulk_undo_started", "success",
     "The undo has started: a new bulk run reactivates the customers; this page follows it."},
    {"bulk_merge_started", "success",
     "The merge run has started: each duplicate is merged into the customer kept, checked again "
     "under both customers' locks; this page follows it."},
    {"bulk_undo_exists", "info", "This run was already undone; here is its undo."},
    {"closure_filed", "success",
     "Closure requested: the customer will be deactivated by itself as soon as nothing blocks "
     "it."},
    {"closure_withdrawn", "info", "The closure request was withdrawn; the customer stays active."},
    {"merged", "success",
     "The duplicate was merged into this customer: its records are listed here now, and its "
     "own page says where it went."},
    {"webhook_updated", "success",
     "The endpoint was saved. Events from now on are sent to it as it is set up here."},
    {"webhook_test_queued", "success",
     "A test event (webhook.test) was queued for this endpoint only; its delivery is at the top "
     "of the log below."},
    {"webhook_redelivered", "success",
     "The delivery is pending again and is sent as soon as a job worker picks it up."},
    {"erased", "success",
     "The customer's personal data was erased. Its orders, payments and history are kept."},
    {"already_erased", "info", "The customer's personal data was already erased; nothing changed."},
    {"legal_hold", "success",
     "A legal hold is set: the personal data cannot be erased until it is lifted."},
    {"legal_hold_lifted", "success", "The legal hold is lifted."},
    {"policy_saved", "success",
     "The retention policy is saved. The job workers apply it within the hour, and once a day."},
    {"legal_hold_unchanged", "info", "The legal hold was already so; nothing changed."},
    {"api_key_revoked", "success",
     "The API key is revoked: every call with it is refused (401) from now on."},
    {"api_key_already_revoked", "info", "The API key was already revoked; nothing changed."},
    {"operator_added", "success",
     "The operator was added. They sign in with this login as before (the web server still "
     "checks their password or single sign-on)."},
    {"operator_role", "success", "The role was changed; it applies within seconds on every host."},
    {"operator_role_unchanged", "info", "The operator already had this role; nothing changed."},
    {"operator_disabled", "success",
     "The operator was disabled: every page refuses them within seconds, on every host."},
    {"operator_enabled", "success", "The operator was enabled again."},
};

static void layout_flash(struct req *r, struct tmpl_dict *root)
{
	const char *code = kv_get(&r->cookies, "flash");
	if (code == NULL)
		return;
	resp_cookie(r, "flash", "", 0);
	for (size_t i = 0; i < sizeof(flashes) / sizeof(flashes[0]); i++)
		if (strcmp(flashes[i].code, code) == 0) {
			struct tmpl_dict *f = tmpl_add(root, "FLASH");
			tmpl_set(f, "FLASH_KIND", flashes[i].kind);
			tmpl_set(f, "FLASH_TEXT", flashes[i].text);
		}
}

void view_flash(struct req *r, const char *code)
{
	resp_cookie(r, "flash", code, 60);
}

struct tmpl_dict *view_begin(struct req *r, struct view *v, const char *title,
                             const char *body_template, enum nav nav)
{
	v->root = tmpl_dict_new();
	track(r, v->root);
	tmpl_set(v->root, "TITLE", title);
	tmpl_set(v->root, "REQUEST_ID", r->request_id);
	if (r->user.name != NULL) {
		struct tmpl_dict *u = tmpl_add(v->root, "SIGNED_IN");
		tmpl_set(u, "USER_DISPLAY", r->user.display);
		tmpl_set(u, "USER_NAME", r->user.name);
		tmpl_set(u, "ROLE",
		         r->user.role == ROLE_ADMIN      ? "admin"
		         : r->user.role == ROLE_OPERATOR ? "operator"
		                                         : "viewer");
		tmpl_set(u, "TENANT_NAME", r->user.tenant_name);
		/* the admins' links (the pages' routes say who may open them) */
		if (r->user.role == ROLE_ADMIN)
			tmpl_show(u, "ADMIN_NAV");
		static const char *const navs[] = {NULL,           "NAV_CUSTOMERS", "NAV_RETENTION",
		                                   "NAV_BULK",     "NAV_AUDIT",     "NAV_CLOSURES",
		                                   "NAV_WEBHOOKS", "NAV_STATUS",    "NAV_API_KEYS",
		                                   "NAV_OPERATORS"};
		if (nav != NAV_NONE)
			tmpl_show(u, navs[nav]);
	}
	layout_flash(r, v->root);
	v->body = tmpl_include(v->root, "BODY", body_template);
	return v->body;
}

void view_refresh(struct view *v, int seconds)
{
	tmpl_set_int(tmpl_add(v->root, "REFRESH"), "SECONDS", seconds);
}

struct emit_ctx {
	struct req *r;
	int status;
};

static void emit_page(void *ctx, const char *text, size_t len)
{
	struct emit_ctx *e = ctx;
	resp_start(e->r, e->status, "text/html; charset=utf-8");
	resp_write(e->r, text, len);
}

void view_send(struct req *r, struct view *v, int status)
{
	struct emit_ctx e = {r, status};
	if (v->root == NULL || v->body == NULL ||
	    tmpl_expand("layout.tpl", v->root, emit_page, &e) != 0) {
		if (!r->started) {
			resp_start(r, 500, "text/plain; charset=utf-8");
			resp_puts(r, "500 Internal Server Error: a page template failed.\n");
		}
	}
}
