/* GET /, GET /customers, GET /customers/{id} */
#include <string.h>
#include <time.h>

#include "domain/customers.h"
#include "domain/erasure.h"
#include "domain/notes.h"
#include "domain/search.h"
#include "http/error.h"
#include "http/kv.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/cursor.h"
#include "util/fmt.h"
#include "util/log.h"

#define PAGE_SIZE    50
#define SECTION_SIZE 10
#define CSV_CHUNK    1000

void page_root(struct req *r)
{
	resp_redirect(r, "/customers");
}

/* ---- the list --------------------------------------------------------- */

static const char *const sort_labels[CSORT__MAX] = {
    [CSORT_CREATED] = "Created", [CSORT_NAME] = "Name",       [CSORT_EMAIL] = "E-mail",
    [CSORT_MRR] = "MRR",         [CSORT_DEVICES] = "Devices", [CSORT_FIRST] = "First name",
};

struct list_params {
	const char *q;
	int status; /* enum customer_status, or -1 for all */
	int type;   /* enum customer_type, or -1 for all */
	enum customer_sort sort;
	bool desc;
};

/* The URL names of the list's choices (the input table's). */
static const char *status_param(int status)
{
	return input_choice_name(KEY_STATUS, status);
}

/* "/customers?q=..&status=.." for these parameters with overrides. */
static char *list_url(struct arena *a, const struct list_params *p, int status, int sort, int desc,
                      const char *after)
{
	struct buf b;
	buf_init(&b, a, 256);
	buf_puts(&b, "/customers?");
	if (p->q)
		buf_printf(&b, "q=%s&", url_encode(a, p->q));
	buf_printf(&b, "status=%s", status_param(status));
	if (p->type >= 0)
		buf_printf(&b, "&type=%s", input_choice_name(KEY_TYPE, p->type));
	buf_printf(&b, "&sort=%s&dir=%s", input_choice_name(KEY_SORT, sort), desc ? "desc" : "asc");
	if (after)
		buf_printf(&b, "&after=%s", after);
	return b.p;
}

static const char *cursor_scope(struct arena *a, enum customer_sort s, bool desc)
{
	return arena_printf(a, "customers:%s:%s", input_choice_name(KEY_SORT, s),
	                    desc ? "desc" : "asc");
}

static void fill_counts(struct req *r, struct tmpl_dict *d, const struct list_params *p,
                        const struct customer_counts *c)
{
	int64_t by_status[CUSTOMER_STATUS__MAX] = {0};
	for (int s = 0; s < CUSTOMER_STATUS__MAX; s++)
		for (int t = 0; t < CUSTOMER_TYPE__MAX; t++)
			if (p->type < 0 || p->type == t)
				by_status[s] += c->n[s][t];
	static const int tabs[] = {CUSTOMER_ACTIVE, CUSTOMER_INACTIVE, -1};
	static const char *const labels[] = {"Active", "Inactive", "All"};
	int64_t all = by_status[CUSTOMER_ACTIVE] + by_status[CUSTOMER_INACTIVE];
	for (int i = 0; i < 3; i++) {
		struct tmpl_dict *t = tmpl_add(d, "STATUS_TAB");
		tmpl_set(t, "TAB_LABEL", labels[i]);
		tmpl_set(t, "TAB_COUNT",
		         fmt_count(r->arena, tabs[i] < 0 ? all : by_status[tabs[i]]));
		tmpl_set(t, "TAB_URL", list_url(r->arena, p, tabs[i], (int)p->sort, p->desc, NULL));
		if (p->status == tabs[i])
			tmpl_show(t, "TAB_CURRENT");
	}
	if (p->q == NULL)
		tmpl_set(d, "RESULT_COUNT",
		         fmt_count(r->arena, p->status < 0 ? all : by_status[p->status]));
}

/* The list's filters and sort from the request, and the query that reads
 * them (the page's and the export's). */
static void list_read(struct req *r, struct list_params *p, struct customer_query *q)
{
	*p = (struct list_params){
	    .q = req_str(r, KEY_Q),
	    .status = (int)req_int(r, KEY_STATUS, CUSTOMER_ACTIVE),
	    .type = (int)req_int(r, KEY_TYPE, -1),
	    .sort = (enum customer_sort)req_int(r, KEY_SORT, CSORT_CREATED),
	    /* newest first by default; ascending once a sort is picked */
	    .desc = req_int(r, KEY_DIR, req_str(r, KEY_SORT) == NULL) == 1,
	};
	*q = (struct customer_query){
	    .tenant = r->user.tenant,
	    .status = p->status,
	    .type = p->type,
	    .has_rentals = -1,
	    .sort = p->sort,
	    .desc = p->desc,
	    .limit = PAGE_SIZE + 1,
	};
	search_query(q, p->q);
}

/* ---- the export (GET /customers?format=csv) ---------------------------- */

static const char *const csv_head[] = {"id",     "name",       "email", "company",     "type",
                                       "status", "created_at", "mrr",   "devices_out", "orders"};

/* One customer as a CSV record (the columns of csv_head). */
static void csv_customer(struct buf *b, struct arena *a, const struct customer_row *c)
{
	const char *sep = c->first_name[0] && c->last_name[0] ? " " : "";
	csv_field(b, c->public_id, 1);
	csv_field(b, arena_printf(a, "%s%s%s", c->first_name, sep, c->last_name), 0);
	csv_field(b, c->email, 0);
	csv_field(b, c->company, 0);
	csv_field(b, customer_type_name[c->type], 0);
	csv_field(b, customer_status_name[c->status], 0);
	csv_field(b, fmt_iso(a, c->created_at), 0);
	csv_field(b,
	          arena_printf(a, "%lld.%02lld", (long long)(c->mrr_cents / 100),
	                       (long long)(c->mrr_cents % 100)),
	          0);
	csv_field(b, arena_printf(a, "%lld", (long long)c->devices_out), 0);
	csv_field(b, arena_printf(a, "%lld", (long long)c->total_orders), 0);
	csv_end(b);
}

/*
 * Every row of the list's query, in its order, as CSV, streamed: the rows
 * are read CSV_CHUNK at a time through the list's own keyset (each chunk
 * one statement, its rows in a chunk arena reset before the next) and each
 * chunk is written to the client as soon as it is formatted, so memory
 * stays flat whatever the size and the download starts at once. The first
 * chunk is read before the answer starts, so a database that is down is a
 * 503 page; a failure later breaks the answer off (resp_abort(), logged),
 * so the client sees an incomplete download rather than a short file.
 */
static void send_csv(struct req *r, struct customer_query *q)
{
	struct arena *chunk = arena_new();
	if (chunk == NULL) {
		http_fail_kind(r, ERR_INTERNAL);
		return;
	}
	q->limit = CSV_CHUNK;
	q->after = false;
	struct customer_list rows;
	enum err rc = db_customer_list(r->app->db, chunk, q, &rows);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		goto out;
	}
	char day[16];
	time_t now = time(NULL);
	struct tm tm;
	strftime(day, sizeof(day), "%Y%m%d-%H%M", gmtime_r(&now, &tm));
	resp_header(r, "Content-Disposition",
	            arena_printf(r->arena, "attachment; filename=\"customers-%s-%s.csv\"",
	                         r->user.tenant_slug ? r->user.tenant_slug : "export", day));
	resp_start(r, 200, "text/csv; charset=utf-8");
	struct buf b;
	buf_init(&b, r->arena, 256 * 1024);
	for (size_t i = 0; i < sizeof(csv_head) / sizeof(csv_head[0]); i++)
		csv_field(&b, csv_head[i], i == 0);
	csv_end(&b);
	resp_write(r, b.p, b.len);
	resp_flush(r);
	/* the cursor outlives the chunk's arena */
	struct buf key;
	buf_init(&key, r->arena, 256);
	size_t total = 0;
	for (;;) {
		b.len = 0;
		for (size_t i = 0; i < rows.n; i++)
			csv_customer(&b, chunk, &rows.rows[i]);
		resp_write(r, b.p, b.len);
		total += rows.n;
		if (rows.n < CSV_CHUNK || r->method == METHOD_HEAD)
			break;
		const struct customer_row *last = &rows.rows[rows.n - 1];
		key.len = 0;
		buf_puts(&key, customer_sort_key(chunk, last, q->sort));
		q->after = true;
		q->after_key = key.p;
		q->after_id = last->id;
		arena_reset(chunk);
		if ((rc = db_customer_list(r->app->db, chunk, q, &rows)) != ERR_OK) {
			/* the answer has started: break it rather than let a short
			 * file look complete */
			log_error("customer export broken off after %zu rows (error %d)", total,
			          (int)rc);
			resp_abort(r);
			break;
		}
	}
out:
	arena_free(chunk);
}

void page_customers(struct req *r)
{
	struct arena *a = r->arena;
	struct list_params p;
	struct customer_query q;
	list_read(r, &p, &q);
	if (req_int(r, KEY_FORMAT, FORMAT_HTML) == FORMAT_CSV) {
		send_csv(r, &q);
		return;
	}
	const char *after = req_str(r, KEY_AFTER);
	const struct config *cfg = &r->app->cfg;
	/* One id of a record of the tenant: straight to its customer. */
	struct search_jump jump;
	enum err jrc =
	    after ? ERR_NOT_FOUND : search_jump(r->app->db, a, r->user.tenant, p.q, &jump);
	if (jrc == ERR_OK) {
		resp_redirect(
		    r, jump.kind == RECORD_CUSTOMER
		           ? arena_printf(a, "/customers/%s", url_encode(a, jump.customer_id))
		           : arena_printf(a, "/customers/%s?highlight=%s#found",
		                          url_encode(a, jump.customer_id), url_encode(a, jump.id)));
		return;
	}
	if (jrc != ERR_NOT_FOUND) {
		http_fail_kind(r, jrc);
		return;
	}
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
	struct customer_list rows;
	struct customer_counts counts;
	int64_t matches = 0;
	enum err rc;
	if ((rc = db_customer_counts(r->app->db, a, r->user.tenant, &counts)) ||
	    (rc = db_customer_list(r->app->db, a, &q, &rows))) {
		http_fail_kind(r, rc);
		return;
	}
	bool counted = p.q == NULL;
	if (p.q && q.with_total) {
		matches = rows.n ? rows.rows[0].matches : 0;
		counted = true;
	} else if (p.q) {
		counted = db_customer_search_count(r->app->db, a, &q, &matches) == ERR_OK;
	}

	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, "Customers", "customers.tpl", NAV_CUSTOMERS);
	tmpl_set(d, "Q", p.q);
	tmpl_set(d, "STATUS_VALUE", status_param(p.status));
	static const char *const types[] = {"all", "individual", "business"};
	static const char *const type_labels[] = {"All types", "Individuals", "Businesses"};
	fill_options(d, "TYPE_OPTION", types, type_labels, 3, input_choice_name(KEY_TYPE, p.type));
	static const char *const statuses[] = {"active", "inactive", "all"};
	static const char *const status_labels[] = {"Active", "Inactive", "All statuses"};
	fill_options(d, "STATUS_OPTION", statuses, status_labels, 3, status_param(p.status));
	tmpl_set(d, "SORT_VALUE", input_choice_name(KEY_SORT, p.sort));
	tmpl_set(d, "DIR_VALUE", p.desc ? "desc" : "asc");
	fill_counts(r, d, &p, &counts);
	tmpl_set(
	    d, "CSV_URL",
	    arena_printf(a, "%s&format=csv", list_url(a, &p, p.status, (int)p.sort, p.desc, NULL)));

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
		tmpl_set(h, "HEADER_URL", list_url(a, &p, p.status, (int)s, desc, NULL));
		tmpl_set(h, "HEADER_LABEL", sort_labels[s]);
		tmpl_set(h, "ARIA_SORT", current ? (p.desc ? "descending" : "ascending") : "none");
		if (current)
			tmpl_set(h, "SORT_ARROW", p.desc ? "▼" : "▲");
	}

	size_t shown = rows.n > PAGE_SIZE ? PAGE_SIZE : rows.n;
	time_t now = time(NULL);
	for (size_t i = 0; i < shown; i++) {
		const struct customer_row *c = &rows.rows[i];
		struct tmpl_dict *row = tmpl_add(d, "CUSTOMER");
		fill_customer_head(r, row, c);
		tmpl_set(row, "MRR", fmt_cents(a, c->mrr_cents, r->user.currency));
		tmpl_set_int(row, "DEVICES", c->devices_out);
		tmpl_set_int(row, "ORDERS", c->total_orders);
		tmpl_set(row, "CREATED", fmt_datetime(a, c->created_at));
		tmpl_set(row, "CREATED_ISO", fmt_iso(a, c->created_at));
		tmpl_set(row, "CREATED_AGO", fmt_relative(a, c->created_at, now));
	}
	if (shown == 0)
		tmpl_show(d, p.q ? "NO_MATCHES" : "EMPTY");
	else
		tmpl_show(d, "HAS_ROWS");
	if (p.q && counted) {
		tmpl_set(d, "RESULT_COUNT",
		         matches > CUSTOMER_SEARCH_CAP
		             ? arena_printf(a, "%s+", fmt_count(a, CUSTOMER_SEARCH_CAP))
		             : fmt_count(a, matches));
		if (matches > CUSTOMER_SEARCH_CAP)
			tmpl_show(d, "SEARCH_CAPPED");
	}
	if (rows.n > PAGE_SIZE) {
		const struct customer_row *last = &rows.rows[PAGE_SIZE - 1];
		char *next =
		    cursor_encode(a, cfg->secret, cfg->secretlen, cursor_scope(a, p.sort, p.desc),
		                  customer_sort_key(a, last, p.sort), last->id);
		tmpl_set(tmpl_add(d, "NEXT"), "NEXT_URL",
		         list_url(a, &p, p.status, (int)p.sort, p.desc, next));
	}
	if (after != NULL)
		tmpl_set(tmpl_add(d, "FIRST"), "FIRST_URL",
		         list_url(a, &p, p.status, (int)p.sort, p.desc, NULL));
	view_send(r, &v, 200);
}

/* ---- one customer ------------------------------------------------------ */

static void fill_address(struct tmpl_dict *d, const struct customer_addresses *ad,
                         enum address_kind kind, const char *title)
{
	if (!ad->present[kind]) {
		tmpl_set(tmpl_add(d, "NO_ADDRESS"), "ADDRESS_TITLE", title);
		return;
	}
	const struct address_row *x = &ad->of[kind];
	struct tmpl_dict *t = tmpl_add(d, "ADDRESS");
	tmpl_set(t, "ADDRESS_TITLE", title);
	tmpl_set(t, "CONTACT", x->contact_name);
	tmpl_set(t, "STREET", x->street);
	tmpl_set(t, "BUILDING", x->building);
	tmpl_set(t, "LOCALITY", x->locality);
	tmpl_set(t, "POSTAL", x->postal_code);
	tmpl_set(t, "CITY", x->city);
	tmpl_set(t, "ADMIN", x->admin_area);
	tmpl_set(t, "COUNTRY", x->country);
	tmpl_set(t, "ADDRESS_COMPANY", x->company);
}

/* The row of the record the search box jumped to is marked; *seen says
 * it is on the page. */
struct highlight {
	const char *id; /* NULL: none asked for */
	bool seen;
};

static void mark(struct tmpl_dict *row, struct highlight *h, const char *id)
{
	if (h->id == NULL || id == NULL || strcmp(h->id, id) != 0)
		return;
	tmpl_show(row, "HIGHLIGHT");
	h->seen = true;
}

static void order_row(struct req *r, struct tmpl_dict *row, const struct order_row *o)
{
	tmpl_set(row, "ID", o->public_id);
	tmpl_set(row, "ROW_STATUS", order_status_name[o->status]);
	tmpl_set(row, "AMOUNT", fmt_cents(r->arena, o->total_cents, o->currency));
	tmpl_set(row, "DATE", fmt_datetime(r->arena, o->created_at));
	/* what was ordered (the customer page's sections only) */
	for (size_t i = 0; i < o->nitems; i++) {
		const struct order_item_row *it = &o->items[i];
		struct tmpl_dict *line = tmpl_add(row, "LINE");
		tmpl_set_int(line, "QUANTITY", it->quantity);
		tmpl_set(line, "PRODUCT", it->product_name);
		tmpl_set(line, "SKU", it->sku);
		tmpl_set(line, "UNIT_PRICE", fmt_cents(r->arena, it->unit_cents, o->currency));
		tmpl_set_int(line, "MONTHS", it->contract_months);
	}
	if (order_in_flight(o->status))
		fill_record_actions(r, row, "ACT", PREREQ_PENDING_ORDERS, o->public_id);
}

static void sub_row(struct req *r, struct tmpl_dict *row, const struct subscription_row *s)
{
	tmpl_set(row, "ID", s->public_id);
	tmpl_set(row, "ROW_STATUS", subscription_status_name[s->status]);
	tmpl_set(row, "AMOUNT", fmt_cents(r->arena, s->monthly_cents, r->user.currency));
	tmpl_set(row, "START", s->start_date);
	tmpl_set(row, "END", s->end_date);
	tmpl_set(row, "ASSET", s->asset_serial);
	tmpl_set(row, "ORDER", s->order_public_id);
	if (s->status == SUB_ACTIVE)
		fill_record_actions(r, row, "ACT", PREREQ_ACTIVE_SUBSCRIPTIONS, s->public_id);
}

static void device_row(struct req *r, struct tmpl_dict *row, const struct device_row *x)
{
	tmpl_set(row, "ID", x->serial);
	tmpl_set(row, "PRODUCT", x->product);
	tmpl_set(row, "SKU", x->sku);
	tmpl_set(row, "ROW_STATUS", asset_status_name[x->status]);
	tmpl_set(row, "SUB", x->subscription_public_id);
	tmpl_set(row, "AMOUNT", fmt_cents(r->arena, x->cost_cents, r->user.currency));
	if (x->with_customer && x->status == ASSET_RENTED_OUT) {
		tmpl_show(row, "WITH_CUSTOMER");
		fill_record_actions(r, row, "ACT", PREREQ_UNRETURNED_DEVICES, x->serial);
	}
}

static void payment_row(struct req *r, struct tmpl_dict *row, const struct payment_row *x)
{
	tmpl_set(row, "ID", x->public_id);
	tmpl_set(row, "ROW_STATUS", payment_status_name[x->status]);
	tmpl_set(row, "AMOUNT", fmt_cents(r->arena, x->amount_cents, x->currency));
	tmpl_set(row, "DATE", fmt_datetime(r->arena, x->created_at));
	tmpl_set(row, "PAID_AT", fmt_datetime(r->arena, x->paid_at));
	tmpl_set(row, "SUB", x->subscription_public_id);
}

static void note_row(struct req *r, struct tmpl_dict *row, const struct note_row *x)
{
	tmpl_set(row, "DATE", x->noted_on);
	tmpl_set(row, "KIND", note_kind_name[x->kind]);
	tmpl_set(row, "KIND_LABEL", note_kind_label[x->kind]);
	/* line breaks as separate lines; every value escaped by the template */
	char *text = arena_strdup(r->arena, x->summary);
	for (char *line = text, *nl; line != NULL; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		tmpl_set(tmpl_add(row, "LINE"), "TEXT", line);
	}
	tmpl_set(row, "FOLLOW_UP", x->follow_up);
	tmpl_set(row, "BY", x->created_by);
	tmpl_set(row, "WRITTEN", fmt_datetime(r->arena, x->created_at));
}

/* The note form (operators and admins), today's date (UTC) preset. */
static void fill_note_form(struct req *r, struct tmpl_dict *x, const char *pid)
{
	struct tmpl_dict *f = tmpl_add(x, "NOTE_FORM");
	fill_csrf(r, f, "note", pid);
	tmpl_set(f, "NOTE_URL", arena_printf(r->arena, "/customers/%s/notes", pid));
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char today[16];
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	tmpl_set(f, "TODAY", today);
	tmpl_set_int(f, "SUMMARY_MAX", NOTE_SUMMARY_MAX);
	for (int k = 0; k < NOTE_KIND__MAX; k++) {
		struct tmpl_dict *o = tmpl_add(f, "KIND_OPTION");
		tmpl_set(o, "OPTION_VALUE", note_kind_name[k]);
		tmpl_set(o, "OPTION_LABEL", note_kind_label[k]);
	}
}

static void audit_row(struct req *r, struct tmpl_dict *row, const struct audit_row *x)
{
	tmpl_set(row, "DATE", fmt_datetime(r->arena, x->at));
	tmpl_set(row, "ACTOR", x->actor);
	tmpl_set(row, "ACTION", x->action);
	tmpl_set(row, "CHANNEL", channel_name[x->channel]);
	tmpl_set(row, "REASON", reason_label(x->reason));
	tmpl_set(row, "NOTE", x->note);
	fill_changes(row, r->arena, x);
	tmpl_set(row, "OUTCOME", x->outcome);
	tmpl_show(row, x->ok ? "OUTCOME_OK" : "OUTCOME_REFUSED");
}

/* The open items: what would block a deactivation, with anchors the
 * confirmation page links to. */
static void fill_open_items(struct req *r, struct tmpl_dict *d, const struct prereq *p)
{
	const struct blockers *b = &p->blockers;
	for (size_t i = 0; i < b->subscriptions.n; i++)
		sub_row(r, tmpl_add(d, "OPEN_SUB"), &b->subscriptions.rows[i]);
	for (size_t i = 0; i < b->orders.n; i++)
		order_row(r, tmpl_add(d, "OPEN_ORDER"), &b->orders.rows[i]);
	for (size_t i = 0; i < b->devices.n; i++) {
		struct tmpl_dict *row = tmpl_add(d, "OPEN_DEVICE");
		tmpl_set(row, "ID", b->devices.rows[i].serial);
		tmpl_set(row, "PRODUCT", b->devices.rows[i].product);
		tmpl_set(row, "SKU", b->devices.rows[i].sku);
		if (b->devices.rows[i].return_expected_at)
			tmpl_set(tmpl_add(row, "COMING_BACK"), "SINCE",
			         fmt_datetime(r->arena, b->devices.rows[i].return_expected_at));
		fill_record_actions(r, row, "ACT", PREREQ_UNRETURNED_DEVICES,
		                    b->devices.rows[i].serial);
	}
	tmpl_show(d, prereq_passed(p) ? "NO_OPEN_ITEMS" : "HAS_OPEN_ITEMS");
}

static void fill_profitability(struct req *r, struct tmpl_dict *d, const struct retention *ret,
                               int64_t devices_out)
{
	struct profitability p;
	profitability_of(ret, devices_out, time(NULL), &p);
	struct arena *a = r->arena;
	const char *cur = r->user.currency;
	tmpl_set(d, "LIFETIME_COLLECTED", fmt_cents(a, p.lifetime_collected_cents, cur));
	tmpl_set(d, "ACQUISITION_COST", fmt_cents(a, p.total_acquisition_cents, cur));
	tmpl_set(d, "COST_RECOVERY", arena_printf(a, "%.1f%%", p.cost_recovery_percent));
	tmpl_set(d, "AVG_MONTHLY",
	         fmt_money(a, arena_printf(a, "%.2f", p.average_monthly_revenue), cur));
	tmpl_set(d, "DEVICES_EVER", fmt_count(a, p.total_devices_ever));
	tmpl_set(d, "ACTIVE_DEVICES", fmt_count(a, p.devices_out));
	int pct = p.cost_recovery_percent > 100 ? 100 : (int)p.cost_recovery_percent;
	tmpl_set_int(d, "RECOVERY_BAR", pct < 0 ? 0 : pct);
}

/* The "before" input of each section, and the section's name in the page
 * (its anchor). */
static const struct {
	enum key before;
	const char *name;
} section_defs[SEC__MAX] = {
    [SEC_ORDERS] = {KEY_ORDERS_BEFORE, "orders"},
    [SEC_SUBSCRIPTIONS] = {KEY_SUBS_BEFORE, "subscriptions"},
    [SEC_DEVICES] = {KEY_DEVICES_BEFORE, "devices"},
    [SEC_PAYMENTS] = {KEY_PAYMENTS_BEFORE, "payments"},
    [SEC_AUDIT] = {KEY_AUDIT_BEFORE, "history"},
    [SEC_NOTES] = {KEY_NOTES_BEFORE, "notes"},
};

/* A section's frame: its rows go into the returned dictionary's ROW; n
 * rows were read (SECTION_SIZE + 1 means there are older ones, the oldest
 * shown being last_id). */
static struct tmpl_dict *section(struct req *r, struct tmpl_dict *d, enum section s,
                                 const char *pid, size_t n, uint64_t last_id)
{
	struct tmpl_dict *x = tmpl_add(d, section_defs[s].name);
	if (n == 0)
		tmpl_show(x, "NONE");
	if (n > SECTION_SIZE)
		tmpl_set(tmpl_add(x, "OLDER"), "OLDER_URL",
		         arena_printf(r->arena, "/customers/%s?%s=%llu#%s", pid,
		                      input_name(section_defs[s].before),
		                      (unsigned long long)last_id, section_defs[s].name));
	if (req_str(r, section_defs[s].before))
		tmpl_set(tmpl_add(x, "NEWEST"), "NEWEST_URL",
		         arena_printf(r->arena, "/customers/%s#%s", pid, section_defs[s].name));
	return x;
}

#define SHOWN(n)             ((n) > SECTION_SIZE ? SECTION_SIZE : (n))
#define LAST_ID(list, field) ((list).n > SECTION_SIZE ? (list).rows[SECTION_SIZE - 1].field : 0)

static void fill_sections(struct req *r, struct tmpl_dict *d, const char *pid, bool can_note,
                          const struct sections *s, struct highlight *h)
{
	struct tmpl_dict *x, *row;
	x = section(r, d, SEC_ORDERS, pid, s->orders.n, LAST_ID(s->orders, id));
	for (size_t i = 0; i < SHOWN(s->orders.n); i++) {
		order_row(r, row = tmpl_add(x, "ROW"), &s->orders.rows[i]);
		mark(row, h, s->orders.rows[i].public_id);
	}
	x = section(r, d, SEC_SUBSCRIPTIONS, pid, s->subscriptions.n,
	            LAST_ID(s->subscriptions, id));
	for (size_t i = 0; i < SHOWN(s->subscriptions.n); i++) {
		sub_row(r, row = tmpl_add(x, "ROW"), &s->subscriptions.rows[i]);
		mark(row, h, s->subscriptions.rows[i].public_id);
	}
	x = section(r, d, SEC_DEVICES, pid, s->devices.n, LAST_ID(s->devices, subscription_id));
	for (size_t i = 0; i < SHOWN(s->devices.n); i++) {
		device_row(r, row = tmpl_add(x, "ROW"), &s->devices.rows[i]);
		mark(row, h, s->devices.rows[i].serial);
	}
	x = section(r, d, SEC_PAYMENTS, pid, s->payments.n, LAST_ID(s->payments, id));
	for (size_t i = 0; i < SHOWN(s->payments.n); i++) {
		payment_row(r, row = tmpl_add(x, "ROW"), &s->payments.rows[i]);
		mark(row, h, s->payments.rows[i].public_id);
	}
	x = section(r, d, SEC_AUDIT, pid, s->audit.n, LAST_ID(s->audit, id));
	for (size_t i = 0; i < SHOWN(s->audit.n); i++)
		audit_row(r, tmpl_add(x, "ROW"), &s->audit.rows[i]);
	tmpl_set(x, "AUDIT_URL", arena_printf(r->arena, "/audit?customer=%s", pid));
	x = section(r, d, SEC_NOTES, pid, s->notes.n, LAST_ID(s->notes, id));
	for (size_t i = 0; i < SHOWN(s->notes.n); i++)
		note_row(r, tmpl_add(x, "ROW"), &s->notes.rows[i]);
	if (can_note)
		fill_note_form(r, x, pid);
}

/* The "Found" line of the record the search box jumped to: a link to
 * its row when a section shows it, else said plainly that it is older
 * than the rows shown (one more statement: is it this customer's?). */
static void fill_found(struct req *r, struct tmpl_dict *d, const struct customer_row *c,
                       const struct highlight *h)
{
	if (h->id == NULL)
		return;
	struct search_jump j;
	if (search_jump(r->app->db, r->arena, r->user.tenant, h->id, &j) != ERR_OK ||
	    j.kind == RECORD_CUSTOMER || strcmp(j.customer_id, c->public_id) != 0)
		return;
	struct tmpl_dict *f = tmpl_add(d, "FOUND");
	tmpl_set(f, "FOUND_KIND", record_kind_label[j.kind]);
	tmpl_set(f, "FOUND_ID", j.id);
	tmpl_show(f, h->seen ? "FOUND_SHOWN" : "FOUND_OLDER");
}

/* Personal data (README "Personal data"): erased (when, by whom, and how
 * long the financial records are kept), or, for admins, the legal hold and
 * the way to the erasure of an inactive customer. */
static void fill_personal_data(struct req *r, struct tmpl_dict *d,
                               const struct customer_overview *o)
{
	struct arena *a = r->arena;
	const struct customer_row *c = &o->customer;
	if (fill_erased(r, d, c, &o->retention))
		return;
	if (c->legal_hold)
		tmpl_show(d, "LEGAL_HOLD");
	if (r->user.role < ROLE_ADMIN)
		return;
	struct tmpl_dict *h = tmpl_add(d, "HOLD_FORM");
	fill_csrf(r, h, "legal_hold", c->public_id);
	tmpl_set(h, "HOLD_URL", arena_printf(a, "/customers/%s/legal-hold", c->public_id));
	tmpl_set(h, "HOLD_VALUE", c->legal_hold ? "0" : "1");
	tmpl_set(h, "HOLD_LABEL", c->legal_hold ? "Lift the legal hold" : "Set a legal hold");
	if (c->status == CUSTOMER_INACTIVE && !c->legal_hold)
		tmpl_show(d, "CAN_ERASE");
}

void page_customer(struct req *r)
{
	struct arena *a = r->arena;
	int64_t before[SEC__MAX];
	for (int s = 0; s < SEC__MAX; s++)
		before[s] = req_int(r, section_defs[s].before, INT64_MAX);
	struct customer_overview o;
	enum err rc =
	    customer_overview(r->app->db, a, r->user.tenant, r->arg, before, SECTION_SIZE, &o);
	if (rc != ERR_OK) {
		page_customer_failed(r, rc);
		return;
	}
	const struct customer_row *c = &o.customer;
	bool inactive = c->status == CUSTOMER_INACTIVE;
	struct view v;
	struct tmpl_dict *d =
	    view_begin(r, &v, customer_display_name(a, c), "customer.tpl", NAV_CUSTOMERS);
	fill_customer_head(r, d, c);
	time_t now = time(NULL);
	tmpl_set(d, "PHONE", c->phone);
	tmpl_set(d, "CREATED", fmt_datetime(a, c->created_at));
	tmpl_set(d, "CREATED_AGO", fmt_relative(a, c->created_at, now));
	tmpl_set(d, "UPDATED", fmt_datetime(a, c->updated_at));
	tmpl_set(d, "MRR", fmt_cents(a, c->mrr_cents, r->user.currency));
	tmpl_set(d, "CUSTOM_FIELDS", c->custom_fields);
	if (inactive)
		fill_deactivation(r, d, c);
	fill_pending_closure(r, d, c); /* "close when clear" */
	if (c->merged_into != NULL) {
		struct tmpl_dict *m = tmpl_add(d, "MERGED");
		tmpl_set(m, "MERGED_INTO", c->merged_into);
		tmpl_set(m, "MERGED_URL", arena_printf(a, "/customers/%s", c->merged_into));
		tmpl_set(m, "MERGED_AT", fmt_datetime(a, c->merged_at));
	}
	if (c->merged_from > 0)
		tmpl_set(tmpl_add(d, "MERGED_FROM"), "MERGED_FROM_COUNT",
		         c->merged_from == 1
		             ? "One duplicate was"
		             : arena_printf(a, "%s duplicates were", fmt_count(a, c->merged_from)));
	fill_personal_data(r, d, &o);
	if (c->erased_at != NULL) {
		/* nothing may put the personal data back */
	} else if (req_can_write(r)) {
		tmpl_show(d, "CAN_EDIT");
		/* a merged duplicate stays inactive: its records are elsewhere */
		if (c->merged_into == NULL) {
			tmpl_show(d, inactive ? "CAN_REACTIVATE" : "CAN_DEACTIVATE");
			tmpl_show(d, "CAN_MERGE");
		}
	} else
		tmpl_show(d, "READ_ONLY");
	fill_address(d, &o.addresses, ADDRESS_BILLING, "Billing address");
	fill_address(d, &o.addresses, ADDRESS_SHIPPING, "Shipping address");
	fill_profitability(r, d, &o.retention, c->devices_out);
	fill_open_items(r, d, &o.prereq);
	struct highlight h = {req_str(r, KEY_HIGHLIGHT), false};
	/* no note on an erased customer: its texts are gone for good */
	fill_sections(r, d, c->public_id, req_can_write(r) && c->erased_at == NULL, &o.sections,
	              &h);
	fill_found(r, d, c, &h);
	tmpl_set(d, "NOTES_COUNT", fmt_count(a, o.retention.by.notes));
	view_send(r, &v, 200);
}
