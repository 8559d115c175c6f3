#ifndef CUSTODIAN_SQL_H
#define CUSTODIAN_SQL_H

/*
 * Private to db/ (and the EXPLAIN test): the named statements of each table
 * family, as tables of { id, sql } pairs that db.c gathers, and the
 * conditions shared by several of them. Everything above db/ calls the
 * family functions, which return typed rows (db/customers.h, ...).
 */

#include <stddef.h>

#include "db/db.h"
#include "db/stmt.h"

/* The rows that block a deactivation (SPEC §4 rule 2), as the condition on
 * each table: every prerequisite query, the bulk counts and the
 * deactivation's own write use these. */
#define BLOCKING_SUBSCRIPTION "status = 'active'"
#define BLOCKING_ORDER        "status IN ('pending', 'confirmed', 'partial')"
#define BLOCKING_ASSET        "status = 'rented_out'"

extern const struct stmt_sql db_sql_session[];
extern const size_t db_sql_session_n;
extern const struct stmt_sql db_sql_tenants[];
extern const size_t db_sql_tenants_n;
extern const struct stmt_sql db_sql_customers[];
extern const size_t db_sql_customers_n;
extern const struct stmt_sql db_sql_records[];
extern const size_t db_sql_records_n;
extern const struct stmt_sql db_sql_retention[];
extern const size_t db_sql_retention_n;
extern const struct stmt_sql db_sql_audit[];
extern const size_t db_sql_audit_n;
extern const struct stmt_sql db_sql_notes[];
extern const size_t db_sql_notes_n;
extern const struct stmt_sql db_sql_actions[];
extern const size_t db_sql_actions_n;
extern const struct stmt_sql db_sql_bulk[];
extern const size_t db_sql_bulk_n;
extern const struct stmt_sql db_sql_webhooks[];
extern const size_t db_sql_webhooks_n;
extern const struct stmt_sql db_sql_ops[];
extern const size_t db_sql_ops_n;
extern const struct stmt_sql db_sql_operators[];
extern const size_t db_sql_operators_n;
extern const struct stmt_sql db_sql_closures[];
extern const size_t db_sql_closures_n;
extern const struct stmt_sql db_sql_merge[];
extern const size_t db_sql_merge_n;
extern const struct stmt_sql db_sql_erasure[];
extern const size_t db_sql_erasure_n;

/* Rows of a result, every value as text (NULL for SQL NULL), in the
 * request's arena. */
struct db_res {
	size_t nrows;
	size_t ncols;
	char **v;           /* v[row * ncols + col] */
	unsigned long *len; /* byte lengths, same layout */
};

#define DB_V(res, row, col) ((res)->v[(row) * (res)->ncols + (col)])

/* A parameter for db_exec_params(). */
enum db_ptype { DB_P_INVALID, DB_P_STR, DB_P_INT, DB_P_UINT, DB_P_DOUBLE };
struct db_param {
	enum db_ptype type;
	bool null;
	const char *s;
	long long i;
	double d;
};

/* Rows changed and the AUTO_INCREMENT id of the last statement. */
unsigned long long db_affected(const struct db *db);
unsigned long long db_insert_id(const struct db *db);

/* Explain mode: the plan of the last statement (id, select_type, table,
 * type, possible_keys, key, key_len, ref, rows, Extra). */
const struct db_res *db_explain_plan(const struct db *db);

/* The SQL of a named statement (db.c). */
const char *db_stmt_sql(enum stmt id);

/*
 * Executes the named statement with parameters described by fmt, one
 * character each:
 *   's' const char *        (NULL gives SQL NULL)
 *   'i' long long
 *   'u' unsigned long long
 *   'I' const long long *   (NULL gives SQL NULL)
 *   'd' double
 * If out is not NULL it receives the result rows (zero rows for a
 * statement that returns none). On failure out is left empty.
 */
enum err db_exec(struct db *db, struct arena *a, enum stmt id, struct db_res *out, const char *fmt,
                 ...);

/* Executes sql, which the caller builds from fixed fragments (never from
 * input), with n parameters. Its prepared statement is cached by the text
 * itself, so each distinct text has its own. */
enum err db_exec_params(struct db *db, struct arena *a, const char *sql, struct db_res *out,
                        const struct db_param *p, size_t n);

#endif
