/* assets: the devices-still-out prerequisite. */
#include "db/sql.h"

#define ASSET_COLS "serial_number, product_name, sku, acquisition_cost"

const struct stmt_sql db_sql_assets[] = {
    {STMT_ASSETS_OUT, "SELECT " ASSET_COLS " FROM assets"
                      " WHERE customer_id = ? AND " BLOCKING_ASSET " ORDER BY serial_number"},
    {STMT_ASSETS_OUT_LOCK,
     "SELECT " ASSET_COLS " FROM assets"
     " WHERE customer_id = ? AND " BLOCKING_ASSET " ORDER BY serial_number LOCK IN SHARE MODE"},
};
const size_t db_sql_assets_n = sizeof(db_sql_assets) / sizeof(db_sql_assets[0]);
