#ifndef CUSTODIAN_ROUTE_H
#define CUSTODIAN_ROUTE_H

#include "http/request.h"
#include "util/arena.h"

/*
 * The route table (route.c): every page of the application, its path
 * pattern, who may call it and the handler per method (struct route, in
 * http/request.h). The front controller (worker.c) answers 404, 405 and
 * the role's 403 from this table before any handler runs.
 */

enum page {
	PAGE_ROOT,
	PAGE_CUSTOMERS,
	PAGE_CUSTOMER,
	PAGE_DEACTIVATE,
	PAGE_REACTIVATE,
	PAGE_CUSTOMER_EDIT,
	PAGE_NOTES,
	PAGE_ORDER_CANCEL,
	PAGE_SUBSCRIPTION_CANCEL,
	PAGE_EARLY_RETURN,
	PAGE_DEVICE_STATUS,
	PAGE_CUSTOMER_RETENTION,
	PAGE_RETENTION,
	PAGE_RETENTION_POLICY,
	PAGE_AUDIT,
	PAGE_BULK,
	PAGE_BULK_PREVIEW,
	PAGE_BULK_APPLY,
	PAGE_BULK_MERGE,
	PAGE_BULK_RUN,
	PAGE_BULK_UNDO,
	PAGE_HEALTHZ,
	PAGE_METRICS,
	PAGE_STATUS,
	PAGE_CLOSURE_FILE,
	PAGE_CLOSURES,
	PAGE_CLOSURE_WITHDRAW,
	PAGE_MERGE,
	PAGE_ERASE,
	PAGE_LEGAL_HOLD,
	PAGE_WEBHOOKS,
	PAGE_WEBHOOK,
	PAGE_WEBHOOK_TEST,
	PAGE_WEBHOOK_REDELIVER,
	PAGE_API_KEYS,
	PAGE_API_KEY_REVOKE,
	PAGE_OPERATORS,
	PAGE_OPERATOR_ROLE,
	PAGE_OPERATOR_DISABLE,
	PAGE_OPERATOR_ENABLE,
	PAGE_API_CUSTOMERS,
	PAGE_API_CUSTOMER,
	PAGE_API_ORDERS,
	PAGE_API_ORDER,
	PAGE_API_ORDER_CANCEL,
	PAGE_API_SUBSCRIPTIONS,
	PAGE_API_SUBSCRIPTION,
	PAGE_API_SUBSCRIPTION_CANCEL,
	PAGE_API_SUBSCRIPTION_EARLY_RETURN,
	PAGE_API_ASSETS,
	PAGE_API_ASSET,
	PAGE_API_PAYMENTS,
	PAGE_API_PAYMENT,
	PAGE_API_CUSTOMER_MERGE,
	PAGE_API_CUSTOMER_ERASE,
	PAGE__MAX
};

extern const struct route routes[PAGE__MAX];

/* The metrics' route indexes of a path that matched nothing (util/metrics.h). */
#define ROUTE_UNKNOWN_HTML PAGE__MAX
#define ROUTE_UNKNOWN_API  (PAGE__MAX + 1)

/* Finds the page for path. Sets *arg to the {} segment (in the arena).
 * Returns PAGE__MAX when nothing matches. */
enum page route_match(struct arena *a, const char *path, const char **arg);

/* The Allow header value for a page ("GET, HEAD, POST"). */
const char *route_allow(struct arena *a, enum page p);

#endif
