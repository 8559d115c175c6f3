/* orders: the customer page's list and the in-flight prerequisite. */
#include "db/sql.h"

#define ORDER_COLS "id, public_id, status, total, currency, created_at"

const struct stmt_sql db_sql_orders[] = {
    /* customer, before id, limit: newest first */
    {STMT_ORDERS_PAGE, "SELECT " ORDER_COLS " FROM orders"
                       " WHERE customer_id = ? AND id < ? ORDER BY id DESC LIMIT ?"},
    {STMT_ORDERS_IN_FLIGHT, "SELECT " ORDER_COLS " FROM orders"
                            " WHERE customer_id = ? AND " BLOCKING_ORDER " ORDER BY id"},
    {STMT_ORDERS_IN_FLIGHT_LOCK,
     "SELECT " ORDER_COLS " FROM orders"
     " WHERE customer_id = ? AND " BLOCKING_ORDER " ORDER BY id LOCK IN SHARE MODE"},
};
const size_t db_sql_orders_n = sizeof(db_sql_orders) / sizeof(db_sql_orders[0]);

/* ---- GET /v1/orders --------------------------------------------------- */

#include "db/orders.h"
#include "util/buf.h"

enum err db_orders_list(struct db *db, struct arena *a, const struct orders_query *q,
                        struct db_res *out)
{
	struct buf b;
	buf_init(&b, a, 512);
	buf_puts(&b, "SELECT o.id, o.public_id, o.status, o.total, o.currency, o.created_at,"
	             " c.public_id FROM orders o JOIN customers c ON c.id = o.customer_id"
	             " WHERE o.tenant_id = ?");
	struct db_param p[6];
	size_t n = 0;
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
	if (q->customer_id) {
		buf_puts(&b, " AND o.customer_id = ?");
		p[n++] = (struct db_param){.type = DB_P_UINT, .i = (long long)q->customer_id};
	}
	if (q->status) {
		buf_puts(&b, " AND o.status = ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->status};
	}
	if (q->before_id) {
		buf_puts(&b, " AND o.id < ?");
		p[n++] = (struct db_param){.type = DB_P_UINT, .i = (long long)q->before_id};
	}
	buf_puts(&b, " ORDER BY o.id DESC LIMIT ?");
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->limit};
	return db_exec_params(db, a, b.p, out, p, n);
}
