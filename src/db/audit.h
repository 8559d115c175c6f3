#ifndef CUSTODIAN_DB_AUDIT_H
#define CUSTODIAN_DB_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/records.h"

/* audit_log: append-only (the application account cannot UPDATE it). */

/* One attempt, as written. */
struct audit_entry {
	const char *actor;
	unsigned tenant;
	uint64_t customer_id; /* 0: no customer matched */
	const char *subject;  /* the id as given */
	const char *action;
	enum channel channel;
	int reason; /* enum reason, or -1 */
	const char *note;
	const char *outcome; /* "ok" or the error codes */
	const char *request_id;
	uint64_t bulk_run_id; /* 0: none */
	const char *changes;  /* a profile edit's changes as JSON text, or NULL */
};

enum err db_audit_insert(struct db *db, struct arena *a, const struct audit_entry *e);

/* Changes (a profile edit's fields, an action's) as the JSON text of the
 * changes column: [{"field": .., "old": .., "new": ..}, ...] (NULL: out of
 * memory). */
const char *audit_changes_json(struct arena *a, const struct audit_change *c, size_t n);

/* Private to db/: parses an audit row's changes column (JSON text or
 * NULL) into x->changes (in a). Returns false, changing nothing, when the
 * text is not the array audit_changes_json() writes. */
bool db_audit_changes_take(struct arena *a, const char *json, struct audit_row *x);

/* The audit log page: newest first, filtered, keyset-paginated by id. */
struct audit_query {
	unsigned tenant;
	const char *actor;    /* exact */
	const char *action;   /* exact */
	const char *outcome;  /* "ok" or one error code (matches within a list) */
	const char *customer; /* public id */
	const char *from;     /* YYYY-MM-DD, inclusive */
	const char *to;       /* YYYY-MM-DD, inclusive */
	bool after;
	uint64_t after_id; /* rows with smaller ids */
	unsigned limit;
};

enum err db_audit_list(struct db *db, struct arena *a, const struct audit_query *q,
                       struct audit_list *out);

#endif
