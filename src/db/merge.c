/* Merging a duplicate into the customer kept: the statements. */
#include "db/merge.h"

#include <string.h>

#include "db/row.h"
#include "db/sql.h"

const char *const merge_kind_name[MK__MAX] = {
    [MK_ORDER] = "order",   [MK_SUBSCRIPTION] = "subscription", [MK_PAYMENT] = "payment",
    [MK_DEVICE] = "device", [MK_ADDRESS] = "address",           [MK_NOTE] = "note",
};

/* Each kind's rows of a customer, read by its customer index and locked
 * (the gaps too: nothing is added for the duplicate before the move). */
const struct stmt_sql db_sql_merge[] = {
    {STMT_MERGE_LIST_ORDERS,
     "SELECT public_id FROM orders WHERE customer_id = ? ORDER BY id FOR UPDATE"},
    {STMT_MERGE_LIST_SUBSCRIPTIONS,
     "SELECT public_id FROM subscriptions WHERE customer_id = ? ORDER BY id FOR UPDATE"},
    {STMT_MERGE_LIST_PAYMENTS,
     "SELECT public_id FROM payments WHERE customer_id = ? ORDER BY id FOR UPDATE"},
    {STMT_MERGE_LIST_DEVICES,
     "SELECT serial_number FROM assets WHERE customer_id = ? ORDER BY serial_number FOR UPDATE"},
    {STMT_MERGE_LIST_ADDRESSES,
     "SELECT CAST(id AS CHAR) FROM addresses WHERE customer_id = ? ORDER BY id FOR UPDATE"},
    {STMT_MERGE_LIST_NOTES,
     "SELECT CAST(id AS CHAR) FROM customer_notes WHERE customer_id = ? ORDER BY id FOR UPDATE"},
    /* keep, dup: the triggers move the aggregates (orders_au, subscriptions_au,
     * assets_au) and guard the kept customer for what is in flight */
    {STMT_MERGE_MOVE_ORDERS, "UPDATE orders SET customer_id = ? WHERE customer_id = ?"},
    {STMT_MERGE_MOVE_SUBSCRIPTIONS,
     "UPDATE subscriptions SET customer_id = ? WHERE customer_id = ?"},
    {STMT_MERGE_MOVE_PAYMENTS, "UPDATE payments SET customer_id = ? WHERE customer_id = ?"},
    {STMT_MERGE_MOVE_DEVICES, "UPDATE assets SET customer_id = ? WHERE customer_id = ?"},
    {STMT_MERGE_MOVE_ADDRESSES, "UPDATE addresses SET customer_id = ? WHERE customer_id = ?"},
    {STMT_MERGE_MOVE_NOTES, "UPDATE customer_notes SET customer_id = ? WHERE customer_id = ?"},
    /* first, last, email, phone, company, type, id */
    {STMT_MERGE_KEEP_FIELDS,
     "UPDATE customers SET first_name = ?, last_name = ?, email = ?, phone = ?, company = ?,"
     "       customer_type = ?, updated_at = UTC_TIMESTAMP() WHERE id = ?"},
    /* The kept customer's row is written whatever moves (the guard of
     * sql/triggers.sql): on Galera a deactivation of it on another node
     * then conflicts with the merge at certification. */
    {STMT_MERGE_GUARD_KEEP,
     "UPDATE customers SET guard_version = guard_version + 1 WHERE id = ? AND status = 'active'"},
    /* keep, actor, note, dup. The assignments run left to right, so the
     * status changes last: each IF still sees the old one. A merged
     * duplicate is no bulk run's deactivation any more: no undo brings it
     * back (its records are elsewhere). */
    {STMT_MERGE_MARK_DUPLICATE,
     "UPDATE customers SET merged_into = ?, merged_at = UTC_TIMESTAMP(3),"
     "       deactivated_by = IF(status = 'active', ?, deactivated_by),"
     "       deactivation_note = IF(status = 'active', ?, deactivation_note),"
     "       deactivation_reason = IF(status = 'active', 'data_cleanup', deactivation_reason),"
     "       deactivated_at = IF(status = 'active', UTC_TIMESTAMP(), deactivated_at),"
     "       deactivated_run_id = NULL, updated_at = UTC_TIMESTAMP(), status = 'inactive'"
     " WHERE id = ? AND merged_into IS NULL"},
};
const size_t db_sql_merge_n = sizeof(db_sql_merge) / sizeof(db_sql_merge[0]);

static const enum stmt list_stmt[MK__MAX] = {
    STMT_MERGE_LIST_ORDERS,  STMT_MERGE_LIST_SUBSCRIPTIONS, STMT_MERGE_LIST_PAYMENTS,
    STMT_MERGE_LIST_DEVICES, STMT_MERGE_LIST_ADDRESSES,     STMT_MERGE_LIST_NOTES,
};
static const enum stmt move_stmt[MK__MAX] = {
    STMT_MERGE_MOVE_ORDERS,  STMT_MERGE_MOVE_SUBSCRIPTIONS, STMT_MERGE_MOVE_PAYMENTS,
    STMT_MERGE_MOVE_DEVICES, STMT_MERGE_MOVE_ADDRESSES,     STMT_MERGE_MOVE_NOTES,
};

enum err db_merge_list(struct db *db, struct arena *a, enum merge_kind kind, uint64_t dup,
                       struct merge_ids *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, list_stmt[kind], &r, "u", (unsigned long long)dup);
	if (rc != ERR_OK)
		return rc;
	out->id = arena_alloc(a, sizeof(char *) * (r.nrows + 1));
	for (size_t i = 0; i < r.nrows; i++) {
		struct row w = row_at(&r, i, "merge list");
		out->id[i] = row_text(&w, 0);
		if (w.bad)
			return ERR_INTERNAL;
	}
	out->n = r.nrows;
	return ERR_OK;
}

enum err db_merge_move(struct db *db, struct arena *a, enum merge_kind kind, uint64_t dup,
                       uint64_t keep, unsigned long long *moved)
{
	enum err rc = db_exec(db, a, move_stmt[kind], NULL, "uu", (unsigned long long)keep,
	                      (unsigned long long)dup);
	*moved = rc == ERR_OK ? db_affected(db) : 0;
	return rc;
}

enum err db_merge_keep_fields(struct db *db, struct arena *a, uint64_t keep,
                              const struct merge_values *v)
{
	return db_exec(db, a, STMT_MERGE_KEEP_FIELDS, NULL, "ssssssu", v->first_name, v->last_name,
	               v->email, v->phone, v->company, customer_type_name[v->type],
	               (unsigned long long)keep);
}

enum err db_merge_guard_keep(struct db *db, struct arena *a, uint64_t keep)
{
	enum err rc = db_exec(db, a, STMT_MERGE_GUARD_KEEP, NULL, "u", (unsigned long long)keep);
	if (rc == ERR_OK && db_affected(db) != 1)
		return ERR_REFUSED;
	return rc;
}

enum err db_merge_mark_duplicate(struct db *db, struct arena *a, uint64_t dup, uint64_t keep,
                                 const char *actor, const char *note)
{
	enum err rc = db_exec(db, a, STMT_MERGE_MARK_DUPLICATE, NULL, "ussu",
	                      (unsigned long long)keep, actor, note, (unsigned long long)dup);
	if (rc == ERR_OK && db_affected(db) != 1)
		return ERR_REFUSED;
	return rc;
}
