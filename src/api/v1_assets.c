/* GET /v1/assets, GET and PUT /v1/assets/{serialNumber}: FlexPortal's
 * devices; a status change goes through domain/actions.c. */
#include <string.h>

#include "api/action.h"
#include "api/api.h"
#include "api/body.h"
#include "api/list.h"
#include "db/assets.h"
#include "http/error.h"
#include "http/json.h"
#include "util/fmt.h"
#include "util/text.h"

static const char asset_not_found[] = "Asset not found. Verify the serial number.";

static void set_opt(json_t *o, const char *key, const char *s)
{
	if (s != NULL)
		json_object_set_new(o, key, json_string(s));
}

/* FlexPortal's asset object; the optional members we hold are left out
 * when empty. */
static json_t *asset_json(struct req *r, const struct asset_item *x)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "serialNumber", x->serial, "tenantId",
	                      r->user.tenant_slug, "sku", x->sku, "productName", x->product_name,
	                      "status", asset_status_name[x->status]);
	set_opt(o, "location", x->location);
	set_opt(o, "customerId", x->customer_public_id);
	set_opt(o, "rentalId", x->rental_public_id);
	json_object_set_new(o, "createdAt", json_string(fmt_iso(r->arena, x->created_at)));
	json_object_set_new(o, "updatedAt", json_string(fmt_iso(r->arena, x->updated_at)));
	set_opt(o, "notes", x->notes);
	return o;
}

#define SCOPE "api:assets"

/* the list's rows, for api_list_send() */
static json_t *assets_row_json(struct req *r, const void *row)
{
	return asset_json(r, row);
}

static void assets_row_key(struct req *r, const void *row, const void *ctx, const char **key,
                           uint64_t *id)
{
	(void)r, (void)ctx;
	*key = ((const struct asset_item *)row)->serial;
	*id = 1;
}

void api_assets_list(struct req *r)
{
	unsigned limit = api_list_limit(r);
	struct asset_query q = {
	    .tenant = r->user.tenant,
	    .status = (int)req_int(r, KEY_ASSET_STATUS, -1),
	    .sku = req_str(r, KEY_SKU),
	    .rental = req_str(r, KEY_RENTAL_ID),
	    .limit = limit + 1,
	};
	char *key;
	uint64_t id;
	if (!api_list_after(r, SCOPE, &key, &id))
		return;
	q.after = key;
	int found = api_list_customer(r, &q.customer_id);
	if (found < 0)
		return;
	struct asset_items rows = {0};
	if (found) {
		enum err rc = db_assets_list(r->app->db, r->arena, &q, &rows);
		if (rc != ERR_OK) {
			http_fail_kind(r, rc);
			return;
		}
	}
	struct api_list_page page = {
	    "assets", SCOPE,           rows.rows,      rows.n, sizeof(rows.rows[0]),
	    limit,    assets_row_json, assets_row_key, NULL,   false};
	api_list_send(r, &page);
}

/* The device of the path in *x (NULL when the tenant has none); false
 * after answering a failure. */
static bool find_asset(struct req *r, const struct asset_item **x)
{
	struct asset_query q = {
	    .tenant = r->user.tenant, .serial = r->arg, .status = -1, .limit = 1};
	struct asset_items rows;
	enum err rc = db_assets_list(r->app->db, r->arena, &q, &rows);
	*x = NULL;
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return false;
	}
	if (rows.n > 0)
		*x = &rows.rows[0];
	return true;
}

/* The device of the path; NULL after answering 404 or a failure. */
static const struct asset_item *asset_of(struct req *r)
{
	const struct asset_item *x;
	if (!find_asset(r, &x))
		return NULL;
	if (x == NULL)
		api_error(r, 404, "NOT_FOUND", asset_not_found, NULL);
	return x;
}

void api_asset_get(struct req *r)
{
	const struct asset_item *x = asset_of(r);
	if (x != NULL)
		api_send(r, 200, asset_json(r, x));
}

/* A member this update does not change: when given it must be what the
 * device has (a client may send the whole object back). */
static void read_only(struct api_body *b, const char *name, const char *now)
{
	const char *v = body_string(b, name, false, 200, false);
	if (v != NULL && (now == NULL || strcmp(v, now) != 0))
		body_problem(
		    b, name, "invalid_string",
		    arena_printf(b->r->arena, "%s: cannot be changed by this update.", name));
}

/*
 * FlexPortal's updateAsset for a status change: status (required here:
 * every write is one of the device's status changes), location, notes,
 * condition (FlexPortal's condition notes, kept with the notes) and
 * Custodian's returnCondition for a return. The rest of the asset object
 * may be sent back unchanged.
 */
void api_asset_put(struct req *r)
{
	static const char *const known[] = {
	    "status",          "location",  "notes",     "condition",   "returnCondition",
	    "serialNumber",    "tenantId",  "sku",       "productName", "customerId",
	    "rentalId",        "createdAt", "updatedAt", "productId",   "variantId",
	    "productImageUrl", NULL};
	/* an unknown device is still an attempt: action_run() audits its 404 */
	const struct asset_item *x;
	if (!find_asset(r, &x))
		return;
	struct api_body b;
	if (!body_open(r, false, known, &b))
		return;
	int status = body_enum(&b, "status", true, asset_status_name, ASSET_STATUS__MAX);
	const char *location = body_string(&b, "location", false, 200, false);
	const char *notes = body_string(&b, "notes", false, 1000, false);
	const char *condition = body_string(&b, "condition", false, 500, false);
	int ret_condition =
	    body_enum(&b, "returnCondition", false, return_condition_name, COND__MAX);
	read_only(&b, "serialNumber", x ? x->serial : r->arg);
	read_only(&b, "tenantId", r->user.tenant_slug);
	if (x != NULL) {
		read_only(&b, "sku", x->sku);
		read_only(&b, "productName", x->product_name);
		read_only(&b, "customerId", x->customer_public_id);
		read_only(&b, "rentalId", x->rental_public_id);
	}
	if (condition != NULL && condition[0] != '\0') {
		notes = notes && notes[0]
		            ? arena_printf(r->arena, "%s\nCondition: %s", notes, condition)
		            : arena_printf(r->arena, "Condition: %s", condition);
		size_t chars = 0;
		utf8_valid(notes, strlen(notes), &chars);
		if (chars > 1000)
			body_problem(&b, "condition", "too_big",
			             "condition: with the notes at most 1000 characters.");
	}
	if (!body_close(&b))
		return;
	struct actor who = api_actor_of(r);
	struct action_request q = {.action = ACTION_DEVICE_STATUS,
	                           .record = r->arg,
	                           .notes = notes,
	                           .condition = ret_condition,
	                           .fee_cents = -1,
	                           .asset_status = (enum asset_status)status,
	                           .location = location};
	struct action_result out;
	enum err rc = action_run(r->app->db, r->arena, &who, &q, &out);
	if (rc != ERR_OK) {
		api_action_failed(r, rc, &out, asset_not_found);
		return;
	}
	if ((x = asset_of(r)) == NULL)
		return;
	api_send(r, 200,
	         json_pack("{s:b, s:s, s:o}", "success", 1, "message",
	                   arena_printf(r->arena, "Asset %s is now %s.", x->serial,
	                                asset_status_name[x->status]),
	                   "asset", asset_json(r, x)));
}
