/* What the records' lists share (api/list.h). */
#include "api/list.h"

#include "db/customers.h"
#include "http/error.h"
#include "http/json.h"
#include "util/cursor.h"

unsigned api_list_limit(const struct req *r)
{
	return (unsigned)req_int(r, KEY_LIMIT, API_LIST_DEFAULT_LIMIT);
}

bool api_list_after(struct req *r, const char *scope, char **key, uint64_t *id)
{
	const struct config *cfg = &r->app->cfg;
	*key = NULL;
	*id = 0;
	const char *after = req_str(r, KEY_START_AFTER);
	if (after == NULL)
		return true;
	if (cursor_decode(r->arena, cfg->secret, cfg->secretlen, scope, after, key, id) != 0 ||
	    *id == 0) {
		static const char msg[] = "startAfter: not a cursor from this list.";
		api_invalid(r, "startAfter", msg, "invalid_string");
		return false;
	}
	return true;
}

const char *api_list_next(struct req *r, const char *scope, const char *key, uint64_t id)
{
	const struct config *cfg = &r->app->cfg;
	return cursor_encode(r->arena, cfg->secret, cfg->secretlen, scope, key, id);
}

int api_list_customer(struct req *r, uint64_t *id)
{
	*id = 0;
	const char *customer = req_str(r, KEY_CUSTOMER_ID);
	if (customer == NULL)
		return 1;
	struct customer_row c;
	enum err rc = db_customer_find(r->app->db, r->arena, r->user.tenant, customer, &c);
	if (rc == ERR_NOT_FOUND)
		return 0;
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return -1;
	}
	*id = c.id;
	return 1;
}
