#ifndef CUSTODIAN_DB_H
#define CUSTODIAN_DB_H

#include <stdbool.h>
#include <stddef.h>

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

struct db;

/* A handle for cfg (kept by reference). Does not connect yet. NULL on OOM. */
struct db *db_new(const struct config *cfg);

/* Closes the connection and frees the handle. Accepts NULL. */
void db_free(struct db *db);

/* Connects now if not connected. ERR_OK or ERR_UNAVAILABLE. */
enum err db_connect(struct db *db);

/* SELECT 1: does the database answer? */
enum err db_ping(struct db *db, struct arena *a);

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
 * prepared just for that call; nothing is executed and callers get no rows,
 * and the plan of the last statement is kept for db_explain_plan() (db/sql.h).
 * So the real SQL builders can be checked for full scans.
 */
void db_set_explain(struct db *db, bool on);
bool db_explaining(const struct db *db);

/* Statements executed and milliseconds spent waiting for the database
 * since the last reset (the worker logs them per request). */
void db_stats(const struct db *db, unsigned *queries, double *ms);
void db_stats_reset(struct db *db);

#endif
