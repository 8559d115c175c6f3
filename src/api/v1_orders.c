/* GET /v1/orders?customerId=&status=&sortBy=&sortDir=: FlexPortal's
 * listOrders, each order in FlexPortal's shape (what the seed's
 * canDeleteCustomer() asks before deleting: pending orders); GET
 * /v1/orders/{orderId} (getOrder) with the same object, and POST
 * /v1/orders/{orderId}/cancel (cancelOrder) through domain/actions.c. */
#include "api/action.h"
#include "api/api.h"
#include "api/body.h"
#include "api/list.h"
#include "db/customers.h"
#include "db/orders.h"
#include "http/error.h"
#include "http/json.h"
#include "util/cursor.h"
#include "util/fmt.h"

#define API_DEFAULT_LIMIT 50

static json_t *money(int64_t cents)
{
	return json_real((double)cents / 100.0);
}

/* Sets key to s unless s is NULL: FlexPortal types these members as
 * strings, so an absent value is left out rather than sent as null. */
static void set_opt(json_t *o, const char *key, const char *s)
{
	if (s != NULL)
		json_object_set_new(o, key, json_string(s));
}

static json_t *ids_json(const char **ids, size_t n)
{
	json_t *v = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(v, json_string(ids[i]));
	return v;
}

/* An address the order was placed with. contactName is required by
 * FlexPortal: an address without one names the customer. postalCode is
 * the one optional member FlexPortal allows to be null. */
static json_t *address_json(const struct address_row *x, const struct order_customer *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "contactName",
	                    json_string(x->contact_name ? x->contact_name : c->full_name));
	set_opt(o, "company", x->company);
	set_opt(o, "buildingInfo", x->building);
	set_opt(o, "streetAddress", x->street);
	set_opt(o, "locality", x->locality);
	set_opt(o, "city", x->city);
	set_opt(o, "adminArea", x->admin_area);
	json_object_set_new(o, "postalCode",
	                    x->postal_code ? json_string(x->postal_code) : json_null());
	set_opt(o, "country", x->country);
	return o;
}

static json_t *customer_json(const struct order_customer *c)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "customerId", c->public_id, "email",
	                      c->email, "firstName", c->first_name, "lastName", c->last_name,
	                      "customerType", customer_type_name[c->type]);
	set_opt(o, "company", c->company);
	set_opt(o, "phone", c->phone);
	return o;
}

static json_t *item_json(const struct order_item_row *it)
{
	return json_pack("{s:s, s:s, s:I, s:o, s:I, s:o}", "sku", it->sku, "productName",
	                 it->product_name, "quantity", (json_int_t)it->quantity, "unitPrice",
	                 money(it->unit_cents), "contractLength", (json_int_t)it->contract_months,
	                 "rentalIds", ids_json(it->rental_ids, it->nrentals));
}

/* FlexPortal's order object. customerId, total and currency at the top
 * are Custodian's extensions (the same values as customer.customerId and
 * totals), kept for the clients written before the FlexPortal shape. */
static json_t *order_json(struct req *r, const struct order_detail *d)
{
	struct arena *a = r->arena;
	json_t *items = json_array();
	int64_t subtotal = 0;
	for (size_t i = 0; i < d->o.nitems; i++) {
		json_array_append_new(items, item_json(&d->o.items[i]));
		subtotal += d->o.items[i].quantity * d->o.items[i].unit_cents;
	}
	json_t *o = json_object();
	json_object_set_new(o, "orderId", json_string(d->o.public_id));
	json_object_set_new(o, "tenantId", json_string(r->user.tenant_slug));
	json_object_set_new(o, "status", json_string(order_status_name[d->o.status]));
	json_object_set_new(o, "orderType", json_string(order_type_name[d->type]));
	json_object_set_new(o, "customer", customer_json(&d->customer));
	if (d->has_billing)
		json_object_set_new(o, "billingAddress", address_json(&d->billing, &d->customer));
	if (d->has_shipping)
		json_object_set_new(o, "shippingAddress", address_json(&d->shipping, &d->customer));
	json_object_set_new(o, "items", items);
	/* No tax is charged on rentals here: total = subtotal = the sum of
	 * the lines, which orders.total holds (sql/triggers.sql). */
	json_object_set_new(o, "totals",
	                    json_pack("{s:o, s:o, s:s, s:I}", "subtotal", money(subtotal), "total",
	                              money(d->o.total_cents), "currency", d->o.currency,
	                              "totalDevices", (json_int_t)d->devices));
	json_object_set_new(o, "rentalProgress",
	                    json_pack("{s:I, s:I}", "totalDevices", (json_int_t)d->devices,
	                              "rentedDevices", (json_int_t)d->nrentals));
	json_object_set_new(o, "rentalIds", ids_json(d->rental_ids, d->nrentals));
	json_object_set_new(o, "createdAt", json_string(fmt_iso(a, d->o.created_at)));
	json_object_set_new(o, "updatedAt", json_string(fmt_iso(a, d->updated_at)));
	json_object_set_new(o, "createdBy", json_string(d->created_by));
	json_object_set_new(o, "customerId", json_string(d->o.customer_public_id));
	json_object_set_new(o, "total", money(d->o.total_cents));
	json_object_set_new(o, "currency", json_string(d->o.currency));
	return o;
}

/* the list's rows, for api_list_send() */
static json_t *orders_row_json(struct req *r, const void *row)
{
	return order_json(r, row);
}

static void orders_row_key(struct req *r, const void *row, const void *ctx, const char **key,
                           uint64_t *id)
{
	const struct order_detail *d = row;
	*key = order_sort_key(r->arena, d, *(const enum order_sort *)ctx);
	*id = d->o.id;
}

void api_orders_list(struct req *r)
{
	struct arena *a = r->arena;
	const struct config *cfg = &r->app->cfg;
	unsigned limit = (unsigned)req_int(r, KEY_LIMIT, API_DEFAULT_LIMIT);
	enum order_sort sort = (enum order_sort)req_int(r, KEY_ORDER_SORT_BY, OSORT_CREATED);
	/* FlexPortal: sortDir defaults to desc, whatever the sortBy */
	bool desc = req_int(r, KEY_SORT_DIR, 1) == 1;
	struct orders_query q = {
	    .tenant = r->user.tenant,
	    .status = (int)req_int(r, KEY_ORDER_STATUS, -1),
	    .sort = sort,
	    .desc = desc,
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
	/* A cursor holds its sort and direction: one of another order is
	 * refused rather than read with the wrong key. */
	const char *scope = arena_printf(a, "api:orders:%d:%d", (int)sort, (int)desc);
	const char *after = req_str(r, KEY_START_AFTER);
	if (after) {
		char *key;
		uint64_t id;
		if (cursor_decode(a, cfg->secret, cfg->secretlen, scope, after, &key, &id) != 0) {
			static const char msg[] =
			    "startAfter: not a cursor from this list with this sort order.";
			api_invalid(r, "startAfter", msg, "invalid_string");
			return;
		}
		q.after = true;
		q.after_key = key;
		q.after_id = id;
	}
	struct order_detail_list rows;
	enum err rc = db_orders_list(r->app->db, a, &q, &rows);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	struct api_list_page page = {
	    "orders", scope,           rows.rows,      rows.n, sizeof(rows.rows[0]),
	    limit,    orders_row_json, orders_row_key, &sort,  false};
	api_list_send(r, &page);
}

static const char order_not_found[] = "Order not found. Verify the order ID.";

void api_order_get(struct req *r)
{
	struct orders_query q = {
	    .tenant = r->user.tenant, .public_id = r->arg, .status = -1, .limit = 1};
	struct order_detail_list rows;
	enum err rc = db_orders_list(r->app->db, r->arena, &q, &rows);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	if (rows.n == 0) {
		api_error(r, 404, "NOT_FOUND", order_not_found, NULL);
		return;
	}
	api_send(r, 200, order_json(r, &rows.rows[0]));
}

/* FlexPortal's cancelOrder: {reason?} (at most 1,000 characters). */
void api_order_cancel(struct req *r)
{
	static const char *const known[] = {"reason", NULL};
	struct api_body b;
	if (!body_open(r, true, known, &b))
		return;
	const char *reason = body_string(&b, "reason", false, 1000, false);
	if (!body_close(&b))
		return;
	struct actor who = api_actor_of(r);
	struct action_request q = {.action = ACTION_ORDER_CANCEL,
	                           .record = r->arg,
	                           .reason = reason,
	                           .condition = -1,
	                           .fee_cents = -1};
	struct action_result out;
	enum err rc = action_run(r->app->db, r->arena, &who, &q, &out);
	if (rc != ERR_OK) {
		api_action_failed(r, rc, &out, order_not_found);
		return;
	}
	/* An order with rentals keeps them: its unrented units are cancelled
	 * and it is fulfilled (README "JSON API"). */
	const char *message =
	    out.rentals_kept > 0
	        ? arena_printf(r->arena,
	                       "Order closed: %lld unrented unit(s) cancelled, its %lld rental(s) "
	                       "kept; the order is now fulfilled.",
	                       (long long)out.units_cancelled, (long long)out.rentals_kept)
	        : "Order cancelled.";
	api_send(r, 200,
	         json_pack("{s:b, s:s, s:s, s:s}", "success", 1, "message", message, "orderId",
	                   r->arg, "status", order_status_name[out.new_status]));
}
