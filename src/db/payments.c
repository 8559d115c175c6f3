/* payments: the API's list (the customer page reads them in db/records.c). */
#include "db/payments.h"

#include <string.h>

#include "db/row.h"
#include "db/sql.h"
#include "util/buf.h"

#define PAYMENT_COLS                                                                               \
	"p.id, p.public_id, c.public_id, s.public_id, p.amount, p.currency, p.status,"             \
	" DATE(p.created_at), p.paid_at, p.created_at,"                                            \
	" GREATEST(p.created_at, COALESCE(p.paid_at, p.created_at),"                               \
	"          COALESCE(p.cancelled_at, p.created_at))"

static void read_payment(struct row *w, void *elem)
{
	struct payment_item *x = elem;
	x->id = row_u64(w, 0);
	x->public_id = row_text(w, 1);
	x->customer_public_id = row_text(w, 2);
	x->rental_public_id = row_str(w, 3);
	x->amount_cents = row_cents(w, 4);
	x->currency = row_text(w, 5);
	x->status =
	    (enum payment_status)row_enum(w, 6, payment_status_name, PAYMENT_STATUS__MAX, false);
	x->due_date = row_text(w, 7);
	x->paid_at = row_str(w, 8);
	x->created_at = row_text(w, 9);
	x->updated_at = row_text(w, 10);
}

enum err db_payments_list(struct db *db, struct arena *a, const struct payment_query *q,
                          struct payment_items *out)
{
	memset(out, 0, sizeof(*out));
	if (q->limit == 0 || q->limit > 101)
		return ERR_INVALID;
	struct buf b;
	buf_init(&b, a, 1024);
	buf_puts(&b, "SELECT " PAYMENT_COLS " FROM payments p");
	/* The narrowest filter picks the index; each reads newest first. */
	if (q->public_id)
		buf_puts(&b, " FORCE INDEX (ux_payments_public_id)");
	else if (q->rental)
		buf_puts(&b, " FORCE INDEX (ix_payments_subscription)");
	else if (q->customer_id)
		buf_puts(&b, q->status >= 0 ? " FORCE INDEX (ix_payments_customer_status)"
		                            : " FORCE INDEX (ix_payments_customer)");
	else
		buf_puts(&b, q->status >= 0 ? " FORCE INDEX (ix_payments_tenant_status)"
		                            : " FORCE INDEX (ix_payments_tenant)");
	buf_puts(&b, " JOIN customers c ON c.id = p.customer_id"
	             " LEFT JOIN subscriptions s ON s.id = p.subscription_id"
	             " WHERE p.tenant_id = ?");
	struct db_param p[10];
	size_t n = 0;
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
	if (q->public_id) {
		buf_puts(&b, " AND p.public_id = ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->public_id};
	}
	if (q->rental) {
		buf_puts(&b, " AND p.subscription_id = (SELECT ss.id FROM subscriptions ss"
		             " WHERE ss.public_id = ? AND ss.tenant_id = ?)");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->rental};
		p[n++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
	}
	if (q->customer_id) {
		buf_puts(&b, " AND p.customer_id = ?");
		p[n++] = (struct db_param){.type = DB_P_UINT, .i = (long long)q->customer_id};
	}
	if (q->status >= 0) {
		buf_puts(&b, " AND p.status = ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = payment_status_name[q->status]};
	}
	/* due = the day it was raised: whole days, so the bounds are inclusive */
	if (q->due_from) {
		buf_puts(&b, " AND p.created_at >= ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->due_from};
	}
	if (q->due_to) {
		buf_puts(&b, " AND p.created_at < ? + INTERVAL 1 DAY");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->due_to};
	}
	if (q->after_id) {
		buf_puts(&b, " AND p.id < ?");
		p[n++] = (struct db_param){.type = DB_P_UINT, .i = (long long)q->after_id};
	}
	buf_puts(&b, " ORDER BY p.id DESC LIMIT ?");
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->limit};
	struct db_res r;
	enum err rc = db_exec_params(db, a, b.p, &r, p, n);
	if (rc != ERR_OK)
		return rc;
	out->rows = rows_read(a, &r, "payments", sizeof(*out->rows), read_payment, &out->n, &rc);
	return rc;
}
