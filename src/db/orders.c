/* orders: the API's list (the customer page reads orders in db/records.c). */
#include "db/orders.h"

#include <string.h>

#include "db/row.h"
#include "db/sql.h"
#include "util/buf.h"

static void read_orders_list(struct row *w, void *elem)
{
	struct order_row *o = elem;
	o->id = row_u64(w, 0);
	o->public_id = row_text(w, 1);
	o->status = (enum order_status)row_enum(w, 2, order_status_name, ORDER_STATUS__MAX, false);
	o->total_cents = row_cents(w, 3);
	o->currency = row_text(w, 4);
	o->created_at = row_str(w, 5);
	o->customer_public_id = row_text(w, 6);
}

enum err db_orders_list(struct db *db, struct arena *a, const struct orders_query *q,
                        struct order_list *out)
{
	memset(out, 0, sizeof(*out));
	struct buf b;
	buf_init(&b, a, 512);
	buf_puts(&b, "SELECT o.id, o.public_id, o.status, o.total, o.currency, o.created_at,"
	             " c.public_id FROM orders o JOIN customers c ON c.id = o.customer_id"
	             " WHERE o.tenant_id = ?");
	struct db_param p[6];
	size_t n = 0;
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
	if (q->customer_id) {
		buf_puts(&b, " AND o.customer_id = ?");
		p[n++] = (struct db_param){.type = DB_P_UINT, .i = (long long)q->customer_id};
	}
	if (q->status >= 0) {
		buf_puts(&b, " AND o.status = ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = order_status_name[q->status]};
	}
	if (q->before_id) {
		buf_puts(&b, " AND o.id < ?");
		p[n++] = (struct db_param){.type = DB_P_UINT, .i = (long long)q->before_id};
	}
	buf_puts(&b, " ORDER BY o.id DESC LIMIT ?");
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->limit};
	struct db_res r;
	enum err rc = db_exec_params(db, a, b.p, &r, p, n);
	if (rc == ERR_OK)
		out->rows = rows_read(a, &r, "orders list", sizeof(*out->rows), read_orders_list,
		                      &out->n, &rc);
	return rc;
}
