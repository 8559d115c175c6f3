#include "route.h"

#include <string.h>

#include "api/api.h"
#include "pages/pages.h"
#include "util/buf.h"

#define GET(h) [METHOD_GET] = (h), [METHOD_HEAD] = (h)

/* Who may: viewers read everything; operators and admins change things. */
#define STAFF .read = ROLE_VIEWER, .write = ROLE_OPERATOR

#define K(k) KEYS(KEY_##k)

const struct route routes[PAGE__MAX] = {
    [PAGE_ROOT] = {"/", "root", AREA_HTML, ARG_NONE, {GET(page_root)}, STAFF},
    [PAGE_CUSTOMERS] = {"/customers",
                        "customers",
                        AREA_HTML,
                        ARG_NONE,
                        {GET(page_customers)},
                        STAFF,
                        .keys =
                            K(Q) | K(STATUS) | K(TYPE) | K(SORT) | K(DIR) | K(AFTER) | K(FORMAT)},
    [PAGE_CUSTOMER] = {"/customers/{}",
                       "customer",
                       AREA_HTML,
                       ARG_CUSTOMER,
                       {GET(page_customer)},
                       STAFF,
                       .keys = K(ORDERS_BEFORE) | K(SUBS_BEFORE) | K(DEVICES_BEFORE) |
                               K(PAYMENTS_BEFORE) | K(AUDIT_BEFORE) | K(NOTES_BEFORE) |
                               K(HIGHLIGHT)},
    [PAGE_DEACTIVATE] = {"/customers/{}/deactivate",
                         "deactivate",
                         AREA_HTML,
                         ARG_CUSTOMER,
                         {GET(page_deactivate_form), [METHOD_POST] = page_deactivate},
                         .action = "deactivate",
                         STAFF,
                         .keys = K(REASON) | K(NOTE) | K(CSRF)},
    [PAGE_REACTIVATE] = {"/customers/{}/reactivate",
                         "reactivate",
                         AREA_HTML,
                         ARG_CUSTOMER,
                         {GET(page_reactivate_form), [METHOD_POST] = page_reactivate},
                         .action = "reactivate",
                         STAFF,
                         .keys = K(NOTE) | K(CSRF)},
    [PAGE_CUSTOMER_EDIT] = {"/customers/{}/edit",
                            "customer-edit",
                            AREA_HTML,
                            ARG_CUSTOMER,
                            {GET(page_edit_form), [METHOD_POST] = page_edit},
                            .action = "edit",
                            /* the form itself is a write: viewers do not see it */
                            .read = ROLE_OPERATOR,
                            .write = ROLE_OPERATOR,
                            .keys = K(FIRST_NAME) | K(LAST_NAME) | K(COMPANY) | K(PHONE) |
                                    K(EDIT_TYPE) | KEYS_RANGE(KEY_ADDRESS_FIRST, KEY_ADDRESS_LAST) |
                                    K(CSRF)},
    [PAGE_NOTES] = {"/customers/{}/notes",
                    "notes",
                    AREA_HTML,
                    ARG_CUSTOMER,
                    {[METHOD_POST] = page_note_add},
                    .action = "note",
                    STAFF,
                    .keys = K(KIND) | K(NOTED_ON) | K(SUMMARY) | K(FOLLOW_UP) | K(CSRF),
                    .required = K(KIND) | K(NOTED_ON) | K(SUMMARY)},
    [PAGE_ORDER_CANCEL] = {"/orders/{}/cancel",
                           "order-cancel",
                           AREA_HTML,
                           ARG_ORDER,
                           {GET(page_record_action_form), [METHOD_POST] = page_record_action},
                           .action = "order_cancel",
                           STAFF,
                           .keys = K(REASON_TEXT) | K(NOTES) | K(CSRF)},
    [PAGE_SUBSCRIPTION_CANCEL] = {"/subscriptions/{}/cancel",
                                  "subscription-cancel",
                                  AREA_HTML,
                                  ARG_SUBSCRIPTION,
                                  {GET(page_record_action_form), [METHOD_POST] =
                                                                     page_record_action},
                                  .action = "subscription_cancel",
                                  STAFF,
                                  .keys = K(CANCEL_REASON) | K(NOTES) | K(CSRF)},
    [PAGE_EARLY_RETURN] = {"/subscriptions/{}/early-return",
                           "early-return",
                           AREA_HTML,
                           ARG_SUBSCRIPTION,
                           {GET(page_record_action_form), [METHOD_POST] = page_record_action},
                           .action = "early_return",
                           STAFF,
                           .keys = K(CONDITION) | K(FEE) | K(REASON_TEXT) | K(NOTES) | K(CSRF)},
    [PAGE_DEVICE_STATUS] = {"/devices/{}/status",
                            "device-status",
                            AREA_HTML,
                            ARG_SERIAL,
                            {GET(page_record_action_form), [METHOD_POST] = page_record_action},
                            .action = "device_status",
                            STAFF,
                            .keys = K(DEVICE_STATUS) | K(CONDITION) | K(RETURNED_ON) | K(NOTES) |
                                    K(CSRF)},
    [PAGE_CUSTOMER_RETENTION] = {"/customers/{}/retention",
                                 "customer-retention",
                                 AREA_HTML,
                                 ARG_CUSTOMER,
                                 {GET(page_customer_retention)},
                                 STAFF},
    [PAGE_RETENTION] =
        {"/retention", "retention", AREA_HTML, ARG_NONE, {GET(page_retention)}, STAFF},
    /* the tenant's retention policy (pages/retention.c): admins only */
    [PAGE_RETENTION_POLICY] = {"/retention/policy",
                               "retention-policy",
                               AREA_HTML,
                               ARG_NONE,
                               {GET(page_policy_form), [METHOD_POST] = page_policy},
                               .action = "retention_policy",
                               .read = ROLE_ADMIN,
                               .write = ROLE_ADMIN,
                               .keys = K(ERASE_AFTER) | K(ERASE_MIN) | K(FIN_YEARS) |
                                       K(KEEP_LOCATION) | K(CSRF),
                               .required = K(ERASE_AFTER) | K(ERASE_MIN) | K(FIN_YEARS)},
    [PAGE_AUDIT] = {"/audit",
                    "audit",
                    AREA_HTML,
                    ARG_NONE,
                    {GET(page_audit)},
                    STAFF,
                    .keys = K(ACTOR) | K(ACTION) | K(OUTCOME) | K(CUSTOMER) | K(FROM) | K(TO) |
                            K(AFTER) | K(FORMAT)},
    [PAGE_BULK] = {"/bulk", "bulk", AREA_HTML, ARG_NONE, {GET(page_bulk)}, STAFF},
    [PAGE_BULK_PREVIEW] = {"/bulk/preview",
                           "bulk-preview",
                           AREA_HTML,
                           ARG_NONE,
                           {[METHOD_POST] = page_bulk_preview},
                           .action = "bulk_preview",
                           STAFF,
                           .keys = K(MODE) | K(LINES) | K(DOMAIN) | K(CREATED_BEFORE) |
                                   K(NO_ORDERS) | K(IDLE_SINCE) | K(Q) | K(FILE) | K(FILE_DATA) |
                                   K(FILE_NAME) | K(COLUMN) | K(CSRF),
                           /* the file upload (mode=file) */
                           .multipart = true},
    [PAGE_BULK_APPLY] = {"/bulk/apply",
                         "bulk-apply",
                         AREA_HTML,
                         ARG_NONE,
                         {[METHOD_POST] = page_bulk_apply},
                         .action = "bulk_apply",
                         STAFF,
                         .keys = K(SELECT) | K(REASON) | K(NOTE) | K(NONCE) | K(SOURCE) | K(CSRF)},
    /* merging the possible duplicates ticked on a preview */
    [PAGE_BULK_MERGE] = {"/bulk/merge",
                         "bulk-merge",
                         AREA_HTML,
                         ARG_NONE,
                         {[METHOD_POST] = page_bulk_merge},
                         .action = "bulk_merge",
                         STAFF,
                         .keys = K(PAIR) | K(NOTE) | K(NONCE) | K(SOURCE) | K(CSRF)},
    [PAGE_BULK_RUN] = {"/bulk/{}",
                       "bulk-run",
                       AREA_HTML,
                       ARG_RUN,
                       {GET(page_bulk_run)},
                       STAFF,
                       .keys = K(FORMAT) | K(ITEMS_AFTER)},
    /* undoing a run: admins only, the confirmation page too */
    [PAGE_BULK_UNDO] = {"/bulk/{}/undo",
                        "bulk-undo",
                        AREA_HTML,
                        ARG_RUN,
                        {GET(page_bulk_undo_form), [METHOD_POST] = page_bulk_undo},
                        .action = "bulk_undo",
                        .read = ROLE_ADMIN,
                        .write = ROLE_ADMIN,
                        .keys = K(CSRF)},
    [PAGE_HEALTHZ] = {"/healthz",
                      "healthz",
                      AREA_OPEN,
                      ARG_NONE,
                      {GET(page_healthz)},
                      .read = ROLE_NONE,
                      .write = ROLE_NONE},
    /* watching (pages/status.c): Prometheus' scrape answers only the
     * networks of metrics_allow; the same figures for admins */
    [PAGE_METRICS] = {"/metrics",
                      "metrics",
                      AREA_OPEN,
                      ARG_NONE,
                      {GET(page_metrics)},
                      .read = ROLE_NONE,
                      .write = ROLE_NONE},
    [PAGE_STATUS] = {"/status",
                     "status",
                     AREA_HTML,
                     ARG_NONE,
                     {GET(page_status)},
                     .read = ROLE_ADMIN,
                     .write = ROLE_ADMIN},
    /* "close when clear" (pages/closures.c) */
    [PAGE_CLOSURE_FILE] = {"/customers/{}/closure",
                           "closure-file",
                           AREA_HTML,
                           ARG_CUSTOMER,
                           {[METHOD_POST] = page_closure_file},
                           .action = "closure_request",
                           STAFF,
                           .keys = K(REASON) | K(NOTE) | K(CANCEL_NOW) | K(CSRF)},
    [PAGE_CLOSURES] = {"/closures",
                       "closures",
                       AREA_HTML,
                       ARG_NONE,
                       {GET(page_closures)},
                       STAFF,
                       .keys = K(CLOSURE_STATE) | K(CLOSURES_BEFORE)},
    [PAGE_CLOSURE_WITHDRAW] = {"/closures/{}/withdraw",
                               "closure-withdraw",
                               AREA_HTML,
                               ARG_CLOSURE,
                               {[METHOD_POST] = page_closure_withdraw},
                               .action = "closure_withdraw",
                               STAFF,
                               .keys = K(CSRF)},
    /* merging a duplicate (pages/merge.c); the form is a write: viewers do
     * not see it */
    [PAGE_MERGE] = {"/customers/{}/merge",
                    "customer-merge",
                    AREA_HTML,
                    ARG_CUSTOMER,
                    {GET(page_merge_form), [METHOD_POST] = page_merge},
                    .action = "merge",
                    .read = ROLE_OPERATOR,
                    .write = ROLE_OPERATOR,
                    .keys = K(INTO) | K(TAKE) | K(CSRF)},
    /* erasing an inactive customer's personal data, and the legal hold that
     * forbids it (pages/erasure.c): admins only, the page too */
    [PAGE_ERASE] = {"/customers/{}/erase",
                    "customer-erase",
                    AREA_HTML,
                    ARG_CUSTOMER,
                    {GET(page_erase_form), [METHOD_POST] = page_erase},
                    .action = "erase",
                    .read = ROLE_ADMIN,
                    .write = ROLE_ADMIN,
                    .keys = K(ART17) | K(CONFIRM) | K(NOTE) | K(CSRF)},
    [PAGE_LEGAL_HOLD] = {"/customers/{}/legal-hold",
                         "customer-legal-hold",
                         AREA_HTML,
                         ARG_CUSTOMER,
                         {[METHOD_POST] = page_legal_hold},
                         .action = "legal_hold",
                         .read = ROLE_ADMIN,
                         .write = ROLE_ADMIN,
                         .keys = K(HOLD) | K(NOTE) | K(CSRF),
                         .required = K(HOLD)},
    /* webhook endpoints (pages/webhooks.c): staff see them and their
     * deliveries, admins make and change them; the POST answers the new
     * secret, once (200) */
    [PAGE_WEBHOOKS] = {"/webhooks",
                       "webhooks",
                       AREA_HTML,
                       ARG_NONE,
                       {GET(page_webhooks), [METHOD_POST] = page_webhook_create},
                       .action = "webhook_create",
                       .read = ROLE_VIEWER,
                       .write = ROLE_ADMIN,
                       .keys = K(URL) | K(EVENT) | K(ENABLED) | K(CSRF),
                       .required = K(URL) | K(EVENT)},
    [PAGE_WEBHOOK] = {"/webhooks/{}",
                      "webhook",
                      AREA_HTML,
                      ARG_WEBHOOK,
                      {GET(page_webhook), [METHOD_POST] = page_webhook_update},
                      .action = "webhook_update",
                      .read = ROLE_VIEWER,
                      .write = ROLE_ADMIN,
                      .keys = K(CLOSURES_BEFORE) | K(URL) | K(EVENT) | K(ENABLED) | K(CSRF),
                      .required = K(URL) | K(EVENT)},
    [PAGE_WEBHOOK_TEST] = {"/webhooks/{}/test",
                           "webhook-test",
                           AREA_HTML,
                           ARG_WEBHOOK,
                           {[METHOD_POST] = page_webhook_test},
                           .action = "webhook_test",
                           .read = ROLE_VIEWER,
                           .write = ROLE_ADMIN,
                           .keys = K(CSRF)},
    [PAGE_WEBHOOK_REDELIVER] = {"/webhooks/{}/redeliver",
                                "webhook-redeliver",
                                AREA_HTML,
                                ARG_WEBHOOK,
                                {[METHOD_POST] = page_webhook_redeliver},
                                .action = "webhook_redeliver",
                                .read = ROLE_VIEWER,
                                .write = ROLE_ADMIN,
                                .keys = K(DELIVERY) | K(CSRF),
                                .required = K(DELIVERY)},
    /* API keys (pages/api_keys.c): admins only, the list too; the POST
     * answers the new key, once (200) */
    [PAGE_API_KEYS] = {"/api-keys",
                       "api-keys",
                       AREA_HTML,
                       ARG_NONE,
                       {GET(page_api_keys), [METHOD_POST] = page_api_key_create},
                       .action = "api_key_create",
                       .read = ROLE_ADMIN,
                       .write = ROLE_ADMIN,
                       .keys = K(KEY_LABEL) | K(KEY_ROLE) | K(RATE_LIMIT) | K(CSRF),
                       .required = K(KEY_LABEL) | K(KEY_ROLE)},
    [PAGE_API_KEY_REVOKE] = {"/api-keys/{}/revoke",
                             "api-key-revoke",
                             AREA_HTML,
                             ARG_API_KEY,
                             {GET(page_api_key_revoke_form), [METHOD_POST] = page_api_key_revoke},
                             .action = "api_key_revoke",
                             .read = ROLE_ADMIN,
                             .write = ROLE_ADMIN,
                             .keys = K(CSRF)},
    /* the tenant's operators (pages/operators.c): admins only, the page
     * too; each change answers 303 back to the list */
    [PAGE_OPERATORS] = {"/operators",
                        "operators",
                        AREA_HTML,
                        ARG_NONE,
                        {GET(page_operators), [METHOD_POST] = page_operator_add},
                        .action = "operator_add",
                        .read = ROLE_ADMIN,
                        .write = ROLE_ADMIN,
                        .keys = K(USERNAME) | K(DISPLAY_NAME) | K(ROLE) | K(CSRF),
                        .required = K(USERNAME) | K(DISPLAY_NAME) | K(ROLE)},
    [PAGE_OPERATOR_ROLE] = {"/operators/{}/role",
                            "operator-role",
                            AREA_HTML,
                            ARG_LOGIN,
                            {[METHOD_POST] = page_operator_role},
                            .action = "operator_role",
                            .read = ROLE_ADMIN,
                            .write = ROLE_ADMIN,
                            .keys = K(ROLE) | K(CSRF),
                            .required = K(ROLE)},
    [PAGE_OPERATOR_DISABLE] = {"/operators/{}/disable",
                               "operator-disable",
                               AREA_HTML,
                               ARG_LOGIN,
                               {[METHOD_POST] = page_operator_disable},
                               .action = "operator_disable",
                               .read = ROLE_ADMIN,
                               .write = ROLE_ADMIN,
                               .keys = K(CSRF)},
    [PAGE_OPERATOR_ENABLE] = {"/operators/{}/enable",
                              "operator-enable",
                              AREA_HTML,
                              ARG_LOGIN,
                              {[METHOD_POST] = page_operator_enable},
                              .action = "operator_enable",
                              .read = ROLE_ADMIN,
                              .write = ROLE_ADMIN,
                              .keys = K(CSRF)},
    [PAGE_API_CUSTOMERS] = {"/v1/customers",
                            "api-customers",
                            AREA_API,
                            ARG_NONE,
                            {GET(api_customers_list)},
                            STAFF,
                            .keys = K(LIMIT) | K(START_AFTER) | K(STATUS) | K(CUSTOMER_TYPE) |
                                    K(EMAIL) | K(SEARCH) | K(HAS_ACTIVE_RENTALS) | K(SORT_BY) |
                                    K(SORT_DIR)},
    [PAGE_API_CUSTOMER] = {"/v1/customers/{}",
                           "api-customer",
                           AREA_API,
                           ARG_CUSTOMER,
                           {GET(api_customer_get), [METHOD_PUT] = api_customer_put,
                            [METHOD_DELETE] = api_customer_delete},
                           .action = "api",
                           STAFF,
                           .keys = K(REASON) | K(WHEN_CLEAR)},
    [PAGE_API_ORDERS] = {"/v1/orders",
                         "api-orders",
                         AREA_API,
                         ARG_NONE,
                         {GET(api_orders_list)},
                         STAFF,
                         .keys = K(CUSTOMER_ID) | K(ORDER_STATUS) | K(LIMIT) | K(START_AFTER) |
                                 K(ORDER_SORT_BY) | K(SORT_DIR)},
    /* The records that block a deactivation (issue 14): their writes are
     * domain/actions.c's, audited under these actions. */
    [PAGE_API_ORDER] =
        {"/v1/orders/{}", "api-order", AREA_API, ARG_ORDER, {GET(api_order_get)}, STAFF},
    [PAGE_API_ORDER_CANCEL] = {"/v1/orders/{}/cancel",
                               "api-order-cancel",
                               AREA_API,
                               ARG_ORDER,
                               {[METHOD_POST] = api_order_cancel},
                               .action = "order_cancel",
                               STAFF},
    [PAGE_API_SUBSCRIPTIONS] = {"/v1/subscriptions",
                                "api-subscriptions",
                                AREA_API,
                                ARG_NONE,
                                {GET(api_subscriptions_list)},
                                STAFF,
                                .keys = K(LIMIT) | K(START_AFTER) | K(SUB_STATUS) | K(CUSTOMER_ID) |
                                        K(ORDER_ID) | K(SERIAL_NUMBER)},
    [PAGE_API_SUBSCRIPTION] = {"/v1/subscriptions/{}",
                               "api-subscription",
                               AREA_API,
                               ARG_SUBSCRIPTION,
                               {GET(api_subscription_get)},
                               STAFF},
    [PAGE_API_SUBSCRIPTION_CANCEL] = {"/v1/subscriptions/{}/cancel",
                                      "api-subscription-cancel",
                                      AREA_API,
                                      ARG_SUBSCRIPTION,
                                      {[METHOD_POST] = api_subscription_cancel},
                                      .action = "subscription_cancel",
                                      STAFF},
    [PAGE_API_SUBSCRIPTION_EARLY_RETURN] = {"/v1/subscriptions/{}/early-return",
                                            "api-subscription-early-return",
                                            AREA_API,
                                            ARG_SUBSCRIPTION,
                                            {[METHOD_POST] = api_subscription_early_return},
                                            .action = "early_return",
                                            STAFF},
    [PAGE_API_ASSETS] = {"/v1/assets",
                         "api-assets",
                         AREA_API,
                         ARG_NONE,
                         {GET(api_assets_list)},
                         STAFF,
                         .keys = K(LIMIT) | K(START_AFTER) | K(ASSET_STATUS) | K(SKU) |
                                 K(CUSTOMER_ID) | K(RENTAL_ID)},
    [PAGE_API_ASSET] = {"/v1/assets/{}",
                        "api-asset",
                        AREA_API,
                        ARG_SERIAL,
                        {GET(api_asset_get), [METHOD_PUT] = api_asset_put},
                        .action = "device_status",
                        STAFF},
    [PAGE_API_PAYMENTS] = {"/v1/payments",
                           "api-payments",
                           AREA_API,
                           ARG_NONE,
                           {GET(api_payments_list)},
                           STAFF,
                           .keys = K(LIMIT) | K(START_AFTER) | K(PAYMENT_STATUS) | K(CUSTOMER_ID) |
                                   K(RENTAL_ID) | K(BILLING_GROUP_ID) | K(DUE_DATE_FROM) |
                                   K(DUE_DATE_TO)},
    [PAGE_API_PAYMENT] =
        {"/v1/payments/{}", "api-payment", AREA_API, ARG_PAYMENT, {GET(api_payment_get)}, STAFF},
    /* an extension: merging a duplicate (api/v1_merge.c) */
    [PAGE_API_CUSTOMER_MERGE] = {"/v1/customers/{}/merge",
                                 "api-customer-merge",
                                 AREA_API,
                                 ARG_CUSTOMER,
                                 {[METHOD_POST] = api_customer_merge},
                                 .action = "api",
                                 STAFF},
    /* an extension: erasing personal data (api/v1_erase.c), admin keys */
    [PAGE_API_CUSTOMER_ERASE] = {"/v1/customers/{}/erase",
                                 "api-customer-erase",
                                 AREA_API,
                                 ARG_CUSTOMER,
                                 {[METHOD_POST] = api_customer_erase},
                                 .action = "api",
                                 .read = ROLE_VIEWER,
                                 .write = ROLE_ADMIN},
};

/* Compares one pattern with path; literal segments must match exactly. */
static int match(const char *pattern, const char *path, const char **seg, size_t *seglen)
{
	const char *p = pattern, *s = path;
	*seg = NULL;
	*seglen = 0;
	while (*p && *s) {
		if (p[0] == '{' && p[1] == '}') {
			const char *end = strchr(s, '/');
			size_t n = end ? (size_t)(end - s) : strlen(s);
			if (n == 0)
				return 0;
			*seg = s;
			*seglen = n;
			s += n;
			p += 2;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

enum page route_match(struct arena *a, const char *path, const char **arg)
{
	*arg = NULL;
	if (path == NULL || path[0] != '/')
		return PAGE__MAX;
	for (int i = 0; i < PAGE__MAX; i++) {
		if (routes[i].pattern == NULL)
			continue;
		const char *seg;
		size_t n;
		if (match(routes[i].pattern, path, &seg, &n)) {
			if (seg != NULL)
				*arg = arena_strndup(a, seg, n);
			return (enum page)i;
		}
	}
	return PAGE__MAX;
}

const char *route_allow(struct arena *a, enum page p)
{
	static const char *const names[METHOD__MAX] = {"GET", "HEAD",   "POST",
	                                               "PUT", "DELETE", NULL};
	struct buf b;
	buf_init(&b, a, 64);
	for (int m = 0; m < METHOD_OTHER; m++) {
		if (routes[p].on[m] == NULL)
			continue;
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, names[m]);
	}
	return b.p;
}
