/* operators as the Operators page lists and changes them (db/operators.h). */
#include "db/operators.h"

#include <string.h>

#include "db/row.h"
#include "db/sql.h"

const struct stmt_sql db_sql_operators[] = {
    /* tenant (fk_operators_tenant's index) */
    {STMT_OPERATORS_OF_TENANT,
     "SELECT username, display_name, role, disabled_at IS NOT NULL, created_at, created_by,"
     "       disabled_at, disabled_by, enabled_at"
     "  FROM operators WHERE tenant_id = ? ORDER BY username LIMIT 1000"},
    /* tenant */
    {STMT_OPERATORS_GUARD,
     "UPDATE tenants SET operators_version = operators_version + 1 WHERE id = ?"},
    /* tenant */
    {STMT_OPERATORS_ADMINS_LOCK,
     "SELECT username FROM operators"
     " WHERE tenant_id = ? AND role = 'admin' AND disabled_at IS NULL FOR UPDATE"},
    /* login */
    {STMT_OPERATOR_LOCK, "SELECT tenant_id, role, disabled_at IS NOT NULL FROM operators"
                         " WHERE username = ? FOR UPDATE"},
    /* login, tenant, role, display name, by */
    {STMT_OPERATOR_INSERT,
     "INSERT INTO operators (username, tenant_id, role, display_name, created_at, created_by,"
     "                       enabled_at)"
     " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(), ?, UTC_TIMESTAMP())"},
    /* role, login, tenant */
    {STMT_OPERATOR_SET_ROLE, "UPDATE operators SET role = ? WHERE username = ? AND tenant_id = ?"},
    /* by, login, tenant */
    {STMT_OPERATOR_DISABLE, "UPDATE operators SET disabled_at = UTC_TIMESTAMP(), disabled_by = ?"
                            " WHERE username = ? AND tenant_id = ? AND disabled_at IS NULL"},
    /* login, tenant */
    {STMT_OPERATOR_ENABLE,
     "UPDATE operators SET disabled_at = NULL, disabled_by = NULL, enabled_at = UTC_TIMESTAMP()"
     " WHERE username = ? AND tenant_id = ? AND disabled_at IS NOT NULL"},
};
const size_t db_sql_operators_n = sizeof(db_sql_operators) / sizeof(db_sql_operators[0]);

static void read_operator(struct row *w, void *elem)
{
	struct operator_info *o = elem;
	o->username = row_text(w, 0);
	o->display = row_text(w, 1);
	o->role = (enum role)row_enum(w, 2, role_name, ROLE__MAX, false);
	o->disabled = row_bool(w, 3);
	o->created_at = row_str(w, 4);
	o->created_by = row_str(w, 5);
	o->disabled_at = row_str(w, 6);
	o->disabled_by = row_str(w, 7);
	o->enabled_at = row_str(w, 8);
}

enum err db_operators_of_tenant(struct db *db, struct arena *a, unsigned tenant,
                                struct operator_list *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_OPERATORS_OF_TENANT, &r, "i", (long long)tenant);
	if (rc == ERR_OK)
		out->rows = rows_read(a, &r, "operator list", sizeof(*out->rows), read_operator,
		                      &out->n, &rc);
	return rc;
}

enum err db_operators_guard(struct db *db, struct arena *a, unsigned tenant)
{
	enum err rc = db_exec(db, a, STMT_OPERATORS_GUARD, NULL, "i", (long long)tenant);
	if (rc == ERR_OK && db_affected(db) != 1)
		return ERR_NOT_FOUND;
	return rc;
}

static void read_login(struct row *w, void *elem)
{
	*(const char **)elem = row_text(w, 0);
}

enum err db_operators_admins_lock(struct db *db, struct arena *a, unsigned tenant,
                                  const char ***logins, size_t *n)
{
	*logins = NULL;
	*n = 0;
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_OPERATORS_ADMINS_LOCK, &r, "i", (long long)tenant);
	if (rc == ERR_OK)
		*logins = rows_read(a, &r, "admins", sizeof(**logins), read_login, n, &rc);
	return rc;
}

enum err db_operator_lock(struct db *db, struct arena *a, const char *username,
                          struct operator_locked *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_OPERATOR_LOCK, &r, "s", username);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "operator");
	out->tenant = (unsigned)row_u64(&w, 0);
	out->role = (enum role)row_enum(&w, 1, role_name, ROLE__MAX, false);
	out->disabled = row_bool(&w, 2);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_operator_insert(struct db *db, struct arena *a, unsigned tenant, const char *username,
                            const char *display, enum role role, const char *by)
{
	return db_exec(db, a, STMT_OPERATOR_INSERT, NULL, "sisss", username, (long long)tenant,
	               role_name[role], display, by);
}

/* An UPDATE of one operator's row that must change it. */
static enum err one_row(struct db *db, enum err rc)
{
	if (rc == ERR_OK && db_affected(db) != 1)
		return ERR_NOT_FOUND;
	return rc;
}

enum err db_operator_set_role(struct db *db, struct arena *a, unsigned tenant, const char *username,
                              enum role role)
{
	return one_row(db, db_exec(db, a, STMT_OPERATOR_SET_ROLE, NULL, "ssi", role_name[role],
	                           username, (long long)tenant));
}

enum err db_operator_set_disabled(struct db *db, struct arena *a, unsigned tenant,
                                  const char *username, bool disabled, const char *by)
{
	if (disabled)
		return one_row(db, db_exec(db, a, STMT_OPERATOR_DISABLE, NULL, "ssi", by, username,
		                           (long long)tenant));
	return one_row(
	    db, db_exec(db, a, STMT_OPERATOR_ENABLE, NULL, "si", username, (long long)tenant));
}
