#ifndef CUSTODIAN_DB_OPS_H
#define CUSTODIAN_DB_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"

/* The installation's work in the database, for /metrics and /status
 * (README "Watching Custodian"): across every tenant, no customer data. */

struct ops_gauge {
	const char *group; /* bulk_runs, bulk_items, deliveries, deliveries_retrying,
	                      outbox_oldest_seconds */
	const char *state;
	int64_t n;
};

struct ops_gauges {
	struct ops_gauge *rows;
	size_t n;
};

/* Bulk runs by status; the items of the runs not done, by outcome
 * (pending, ok, refused); webhook deliveries pending and failed, those
 * pending after a failed attempt, and the oldest pending one's age. */
enum err db_ops_gauges(struct db *db, struct arena *a, struct ops_gauges *out);

#endif
