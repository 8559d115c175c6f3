#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "api/keys.h"
#include "db/db.h"
#include "db/sql.h"
#include "http/error.h"
#include "http/json.h"
#include "http/response.h"

static enum role role_of(const char *s)
{
	if (strcmp(s, "admin") == 0)
		return ROLE_ADMIN;
	if (strcmp(s, "operator") == 0)
		return ROLE_OPERATOR;
	return ROLE_VIEWER;
}

bool api_authenticate(struct req *r)
{
	const char *auth = req_param(r, "HTTP_AUTHORIZATION");
	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0) {
		resp_header(r, "WWW-Authenticate", "Bearer");
		api_error(r, 401, "UNAUTHENTICATED",
		          "Send your API key as 'Authorization: Bearer <key>'.", NULL);
		return false;
	}
	const char *key = auth + 7;
	while (*key == ' ')
		key++;
	if (!api_key_well_formed(key)) {
		resp_header(r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
		api_error(r, 401, "UNAUTHENTICATED", "The API key is not valid.", NULL);
		return false;
	}
	char hash[65];
	api_key_hash_hex(key, hash);
	struct db_res k;
	enum err rc = db_exec(r->app->db, r->arena, STMT_API_KEY_BY_HASH, &k, "s", hash);
	if (rc != ERR_OK) {
		resp_header(r, "Retry-After", "5");
		api_error(r, 503, "UNAVAILABLE",
		          "The database is not answering; try again shortly.", NULL);
		return false;
	}
	if (k.nrows == 0 || strcmp(DB_V(&k, 0, KEY_REVOKED), "1") == 0) {
		resp_header(r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
		api_error(r, 401, "UNAUTHENTICATED", "The API key is not valid or was revoked.",
		          NULL);
		return false;
	}
	const char *tenant = req_param(r, "HTTP_TENANT_ID");
	if (tenant == NULL || tenant[0] == '\0') {
		api_error(r, 400, "MISSING_TENANT", "Send the 'Tenant-ID' header with every call.",
		          NULL);
		return false;
	}
	if (strcmp(tenant, DB_V(&k, 0, KEY_TENANT_SLUG)) != 0) {
		api_error(r, 403, "TENANT_MISMATCH",
		          "This API key does not belong to the tenant named in 'Tenant-ID'.", NULL);
		return false;
	}
	r->user.key_id = strtoull(DB_V(&k, 0, KEY_ID), NULL, 10);
	r->user.name = arena_printf(r->arena, "api:%s", DB_V(&k, 0, KEY_LABEL));
	r->user.display = r->user.name;
	r->user.tenant = (unsigned)strtoul(DB_V(&k, 0, KEY_TENANT_ID), NULL, 10);
	r->user.tenant_slug = DB_V(&k, 0, KEY_TENANT_SLUG);
	r->user.tenant_name = DB_V(&k, 0, KEY_TENANT_NAME);
	r->user.currency = DB_V(&k, 0, KEY_CURRENCY);
	r->user.role = role_of(DB_V(&k, 0, KEY_ROLE));

	int limit = DB_V(&k, 0, KEY_RATE_LIMIT) ? atoi(DB_V(&k, 0, KEY_RATE_LIMIT))
	                                        : r->app->cfg.api_rate_limit;
	if (limit <= 0)
		return true;
	/* One-minute windows counted in the key's row, so the limit holds
	 * across workers and app hosts. */
	time_t now = time(NULL);
	long long window = (long long)now / 60;
	rc = ERR_RETRY;
	for (int attempt = 0; attempt < 3 && rc == ERR_RETRY; attempt++)
		rc = db_exec(r->app->db, r->arena, STMT_API_KEY_COUNT, NULL, "iiu", window, window,
		             (unsigned long long)r->user.key_id);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return false;
	}
	unsigned long long calls = db_insert_id(r->app->db);
	if (calls > (unsigned long long)limit) {
		int retry_after = (int)(60 - now % 60);
		char ra[16];
		snprintf(ra, sizeof(ra), "%d", retry_after);
		resp_header(r, "Retry-After", ra);
		api_error(r, 429, "RATE_LIMITED",
		          arena_printf(r->arena, "This key may make %d calls a minute; wait %d s.",
		                       limit, retry_after),
		          NULL);
		return false;
	}
	return true;
}
