/* GET and POST /api-keys, GET and POST /api-keys/{id}/revoke (README "API
 * keys"): an admin's list of the tenant's keys, a new key (shown once, on
 * the answer to its creation, with a curl example), and revocation behind a
 * confirmation. The rules are domain/keys.c's, the key tool's too. */
#include <stdlib.h>
#include <string.h>

#include "db/tenants.h"
#include "domain/keys.h"
#include "http/error.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/fmt.h"

/* A key's facts as the list and the confirmation show them. */
static void fill_key(struct req *r, struct tmpl_dict *d, const struct api_key_info *k)
{
	struct arena *a = r->arena;
	tmpl_set_int(d, "KEY_ID", (long long)k->id);
	tmpl_set(d, "LABEL", k->label);
	tmpl_set(d, "ROLE", role_name[k->role]);
	tmpl_set(d, "PREFIX", k->prefix);
	tmpl_set(d, "CREATED_AT", fmt_datetime(a, k->created_at));
	if (k->created_by != NULL)
		tmpl_set(tmpl_add(d, "BY"), "CREATED_BY", k->created_by);
	if (k->last_used_at != NULL)
		tmpl_set(tmpl_add(d, "USED"), "LAST_USED", fmt_datetime(a, k->last_used_at));
	else
		tmpl_show(d, "NEVER");
}

void page_api_keys(struct req *r)
{
	struct arena *a = r->arena;
	struct api_key_list keys;
	enum err rc = db_api_key_tenant_list(r->app->db, a, r->user.tenant, &keys);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	int default_rate = r->app->cfg.api_rate_limit;
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, "API keys", "api_keys.tpl", NAV_API_KEYS);
	tmpl_set(d, "TENANT_NAME", r->user.tenant_name);
	for (size_t i = 0; i < keys.n; i++) {
		const struct api_key_info *k = &keys.rows[i];
		struct tmpl_dict *row = tmpl_add(d, "KEY");
		fill_key(r, row, k);
		bool revoked = k->revoked_at != NULL;
		tmpl_set(row, "STATE", revoked ? "revoked" : "active");
		if (revoked) {
			tmpl_set(tmpl_add(row, "REVOKED"), "REVOKED_AT",
			         fmt_datetime(a, k->revoked_at));
		} else {
			tmpl_show(row, "ACTIVE");
			tmpl_set(
			    tmpl_add(row, "REVOKE"), "REVOKE_URL",
			    arena_printf(a, "/api-keys/%llu/revoke", (unsigned long long)k->id));
		}
		/* a key's own limit (0: none), or the configured default */
		if (k->rate_limit > 0)
			tmpl_set(tmpl_add(row, "OWN_RATE"), "RATE", fmt_count(a, k->rate_limit));
		else if (k->rate_limit < 0 && default_rate > 0)
			tmpl_set(tmpl_add(row, "DEFAULT_RATE"), "RATE", fmt_count(a, default_rate));
		else
			tmpl_show(row, "NO_RATE");
	}
	tmpl_show(d, keys.n ? "HAS_KEYS" : "NO_KEYS");
	struct tmpl_dict *form = tmpl_add(d, "FORM");
	fill_csrf(r, form, "api_key_create", "");
	tmpl_set(form, "DEFAULT_RATE",
	         default_rate > 0 ? arena_printf(a, "%s a minute", fmt_count(a, default_rate))
	                          : "no limit");
	view_send(r, &v, 200);
}

/* The address the admin reached this page by, for the curl example: the
 * request's scheme and Host header (nginx has checked it; the template
 * escapes it). */
static const char *site_url(struct req *r)
{
	const char *scheme = req_param(r, "REQUEST_SCHEME");
	const char *host = req_param(r, "HTTP_HOST");
	if (host == NULL || host[0] == '\0')
		host = req_param(r, "SERVER_NAME");
	return arena_printf(r->arena, "%s://%s",
	                    scheme && strcmp(scheme, "http") == 0 ? "http" : "https",
	                    host && host[0] ? host : "localhost");
}

void page_api_key_create(struct req *r)
{
	struct arena *a = r->arena;
	struct actor who = page_actor(r);
	const char *label = req_str(r, KEY_KEY_LABEL);
	struct key_made k;
	struct failure f = {0};
	if (keys_create(r->app->db, a, &who, (int)req_int(r, KEY_KEY_ROLE, ROLE_NONE), label,
	                req_int(r, KEY_RATE_LIMIT, 0), &k, &f) != ERR_OK) {
		http_fail(r, &f);
		return;
	}
	struct view v;
	struct tmpl_dict *d =
	    view_begin(r, &v, "API key created", "api_key_created.tpl", NAV_API_KEYS);
	tmpl_set_int(d, "KEY_ID", (long long)k.id);
	tmpl_set(d, "LABEL", label);
	tmpl_set(d, "ROLE", role_name[req_int(r, KEY_KEY_ROLE, ROLE_NONE)]);
	tmpl_set(d, "KEY", k.key);
	tmpl_set(d, "TENANT_SLUG", r->user.tenant_slug);
	tmpl_set(d, "CURL",
	         arena_printf(a,
	                      "curl -H \"Authorization: Bearer %s\" -H \"Tenant-ID: %s\" "
	                      "%s/v1/customers?limit=5",
	                      k.key, r->user.tenant_slug, site_url(r)));
	view_send(r, &v, 200);
	/* the key lives on in the page sent, nowhere else */
	memset(k.key, 0, sizeof(k.key));
}

/* The tenant's key of the path's id, or NULL (none, or another tenant's). */
static const struct api_key_info *key_of_path(struct req *r, enum err *rc)
{
	struct api_key_list keys;
	uint64_t id = strtoull(r->arg, NULL, 10);
	*rc = db_api_key_tenant_list(r->app->db, r->arena, r->user.tenant, &keys);
	if (*rc != ERR_OK)
		return NULL;
	for (size_t i = 0; i < keys.n; i++)
		if (keys.rows[i].id == id)
			return &keys.rows[i];
	*rc = ERR_NOT_FOUND;
	return NULL;
}

void page_api_key_revoke_form(struct req *r)
{
	struct arena *a = r->arena;
	enum err rc;
	const struct api_key_info *k = key_of_path(r, &rc);
	if (k == NULL) {
		struct failure f = {rc, NULL, NULL};
		if (rc == ERR_NOT_FOUND)
			f.message = "There is no API key with this id.";
		http_fail(r, &f);
		return;
	}
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, arena_printf(a, "Revoke the API key %s", k->label),
	                                 "api_key_revoke.tpl", NAV_API_KEYS);
	fill_key(r, d, k);
	if (k->revoked_at != NULL) {
		tmpl_set(tmpl_add(d, "REVOKED"), "REVOKED_AT", fmt_datetime(a, k->revoked_at));
	} else {
		struct tmpl_dict *form = tmpl_add(d, "FORM");
		fill_csrf(r, form, "api_key_revoke", r->arg);
		tmpl_set(form, "ACTION_URL", arena_printf(a, "/api-keys/%s/revoke", r->arg));
	}
	view_send(r, &v, 200);
}

void page_api_key_revoke(struct req *r)
{
	struct actor who = page_actor(r);
	bool changed;
	const char *label;
	struct failure f = {0};
	if (keys_revoke(r->app->db, r->arena, &who, strtoull(r->arg, NULL, 10), &changed, &label,
	                &f) != ERR_OK) {
		http_fail(r, &f);
		return;
	}
	view_flash(r, changed ? "api_key_revoked" : "api_key_already_revoked");
	resp_redirect(r, "/api-keys");
}
