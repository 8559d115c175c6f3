/* The erasure of personal data (db/erasure.h). */
#include "db/erasure.h"

#include <string.h>

#include "db/row.h"
#include "db/sql.h"

/* The customer, its tenant's settings and its open payments, in one round
 * trip; a locked read locks the customer row alone (FOR UPDATE; the
 * tenant's settings are plain reads, so erasures do not queue on the
 * tenant's row) and reads the payments as now committed (a subquery of a
 * locking read is a plain read of the snapshot unless it locks too). */
#define TENANT_SETTING(col) "(SELECT t." col " FROM tenants t WHERE t.id = c.tenant_id)"
#define STATE_SQL(lock, paylock)                                                                                                              \
	"SELECT c.id, c.status = 'active', c.erased_at IS NOT NULL, c.legal_hold,"                                                            \
	" c.deactivated_at + INTERVAL " TENANT_SETTING(                                                                                       \
	    "erase_min_months") " MONTH"                                                                                                      \
	                        "   > UTC_TIMESTAMP(),"                                                                                       \
	                        " DATE_FORMAT(c.deactivated_at + INTERVAL " TENANT_SETTING(                                                   \
	                            "erase_min_months") " MONTH,"                                                                             \
	                                                "   '%Y-%m-%d'),"                                                                     \
	                                                " c.erased_at, c.erased_by,"                                                          \
	                                                " DATE_FORMAT(c.deactivated_at + "                                                    \
	                                                "INTERVAL " TENANT_SETTING(                                                           \
	                                                    "financial_years") " YEAR,"                                                       \
	                                                                       "   '%Y-%m-%d'),"                                              \
	                                                                       " " TENANT_SETTING("erase_keep_location") ", " TENANT_SETTING( \
	                                                                           "erase_min_"                                               \
	                                                                           "months") ","                                              \
	                                                                                     " ("                                             \
	                                                                                     "SEL"                                            \
	                                                                                     "ECT"                                            \
	                                                                                     " CO"                                            \
	                                                                                     "UNT"                                            \
	                                                                                     "(*)"                                            \
	                                                                                     " FR"                                            \
	                                                                                     "OM "                                            \
	                                                                                     "pay"                                            \
	                                                                                     "men"                                            \
	                                                                                     "ts "                                            \
	                                                                                     "p "                                             \
	                                                                                     "WHE"                                            \
	                                                                                     "RE "                                            \
	                                                                                     "p."                                             \
	                                                                                     "cus"                                            \
	                                                                                     "tom"                                            \
	                                                                                     "er_"                                            \
	                                                                                     "id "                                            \
	                                                                                     "= "                                             \
	                                                                                     "c."                                             \
	                                                                                     "id"                                             \
	                                                                                     "   "                                            \
	                                                                                     "AND"                                            \
	                                                                                     " p."                                            \
	                                                                                     "sta"                                            \
	                                                                                     "tus"                                            \
	                                                                                     " IN"                                            \
	                                                                                     " ('"                                            \
	                                                                                     "pen"                                            \
	                                                                                     "din"                                            \
	                                                                                     "g',"                                            \
	                                                                                     "'pr"                                            \
	                                                                                     "oce"                                            \
	                                                                                     "ssi"                                            \
	                                                                                     "ng'"                                            \
	                                                                                     ")" paylock                                      \
	                                                                                     "),"                                             \
	                                                                                     " " TENANT_SETTING(                              \
	                                                                                         "financial_years") " FROM customers c WHERE c.public_id = ? AND c.tenant_id = ?" lock

const struct stmt_sql db_sql_erasure[] = {
    /* public id, tenant */
    {STMT_ERASURE_STATE, STATE_SQL("", "")},
    {STMT_ERASURE_STATE_LOCK, STATE_SQL(" FOR UPDATE", " LOCK IN SHARE MODE")},
    /* what an erasure changes and keeps (customer id x7) */
    {STMT_ERASURE_COUNTS, "SELECT (SELECT COUNT(*) FROM addresses x WHERE x.customer_id = ?),"
                          " (SELECT COUNT(*) FROM customer_notes n WHERE n.customer_id = ?),"
                          " (SELECT COUNT(*) FROM audit_log l WHERE l.customer_id = ?"
                          "   AND (l.note IS NOT NULL OR l.changes IS NOT NULL)),"
                          " (SELECT COUNT(*) FROM orders o WHERE o.customer_id = ?),"
                          " (SELECT COUNT(*) FROM subscriptions s WHERE s.customer_id = ?),"
                          " (SELECT COUNT(*) FROM payments p WHERE p.customer_id = ?),"
                          " (SELECT COUNT(*) FROM audit_log l2 WHERE l2.customer_id = ?)"},
    /* customer id, keep location, by */
    {STMT_ERASURE_ERASE, "CALL erase_personal_data(?, ?, ?)"},
    /* The retention policy (tenant): its settings */
    {STMT_POLICY_GET, "SELECT erase_after_months, erase_min_months, erase_keep_location,"
                      " financial_years FROM tenants WHERE id = ?"},
    /* after (NULL: none), min months, keep location, years, tenant */
    {STMT_POLICY_SET, "UPDATE tenants SET erase_after_months = ?, erase_min_months = ?,"
                      " erase_keep_location = ?, financial_years = ? WHERE id = ?"},
    /* the job workers: the tenants with a policy */
    {STMT_POLICY_TENANTS, "SELECT id, erase_after_months FROM tenants"
                          " WHERE erase_after_months IS NOT NULL ORDER BY id"},
    /* the customers it erases now (tenant, months, limit): inactive, not
     * erased, not held, deactivated before the day (ix_customers_deactivated) */
    {STMT_POLICY_DUE,
     "SELECT c.public_id FROM customers c"
     " WHERE c.tenant_id = ? AND c.status = 'inactive'"
     "   AND c.deactivated_at < UTC_TIMESTAMP() - INTERVAL ? MONTH"
     "   AND c.erased_at IS NULL AND c.legal_hold = 0 ORDER BY c.deactivated_at, c.id LIMIT ?"},
/* ... and the ones it will in the next days, those due already and not yet
 * erased (the run is made once a day) included (months, tenant, months,
 * days, limit): when each falls due, first the soonest */
#define UPCOMING_WHERE                                                                             \
	" WHERE c.tenant_id = ? AND c.status = 'inactive' AND c.erased_at IS NULL"                 \
	"   AND c.deactivated_at < UTC_TIMESTAMP() - INTERVAL ? MONTH + INTERVAL ? DAY"            \
	"   AND c.legal_hold = 0"
    {STMT_POLICY_UPCOMING,
     "SELECT c.public_id, c.first_name, c.last_name, c.email, c.deactivated_at,"
     " DATE_FORMAT(c.deactivated_at + INTERVAL ? MONTH, '%Y-%m-%d')"
     " FROM customers c" UPCOMING_WHERE " ORDER BY c.deactivated_at, c.id LIMIT ?"},
    /* ... and how many (tenant, months, days) */
    {STMT_POLICY_UPCOMING_COUNT, "SELECT COUNT(*) FROM customers c" UPCOMING_WHERE},
    /* hold, customer id, hold */
    {STMT_ERASURE_HOLD, "UPDATE customers SET legal_hold = ?, updated_at = UTC_TIMESTAMP()"
                        " WHERE id = ? AND legal_hold <> ?"},
};
const size_t db_sql_erasure_n = sizeof(db_sql_erasure) / sizeof(db_sql_erasure[0]);

enum err db_erasure_state(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                          bool lock, bool counts, struct erasure_state *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, lock ? STMT_ERASURE_STATE_LOCK : STMT_ERASURE_STATE, &r, "si",
	                      public_id, (long long)tenant);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "erasure state");
	out->customer_id = row_u64(&w, 0);
	out->active = row_bool(&w, 1);
	out->erased = row_bool(&w, 2);
	out->legal_hold = row_bool(&w, 3);
	out->in_window = row_bool(&w, 4); /* NULL (active): false */
	out->window_ends = row_str(&w, 5);
	out->erased_at = row_str(&w, 6);
	out->erased_by = row_str(&w, 7);
	out->financial_until = row_str(&w, 8);
	out->keep_location = row_bool(&w, 9);
	out->min_months = row_i64(&w, 10);
	out->payments_open = row_i64(&w, 11);
	out->financial_years = row_i64(&w, 12);
	if (w.bad)
		return ERR_INTERNAL;
	if (!counts)
		return ERR_OK;
	unsigned long long id = (unsigned long long)out->customer_id;
	rc = db_exec(db, a, STMT_ERASURE_COUNTS, &r, "uuuuuuu", id, id, id, id, id, id, id);
	if (rc != ERR_OK)
		return rc;
	w = row_at(&r, 0, "erasure counts");
	out->addresses = row_i64(&w, 0);
	out->notes = row_i64(&w, 1);
	out->audit_texts = row_i64(&w, 2);
	out->orders = row_i64(&w, 3);
	out->subscriptions = row_i64(&w, 4);
	out->payments = row_i64(&w, 5);
	out->audit_rows = row_i64(&w, 6);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_erasure_erase(struct db *db, struct arena *a, uint64_t customer_id, bool keep_location,
                          const char *by)
{
	return db_exec(db, a, STMT_ERASURE_ERASE, NULL, "uis", (unsigned long long)customer_id,
	               (long long)keep_location, by);
}

enum err db_erasure_hold(struct db *db, struct arena *a, uint64_t customer_id, bool hold,
                         bool *changed)
{
	enum err rc = db_exec(db, a, STMT_ERASURE_HOLD, NULL, "iui", (long long)hold,
	                      (unsigned long long)customer_id, (long long)hold);
	*changed = rc == ERR_OK && db_affected(db) > 0;
	return rc;
}

enum err db_policy_get(struct db *db, struct arena *a, unsigned tenant,
                       struct retention_policy *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_POLICY_GET, &r, "i", (long long)tenant);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "retention policy");
	out->erase_after_months = row_str(&w, 0) ? row_i64(&w, 0) : 0;
	out->erase_min_months = row_i64(&w, 1);
	out->keep_location = row_bool(&w, 2);
	out->financial_years = row_i64(&w, 3);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_policy_set(struct db *db, struct arena *a, unsigned tenant,
                       const struct retention_policy *p)
{
	long long after = p->erase_after_months;
	return db_exec(db, a, STMT_POLICY_SET, NULL, "Iiiii", after > 0 ? &after : NULL,
	               (long long)p->erase_min_months, (long long)p->keep_location,
	               (long long)p->financial_years, (long long)tenant);
}

enum err db_policy_tenants(struct db *db, struct arena *a, struct policy_tenants *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_POLICY_TENANTS, &r, "");
	if (rc != ERR_OK)
		return rc;
	out->tenant = arena_calloc(a, r.nrows + 1, sizeof(*out->tenant));
	out->months = arena_calloc(a, r.nrows + 1, sizeof(*out->months));
	if (out->tenant == NULL || out->months == NULL)
		return ERR_INTERNAL;
	for (size_t i = 0; i < r.nrows; i++) {
		struct row w = row_at(&r, i, "policy tenant");
		out->tenant[i] = (unsigned)row_i64(&w, 0);
		out->months[i] = row_i64(&w, 1);
		if (w.bad)
			return ERR_INTERNAL;
	}
	out->n = r.nrows;
	return ERR_OK;
}

enum err db_policy_due(struct db *db, struct arena *a, unsigned tenant, int64_t months, int limit,
                       const char ***ids, size_t *n)
{
	*n = 0;
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_POLICY_DUE, &r, "iii", (long long)tenant,
	                      (long long)months, (long long)limit);
	if (rc != ERR_OK)
		return rc;
	*ids = arena_calloc(a, r.nrows + 1, sizeof(**ids));
	if (*ids == NULL)
		return ERR_INTERNAL;
	for (size_t i = 0; i < r.nrows; i++)
		(*ids)[i] = arena_strdup(a, DB_V(&r, i, 0));
	*n = r.nrows;
	return ERR_OK;
}

enum err db_policy_upcoming(struct db *db, struct arena *a, unsigned tenant, int64_t months,
                            int days, int limit, struct policy_upcoming *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc =
	    db_exec(db, a, STMT_POLICY_UPCOMING, &r, "iiiii", (long long)months, (long long)tenant,
	            (long long)months, (long long)days, (long long)limit);
	if (rc != ERR_OK)
		return rc;
	out->rows = arena_calloc(a, r.nrows + 1, sizeof(*out->rows));
	if (out->rows == NULL)
		return ERR_INTERNAL;
	for (size_t i = 0; i < r.nrows; i++) {
		struct row w = row_at(&r, i, "policy upcoming");
		struct policy_customer *c = &out->rows[i];
		c->public_id = row_text(&w, 0);
		c->first_name = row_text(&w, 1);
		c->last_name = row_text(&w, 2);
		c->email = row_text(&w, 3);
		c->deactivated_at = row_text(&w, 4);
		c->due_on = row_text(&w, 5);
		if (w.bad)
			return ERR_INTERNAL;
	}
	out->n = r.nrows;
	rc = db_exec(db, a, STMT_POLICY_UPCOMING_COUNT, &r, "iii", (long long)tenant,
	             (long long)months, (long long)days);
	if (rc != ERR_OK)
		return rc;
	struct row w = row_at(&r, 0, "policy upcoming count");
	out->total = row_i64(&w, 0);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}
