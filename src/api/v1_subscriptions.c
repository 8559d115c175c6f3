/* GET /v1/subscriptions, GET /v1/subscriptions/{subscriptionId}, POST
 * .../cancel and .../early-return: FlexPortal's rentals, ended through
 * domain/actions.c. */
#include <string.h>

#include "api/action.h"
#include "api/api.h"
#include "api/body.h"
#include "api/list.h"
#include "db/rentals.h"
#include "http/error.h"
#include "http/json.h"
#include "util/fmt.h"
#include "util/text.h"

static const char rental_not_found[] = "Subscription not found. Verify the subscription ID.";

static size_t chars_of(const char *s)
{
	size_t n = 0;
	utf8_valid(s, strlen(s), &n);
	return n;
}

static json_t *money(int64_t cents)
{
	return json_real((double)cents / 100.0);
}

static void set_opt(json_t *o, const char *key, const char *s)
{
	if (s != NULL)
		json_object_set_new(o, key, json_string(s));
}

static json_t *processed_by(const char *who)
{
	return json_pack("{s:s}", "userId", who ? who : "import");
}

/*
 * FlexPortal's subscription object. Members it requires that a record may
 * not have are sent with the honest empty value (README "JSON API"):
 * assetSerialNumber "" for a protection plan without a device, orderId ""
 * for a rental made without an order, sku and productName "" when neither
 * an order line nor a device names them, contract lengths 0 when unknown.
 */
static json_t *rental_json(struct req *r, const struct rental_item *s)
{
	struct arena *a = r->arena;
	json_t *o = json_object();
	json_object_set_new(o, "rentalId", json_string(s->public_id));
	json_object_set_new(o, "tenantId", json_string(r->user.tenant_slug));
	json_object_set_new(o, "assetSerialNumber",
	                    json_string(s->asset_serial ? s->asset_serial : ""));
	json_object_set_new(o, "customerId", json_string(s->customer_public_id));
	json_object_set_new(o, "sku", json_string(s->sku ? s->sku : ""));
	json_object_set_new(o, "productName", json_string(s->product_name ? s->product_name : ""));
	json_object_set_new(o, "monthlyAmount", money(s->monthly_cents));
	json_object_set_new(o, "currency", json_string(s->currency));
	json_object_set_new(o, "status", json_string(subscription_status_name[s->status]));
	json_object_set_new(o, "originalContractLength", json_integer(s->contract_months));
	json_object_set_new(o, "contractLength", json_integer(s->contract_months));
	json_object_set_new(o, "startDate", json_string(s->start_date));
	set_opt(o, "endDate", s->end_date);
	json_object_set_new(o, "actualMonthsRented",
	                    json_integer(s->months_rented > 0 ? s->months_rented : 0));
	if (s->status == SUB_CANCELLED && s->ended_at != NULL && s->cancel_reason >= 0) {
		json_t *d =
		    json_pack("{s:s, s:o, s:s}", "reason", cancel_reason_name[s->cancel_reason],
		              "processedBy", processed_by(s->ended_by), "cancelledAt",
		              fmt_iso(a, s->ended_at));
		set_opt(d, "notes", s->end_notes);
		json_object_set_new(o, "cancellationDetails", d);
	}
	if (s->status == SUB_ENDED_EARLY_RETURN && s->ended_at != NULL &&
	    s->return_condition >= 0 && s->end_reason_text != NULL &&
	    s->end_reason_text[0] != '\0') {
		int64_t fee = s->early_return_fee_cents > 0 ? s->early_return_fee_cents : 0;
		json_t *d =
		    json_pack("{s:o, s:b, s:s, s:s, s:s, s:o, s:s}", "fee", money(fee), "feeWaived",
		              fee == 0, "calculationMethod", "manual_override", "returnCondition",
		              return_condition_name[s->return_condition], "reason",
		              s->end_reason_text, "processedBy", processed_by(s->ended_by),
		              "returnedAt", fmt_iso(a, s->ended_at));
		set_opt(d, "notes", s->end_notes);
		json_object_set_new(o, "earlyReturnDetails", d);
	}
	json_object_set_new(o, "orderId",
	                    json_string(s->order_public_id ? s->order_public_id : ""));
	json_object_set_new(o, "customerEmail", json_string(s->customer_email));
	json_object_set_new(o, "customerName", json_string(s->customer_name));
	json_object_set_new(o, "createdAt", json_string(fmt_iso(a, s->created_at)));
	json_object_set_new(o, "updatedAt", json_string(fmt_iso(a, s->updated_at)));
	json_object_set_new(o, "createdBy", json_string(s->created_by));
	return o;
}

#define SCOPE "api:subscriptions"

/* the list's rows, for api_list_send() */
static json_t *rentals_row_json(struct req *r, const void *row)
{
	return rental_json(r, row);
}

static void rentals_row_key(struct req *r, const void *row, const void *ctx, const char **key,
                            uint64_t *id)
{
	(void)r, (void)ctx;
	*key = "";
	*id = ((const struct rental_item *)row)->id;
}

void api_subscriptions_list(struct req *r)
{
	unsigned limit = api_list_limit(r);
	struct rental_query q = {
	    .tenant = r->user.tenant,
	    .status = (int)req_int(r, KEY_SUB_STATUS, -1),
	    .order = req_str(r, KEY_ORDER_ID),
	    .serial = req_str(r, KEY_SERIAL_NUMBER),
	    .limit = limit + 1,
	};
	char *key;
	if (!api_list_after(r, SCOPE, &key, &q.after_id))
		return;
	int found = api_list_customer(r, &q.customer_id);
	if (found < 0)
		return;
	struct rental_items rows = {0};
	if (found) {
		enum err rc = db_rentals_list(r->app->db, r->arena, &q, &rows);
		if (rc != ERR_OK) {
			http_fail_kind(r, rc);
			return;
		}
	}
	struct api_list_page page = {
	    "rentals",        SCOPE,           rows.rows, rows.n, sizeof(rows.rows[0]), limit,
	    rentals_row_json, rentals_row_key, NULL,      false};
	api_list_send(r, &page);
}

/* The subscription of the path; NULL after answering 404 or a failure. */
static const struct rental_item *rental_of(struct req *r)
{
	struct rental_query q = {
	    .tenant = r->user.tenant, .public_id = r->arg, .status = -1, .limit = 1};
	struct rental_items rows;
	enum err rc = db_rentals_list(r->app->db, r->arena, &q, &rows);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return NULL;
	}
	if (rows.n == 0) {
		api_error(r, 404, "NOT_FOUND", rental_not_found, NULL);
		return NULL;
	}
	return &rows.rows[0];
}

void api_subscription_get(struct req *r)
{
	const struct rental_item *s = rental_of(r);
	if (s != NULL)
		api_send(r, 200, rental_json(r, s));
}

/* rentalId: required by FlexPortal, and here the path's own id. */
static void check_rental_id(struct api_body *b)
{
	const char *id = body_string(b, "rentalId", true, 48, true);
	if (id != NULL && strcmp(id, b->r->arg) != 0)
		body_problem(b, "rentalId", "invalid_string",
		             "rentalId: must be the subscription of the path.");
}

/* What else the end of a rental did, for its message. */
static const char *ended_message(struct req *r, const char *what, const struct action_result *out)
{
	const char *m = what;
	if (out->payments_cancelled)
		m = arena_printf(r->arena, "%s %zu pending payment(s) cancelled.", m,
		                 out->payments_cancelled);
	if (out->device_coming_back)
		m = arena_printf(r->arena, "%s Device %s is expected back.", m, out->asset_serial);
	return m;
}

/* FlexPortal's cancelSubscription: {rentalId, reason, notes?}. */
void api_subscription_cancel(struct req *r)
{
	static const char *const known[] = {"rentalId", "reason", "notes", NULL};
	struct api_body b;
	if (!body_open(r, false, known, &b))
		return;
	check_rental_id(&b);
	int reason = body_enum(&b, "reason", true, cancel_reason_name, CANCEL_REASON__MAX);
	const char *notes = body_string(&b, "notes", false, 1000, false);
	if (!body_close(&b))
		return;
	struct actor who = api_actor_of(r);
	struct action_request q = {.action = ACTION_SUBSCRIPTION_CANCEL,
	                           .record = r->arg,
	                           .cancel_reason = reason,
	                           .notes = notes,
	                           .condition = -1,
	                           .fee_cents = -1};
	struct action_result out;
	enum err rc = action_run(r->app->db, r->arena, &who, &q, &out);
	if (rc != ERR_OK) {
		api_action_failed(r, rc, &out, rental_not_found);
		return;
	}
	const struct rental_item *s = rental_of(r);
	if (s == NULL)
		return;
	api_send(r, 200,
	         json_pack("{s:b, s:s, s:s, s:s, s:s, s:s}", "success", 1, "rentalId", r->arg,
	                   "assetSerialNumber", s->asset_serial ? s->asset_serial : "",
	                   "previousStatus", subscription_status_name[out.previous_status],
	                   "cancelledAt",
	                   fmt_iso(r->arena, s->ended_at ? s->ended_at : s->updated_at), "message",
	                   ended_message(r, "Subscription cancelled.", &out)));
}

/* FlexPortal's earlyReturnSubscription: {rentalId, returnCondition,
 * earlyReturnFee?, reason, damageAssessment?, notes?}. The damage
 * assessment is kept with the notes (one column, 1,000 characters). */
void api_subscription_early_return(struct req *r)
{
	static const char *const known[] = {"rentalId", "returnCondition",  "earlyReturnFee",
	                                    "reason",   "damageAssessment", "notes",
	                                    NULL};
	struct api_body b;
	if (!body_open(r, false, known, &b))
		return;
	check_rental_id(&b);
	int condition = body_enum(&b, "returnCondition", true, return_condition_name, COND__MAX);
	int64_t fee = -1;
	bool negative;
	body_cents(&b, "earlyReturnFee", &fee, &negative);
	const char *reason = body_string(&b, "reason", true, 1000, true);
	const char *damage = body_string(&b, "damageAssessment", false, 1000, false);
	const char *notes = body_string(&b, "notes", false, 1000, false);
	if (damage != NULL && damage[0] != '\0')
		notes = notes && notes[0]
		            ? arena_printf(r->arena, "%s\nDamage assessment: %s", notes, damage)
		            : arena_printf(r->arena, "Damage assessment: %s", damage);
	if (notes != NULL && chars_of(notes) > 1000)
		body_problem(&b, "damageAssessment", "too_big",
		             "damageAssessment: with the notes at most 1000 characters.");
	if (negative) {
		static const char msg[] = "earlyReturnFee: must be zero or positive.";
		if (json_array_size(b.details) == 0) {
			body_close(&b);
			api_error(r, 400, "INVALID_FEE", msg,
			          json_pack("[o]", api_detail("earlyReturnFee", msg, "too_small")));
			return;
		}
		body_problem(&b, "earlyReturnFee", "too_small", msg);
	}
	if (!body_close(&b))
		return;
	struct actor who = api_actor_of(r);
	struct action_request q = {.action = ACTION_EARLY_RETURN,
	                           .record = r->arg,
	                           .reason = reason,
	                           .notes = notes,
	                           .condition = condition,
	                           .fee_cents = fee};
	struct action_result out;
	enum err rc = action_run(r->app->db, r->arena, &who, &q, &out);
	if (rc != ERR_OK) {
		api_action_failed(r, rc, &out, rental_not_found);
		return;
	}
	int64_t months = out.months_rented < 0     ? 0
	                 : out.months_rented > 120 ? 120
	                                           : out.months_rented;
	json_t *o = json_pack(
	    "{s:b, s:s, s:s, s:o, s:s, s:I, s:s, s:s}", "success", 1, "rentalId", r->arg,
	    "assetSerialNumber", out.asset_serial ? out.asset_serial : "", "earlyReturnFee",
	    money(out.fee_cents), "currency", out.currency ? out.currency : "",
	    "actualMonthsRented", (json_int_t)months, "returnDate", out.date ? out.date : "",
	    "message",
	    ended_message(r,
	                  out.fee_cents > 0 ? "Early return recorded; the fee is a pending payment."
	                                    : "Early return recorded without a fee.",
	                  &out));
	set_opt(o, "feePaymentId", out.fee_payment_id);
	api_send(r, 200, o);
}
