/* orders: the API's list with its lines (the customer page reads orders in
 * db/records.c). */
#include "db/orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/row.h"
#include "db/sql.h"
#include "util/buf.h"

/* The column of each sort, and the index that reads it in order without
 * and with a status filter (named: with a LIMIT the optimizer may prefer
 * another index of the same order but without the cursor's range). */
static const struct {
	const char *col;
	const char *index[2];
} sorts[OSORT__MAX] = {
    [OSORT_CREATED] = {"o.created_at", {"ix_orders_tenant_created", "ix_orders_status_created"}},
    [OSORT_UPDATED] = {"o.updated_at", {"ix_orders_tenant_updated", "ix_orders_status_updated"}},
    [OSORT_ID] = {"o.public_id", {"ix_orders_tenant_public", "ix_orders_status_public"}},
    [OSORT_STATUS] = {"o.status", {"ix_orders_tenant_status", "ix_orders_tenant_status"}},
    [OSORT_TOTAL] = {"o.total", {"ix_orders_tenant_total", "ix_orders_status_total"}},
};

#define ADDRESS_COLS(t)                                                                            \
	t ".id, " t ".kind, " t ".contact_name, " t ".street_address, " t ".building_info, " t     \
	  ".locality, " t ".city, " t ".admin_area, " t ".postal_code, " t ".country, " t          \
	  ".company"

enum {
	OC_ID,
	OC_PUBLIC_ID,
	OC_STATUS,
	OC_TOTAL,
	OC_CURRENCY,
	OC_CREATED,
	OC_TYPE,
	OC_UPDATED,
	OC_CREATED_BY,
	OC_CUS_ID,
	OC_CUS_EMAIL,
	OC_CUS_FIRST,
	OC_CUS_LAST,
	OC_CUS_FULL,
	OC_CUS_COMPANY,
	OC_CUS_PHONE,
	OC_CUS_TYPE,
	OC_RENTALS,
	OC_BILLING, /* ADDRESS_COLS: 11 columns */
	OC_SHIPPING = OC_BILLING + 11,
};

#define ORDER_DETAIL_COLS                                                                          \
	"o.id, o.public_id, o.status, o.total, o.currency, o.created_at, o.order_type,"            \
	" o.updated_at, o.created_by, c.public_id, c.email, c.first_name, c.last_name,"            \
	" c.full_name, c.company, c.phone, c.customer_type,"                                       \
	" (SELECT GROUP_CONCAT(s.public_id ORDER BY s.id SEPARATOR ',') FROM subscriptions s"      \
	"   WHERE s.order_id = o.id), " ADDRESS_COLS("ba") ", " ADDRESS_COLS("sa")

/* Splits a GROUP_CONCAT of public ids (NULL: none) into an array. */
static const char **split_ids(struct arena *a, const char *list, size_t *n)
{
	*n = 0;
	if (list == NULL || list[0] == '\0')
		return NULL;
	size_t cap = 1;
	for (const char *p = list; *p; p++)
		cap += *p == ',';
	const char **out = arena_alloc(a, sizeof(*out) * cap);
	char *copy = arena_strdup(a, list);
	for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		out[(*n)++] = t;
	return out;
}

/* An address of the order (columns from first), when it has one. */
static bool read_address(struct row *w, size_t first, struct address_row *x)
{
	if (row_str(w, first) == NULL)
		return false;
	x->kind =
	    (enum address_kind)row_enum(w, first + 1, address_kind_name, ADDRESS_KIND__MAX, false);
	x->contact_name = row_str(w, first + 2);
	x->street = row_str(w, first + 3);
	x->building = row_str(w, first + 4);
	x->locality = row_str(w, first + 5);
	x->city = row_str(w, first + 6);
	x->admin_area = row_str(w, first + 7);
	x->postal_code = row_str(w, first + 8);
	x->country = row_str(w, first + 9);
	x->company = row_str(w, first + 10);
	return true;
}

static void read_order_detail(struct row *w, void *elem)
{
	struct order_detail *d = elem;
	d->o.id = row_u64(w, OC_ID);
	d->o.public_id = row_text(w, OC_PUBLIC_ID);
	d->o.status =
	    (enum order_status)row_enum(w, OC_STATUS, order_status_name, ORDER_STATUS__MAX, false);
	d->o.total_cents = row_cents(w, OC_TOTAL);
	d->o.currency = row_text(w, OC_CURRENCY);
	d->o.created_at = row_str(w, OC_CREATED);
	d->type = (enum order_type)row_enum(w, OC_TYPE, order_type_name, ORDER_TYPE__MAX, false);
	d->updated_at = row_str(w, OC_UPDATED);
	d->created_by = row_text(w, OC_CREATED_BY);
	d->o.customer_public_id = row_text(w, OC_CUS_ID);
	d->customer.public_id = d->o.customer_public_id;
	d->customer.email = row_text(w, OC_CUS_EMAIL);
	d->customer.first_name = row_text(w, OC_CUS_FIRST);
	d->customer.last_name = row_text(w, OC_CUS_LAST);
	d->customer.full_name = row_text(w, OC_CUS_FULL);
	d->customer.company = row_str(w, OC_CUS_COMPANY);
	d->customer.phone = row_str(w, OC_CUS_PHONE);
	d->customer.type = (enum customer_type)row_enum(w, OC_CUS_TYPE, customer_type_name,
	                                                CUSTOMER_TYPE__MAX, false);
	d->has_billing = read_address(w, OC_BILLING, &d->billing);
	d->has_shipping = read_address(w, OC_SHIPPING, &d->shipping);
}

const char *order_sort_key(struct arena *a, const struct order_detail *d, enum order_sort s)
{
	switch (s) {
	case OSORT_CREATED: return d->o.created_at ? d->o.created_at : "";
	case OSORT_UPDATED: return d->updated_at ? d->updated_at : "";
	case OSORT_ID: return d->o.public_id;
	/* the ENUM's index, as MariaDB sorts and compares it with a number */
	case OSORT_STATUS: return arena_printf(a, "%d", (int)d->o.status + 1);
	case OSORT_TOTAL: return arena_printf(a, "%lld", (long long)d->o.total_cents);
	case OSORT__MAX: break;
	}
	return "";
}

/* The cursor's key as a parameter of the sort's comparison. */
static bool key_param(const struct orders_query *q, struct db_param *p)
{
	if (q->sort == OSORT_STATUS || q->sort == OSORT_TOTAL) {
		char *end;
		long long v = strtoll(q->after_key, &end, 10);
		if (end == q->after_key || *end != '\0' || v < 0)
			return false;
		*p = (struct db_param){.type = DB_P_INT, .i = v};
		return true;
	}
	*p = (struct db_param){.type = DB_P_STR, .s = q->after_key};
	return true;
}

enum err db_orders_list(struct db *db, struct arena *a, const struct orders_query *q,
                        struct order_detail_list *out)
{
	memset(out, 0, sizeof(*out));
	if (q->limit > ORDERS_ITEMS_MAX || q->sort >= OSORT__MAX)
		return ERR_INVALID;
	struct buf b;
	buf_init(&b, a, 2048);
	buf_puts(&b, "SELECT " ORDER_DETAIL_COLS " FROM orders o");
	/* One order by its id; one customer's orders are few: read them by
	 * customer, sort them. */
	if (q->public_id)
		buf_puts(&b, " FORCE INDEX (ux_orders_public_id)");
	else if (q->customer_id)
		buf_puts(&b, q->status >= 0 ? " FORCE INDEX (ix_orders_customer_status)"
		                            : " FORCE INDEX (ix_orders_customer)");
	else
		buf_printf(&b, " FORCE INDEX (%s)", sorts[q->sort].index[q->status >= 0]);
	buf_puts(&b, " JOIN customers c ON c.id = o.customer_id"
	             " LEFT JOIN addresses ba ON ba.id = o.billing_address_id"
	             " LEFT JOIN addresses sa ON sa.id = o.shipping_address_id"
	             " WHERE o.tenant_id = ?");
	struct db_param p[9];
	size_t n = 0;
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
	if (q->public_id) {
		buf_puts(&b, " AND o.public_id = ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = q->public_id};
	}
	if (q->customer_id) {
		buf_puts(&b, " AND o.customer_id = ?");
		p[n++] = (struct db_param){.type = DB_P_UINT, .i = (long long)q->customer_id};
	}
	if (q->status >= 0) {
		buf_puts(&b, " AND o.status = ?");
		p[n++] = (struct db_param){.type = DB_P_STR, .s = order_status_name[q->status]};
	}
	const char *col = sorts[q->sort].col;
	const char *cmp = q->desc ? "<" : ">";
	if (q->after) {
		struct db_param key;
		if (q->after_key == NULL || !key_param(q, &key))
			return ERR_INVALID;
		/* totals.total: the key is cents; "? / 100" is an exact DECIMAL */
		const char *k = q->sort == OSORT_TOTAL ? "? / 100" : "?";
		buf_printf(&b, " AND (%s %s %s OR (%s = %s AND o.id %s ?))", col, cmp, k, col, k,
		           cmp);
		p[n++] = key;
		p[n++] = key;
		p[n++] = (struct db_param){.type = DB_P_UINT, .i = (long long)q->after_id};
	}
	const char *dir = q->desc ? "DESC" : "ASC";
	buf_printf(&b, " ORDER BY %s %s, o.id %s LIMIT ?", col, dir, dir);
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->limit};
	struct db_res r;
	enum err rc = db_exec_params(db, a, b.p, &r, p, n);
	if (rc != ERR_OK)
		return rc;
	out->rows =
	    rows_read(a, &r, "orders list", sizeof(*out->rows), read_order_detail, &out->n, &rc);
	if (rc != ERR_OK || out->n == 0)
		return rc;
	for (size_t i = 0; i < out->n; i++) {
		struct row w = row_at(&r, i, "orders list");
		struct order_detail *d = &out->rows[i];
		d->rental_ids = split_ids(a, row_str(&w, OC_RENTALS), &d->nrentals);
	}

	uint64_t ids[ORDERS_ITEMS_MAX];
	for (size_t i = 0; i < out->n; i++)
		ids[i] = out->rows[i].o.id;
	struct order_item_row *items;
	size_t nitems;
	if ((rc = db_order_items(db, a, q->tenant, ids, out->n, &items, &nitems)) != ERR_OK)
		return rc;
	/* Both lists are sorted by order id within the page's order: hand each
	 * order the run of its lines. */
	for (size_t i = 0; i < out->n; i++) {
		struct order_detail *d = &out->rows[i];
		for (size_t j = 0; j < nitems; j++) {
			if (items[j].order_id != d->o.id)
				continue;
			if (d->o.items == NULL)
				d->o.items = &items[j];
			d->o.nitems++;
			if (items[j].kind == ITEM_DEVICE)
				d->devices += items[j].quantity;
		}
	}
	return ERR_OK;
}

static void read_item(struct row *w, void *elem)
{
	struct order_item_row *it = elem;
	it->order_id = row_u64(w, 0);
	it->id = row_u64(w, 1);
	it->kind = (enum item_kind)row_enum(w, 2, item_kind_name, ITEM_KIND__MAX, false);
	it->sku = row_text(w, 3);
	it->product_name = row_text(w, 4);
	it->quantity = row_i64(w, 5);
	it->unit_cents = row_cents(w, 6);
	it->contract_months = row_i64(w, 7);
}

enum err db_order_items(struct db *db, struct arena *a, unsigned tenant, const uint64_t *ids,
                        size_t n, struct order_item_row **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	if (n == 0)
		return ERR_OK;
	if (n > ORDERS_ITEMS_MAX)
		return ERR_INVALID;
	/* Always ORDERS_ITEMS_MAX placeholders (the rest repeat the first id),
	 * so that every page uses the same prepared statement. */
	struct buf b;
	buf_init(&b, a, 1024);
	buf_puts(&b, "SELECT i.order_id, i.id, i.kind, i.sku, i.product_name, i.quantity,"
	             " i.unit_price, i.contract_length,"
	             " (SELECT GROUP_CONCAT(s.public_id ORDER BY s.id SEPARATOR ',')"
	             "    FROM subscriptions s WHERE s.order_item_id = i.id)"
	             " FROM order_items i WHERE i.tenant_id = ? AND i.order_id IN (?");
	for (size_t i = 1; i < ORDERS_ITEMS_MAX; i++)
		buf_puts(&b, ", ?");
	buf_puts(&b, ") ORDER BY i.order_id, i.id");
	struct db_param p[ORDERS_ITEMS_MAX + 1];
	p[0] = (struct db_param){.type = DB_P_INT, .i = tenant};
	for (size_t i = 0; i < ORDERS_ITEMS_MAX; i++)
		p[1 + i] = (struct db_param){.type = DB_P_UINT, .i = (long long)ids[i < n ? i : 0]};
	struct db_res r;
	enum err rc = db_exec_params(db, a, b.p, &r, p, ORDERS_ITEMS_MAX + 1);
	if (rc != ERR_OK)
		return rc;
	*out = rows_read(a, &r, "order items", sizeof(**out), read_item, nout, &rc);
	for (size_t i = 0; rc == ERR_OK && i < *nout; i++) {
		struct row w = row_at(&r, i, "order items");
		(*out)[i].rental_ids = split_ids(a, row_str(&w, 8), &(*out)[i].nrentals);
	}
	return rc;
}
