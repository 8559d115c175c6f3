/* tenants, operators and api_keys: who is asking, for which tenant. */
#include "db/tenants.h"

#include <string.h>

#include "db/row.h"
#include "db/sql.h"

const struct stmt_sql db_sql_tenants[] = {
    {STMT_OPERATOR_BY_NAME,
     "SELECT o.username, o.display_name, o.role, t.id, t.slug, t.name, t.currency"
     "  FROM operators o JOIN tenants t ON t.id = o.tenant_id"
     " WHERE o.username = ? AND o.disabled_at IS NULL"},
    /* key hash as 64 hex digits */
    {STMT_API_KEY_BY_HASH, "SELECT k.id, k.tenant_id, t.slug, t.name, t.currency, k.role, k.label,"
                           "       k.revoked_at IS NOT NULL, k.rate_limit"
                           "  FROM api_keys k JOIN tenants t ON t.id = k.tenant_id"
                           " WHERE k.key_hash = UNHEX(?)"},
    {STMT_TENANT_BY_SLUG, "SELECT id FROM tenants WHERE slug = ?"},
    /* tenant id, role, label, prefix, hash (hex), rate limit (NULL = default),
     * created by */
    {STMT_API_KEY_INSERT,
     "INSERT INTO api_keys (tenant_id, role, label, key_prefix, key_hash, created_at,"
     "                      rate_limit, created_by)"
     " VALUES (?, ?, ?, ?, UNHEX(?), UTC_TIMESTAMP(), ?, ?)"},
    {STMT_API_KEY_LIST,
     "SELECT k.id, t.slug, k.role, k.label, k.key_prefix, k.created_at, k.revoked_at,"
     "       k.rate_limit, k.last_used_at, k.created_by"
     "  FROM api_keys k JOIN tenants t ON t.id = k.tenant_id ORDER BY k.id"},
    /* tenant id: the API keys page's list, newest first */
    {STMT_API_KEY_TENANT_LIST,
     "SELECT k.id, t.slug, k.role, k.label, k.key_prefix, k.created_at, k.revoked_at,"
     "       k.rate_limit, k.last_used_at, k.created_by"
     "  FROM api_keys k JOIN tenants t ON t.id = k.tenant_id"
     " WHERE k.tenant_id = ? ORDER BY k.id DESC"},
    /* key id: the key's row, locked for its revocation */
    {STMT_API_KEY_LOCK,
     "SELECT id, tenant_id, label, revoked_at IS NOT NULL FROM api_keys WHERE id = ? FOR UPDATE"},
    /* window, window, key id: counts this call in the key's current minute
     * and records it as the key's last use; the new count comes back as
     * LAST_INSERT_ID (rl_count is set before rl_window, so it compares with
     * the old window). */
    {STMT_API_KEY_COUNT,
     "UPDATE api_keys SET rl_count = LAST_INSERT_ID(IF(rl_window = ?, rl_count + 1, 1)),"
     "       rl_window = ?, last_used_at = UTC_TIMESTAMP() WHERE id = ?"},
    /* key id: its last use, without a rate limit (at most once a minute) */
    {STMT_API_KEY_TOUCH, "UPDATE api_keys SET last_used_at = UTC_TIMESTAMP() WHERE id = ?"},
    {STMT_API_KEY_REVOKE,
     "UPDATE api_keys SET revoked_at = UTC_TIMESTAMP() WHERE id = ? AND revoked_at IS NULL"},
};
const size_t db_sql_tenants_n = sizeof(db_sql_tenants) / sizeof(db_sql_tenants[0]);

enum err db_operator_find(struct db *db, struct arena *a, const char *username,
                          struct operator_row *out)
{
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_OPERATOR_BY_NAME, &r, "s", username);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "operator");
	out->username = row_text(&w, 0);
	out->display = row_text(&w, 1);
	out->role = (enum role)row_enum(&w, 2, role_name, ROLE__MAX, false);
	out->tenant.id = (unsigned)row_u64(&w, 3);
	out->tenant.slug = row_text(&w, 4);
	out->tenant.name = row_text(&w, 5);
	out->tenant.currency = row_text(&w, 6);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_api_key_find(struct db *db, struct arena *a, const char *hash_hex,
                         struct api_key_row *out)
{
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_API_KEY_BY_HASH, &r, "s", hash_hex);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "api key");
	out->id = row_u64(&w, 0);
	out->tenant.id = (unsigned)row_u64(&w, 1);
	out->tenant.slug = row_text(&w, 2);
	out->tenant.name = row_text(&w, 3);
	out->tenant.currency = row_text(&w, 4);
	out->role = (enum role)row_enum(&w, 5, role_name, ROLE__MAX, false);
	out->label = row_text(&w, 6);
	out->revoked = row_bool(&w, 7);
	out->rate_limit = row_str(&w, 8) ? row_i64(&w, 8) : -1;
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_api_key_count_call(struct db *db, struct arena *a, uint64_t key_id, int64_t window,
                               uint64_t *calls)
{
	enum err rc = db_exec(db, a, STMT_API_KEY_COUNT, NULL, "iiu", (long long)window,
	                      (long long)window, (unsigned long long)key_id);
	*calls = rc == ERR_OK ? db_insert_id(db) : 0;
	return rc;
}

enum err db_api_key_touch(struct db *db, struct arena *a, uint64_t key_id)
{
	return db_exec(db, a, STMT_API_KEY_TOUCH, NULL, "u", (unsigned long long)key_id);
}

enum err db_tenant_id(struct db *db, struct arena *a, const char *slug, unsigned *id)
{
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_TENANT_BY_SLUG, &r, "s", slug);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "tenant");
	*id = (unsigned)row_u64(&w, 0);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_api_key_insert(struct db *db, struct arena *a, unsigned tenant, enum role role,
                           const char *label, const char *prefix, const char *hash_hex,
                           int64_t rate_limit, const char *created_by, uint64_t *id)
{
	long long rate = rate_limit;
	enum err rc = db_exec(db, a, STMT_API_KEY_INSERT, NULL, "ussssIs",
	                      (unsigned long long)tenant, role_name[role], label, prefix, hash_hex,
	                      rate_limit > 0 ? &rate : NULL, created_by);
	if (rc != ERR_OK)
		return rc;
	*id = db_insert_id(db);
	return ERR_OK;
}

static void read_api_key_list(struct row *w, void *elem)
{
	struct api_key_info *k = elem;
	k->id = row_u64(w, 0);
	k->tenant_slug = row_text(w, 1);
	k->role = (enum role)row_enum(w, 2, role_name, ROLE__MAX, false);
	k->label = row_text(w, 3);
	k->prefix = row_text(w, 4);
	k->created_at = row_text(w, 5);
	k->revoked_at = row_str(w, 6);
	k->rate_limit = row_str(w, 7) ? row_i64(w, 7) : -1;
	k->last_used_at = row_str(w, 8);
	k->created_by = row_str(w, 9);
}

/* The list a statement answers (params as fmt, one tenant id or none). */
static enum err key_list(struct db *db, struct arena *a, enum stmt id, unsigned tenant,
                         struct api_key_list *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = tenant ? db_exec(db, a, id, &r, "u", (unsigned long long)tenant)
	                     : db_exec(db, a, id, &r, "");
	if (rc == ERR_OK)
		out->rows = rows_read(a, &r, "api key list", sizeof(*out->rows), read_api_key_list,
		                      &out->n, &rc);
	return rc;
}

enum err db_api_key_list(struct db *db, struct arena *a, struct api_key_list *out)
{
	return key_list(db, a, STMT_API_KEY_LIST, 0, out);
}

enum err db_api_key_tenant_list(struct db *db, struct arena *a, unsigned tenant,
                                struct api_key_list *out)
{
	return key_list(db, a, STMT_API_KEY_TENANT_LIST, tenant, out);
}

enum err db_api_key_lock(struct db *db, struct arena *a, uint64_t id, struct api_key_locked *out)
{
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_API_KEY_LOCK, &r, "u", (unsigned long long)id);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "api key");
	out->id = row_u64(&w, 0);
	out->tenant = (unsigned)row_u64(&w, 1);
	out->label = row_text(&w, 2);
	out->revoked = row_bool(&w, 3);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_api_key_revoke(struct db *db, struct arena *a, uint64_t id)
{
	enum err rc = db_exec(db, a, STMT_API_KEY_REVOKE, NULL, "u", (unsigned long long)id);
	if (rc == ERR_OK && db_affected(db) != 1)
		return ERR_NOT_FOUND;
	return rc;
}
