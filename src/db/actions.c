/* The records that block a deactivation, read and written one at a time by
 * the actions that clear them (domain/actions.c). */
#include "db/actions.h"

#include <stdio.h>
#include <string.h>

#include "db/row.h"
#include "db/sql.h"

#define ORDER_SQL                                                                                  \
	"SELECT o.id, o.public_id, o.status, o.customer_id, c.public_id, o.total, o.currency"      \
	" FROM orders o JOIN customers c ON c.id = o.customer_id"                                  \
	" WHERE o.public_id = ? AND o.tenant_id = ?"
#define LINES_SQL(lock)                                                                            \
	"SELECT i.id, i.kind, i.sku, i.product_name, i.quantity, i.cancelled_quantity,"            \
	" (SELECT COUNT(*) FROM subscriptions s WHERE s.order_item_id = i.id" lock "),"            \
	" i.unit_price FROM order_items i WHERE i.order_id = ? ORDER BY i.id"
#define SUB_SQL                                                                                    \
	"SELECT s.id, s.public_id, s.status, s.customer_id, c.public_id, s.asset_serial,"          \
	" (SELECT COUNT(*) FROM assets x WHERE x.serial_number = s.asset_serial"                   \
	"   AND x.status = 'rented_out' AND x.customer_id = s.customer_id),"                       \
	" s.monthly_amount, COALESCE(o.currency, t.currency), s.start_date,"                       \
	" COALESCE(i.contract_length, 0), UTC_DATE()"                                              \
	" FROM subscriptions s JOIN customers c ON c.id = s.customer_id"                           \
	" JOIN tenants t ON t.id = s.tenant_id"                                                    \
	" LEFT JOIN orders o ON o.id = s.order_id"                                                 \
	" LEFT JOIN order_items i ON i.id = s.order_item_id"                                       \
	" WHERE s.public_id = ? AND s.tenant_id = ?"
#define ASSET_SQL                                                                                  \
	"SELECT a.serial_number, a.product_name, a.status, a.customer_id, c.public_id,"            \
	" (SELECT s.public_id FROM subscriptions s WHERE s.asset_serial = a.serial_number"         \
	"   AND s.status = 'active' ORDER BY s.id DESC LIMIT 1),"                                  \
	" a.return_expected_at, UTC_DATE()"                                                        \
	" FROM assets a LEFT JOIN customers c ON c.id = a.customer_id"                             \
	" WHERE a.serial_number = ? AND a.tenant_id = ?"

#define PAYMENTS_SQL                                                                               \
	"SELECT id, public_id, status, amount FROM payments"                                       \
	" WHERE subscription_id = ? AND status IN ('pending', 'processing') ORDER BY id"

/*
 * The _LOCK forms run after the customer's row is locked, to re-check the
 * record. A subquery of a FOR UPDATE read is a plain read of the
 * transaction's snapshot, which the first (unlocked) read took before the
 * customer's lock was granted: the subqueries that carry state lock what
 * they read too (SUBQUERY_LOCK), so that they see what the lock's previous
 * holder committed (tests/race/actions_race.c, return-vs-rental-cancel).
 */
#define SUBQUERY_LOCK " LOCK IN SHARE MODE"

const struct stmt_sql db_sql_actions[] = {
    {STMT_ACTION_ORDER, ORDER_SQL},
    /* the order's row only: its customer's row is already locked */
    {STMT_ACTION_ORDER_LOCK,
     "SELECT o.id, o.public_id, o.status, o.customer_id,"
     " (SELECT c.public_id FROM customers c WHERE c.id = o.customer_id), o.total, o.currency"
     " FROM orders o WHERE o.public_id = ? AND o.tenant_id = ? FOR UPDATE"},
    {STMT_ACTION_LINES, LINES_SQL("")},
    {STMT_ACTION_LINES_LOCK, LINES_SQL(SUBQUERY_LOCK) " FOR UPDATE"},
    {STMT_ACTION_SUB, SUB_SQL},
    {STMT_ACTION_SUB_LOCK,
     "SELECT s.id, s.public_id, s.status, s.customer_id,"
     " (SELECT c.public_id FROM customers c WHERE c.id = s.customer_id), s.asset_serial,"
     " (SELECT COUNT(*) FROM assets x WHERE x.serial_number = s.asset_serial"
     "   AND x.status = 'rented_out' AND x.customer_id = s.customer_id" SUBQUERY_LOCK "),"
     " s.monthly_amount,"
     " COALESCE((SELECT o.currency FROM orders o WHERE o.id = s.order_id),"
     "          (SELECT t.currency FROM tenants t WHERE t.id = s.tenant_id)),"
     " s.start_date,"
     " COALESCE((SELECT i.contract_length FROM order_items i WHERE i.id = s.order_item_id), 0),"
     " UTC_DATE()"
     " FROM subscriptions s WHERE s.public_id = ? AND s.tenant_id = ? FOR UPDATE"},
    {STMT_ACTION_SUB_PAYMENTS, PAYMENTS_SQL},
    {STMT_ACTION_SUB_PAYMENTS_LOCK, PAYMENTS_SQL " FOR UPDATE"},
    {STMT_ACTION_ASSET, ASSET_SQL},
    {STMT_ACTION_ASSET_LOCK,
     "SELECT a.serial_number, a.product_name, a.status, a.customer_id,"
     " (SELECT c.public_id FROM customers c WHERE c.id = a.customer_id),"
     " (SELECT s.public_id FROM subscriptions s WHERE s.asset_serial = a.serial_number"
     "   AND s.status = 'active' ORDER BY s.id DESC LIMIT 1" SUBQUERY_LOCK "),"
     " a.return_expected_at, UTC_DATE()"
     " FROM assets a WHERE a.serial_number = ? AND a.tenant_id = ? FOR UPDATE"},
    /* status, by, reason, id */
    {STMT_ORDER_CANCEL,
     "UPDATE orders SET status = ?, cancelled_at = UTC_TIMESTAMP(), cancelled_by = ?,"
     " cancel_reason = ?, updated_at = UTC_TIMESTAMP()"
     " WHERE id = ? AND " BLOCKING_ORDER},
    {STMT_ORDER_LINE_CANCEL_UNITS, "UPDATE order_items SET cancelled_quantity = ? WHERE id = ?"},
    /* status, by, cancel reason, reason text, notes, condition, fee, id */
    {STMT_SUBSCRIPTION_END,
     "UPDATE subscriptions SET status = ?, end_date = UTC_DATE(), ended_at = UTC_TIMESTAMP(),"
     " ended_by = ?, cancel_reason = ?, end_reason_text = ?, end_notes = ?,"
     " return_condition = ?, early_return_fee = ?, updated_at = UTC_TIMESTAMP()"
     " WHERE id = ? AND " BLOCKING_SUBSCRIPTION},
    {STMT_PAYMENT_CANCEL, "UPDATE payments SET status = 'cancelled', cancelled_at = UTC_TIMESTAMP()"
                          " WHERE id = ? AND status = 'pending'"},
    {STMT_PAYMENT_INSERT_FEE,
     "INSERT INTO payments (public_id, tenant_id, customer_id, subscription_id, amount, currency,"
     "                      status, created_at)"
     " VALUES (?, ?, ?, ?, ?, ?, 'pending', UTC_TIMESTAMP())"},
    {STMT_ASSET_EXPECT_RETURN,
     "UPDATE assets SET return_expected_at = UTC_TIMESTAMP(), updated_at = UTC_TIMESTAMP()"
     " WHERE serial_number = ? AND status = 'rented_out' AND customer_id = ?"},
    /* status, off customer, returned on, condition, notes, location, serial */
    {STMT_ASSET_SET_STATUS,
     "UPDATE assets SET status = ?, customer_id = IF(?, NULL, customer_id),"
     " returned_on = COALESCE(?, returned_on), return_condition = COALESCE(?, return_condition),"
     " notes = COALESCE(?, notes), location = COALESCE(?, location),"
     " return_expected_at = IF(status = 'rented_out', return_expected_at, NULL),"
     " updated_at = UTC_TIMESTAMP() WHERE serial_number = ?"},
};
const size_t db_sql_actions_n = sizeof(db_sql_actions) / sizeof(db_sql_actions[0]);

static void read_line(struct row *w, void *elem)
{
	struct action_line *l = elem;
	l->id = row_u64(w, 0);
	l->kind = (enum item_kind)row_enum(w, 1, item_kind_name, ITEM_KIND__MAX, false);
	l->sku = row_text(w, 2);
	l->product_name = row_text(w, 3);
	l->quantity = row_i64(w, 4);
	l->cancelled = row_i64(w, 5);
	l->rentals = row_i64(w, 6);
	l->unit_cents = row_cents(w, 7);
}

enum err db_action_order(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                         bool lock, struct action_order *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, lock ? STMT_ACTION_ORDER_LOCK : STMT_ACTION_ORDER, &r, "si",
	                      public_id, (long long)tenant);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "order for an action");
	out->id = row_u64(&w, 0);
	out->public_id = row_text(&w, 1);
	out->status =
	    (enum order_status)row_enum(&w, 2, order_status_name, ORDER_STATUS__MAX, false);
	out->customer_id = row_u64(&w, 3);
	out->customer_public_id = row_text(&w, 4);
	out->total_cents = row_cents(&w, 5);
	out->currency = row_text(&w, 6);
	if (w.bad)
		return ERR_INTERNAL;
	if ((rc = db_exec(db, a, lock ? STMT_ACTION_LINES_LOCK : STMT_ACTION_LINES, &r, "u",
	                  (unsigned long long)out->id)))
		return rc;
	out->lines = rows_read(a, &r, "order lines for an action", sizeof(*out->lines), read_line,
	                       &out->nlines, &rc);
	return rc;
}

static void read_payment(struct row *w, void *elem)
{
	struct action_payment *p = elem;
	p->id = row_u64(w, 0);
	p->public_id = row_text(w, 1);
	p->status =
	    (enum payment_status)row_enum(w, 2, payment_status_name, PAYMENT_STATUS__MAX, false);
	p->amount_cents = row_cents(w, 3);
}

enum err db_action_subscription(struct db *db, struct arena *a, unsigned tenant,
                                const char *public_id, bool lock, struct action_subscription *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, lock ? STMT_ACTION_SUB_LOCK : STMT_ACTION_SUB, &r, "si",
	                      public_id, (long long)tenant);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "subscription for an action");
	out->id = row_u64(&w, 0);
	out->public_id = row_text(&w, 1);
	out->status = (enum subscription_status)row_enum(&w, 2, subscription_status_name,
	                                                 SUB_STATUS__MAX, false);
	out->customer_id = row_u64(&w, 3);
	out->customer_public_id = row_text(&w, 4);
	out->asset_serial = row_str(&w, 5);
	out->asset_with_customer = row_bool(&w, 6);
	out->monthly_cents = row_cents(&w, 7);
	out->currency = row_text(&w, 8);
	out->start_date = row_text(&w, 9);
	out->contract_months = row_i64(&w, 10);
	out->today = row_text(&w, 11);
	if (w.bad)
		return ERR_INTERNAL;
	/* the payments it would cancel */
	if ((rc = db_exec(db, a, lock ? STMT_ACTION_SUB_PAYMENTS_LOCK : STMT_ACTION_SUB_PAYMENTS,
	                  &r, "u", (unsigned long long)out->id)))
		return rc;
	out->payments = rows_read(a, &r, "open payments", sizeof(*out->payments), read_payment,
	                          &out->npayments, &rc);
	return rc;
}

enum err db_action_asset(struct db *db, struct arena *a, unsigned tenant, const char *serial,
                         bool lock, struct action_asset *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, lock ? STMT_ACTION_ASSET_LOCK : STMT_ACTION_ASSET, &r, "si",
	                      serial, (long long)tenant);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "asset for an action");
	out->serial = row_text(&w, 0);
	out->product_name = row_text(&w, 1);
	out->status =
	    (enum asset_status)row_enum(&w, 2, asset_status_name, ASSET_STATUS__MAX, false);
	out->customer_id = row_str(&w, 3) ? row_u64(&w, 3) : 0;
	out->customer_public_id = row_str(&w, 4);
	out->active_rental = row_str(&w, 5);
	out->return_expected_at = row_str(&w, 6);
	out->today = row_text(&w, 7);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_order_cancel(struct db *db, struct arena *a, uint64_t id, enum order_status status,
                         const char *by, const char *reason, bool *changed)
{
	enum err rc = db_exec(db, a, STMT_ORDER_CANCEL, NULL, "sssu", order_status_name[status], by,
	                      reason, (unsigned long long)id);
	*changed = rc == ERR_OK && db_affected(db) > 0;
	return rc;
}

enum err db_order_line_cancel_units(struct db *db, struct arena *a, uint64_t line_id,
                                    int64_t cancelled)
{
	return db_exec(db, a, STMT_ORDER_LINE_CANCEL_UNITS, NULL, "iu", (long long)cancelled,
	               (unsigned long long)line_id);
}

/* cents as the DECIMAL text the database takes ("12.30"), NULL for -1 */
static const char *decimal(struct arena *a, int64_t cents)
{
	if (cents < 0)
		return NULL;
	return arena_printf(a, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
}

enum err db_subscription_end(struct db *db, struct arena *a, uint64_t id,
                             const struct subscription_end *e, bool *changed)
{
	enum err rc = db_exec(db, a, STMT_SUBSCRIPTION_END, NULL, "sssssssu",
	                      subscription_status_name[e->status], e->by,
	                      e->cancel_reason >= 0 ? cancel_reason_name[e->cancel_reason] : NULL,
	                      e->reason_text, e->notes,
	                      e->condition >= 0 ? return_condition_name[e->condition] : NULL,
	                      decimal(a, e->fee_cents), (unsigned long long)id);
	*changed = rc == ERR_OK && db_affected(db) > 0;
	return rc;
}

enum err db_payment_cancel(struct db *db, struct arena *a, uint64_t id, bool *changed)
{
	enum err rc = db_exec(db, a, STMT_PAYMENT_CANCEL, NULL, "u", (unsigned long long)id);
	*changed = rc == ERR_OK && db_affected(db) > 0;
	return rc;
}

enum err db_payment_insert_fee(struct db *db, struct arena *a, const char *public_id,
                               unsigned tenant, uint64_t customer_id, uint64_t subscription_id,
                               int64_t cents, const char *currency)
{
	return db_exec(db, a, STMT_PAYMENT_INSERT_FEE, NULL, "siuuss", public_id, (long long)tenant,
	               (unsigned long long)customer_id, (unsigned long long)subscription_id,
	               decimal(a, cents), currency);
}

enum err db_asset_expect_return(struct db *db, struct arena *a, const char *serial,
                                uint64_t customer_id)
{
	return db_exec(db, a, STMT_ASSET_EXPECT_RETURN, NULL, "su", serial,
	               (unsigned long long)customer_id);
}

enum err db_asset_set_status(struct db *db, struct arena *a, const char *serial,
                             const struct asset_change *c)
{
	return db_exec(db, a, STMT_ASSET_SET_STATUS, NULL, "sisssss", asset_status_name[c->status],
	               (long long)c->off_customer, c->returned_on,
	               c->condition >= 0 ? return_condition_name[c->condition] : NULL, c->notes,
	               c->location, serial);
}
