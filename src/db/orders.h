#ifndef CUSTODIAN_DB_ORDERS_H
#define CUSTODIAN_DB_ORDERS_H

#include "db/db.h"

/* A tenant's orders, newest first (GET /v1/orders). Columns: OR_* then
 * the customer's public id (OL_CUSTOMER). */
struct orders_query {
	unsigned tenant;
	unsigned long long customer_id; /* 0: every customer */
	const char *status;             /* NULL: any */
	unsigned long long before_id;   /* 0: from the newest */
	unsigned limit;
};

enum { OL_CUSTOMER = 6 };

enum err db_orders_list(struct db *db, struct arena *a, const struct orders_query *q,
                        struct db_res *out);

#endif
