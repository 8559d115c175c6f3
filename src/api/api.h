#ifndef CUSTODIAN_API_H
#define CUSTODIAN_API_H

#include <stdbool.h>

/* The FlexPortal-compatible JSON API (SPEC §6). */

struct req;

/*
 * Authenticates "Authorization: Bearer <key>" and checks "Tenant-ID"
 * against the key's tenant, then the key's rate limit. Fills r->user and
 * returns true, or answers (401, 403, 429, 503) and returns false.
 */
bool api_authenticate(struct req *r);

/* api/v1_customers.c */
void api_customers_list(struct req *r);
void api_customer_get(struct req *r);
void api_customer_put(struct req *r);
void api_customer_delete(struct req *r);

/* api/v1_orders.c */
void api_orders_list(struct req *r);
void api_order_get(struct req *r);
void api_order_cancel(struct req *r);

/* api/v1_subscriptions.c */
void api_subscriptions_list(struct req *r);
void api_subscription_get(struct req *r);
void api_subscription_cancel(struct req *r);
void api_subscription_early_return(struct req *r);

/* api/v1_assets.c */
void api_assets_list(struct req *r);
void api_asset_get(struct req *r);
void api_asset_put(struct req *r);

/* api/v1_payments.c */
void api_payments_list(struct req *r);
void api_payment_get(struct req *r);
void api_customer_merge(struct req *r);
void api_customer_erase(struct req *r);

#endif
