/* assets: the API's devices (the customer page reads them in db/records.c,
 * the actions in db/actions.c). */
#include "db/assets.h"

#include <string.h>

#include "db/row.h"
#include "db/sql.h"
#include "util/buf.h"

#define ASSET_COLS                                                                                 \
	"a.serial_number, a.sku, a.product_name, a.status, a.location, a.notes, c.public_id,"      \
	" (SELECT s.public_id FROM subscriptions s WHERE s.asset_serial = a.serial_number"         \
	"   AND s.status = 'active' ORDER BY s.id DESC LIMIT 1),"                                  \
	" a.created_at, COALESCE(a.updated_at, a.created_at)"

static void read_asset(struct row *w, void *elem)
{
	struct asset_item *x = elem;
	x->serial = row_text(w, 0);
	x->sku = row_text(w, 1);
	x->product_name = row_text(w, 2);
	x->status = (enum asset_status)row_enum(w, 3, asset_status_name, ASSET_STATUS__MAX, false);
	x->location = row_str(w, 4);
	x->notes = row_str(w, 5);
	x->customer_public_id = row_str(w, 6);
	x->rental_public_id = row_str(w, 7);
	x->created_at = row_text(w, 8);
	x->updated_at = row_text(w, 9);
}

enum err db_assets_list(struct db *db, struct arena *a, const struct asset_query *q,
                        struct asset_items *out)
{
	memset(out, 0, sizeof(*out));
	if (q->limit == 0 || q->limit > 101)
		return ERR_INVALID;
	struct buf b;
	buf_init(&b, a, 1024);
	buf_puts(&b, "SELECT " ASSET_COLS " FROM assets a");
	/* The narrowest filter picks the index; each reads by serial number
	 * (one customer's devices are few: read by customer, sorted). */
	if (q->serial || q->rental)
		buf_puts(&b, " FORCE INDEX (PRIMARY)");
	else if (q->customer_id)
		buf_puts(&b, " FORCE INDEX (ix_assets_customer_status)");
	else if (q->sku)
		buf_puts(&b, " FORCE INDEX (ix_assets_tenant_sku)");
	else
		buf_puts(&b, q->status >= 0 ? " FORCE INDEX (ix_assets_tenant_status)"
		                            : " FORCE INDEX (ix_assets_tenant)");
	buf_puts(&b, " LEFT JOIN customers c ON c.id = a.customer_id WHERE a.tenant_id = ?");
	struct db_param p[10];
	size_t n = 0;
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
	if (q->serial) {
		buf_puts(&b, " AND a.serial_number = ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->serial};
	}
	if (q->rental) {
		buf_puts(&b, " AND a.serial_number = (SELECT s.asset_serial FROM subscriptions s"
		             " WHERE s.public_id = ? AND s.tenant_id = ?)");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->rental};
		p[n++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
	}
	if (q->customer_id) {
		buf_puts(&b, " AND a.customer_id = ?");
		p[n++] = (struct db_param){.type = DB_P_UINT, .i = (long long)q->customer_id};
	}
	if (q->sku) {
		buf_puts(&b, " AND a.sku = ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->sku};
	}
	if (q->status >= 0) {
		buf_puts(&b, " AND a.status = ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = asset_status_name[q->status]};
	}
	if (q->after) {
		buf_puts(&b, " AND a.serial_number > ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->after};
	}
	buf_puts(&b, " ORDER BY a.serial_number LIMIT ?");
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->limit};
	struct db_res r;
	enum err rc = db_exec_params(db, a, b.p, &r, p, n);
	if (rc != ERR_OK)
		return rc;
	out->rows = rows_read(a, &r, "assets", sizeof(*out->rows), read_asset, &out->n, &rc);
	return rc;
}
