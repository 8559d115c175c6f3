/* The API's identity: "Authorization: Bearer <key>", "Tenant-ID", and the
 * key's rate limit. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "domain/access.h"
#include "http/error.h"
#include "http/json.h"
#include "http/response.h"

bool api_authenticate(struct req *r)
{
	const char *auth = req_param(r, "HTTP_AUTHORIZATION");
	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0) {
		resp_header(r, "WWW-Authenticate", "Bearer");
		api_error(r, 401, "AUTH_REQUIRED",
		          "Send your API key as 'Authorization: Bearer <key>'.", NULL);
		return false;
	}
	const char *text = auth + 7;
	while (*text == ' ')
		text++;
	struct api_key_row key;
	enum err rc = access_api_key(r->app->db, r->arena, text, &key);
	if (rc == ERR_NOT_FOUND) {
		resp_header(r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
		api_error(r, 401, "INVALID_TOKEN", "The API key is not valid or was revoked.",
		          NULL);
		return false;
	}
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return false;
	}
	const char *tenant = req_param(r, "HTTP_TENANT_ID");
	if (tenant == NULL || tenant[0] == '\0') {
		api_error(r, 403, "NO_TENANT_ACCESS",
		          "Send the 'Tenant-ID' header with every call.", NULL);
		return false;
	}
	if (strcmp(tenant, key.tenant.slug) != 0) {
		api_error(r, 403, "NO_TENANT_ACCESS",
		          "This API key does not belong to the tenant named in 'Tenant-ID'.", NULL);
		return false;
	}
	r->user.key_id = key.id;
	r->user.name = arena_printf(r->arena, "api:%s", key.label);
	r->user.display = r->user.name;
	r->user.tenant = key.tenant.id;
	r->user.tenant_slug = key.tenant.slug;
	r->user.tenant_name = key.tenant.name;
	r->user.currency = key.tenant.currency;
	r->user.role = key.role;

	int limit = key.rate_limit >= 0 ? (int)key.rate_limit : r->app->cfg.api_rate_limit;
	int retry_after;
	rc = access_api_rate(r->app->db, r->arena, &key, limit, time(NULL), &r->app->key_uses,
	                     &retry_after);
	if (rc == ERR_TOO_LARGE) {
		char ra[16];
		snprintf(ra, sizeof(ra), "%d", retry_after);
		resp_header(r, "Retry-After", ra);
		api_error(r, 429, "RATE_LIMITED",
		          arena_printf(r->arena, "This key may make %d calls a minute; wait %d s.",
		                       limit, retry_after),
		          NULL);
		return false;
	}
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return false;
	}
	return true;
}
