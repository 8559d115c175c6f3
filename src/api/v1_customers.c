/* GET /v1/customers, GET/PUT/DELETE /v1/customers/{customerId} */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/update.h"
#include "db/customers.h"
#include "db/sql.h"
#include "domain/lifecycle.h"
#include "domain/retention.h"
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

/* FlexPortal's sortBy names, in the order of the input table (http/input.c). */
static const enum customer_sort api_sorts[] = {CSORT_CREATED, CSORT_FIRST, CSORT_NAME,
                                               CSORT_EMAIL,   CSORT_MRR,   CSORT_DEVICES};

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *iso_or_null(struct arena *a, const char *s)
{
	return s ? json_string(fmt_iso(a, s)) : json_null();
}

/* An address column holding a JSON object (or NULL). */
static json_t *address_json(const char *text)
{
	if (text == NULL)
		return json_null();
	json_t *v = json_loads(text, 0, NULL);
	return v ? v : json_null();
}

/* The FlexPortal customer object from a CU_* row. */
static json_t *customer_json(struct req *r, const struct db_res *c, size_t i, bool addresses)
{
	struct arena *a = r->arena;
	json_t *o = json_object();
	json_object_set_new(o, "customerId", json_string(DB_V(c, i, CU_PUBLIC_ID)));
	json_object_set_new(o, "tenantId", json_string(r->user.tenant_slug));
	json_object_set_new(o, "email", json_string(DB_V(c, i, CU_EMAIL)));
	json_object_set_new(o, "firstName", json_string(DB_V(c, i, CU_FIRST)));
	json_object_set_new(o, "lastName", json_string(DB_V(c, i, CU_LAST)));
	json_object_set_new(o, "customerType", json_string(DB_V(c, i, CU_TYPE)));
	json_object_set_new(o, "company", str_or_null(DB_V(c, i, CU_COMPANY)));
	json_object_set_new(o, "phone", str_or_null(DB_V(c, i, CU_PHONE)));
	json_object_set_new(o, "status", json_string(DB_V(c, i, CU_STATUS)));
	json_object_set_new(o, "totalOrders", json_integer(atoll(DB_V(c, i, CU_ORDERS))));
	json_object_set_new(o, "totalDevicesRented", json_integer(atoll(DB_V(c, i, CU_DEVICES))));
	json_object_set_new(o, "totalMonthlyRevenue",
	                    json_real((double)atoll(DB_V(c, i, CU_MRR)) / 100.0));
	if (addresses) {
		json_object_set_new(o, "lastBillingAddress",
		                    address_json(DB_V(c, i, CU_BILLING_JSON)));
		json_object_set_new(o, "lastShippingAddress",
		                    address_json(DB_V(c, i, CU_SHIPPING_JSON)));
	}
	const char *custom = DB_V(c, i, CU_CUSTOM);
	json_t *cf = custom ? json_loads(custom, 0, NULL) : NULL;
	json_object_set_new(o, "customFields", cf ? cf : json_object());
	json_object_set_new(o, "createdAt", iso_or_null(a, DB_V(c, i, CU_CREATED)));
	json_object_set_new(o, "updatedAt", iso_or_null(a, DB_V(c, i, CU_UPDATED)));
	if (strcmp(DB_V(c, i, CU_STATUS), "inactive") == 0) {
		json_object_set_new(o, "deactivatedAt", iso_or_null(a, DB_V(c, i, CU_DEACT_AT)));
		json_object_set_new(o, "deactivatedBy", str_or_null(DB_V(c, i, CU_DEACT_BY)));
		json_object_set_new(o, "deactivationReason",
		                    str_or_null(DB_V(c, i, CU_DEACT_REASON)));
	}
	return o;
}

void api_customers_list(struct req *r)
{
	struct arena *a = r->arena;
	const struct config *cfg = &r->app->cfg;
	long long status = req_int(r, KEY_STATUS, 0);
	if (status > 2) {
		api_error(r, 400, "INVALID_PARAMETER", "status: must be active, inactive or all.",
		          NULL);
		return;
	}
	enum customer_sort sort = api_sorts[req_int(r, KEY_SORT_BY, 0)];
	const char *dir = req_str(r, KEY_SORT_DIR);
	bool desc = dir ? strcmp(dir, "desc") == 0 : req_str(r, KEY_SORT_BY) == NULL;
	unsigned limit = (unsigned)req_int(r, KEY_LIMIT, API_DEFAULT_LIMIT);
	const char *rentals = req_str(r, KEY_HAS_ACTIVE_RENTALS);
	struct customer_query q = {
	    .tenant = r->user.tenant,
	    .status = status == 2   ? NULL
	              : status == 1 ? "inactive"
	                            : "active",
	    .type = req_str(r, KEY_CUSTOMER_TYPE),
	    .has_rentals = rentals ? strcmp(rentals, "true") == 0 : -1,
	    .search = req_str(r, KEY_EMAIL) ? CSEARCH_EMAIL_EXACT : CSEARCH_NONE,
	    .term = req_str(r, KEY_EMAIL),
	    .sort = sort,
	    .desc = desc,
	    .addresses = true,
	    .limit = limit + 1,
	};
	const char *scope = arena_printf(a, "api:customers:%d:%d", (int)sort, (int)desc);
	const char *after = req_str(r, KEY_START_AFTER);
	if (after) {
		char *key;
		uint64_t id;
		if (cursor_decode(a, cfg->secret, cfg->secretlen, scope, after, &key, &id) != 0) {
			api_error(r, 400, "INVALID_PARAMETER",
			          "startAfter: not a cursor from this list with this sort order.",
			          NULL);
			return;
		}
		q.after = true;
		q.after_key = key;
		q.after_id = id;
	}
	struct db_res rows;
	enum err rc = db_customer_list(r->app->db, a, &q, &rows);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	size_t shown = rows.nrows > limit ? limit : rows.nrows;
	json_t *list = json_array();
	for (size_t i = 0; i < shown; i++)
		json_array_append_new(list, customer_json(r, &rows, i, true));
	json_t *next = json_null();
	if (rows.nrows > limit) {
		size_t last = shown - 1;
		next = json_string(cursor_encode(a, cfg->secret, cfg->secretlen, scope,
		                                 customer_sort_key(&rows, last, sort),
		                                 strtoull(DB_V(&rows, last, CU_ID), NULL, 10)));
	}
	api_send(r, 200,
	         json_pack("{s:o, s:i, s:i, s:b, s:o}", "customers", list, "count", (int)shown,
	                   "limit", (int)limit, "hasMore", rows.nrows > limit, "nextCursor", next));
}

/* Loads the customer of the path (CU_* columns); answers 404/503 itself. */
static bool load(struct req *r, struct db_res *c)
{
	enum err rc = db_exec(r->app->db, r->arena, STMT_CUSTOMER_BY_PUBLIC_ID, c, "si", r->arg,
	                      (long long)r->user.tenant);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return false;
	}
	if (c->nrows == 0) {
		api_error(r, 404, "NOT_FOUND", "Customer not found. Verify the customer ID.", NULL);
		return false;
	}
	return true;
}

static json_t *address_of(const struct db_res *ad, const char *kind)
{
	for (size_t i = 0; i < ad->nrows; i++) {
		if (strcmp(DB_V(ad, i, AD_KIND), kind) != 0)
			continue;
		return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "contactName",
		                 str_or_null(DB_V(ad, i, AD_CONTACT)), "streetAddress",
		                 str_or_null(DB_V(ad, i, AD_STREET)), "buildingInfo",
		                 str_or_null(DB_V(ad, i, AD_BUILDING)), "locality",
		                 str_or_null(DB_V(ad, i, AD_LOCALITY)), "city",
		                 str_or_null(DB_V(ad, i, AD_CITY)), "adminArea",
		                 str_or_null(DB_V(ad, i, AD_ADMIN)), "postalCode",
		                 str_or_null(DB_V(ad, i, AD_POSTAL)), "country",
		                 str_or_null(DB_V(ad, i, AD_COUNTRY)), "company",
		                 str_or_null(DB_V(ad, i, AD_COMPANY)));
	}
	return json_null();
}

/* The full customer: profile, addresses and profitability. */
static void send_customer(struct req *r, int status)
{
	struct db_res c, ad;
	if (!load(r, &c))
		return;
	unsigned long long cid = strtoull(DB_V(&c, 0, CU_ID), NULL, 10);
	struct retention ret;
	enum err rc;
	if ((rc = db_exec(r->app->db, r->arena, STMT_CUSTOMER_ADDRESSES, &ad, "u", cid)) ||
	    (rc = retention_for_customer(r->app->db, r->arena, cid, &ret))) {
		http_fail_kind(r, rc);
		return;
	}
	json_t *o = customer_json(r, &c, 0, false);
	json_object_set_new(o, "lastBillingAddress", address_of(&ad, "billing"));
	json_object_set_new(o, "lastShippingAddress", address_of(&ad, "shipping"));
	struct profitability p;
	profitability_of(&ret, atoll(DB_V(&c, 0, CU_DEVICES)), time(NULL), &p);
	json_object_set_new(o, "profitability",
	                    json_pack("{s:f, s:f, s:f, s:f, s:I, s:I}", "lifetimeCollected",
	                              round2(p.lifetime_collected), "totalAcquisitionCost",
	                              round2(p.total_acquisition_cost), "costRecoveryPercent",
	                              round2(p.cost_recovery_percent), "averageMonthlyRevenue",
	                              round2(p.average_monthly_revenue), "totalDevicesEver",
	                              (json_int_t)p.total_devices_ever, "activeDevices",
	                              (json_int_t)p.active_devices));
	api_send(r, status, o);
}

void api_customer_get(struct req *r)
{
	send_customer(r, 200);
}

/* The blocking records of a refusal, for "details". */
static json_t *blockers_json(const struct prereq *p)
{
	static const int id_col[PREREQ__MAX] = {SU_PUBLIC_ID, OR_PUBLIC_ID, AS_SERIAL};
	static const char *const kinds[PREREQ__MAX] = {"subscription", "order", "device"};
	json_t *details = json_array();
	for (int c = 0; c < PREREQ__MAX; c++) {
		size_t n = prereq_count(p, (enum prereq_code)c);
		if (n == 0)
			continue;
		json_t *ids = json_array();
		for (size_t i = 0; i < n && i < 100; i++)
			json_array_append_new(ids, json_string(DB_V(&p->rows[c], i, id_col[c])));
		json_array_append_new(details, json_pack("{s:s, s:s, s:s, s:i, s:o}", "code",
		                                         prereq_error_code[c], "message",
		                                         prereq_solution[c], "recordType", kinds[c],
		                                         "count", (int)n, "records", ids));
	}
	return details;
}

/* Answers a deactivation through the API (DELETE, or PUT status=inactive). */
static void deactivate(struct req *r, const char *reason, const char *note, bool as_put)
{
	struct actor who = {r->user.name, r->user.tenant, "api", r->request_id, 0};
	struct lifecycle_outcome out;
	enum lifecycle_result res =
	    lifecycle_deactivate(r->app->db, r->arena, &who, r->arg, reason, note, &out);
	switch (res) {
	case LC_DONE:
	case LC_NOOP:
		if (as_put) {
			send_customer(r, 200);
			return;
		}
		api_send(r, 200,
		         json_pack("{s:b, s:s, s:s}", "success", 1, "message",
		                   res == LC_DONE
		                       ? "Customer deactivated. Its history is preserved."
		                       : "Customer was already inactive; nothing changed.",
		                   "customerId", r->arg));
		return;
	case LC_BLOCKED: {
		int first = 0;
		while (first < PREREQ__MAX &&
		       prereq_count(&out.prereq, (enum prereq_code)first) == 0)
			first++;
		api_error(r, 409, prereq_error_code[first],
		          arena_printf(r->arena, "Cannot deactivate: %s", out.outcome),
		          blockers_json(&out.prereq));
		return;
	}
	case LC_NOT_FOUND:
		api_error(r, 404, "NOT_FOUND", "Customer not found. Verify the customer ID.", NULL);
		return;
	case LC_UNAVAILABLE: http_fail_kind(r, ERR_UNAVAILABLE); return;
	case LC_ERROR: http_fail_kind(r, ERR_INTERNAL); return;
	}
}

/* The body of a write; answers and returns false when it is bad. */
static bool parse_body(struct req *r, bool for_put, struct api_update *u)
{
	struct api_parse_error err;
	if (api_parse_update(r->arena, r->content_type, r->body, r->body_len, for_put, u, &err) ==
	    0) {
		if (u->reason == NULL)
			u->reason = req_str(r, KEY_REASON);
		return true;
	}
	api_error(r, err.status, err.code, err.message, NULL);
	return false;
}

void api_customer_delete(struct req *r)
{
	struct api_update u;
	if (!parse_body(r, false, &u))
		return;
	/* FlexPortal's DELETE carries no reason; Custodian records one
	 * (README: "Decisions"). */
	deactivate(r, u.reason ? u.reason : "data_cleanup", u.note, false);
}

void api_customer_put(struct req *r)
{
	struct api_update u;
	if (!parse_body(r, true, &u))
		return;
	if (strcmp(u.status, "inactive") == 0) {
		deactivate(r, u.reason ? u.reason : "data_cleanup", u.note, true);
		return;
	}
	struct actor who = {r->user.name, r->user.tenant, "api", r->request_id, 0};
	struct lifecycle_outcome out;
	switch (lifecycle_reactivate(r->app->db, r->arena, &who, r->arg, u.note, &out)) {
	case LC_DONE:
	case LC_NOOP:
	case LC_BLOCKED: send_customer(r, 200); return;
	case LC_NOT_FOUND:
		api_error(r, 404, "NOT_FOUND", "Customer not found. Verify the customer ID.", NULL);
		return;
	case LC_UNAVAILABLE: http_fail_kind(r, ERR_UNAVAILABLE); return;
	case LC_ERROR: http_fail_kind(r, ERR_INTERNAL); return;
	}
}
