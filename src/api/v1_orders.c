/* GET /v1/orders?customerId=&status=: what the seed's canDeleteCustomer()
 * asks before deleting (pending orders). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "db/orders.h"
#include "db/sql.h"
#include "http/error.h"
#include "http/json.h"
#include "util/cursor.h"
#include "util/fmt.h"

void api_orders_list(struct req *r)
{
	struct arena *a = r->arena;
	const struct config *cfg = &r->app->cfg;
	long long st = req_int(r, KEY_STATUS, -1);
	if (st >= 0 && st < 3) {
		api_error(r, 400, "INVALID_PARAMETER",
		          "status: must be pending, confirmed, partial, fulfilled or cancelled.",
		          NULL);
		return;
	}
	struct orders_query q = {
	    .tenant = r->user.tenant,
	    .status = st >= 3 ? req_str(r, KEY_STATUS) : NULL,
	    .limit = (unsigned)req_int(r, KEY_LIMIT, 50) + 1,
	};
	const char *customer = req_str(r, KEY_CUSTOMER_ID);
	if (customer) {
		struct db_res c;
		enum err rc = db_exec(r->app->db, a, STMT_CUSTOMER_BY_PUBLIC_ID, &c, "si", customer,
		                      (long long)r->user.tenant);
		if (rc != ERR_OK) {
			http_fail_kind(r, rc);
			return;
		}
		if (c.nrows == 0) {
			/* An unknown customer has no orders; answer like FlexPortal's
			 * list: empty, not an error. */
			api_send(r, 200,
			         json_pack("{s:[], s:i, s:i, s:b, s:n}", "orders", "count", 0,
			                   "limit", (int)q.limit - 1, "hasMore", 0, "nextCursor"));
			return;
		}
		q.customer_id = strtoull(DB_V(&c, 0, CU_ID), NULL, 10);
	}
	const char *after = req_str(r, KEY_START_AFTER);
	if (after) {
		char *key;
		uint64_t id;
		if (cursor_decode(a, cfg->secret, cfg->secretlen, "api:orders", after, &key, &id) !=
		    0) {
			api_error(r, 400, "INVALID_PARAMETER",
			          "startAfter: not a cursor of this list.", NULL);
			return;
		}
		q.before_id = id;
	}
	struct db_res rows;
	enum err rc = db_orders_list(r->app->db, a, &q, &rows);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	unsigned limit = q.limit - 1;
	size_t shown = rows.nrows > limit ? limit : rows.nrows;
	json_t *list = json_array();
	for (size_t i = 0; i < shown; i++)
		json_array_append_new(
		    list, json_pack("{s:s, s:s, s:s, s:s, s:f, s:s, s:s}", "orderId",
		                    DB_V(&rows, i, OR_PUBLIC_ID), "customerId",
		                    DB_V(&rows, i, OL_CUSTOMER), "tenantId", r->user.tenant_slug,
		                    "status", DB_V(&rows, i, OR_STATUS), "total",
		                    strtod(DB_V(&rows, i, OR_TOTAL), NULL), "currency",
		                    DB_V(&rows, i, OR_CURRENCY), "createdAt",
		                    fmt_iso(a, DB_V(&rows, i, OR_CREATED))));
	json_t *next = json_null();
	if (rows.nrows > limit)
		next =
		    json_string(cursor_encode(a, cfg->secret, cfg->secretlen, "api:orders", "",
		                              strtoull(DB_V(&rows, shown - 1, OR_ID), NULL, 10)));
	api_send(r, 200,
	         json_pack("{s:o, s:i, s:i, s:b, s:o}", "orders", list, "count", (int)shown,
	                   "limit", (int)limit, "hasMore", rows.nrows > limit, "nextCursor", next));
}
