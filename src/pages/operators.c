/* GET and POST /operators, POST /operators/{login}/role, /disable and
 * /enable (README "Operators"): an admin's list of the tenant's operators,
 * the form that adds one, and each operator's role and disable (or enable)
 * forms. The rules are domain/operators.c's; every change answers 303
 * back to the list with a flash, a refusal its error page. */
#include <string.h>
#include <strings.h>

#include "db/operators.h"
#include "domain/access.h"
#include "domain/operators.h"
#include "http/error.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/fmt.h"

static const char *const role_values[] = {"viewer", "operator", "admin"};
static const char *const role_labels[] = {"Viewer", "Operator", "Admin"};

void page_operators(struct req *r)
{
	struct arena *a = r->arena;
	struct operator_list list;
	enum err rc = db_operators_of_tenant(r->app->db, a, r->user.tenant, &list);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, "Operators", "operators.tpl", NAV_OPERATORS);
	tmpl_set(d, "TENANT_NAME", r->user.tenant_name);
	tmpl_set_int(d, "CACHE_SECONDS", OPERATOR_CACHE_TTL);
	for (size_t i = 0; i < list.n; i++) {
		const struct operator_info *o = &list.rows[i];
		struct tmpl_dict *row = tmpl_add(d, "OPERATOR");
		tmpl_set_int(row, "INDEX", (long long)i);
		tmpl_set(row, "USERNAME", o->username);
		tmpl_set(row, "DISPLAY_NAME", o->display);
		tmpl_set(row, "ROLE", role_name[o->role]);
		if (strcasecmp(o->username, r->user.name) == 0)
			tmpl_show(row, "YOU");
		if (o->disabled) {
			struct tmpl_dict *s = tmpl_add(row, "DISABLED");
			tmpl_set(s, "SINCE", fmt_datetime(a, o->disabled_at));
			tmpl_set(s, "BY", o->disabled_by ? o->disabled_by : "");
		} else {
			const char *since = o->enabled_at ? o->enabled_at : o->created_at;
			struct tmpl_dict *s = tmpl_add(row, "ENABLED");
			if (since != NULL)
				tmpl_set(tmpl_add(s, "SINCE_KNOWN"), "SINCE",
				         fmt_datetime(a, since));
			else
				tmpl_show(s, "SINCE_UNKNOWN");
		}
		const char *base = arena_printf(a, "/operators/%s", o->username);
		struct tmpl_dict *role = tmpl_add(row, "ROLE_FORM");
		fill_csrf(r, role, "operator_role", o->username);
		tmpl_set(role, "ROLE_URL", arena_printf(a, "%s/role", base));
		fill_options(role, "ROLE_OPTION", role_values, role_labels, 3, role_name[o->role]);
		struct tmpl_dict *state =
		    tmpl_add(row, o->disabled ? "ENABLE_FORM" : "DISABLE_FORM");
		fill_csrf(r, state, o->disabled ? "operator_enable" : "operator_disable",
		          o->username);
		tmpl_set(state, "STATE_URL",
		         arena_printf(a, "%s/%s", base, o->disabled ? "enable" : "disable"));
	}
	tmpl_show(d, list.n ? "HAS_OPERATORS" : "NO_OPERATORS");
	struct tmpl_dict *form = tmpl_add(d, "ADD_FORM");
	fill_csrf(r, form, "operator_add", "");
	fill_options(form, "ROLE_OPTION", role_values, role_labels, 3, "viewer");
	view_send(r, &v, 200);
}

/* The end of a change: the refusal's page, or the acting worker's cache
 * entry of the login dropped (its next request reads the row again), a
 * flash and 303 back to the list. */
static void changed(struct req *r, enum err rc, const struct failure *f, const char *login,
                    const char *flash)
{
	if (rc != ERR_OK) {
		http_fail(r, f);
		return;
	}
	access_operator_forget(&r->app->operators, login);
	view_flash(r, flash);
	resp_redirect(r, "/operators");
}

void page_operator_add(struct req *r)
{
	struct actor who = page_actor(r);
	struct failure f = {0};
	const char *login = req_str(r, KEY_USERNAME);
	enum err rc = operator_add(r->app->db, r->arena, &who, login, req_str(r, KEY_DISPLAY_NAME),
	                           (enum role)req_int(r, KEY_ROLE, ROLE_NONE), &f);
	changed(r, rc, &f, login ? login : "", "operator_added");
}

static void change(struct req *r, enum operator_change what, const char *flash,
                   const char *unchanged)
{
	struct actor who = page_actor(r);
	struct failure f = {0};
	bool done = false;
	enum err rc = operator_change(r->app->db, r->arena, &who, r->arg, what,
	                              (enum role)req_int(r, KEY_ROLE, ROLE_NONE), &done, &f);
	changed(r, rc, &f, r->arg, done || unchanged == NULL ? flash : unchanged);
}

void page_operator_role(struct req *r)
{
	change(r, OPERATOR_SET_ROLE, "operator_role", "operator_role_unchanged");
}

void page_operator_disable(struct req *r)
{
	change(r, OPERATOR_DISABLE, "operator_disabled", NULL);
}

void page_operator_enable(struct req *r)
{
	change(r, OPERATOR_ENABLE, "operator_enabled", NULL);
}
