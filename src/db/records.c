/* A customer's orders, subscriptions, devices, payments, audit rows and
 * notes: the blocking records and the customer page's history sections. */
#include "db/records.h"

#include <stdlib.h>
#include <string.h>

#include "db/audit.h"
#include "db/row.h"
#include "db/sql.h"

const char *const channel_name[CHANNEL__MAX] = {"page", "bulk", "api"};

#define SUB_COLS                                                                                   \
	"s.id, s.public_id, s.status, s.monthly_amount, s.start_date, s.end_date,"                 \
	" s.asset_serial, (SELECT o.public_id FROM orders o WHERE o.id = s.order_id)"
#define ORDER_COLS "o.id, o.public_id, o.status, o.total, o.currency, o.created_at"
#define ASSET_COLS                                                                                 \
	"a.serial_number, a.product_name, a.sku, a.acquisition_cost, a.return_expected_at"

/* The tag of each kind of row in the union statements below. */
enum { B_SUBSCRIPTION = 1, B_ORDER, B_DEVICE }; /* STMT_BLOCKERS */
enum {
	S_ORDER = 1,
	S_SUBSCRIPTION,
	S_DEVICE,
	S_PAYMENT,
	S_AUDIT,
	S_ADDRESS,
	S_NOTE,
	S_ITEM
}; /* STMT_SECTIONS */

const struct stmt_sql db_sql_records[] = {
    /* The three prerequisites in one statement (customer id three times):
     * tag, then the row's columns. */
    {STMT_BLOCKERS, "SELECT 1, " SUB_COLS " FROM subscriptions s"
                    " WHERE s.customer_id = ? AND s." BLOCKING_SUBSCRIPTION
                    " UNION ALL SELECT 2, " ORDER_COLS ", NULL, NULL FROM orders o"
                    " WHERE o.customer_id = ? AND o." BLOCKING_ORDER
                    " UNION ALL SELECT 3, 0, " ASSET_COLS ", NULL, NULL FROM assets a"
                    " WHERE a.customer_id = ? AND a." BLOCKING_ASSET},
    /* The same, each locking what it reads, inside the lifecycle
     * transaction (after the customer row is locked). */
    {STMT_SUBS_ACTIVE_LOCK,
     "SELECT " SUB_COLS " FROM subscriptions s"
     " WHERE s.customer_id = ? AND s." BLOCKING_SUBSCRIPTION " ORDER BY s.id LOCK IN SHARE MODE"},
    {STMT_ORDERS_IN_FLIGHT_LOCK,
     "SELECT " ORDER_COLS " FROM orders o"
     " WHERE o.customer_id = ? AND o." BLOCKING_ORDER " ORDER BY o.id LOCK IN SHARE MODE"},
    {STMT_ASSETS_OUT_LOCK, "SELECT " ASSET_COLS " FROM assets a"
                           " WHERE a.customer_id = ? AND a." BLOCKING_ASSET
                           " ORDER BY a.serial_number LOCK IN SHARE MODE"},
    /* The seven history sections of the customer page in one statement:
     * each (customer, before id, limit), newest first, then the lines of
     * the orders shown (the orders' customer, before id and limit again).
     * Columns: tag, id, then eleven columns whose meaning depends on the
     * tag (the audit rows' last is an edit's changes, JSON). */
    {STMT_SECTIONS,
     "(SELECT 1 AS k, o.id, o.public_id, o.status, o.total, o.currency, o.created_at,"
     "        NULL, NULL, NULL, NULL, NULL, NULL"
     "   FROM orders o WHERE o.customer_id = ? AND o.id < ? ORDER BY o.id DESC LIMIT ?)"
     " UNION ALL"
     " (SELECT 2, s.id, s.public_id, s.status, s.monthly_amount, s.start_date, s.end_date,"
     "        s.asset_serial, (SELECT o.public_id FROM orders o WHERE o.id = s.order_id),"
     "        NULL, NULL, NULL, NULL"
     "   FROM subscriptions s WHERE s.customer_id = ? AND s.id < ?"
     "  ORDER BY s.id DESC LIMIT ?)"
     " UNION ALL"
     " (SELECT 3, s.id, a.serial_number, a.status, a.acquisition_cost, a.product_name, a.sku,"
     "        s.public_id, a.customer_id <=> s.customer_id, NULL, NULL, NULL, NULL"
     "   FROM subscriptions s JOIN assets a ON a.serial_number = s.asset_serial"
     "  WHERE s.customer_id = ? AND s.id < ? ORDER BY s.id DESC LIMIT ?)"
     " UNION ALL"
     " (SELECT 4, p.id, p.public_id, p.status, p.amount, p.currency, p.created_at, p.paid_at,"
     "        s.public_id, NULL, NULL, NULL, NULL"
     "   FROM payments p LEFT JOIN subscriptions s ON s.id = p.subscription_id"
     "  WHERE p.customer_id = ? AND p.id < ? ORDER BY p.id DESC LIMIT ?)"
     " UNION ALL"
     " (SELECT 5, l.id, l.at, l.actor, l.subject, l.action, l.channel, l.reason, l.note,"
     "        l.outcome, l.request_id, l.bulk_run_id, l.changes"
     "   FROM audit_log l WHERE l.customer_id = ? AND l.id < ? ORDER BY l.id DESC LIMIT ?)"
     " UNION ALL"
     " (SELECT 6, a.id, a.kind, a.contact_name, a.street_address, a.building_info,"
     "        a.locality, a.city, a.admin_area, a.postal_code, a.country, a.company, NULL"
     "   FROM addresses a WHERE a.customer_id = ? ORDER BY a.kind, a.id DESC LIMIT 20)"
     " UNION ALL"
     " (SELECT 7, n.id, n.noted_on, n.kind, n.summary, n.follow_up, n.created_at, n.created_by,"
     "        NULL, NULL, NULL, NULL, NULL"
     "   FROM customer_notes n WHERE n.customer_id = ? AND n.id < ? ORDER BY n.id DESC LIMIT ?)"
     " UNION ALL"
     " (SELECT 8, i.id, i.order_id, i.kind, i.sku, i.product_name, i.quantity, i.unit_price,"
     "        i.contract_length, NULL, NULL, NULL, NULL"
     "   FROM (SELECT o.id FROM orders o WHERE o.customer_id = ? AND o.id < ?"
     "          ORDER BY o.id DESC LIMIT ?) x JOIN order_items i ON i.order_id = x.id)"},
};
const size_t db_sql_records_n = sizeof(db_sql_records) / sizeof(db_sql_records[0]);

/* Readers of the columns from first on (first = the id). */
static void read_subscription(struct row *w, size_t first, struct subscription_row *s)
{
	s->id = row_u64(w, first);
	s->public_id = row_text(w, first + 1);
	s->status = (enum subscription_status)row_enum(w, first + 2, subscription_status_name,
	                                               SUB_STATUS__MAX, false);
	s->monthly_cents = row_cents(w, first + 3);
	s->start_date = row_str(w, first + 4);
	s->end_date = row_str(w, first + 5);
	s->asset_serial = row_str(w, first + 6);
	s->order_public_id = row_str(w, first + 7);
}

static void read_order(struct row *w, size_t first, struct order_row *o)
{
	o->id = row_u64(w, first);
	o->public_id = row_text(w, first + 1);
	o->status =
	    (enum order_status)row_enum(w, first + 2, order_status_name, ORDER_STATUS__MAX, false);
	o->total_cents = row_cents(w, first + 3);
	o->currency = row_text(w, first + 4);
	o->created_at = row_str(w, first + 5);
}

static void read_asset(struct row *w, size_t first, struct asset_row *d)
{
	d->serial = row_text(w, first);
	d->product = row_text(w, first + 1);
	d->sku = row_text(w, first + 2);
	d->cost_cents = row_cents(w, first + 3);
	d->return_expected_at = row_str(w, first + 4);
}

/* The blockers' order: oldest first, devices by serial. */
static int oldest_first(uint64_t x, uint64_t y)
{
	return x < y ? -1 : x > y;
}
static int cmp_sub_oldest(const void *x, const void *y)
{
	return oldest_first(((const struct subscription_row *)x)->id,
	                    ((const struct subscription_row *)y)->id);
}
static int cmp_order_oldest(const void *x, const void *y)
{
	return oldest_first(((const struct order_row *)x)->id, ((const struct order_row *)y)->id);
}
static int cmp_asset_serial(const void *x, const void *y)
{
	return strcmp(((const struct asset_row *)x)->serial, ((const struct asset_row *)y)->serial);
}

/* Room for every row of r in each list (the lists share the result). */
#define ALLOC_ROWS(a, list, n) ((list).rows = arena_calloc((a), (n) + 1, sizeof(*(list).rows)))

enum err db_blockers(struct db *db, struct arena *a, uint64_t customer_id, bool lock,
                     struct blockers *out)
{
	memset(out, 0, sizeof(*out));
	unsigned long long c = customer_id;
	struct db_res r;
	enum err rc;
	if (lock) {
		struct db_res s, o, d;
		if ((rc = db_exec(db, a, STMT_SUBS_ACTIVE_LOCK, &s, "u", c)) ||
		    (rc = db_exec(db, a, STMT_ORDERS_IN_FLIGHT_LOCK, &o, "u", c)) ||
		    (rc = db_exec(db, a, STMT_ASSETS_OUT_LOCK, &d, "u", c)))
			return rc;
		ALLOC_ROWS(a, out->subscriptions, s.nrows);
		ALLOC_ROWS(a, out->orders, o.nrows);
		ALLOC_ROWS(a, out->devices, d.nrows);
		bool bad = false;
		for (size_t i = 0; i < s.nrows; i++) {
			struct row w = row_at(&s, i, "active subscriptions");
			read_subscription(&w, 0, &out->subscriptions.rows[out->subscriptions.n++]);
			bad |= w.bad;
		}
		for (size_t i = 0; i < o.nrows; i++) {
			struct row w = row_at(&o, i, "orders in flight");
			read_order(&w, 0, &out->orders.rows[out->orders.n++]);
			bad |= w.bad;
		}
		for (size_t i = 0; i < d.nrows; i++) {
			struct row w = row_at(&d, i, "devices out");
			read_asset(&w, 0, &out->devices.rows[out->devices.n++]);
			bad |= w.bad;
		}
		return bad ? ERR_INTERNAL : ERR_OK;
	}
	if ((rc = db_exec(db, a, STMT_BLOCKERS, &r, "uuu", c, c, c)))
		return rc;
	ALLOC_ROWS(a, out->subscriptions, r.nrows);
	ALLOC_ROWS(a, out->orders, r.nrows);
	ALLOC_ROWS(a, out->devices, r.nrows);
	for (size_t i = 0; i < r.nrows; i++) {
		struct row w = row_at(&r, i, "blockers");
		switch (row_i64(&w, 0)) {
		case B_SUBSCRIPTION:
			read_subscription(&w, 1, &out->subscriptions.rows[out->subscriptions.n++]);
			break;
		case B_ORDER: read_order(&w, 1, &out->orders.rows[out->orders.n++]); break;
		case B_DEVICE: read_asset(&w, 2, &out->devices.rows[out->devices.n++]); break;
		default: w.bad = true;
		}
		if (w.bad)
			return ERR_INTERNAL;
	}
	qsort(out->subscriptions.rows, out->subscriptions.n, sizeof(*out->subscriptions.rows),
	      cmp_sub_oldest);
	qsort(out->orders.rows, out->orders.n, sizeof(*out->orders.rows), cmp_order_oldest);
	qsort(out->devices.rows, out->devices.n, sizeof(*out->devices.rows), cmp_asset_serial);
	return ERR_OK;
}

static int newest_first(uint64_t x, uint64_t y)
{
	return x < y ? 1 : x > y ? -1 : 0;
}
static int cmp_order(const void *x, const void *y)
{
	return newest_first(((const struct order_row *)x)->id, ((const struct order_row *)y)->id);
}
/* Lines by order, then in the order they were added. */
static int cmp_item(const void *x, const void *y)
{
	const struct order_item_row *p = x, *q = y;
	if (p->order_id != q->order_id)
		return p->order_id < q->order_id ? -1 : 1;
	return p->id < q->id ? -1 : p->id > q->id;
}

/* Hands each order the run of its lines (items sorted by cmp_item). */
static void attach_items(struct order_list *orders, struct order_item_row *items, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && items[j].order_id == items[i].order_id)
			j++;
		for (size_t k = 0; k < orders->n; k++)
			if (orders->rows[k].id == items[i].order_id) {
				orders->rows[k].items = &items[i];
				orders->rows[k].nitems = j - i;
			}
		i = j;
	}
}

static int cmp_sub(const void *x, const void *y)
{
	return newest_first(((const struct subscription_row *)x)->id,
	                    ((const struct subscription_row *)y)->id);
}
static int cmp_device(const void *x, const void *y)
{
	return newest_first(((const struct device_row *)x)->subscription_id,
	                    ((const struct device_row *)y)->subscription_id);
}
static int cmp_payment(const void *x, const void *y)
{
	return newest_first(((const struct payment_row *)x)->id,
	                    ((const struct payment_row *)y)->id);
}
static int cmp_audit(const void *x, const void *y)
{
	return newest_first(((const struct audit_row *)x)->id, ((const struct audit_row *)y)->id);
}
static int cmp_note(const void *x, const void *y)
{
	return newest_first(((const struct note_row *)x)->id, ((const struct note_row *)y)->id);
}

enum err db_sections(struct db *db, struct arena *a, uint64_t customer_id,
                     const int64_t before[SEC__MAX], unsigned limit, struct sections *out)
{
	memset(out, 0, sizeof(*out));
	unsigned long long c = customer_id;
	long long l = limit;
	struct db_res r;
	enum err rc = db_exec(
	    db, a, STMT_SECTIONS, &r, "uiiuiiuiiuiiuiiuuiiuii", c, (long long)before[SEC_ORDERS], l,
	    c, (long long)before[SEC_SUBSCRIPTIONS], l, c, (long long)before[SEC_DEVICES], l, c,
	    (long long)before[SEC_PAYMENTS], l, c, (long long)before[SEC_AUDIT], l, c, c,
	    (long long)before[SEC_NOTES], l, c, (long long)before[SEC_ORDERS], l);
	if (rc != ERR_OK)
		return rc;
	ALLOC_ROWS(a, out->orders, r.nrows);
	ALLOC_ROWS(a, out->subscriptions, r.nrows);
	ALLOC_ROWS(a, out->devices, r.nrows);
	ALLOC_ROWS(a, out->payments, r.nrows);
	ALLOC_ROWS(a, out->audit, r.nrows);
	ALLOC_ROWS(a, out->notes, r.nrows);
	struct order_item_row *items = arena_calloc(a, r.nrows + 1, sizeof(*items));
	size_t nitems = 0;
	uint64_t newest[ADDRESS_KIND__MAX] = {0};
	for (size_t i = 0; i < r.nrows; i++) {
		struct row w = row_at(&r, i, "sections");
		switch (row_i64(&w, 0)) {
		case S_ADDRESS: {
			bool bad = false;
			db_addresses_take(&r, i, 1, &out->addresses, newest, &bad);
			w.bad = bad;
			break;
		}
		case S_ORDER: read_order(&w, 1, &out->orders.rows[out->orders.n++]); break;
		case S_SUBSCRIPTION:
			read_subscription(&w, 1, &out->subscriptions.rows[out->subscriptions.n++]);
			break;
		case S_ITEM: {
			struct order_item_row *it = &items[nitems++];
			it->id = row_u64(&w, 1);
			it->order_id = row_u64(&w, 2);
			it->kind =
			    (enum item_kind)row_enum(&w, 3, item_kind_name, ITEM_KIND__MAX, false);
			it->sku = row_text(&w, 4);
			it->product_name = row_text(&w, 5);
			it->quantity = row_i64(&w, 6);
			it->unit_cents = row_cents(&w, 7);
			it->contract_months = row_i64(&w, 8);
			break;
		}
		case S_DEVICE: {
			struct device_row *d = &out->devices.rows[out->devices.n++];
			d->subscription_id = row_u64(&w, 1);
			d->serial = row_text(&w, 2);
			d->status = (enum asset_status)row_enum(&w, 3, asset_status_name,
			                                        ASSET_STATUS__MAX, false);
			d->cost_cents = row_cents(&w, 4);
			d->product = row_text(&w, 5);
			d->sku = row_text(&w, 6);
			d->subscription_public_id = row_text(&w, 7);
			d->with_customer = row_bool(&w, 8);
			break;
		}
		case S_PAYMENT: {
			struct payment_row *p = &out->payments.rows[out->payments.n++];
			p->id = row_u64(&w, 1);
			p->public_id = row_text(&w, 2);
			p->status = (enum payment_status)row_enum(&w, 3, payment_status_name,
			                                          PAYMENT_STATUS__MAX, false);
			p->amount_cents = row_cents(&w, 4);
			p->currency = row_text(&w, 5);
			p->created_at = row_str(&w, 6);
			p->paid_at = row_str(&w, 7);
			p->subscription_public_id = row_str(&w, 8);
			break;
		}
		case S_AUDIT: {
			struct audit_row *x = &out->audit.rows[out->audit.n++];
			x->id = row_u64(&w, 1);
			x->at = row_text(&w, 2);
			x->actor = row_text(&w, 3);
			x->subject = row_text(&w, 4);
			x->action = row_text(&w, 5);
			x->channel =
			    (enum channel)row_enum(&w, 6, channel_name, CHANNEL__MAX, false);
			x->reason = row_enum(&w, 7, reason_code, REASON__MAX, true);
			x->note = row_str(&w, 8);
			x->outcome = row_text(&w, 9);
			x->ok = strcmp(x->outcome, "ok") == 0;
			x->request_id = row_str(&w, 10);
			x->bulk_run_id = row_u64(&w, 11);
			if (!db_audit_changes_take(a, row_str(&w, 12), x))
				w.bad = true;
			break;
		}
		case S_NOTE: {
			struct note_row *n = &out->notes.rows[out->notes.n++];
			n->id = row_u64(&w, 1);
			n->noted_on = row_text(&w, 2);
			n->kind =
			    (enum note_kind)row_enum(&w, 3, note_kind_name, NOTE_KIND__MAX, false);
			n->summary = row_text(&w, 4);
			n->follow_up = row_str(&w, 5);
			n->created_at = row_text(&w, 6);
			n->created_by = row_text(&w, 7);
			break;
		}
		default: w.bad = true;
		}
		if (w.bad)
			return ERR_INTERNAL;
	}
	qsort(out->orders.rows, out->orders.n, sizeof(*out->orders.rows), cmp_order);
	qsort(items, nitems, sizeof(*items), cmp_item);
	attach_items(&out->orders, items, nitems);
	qsort(out->subscriptions.rows, out->subscriptions.n, sizeof(*out->subscriptions.rows),
	      cmp_sub);
	qsort(out->devices.rows, out->devices.n, sizeof(*out->devices.rows), cmp_device);
	qsort(out->payments.rows, out->payments.n, sizeof(*out->payments.rows), cmp_payment);
	qsort(out->audit.rows, out->audit.n, sizeof(*out->audit.rows), cmp_audit);
	qsort(out->notes.rows, out->notes.n, sizeof(*out->notes.rows), cmp_note);
	return ERR_OK;
}
