/* GET /v1/payments, GET /v1/payments/{paymentId}: FlexPortal's payments. */
#include <string.h>

#include "api/api.h"
#include "api/list.h"
#include "db/payments.h"
#include "http/error.h"
#include "http/json.h"
#include "util/fmt.h"

static json_t *money(int64_t cents)
{
	return json_real((double)cents / 100.0);
}

/*
 * FlexPortal's payment object. Custodian keeps one amount per payment and
 * charges no tax, so subtotal = total = amount; each payment is its own
 * ("individual"); it is due the day it is raised, which gives dueDate and
 * billingPeriod; its id is its idempotency key (README "JSON API").
 */
static json_t *payment_json(struct req *r, const struct payment_item *p)
{
	struct arena *a = r->arena;
	json_t *o = json_object();
	json_object_set_new(o, "paymentId", json_string(p->public_id));
	json_object_set_new(o, "tenantId", json_string(r->user.tenant_slug));
	json_object_set_new(o, "customerId", json_string(p->customer_public_id));
	json_object_set_new(o, "subtotal", money(p->amount_cents));
	json_object_set_new(o, "total", money(p->amount_cents));
	json_object_set_new(o, "amount", money(p->amount_cents));
	json_object_set_new(o, "currency", json_string(p->currency));
	json_object_set_new(o, "paymentType", json_string("individual"));
	if (p->rental_public_id != NULL)
		json_object_set_new(o, "rentalId", json_string(p->rental_public_id));
	json_object_set_new(o, "billingPeriod", json_string(arena_strndup(a, p->due_date, 7)));
	json_object_set_new(o, "status", json_string(payment_status_name[p->status]));
	json_object_set_new(o, "idempotencyKey", json_string(p->public_id));
	json_object_set_new(o, "dueDate", json_string(p->due_date));
	json_object_set_new(o, "paidAt",
	                    p->paid_at ? json_string(fmt_iso(a, p->paid_at)) : json_null());
	json_object_set_new(o, "createdAt", json_string(fmt_iso(a, p->created_at)));
	json_object_set_new(o, "updatedAt", json_string(fmt_iso(a, p->updated_at)));
	return o;
}

#define SCOPE "api:payments"

/* the list's rows, for api_list_send() */
static json_t *payments_row_json(struct req *r, const void *row)
{
	return payment_json(r, row);
}

static void payments_row_key(struct req *r, const void *row, const void *ctx, const char **key,
                             uint64_t *id)
{
	(void)r, (void)ctx;
	*key = "";
	*id = ((const struct payment_item *)row)->id;
}

void api_payments_list(struct req *r)
{
	unsigned limit = api_list_limit(r);
	struct payment_query q = {
	    .tenant = r->user.tenant,
	    .status = (int)req_int(r, KEY_PAYMENT_STATUS, -1),
	    .rental = req_str(r, KEY_RENTAL_ID),
	    .due_from = req_str(r, KEY_DUE_DATE_FROM),
	    .due_to = req_str(r, KEY_DUE_DATE_TO),
	    .limit = limit + 1,
	};
	char *key;
	if (!api_list_after(r, SCOPE, &key, &q.after_id))
		return;
	int found = api_list_customer(r, &q.customer_id);
	if (found < 0)
		return;
	/* Custodian keeps no billing groups: a payment is in none of them. */
	if (req_str(r, KEY_BILLING_GROUP_ID) != NULL)
		found = 0;
	struct payment_items rows = {0};
	if (found) {
		enum err rc = db_payments_list(r->app->db, r->arena, &q, &rows);
		if (rc != ERR_OK) {
			http_fail_kind(r, rc);
			return;
		}
	}
	struct api_list_page page = {"payments",
	                             SCOPE,
	                             rows.rows,
	                             rows.n,
	                             sizeof(rows.rows[0]),
	                             limit,
	                             payments_row_json,
	                             payments_row_key,
	                             NULL,
	                             true};
	api_list_send(r, &page);
}

void api_payment_get(struct req *r)
{
	struct payment_query q = {
	    .tenant = r->user.tenant, .public_id = r->arg, .status = -1, .limit = 1};
	struct payment_items rows;
	enum err rc = db_payments_list(r->app->db, r->arena, &q, &rows);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	if (rows.n == 0) {
		api_error(r, 404, "NOT_FOUND", "Payment not found. Verify the payment ID.", NULL);
		return;
	}
	api_send(r, 200,
	         json_pack("{s:b, s:o}", "success", 1, "payment", payment_json(r, &rows.rows[0])));
}
