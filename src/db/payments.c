/* payments: the customer page's list and the retention figures. */
#include "db/sql.h"

const struct stmt_sql db_sql_payments[] = {
    {STMT_PAYMENTS_PAGE,
     "SELECT p.id, p.public_id, p.status, p.amount, p.currency, p.paid_at, p.created_at,"
     "       s.public_id"
     "  FROM payments p LEFT JOIN subscriptions s ON s.id = p.subscription_id"
     " WHERE p.customer_id = ? AND p.id < ? ORDER BY p.id DESC LIMIT ?"},
};
const size_t db_sql_payments_n = sizeof(db_sql_payments) / sizeof(db_sql_payments[0]);
