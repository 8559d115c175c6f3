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
