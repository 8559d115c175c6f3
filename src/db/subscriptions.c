/* subscriptions: lists, the active-subscription prerequisite, devices ever
 * rented (through their subscriptions). */
#include "db/sql.h"

#define SUB_COLS                                                                                   \
	"s.id, s.public_id, s.status, s.monthly_amount, s.start_date, s.end_date,"                 \
	" s.asset_serial, (SELECT o.public_id FROM orders o WHERE o.id = s.order_id)"

const struct stmt_sql db_sql_subscriptions[] = {
    {STMT_SUBS_PAGE, "SELECT " SUB_COLS " FROM subscriptions s"
                     " WHERE s.customer_id = ? AND s.id < ? ORDER BY s.id DESC LIMIT ?"},
    {STMT_SUBS_ACTIVE, "SELECT " SUB_COLS " FROM subscriptions s"
                       " WHERE s.customer_id = ? AND s." BLOCKING_SUBSCRIPTION " ORDER BY s.id"},
    {STMT_SUBS_ACTIVE_LOCK,
     "SELECT " SUB_COLS " FROM subscriptions s"
     " WHERE s.customer_id = ? AND s." BLOCKING_SUBSCRIPTION " ORDER BY s.id LOCK IN SHARE MODE"},
    {STMT_DEVICES_PAGE, "SELECT s.id, a.serial_number, a.product_name, a.sku, a.status,"
                        "       a.customer_id <=> s.customer_id, s.public_id, a.acquisition_cost"
                        "  FROM subscriptions s JOIN assets a ON a.serial_number = s.asset_serial"
                        " WHERE s.customer_id = ? AND s.id < ? ORDER BY s.id DESC LIMIT ?"},
};
const size_t db_sql_subscriptions_n =
    sizeof(db_sql_subscriptions) / sizeof(db_sql_subscriptions[0]);
