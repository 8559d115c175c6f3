/* GET /v1/customers, GET/PUT/DELETE /v1/customers/{customerId} */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "api/list.h"
#include "api/update.h"
#include "domain/closures.h"
#include "domain/customers.h"
#include "domain/lifecycle.h"
#include "domain/search.h"
#include "http/error.h"
#include "http/json.h"
#include "http/response.h"
#include "util/cursor.h"
#include "util/fmt.h"

#define API_DEFAULT_LIMIT 50

/* Money and percentages to two decimals, as FlexPortal writes them. */
static double round2(double v)
{
	return (double)(long long)(v * 100.0 + (v < 0 ? -0.5 : 0.5)) / 100.0;
}

/* Cents as FlexPortal's decimal amounts. */
static json_t *money(int64_t cents)
{
	return json_real((double)cents / 100.0);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *iso_or_null(struct arena *a, const char *s)
{
	return s ? json_string(fmt_iso(a, s)) : json_null();
}

/* A member FlexPortal types as a string: left out when there is none. */
static void set_str(json_t *o, const char *name, const char *s)
{
	if (s != NULL)
		json_object_set_new(o, name, json_string(s));
}

/* An address column holding a JSON object as FlexPortal's address: its
 * members without the NULL ones (postalCode may be null), contactName the
 * customer's name when the record has none (README "Decisions"). NULL
 * when there is no address. */
static json_t *address_json(const char *text, const struct customer_row *c)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	if (v == NULL || !json_is_object(v)) {
		json_decref(v);
		return NULL;
	}
	const char *key;
	json_t *m;
	void *tmp;
	json_object_foreach_safe(v, tmp, key, m)
	{
		if (json_is_null(m) && strcmp(key, "postalCode") != 0)
			json_object_del(v, key);
	}
	if (json_object_get(v, "contactName") == NULL)
		json_object_set_new(v, "contactName", json_string(c->full_name));
	return v;
}

/* A JSON array column (public ids), [] when NULL. */
static json_t *ids_json(const char *text)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	if (v != NULL && json_is_array(v))
		return v;
	json_decref(v);
	return json_array();
}

/* FlexPortal's flat money figures (README "Decisions": the margin is what
 * was collected less what the devices cost; its percent is of that cost,
 * 0 without one). */
static void set_money(json_t *o, int64_t collected, int64_t acquisition, int64_t tracked)
{
	int64_t margin = collected - acquisition;
	json_object_set_new(o, "lifetimeCollected", money(collected));
	json_object_set_new(o, "totalAcquisitionCost", money(acquisition));
	json_object_set_new(o, "customerMargin", money(margin));
	json_object_set_new(o, "customerMarginPercent",
	                    json_real(acquisition > 0
	                                  ? round2((double)margin * 100.0 / (double)acquisition)
	                                  : 0.0));
	json_object_set_new(o, "subscriptionsTracked", json_integer(tracked));
}

/* The FlexPortal customer object of a row (with its API additions read:
 * has_extras). */
static json_t *customer_json(struct req *r, const struct customer_row *c)
{
	struct arena *a = r->arena;
	json_t *o = json_object();
	json_object_set_new(o, "customerId", json_string(c->public_id));
	json_object_set_new(o, "tenantId", json_string(r->user.tenant_slug));
	json_object_set_new(o, "email", json_string(c->email));
	json_object_set_new(o, "firstName", json_string(c->first_name));
	json_object_set_new(o, "lastName", json_string(c->last_name));
	json_object_set_new(o, "customerType", json_string(customer_type_name[c->type]));
	set_str(o, "company", c->company);
	set_str(o, "phone", c->phone);
	json_object_set_new(o, "status", json_string(customer_status_name[c->status]));
	/* an extension: a duplicate merged away names the customer it went to */
	if (c->merged_into != NULL)
		json_object_set_new(o, "mergedInto", json_string(c->merged_into));
	/* extensions: personal data erased (README "Personal data"), a legal hold */
	json_object_set_new(o, "erasedAt", iso_or_null(a, c->erased_at));
	json_object_set_new(o, "legalHold", json_boolean(c->legal_hold));
	json_object_set_new(o, "totalOrders", json_integer(c->total_orders));
	json_object_set_new(o, "totalDevicesRented", json_integer(c->devices_out));
	json_object_set_new(o, "totalMonthlyRevenue", money(c->mrr_cents));
	json_object_set_new(o, "orderIds", ids_json(c->order_ids_json));
	json_object_set_new(o, "rentalIds", ids_json(c->rental_ids_json));
	json_t *billing = address_json(c->billing_json, c);
	json_t *shipping = address_json(c->shipping_json, c);
	/* The schema names them lastBillingAddress / lastShippingAddress, the
	 * prose (customers/get.md) billingAddress / shippingAddress: both. */
	if (billing) {
		json_object_set(o, "billingAddress", billing);
		json_object_set_new(o, "lastBillingAddress", billing);
	}
	if (shipping) {
		json_object_set(o, "shippingAddress", shipping);
		json_object_set_new(o, "lastShippingAddress", shipping);
	}
	json_t *cf = c->custom_fields ? json_loads(c->custom_fields, 0, NULL) : NULL;
	json_object_set_new(o, "customFields", cf ? cf : json_object());
	json_object_set_new(o, "createdAt", iso_or_null(a, c->created_at));
	json_object_set_new(o, "updatedAt", iso_or_null(a, c->updated_at));
	json_object_set_new(o, "createdBy", json_string(c->created_by ? c->created_by : "import"));
	if (c->has_extras)
		set_money(o, c->collected_cents, c->acquisition_cents, c->subscriptions_tracked);
	if (c->status == CUSTOMER_INACTIVE) {
		json_object_set_new(o, "deactivatedAt", iso_or_null(a, c->deactivated_at));
		json_object_set_new(o, "deactivatedBy", str_or_null(c->deactivated_by));
		json_object_set_new(o, "deactivationReason",
		                    c->deactivation_reason >= 0
		                        ? json_string(reason_code[c->deactivation_reason])
		                        : json_null());
	}
	return o;
}

/* the list's rows, for api_list_send() */
static json_t *customers_row_json(struct req *r, const void *row)
{
	return customer_json(r, row);
}

static void customers_row_key(struct req *r, const void *row, const void *ctx, const char **key,
                              uint64_t *id)
{
	const struct customer_row *c = row;
	*key = customer_sort_key(r->arena, c, *(const enum customer_sort *)ctx);
	*id = c->id;
}

void api_customers_list(struct req *r)
{
	struct arena *a = r->arena;
	const struct config *cfg = &r->app->cfg;
	enum customer_sort sort = (enum customer_sort)req_int(r, KEY_SORT_BY, CSORT_CREATED);
	/* FlexPortal: sortDir defaults to desc, whatever the sortBy */
	bool desc = req_int(r, KEY_SORT_DIR, 1) == 1;
	unsigned limit = (unsigned)req_int(r, KEY_LIMIT, API_DEFAULT_LIMIT);
	struct customer_query q = {
	    .tenant = r->user.tenant,
	    .status = (int)req_int(r, KEY_STATUS, CUSTOMER_ACTIVE),
	    .type = (int)req_int(r, KEY_CUSTOMER_TYPE, -1),
	    .has_rentals = (int)req_int(r, KEY_HAS_ACTIVE_RENTALS, -1),
	    .search = req_str(r, KEY_EMAIL) ? CSEARCH_EMAIL_EXACT : CSEARCH_NONE,
	    .term = req_str(r, KEY_EMAIL),
	    .sort = sort,
	    .desc = desc,
	    .addresses = true,
	    .limit = limit + 1,
	};
	/* Extension: ?search= is the search box's search among the customers
	 * (domain/search.h; a record's id is read at its own endpoint). The
	 * exact email= filter stays FlexPortal's and is not combined with it. */
	const char *search = req_str(r, KEY_SEARCH);
	if (search != NULL && q.search != CSEARCH_NONE) {
		api_invalid(r, "search", "search: cannot be combined with email.",
		            "invalid_string");
		return;
	}
	if (search != NULL)
		search_query(&q, search);
	const char *scope = arena_printf(a, "api:customers:%d:%d%s", (int)sort, (int)desc,
	                                 q.search == CSEARCH_TEXT ? ":search" : "");
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
	struct customer_list rows;
	enum err rc = db_customer_list(r->app->db, a, &q, &rows);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	struct api_list_page page = {"customers",
	                             scope,
	                             rows.rows,
	                             rows.n,
	                             sizeof(rows.rows[0]),
	                             limit,
	                             customers_row_json,
	                             customers_row_key,
	                             &sort,
	                             false};
	api_list_send(r, &page);
}

static void not_found(struct req *r)
{
	api_error(r, 404, "NOT_FOUND", "Customer not found. Verify the customer ID.", NULL);
}

static void failed(struct req *r, enum err rc)
{
	if (rc == ERR_NOT_FOUND)
		not_found(r);
	else
		http_fail_kind(r, rc);
}

/* The full customer: profile, addresses, FlexPortal's figures and the
 * nested profitability; NULL after answering the failure. */
static json_t *full_customer(struct req *r)
{
	struct customer_overview o;
	enum err rc =
	    customer_confirmation(r->app->db, r->arena, r->user.tenant, r->arg, false, &o);
	if (rc == ERR_OK)
		rc = db_customer_api_extras(r->app->db, r->arena, &o.customer);
	if (rc != ERR_OK) {
		failed(r, rc);
		return NULL;
	}
	json_t *j = customer_json(r, &o.customer);
	struct profitability p;
	profitability_of(&o.retention, o.customer.devices_out, time(NULL), &p);
	json_object_set_new(
	    j, "profitability",
	    json_pack("{s:f, s:f, s:f, s:f, s:I, s:I, s:I}", "lifetimeCollected",
	              (double)p.lifetime_collected_cents / 100.0, "totalAcquisitionCost",
	              (double)p.total_acquisition_cents / 100.0, "costRecoveryPercent",
	              round2(p.cost_recovery_percent), "averageMonthlyRevenue",
	              round2(p.average_monthly_revenue), "totalDevicesEver",
	              (json_int_t)p.total_devices_ever, "activeDevices",
	              (json_int_t)p.active_devices, "devicesOut", (json_int_t)p.devices_out));
	return j;
}

static void send_customer(struct req *r, int status)
{
	json_t *j = full_customer(r);
	if (j != NULL)
		api_send(r, status, j);
}

void api_customer_get(struct req *r)
{
	send_customer(r, 200);
}

/* The blocking records of a refusal, for "details". */
static json_t *blockers_json(const struct prereq *p)
{
	const struct blockers *b = &p->blockers;
	json_t *details = json_array();
	for (int c = 0; c < PREREQ__MAX; c++) {
		size_t n = prereq_count(p, (enum prereq_code)c);
		if (n == 0)
			continue;
		json_t *ids = json_array();
		for (size_t i = 0; i < n && i < 100; i++)
			json_array_append_new(ids,
			                      json_string(c == PREREQ_ACTIVE_SUBSCRIPTIONS
			                                      ? b->subscriptions.rows[i].public_id
			                                  : c == PREREQ_PENDING_ORDERS
			                                      ? b->orders.rows[i].public_id
			                                      : b->devices.rows[i].serial));
		json_array_append_new(
		    details, json_pack("{s:s, s:s, s:s, s:i, s:o}", "code", prereq_defs[c].code,
		                       "message", prereq_defs[c].solution, "recordType",
		                       prereq_defs[c].kind, "count", (int)n, "records", ids));
	}
	return details;
}

static struct actor api_actor(struct req *r)
{
	struct actor who = {r->user.name, r->user.tenant, CHANNEL_API, r->request_id, 0};
	return who;
}

/* The body of a write; answers and returns false when it is bad. */
static bool parse_body(struct req *r, bool for_put, struct api_update *u)
{
	struct api_parse_error err;
	if (api_parse_update(r->arena, r->content_type, r->body, r->body_len, for_put, r->arg, u,
	                     &err) != 0) {
		if (err.status != 400) {
			api_error(r, err.status, err.code, err.message, NULL);
			return false;
		}
		json_t *details = json_array();
		for (size_t i = 0; i < err.problems.n; i++)
			json_array_append_new(details, api_detail(err.problems.p[i].path,
			                                          err.problems.p[i].message,
			                                          err.problems.p[i].code));
		api_validation_error(r, err.message, details);
		return false;
	}
	if (u->reason < 0)
		u->reason = (int)req_int(r, KEY_REASON, -1);
	/* FlexPortal's DELETE carries no reason; Custodian records one
	 * (README: "Decisions"). */
	if (u->reason < 0)
		u->reason = REASON_DATA_CLEANUP;
	return true;
}

/* A refused deactivation: 409 with the first failing prerequisite's code
 * and every blocking record in details (README "JSON API"). */
static void refused(struct req *r, const struct lifecycle_outcome *out)
{
	if (out->outcome && strcmp(out->outcome, "ERASED") == 0) {
		api_error(
		    r, 409, "CUSTOMER_ERASED",
		    "This customer's personal data was erased (erasedAt): it cannot be edited "
		    "or reactivated again.",
		    NULL);
		return;
	}
	if (out->outcome && strcmp(out->outcome, "MERGED") == 0) {
		api_error(
		    r, 409, "CUSTOMER_MERGED",
		    "This customer was merged into another one (mergedInto) and stays inactive.",
		    NULL);
		return;
	}
	api_error(r, 409, prereq_defs[prereq_first_failed(&out->prereq)].code,
	          arena_printf(r->arena, "Cannot deactivate: %s", out->outcome),
	          blockers_json(&out->prereq));
}

/* The codes of a waiting_for list as a JSON array. */
static json_t *codes_json(struct arena *a, const char *waiting_for)
{
	const char **codes;
	size_t n = closure_codes(a, waiting_for, &codes);
	json_t *v = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(v, json_string(codes[i]));
	return v;
}

/* DELETE ?whenClear=true, "close when clear": the request is filed (a
 * customer with nothing blocking too, which the job workers then close
 * at once) and answered 202 with the request (README "Close when clear"). */
static void delete_when_clear(struct req *r, const struct api_update *u)
{
	struct arena *a = r->arena;
	struct actor who = api_actor(r);
	struct closure_filed out;
	enum err rc =
	    closure_file(r->app->db, a, &who, r->arg, (enum reason)u->reason, u->note, false, &out);
	if (rc == ERR_OK) {
		json_t *closure = json_pack(
		    "{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "closureId", out.public_id, "customerId",
		    r->arg, "status", closure_state_name[CLOSURE_PENDING], "reason",
		    reason_code[u->reason], "requestedAt", fmt_iso(a, out.requested_at),
		    "requestedBy", out.requested_by, "waitingFor", codes_json(a, out.waiting_for));
		api_send(
		    r, 202,
		    json_pack("{s:b, s:s, s:o}", "success", 1, "message",
		              out.waiting_for[0]
		                  ? "Closure requested: the customer is deactivated as soon as "
		                    "nothing blocks it."
		                  : "Closure requested: nothing blocks it, so it is deactivated "
		                    "within seconds.",
		              "closure", closure));
		return;
	}
	if (rc == ERR_REFUSED && strcmp(out.outcome, "ALREADY_INACTIVE") == 0) {
		api_send(r, 200,
		         json_pack("{s:b, s:s, s:s}", "success", 1, "message",
		                   "Customer was already inactive; nothing changed.", "customerId",
		                   r->arg));
		return;
	}
	if (rc == ERR_REFUSED) {
		api_error(
		    r, 409, "CLOSURE_PENDING",
		    arena_printf(a,
		                 "Customer already has a pending closure request (%s); nothing "
		                 "changed.",
		                 out.public_id),
		    NULL);
		return;
	}
	failed(r, rc);
}

void api_customer_delete(struct req *r)
{
	struct api_update u;
	if (!parse_body(r, false, &u))
		return;
	if (req_int(r, KEY_WHEN_CLEAR, 0) == 1) {
		delete_when_clear(r, &u);
		return;
	}
	struct actor who = api_actor(r);
	struct lifecycle_outcome out;
	enum err rc = lifecycle_deactivate(r->app->db, r->arena, &who, r->arg,
	                                   (enum reason)u.reason, u.note, &out);
	if (rc == ERR_OK)
		api_send(r, 200,
		         json_pack("{s:b, s:s, s:s}", "success", 1, "message",
		                   out.changed ? "Customer deactivated. Its history is preserved."
		                               : "Customer was already inactive; nothing changed.",
		                   "customerId", r->arg));
	else if (rc == ERR_REFUSED)
		refused(r, &out);
	else
		failed(r, rc);
}

/* FlexPortal's Update Customer: the profile edit and any status change in
 * one transaction; {success, message, customerId, customer}. */
void api_customer_put(struct req *r)
{
	struct api_update u;
	if (!parse_body(r, true, &u))
		return;
	struct actor who = api_actor(r);
	struct lifecycle_outcome out;
	enum err rc = lifecycle_update(r->app->db, r->arena, &who, r->arg, &u.edit, u.status,
	                               u.reason, u.note, &out);
	if (rc == ERR_REFUSED) {
		refused(r, &out);
		return;
	}
	if (rc != ERR_OK) {
		failed(r, rc);
		return;
	}
	json_t *customer = full_customer(r);
	if (customer == NULL)
		return;
	const char *message = out.edited && u.status >= 0 && out.changed
	                          ? "Customer updated and its status changed."
	                      : out.edited                   ? "Customer updated."
	                      : u.status >= 0 && out.changed ? "Customer status changed."
	                                                     : "Nothing to change.";
	api_send(r, 200,
	         json_pack("{s:b, s:s, s:s, s:o}", "success", 1, "message", message, "customerId",
	                   r->arg, "customer", customer));
}
