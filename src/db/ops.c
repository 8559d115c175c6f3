/* The installation's work in the database (db/ops.h). */
#include "db/ops.h"

#include <string.h>

#include "db/row.h"
#include "db/sql.h"

const struct stmt_sql db_sql_ops[] = {
    /* Each part reads an index's prefix: the runs by status
     * (ix_bulk_runs_status), the items of the runs not done (the same,
     * then the items' primary key), the deliveries pending or failed
     * (ix_deliveries_due): never the delivered ones, which only grow. */
    {STMT_OPS_GAUGES,
     "SELECT 'bulk_runs', status, COUNT(*) FROM bulk_runs GROUP BY status"
     " UNION ALL"
     " SELECT 'bulk_items', IF(i.outcome IS NULL, 'pending', IF(i.outcome = 'ok', 'ok',"
     "   'refused')), COUNT(*)"
     " FROM bulk_runs r JOIN bulk_items i ON i.run_id = r.id"
     " WHERE r.status IN ('queued', 'running') GROUP BY 2"
     " UNION ALL"
     " SELECT 'deliveries', state, COUNT(*) FROM webhook_deliveries"
     " WHERE state IN ('pending', 'failed') GROUP BY state"
     " UNION ALL"
     " SELECT 'deliveries_retrying', 'pending', COUNT(*) FROM webhook_deliveries"
     " WHERE state = 'pending' AND attempts > 0"
     " UNION ALL"
     " SELECT 'outbox_oldest_seconds', 'pending',"
     " COALESCE(TIMESTAMPDIFF(SECOND, MIN(created_at), UTC_TIMESTAMP(3)), 0)"
     " FROM webhook_deliveries WHERE state = 'pending'"},
};
const size_t db_sql_ops_n = sizeof(db_sql_ops) / sizeof(db_sql_ops[0]);

static void read_gauge(struct row *w, void *elem)
{
	struct ops_gauge *g = elem;
	g->group = row_text(w, 0);
	g->state = row_text(w, 1);
	g->n = row_i64(w, 2);
}

enum err db_ops_gauges(struct db *db, struct arena *a, struct ops_gauges *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_OPS_GAUGES, &r, "");
	if (rc == ERR_OK)
		out->rows =
		    rows_read(a, &r, "ops gauges", sizeof(*out->rows), read_gauge, &out->n, &rc);
	return rc;
}
