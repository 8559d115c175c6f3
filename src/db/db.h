#ifndef CUSTODIAN_DB_H
#define CUSTODIAN_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "db/stmt.h"
#include "util/arena.h"
#include "util/config.h"
#include "util/err.h"

/*
 * One MariaDB connection per worker process, through Connector/C prepared
 * statements only. Statements are prepared on first use and kept in a
 * per-connection cache keyed by their SQL text (db/stmt_cache.h: the least
 * recently used is closed when db_statement_cache are held); a lost
 * connection is dropped with its statements and made again on the next
 * call, trying each configured endpoint in turn.
 *
 * A call outside a transaction that finds its connection gone reconnects
 * and tries once more, so a restarted database costs no error once it is
 * back. Inside a transaction nothing is retried here: db_transaction()
 * retries the whole transaction.
 */

/* Rows of a result, every value as text (NULL for SQL NULL), in the
 * request's arena. */
struct db_res {
	size_t nrows;
	size_t ncols;
	char **v;           /* v[row * ncols + col] */
	unsigned long *len; /* byte lengths, same layout */
};

#define DB_V(res, row, col) ((res)->v[(row) * (res)->ncols + (col)])

struct db;

/* A handle for cfg (kept by reference). Does not connect yet. NULL on OOM. */
struct db *db_new(const struct config *cfg);

/* Closes the connection and frees the handle. Accepts NULL. */
void db_free(struct db *db);

/* Connects now if not connected. ERR_OK or ERR_UNAVAILABLE. */
enum err db_connect(struct db *db);

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

/* A parameter for db_exec_params(). */
enum db_ptype { DB_P_INVALID, DB_P_STR, DB_P_INT, DB_P_UINT, DB_P_DOUBLE };
struct db_param {
	enum db_ptype type;
	bool null;
	const char *s;
	long long i;
	double d;
};

/* Executes sql, which the caller builds from fixed fragments (never from
 * input), with n parameters. Its prepared statement is cached by the text
 * itself, so each distinct text has its own. */
enum err db_exec_params(struct db *db, struct arena *a, const char *sql, struct db_res *out,
                        const struct db_param *p, size_t n);

/* The SQL of a named statement (for tests and EXPLAIN). */
const char *db_stmt_sql(enum stmt id);

/* Rows changed and the AUTO_INCREMENT id of the last statement. */
unsigned long long db_affected(const struct db *db);
unsigned long long db_insert_id(const struct db *db);

/* Inside a db_transaction() function: gives up this attempt as if the
 * database had reported a deadlock (the whole transaction runs again). */
enum err db_fail_retry(struct db *db, const char *why);

/* The server's message for the last failure (the SIGNAL text for
 * ERR_SIGNAL), and its error number. */
const char *db_error(const struct db *db);
unsigned db_errno(const struct db *db);

/*
 * Runs fn inside START TRANSACTION ... COMMIT. fn returns ERR_OK to commit
 * or anything else to roll back (that code is returned). On ERR_RETRY (from
 * fn or from COMMIT, e.g. a Galera certification failure) the transaction
 * is rolled back and run again from the start, with backoff, up to the
 * configured number of attempts and time budget; then ERR_RETRY is
 * returned. fn must therefore have no effects outside the database other
 * than on its ctx, which it must reset at its start.
 */
typedef enum err (*db_tx_fn)(struct db *db, struct arena *a, void *ctx);
enum err db_transaction(struct db *db, struct arena *a, db_tx_fn fn, void *ctx);

/*
 * Explain mode (tests/explain): every statement is sent as "EXPLAIN <sql>",
 * prepared just for that call, and its result is the plan (id, select_type,
 * table, type, possible_keys, key, key_len, ref, rows, Extra). Nothing is
 * executed, so the real SQL builders can be checked for full scans.
 */
void db_set_explain(struct db *db, bool on);

/* Statements executed and milliseconds spent waiting for the database
 * since the last reset (the worker logs them per request). */
void db_stats(const struct db *db, unsigned *queries, double *ms);
void db_stats_reset(struct db *db);

#endif
