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

void api_list_send(struct req *r, const struct api_list_page *p)
{
	size_t shown = p->n > p->limit ? p->limit : p->n;
	const char *rows = p->rows;
	json_t *list = json_array();
	for (size_t i = 0; i < shown; i++)
		json_array_append_new(list, p->to_json(r, rows + i * p->size));
	const char *key = NULL;
	uint64_t id = 0;
	if (p->n > p->limit)
		p->key_of(r, rows + (shown - 1) * p->size, p->ctx, &key, &id);
	json_t *next = key ? json_string(api_list_next(r, p->scope, key, id)) : json_null();
	json_t *o =
	    json_pack("{s:o, s:i, s:i, s:b, s:o}", p->name, list, "count", (int)shown, "limit",
	              (int)p->limit, "hasMore", p->n > p->limit, "nextCursor", next);
	if (p->success)
		json_object_set_new(o, "success", json_true());
	api_send(r, 200, o);
}
