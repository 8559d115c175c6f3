/*
 * explain: every list, search and prerequisite query, EXPLAINed on the
 * loaded database through the application's own SQL builders (db explain
 * mode), must read through an index: no full table scan (type ALL) on a
 * table of the data, and no filesort unless it sorts a derived table (a
 * search's bounded candidates) or one customer's own rows. The other named
 * statements must at least never scan a whole table.
 *
 *   explain --config FILE      prints "ok"/"not ok" per query, then
 *                              "N passed, N failed"; exit 1 on a failure
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/assets.h"
#include "db/audit.h"
#include "db/bulk.h"
#include "db/customers.h"
#include "db/db.h"
#include "db/orders.h"
#include "db/payments.h"
#include "db/records.h"
#include "db/rentals.h"
#include "db/retention.h"
#include "db/sql.h"
#include "db/tenants.h"
#include "util/config.h"

/* EXPLAIN columns */
enum {
	EX_ID,
	EX_SELECT_TYPE,
	EX_TABLE,
	EX_TYPE,
	EX_KEYS,
	EX_KEY,
	EX_KEY_LEN,
	EX_REF,
	EX_ROWS,
	EX_EXTRA
};

static int passed, failed;

/* strict: a list, search or prerequisite query (no filesort but on a
 * derived table or one customer's rows). */
static void judge_plan(const char *name, enum err rc, const struct db_res *r, bool strict)
{
	char why[512] = "";
	if (rc != ERR_OK) {
		snprintf(why, sizeof(why), "EXPLAIN failed (%d)", (int)rc);
	} else {
		for (size_t i = 0; i < r->nrows && !why[0]; i++) {
			const char *table = DB_V(r, i, EX_TABLE) ? DB_V(r, i, EX_TABLE) : "";
			const char *type = DB_V(r, i, EX_TYPE) ? DB_V(r, i, EX_TYPE) : "";
			const char *extra = DB_V(r, i, EX_EXTRA) ? DB_V(r, i, EX_EXTRA) : "";
			bool derived = table[0] == '<' || table[0] == '\0';
			if (!derived && strcmp(type, "ALL") == 0)
				snprintf(why, sizeof(why), "full scan of %s", table);
			else if (strict && !derived && strstr(extra, "filesort") &&
			         strcmp(type, "ref") != 0 && strcmp(type, "eq_ref") != 0 &&
			         strcmp(type, "const") != 0)
				snprintf(why, sizeof(why), "filesort over %s (%s, key %s)", table,
				         type, DB_V(r, i, EX_KEY) ? DB_V(r, i, EX_KEY) : "none");
			else if (strict && !derived && strstr(extra, "filesort") &&
			         strcmp(table, "customers") == 0)
				snprintf(why, sizeof(why), "filesort over customers");
		}
	}
	if (why[0]) {
		failed++;
		printf("not ok - %s: %s\n", name, why);
		for (size_t i = 0; rc == ERR_OK && i < r->nrows; i++)
			printf("#   %s %s type=%s key=%s rows=%s %s\n", DB_V(r, i, EX_SELECT_TYPE),
			       DB_V(r, i, EX_TABLE) ? DB_V(r, i, EX_TABLE) : "-",
			       DB_V(r, i, EX_TYPE) ? DB_V(r, i, EX_TYPE) : "-",
			       DB_V(r, i, EX_KEY) ? DB_V(r, i, EX_KEY) : "-",
			       DB_V(r, i, EX_ROWS) ? DB_V(r, i, EX_ROWS) : "-",
			       DB_V(r, i, EX_EXTRA) ? DB_V(r, i, EX_EXTRA) : "");
	} else {
		passed++;
	}
}

/* Judges the plan of the statement that fn just "ran" in explain mode. */
static struct db *explained;
#define judge(name, call, unused, strict)                                                          \
	judge_plan((name), (call), db_explain_plan(explained), (strict))

static void customer_lists(struct db *db, struct arena *a)
{
	static const char *const sorts[CSORT__MAX] = {"createdAt", "name",    "email",
	                                              "mrr",       "devices", "firstName"};
	static const int statuses[] = {CUSTOMER_ACTIVE, CUSTOMER_INACTIVE, -1};
	static const int types[] = {-1, CUSTOMER_BUSINESS};
	static const char *const searches[CSEARCH__MAX] = {"none", "text", "email"};
	for (int s = 0; s < CSORT__MAX; s++)
		for (int desc = 0; desc < 2; desc++)
			for (int st = 0; st < 3; st++)
				for (int t = 0; t < 2; t++)
					for (int after = 0; after < 2; after++)
						for (int se = 0; se < CSEARCH__MAX; se++) {
							struct customer_query q = {
							    .tenant = 1,
							    .status = statuses[st],
							    .type = types[t],
							    .has_rentals = t ? 1 : -1,
							    .search = (enum customer_search)se,
							    .term = se == CSEARCH_EMAIL_EXACT
							                ? "anna.12@example.com"
							                : "ann",
							    .sort = (enum customer_sort)s,
							    .desc = desc,
							    .after = after,
							    .after_key =
							        se == CSEARCH_TEXT
							            ? (customer_sort_is_int(s)
							                   ? "0:100"
							                   : "0:2024-01-01 "
							                     "00:00:00")
							        : customer_sort_is_int(s)
							            ? "100"
							            : "2024-01-01 00:00:00",
							    .after_id = 1000,
							    .addresses = se == CSEARCH_EMAIL_EXACT,
							    .with_total =
							        se != CSEARCH_NONE && !after,
							    .limit = 51,
							};
							char name[160];
							snprintf(
							    name, sizeof(name),
							    "customer list sort=%s %s status=%s "
							    "type=%s%s "
							    "search=%s",
							    sorts[s], desc ? "desc" : "asc",
							    statuses[st] >= 0
							        ? customer_status_name[statuses[st]]
							        : "all",
							    types[t] >= 0
							        ? customer_type_name[types[t]]
							        : "any",
							    after ? " after" : "", searches[se]);
							struct customer_list r;
							judge(name, db_customer_list(db, a, &q, &r),
							      &r, true);
						}
}

/* The search box's every shape: the id jumps' lookups, the words' counts,
 * and the list and its count for terms that add the phone source, the word
 * source (one word, several, with a phrase), the names' prefixes, or only
 * the e-mail's prefix, each sort, with a filter and a cursor. */
static void search_shapes(struct db *db, struct arena *a)
{
	static const struct {
		enum record_kind kind;
		const char *id;
	} ids[] = {
	    {RECORD_CUSTOMER, "cus_fixture_clean"},   {RECORD_ORDER, "ord_fixture_all_partial"},
	    {RECORD_SUBSCRIPTION, "sub_fixture_all"}, {RECORD_PAYMENT, "pay_inact_h2"},
	    {RECORD_DEVICE, "SN-FIXTURE-ALL"},        {RECORD_DEVICE, "SN-FIXTURE-DEV"},
	};
	char name[160];
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const char *cid;
		snprintf(name, sizeof(name), "search id jump %s", ids[i].id);
		/* in explain mode the plan is the answer: no owner is "not found" */
		enum err rc = db_record_owner(db, a, 1, ids[i].kind, ids[i].id, &cid);
		judge(name, rc == ERR_NOT_FOUND ? ERR_OK : rc, &cid, true);
	}
	static const char *const terms[] = {
	    "ann",             /* e-mail prefix + one word */
	    "jane doe",        /* all prefixes + two words */
	    "+31 20 555 0100", /* all prefixes + phone (no words: a phone's groups) */
	    "0205550100",      /* e-mail prefix + phone (trunk 0) + the digits as a word */
	    "fixture.example", /* e-mail prefix + two words and a phrase */
	    "j",               /* prefixes only: no word */
	};
	for (size_t t = 0; t < sizeof(terms) / sizeof(terms[0]); t++) {
		struct customer_query wq = {.tenant = 1, .search = CSEARCH_TEXT, .term = terms[t]};
		snprintf(name, sizeof(name), "search words \"%s\"", terms[t]);
		enum err rc = db_customer_search_words(db, a, &wq);
		if (strcmp(terms[t], "j") != 0 && terms[t][0] != '+') /* no word: no statement */
			judge(name, rc, NULL, true);
	}
	for (size_t t = 0; t < sizeof(terms) / sizeof(terms[0]); t++)
		for (int s = 0; s < CSORT__MAX; s++)
			for (unsigned v = 0; v < 8; v++) {
				bool after = v & 1, desc = v & 2, filtered = v & 4;
				struct customer_query q = {
				    .tenant = 1,
				    .status = filtered ? CUSTOMER_ACTIVE : -1,
				    .type = filtered ? CUSTOMER_BUSINESS : -1,
				    .has_rentals = -1,
				    .search = CSEARCH_TEXT,
				    .term = terms[t],
				    .sort = (enum customer_sort)s,
				    .desc = desc,
				    .after = after,
				    .after_key =
				        customer_sort_is_int(s) ? "1:100" : "1:2024-01-01 00:00:00",
				    .after_id = 1000,
				    .with_total = !after,
				    .limit = 51,
				};
				snprintf(name, sizeof(name), "search list \"%s\" sort %d%s%s%s",
				         terms[t], s, desc ? " desc" : "",
				         filtered ? " filtered" : "", after ? " after" : "");
				struct customer_list r;
				judge(name, db_customer_list(db, a, &q, &r), &r, true);
				if (after || s)
					continue;
				int64_t n;
				snprintf(name, sizeof(name), "search count \"%s\"%s", terms[t],
				         filtered ? " filtered" : "");
				judge(name, db_customer_search_count(db, a, &q, &n), &n, true);
			}
}

static void audit_lists(struct db *db, struct arena *a)
{
	for (unsigned v = 0; v < 32; v++) {
		struct audit_query q = {
		    .tenant = 1,
		    .actor = v & 1 ? "admin" : NULL,
		    .action = v & 2 ? "deactivate" : NULL,
		    .outcome = v & 4 ? "ok" : NULL,
		    .customer = v & 8 ? "cus_fixture_clean" : NULL,
		    .from = "2026-01-01",
		    .to = "2026-12-31",
		    .after = v & 16,
		    .after_id = 1000,
		    .limit = 51,
		};
		char name[64];
		snprintf(name, sizeof(name), "audit list variant %u", v);
		struct audit_list r;
		judge(name, db_audit_list(db, a, &q, &r), &r, true);
	}
}

static void order_lists(struct db *db, struct arena *a)
{
	static const char *const sorts[OSORT__MAX] = {"createdAt", "updatedAt", "orderId", "status",
	                                              "totals.total"};
	static const char *const keys[OSORT__MAX] = {"2024-01-01 00:00:00", "2024-01-01 00:00:00",
	                                             "ord_5", "3", "3900"};
	for (int s = 0; s < OSORT__MAX; s++)
		for (unsigned v = 0; v < 16; v++) {
			struct orders_query q = {.tenant = 1,
			                         .customer_id = v & 1 ? 1 : 0,
			                         .status = v & 2 ? ORDER_PENDING : -1,
			                         .sort = (enum order_sort)s,
			                         .desc = v & 8,
			                         .after = v & 4,
			                         .after_key = keys[s],
			                         .after_id = 1000,
			                         .limit = 51};
			char name[96];
			snprintf(name, sizeof(name), "API orders list sort=%s %s%s%s%s", sorts[s],
			         v & 8 ? "desc" : "asc", v & 1 ? " customer" : "",
			         v & 2 ? " status" : "", v & 4 ? " after" : "");
			struct order_detail_list r;
			judge(name, db_orders_list(db, a, &q, &r), &r, true);
		}
	uint64_t ids[ORDERS_ITEMS_MAX];
	for (size_t i = 0; i < ORDERS_ITEMS_MAX; i++)
		ids[i] = 4 + i;
	struct order_item_row *items;
	size_t n;
	judge("API orders list: the page's lines", db_order_items(db, a, 1, ids, 100, &items, &n),
	      &items, true);
}

/* The records' API: each filter alone and with the status filter and a
 * cursor, and each lookup by id. */
static void record_lists(struct db *db, struct arena *a)
{
	char name[96];
	struct orders_query oq = {
	    .tenant = 1, .public_id = "ord_fixture_pending", .status = -1, .limit = 1};
	struct order_detail_list orows;
	judge("API getOrder", db_orders_list(db, a, &oq, &orows), &orows, true);
	for (unsigned v = 0; v < 32; v++) {
		int filter = (int)(v % 8); /* 0 none, 1 customer, 2 order, 3 serial, 4 id */
		if (filter > 4)
			continue;
		struct rental_query q = {.tenant = 1,
		                         .public_id = filter == 4 ? "sub_fixture_all" : NULL,
		                         .customer_id = filter == 1 ? 1 : 0,
		                         .order = filter == 2 ? "ord_fixture_all_rental" : NULL,
		                         .serial = filter == 3 ? "SN-FIXTURE-ALL" : NULL,
		                         .status = v & 8 ? SUB_ACTIVE : -1,
		                         .after_id = v & 16 ? 1000 : 0,
		                         .limit = 51};
		snprintf(name, sizeof(name), "API subscriptions list filter=%d%s%s", filter,
		         v & 8 ? " status" : "", v & 16 ? " after" : "");
		struct rental_items r;
		judge(name, db_rentals_list(db, a, &q, &r), &r, true);
	}
	for (unsigned v = 0; v < 32; v++) {
		int filter = (int)(v % 8); /* 0 none, 1 customer, 2 sku, 3 rental, 4 serial */
		if (filter > 4)
			continue;
		struct asset_query q = {.tenant = 1,
		                        .serial = filter == 4 ? "SN-FIXTURE-ALL" : NULL,
		                        .customer_id = filter == 1 ? 1 : 0,
		                        .sku = filter == 2 ? "FW-LAP-14" : NULL,
		                        .rental = filter == 3 ? "sub_fixture_all" : NULL,
		                        .status = v & 8 ? ASSET_RETURNED : -1,
		                        .after = v & 16 ? "SN0000000100" : NULL,
		                        .limit = 51};
		snprintf(name, sizeof(name), "API assets list filter=%d%s%s", filter,
		         v & 8 ? " status" : "", v & 16 ? " after" : "");
		struct asset_items r;
		judge(name, db_assets_list(db, a, &q, &r), &r, true);
	}
	for (unsigned v = 0; v < 64; v++) {
		int filter = (int)(v % 4); /* 0 none, 1 customer, 2 rental, 3 id */
		struct payment_query q = {.tenant = 1,
		                          .public_id = filter == 3 ? "pay_inact_h2" : NULL,
		                          .customer_id = filter == 1 ? 1 : 0,
		                          .rental = filter == 2 ? "sub_fixture_all" : NULL,
		                          .status = v & 4 ? PAYMENT_PAID : -1,
		                          .due_from = v & 8 ? "2025-01-01" : NULL,
		                          .due_to = v & 16 ? "2025-12-31" : NULL,
		                          .after_id = v & 32 ? 1000 : 0,
		                          .limit = 51};
		snprintf(name, sizeof(name), "API payments list filter=%d%s%s%s%s", filter,
		         v & 4 ? " status" : "", v & 8 ? " from" : "", v & 16 ? " to" : "",
		         v & 32 ? " after" : "");
		struct payment_items r;
		judge(name, db_payments_list(db, a, &q, &r), &r, true);
	}
}

static void bulk_queries(struct db *db, struct arena *a)
{
	for (unsigned v = 1; v < 16; v++) {
		struct bulk_filter f = {.domain = v & 1 ? "test.invalid" : NULL,
		                        .created_before = v & 2 ? "2020-01-01" : NULL,
		                        .no_orders = v & 4,
		                        .idle_since = v & 8 ? "2026-01-01" : NULL};
		char name[64];
		snprintf(name, sizeof(name), "bulk filter variant %u", v);
		struct bulk_customers r;
		/* Filters pick candidates from the whole tenant; a filter without a
		 * domain walks the tenant's active customers by index (bounded by
		 * the limit), which is allowed: not strict. */
		judge(name, db_bulk_filter(db, a, 1, &f, 10001, &r), &r, false);
	}
	const char *ids[] = {"cus_fixture_clean", "cus_fixture_all_three"};
	struct bulk_customers r;
	judge("bulk lookup by ids", db_bulk_by_public_ids(db, a, 1, ids, 2, &r), &r, true);
	const char *emails[] = {"anna.12@example.com"};
	judge("bulk lookup by e-mails", db_bulk_by_emails(db, a, 1, emails, 1, &r), &r, true);
	uint64_t cids[] = {1, 2, 3};
	for (int c = 0; c < BULK_CHECK__MAX; c++) {
		char name[64];
		snprintf(name, sizeof(name), "bulk blocker counts %d", c);
		struct blocker_counts counts;
		judge(name, db_bulk_blocker_counts(db, a, (enum bulk_check)c, cids, 3, &counts),
		      &counts, true);
	}
	judge("bulk duplicates by e-mail", db_bulk_duplicates(db, a, 1, true, 40001, &r), &r,
	      false);
	judge("bulk duplicates by name", db_bulk_duplicates(db, a, 1, false, 40001, &r), &r, false);
}

/* Named statements with parameters that make sense for each. */
static void named(struct db *db, struct arena *a)
{
	static const struct {
		enum stmt id;
		const char *fmt;
		bool strict;
	} list[] = {
	    {STMT_OPERATOR_BY_NAME, "s", true},
	    {STMT_API_KEY_BY_HASH, "s", true},
	    /* the API keys page's list (README "API keys") */
	    {STMT_API_KEY_TENANT_LIST, "i", true},
	    {STMT_CUSTOMER_BY_PUBLIC_ID, "si", true},
	    {STMT_CUSTOMER_LOCK, "si", true},
	    {STMT_CUSTOMER_COUNTS, "i", true},
	    {STMT_RETENTION_CUSTOMER, "iiiiiiiiiii", true},
	    {STMT_BLOCKERS, "iii", true},
	    {STMT_ORDERS_IN_FLIGHT_LOCK, "i", true},
	    {STMT_SUBS_ACTIVE_LOCK, "i", true},
	    {STMT_ASSETS_OUT_LOCK, "i", true},
	    {STMT_SECTIONS, "iiiiiiiiiiiiiiiiiiiiii", true},
	    {STMT_CUSTOMER_ADDRESSES, "i", true},
	    {STMT_RETENTION_BY_REASON_MONTH, "i", false},
	    {STMT_RETENTION_TOTALS, "iiiii", false},
	    {STMT_BULK_RUN_BY_NONCE, "is", true},
	    {STMT_BULK_RUN_GET, "si", true},
	    {STMT_BULK_RUN_LOCK, "si", true},
	    {STMT_BULK_UNDO_CANDIDATES, "i", true},
	    {STMT_BULK_RUN_PROGRESS, "i", true},
	    {STMT_BULK_RUNS_RECENT, "i", true},
	    {STMT_BULK_ITEMS_PAGE, "iii", true},
	    {STMT_BULK_CLAIM_FIND, "", true},
	    {STMT_BULK_PENDING_ITEMS, "is", true},
	    /* closure requests: the customer's pending one, a request, the
	     * workers' claim and sweep, the /closures page (with and without
	     * the state filter) */
	    {STMT_CLOSURE_PENDING_OF, "i", true},
	    {STMT_CLOSURE_GET, "si", true},
	    {STMT_CLOSURE_DUE_FIND, "i", true},
	    {STMT_CLOSURE_BY_ID, "i", true},
	    {STMT_CLOSURE_SWEEP, "i", true},
	    {STMT_CLOSURE_LIST, "iii", true},
	    {STMT_CLOSURE_LIST_STATE, "isii", true},
	    /* webhooks: the endpoints page, an endpoint, its delivery log, the
	     * job workers' due deliveries, their batch and its release */
	    {STMT_WEBHOOK_ENDPOINTS, "i", true},
	    {STMT_WEBHOOK_ENDPOINT_GET, "si", true},
	    {STMT_WEBHOOK_DELIVERIES, "iiii", true},
	    {STMT_WEBHOOK_DUE, "i", true},
	    {STMT_WEBHOOK_CLAIMED, "s", true},
	    {STMT_WEBHOOK_RELEASE, "s", false},
	    /* erasure: the rules' state (locked and not), the confirmation
	     * page's counts */
	    {STMT_ERASURE_STATE, "si", true},
	    {STMT_ERASURE_STATE_LOCK, "si", true},
	    {STMT_ERASURE_COUNTS, "iiiiiii", true},
	    /* the retention policy: its settings, the tenants with one, the
	     * customers due now and in the next days */
	    {STMT_POLICY_GET, "i", true},
	    /* the retention page's erasures per month (grouped: a temporary
	     * table over the tenant's erased customers only) */
	    {STMT_RETENTION_ERASED_MONTH, "i", false},
	    {STMT_POLICY_TENANTS, "", false},
	    {STMT_POLICY_DUE, "iii", true},
	    {STMT_POLICY_UPCOMING, "iiiii", true},
	    {STMT_POLICY_UPCOMING_COUNT, "iii", true},
	};
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
		struct db_param p[24];
		size_t n = strlen(list[i].fmt);
		if (n > sizeof(p) / sizeof(p[0])) {
			printf("not ok - statement %d: more parameters than the test binds\n",
			       (int)list[i].id);
			failed++;
			continue;
		}
		for (size_t k = 0; k < n; k++)
			p[k] = list[i].fmt[k] == 's'
			           ? (struct db_param){.type = DB_P_STR, .s = "cus_fixture_clean"}
			           : (struct db_param){.type = DB_P_INT, .i = k == n - 1 ? 11 : 1};
		char name[64];
		snprintf(name, sizeof(name), "statement %d", (int)list[i].id);
		struct db_res r;
		judge_plan(name, db_exec_params(db, a, db_stmt_sql(list[i].id), &r, p, n),
		           db_explain_plan(db), list[i].strict);
	}
}

int main(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "--config") != 0) {
		fprintf(stderr, "usage: explain --config FILE\n");
		return 2;
	}
	struct config cfg;
	char err[256];
	if (config_load(argv[2], &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "explain: %s\n", err);
		return 2;
	}
	struct db *db = db_new(&cfg);
	struct arena *a = arena_new();
	if (db == NULL || a == NULL || db_connect(db) != ERR_OK) {
		fprintf(stderr, "explain: cannot connect\n");
		return 2;
	}
	db_set_explain(db, true);
	explained = db;
	customer_lists(db, a);
	search_shapes(db, a);
	audit_lists(db, a);
	order_lists(db, a);
	record_lists(db, a);
	bulk_queries(db, a);
	named(db, a);
	printf("%d passed, %d failed\n", passed, failed);
	db_free(db);
	arena_free(a);
	return failed ? 1 : 0;
}
