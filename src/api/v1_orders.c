/* GET /v1/orders?customerId=&status=: what the seed's canDeleteCustomer()
 * asks before deleting (pending orders). */
#include "api/api.h"
#include "db/customers.h"
#include "db/orders.h"
#include "http/error.h"
#include "http/json.h"
#include "util/cursor.h"
#include "util/fmt.h"

void api_orders_list(struct req *r)
{
	struct arena *a = r->arena;
	const struct config *cfg = &r->app->cfg;
	unsigned limit = (unsigned)req_int(r, KEY_LIMIT, 50);
	struct orders_query q = {
	    .tenant = r->user.tenant,
	    .status = (int)req_int(r, KEY_ORDER_STATUS, -1),
	    .limit = limit + 1,
	};
	const char *customer = req_str(r, KEY_CUSTOMER_ID);
	if (customer) {
		struct customer_row c;
		enum err rc = db_customer_find(r->app->db, a, r->user.tenant, customer, &c);
		if (rc == ERR_NOT_FOUND) {
			/* An unknown customer has no orders; answer like FlexPortal's
			 * list: empty, not an error. */
			api_send(r, 200,
			         json_pack("{s:[], s:i, s:i, s:b, s:n}", "orders", "count", 0,
			                   "limit", (int)limit, "hasMore", 0, "nextCursor"));
			return;
		}
		if (rc != ERR_OK) {
			http_fail_kind(r, rc);
			return;
		}
		q.customer_id = c.id;
	}
	const char *after = req_str(r, KEY_START_AFTER);
	if (after) {
		char *key;
		uint64_t id;
		if (cursor_decode(a, cfg->secret, cfg->secretlen, "api:orders", after, &key, &id) !=
		    0) {
			static const char msg[] = "startAfter: not a cursor of this list.";
			api_invalid(r, "startAfter", msg, "invalid_string");
			return;
		}
		q.before_id = id;
	}
	struct order_list rows;
	enum err rc = db_orders_list(r->app->db, a, &q, &rows);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	size_t shown = rows.n > limit ? limit : rows.n;
	json_t *list = json_array();
	for (size_t i = 0; i < shown; i++) {
		const struct order_row *o = &rows.rows[i];
		json_array_append_new(
		    list, json_pack("{s:s, s:s, s:s, s:s, s:f, s:s, s:s}", "orderId", o->public_id,
		                    "customerId", o->customer_public_id, "tenantId",
		                    r->user.tenant_slug, "status", order_status_name[o->status],
		                    "total", (double)o->total_cents / 100.0, "currency",
		                    o->currency, "createdAt", fmt_iso(a, o->created_at)));
	}
	json_t *next = json_null();
	if (rows.n > limit)
		next = json_string(cursor_encode(a, cfg->secret, cfg->secretlen, "api:orders", "",
		                                 rows.rows[shown - 1].id));
	api_send(r, 200,
	         json_pack("{s:o, s:i, s:i, s:b, s:o}", "orders", list, "count", (int)shown,
	                   "limit", (int)limit, "hasMore", rows.n > limit, "nextCursor", next));
}
