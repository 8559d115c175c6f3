/* GET /, GET /customers, GET /customers/{id} */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/customers.h"
#include "db/sql.h"
#include "http/error.h"
#include "http/kv.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/buf.h"
#include "util/cursor.h"
#include "util/fmt.h"

#define PAGE_SIZE    50
#define SECTION_SIZE 10

void page_root(struct req *r)
{
	resp_redirect(r, "/customers");
}

/* ---- the list --------------------------------------------------------- */

static const char *const sort_names[CSORT__MAX] = {
    [CSORT_CREATED] = "createdAt", [CSORT_NAME] = "name",       [CSORT_EMAIL] = "email",
    [CSORT_MRR] = "mrr",           [CSORT_DEVICES] = "devices", [CSORT_FIRST] = "firstName",
};
static const char *const sort_labels[CSORT__MAX] = {
    [CSORT_CREATED] = "Created", [CSORT_NAME] = "Name",       [CSORT_EMAIL] = "E-mail",
    [CSORT_MRR] = "MRR",         [CSORT_DEVICES] = "Devices", [CSORT_FIRST] = "First name",
};

struct list_params {
	const char *q;
	const char *status; /* "active", "inactive", "all" */
	const char *type;   /* "individual", "business", "all" */
	enum customer_sort sort;
	bool desc;
};

/* "/customers?q=..&status=.." for these parameters with overrides. */
static char *list_url(struct arena *a, const struct list_params *p, const char *status, int sort,
                      int desc, const char *after)
{
	struct buf b;
	buf_init(&b, a, 256);
	buf_puts(&b, "/customers?");
	if (p->q && p->q[0])
		buf_printf(&b, "q=%s&", url_encode(a, p->q));
	buf_printf(&b, "status=%s", status ? status : p->status);
	if (strcmp(p->type, "all") != 0)
		buf_printf(&b, "&type=%s", p->type);
	int s = sort >= 0 ? sort : (int)p->sort;
	int d = desc >= 0 ? desc : p->desc;
	buf_printf(&b, "&sort=%s&dir=%s", sort_names[s], d ? "desc" : "asc");
	if (after)
		buf_printf(&b, "&after=%s", after);
	return b.p;
}

static const char *cursor_scope(struct arena *a, enum customer_sort s, bool desc)
{
	return arena_printf(a, "customers:%s:%s", sort_names[s], desc ? "desc" : "asc");
}

static void fill_counts(struct req *r, struct tmpl_dict *d, const struct list_params *p)
{
	struct db_res c;
	if (db_exec(r->app->db, r->arena, STMT_CUSTOMER_COUNTS, &c, "i",
	            (long long)r->user.tenant) != ERR_OK)
		return;
	long long active = 0, inactive = 0;
	for (size_t i = 0; i < c.nrows; i++) {
		if (strcmp(p->type, "all") != 0 && strcmp(DB_V(&c, i, CC_TYPE), p->type) != 0)
			continue;
		long long n = atoll(DB_V(&c, i, CC_N));
		if (strcmp(DB_V(&c, i, CC_STATUS), "active") == 0)
			active += n;
		else
			inactive += n;
	}
	static const char *const tabs[] = {"active", "inactive", "all"};
	static const char *const labels[] = {"Active", "Inactive", "All"};
	long long counts[] = {active, inactive, active + inactive};
	for (int i = 0; i < 3; i++) {
		struct tmpl_dict *t = tmpl_add(d, "STATUS_TAB");
		tmpl_set(t, "TAB_LABEL", labels[i]);
		tmpl_set(t, "TAB_COUNT", fmt_count(r->arena, counts[i]));
		tmpl_set(t, "TAB_URL", list_url(r->arena, p, tabs[i], -1, -1, NULL));
		if (strcmp(p->status, tabs[i]) == 0)
			tmpl_show(t, "TAB_CURRENT");
	}
	long long total = strcmp(p->status, "active") == 0     ? active
	                  : strcmp(p->status, "inactive") == 0 ? inactive
	                                                       : active + inactive;
	if (p->q == NULL || p->q[0] == '\0')
		tmpl_set(d, "RESULT_COUNT", fmt_count(r->arena, total));
}

void page_customers(struct req *r)
{
	struct arena *a = r->arena;
	struct list_params p = {
	    .q = req_str(r, KEY_Q),
	    .status = req_str(r, KEY_STATUS) ? req_str(r, KEY_STATUS) : "active",
	    .type = req_str(r, KEY_TYPE) ? req_str(r, KEY_TYPE) : "all",
	    .sort = (enum customer_sort)req_int(r, KEY_SORT, CSORT_CREATED),
	    .desc = req_str(r, KEY_DIR) ? strcmp(req_str(r, KEY_DIR), "desc") == 0
	                                : req_str(r, KEY_SORT) == NULL,
	};
	if (p.q && p.q[0] == '\0')
		p.q = NULL;
	if (req_int(r, KEY_STATUS, 0) > 2) {
		http_error(r, 400, "INVALID_PARAMETER", "status: must be active, inactive or all.");
		return;
	}
	struct customer_query q = {
	    .tenant = r->user.tenant,
	    .status = strcmp(p.status, "all") == 0 ? NULL : p.status,
	    .type = strcmp(p.type, "all") == 0 ? NULL : p.type,
	    .has_rentals = -1,
	    .search = p.q ? CSEARCH_PREFIX : CSEARCH_NONE,
	    .term = p.q,
	    .sort = p.sort,
	    .desc = p.desc,
	    .limit = PAGE_SIZE + 1,
	};
	const char *after = req_str(r, KEY_AFTER);
	const struct config *cfg = &r->app->cfg;
	if (after != NULL) {
		char *key;
		uint64_t id;
		if (cursor_decode(a, cfg->secret, cfg->secretlen, cursor_scope(a, p.sort, p.desc),
		                  after, &key, &id) != 0) {
			http_error(r, 400, "INVALID_CURSOR",
			           "after: this page link is invalid or was made for another sort "
			           "order. Start again from the first page.");
			return;
		}
		q.after = true;
		q.after_key = key;
		q.after_id = id;
	}
	/* A search's first page counts its matches in the same statement. */
	q.with_total = q.search != CSEARCH_NONE && !q.after;
	struct db_res rows;
	enum err rc = db_customer_list(r->app->db, a, &q, &rows);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}

	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, "Customers", "customers.tpl", NAV_CUSTOMERS);
	tmpl_set(d, "Q", p.q);
	tmpl_set(d, "STATUS_VALUE", p.status);
	static const char *const types[] = {"all", "individual", "business"};
	static const char *const type_labels[] = {"All types", "Individuals", "Businesses"};
	fill_options(d, "TYPE_OPTION", types, type_labels, 3, p.type);
	static const char *const statuses[] = {"active", "inactive", "all"};
	static const char *const status_labels[] = {"Active", "Inactive", "All statuses"};
	fill_options(d, "STATUS_OPTION", statuses, status_labels, 3, p.status);
	tmpl_set(d, "SORT_VALUE", sort_names[p.sort]);
	tmpl_set(d, "DIR_VALUE", p.desc ? "desc" : "asc");
	fill_counts(r, d, &p);

	/* sortable headers: clicking the current one flips the direction */
	static const enum customer_sort header_sorts[] = {CSORT_NAME, CSORT_EMAIL, CSORT_MRR,
	                                                  CSORT_DEVICES, CSORT_CREATED};
	static const char *const header_keys[] = {"SORT_NAME", "SORT_EMAIL", "SORT_MRR",
	                                          "SORT_DEVICES", "SORT_CREATED"};
	for (size_t i = 0; i < sizeof(header_sorts) / sizeof(header_sorts[0]); i++) {
		enum customer_sort s = header_sorts[i];
		bool current = s == p.sort;
		bool desc = current ? !p.desc
		                    : (s == CSORT_CREATED || s == CSORT_MRR || s == CSORT_DEVICES);
		struct tmpl_dict *h = tmpl_add(d, header_keys[i]);
		tmpl_set(h, "HEADER_URL", list_url(a, &p, NULL, (int)s, desc, NULL));
		tmpl_set(h, "HEADER_LABEL", sort_labels[s]);
		tmpl_set(h, "ARIA_SORT", current ? (p.desc ? "descending" : "ascending") : "none");
		if (current)
			tmpl_set(h, "SORT_ARROW", p.desc ? "▼" : "▲");
	}

	size_t shown = rows.nrows > PAGE_SIZE ? PAGE_SIZE : rows.nrows;
	time_t now = time(NULL);
	for (size_t i = 0; i < shown; i++) {
		struct tmpl_dict *row = tmpl_add(d, "CUSTOMER");
		fill_customer_head(r, row, &rows, i);
		tmpl_set(row, "MRR", fmt_cents(a, atoll(DB_V(&rows, i, CU_MRR)), r->user.currency));
		tmpl_set(row, "DEVICES", DB_V(&rows, i, CU_DEVICES));
		tmpl_set(row, "ORDERS", DB_V(&rows, i, CU_ORDERS));
		tmpl_set(row, "CREATED", fmt_datetime(a, DB_V(&rows, i, CU_CREATED)));
		tmpl_set(row, "CREATED_ISO", fmt_iso(a, DB_V(&rows, i, CU_CREATED)));
		tmpl_set(row, "CREATED_AGO", fmt_relative(a, DB_V(&rows, i, CU_CREATED), now));
	}
	if (shown == 0)
		tmpl_show(d, p.q ? "NO_MATCHES" : "EMPTY");
	else
		tmpl_show(d, "HAS_ROWS");
	if (p.q) {
		long long n = 0;
		bool counted = true;
		if (q.with_total)
			n = rows.nrows ? atoll(DB_V(&rows, 0, rows.ncols - 1)) : 0;
		else
			counted = db_customer_search_count(r->app->db, a, &q, &n) == ERR_OK;
		if (counted)
			tmpl_set(d, "RESULT_COUNT",
			         n > CUSTOMER_SEARCH_CAP
			             ? arena_printf(a, "%s+", fmt_count(a, CUSTOMER_SEARCH_CAP))
			             : fmt_count(a, n));
		if (n > CUSTOMER_SEARCH_CAP)
			tmpl_show(d, "SEARCH_CAPPED");
	}
	if (rows.nrows > PAGE_SIZE) {
		size_t last = PAGE_SIZE - 1;
		char *next =
		    cursor_encode(a, cfg->secret, cfg->secretlen, cursor_scope(a, p.sort, p.desc),
		                  customer_sort_key(&rows, last, p.sort),
		                  strtoull(DB_V(&rows, last, CU_ID), NULL, 10));
		tmpl_set(tmpl_add(d, "NEXT"), "NEXT_URL", list_url(a, &p, NULL, -1, -1, next));
	}
	if (after != NULL)
		tmpl_set(tmpl_add(d, "FIRST"), "FIRST_URL", list_url(a, &p, NULL, -1, -1, NULL));
	view_send(r, &v, 200);
}

/* ---- one customer ------------------------------------------------------ */

static void fill_address(struct req *r, struct tmpl_dict *d, const struct db_res *ad,
                         const char *kind, const char *title)
{
	for (size_t i = 0; i < ad->nrows; i++) {
		if (strcmp(DB_V(ad, i, AD_KIND), kind) != 0)
			continue;
		struct tmpl_dict *x = tmpl_add(d, "ADDRESS");
		tmpl_set(x, "ADDRESS_TITLE", title);
		tmpl_set(x, "CONTACT", DB_V(ad, i, AD_CONTACT));
		tmpl_set(x, "STREET", DB_V(ad, i, AD_STREET));
		tmpl_set(x, "BUILDING", DB_V(ad, i, AD_BUILDING));
		tmpl_set(x, "LOCALITY", DB_V(ad, i, AD_LOCALITY));
		tmpl_set(x, "POSTAL", DB_V(ad, i, AD_POSTAL));
		tmpl_set(x, "CITY", DB_V(ad, i, AD_CITY));
		tmpl_set(x, "ADMIN", DB_V(ad, i, AD_ADMIN));
		tmpl_set(x, "COUNTRY", DB_V(ad, i, AD_COUNTRY));
		tmpl_set(x, "ADDRESS_COMPANY", DB_V(ad, i, AD_COMPANY));
		return; /* the newest of this kind */
	}
	struct tmpl_dict *x = tmpl_add(d, "NO_ADDRESS");
	tmpl_set(x, "ADDRESS_TITLE", title);
}

/* Runs a "newest first, before id" section query and fills its rows via
 * fill_row; adds an "older" link when there are more. */
typedef void (*row_filler)(struct req *r, struct tmpl_dict *row, const struct db_res *res,
                           size_t i);

static enum err section(struct req *r, struct tmpl_dict *d, enum stmt st, unsigned long long cid,
                        enum key before_key, const char *name, const char *pid, int id_col,
                        row_filler fill_row, struct tmpl_dict **out)
{
	long long before = req_int(r, before_key, 9223372036854775807LL);
	struct db_res res;
	enum err rc = db_exec(r->app->db, r->arena, st, &res, "uii", cid, before,
	                      (long long)SECTION_SIZE + 1);
	if (rc != ERR_OK)
		return rc;
	struct tmpl_dict *s = tmpl_add(d, name);
	size_t shown = res.nrows > SECTION_SIZE ? SECTION_SIZE : res.nrows;
	for (size_t i = 0; i < shown; i++)
		fill_row(r, tmpl_add(s, "ROW"), &res, i);
	if (shown == 0)
		tmpl_show(s, "NONE");
	if (res.nrows > SECTION_SIZE)
		tmpl_set(tmpl_add(s, "OLDER"), "OLDER_URL",
		         arena_printf(r->arena, "/customers/%s?%s=%s#%s", pid,
		                      input_name(before_key), DB_V(&res, SECTION_SIZE - 1, id_col),
		                      name));
	if (req_str(r, before_key))
		tmpl_set(tmpl_add(s, "NEWEST"), "NEWEST_URL",
		         arena_printf(r->arena, "/customers/%s#%s", pid, name));
	if (out != NULL)
		*out = s;
	return ERR_OK;
}

static void order_row(struct req *r, struct tmpl_dict *row, const struct db_res *res, size_t i)
{
	tmpl_set(row, "ID", DB_V(res, i, OR_PUBLIC_ID));
	tmpl_set(row, "ROW_STATUS", DB_V(res, i, OR_STATUS));
	tmpl_set(row, "AMOUNT",
	         fmt_money(r->arena, DB_V(res, i, OR_TOTAL), DB_V(res, i, OR_CURRENCY)));
	tmpl_set(row, "DATE", fmt_datetime(r->arena, DB_V(res, i, OR_CREATED)));
}

static void sub_row(struct req *r, struct tmpl_dict *row, const struct db_res *res, size_t i)
{
	tmpl_set(row, "ID", DB_V(res, i, SU_PUBLIC_ID));
	tmpl_set(row, "ROW_STATUS", DB_V(res, i, SU_STATUS));
	tmpl_set(row, "AMOUNT", fmt_money(r->arena, DB_V(res, i, SU_AMOUNT), r->user.currency));
	tmpl_set(row, "START", DB_V(res, i, SU_START));
	tmpl_set(row, "END", DB_V(res, i, SU_END));
	tmpl_set(row, "ASSET", DB_V(res, i, SU_ASSET));
	tmpl_set(row, "ORDER", DB_V(res, i, SU_ORDER));
}

static void device_row(struct req *r, struct tmpl_dict *row, const struct db_res *res, size_t i)
{
	tmpl_set(row, "ID", DB_V(res, i, DV_SERIAL));
	tmpl_set(row, "PRODUCT", DB_V(res, i, DV_PRODUCT));
	tmpl_set(row, "SKU", DB_V(res, i, DV_SKU));
	tmpl_set(row, "ROW_STATUS", DB_V(res, i, DV_STATUS));
	tmpl_set(row, "SUB", DB_V(res, i, DV_SUB_PUBLIC));
	tmpl_set(row, "AMOUNT", fmt_money(r->arena, DB_V(res, i, DV_COST), r->user.currency));
	if (strcmp(DB_V(res, i, DV_WITH_CUSTOMER), "1") == 0 &&
	    strcmp(DB_V(res, i, DV_STATUS), "rented_out") == 0)
		tmpl_show(row, "WITH_CUSTOMER");
}

static void payment_row(struct req *r, struct tmpl_dict *row, const struct db_res *res, size_t i)
{
	tmpl_set(row, "ID", DB_V(res, i, PA_PUBLIC_ID));
	tmpl_set(row, "ROW_STATUS", DB_V(res, i, PA_STATUS));
	tmpl_set(row, "AMOUNT",
	         fmt_money(r->arena, DB_V(res, i, PA_AMOUNT), DB_V(res, i, PA_CURRENCY)));
	tmpl_set(row, "DATE", fmt_datetime(r->arena, DB_V(res, i, PA_CREATED)));
	tmpl_set(row, "PAID_AT", fmt_datetime(r->arena, DB_V(res, i, PA_PAID_AT)));
	tmpl_set(row, "SUB", DB_V(res, i, PA_SUB_PUBLIC));
}

static void audit_row(struct req *r, struct tmpl_dict *row, const struct db_res *res, size_t i)
{
	tmpl_set(row, "DATE", fmt_datetime(r->arena, DB_V(res, i, AU_AT)));
	tmpl_set(row, "ACTOR", DB_V(res, i, AU_ACTOR));
	tmpl_set(row, "ACTION", DB_V(res, i, AU_ACTION));
	tmpl_set(row, "CHANNEL", DB_V(res, i, AU_CHANNEL));
	tmpl_set(row, "REASON", fmt_label(r->arena, DB_V(res, i, AU_REASON)));
	tmpl_set(row, "NOTE", DB_V(res, i, AU_NOTE));
	tmpl_set(row, "OUTCOME", DB_V(res, i, AU_OUTCOME));
	tmpl_show(row,
	          strcmp(DB_V(res, i, AU_OUTCOME), "ok") == 0 ? "OUTCOME_OK" : "OUTCOME_REFUSED");
}

/* The open items: what would block a deactivation, with anchors the
 * confirmation page links to. */
static void fill_open_items(struct req *r, struct tmpl_dict *d, const struct prereq *p)
{
	for (size_t i = 0; i < p->rows[PREREQ_ACTIVE_SUBSCRIPTIONS].nrows; i++)
		sub_row(r, tmpl_add(d, "OPEN_SUB"), &p->rows[PREREQ_ACTIVE_SUBSCRIPTIONS], i);
	for (size_t i = 0; i < p->rows[PREREQ_PENDING_ORDERS].nrows; i++)
		order_row(r, tmpl_add(d, "OPEN_ORDER"), &p->rows[PREREQ_PENDING_ORDERS], i);
	const struct db_res *dv = &p->rows[PREREQ_UNRETURNED_DEVICES];
	for (size_t i = 0; i < dv->nrows; i++) {
		struct tmpl_dict *row = tmpl_add(d, "OPEN_DEVICE");
		tmpl_set(row, "ID", DB_V(dv, i, AS_SERIAL));
		tmpl_set(row, "PRODUCT", DB_V(dv, i, AS_PRODUCT));
		tmpl_set(row, "SKU", DB_V(dv, i, AS_SKU));
	}
	tmpl_show(d, prereq_passed(p) ? "NO_OPEN_ITEMS" : "HAS_OPEN_ITEMS");
}

static void fill_profitability(struct req *r, struct tmpl_dict *d, const struct retention *ret,
                               long long devices_out)
{
	struct profitability p;
	profitability_of(ret, devices_out, time(NULL), &p);
	struct arena *a = r->arena;
	const char *cur = r->user.currency;
	tmpl_set(d, "LIFETIME_COLLECTED",
	         fmt_money(a, arena_printf(a, "%.2f", p.lifetime_collected), cur));
	tmpl_set(d, "ACQUISITION_COST",
	         fmt_money(a, arena_printf(a, "%.2f", p.total_acquisition_cost), cur));
	tmpl_set(d, "COST_RECOVERY", arena_printf(a, "%.1f%%", p.cost_recovery_percent));
	tmpl_set(d, "AVG_MONTHLY",
	         fmt_money(a, arena_printf(a, "%.2f", p.average_monthly_revenue), cur));
	tmpl_set(d, "DEVICES_EVER", fmt_count(a, p.total_devices_ever));
	tmpl_set(d, "ACTIVE_DEVICES", fmt_count(a, p.active_devices));
	int pct = p.cost_recovery_percent > 100 ? 100 : (int)p.cost_recovery_percent;
	tmpl_set_int(d, "RECOVERY_BAR", pct < 0 ? 0 : pct);
}

void page_customer(struct req *r)
{
	struct db_res c;
	if (!page_load_customer(r, &c))
		return;
	struct arena *a = r->arena;
	struct db *db = r->app->db;
	unsigned long long cid = strtoull(DB_V(&c, 0, CU_ID), NULL, 10);
	const char *pid = DB_V(&c, 0, CU_PUBLIC_ID);
	long long devices_out = atoll(DB_V(&c, 0, CU_DEVICES));
	bool inactive = strcmp(DB_V(&c, 0, CU_STATUS), "inactive") == 0;

	struct db_res ad;
	struct prereq pre;
	struct retention ret;
	enum err rc;
	if ((rc = db_exec(db, a, STMT_CUSTOMER_ADDRESSES, &ad, "u", cid)) ||
	    (rc = prereq_check(db, a, cid, false, &pre)) ||
	    (rc = retention_for_customer(db, a, cid, &ret))) {
		http_fail_kind(r, rc);
		return;
	}

	struct view v;
	const char *name = customer_name(a, &c, 0);
	struct tmpl_dict *d = view_begin(r, &v, name, "customer.tpl", NAV_CUSTOMERS);
	fill_customer_head(r, d, &c, 0);
	time_t now = time(NULL);
	tmpl_set(d, "PHONE", DB_V(&c, 0, CU_PHONE));
	tmpl_set(d, "CREATED", fmt_datetime(a, DB_V(&c, 0, CU_CREATED)));
	tmpl_set(d, "CREATED_AGO", fmt_relative(a, DB_V(&c, 0, CU_CREATED), now));
	tmpl_set(d, "UPDATED", fmt_datetime(a, DB_V(&c, 0, CU_UPDATED)));
	tmpl_set(d, "MRR", fmt_cents(a, atoll(DB_V(&c, 0, CU_MRR)), r->user.currency));
	tmpl_set(d, "CUSTOM_FIELDS", DB_V(&c, 0, CU_CUSTOM));
	if (inactive)
		fill_deactivation(r, d, &c, 0);
	if (req_can_write(r))
		tmpl_show(d, inactive ? "CAN_REACTIVATE" : "CAN_DEACTIVATE");
	else
		tmpl_show(d, "READ_ONLY");
	fill_address(r, d, &ad, "billing", "Billing address");
	fill_address(r, d, &ad, "shipping", "Shipping address");
	fill_profitability(r, d, &ret, devices_out);
	fill_open_items(r, d, &pre);

	/* newest first, SECTION_SIZE at a time; the last one is the customer's
	 * own audit history */
	struct tmpl_dict *history = NULL;
	if ((rc = section(r, d, STMT_ORDERS_PAGE, cid, KEY_ORDERS_BEFORE, "orders", pid, OR_ID,
	                  order_row, NULL)) ||
	    (rc = section(r, d, STMT_SUBS_PAGE, cid, KEY_SUBS_BEFORE, "subscriptions", pid, SU_ID,
	                  sub_row, NULL)) ||
	    (rc = section(r, d, STMT_DEVICES_PAGE, cid, KEY_DEVICES_BEFORE, "devices", pid,
	                  DV_SUB_ID, device_row, NULL)) ||
	    (rc = section(r, d, STMT_PAYMENTS_PAGE, cid, KEY_PAYMENTS_BEFORE, "payments", pid,
	                  PA_ID, payment_row, NULL)) ||
	    (rc = section(r, d, STMT_AUDIT_BY_CUSTOMER, cid, KEY_AUDIT_BEFORE, "history", pid,
	                  AU_ID, audit_row, &history))) {
		http_fail_kind(r, rc);
		return;
	}
	tmpl_set(history, "AUDIT_URL", arena_printf(a, "/audit?customer=%s", pid));
	view_send(r, &v, 200);
}
