/* subscriptions as the API's rentals (the customer page reads them in
 * db/records.c, the actions in db/actions.c). */
#include "db/rentals.h"

#include <string.h>

#include "db/row.h"
#include "db/sql.h"
#include "util/buf.h"

#define RENTAL_COLS                                                                                \
	"s.id, s.public_id, s.status, c.public_id, c.email, c.full_name, s.asset_serial,"          \
	" COALESCE(i.sku, x.sku), COALESCE(i.product_name, x.product_name), o.public_id,"          \
	" s.monthly_amount, COALESCE(o.currency, t.currency), COALESCE(i.contract_length, 0),"     \
	" TIMESTAMPDIFF(MONTH, s.start_date, COALESCE(s.end_date, UTC_DATE())), s.start_date,"     \
	" s.end_date, s.created_at, COALESCE(s.updated_at, s.created_at), s.created_by,"           \
	" s.ended_at, s.ended_by, s.cancel_reason, s.end_reason_text, s.end_notes,"                \
	" s.return_condition, s.early_return_fee"

static void read_rental(struct row *w, void *elem)
{
	struct rental_item *s = elem;
	s->id = row_u64(w, 0);
	s->public_id = row_text(w, 1);
	s->status = (enum subscription_status)row_enum(w, 2, subscription_status_name,
	                                               SUB_STATUS__MAX, false);
	s->customer_public_id = row_text(w, 3);
	s->customer_email = row_text(w, 4);
	s->customer_name = row_text(w, 5);
	s->asset_serial = row_str(w, 6);
	s->sku = row_str(w, 7);
	s->product_name = row_str(w, 8);
	s->order_public_id = row_str(w, 9);
	s->monthly_cents = row_cents(w, 10);
	s->currency = row_text(w, 11);
	s->contract_months = row_i64(w, 12);
	s->months_rented = row_i64(w, 13);
	s->start_date = row_text(w, 14);
	s->end_date = row_str(w, 15);
	s->created_at = row_text(w, 16);
	s->updated_at = row_text(w, 17);
	s->created_by = row_text(w, 18);
	s->ended_at = row_str(w, 19);
	s->ended_by = row_str(w, 20);
	s->cancel_reason = row_enum(w, 21, cancel_reason_name, CANCEL_REASON__MAX, true);
	s->end_reason_text = row_str(w, 22);
	s->end_notes = row_str(w, 23);
	s->return_condition = row_enum(w, 24, return_condition_name, COND__MAX, true);
	s->early_return_fee_cents = row_str(w, 25) ? row_cents(w, 25) : -1;
}

enum err db_rentals_list(struct db *db, struct arena *a, const struct rental_query *q,
                         struct rental_items *out)
{
	memset(out, 0, sizeof(*out));
	if (q->limit == 0 || q->limit > 101)
		return ERR_INVALID;
	struct buf b;
	buf_init(&b, a, 2048);
	buf_puts(&b, "SELECT " RENTAL_COLS " FROM subscriptions s");
	/* The narrowest filter picks the index; each reads newest first. */
	if (q->public_id)
		buf_puts(&b, " FORCE INDEX (ux_subscriptions_public_id)");
	else if (q->serial)
		buf_puts(&b, " FORCE INDEX (ix_subscriptions_asset)");
	else if (q->order)
		buf_puts(&b, " FORCE INDEX (ix_subscriptions_order)");
	else if (q->customer_id)
		buf_puts(&b, q->status >= 0 ? " FORCE INDEX (ix_subscriptions_customer_status)"
		                            : " FORCE INDEX (ix_subscriptions_customer)");
	else
		buf_puts(&b, q->status >= 0 ? " FORCE INDEX (ix_subscriptions_tenant_status)"
		                            : " FORCE INDEX (ix_subscriptions_tenant)");
	buf_puts(&b, " JOIN customers c ON c.id = s.customer_id"
	             " JOIN tenants t ON t.id = s.tenant_id"
	             " LEFT JOIN orders o ON o.id = s.order_id"
	             " LEFT JOIN order_items i ON i.id = s.order_item_id"
	             " LEFT JOIN assets x ON x.serial_number = s.asset_serial"
	             " WHERE s.tenant_id = ?");
	struct db_param p[10];
	size_t n = 0;
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
	if (q->public_id) {
		buf_puts(&b, " AND s.public_id = ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->public_id};
	}
	if (q->serial) {
		buf_puts(&b, " AND s.asset_serial = ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->serial};
	}
	if (q->order) {
		buf_puts(&b, " AND s.order_id = (SELECT oo.id FROM orders oo"
		             " WHERE oo.public_id = ? AND oo.tenant_id = ?)");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->order};
		p[n++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
	}
	if (q->customer_id) {
		buf_puts(&b, " AND s.customer_id = ?");
		p[n++] = (struct db_param){.type = DB_P_UINT, .i = (long long)q->customer_id};
	}
	if (q->status >= 0) {
		buf_puts(&b, " AND s.status = ?");
		p[n++] =
		    (struct db_param){.type = DB_P_STR, .s = subscription_status_name[q->status]};
	}
	if (q->after_id) {
		buf_puts(&b, " AND s.id < ?");
		p[n++] = (struct db_param){.type = DB_P_UINT, .i = (long long)q->after_id};
	}
	buf_puts(&b, " ORDER BY s.id DESC LIMIT ?");
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->limit};
	struct db_res r;
	enum err rc = db_exec_params(db, a, b.p, &r, p, n);
	if (rc != ERR_OK)
		return rc;
	out->rows = rows_read(a, &r, "rentals", sizeof(*out->rows), read_rental, &out->n, &rc);
	return rc;
}
