/* orders: the customer page's list and the in-flight prerequisite. */
#include "db/sql.h"

#define ORDER_COLS "id, public_id, status, total, currency, created_at"
#define IN_FLIGHT  "status IN ('pending', 'confirmed', 'partial')"

const struct stmt_sql db_sql_orders[] = {
    /* customer, before id, limit: newest first */
    {STMT_ORDERS_PAGE, "SELECT " ORDER_COLS " FROM orders"
                       " WHERE customer_id = ? AND id < ? ORDER BY id DESC LIMIT ?"},
    {STMT_ORDERS_IN_FLIGHT, "SELECT " ORDER_COLS " FROM orders"
                            " WHERE customer_id = ? AND " IN_FLIGHT " ORDER BY id"},
    {STMT_ORDERS_IN_FLIGHT_LOCK,
     "SELECT " ORDER_COLS " FROM orders"
     " WHERE customer_id = ? AND " IN_FLIGHT " ORDER BY id LOCK IN SHARE MODE"},
    {STMT_ORDERS_BY_STATUS, "SELECT status, COUNT(*), COALESCE(SUM(total), 0) FROM orders"
                            " WHERE customer_id = ? GROUP BY status"},
};
const size_t db_sql_orders_n = sizeof(db_sql_orders) / sizeof(db_sql_orders[0]);
