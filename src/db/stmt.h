#ifndef CUSTODIAN_STMT_H
#define CUSTODIAN_STMT_H

/*
 * The names of the fixed SQL statements, grouped by table family. The
 * text of each lives in its family's file (db/customers.c, db/records.c,
 * ...) in a table of { id, sql } pairs; db.c gathers the tables and checks
 * that every name has exactly one text. Statements are prepared and cached
 * by that text (db/stmt_cache.h), not by these names.
 */
enum stmt {
	/* db/session.c */
	STMT_PING,
	STMT_SESSION_LOCK_WAIT,
	STMT_SESSION_SYNC_WAIT,
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	/* db/tenants.c: tenants, operators, api_keys */
	STMT_OPERATOR_BY_NAME,
	STMT_API_KEY_BY_HASH,
	STMT_API_KEY_INSERT,
	STMT_API_KEY_LIST,
	STMT_API_KEY_REVOKE,
	STMT_API_KEY_COUNT,
	/* db/customers.c */
	STMT_CUSTOMER_BY_PUBLIC_ID,
	STMT_CUSTOMER_LOCK,
	STMT_CUSTOMER_DEACTIVATE,
	STMT_CUSTOMER_REACTIVATE,
	STMT_CUSTOMER_COUNTS,
	STMT_CUSTOMER_ADDRESSES,
	STMT_CUSTOMER_API,
	STMT_CUSTOMER_UPDATE_PROFILE,
	STMT_ADDRESS_INSERT,
	/* db/records.c: orders, subscriptions, devices, payments, audit rows */
	STMT_BLOCKERS,
	STMT_SUBS_ACTIVE_LOCK,
	STMT_ORDERS_IN_FLIGHT_LOCK,
	STMT_ASSETS_OUT_LOCK,
	STMT_SECTIONS,
	/* db/retention.c */
	STMT_RETENTION_CUSTOMER,
	STMT_RETENTION_BY_REASON_MONTH,
	STMT_RETENTION_TOTALS,
	/* db/audit.c */
	STMT_AUDIT_INSERT,
	/* db/notes.c */
	STMT_NOTE_INSERT,
	/* db/bulk.c */
	STMT_BULK_RUN_INSERT,
	STMT_BULK_RUN_BY_NONCE,
	STMT_BULK_RUN_GET,
	STMT_BULK_RUN_PROGRESS,
	STMT_BULK_RUNS_RECENT,
	STMT_BULK_ITEMS_PAGE,
	STMT_BULK_CLAIM_FIND,
	STMT_BULK_CLAIM,
	STMT_BULK_RENEW,
	STMT_BULK_RELEASE,
	STMT_BULK_FINISH,
	STMT_BULK_RUN_FOR_JOB,
	STMT_BULK_PENDING_ITEMS,
	STMT_BULK_ITEM_DONE,
	STMT__MAX
};

struct stmt_sql {
	enum stmt id;
	const char *sql;
};

#endif
