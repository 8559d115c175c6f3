#ifndef CUSTODIAN_DB_ORDERS_H
#define CUSTODIAN_DB_ORDERS_H

#include <stdint.h>

#include "db/db.h"
#include "db/records.h"

/* A tenant's orders, newest first (GET /v1/orders), with each order's
 * customer_public_id. */
struct orders_query {
	unsigned tenant;
	uint64_t customer_id; /* 0: every customer */
	int status;           /* enum order_status, or -1 for any */
	uint64_t before_id;   /* 0: from the newest */
	unsigned limit;
};

enum err db_orders_list(struct db *db, struct arena *a, const struct orders_query *q,
                        struct order_list *out);

#endif
