#ifndef CUSTODIAN_SQL_H
#define CUSTODIAN_SQL_H

/*
 * The statement tables of the table families, and the column order of each
 * query's result (the enums below are the contract between the SQL text
 * and the code that reads it).
 */

#include <stddef.h>

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
extern const struct stmt_sql db_sql_orders[];
extern const size_t db_sql_orders_n;
extern const struct stmt_sql db_sql_subscriptions[];
extern const size_t db_sql_subscriptions_n;
extern const struct stmt_sql db_sql_assets[];
extern const size_t db_sql_assets_n;
extern const struct stmt_sql db_sql_payments[];
extern const size_t db_sql_payments_n;
extern const struct stmt_sql db_sql_audit[];
extern const size_t db_sql_audit_n;
extern const struct stmt_sql db_sql_bulk[];
extern const size_t db_sql_bulk_n;

/* STMT_OPERATOR_BY_NAME */
enum {
	OP_USERNAME,
	OP_DISPLAY,
	OP_ROLE,
	OP_TENANT_ID,
	OP_TENANT_SLUG,
	OP_TENANT_NAME,
	OP_CURRENCY
};

/* STMT_API_KEY_BY_HASH */
enum {
	KEY_ID,
	KEY_TENANT_ID,
	KEY_TENANT_SLUG,
	KEY_TENANT_NAME,
	KEY_CURRENCY,
	KEY_ROLE,
	KEY_LABEL,
	KEY_REVOKED,
	KEY_RATE_LIMIT
};

/* STMT_CUSTOMER_BY_PUBLIC_ID and the customer list (same leading columns) */
enum {
	CU_ID,
	CU_PUBLIC_ID,
	CU_EMAIL,
	CU_FIRST,
	CU_LAST,
	CU_TYPE,
	CU_COMPANY,
	CU_PHONE,
	CU_STATUS,
	CU_CREATED,
	CU_UPDATED,
	CU_MRR,
	CU_DEVICES,
	CU_ORDERS,
	CU_SORT_NAME,
	CU_FULL_NAME,
	CU_DEACT_AT,
	CU_DEACT_BY,
	CU_DEACT_REASON,
	CU_DEACT_NOTE,
	CU_CUSTOM,
	CU__LIST_END,
	/* list only, when addresses are asked for: */
	CU_BILLING_JSON = CU__LIST_END,
	CU_SHIPPING_JSON
};

/* STMT_CUSTOMER_LOCK */
enum { CL_ID, CL_STATUS, CL_FIRST, CL_LAST, CL_EMAIL };

/* STMT_CUSTOMER_COUNTS */
enum { CC_STATUS, CC_TYPE, CC_N };

/* STMT_CUSTOMER_ADDRESSES */
enum {
	AD_KIND,
	AD_CONTACT,
	AD_STREET,
	AD_BUILDING,
	AD_LOCALITY,
	AD_CITY,
	AD_ADMIN,
	AD_POSTAL,
	AD_COUNTRY,
	AD_COMPANY
};

/* STMT_RETENTION_CUSTOMER: tagged rows, each kind's rows together. The
 * "devices" row holds the first subscription's start date as status, the
 * devices ever rented as count and their acquisition cost as sum. */
enum { RC_KIND, RC_STATUS, RC_COUNT, RC_SUM };

/* STMT_ORDERS_PAGE, STMT_ORDERS_IN_FLIGHT(_LOCK) */
enum { OR_ID, OR_PUBLIC_ID, OR_STATUS, OR_TOTAL, OR_CURRENCY, OR_CREATED };

/* STMT_SUBS_PAGE, STMT_SUBS_ACTIVE(_LOCK) */
enum { SU_ID, SU_PUBLIC_ID, SU_STATUS, SU_AMOUNT, SU_START, SU_END, SU_ASSET, SU_ORDER };

/* STMT_DEVICES_PAGE */
enum {
	DV_SUB_ID,
	DV_SERIAL,
	DV_PRODUCT,
	DV_SKU,
	DV_STATUS,
	DV_WITH_CUSTOMER,
	DV_SUB_PUBLIC,
	DV_COST
};

/* STMT_ASSETS_OUT(_LOCK) */
enum { AS_SERIAL, AS_PRODUCT, AS_SKU, AS_COST };

/* STMT_PAYMENTS_PAGE */
enum {
	PA_ID,
	PA_PUBLIC_ID,
	PA_STATUS,
	PA_AMOUNT,
	PA_CURRENCY,
	PA_PAID_AT,
	PA_CREATED,
	PA_SUB_PUBLIC
};

/* by-status rows (views of STMT_RETENTION_CUSTOMER) */
enum { BS_STATUS, BS_COUNT, BS_SUM };

/* STMT_AUDIT_BY_CUSTOMER and the audit list */
enum {
	AU_ID,
	AU_AT,
	AU_ACTOR,
	AU_SUBJECT,
	AU_ACTION,
	AU_CHANNEL,
	AU_REASON,
	AU_NOTE,
	AU_OUTCOME,
	AU_REQUEST_ID,
	AU_RUN_ID,
	AU_CUSTOMER_PUBLIC
};

/* STMT_BULK_RUN_GET */
enum {
	BR_ID,
	BR_PUBLIC_ID,
	BR_ACTOR,
	BR_REASON,
	BR_NOTE,
	BR_SOURCE,
	BR_STATUS,
	BR_TOTAL,
	BR_CREATED,
	BR_STARTED,
	BR_FINISHED
};

/* STMT_BULK_RUN_PROGRESS */
enum { BP_TOTAL, BP_DONE, BP_OK, BP_REFUSED };

/* STMT_BULK_RUNS_RECENT */
enum {
	BRR_PUBLIC_ID,
	BRR_ACTOR,
	BRR_REASON,
	BRR_SOURCE,
	BRR_STATUS,
	BRR_TOTAL,
	BRR_CREATED,
	BRR_FINISHED,
	BRR_OK
};

/* STMT_BULK_ITEMS_PAGE */
enum { BI_SEQ, BI_SUBJECT, BI_PUBLIC_ID, BI_EMAIL, BI_FIRST, BI_LAST, BI_OUTCOME, BI_DONE_AT };

/* STMT_BULK_RUN_FOR_JOB */
enum { BJ_ID, BJ_TENANT, BJ_ACTOR, BJ_REASON, BJ_NOTE, BJ_REQUEST_ID, BJ_PUBLIC_ID };

/* STMT_BULK_PENDING_ITEMS */
enum { BPI_SEQ, BPI_CUSTOMER_ID, BPI_SUBJECT };

/* STMT_RETENTION_BY_REASON_MONTH */
enum { RT_REASON, RT_MONTH, RT_CUSTOMERS, RT_ORDERS, RT_MRR_ZERO };

/* STMT_RETENTION_TOTALS */
enum { RTT_CUSTOMERS, RTT_ORDERS, RTT_SUBS, RTT_PAYMENTS, RTT_COLLECTED, RTT_ADDRESSES };

#endif
