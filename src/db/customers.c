/* customers: lookups, the lifecycle writes, counters, the list. */
#include "db/customers.h"

#include <stdio.h>
#include <string.h>

#include "db/sql.h"
#include "util/buf.h"

#define CUSTOMER_COLS_BUT_CUSTOM                                                                   \
	"c.id, c.public_id, c.email, c.first_name, c.last_name, c.customer_type, c.company,"       \
	" c.phone, c.status, c.created_at, c.updated_at, c.mrr_cents, c.devices_out,"              \
	" c.total_orders, c.sort_name, c.full_name, c.deactivated_at, c.deactivated_by,"           \
	" c.deactivation_reason, c.deactivation_note"
#define CUSTOMER_COLS CUSTOMER_COLS_BUT_CUSTOM ", c.custom_fields"

const struct stmt_sql db_sql_customers[] = {
    {STMT_CUSTOMER_BY_PUBLIC_ID, "SELECT " CUSTOMER_COLS " FROM customers c"
                                 " WHERE c.public_id = ? AND c.tenant_id = ?"},
    /* The first statement of every lifecycle transaction. */
    {STMT_CUSTOMER_LOCK, "SELECT id, status, first_name, last_name, email FROM customers"
                         " WHERE public_id = ? AND tenant_id = ? FOR UPDATE"},
    /* actor, reason, note, id */
    {STMT_CUSTOMER_DEACTIVATE,
     "UPDATE customers SET status = 'inactive', deactivated_at = UTC_TIMESTAMP(),"
     "       deactivated_by = ?, deactivation_reason = ?, deactivation_note = ?,"
     "       updated_at = UTC_TIMESTAMP()"
     " WHERE id = ? AND status = 'active'"
     /* The prerequisites once more, inside the write: a write that ran
      * outside its transaction (a Galera conflict that aborted it without
      * an error, see db.c) still cannot break SPEC §4 rule 2. */
     "   AND NOT EXISTS (SELECT 1 FROM subscriptions s"
     "                    WHERE s.customer_id = customers.id AND s." BLOCKING_SUBSCRIPTION ")"
     "   AND NOT EXISTS (SELECT 1 FROM orders o"
     "                    WHERE o.customer_id = customers.id AND o." BLOCKING_ORDER ")"
     "   AND NOT EXISTS (SELECT 1 FROM assets a"
     "                    WHERE a.customer_id = customers.id AND a." BLOCKING_ASSET ")"},
    /* The deactivation record moves to the audit log, which keeps it. */
    {STMT_CUSTOMER_REACTIVATE,
     "UPDATE customers SET status = 'active', deactivated_at = NULL, deactivated_by = NULL,"
     "       deactivation_reason = NULL, deactivation_note = NULL,"
     "       updated_at = UTC_TIMESTAMP()"
     " WHERE id = ? AND status = 'inactive'"},
    {STMT_CUSTOMER_COUNTS,
     "SELECT status, customer_type, SUM(n) FROM customer_counts WHERE tenant_id = ?"
     " GROUP BY status, customer_type"},
    {STMT_CUSTOMER_ADDRESSES,
     "SELECT kind, contact_name, street_address, building_info, locality, city,"
     "       admin_area, postal_code, country, company"
     "  FROM addresses WHERE customer_id = ? ORDER BY kind, id DESC LIMIT 20"},
    /* Everything a customer's record keeps, in one round trip (customer id
     * six times). */
    {STMT_RETENTION_CUSTOMER,
     "SELECT 'orders', status, COUNT(*), COALESCE(SUM(total), 0) FROM orders"
     " WHERE customer_id = ? GROUP BY status"
     " UNION ALL SELECT 'subs', status, COUNT(*), COALESCE(SUM(monthly_amount), 0)"
     "   FROM subscriptions WHERE customer_id = ? GROUP BY status"
     " UNION ALL SELECT 'payments', status, COUNT(*), COALESCE(SUM(amount), 0) FROM payments"
     "   WHERE customer_id = ? GROUP BY status"
     " UNION ALL SELECT 'addresses', NULL, COUNT(*), 0 FROM addresses WHERE customer_id = ?"
     " UNION ALL SELECT 'devices', MIN(start_date), COUNT(DISTINCT asset_serial),"
     "   (SELECT COALESCE(SUM(acquisition_cost), 0) FROM assets WHERE serial_number IN"
     "     (SELECT asset_serial FROM subscriptions WHERE customer_id = ?))"
     "   FROM subscriptions WHERE customer_id = ?"},
    /* Tenant-wide retention: inactive customers by reason and month. */
    {STMT_RETENTION_BY_REASON_MONTH,
     "SELECT deactivation_reason, DATE_FORMAT(deactivated_at, '%Y-%m'), COUNT(*),"
     "       SUM(total_orders), 0"
     "  FROM customers WHERE tenant_id = ? AND status = 'inactive'"
     " GROUP BY deactivation_reason, DATE_FORMAT(deactivated_at, '%Y-%m')"
     " ORDER BY 2 DESC, 1 LIMIT 500"},
    /* tenant id five times */
    {STMT_RETENTION_TOTALS,
     "SELECT COUNT(*), COALESCE(SUM(c.total_orders), 0),"
     "  (SELECT COUNT(*) FROM customers c2 JOIN subscriptions s ON s.customer_id = c2.id"
     "    WHERE c2.tenant_id = ? AND c2.status = 'inactive'),"
     "  (SELECT COUNT(*) FROM customers c2 JOIN payments p ON p.customer_id = c2.id"
     "    WHERE c2.tenant_id = ? AND c2.status = 'inactive'),"
     "  (SELECT COALESCE(SUM(p.amount), 0) FROM customers c2"
     "     JOIN payments p ON p.customer_id = c2.id AND p.status = 'paid'"
     "    WHERE c2.tenant_id = ? AND c2.status = 'inactive'),"
     "  (SELECT COUNT(*) FROM customers c2 JOIN addresses ad ON ad.customer_id = c2.id"
     "    WHERE c2.tenant_id = ? AND c2.status = 'inactive')"
     " FROM customers c WHERE c.tenant_id = ? AND c.status = 'inactive'"},
};
const size_t db_sql_customers_n = sizeof(db_sql_customers) / sizeof(db_sql_customers[0]);

/* ---- the list ------------------------------------------------------------ */

static const char *const sort_col[CSORT__MAX] = {
    [CSORT_CREATED] = "c.created_at",  [CSORT_NAME] = "c.sort_name",
    [CSORT_EMAIL] = "c.email",         [CSORT_MRR] = "c.mrr_cents",
    [CSORT_DEVICES] = "c.devices_out", [CSORT_FIRST] = "c.full_name",
};

/* The index that reads each sort in order, with and without a status
 * filter. Named explicitly: with a LIMIT, MariaDB's cost model may prefer
 * walking another index that has the same order but not the cursor's range,
 * which is fine on page 1 and slow on page 500. */
static const char *const sort_index[CSORT__MAX][2] = {
    [CSORT_CREATED] = {"ix_customers_created", "ix_customers_status_created"},
    [CSORT_NAME] = {"ix_customers_name", "ix_customers_status_name"},
    [CSORT_EMAIL] = {"ix_customers_email", "ix_customers_status_email"},
    [CSORT_MRR] = {"ix_customers_mrr", "ix_customers_status_mrr"},
    [CSORT_DEVICES] = {"ix_customers_devices", "ix_customers_status_devices"},
    [CSORT_FIRST] = {"ix_customers_full_name", "ix_customers_status_first"},
};

static const int sort_res_col[CSORT__MAX] = {
    [CSORT_CREATED] = CU_CREATED, [CSORT_NAME] = CU_SORT_NAME,  [CSORT_EMAIL] = CU_EMAIL,
    [CSORT_MRR] = CU_MRR,         [CSORT_DEVICES] = CU_DEVICES, [CSORT_FIRST] = CU_FULL_NAME,
};

bool customer_sort_is_int(enum customer_sort s)
{
	return s == CSORT_MRR || s == CSORT_DEVICES;
}

const char *customer_sort_key(const struct db_res *r, size_t row, enum customer_sort s)
{
	return DB_V(r, row, sort_res_col[s]);
}

char *like_prefix(struct arena *a, const char *term)
{
	size_t n = strlen(term);
	char *out = arena_alloc(a, 2 * n + 2);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (term[i] == '%' || term[i] == '_' || term[i] == '\\')
			out[o++] = '\\';
		out[o++] = term[i];
	}
	out[o++] = '%';
	out[o] = '\0';
	return out;
}

#define SEARCH_CAP_SQL "1001" /* CUSTOMER_SEARCH_CAP + 1 */

/* The derived table of matching ids; its parameters are added by
 * add_search_params() in the same order. */
static void search_from(struct buf *b, enum customer_search mode)
{
	if (mode == CSEARCH_EMAIL_EXACT) {
		buf_puts(b, "(SELECT id FROM customers FORCE INDEX (ix_customers_email)"
		            " WHERE tenant_id = ? AND email = ?"
		            " LIMIT " SEARCH_CAP_SQL ") m JOIN customers c ON c.id = m.id");
		return;
	}
	buf_puts(b, "((SELECT id FROM customers FORCE INDEX (ix_customers_email)"
	            " WHERE tenant_id = ? AND email LIKE ?"
	            "   LIMIT " SEARCH_CAP_SQL ")"
	            " UNION (SELECT id FROM customers FORCE INDEX (ix_customers_name)"
	            " WHERE tenant_id = ? AND sort_name LIKE ?"
	            "   LIMIT " SEARCH_CAP_SQL ")"
	            " UNION (SELECT id FROM customers FORCE INDEX (ix_customers_full_name)"
	            " WHERE tenant_id = ? AND full_name LIKE ?"
	            "   LIMIT " SEARCH_CAP_SQL ")"
	            " UNION (SELECT id FROM customers FORCE INDEX (ix_customers_company)"
	            " WHERE tenant_id = ? AND company LIKE ?"
	            "   LIMIT " SEARCH_CAP_SQL ")) m STRAIGHT_JOIN customers c ON c.id = m.id");
}

static void add_search_params(struct arena *a, const struct customer_query *q, struct db_param *p,
                              size_t *n)
{
	if (q->search == CSEARCH_EMAIL_EXACT) {
		p[(*n)++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
		p[(*n)++] = (struct db_param){.type = DB_P_STR, .s = q->term};
		return;
	}
	const char *like = like_prefix(a, q->term);
	for (int i = 0; i < 4; i++) {
		p[(*n)++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
		p[(*n)++] = (struct db_param){.type = DB_P_STR, .s = like};
	}
}

/* WHERE conditions shared by the list and the count. Only the filters in
 * use appear: "(? IS NULL OR ...)" forms mislead the optimizer into
 * scanning instead of reading the range after the cursor. */
static void filters(struct buf *b, const struct customer_query *q)
{
	buf_puts(b, " WHERE c.tenant_id = ?");
	if (q->status != NULL)
		buf_puts(b, " AND c.status = ?");
	if (q->type != NULL)
		buf_puts(b, " AND c.customer_type = ?");
	if (q->has_rentals >= 0)
		buf_puts(b, " AND (c.devices_out > 0) = ?");
}

static void add_filter_params(const struct customer_query *q, struct db_param *p, size_t *n)
{
	p[(*n)++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
	if (q->status != NULL)
		p[(*n)++] = (struct db_param){.type = DB_P_STR, .s = q->status};
	if (q->type != NULL)
		p[(*n)++] = (struct db_param){.type = DB_P_STR, .s = q->type};
	if (q->has_rentals >= 0)
		p[(*n)++] = (struct db_param){.type = DB_P_INT, .i = q->has_rentals};
}

#define ADDRESS_JSON(kind)                                                                         \
	"(SELECT JSON_OBJECT('contactName', a.contact_name, 'streetAddress',"                      \
	" a.street_address, 'buildingInfo', a.building_info, 'locality', a.locality,"              \
	" 'city', a.city, 'adminArea', a.admin_area, 'postalCode', a.postal_code,"                 \
	" 'country', a.country, 'company', a.company) FROM addresses a"                            \
	" WHERE a.customer_id = c.id AND a.kind = '" kind "' ORDER BY a.id DESC LIMIT 1)"

enum err db_customer_list(struct db *db, struct arena *a, const struct customer_query *q,
                          struct db_res *out)
{
	struct buf b;
	buf_init(&b, a, 2048);
	/* The HTML list does not show custom fields: leaving the JSON text out
	 * keeps the rows narrow enough to be sorted in memory (searches). */
	buf_puts(&b, q->addresses ? "SELECT " CUSTOMER_COLS
	                          : "SELECT " CUSTOMER_COLS_BUT_CUSTOM ", NULL");
	if (q->addresses)
		buf_puts(&b, ", " ADDRESS_JSON("billing") ", " ADDRESS_JSON("shipping"));
	/* Counted over every matching row before the LIMIT, in the same pass
	 * (a search's first page needs no second statement for its count). */
	if (q->with_total)
		buf_puts(&b, ", COUNT(*) OVER ()");
	buf_puts(&b, " FROM ");
	if (q->search != CSEARCH_NONE)
		search_from(&b, q->search);
	else
		buf_printf(&b, "customers c FORCE INDEX (%s)",
		           sort_index[q->sort][q->status != NULL]);
	filters(&b, q);
	const char *col = sort_col[q->sort];
	const char *cmp = q->desc ? "<" : ">";
	if (q->after)
		buf_printf(&b, " AND (%s %s ? OR (%s = ? AND c.id %s ?))", col, cmp, col, cmp);
	buf_printf(&b, " ORDER BY %s %s, c.id %s LIMIT ?", col, q->desc ? "DESC" : "ASC",
	           q->desc ? "DESC" : "ASC");

	struct db_param p[32];
	size_t n = 0;
	if (q->search != CSEARCH_NONE)
		add_search_params(a, q, p, &n);
	add_filter_params(q, p, &n);
	if (q->after) {
		struct db_param key;
		if (customer_sort_is_int(q->sort)) {
			long long v = 0;
			sscanf(q->after_key, "%lld", &v);
			key = (struct db_param){.type = DB_P_INT, .i = v};
		} else {
			key = (struct db_param){.type = DB_P_STR, .s = q->after_key};
		}
		p[n++] = key;
		p[n++] = key;
		p[n++] = (struct db_param){.type = DB_P_UINT, .i = (long long)q->after_id};
	}
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->limit};
	return db_exec_params(db, a, b.p, out, p, n);
}

enum err db_customer_search_count(struct db *db, struct arena *a, const struct customer_query *q,
                                  long long *out)
{
	*out = 0;
	if (q->search == CSEARCH_NONE)
		return ERR_INTERNAL;
	struct buf b;
	buf_init(&b, a, 1024);
	buf_puts(&b, "SELECT COUNT(*) FROM ");
	search_from(&b, q->search);
	filters(&b, q);
	struct db_param p[32];
	size_t n = 0;
	add_search_params(a, q, p, &n);
	add_filter_params(q, p, &n);
	struct db_res r;
	enum err rc = db_exec_params(db, a, b.p, &r, p, n);
	if (rc == ERR_OK && r.nrows == 1 && DB_V(&r, 0, 0) != NULL)
		sscanf(DB_V(&r, 0, 0), "%lld", out);
	return rc;
}
