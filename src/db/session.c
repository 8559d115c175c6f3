/* Connection-level statements: health check, session setup, transactions. */
#include "db/sql.h"

const struct stmt_sql db_sql_session[] = {
    {STMT_PING, "SELECT 1"},
    /* Per-session: how long a locking read waits, and UTC for NOW(). */
    {STMT_SESSION_LOCK_WAIT,
     "SET SESSION innodb_lock_wait_timeout = ?, SESSION time_zone = '+00:00'"},
    /* Galera: a read waits until this node has applied what the cluster
     * committed before it (causal reads). */
    {STMT_SESSION_SYNC_WAIT, "SET SESSION wsrep_sync_wait = ?"},
    {STMT_BEGIN, "START TRANSACTION"},
    {STMT_COMMIT, "COMMIT"},
    {STMT_ROLLBACK, "ROLLBACK"},
};
const size_t db_sql_session_n = sizeof(db_sql_session) / sizeof(db_sql_session[0]);
