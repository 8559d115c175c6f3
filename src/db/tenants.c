/* tenants, operators and api_keys: who is asking, for which tenant. */
#include "db/sql.h"

const struct stmt_sql db_sql_tenants[] = {
    {STMT_OPERATOR_BY_NAME,
     "SELECT o.username, o.display_name, o.role, t.id, t.slug, t.name, t.currency"
     "  FROM operators o JOIN tenants t ON t.id = o.tenant_id"
     " WHERE o.username = ?"},
    /* key hash as 64 hex digits */
    {STMT_API_KEY_BY_HASH, "SELECT k.id, k.tenant_id, t.slug, t.name, t.currency, k.role, k.label,"
                           "       k.revoked_at IS NOT NULL, k.rate_limit"
                           "  FROM api_keys k JOIN tenants t ON t.id = k.tenant_id"
                           " WHERE k.key_hash = UNHEX(?)"},
    /* role, label, prefix, hash (hex), rate limit (NULL = default), tenant slug */
    {STMT_API_KEY_INSERT,
     "INSERT INTO api_keys (tenant_id, role, label, key_prefix, key_hash, created_at,"
     "                      rate_limit)"
     " SELECT id, ?, ?, ?, UNHEX(?), UTC_TIMESTAMP(), ? FROM tenants WHERE slug = ?"},
    {STMT_API_KEY_LIST,
     "SELECT k.id, t.slug, k.role, k.label, k.key_prefix, k.created_at, k.revoked_at,"
     "       k.rate_limit"
     "  FROM api_keys k JOIN tenants t ON t.id = k.tenant_id ORDER BY k.id"},
    /* window, window, key id: counts this call in the key's current minute;
     * the new count comes back as LAST_INSERT_ID (rl_count is set before
     * rl_window, so it compares with the old window). */
    {STMT_API_KEY_COUNT,
     "UPDATE api_keys SET rl_count = LAST_INSERT_ID(IF(rl_window = ?, rl_count + 1, 1)),"
     "       rl_window = ? WHERE id = ?"},
    {STMT_API_KEY_REVOKE,
     "UPDATE api_keys SET revoked_at = UTC_TIMESTAMP() WHERE id = ? AND revoked_at IS NULL"},
};
const size_t db_sql_tenants_n = sizeof(db_sql_tenants) / sizeof(db_sql_tenants[0]);
