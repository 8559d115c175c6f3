#ifndef CUSTODIAN_DB_AUDIT_H
#define CUSTODIAN_DB_AUDIT_H

#include <stdbool.h>

#include "db/db.h"

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
	unsigned long long after_id; /* rows with smaller ids */
	unsigned limit;
};

/* Rows in AU_* column order. */
enum err db_audit_list(struct db *db, struct arena *a, const struct audit_query *q,
                       struct db_res *out);

#endif
