#include "http/auth.h"

#include <string.h>
#include <time.h>

#include "domain/access.h"

int auth_operator(struct req *r)
{
	const char *name = req_param(r, "REMOTE_USER");
	if (name == NULL || name[0] == '\0' || strlen(name) > 100)
		return 401;
	const struct operator_entry *e;
	enum err rc =
	    access_operator(r->app->db, r->arena, &r->app->operators, name, time(NULL), &e);
	if (rc == ERR_NOT_FOUND)
		return 403;
	if (rc != ERR_OK)
		return 503;
	r->user.name = e->username;
	r->user.display = e->display;
	r->user.tenant = e->tenant;
	r->user.tenant_slug = e->tenant_slug;
	r->user.tenant_name = e->tenant_name;
	r->user.currency = e->currency;
	r->user.role = e->role;
	r->user.key_id = 0;
	return 0;
}
