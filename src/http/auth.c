#include "http/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "db/sql.h"

static enum role role_of(const char *s)
{
	if (strcmp(s, "admin") == 0)
		return ROLE_ADMIN;
	if (strcmp(s, "operator") == 0)
		return ROLE_OPERATOR;
	if (strcmp(s, "viewer") == 0)
		return ROLE_VIEWER;
	return ROLE_NONE;
}

static void use_entry(struct req *r, const struct opcache_entry *e)
{
	r->user.name = e->username;
	r->user.display = e->display;
	r->user.tenant = e->tenant;
	r->user.tenant_slug = e->tenant_slug;
	r->user.tenant_name = e->tenant_name;
	r->user.currency = e->currency;
	r->user.role = (enum role)e->role;
	r->user.key_id = 0;
}

int auth_operator(struct req *r)
{
	const char *name = req_param(r, "REMOTE_USER");
	if (name == NULL || name[0] == '\0' || strlen(name) > 100)
		return 401;
	time_t now = time(NULL);
	struct opcache_entry *cache = r->app->opcache, *slot = &cache[0];
	for (int i = 0; i < OPCACHE_SIZE; i++) {
		if (strcmp(cache[i].username, name) == 0 && now - cache[i].at < OPCACHE_TTL) {
			use_entry(r, &cache[i]);
			return 0;
		}
		if (cache[i].at < slot->at)
			slot = &cache[i];
	}
	struct db_res res;
	enum err rc = db_exec(r->app->db, r->arena, STMT_OPERATOR_BY_NAME, &res, "s", name);
	if (rc != ERR_OK)
		return 503;
	if (res.nrows == 0)
		return 403;
	/* Oldest entry makes room. */
	memset(slot, 0, sizeof(*slot));
	snprintf(slot->username, sizeof(slot->username), "%s", DB_V(&res, 0, OP_USERNAME));
	snprintf(slot->display, sizeof(slot->display), "%s", DB_V(&res, 0, OP_DISPLAY));
	snprintf(slot->tenant_slug, sizeof(slot->tenant_slug), "%s", DB_V(&res, 0, OP_TENANT_SLUG));
	snprintf(slot->tenant_name, sizeof(slot->tenant_name), "%s", DB_V(&res, 0, OP_TENANT_NAME));
	snprintf(slot->currency, sizeof(slot->currency), "%s", DB_V(&res, 0, OP_CURRENCY));
	slot->tenant = (unsigned)strtoul(DB_V(&res, 0, OP_TENANT_ID), NULL, 10);
	slot->role = role_of(DB_V(&res, 0, OP_ROLE));
	slot->at = now;
	use_entry(r, slot);
	return 0;
}
