/* customers: lookups, the lifecycle writes, counters, addresses, the list. */
#include "db/customers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/row.h"
#include "db/sql.h"
#include "util/buf.h"
#include "util/text.h"

/* The columns of CUSTOMER_COLS, in order. */
enum {
	CU_ID,
	CU_PUBLIC_ID,
	CU_EMAIL,
	CU_FIRST,
	CU_LAST,
	CU_TYPE,
	CU_COMPANY,
	CU_PHONE,
	CU_STATUS,
	CU_CREATED,
	CU_UPDATED,
	CU_MRR,
	CU_DEVICES,
	CU_ORDERS,
	CU_SORT_NAME,
	CU_FULL_NAME,
	CU_DEACT_AT,
	CU_DEACT_BY,
	CU_DEACT_REASON,
	CU_DEACT_NOTE,
	CU_CREATED_BY,
	CU_ERASED_AT,
	CU_ERASED_BY,
	CU_LEGAL_HOLD,
	CU_CUSTOM,
	CU_BILLING_JSON,
	CU_SHIPPING_JSON,
	CU_ORDER_IDS,
	CU_RENTAL_IDS,
	CU_COLLECTED,
	CU_ACQUISITION,
	CU_TRACKED,
	CU_MATCHES,
	CU_RANK /* the search box's list: 0 exact, 1 other matches */
};

#define CUSTOMER_COLS_BUT_CUSTOM                                                                   \
	"c.id, c.public_id, c.email, c.first_name, c.last_name, c.customer_type, c.company,"       \
	" c.phone, c.status, c.created_at, c.updated_at, c.mrr_cents, c.devices_out,"              \
	" c.total_orders, c.sort_name, c.full_name, c.deactivated_at, c.deactivated_by,"           \
	" c.deactivation_reason, c.deactivation_note, c.created_by, c.erased_at, c.erased_by,"     \
	" c.legal_hold"
#define CUSTOMER_COLS CUSTOMER_COLS_BUT_CUSTOM ", c.custom_fields"

/* db_customer_find()'s pending closure request, after CUSTOMER_COLS; fewer
 * columns than the API's additions, which read_customer() reads only
 * from a wider row. */
#define PENDING_CLOSURE_COLS                                                                       \
	"k.public_id, k.reason, k.requested_at, k.requested_by, k.waiting_for, k.checked_at"
enum { CU_CLOSURE = CU_CUSTOM + 1, CU_CLOSURE_COLS = 6 };

/* db_customer_find()'s merge links, after the closure's: where the
 * customer was merged to (public id) and when, and how many were merged
 * into it (issue 16). */
#define MERGE_COLS                                                                                 \
	"(SELECT m.public_id FROM customers m WHERE m.id = c.merged_into), c.merged_at,"           \
	" (SELECT COUNT(*) FROM customers f WHERE f.merged_into = c.id)"
enum { CU_MERGE = CU_CLOSURE + CU_CLOSURE_COLS };

/* The newest address of a kind as a JSON object (NULL when none). */
#define ADDRESS_JSON(kind)                                                                         \
	"(SELECT JSON_OBJECT('contactName', a.contact_name, 'streetAddress',"                      \
	" a.street_address, 'buildingInfo', a.building_info, 'locality', a.locality,"              \
	" 'city', a.city, 'adminArea', a.admin_area, 'postalCode', a.postal_code,"                 \
	" 'country', a.country, 'company', a.company) FROM addresses a"                            \
	" WHERE a.customer_id = c.id AND a.kind = '" kind "' ORDER BY a.id DESC LIMIT 1)"
#define ADDRESSES_JSON ADDRESS_JSON("billing") ", " ADDRESS_JSON("shipping")

/* What FlexPortal's customer object adds (CU_ORDER_IDS ... CU_TRACKED):
 * the ids of its orders and rentals (oldest first), the payments collected,
 * the acquisition cost of the devices it rented, its subscriptions. Each
 * reads the customer's rows by index (a list page has at most 100). */
#define API_EXTRAS                                                                                 \
	"(SELECT JSON_ARRAYAGG(o.public_id ORDER BY o.id) FROM orders o"                           \
	"  WHERE o.customer_id = c.id),"                                                           \
	" (SELECT JSON_ARRAYAGG(s.public_id ORDER BY s.id) FROM subscriptions s"                   \
	"  WHERE s.customer_id = c.id),"                                                           \
	" (SELECT COALESCE(SUM(p.amount), 0) FROM payments p"                                      \
	"  WHERE p.customer_id = c.id AND p.status = 'paid'),"                                     \
	" (SELECT COALESCE(SUM(x.acquisition_cost), 0) FROM assets x WHERE x.serial_number IN"     \
	"   (SELECT s2.asset_serial FROM subscriptions s2 WHERE s2.customer_id = c.id)),"          \
	" (SELECT COUNT(*) FROM subscriptions s3 WHERE s3.customer_id = c.id)"

const struct stmt_sql db_sql_customers[] = {
    /* The customer with its newest addresses, in one round trip. */
    /* with its pending closure request, if any (ux_closures_pending) */
    {STMT_CUSTOMER_BY_PUBLIC_ID,
     "SELECT " CUSTOMER_COLS ", " PENDING_CLOSURE_COLS ", " MERGE_COLS " FROM customers c"
     " LEFT JOIN closure_requests k ON k.pending_customer = c.id"
     " WHERE c.public_id = ? AND c.tenant_id = ?"},
    /* The addresses, newest first per kind (the newest of each is shown). */
    {STMT_CUSTOMER_ADDRESSES, "SELECT id, kind, contact_name, street_address, building_info,"
                              "       locality, city, admin_area, postal_code, country, company"
                              "  FROM addresses WHERE customer_id = ? ORDER BY kind, id DESC"
                              " LIMIT 20"},
    /* The API's additions to one customer: addresses and API_EXTRAS (id),
     * laid out as the list's columns from CU_BILLING_JSON. */
    {STMT_CUSTOMER_API,
     "SELECT " ADDRESSES_JSON ", " API_EXTRAS " FROM customers c WHERE c.id = ?"},
    /* The first statement of every lifecycle transaction. */
    {STMT_CUSTOMER_LOCK,
     "SELECT id, status, first_name, last_name, email, company, phone,"
     "       customer_type, deactivated_run_id,"
     "       (SELECT m.public_id FROM customers m WHERE m.id = customers.merged_into),"
     "       erased_at"
     "  FROM customers"
     " WHERE public_id = ? AND tenant_id = ? FOR UPDATE"},
    /* A profile edit: first, last, company, phone, type, id */
    {STMT_CUSTOMER_UPDATE_PROFILE,
     "UPDATE customers SET first_name = ?, last_name = ?, company = ?, phone = ?,"
     "       customer_type = ?, updated_at = UTC_TIMESTAMP() WHERE id = ?"},
    /* A new address (the newest of its kind is the customer's): tenant,
     * customer, kind, then the address members */
    {STMT_ADDRESS_INSERT,
     "INSERT INTO addresses (tenant_id, customer_id, kind, contact_name, street_address,"
     "       building_info, locality, city, admin_area, postal_code, country, company,"
     "       created_at)"
     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP())"},
    /* actor, reason, note, bulk run (NULL), id */
    {STMT_CUSTOMER_DEACTIVATE,
     "UPDATE customers SET status = 'inactive', deactivated_at = UTC_TIMESTAMP(),"
     "       deactivated_by = ?, deactivation_reason = ?, deactivation_note = ?,"
     "       deactivated_run_id = ?, updated_at = UTC_TIMESTAMP()"
     " WHERE id = ? AND status = 'active'"
     /* The prerequisites once more, inside the write: a write that ran
      * outside its transaction (a Galera conflict that aborted it without
      * an error, see db.c) still cannot break SPEC §4 rule 2. */
     "   AND NOT EXISTS (SELECT 1 FROM subscriptions s"
     "                    WHERE s.customer_id = customers.id AND s." BLOCKING_SUBSCRIPTION ")"
     "   AND NOT EXISTS (SELECT 1 FROM orders o"
     "                    WHERE o.customer_id = customers.id AND o." BLOCKING_ORDER ")"
     "   AND NOT EXISTS (SELECT 1 FROM assets a"
     "                    WHERE a.customer_id = customers.id AND a." BLOCKING_ASSET ")"},
    /* The deactivation record moves to the audit log, which keeps it. */
    {STMT_CUSTOMER_REACTIVATE,
     "UPDATE customers SET status = 'active', deactivated_at = NULL, deactivated_by = NULL,"
     "       deactivation_reason = NULL, deactivation_note = NULL, deactivated_run_id = NULL,"
     "       updated_at = UTC_TIMESTAMP()"
     " WHERE id = ? AND status = 'inactive'"},
    {STMT_CUSTOMER_COUNTS,
     "SELECT status, customer_type, SUM(n) FROM customer_counts WHERE tenant_id = ?"
     " GROUP BY status, customer_type"},
    /* The customer a record belongs to, in the tenant (id, tenant): each
     * one unique-key lookup. A device belongs to the customer it is with,
     * or else to the newest rental of it. */
    {STMT_OWNER_OF_CUSTOMER,
     "SELECT c.public_id FROM customers c WHERE c.public_id = ? AND c.tenant_id = ?"},
    {STMT_OWNER_OF_ORDER,
     "SELECT c.public_id FROM orders o JOIN customers c ON c.id = o.customer_id"
     " WHERE o.public_id = ? AND o.tenant_id = ?"},
    {STMT_OWNER_OF_SUBSCRIPTION,
     "SELECT c.public_id FROM subscriptions s JOIN customers c ON c.id = s.customer_id"
     " WHERE s.public_id = ? AND s.tenant_id = ?"},
    {STMT_OWNER_OF_PAYMENT,
     "SELECT c.public_id FROM payments p JOIN customers c ON c.id = p.customer_id"
     " WHERE p.public_id = ? AND p.tenant_id = ?"},
    {STMT_OWNER_OF_DEVICE,
     "SELECT c.public_id FROM assets x JOIN customers c ON c.id = COALESCE(x.customer_id,"
     "   (SELECT s.customer_id FROM subscriptions s WHERE s.asset_serial = x.serial_number"
     "     ORDER BY s.id DESC LIMIT 1))"
     " WHERE x.serial_number = ? AND x.tenant_id = ? AND c.tenant_id = x.tenant_id"},
};
const size_t db_sql_customers_n = sizeof(db_sql_customers) / sizeof(db_sql_customers[0]);

const char *const address_kind_name[ADDRESS_KIND__MAX] = {"billing", "shipping"};

void db_addresses_take(const struct db_res *r, size_t i, size_t first,
                       struct customer_addresses *out, uint64_t *newest, bool *bad)
{
	struct row w = row_at(r, i, "addresses");
	uint64_t id = row_u64(&w, first);
	int kind = row_enum(&w, first + 1, address_kind_name, ADDRESS_KIND__MAX, false);
	if (w.bad) {
		*bad = true;
		return;
	}
	if (out->present[kind] && newest[kind] > id)
		return;
	struct address_row *x = &out->of[kind];
	x->kind = (enum address_kind)kind;
	x->contact_name = row_str(&w, first + 2);
	x->street = row_str(&w, first + 3);
	x->building = row_str(&w, first + 4);
	x->locality = row_str(&w, first + 5);
	x->city = row_str(&w, first + 6);
	x->admin_area = row_str(&w, first + 7);
	x->postal_code = row_str(&w, first + 8);
	x->country = row_str(&w, first + 9);
	x->company = row_str(&w, first + 10);
	out->present[kind] = true;
	newest[kind] = id;
}

enum err db_customer_addresses(struct db *db, struct arena *a, uint64_t customer_id,
                               struct customer_addresses *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc =
	    db_exec(db, a, STMT_CUSTOMER_ADDRESSES, &r, "u", (unsigned long long)customer_id);
	if (rc != ERR_OK)
		return rc;
	uint64_t newest[ADDRESS_KIND__MAX] = {0};
	bool bad = false;
	for (size_t i = 0; i < r.nrows; i++)
		db_addresses_take(&r, i, 0, out, newest, &bad);
	return bad ? ERR_INTERNAL : ERR_OK;
}

/* The addresses and API_EXTRAS from column first on (NULL in the HTML
 * list: then has_extras stays false). */
static void read_api_extras(struct row *w, size_t first, struct customer_row *c)
{
	enum {
		X_BILLING,
		X_SHIPPING,
		X_ORDER_IDS,
		X_RENTAL_IDS,
		X_COLLECTED,
		X_ACQUISITION,
		X_TRACKED
	};
	c->billing_json = row_str(w, first + X_BILLING);
	c->shipping_json = row_str(w, first + X_SHIPPING);
	if (row_str(w, first + X_TRACKED) == NULL)
		return;
	c->has_extras = true;
	c->order_ids_json = row_str(w, first + X_ORDER_IDS);
	c->rental_ids_json = row_str(w, first + X_RENTAL_IDS);
	c->collected_cents = row_cents(w, first + X_COLLECTED);
	c->acquisition_cents = row_cents(w, first + X_ACQUISITION);
	c->subscriptions_tracked = row_i64(w, first + X_TRACKED);
}

/* A CU_* row; columns past the result's width stay empty. */
/* A customer's columns; extras: the API's additions follow (the list with
 * addresses), not db_customer_find()'s closure and merge columns. */
static void read_customer_cols(struct row *w, struct customer_row *c, bool extras)
{
	size_t ncols = w->res->ncols;
	memset(c, 0, sizeof(*c));
	c->id = row_u64(w, CU_ID);
	c->public_id = row_text(w, CU_PUBLIC_ID);
	c->email = row_text(w, CU_EMAIL);
	c->first_name = row_text(w, CU_FIRST);
	c->last_name = row_text(w, CU_LAST);
	c->type =
	    (enum customer_type)row_enum(w, CU_TYPE, customer_type_name, CUSTOMER_TYPE__MAX, false);
	c->company = row_str(w, CU_COMPANY);
	c->phone = row_str(w, CU_PHONE);
	c->status = (enum customer_status)row_enum(w, CU_STATUS, customer_status_name,
	                                           CUSTOMER_STATUS__MAX, false);
	c->created_at = row_str(w, CU_CREATED);
	c->updated_at = row_str(w, CU_UPDATED);
	c->mrr_cents = row_i64(w, CU_MRR);
	c->devices_out = row_i64(w, CU_DEVICES);
	c->total_orders = row_i64(w, CU_ORDERS);
	c->sort_name = row_text(w, CU_SORT_NAME);
	c->full_name = row_text(w, CU_FULL_NAME);
	c->deactivated_at = row_str(w, CU_DEACT_AT);
	c->deactivated_by = row_str(w, CU_DEACT_BY);
	c->deactivation_reason = row_enum(w, CU_DEACT_REASON, reason_code, REASON__MAX, true);
	c->deactivation_note = row_str(w, CU_DEACT_NOTE);
	c->created_by = row_text(w, CU_CREATED_BY);
	c->erased_at = row_str(w, CU_ERASED_AT);
	c->erased_by = row_str(w, CU_ERASED_BY);
	c->legal_hold = row_bool(w, CU_LEGAL_HOLD);
	c->custom_fields = row_str(w, CU_CUSTOM);
	c->rank = -1;
	if (!extras)
		return;
	if (ncols > CU_TRACKED)
		read_api_extras(w, CU_BILLING_JSON, c);
	if (ncols > CU_MATCHES)
		c->matches = row_i64(w, CU_MATCHES);
	c->rank = ncols > CU_RANK ? (int)row_i64(w, CU_RANK) : -1;
}

static void read_customer(struct row *w, struct customer_row *c)
{
	read_customer_cols(w, c, true);
}

enum err db_customer_find(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                          struct customer_row *out)
{
	struct db_res r;
	enum err rc =
	    db_exec(db, a, STMT_CUSTOMER_BY_PUBLIC_ID, &r, "si", public_id, (long long)tenant);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "customer");
	read_customer_cols(&w, out, false);
	out->merged_into = row_str(&w, CU_MERGE);
	out->merged_at = row_str(&w, CU_MERGE + 1);
	out->merged_from = row_i64(&w, CU_MERGE + 2);
	struct pending_closure *k = &out->closure;
	k->public_id = row_str(&w, CU_CLOSURE);
	k->reason = row_enum(&w, CU_CLOSURE + 1, reason_code, REASON__MAX, true);
	k->requested_at = row_str(&w, CU_CLOSURE + 2);
	k->requested_by = row_str(&w, CU_CLOSURE + 3);
	k->waiting_for = row_str(&w, CU_CLOSURE + 4);
	k->checked_at = row_str(&w, CU_CLOSURE + 5);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_customer_lock(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                          struct customer_row *out)
{
	enum {
		CL_ID,
		CL_STATUS,
		CL_FIRST,
		CL_LAST,
		CL_EMAIL,
		CL_COMPANY,
		CL_PHONE,
		CL_TYPE,
		CL_RUN,
		CL_MERGED,
		CL_ERASED
	};
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_CUSTOMER_LOCK, &r, "si", public_id, (long long)tenant);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "customer lock");
	memset(out, 0, sizeof(*out));
	out->id = row_u64(&w, CL_ID);
	out->public_id = public_id;
	out->status = (enum customer_status)row_enum(&w, CL_STATUS, customer_status_name,
	                                             CUSTOMER_STATUS__MAX, false);
	out->first_name = row_text(&w, CL_FIRST);
	out->last_name = row_text(&w, CL_LAST);
	out->email = row_text(&w, CL_EMAIL);
	out->company = row_str(&w, CL_COMPANY);
	out->phone = row_str(&w, CL_PHONE);
	out->type = (enum customer_type)row_enum(&w, CL_TYPE, customer_type_name,
	                                         CUSTOMER_TYPE__MAX, false);
	out->deactivated_run_id = row_u64(&w, CL_RUN);
	out->merged_into = row_str(&w, CL_MERGED);
	out->erased_at = row_str(&w, CL_ERASED);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_customer_api_extras(struct db *db, struct arena *a, struct customer_row *c)
{
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_CUSTOMER_API, &r, "u", (unsigned long long)c->id);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "customer api");
	read_api_extras(&w, 0, c);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_customer_update_profile(struct db *db, struct arena *a, uint64_t id,
                                    const struct customer_row *v)
{
	return db_exec(db, a, STMT_CUSTOMER_UPDATE_PROFILE, NULL, "sssssu", v->first_name,
	               v->last_name, v->company, v->phone, customer_type_name[v->type],
	               (unsigned long long)id);
}

enum err db_address_insert(struct db *db, struct arena *a, unsigned tenant, uint64_t customer_id,
                           const struct address_row *x)
{
	return db_exec(db, a, STMT_ADDRESS_INSERT, NULL, "iussssssssss", (long long)tenant,
	               (unsigned long long)customer_id, address_kind_name[x->kind], x->contact_name,
	               x->street, x->building, x->locality, x->city, x->admin_area, x->postal_code,
	               x->country, x->company);
}

enum err db_customer_deactivate(struct db *db, struct arena *a, uint64_t id, const char *actor,
                                enum reason reason, const char *note, uint64_t run, bool *changed)
{
	long long run_id = (long long)run;
	enum err rc =
	    db_exec(db, a, STMT_CUSTOMER_DEACTIVATE, NULL, "sssIu", actor, reason_code[reason],
	            note, run ? &run_id : NULL, (unsigned long long)id);
	*changed = rc == ERR_OK && db_affected(db) == 1;
	return rc;
}

enum err db_customer_reactivate(struct db *db, struct arena *a, uint64_t id, bool *changed)
{
	enum err rc = db_exec(db, a, STMT_CUSTOMER_REACTIVATE, NULL, "u", (unsigned long long)id);
	*changed = rc == ERR_OK && db_affected(db) == 1;
	return rc;
}

enum err db_customer_counts(struct db *db, struct arena *a, unsigned tenant,
                            struct customer_counts *out)
{
	memset(out, 0, sizeof(*out));
	struct db_res r;
	enum err rc = db_exec(db, a, STMT_CUSTOMER_COUNTS, &r, "i", (long long)tenant);
	if (rc != ERR_OK)
		return rc;
	for (size_t i = 0; i < r.nrows; i++) {
		struct row w = row_at(&r, i, "customer counts");
		int st = row_enum(&w, 0, customer_status_name, CUSTOMER_STATUS__MAX, false);
		int ty = row_enum(&w, 1, customer_type_name, CUSTOMER_TYPE__MAX, false);
		int64_t n = row_i64(&w, 2);
		if (w.bad)
			return ERR_INTERNAL;
		out->n[st][ty] += n;
	}
	return ERR_OK;
}

/* ---- the list ------------------------------------------------------------ */

static const char *const sort_col[CSORT__MAX] = {
    [CSORT_CREATED] = "c.created_at",  [CSORT_NAME] = "c.sort_name",
    [CSORT_EMAIL] = "c.email",         [CSORT_MRR] = "c.mrr_cents",
    [CSORT_DEVICES] = "c.devices_out", [CSORT_FIRST] = "c.full_name",
};

/* The index that reads each sort in order, with and without a status
 * filter. Named explicitly: with a LIMIT, MariaDB's cost model may prefer
 * walking another index that has the same order but not the cursor's range,
 * which is fine on page 1 and slow on page 500. */
static const char *const sort_index[CSORT__MAX][2] = {
    [CSORT_CREATED] = {"ix_customers_created", "ix_customers_status_created"},
    [CSORT_NAME] = {"ix_customers_name", "ix_customers_status_name"},
    [CSORT_EMAIL] = {"ix_customers_email", "ix_customers_status_email"},
    [CSORT_MRR] = {"ix_customers_mrr", "ix_customers_status_mrr"},
    [CSORT_DEVICES] = {"ix_customers_devices", "ix_customers_status_devices"},
    [CSORT_FIRST] = {"ix_customers_full_name", "ix_customers_status_first"},
};

bool customer_sort_is_int(enum customer_sort s)
{
	return s == CSORT_MRR || s == CSORT_DEVICES;
}

static const char *sort_key(struct arena *a, const struct customer_row *c, enum customer_sort s)
{
	switch (s) {
	case CSORT_CREATED: return c->created_at;
	case CSORT_NAME: return c->sort_name;
	case CSORT_EMAIL: return c->email;
	case CSORT_MRR: return arena_printf(a, "%lld", (long long)c->mrr_cents);
	case CSORT_DEVICES: return arena_printf(a, "%lld", (long long)c->devices_out);
	case CSORT_FIRST: return c->full_name;
	case CSORT__MAX: break;
	}
	return "";
}

const char *customer_sort_key(struct arena *a, const struct customer_row *c, enum customer_sort s)
{
	const char *key = sort_key(a, c, s);
	return c->rank >= 0 ? arena_printf(a, "%d:%s", c->rank, key) : key;
}

/* Escapes LIKE wildcards in term and appends '%'. */
static char *like_prefix(struct arena *a, const char *term)
{
	size_t n = strlen(term);
	char *out = arena_alloc(a, 2 * n + 2);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (term[i] == '%' || term[i] == '_' || term[i] == '\\')
			out[o++] = '\\';
		out[o++] = term[i];
	}
	out[o++] = '%';
	out[o] = '\0';
	return out;
}

#define SEARCH_CAP_SQL "1001" /* CUSTOMER_SEARCH_CAP + 1 */
#define CAP_SQL        "1000" /* CUSTOMER_SEARCH_CAP */
#define WORD_VIEW_SQL  "250"  /* a capped word's candidates shown */
#define WORD_REST_SQL  "751"  /* the rest of the cap + 1 */

/* The keys a search box term gives beyond its prefixes (util/text.h). */
struct search_keys {
	char phone[24];   /* reversed digits, or "" */
	char *phone_like; /* phone + '%' */
	struct search_words words;
	size_t lead;       /* the word whose entries are read: the one with fewest */
	bool lead_capped;  /* it has more than the cap: the matches are counted among its first */
	bool phrase_terms; /* the term has two chunks or more: "first last" prefixes too */
	bool lead_inline;  /* one word: the list's statement counts its entries */
	bool phone_only;   /* a punctuated phone number: its digits, nothing else */
	bool email_only;   /* a chunk that begins e-mail addresses: the e-mail's prefix */
};

/* The lead word's entries, up to the cap + 1, as a column of the list. */
#define LEAD_COUNT_COL                                                                             \
	", (SELECT COUNT(*) FROM (SELECT 1 FROM customer_words"                                    \
	" WHERE tenant_id = ? AND word LIKE ? LIMIT " SEARCH_CAP_SQL ") lw)"

/* Reads how many entries (up to the cap + 1) each word of the term has,
 * in one statement, and picks the word with fewest to read: its entries,
 * at most the cap, are the word source's candidates, which every other
 * word and phrase then checks. */
static enum err search_keys(struct db *db, struct arena *a, const struct customer_query *q,
                            struct search_keys *k, bool inline_count)
{
	memset(k, 0, sizeof(*k));
	if (text_phone_key(q->term, k->phone, sizeof(k->phone)))
		k->phone_like = arena_printf(a, "%s%%", k->phone);
	k->phrase_terms = strchr(q->term, ' ') != NULL;
	/* A punctuated phone number is looked up by its digits only: its
	 * groups ("31", "555") are not words anybody means, and no name or
	 * e-mail begins "(+31)". */
	if (k->phone_like && strspn(q->term, "0123456789") != strlen(q->term)) {
		k->phone_only = true;
		return ERR_OK;
	}
	if (text_search_words(q->term, &k->words) == 0)
		return ERR_OK;
	/* One chunk with separators inside ("anna.123", "j.doe@exa") that
	 * begins e-mail addresses is an e-mail search: the e-mail's prefix
	 * answers it, and its words would only add their first thousand
	 * entries' worth of doubt to the count. */
	bool email_like = !k->phrase_terms && k->words.nphrases == 1;
	/* One word leads by itself: the list counts its entries in its own
	 * statement (LEAD_COUNT_COL). */
	if (k->words.n == 1 && inline_count && !email_like) {
		k->lead_inline = true;
		return ERR_OK;
	}
	/* an e-mail search: one index probe, and no counts */
	if (email_like) {
		struct db_param e[2] = {{.type = DB_P_INT, .i = q->tenant},
		                        {.type = DB_P_STR, .s = like_prefix(a, q->term)}};
		struct db_res r;
		enum err rc = db_exec_params(
		    db, a,
		    "SELECT EXISTS (SELECT 1 FROM customers FORCE INDEX (ix_customers_email)"
		    " WHERE tenant_id = ? AND email LIKE ?)",
		    &r, e, 2);
		if (rc != ERR_OK || db_explaining(db))
			return rc;
		if (r.nrows == 1 && DB_V(&r, 0, 0) && strcmp(DB_V(&r, 0, 0), "1") == 0) {
			k->words.n = 0;
			k->email_only = true;
			return ERR_OK;
		}
	}
	struct buf b;
	buf_init(&b, a, 512);
	struct db_param p[2 * TEXT_SEARCH_WORDS_MAX];
	size_t n = 0;
	buf_puts(&b, "SELECT ");
	for (size_t i = 0; i < k->words.n; i++) {
		buf_printf(&b,
		           "%s(SELECT COUNT(*) FROM (SELECT 1 FROM customer_words"
		           " WHERE tenant_id = ? AND word LIKE ? LIMIT " SEARCH_CAP_SQL ") w%zu)",
		           i ? ", " : "", i);
		p[n++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
		p[n++] = (struct db_param){.type = DB_P_STR, .s = like_prefix(a, k->words.word[i])};
	}
	struct db_res r;
	enum err rc = db_exec_params(db, a, b.p, &r, p, n);
	if (rc != ERR_OK || db_explaining(db))
		return rc; /* explain mode: r is the plan (the first word leads) */
	struct row w = row_at(&r, 0, "search words");
	int64_t fewest = -1;
	for (size_t i = 0; i < k->words.n; i++) {
		int64_t c = row_i64(&w, (int)i);
		if (fewest < 0 || c < fewest) {
			fewest = c;
			k->lead = i;
		}
	}
	if (w.bad)
		return ERR_INTERNAL;
	k->lead_capped = fewest > CUSTOMER_SEARCH_CAP;
	return ERR_OK;
}

/* The filters inside each candidate source, so that a source's cap
 * counts matching customers: the union then holds more than the cap
 * exactly when more than the cap match, and the count can say so. */
static void source_filters_of(struct buf *b, const struct customer_query *q, const char *t)
{
	if (q->status >= 0)
		buf_printf(b, " AND %sstatus = ?", t);
	if (q->type >= 0)
		buf_printf(b, " AND %scustomer_type = ?", t);
	if (q->has_rentals >= 0)
		buf_printf(b, " AND (%sdevices_out > 0) = ?", t);
}

static void source_filters(struct buf *b, const struct customer_query *q)
{
	source_filters_of(b, q, "");
}

static void add_source_filter_params(const struct customer_query *q, struct db_param *p, size_t *n)
{
	if (q->status >= 0)
		p[(*n)++] =
		    (struct db_param){.type = DB_P_STR, .s = customer_status_name[q->status]};
	if (q->type >= 0)
		p[(*n)++] = (struct db_param){.type = DB_P_STR, .s = customer_type_name[q->type]};
	if (q->has_rentals >= 0)
		p[(*n)++] = (struct db_param){.type = DB_P_INT, .i = q->has_rentals};
}

/* The prefix sources: column and its index without and with the status
 * filter. The names' and the company's serve a term of several chunks
 * ("Anna Müll", "Müller Anna"): a single word is a word. */
static const struct {
	const char *col;
	const char *index[2];
	bool phrases_only;
} prefix_sources[] = {
    {"email", {"ix_customers_email", "ix_customers_status_email"}, false},
    {"sort_name", {"ix_customers_name", "ix_customers_status_name"}, true},
    {"full_name", {"ix_customers_full_name", "ix_customers_status_first"}, true},
    {"company", {"ix_customers_company", "ix_customers_company"}, true},
};
#define N_PREFIX_SOURCES (sizeof(prefix_sources) / sizeof(prefix_sources[0]))

static bool prefix_source_used(const struct customer_query *q, const struct search_keys *k,
                               size_t i)
{
	if (q->search != CSEARCH_TEXT)
		return true;
	if (k->phone_only)
		return false;
	if (k->email_only)
		return !prefix_sources[i].phrases_only;
	return !prefix_sources[i].phrases_only || k->phrase_terms || k->words.n == 0;
}

#define WORDS_TEXT "CONCAT_WS(' ', x.first_name, x.last_name, x.company, x.email)"

/* The derived table of matching ids; its parameters are added by
 * add_search_params() in the same order. The search box's candidates
 * come from every source that can match the term, each bounded by the
 * cap, filtered, and read through its own index: the prefix of the
 * e-mail (and, for a term of several chunks, of "last first", "first
 * last" and the company); the phone's digits (a prefix of the reversed
 * digits: the number ends with the term's); and the words anywhere: the
 * first entries of the term's rarest word in customer_words (a prefix of
 * a word of the names, company or e-mail), of which those that hold every
 * other word and phrase of the term. */
static void search_from(struct buf *b, const struct customer_query *q, const struct search_keys *k)
{
	if (q->search == CSEARCH_EMAIL_EXACT) {
		buf_puts(b, "(SELECT id FROM customers FORCE INDEX (ix_customers_email)"
		            " WHERE tenant_id = ? AND email = ?"
		            " LIMIT " SEARCH_CAP_SQL ") m JOIN customers c ON c.id = m.id");
		return;
	}
	buf_puts(b, "(");
	bool first = true;
	for (size_t i = 0; i < N_PREFIX_SOURCES; i++) {
		if (!prefix_source_used(q, k, i))
			continue;
		buf_printf(b, "%s(SELECT id FROM customers FORCE INDEX (%s) WHERE tenant_id = ?",
		           first ? "" : " UNION ", prefix_sources[i].index[q->status >= 0]);
		first = false;
		if (q->status >= 0 && strcmp(prefix_sources[i].col, "company") != 0) {
			/* the status is the index's second column */
			buf_printf(b, " AND status = ? AND %s LIKE ?", prefix_sources[i].col);
			struct customer_query rest = *q;
			rest.status = -1;
			source_filters(b, &rest);
		} else {
			buf_printf(b, " AND %s LIKE ?", prefix_sources[i].col);
			source_filters(b, q);
		}
		buf_puts(b, " LIMIT " SEARCH_CAP_SQL ")");
	}
	if (k->phone_like) {
		buf_printf(b,
		           "%s(SELECT id FROM customers FORCE INDEX (ix_customers_phone_rev)"
		           " WHERE tenant_id = ? AND phone_rev LIKE ?",
		           first ? "" : " UNION ");
		first = false;
		source_filters(b, q);
		buf_puts(b, " LIMIT " SEARCH_CAP_SQL ")");
	}
	if (k->words.n > 0) {
		/* A word with more than the cap's entries shows the first
		 * WORD_VIEW of them (its count says 1,000+ either way): known
		 * from the words' counts, or, for one word counted in the list's
		 * own statement, read as the first WORD_VIEW and the rest only
		 * when its count is within the cap. */
		buf_printf(b, "%s(SELECT d.id FROM ", first ? "" : " UNION ");
		if (k->lead_inline)
			buf_puts(b, "((SELECT customer_id AS id FROM customer_words"
			            " WHERE tenant_id = ? AND word LIKE ? LIMIT " WORD_VIEW_SQL ")"
			            " UNION ALL (SELECT r.id FROM (SELECT customer_id AS id"
			            " FROM customer_words WHERE tenant_id = ? AND word LIKE ?"
			            " LIMIT " WORD_VIEW_SQL ", " WORD_REST_SQL ") r"
			            " WHERE (SELECT COUNT(*) FROM (SELECT 1 FROM customer_words"
			            " WHERE tenant_id = ? AND word LIKE ? LIMIT " SEARCH_CAP_SQL
			            ") rw)"
			            " <= " CAP_SQL ")) d");
		else
			buf_printf(b,
			           "(SELECT customer_id AS id FROM customer_words"
			           " WHERE tenant_id = ? AND word LIKE ? LIMIT %s) d",
			           k->lead_capped ? WORD_VIEW_SQL : SEARCH_CAP_SQL);
		/* The other words and phrases are checked on each candidate's
		 * row; without any, the list's own filters apply to the word's
		 * entries (their count already says when it is more than the cap). */
		size_t checks = k->words.n - 1 + k->words.nphrases;
		if (checks > 0) {
			buf_puts(b,
			         " STRAIGHT_JOIN customers x ON x.id = d.id WHERE x.tenant_id = ?");
			for (size_t i = 0; i + 1 < k->words.n; i++)
				buf_puts(b, " AND x.words LIKE ?");
			for (size_t i = 0; i < k->words.nphrases; i++)
				buf_puts(b, " AND " WORDS_TEXT " LIKE ?");
			source_filters_of(b, q, "x.");
		}
		buf_puts(b, ")");
	}
	buf_puts(b, ") m STRAIGHT_JOIN customers c ON c.id = m.id");
}

/* '%' + term with LIKE's wildcards escaped + '%'. */
static char *like_anywhere(struct arena *a, const char *term)
{
	return arena_printf(a, "%%%s", like_prefix(a, term));
}

static void add_search_params(struct arena *a, const struct customer_query *q,
                              const struct search_keys *k, struct db_param *p, size_t *n)
{
	if (q->search == CSEARCH_EMAIL_EXACT) {
		p[(*n)++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
		p[(*n)++] = (struct db_param){.type = DB_P_STR, .s = q->term};
		return;
	}
	const char *like = like_prefix(a, q->term);
	for (size_t i = 0; i < N_PREFIX_SOURCES; i++) {
		if (!prefix_source_used(q, k, i))
			continue;
		p[(*n)++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
		if (q->status >= 0 && strcmp(prefix_sources[i].col, "company") != 0) {
			p[(*n)++] = (struct db_param){.type = DB_P_STR,
			                              .s = customer_status_name[q->status]};
			p[(*n)++] = (struct db_param){.type = DB_P_STR, .s = like};
			struct customer_query rest = *q;
			rest.status = -1;
			add_source_filter_params(&rest, p, n);
		} else {
			p[(*n)++] = (struct db_param){.type = DB_P_STR, .s = like};
			add_source_filter_params(q, p, n);
		}
	}
	if (k->phone_like) {
		p[(*n)++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
		p[(*n)++] = (struct db_param){.type = DB_P_STR, .s = k->phone_like};
		add_source_filter_params(q, p, n);
	}
	if (k->words.n > 0) {
		const char *lead = like_prefix(a, k->words.word[k->lead]);
		for (int i = 0; i < (k->lead_inline ? 3 : 1); i++) {
			p[(*n)++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
			p[(*n)++] = (struct db_param){.type = DB_P_STR, .s = lead};
		}
		size_t checks = k->words.n - 1 + k->words.nphrases;
		if (checks > 0) {
			p[(*n)++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
			for (size_t i = 0; i < k->words.n; i++)
				if (i != k->lead)
					p[(*n)++] = (struct db_param){
					    .type = DB_P_STR,
					    .s = arena_printf(a, "%% %s",
					                      like_prefix(a, k->words.word[i]))};
			for (size_t i = 0; i < k->words.nphrases; i++)
				p[(*n)++] = (struct db_param){
				    .type = DB_P_STR, .s = like_anywhere(a, k->words.phrase[i])};
			add_source_filter_params(q, p, n);
		}
	}
}

/* The search box's rank: 0 for an exact match (the e-mail, the full name
 * either way round, the company, or the phone's digits equal to the
 * term; the collation ignores case and accents), 1 for the others. */
static void rank_expr(struct buf *b, const struct search_keys *k)
{
	buf_puts(b, "IF(c.email = ? OR c.full_name = ? OR c.sort_name = ? OR c.company = ?");
	if (k->phone_like)
		buf_puts(b, " OR c.phone_rev = ?");
	buf_puts(b, ", 0, 1)");
}

static void add_rank_params(const struct customer_query *q, const struct search_keys *k,
                            struct db_param *p, size_t *n)
{
	for (int i = 0; i < 4; i++)
		p[(*n)++] = (struct db_param){.type = DB_P_STR, .s = q->term};
	if (k->phone_like)
		p[(*n)++] = (struct db_param){.type = DB_P_STR, .s = k->phone};
}

/* WHERE conditions shared by the list and the count. Only the filters in
 * use appear: "(? IS NULL OR ...)" forms mislead the optimizer into
 * scanning instead of reading the range after the cursor. */
static void filters(struct buf *b, const struct customer_query *q)
{
	buf_puts(b, " WHERE c.tenant_id = ?");
	if (q->status >= 0)
		buf_puts(b, " AND c.status = ?");
	if (q->type >= 0)
		buf_puts(b, " AND c.customer_type = ?");
	if (q->has_rentals >= 0)
		buf_puts(b, " AND (c.devices_out > 0) = ?");
}

static void add_filter_params(const struct customer_query *q, struct db_param *p, size_t *n)
{
	p[(*n)++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
	if (q->status >= 0)
		p[(*n)++] =
		    (struct db_param){.type = DB_P_STR, .s = customer_status_name[q->status]};
	if (q->type >= 0)
		p[(*n)++] = (struct db_param){.type = DB_P_STR, .s = customer_type_name[q->type]};
	if (q->has_rentals >= 0)
		p[(*n)++] = (struct db_param){.type = DB_P_INT, .i = q->has_rentals};
}

static void read_list_row(struct row *w, void *elem)
{
	read_customer(w, elem);
}

enum err db_customer_list(struct db *db, struct arena *a, const struct customer_query *q,
                          struct customer_list *out)
{
	memset(out, 0, sizeof(*out));
	bool ranked = q->search == CSEARCH_TEXT;
	struct search_keys k;
	memset(&k, 0, sizeof(k));
	enum err rc;
	if (ranked && (rc = search_keys(db, a, q, &k, q->with_total)) != ERR_OK)
		return rc;
	/* a ranked cursor's key is "<rank>:<sort key>" (customer_sort_key) */
	int after_rank = 0;
	const char *after_key = q->after_key;
	if (ranked && q->after) {
		if (after_key == NULL || (after_key[0] != '0' && after_key[0] != '1') ||
		    after_key[1] != ':')
			return ERR_INVALID;
		after_rank = after_key[0] - '0';
		after_key += 2;
	}
	struct buf b;
	buf_init(&b, a, 4096);
	/* The HTML list does not show custom fields: leaving the JSON text out
	 * keeps the rows narrow enough to be sorted in memory (searches). */
	buf_puts(&b, q->addresses ? "SELECT " CUSTOMER_COLS ", " ADDRESSES_JSON ", " API_EXTRAS
	                          : "SELECT " CUSTOMER_COLS_BUT_CUSTOM
	                            ", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL");
	/* Counted over every matching row before the LIMIT, in the same pass
	 * (a search's first page needs no second statement for its count). */
	if (q->with_total)
		buf_puts(&b, ", COUNT(*) OVER ()");
	else if (ranked)
		buf_puts(&b, ", NULL");
	if (ranked) {
		buf_puts(&b, ", ");
		rank_expr(&b, &k);
		buf_puts(&b, " AS rk");
	}
	if (k.lead_inline)
		buf_puts(&b, LEAD_COUNT_COL);
	buf_puts(&b, " FROM ");
	if (q->search != CSEARCH_NONE)
		search_from(&b, q, &k);
	else
		buf_printf(&b, "customers c FORCE INDEX (%s)", sort_index[q->sort][q->status >= 0]);
	filters(&b, q);
	const char *col = sort_col[q->sort];
	const char *cmp = q->desc ? "<" : ">";
	if (q->after && ranked) {
		buf_puts(&b, " AND (");
		rank_expr(&b, &k);
		buf_puts(&b, " > ? OR (");
		rank_expr(&b, &k);
		buf_printf(&b, " = ? AND (%s %s ? OR (%s = ? AND c.id %s ?))))", col, cmp, col,
		           cmp);
	} else if (q->after) {
		buf_printf(&b, " AND (%s %s ? OR (%s = ? AND c.id %s ?))", col, cmp, col, cmp);
	}
	buf_printf(&b, " ORDER BY %s%s %s, c.id %s LIMIT ?", ranked ? "rk, " : "", col,
	           q->desc ? "DESC" : "ASC", q->desc ? "DESC" : "ASC");

	struct db_param p[96];
	size_t n = 0;
	if (ranked)
		add_rank_params(q, &k, p, &n);
	if (k.lead_inline) {
		p[n++] = (struct db_param){.type = DB_P_INT, .i = q->tenant};
		p[n++] = (struct db_param){.type = DB_P_STR, .s = like_prefix(a, k.words.word[0])};
	}
	if (q->search != CSEARCH_NONE)
		add_search_params(a, q, &k, p, &n);
	add_filter_params(q, p, &n);
	if (q->after) {
		struct db_param key;
		if (customer_sort_is_int(q->sort)) {
			long long v = 0;
			if (sscanf(after_key, "%lld", &v) != 1)
				return ERR_INVALID;
			key = (struct db_param){.type = DB_P_INT, .i = v};
		} else {
			key = (struct db_param){.type = DB_P_STR, .s = after_key};
		}
		if (ranked) {
			add_rank_params(q, &k, p, &n);
			p[n++] = (struct db_param){.type = DB_P_INT, .i = after_rank};
			add_rank_params(q, &k, p, &n);
			p[n++] = (struct db_param){.type = DB_P_INT, .i = after_rank};
		}
		p[n++] = key;
		p[n++] = key;
		p[n++] = (struct db_param){.type = DB_P_UINT, .i = (long long)q->after_id};
	}
	p[n++] = (struct db_param){.type = DB_P_INT, .i = q->limit};
	struct db_res r;
	rc = db_exec_params(db, a, b.p, &r, p, n);
	if (rc == ERR_OK)
		out->rows = rows_read(a, &r, "customer list", sizeof(*out->rows), read_list_row,
		                      &out->n, &rc);
	/* One word's entries were counted with the rows; with no row, on
	 * their own. */
	if (rc == ERR_OK && k.lead_inline && !db_explaining(db)) {
		if (out->n > 0) {
			const char *v = DB_V(&r, 0, CU_RANK + 1);
			k.lead_capped = v != NULL && atoll(v) > CUSTOMER_SEARCH_CAP;
		} else {
			rc = search_keys(db, a, q, &k, false);
		}
	}
	/* The word source read only the first entries of its word: the count
	 * says "more than the cap", as it is not known beyond. */
	if (rc == ERR_OK && k.lead_capped && q->with_total)
		for (size_t i = 0; i < out->n; i++)
			if (out->rows[i].matches <= CUSTOMER_SEARCH_CAP)
				out->rows[i].matches = CUSTOMER_SEARCH_CAP + 1;
	return rc;
}

enum err db_customer_search_words(struct db *db, struct arena *a, const struct customer_query *q)
{
	struct search_keys k;
	return search_keys(db, a, q, &k, false);
}

enum err db_customer_search_count(struct db *db, struct arena *a, const struct customer_query *q,
                                  int64_t *out)
{
	*out = 0;
	if (q->search == CSEARCH_NONE)
		return ERR_INTERNAL;
	struct buf b;
	buf_init(&b, a, 1024);
	struct search_keys k;
	memset(&k, 0, sizeof(k));
	enum err rc;
	if (q->search == CSEARCH_TEXT && (rc = search_keys(db, a, q, &k, false)) != ERR_OK)
		return rc;
	buf_puts(&b, "SELECT COUNT(*) FROM ");
	search_from(&b, q, &k);
	filters(&b, q);
	struct db_param p[96];
	size_t n = 0;
	add_search_params(a, q, &k, p, &n);
	add_filter_params(q, p, &n);
	struct db_res r;
	rc = db_exec_params(db, a, b.p, &r, p, n);
	if (rc != ERR_OK || r.nrows != 1)
		return rc;
	struct row w = row_at(&r, 0, "search count");
	*out = row_i64(&w, 0);
	if (k.lead_capped && *out <= CUSTOMER_SEARCH_CAP)
		*out = CUSTOMER_SEARCH_CAP + 1;
	return w.bad ? ERR_INTERNAL : ERR_OK;
}

enum err db_record_owner(struct db *db, struct arena *a, unsigned tenant, enum record_kind kind,
                         const char *id, const char **customer_public_id)
{
	static const enum stmt by_kind[RECORD_KIND__MAX] = {
	    [RECORD_CUSTOMER] = STMT_OWNER_OF_CUSTOMER,
	    [RECORD_ORDER] = STMT_OWNER_OF_ORDER,
	    [RECORD_SUBSCRIPTION] = STMT_OWNER_OF_SUBSCRIPTION,
	    [RECORD_PAYMENT] = STMT_OWNER_OF_PAYMENT,
	    [RECORD_DEVICE] = STMT_OWNER_OF_DEVICE,
	};
	*customer_public_id = NULL;
	if ((unsigned)kind >= RECORD_KIND__MAX)
		return ERR_INTERNAL;
	struct db_res r;
	enum err rc = db_exec(db, a, by_kind[kind], &r, "si", id, (long long)tenant);
	if (rc != ERR_OK)
		return rc;
	if (r.nrows == 0)
		return ERR_NOT_FOUND;
	struct row w = row_at(&r, 0, "record owner");
	*customer_public_id = row_text(&w, 0);
	return w.bad ? ERR_INTERNAL : ERR_OK;
}
