#include "pages/common.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/sql.h"
#include "http/error.h"
#include "http/view.h"
#include "util/csrf.h"
#include "util/fmt.h"

bool page_load_customer(struct req *r, struct db_res *out)
{
	enum err rc = db_exec(r->app->db, r->arena, STMT_CUSTOMER_BY_PUBLIC_ID, out, "si", r->arg,
	                      (long long)r->user.tenant);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return false;
	}
	if (out->nrows == 0) {
		http_error(r, 404, "NOT_FOUND",
		           "There is no customer with this id. Check the id, or search the list.");
		return false;
	}
	return true;
}

const char *row_name_of(struct arena *a, const char *first, const char *last)
{
	if (first == NULL || last == NULL)
		return "";
	return arena_printf(a, "%s%s%s", first, first[0] && last[0] ? " " : "", last);
}

const char *customer_name(struct arena *a, const struct db_res *c, size_t row)
{
	const char *first = DB_V(c, row, CU_FIRST), *last = DB_V(c, row, CU_LAST);
	if (first[0] == '\0' && last[0] == '\0')
		return DB_V(c, row, CU_EMAIL);
	return row_name_of(a, first, last);
}

void fill_customer_head(struct req *r, struct tmpl_dict *d, const struct db_res *c, size_t row)
{
	const char *pid = DB_V(c, row, CU_PUBLIC_ID);
	tmpl_set(d, "CUSTOMER_ID", pid);
	tmpl_set(d, "CUSTOMER_NAME", customer_name(r->arena, c, row));
	tmpl_set(d, "CUSTOMER_URL", arena_printf(r->arena, "/customers/%s", pid));
	tmpl_set(d, "EMAIL", DB_V(c, row, CU_EMAIL));
	tmpl_set(d, "STATUS", DB_V(c, row, CU_STATUS));
	tmpl_set(d, "TYPE", DB_V(c, row, CU_TYPE));
	tmpl_set(d, "TYPE_LABEL", fmt_label(r->arena, DB_V(c, row, CU_TYPE)));
	if (DB_V(c, row, CU_COMPANY) && DB_V(c, row, CU_COMPANY)[0])
		tmpl_set(tmpl_add(d, "HAS_COMPANY"), "COMPANY", DB_V(c, row, CU_COMPANY));
	tmpl_show(d, strcmp(DB_V(c, row, CU_STATUS), "active") == 0 ? "IS_ACTIVE" : "IS_INACTIVE");
}

void fill_csrf(struct req *r, struct tmpl_dict *d, const char *action, const char *subject)
{
	char token[CSRF_TOKEN_LEN + 1];
	const struct config *cfg = &r->app->cfg;
	csrf_token_make(cfg->secret, cfg->secretlen, r->user.name, action, subject, time(NULL),
	                cfg->csrf_ttl, token);
	tmpl_set(d, "CSRF", token);
}

struct tmpl_dict *fill_deactivation(struct req *r, struct tmpl_dict *d, const struct db_res *c,
                                    size_t row)
{
	struct tmpl_dict *x = tmpl_add(d, "DEACTIVATION");
	tmpl_set(x, "DEACT_AT", fmt_datetime(r->arena, DB_V(c, row, CU_DEACT_AT)));
	tmpl_set(x, "DEACT_BY", DB_V(c, row, CU_DEACT_BY));
	tmpl_set(x, "DEACT_REASON", fmt_label(r->arena, DB_V(c, row, CU_DEACT_REASON)));
	tmpl_set(x, "DEACT_NOTE", DB_V(c, row, CU_DEACT_NOTE));
	return x;
}

void fill_options(struct tmpl_dict *d, const char *section, const char *const *values,
                  const char *const *labels, size_t n, const char *current)
{
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *o = tmpl_add(d, section);
		tmpl_set(o, "OPTION_VALUE", values[i]);
		tmpl_set(o, "OPTION_LABEL", labels[i]);
		if (current && strcmp(current, values[i]) == 0)
			tmpl_show(o, "OPTION_SELECTED");
	}
}

struct actor page_actor(struct req *r)
{
	struct actor a = {r->user.name, r->user.tenant, "page", r->request_id, 0};
	return a;
}

void fill_prereq(struct req *r, struct tmpl_dict *d, const char *customer_pid,
                 const struct prereq *p)
{
	static const char *const kinds[PREREQ__MAX] = {"subscription", "order", "device"};
	for (int c = 0; c < PREREQ__MAX; c++) {
		struct tmpl_dict *ck = tmpl_add(d, "CHECK");
		size_t n = prereq_count(p, (enum prereq_code)c);
		tmpl_set(ck, "CHECK_TITLE", prereq_title[c]);
		tmpl_set(ck, "CHECK_CODE", prereq_error_code[c]);
		if (n == 0) {
			tmpl_show(ck, "CHECK_PASSED");
			continue;
		}
		struct tmpl_dict *f = tmpl_add(ck, "CHECK_FAILED");
		tmpl_set(f, "SOLUTION", prereq_solution[c]);
		tmpl_set(f, "BLOCKING_COUNT", fmt_count(r->arena, (long long)n));
		tmpl_set(f, "BLOCKING_KIND",
		         n == 1 ? kinds[c] : arena_printf(r->arena, "%ss", kinds[c]));
		const struct db_res *rows = &p->rows[c];
		for (size_t i = 0; i < rows->nrows && i < 50; i++) {
			struct tmpl_dict *b = tmpl_add(f, "BLOCKER");
			const char *id, *label, *status;
			if (c == PREREQ_ACTIVE_SUBSCRIPTIONS) {
				id = DB_V(rows, i, SU_PUBLIC_ID);
				label = arena_printf(
				    r->arena, "%s/month since %s",
				    fmt_money(r->arena, DB_V(rows, i, SU_AMOUNT), r->user.currency),
				    DB_V(rows, i, SU_START));
				status = DB_V(rows, i, SU_STATUS);
			} else if (c == PREREQ_PENDING_ORDERS) {
				id = DB_V(rows, i, OR_PUBLIC_ID);
				label =
				    arena_printf(r->arena, "%s, placed %s",
				                 fmt_money(r->arena, DB_V(rows, i, OR_TOTAL),
				                           DB_V(rows, i, OR_CURRENCY)),
				                 fmt_datetime(r->arena, DB_V(rows, i, OR_CREATED)));
				status = DB_V(rows, i, OR_STATUS);
			} else {
				id = DB_V(rows, i, AS_SERIAL);
				label = arena_printf(r->arena, "%s (%s)", DB_V(rows, i, AS_PRODUCT),
				                     DB_V(rows, i, AS_SKU));
				status = "rented_out";
			}
			tmpl_set(b, "BLOCKER_ID", id);
			tmpl_set(b, "BLOCKER_LABEL", label);
			tmpl_set(b, "BLOCKER_STATUS", status);
			tmpl_set(b, "BLOCKER_URL",
			         arena_printf(r->arena, "/customers/%s#open-%s", customer_pid, id));
		}
		if (rows->nrows > 50)
			tmpl_set_int(tmpl_add(f, "MORE_BLOCKERS"), "MORE",
			             (long long)rows->nrows - 50);
	}
	tmpl_show(d, prereq_passed(p) ? "CLEAR" : "BLOCKED");
}

static void by_status_rows(struct req *r, struct tmpl_dict *d, const char *section,
                           const struct db_res *rows)
{
	for (size_t i = 0; i < rows->nrows; i++) {
		struct tmpl_dict *s = tmpl_add(d, section);
		tmpl_set(s, "ROW_STATUS", DB_V(rows, i, BS_STATUS));
		tmpl_set(s, "ROW_LABEL", fmt_label(r->arena, DB_V(rows, i, BS_STATUS)));
		tmpl_set(s, "ROW_COUNT", fmt_count(r->arena, atoll(DB_V(rows, i, BS_COUNT))));
	}
}

void fill_retention(struct req *r, struct tmpl_dict *d, const struct retention *ret, bool inactive,
                    long long devices_out)
{
	struct arena *a = r->arena;
	const char *cur = r->user.currency;
	d = tmpl_include(d, "RETENTION_TABLE", "retention_table.tpl");
	tmpl_set(d, "RET_PROFILE", inactive ? "Preserved, marked inactive" : "Preserved, active");
	tmpl_set(d, "RET_ORDERS", fmt_count(a, ret->orders_total));
	tmpl_set(d, "RET_SUBS", fmt_count(a, ret->subs_total));
	tmpl_set(d, "RET_PAYMENTS", fmt_count(a, ret->payments_total));
	tmpl_set(d, "RET_COLLECTED", fmt_money(a, ret->collected, cur));
	tmpl_set(d, "RET_ADDRESSES", fmt_count(a, ret->addresses));
	tmpl_set(d, "RET_ORDERS_NOUN", ret->orders_total == 1 ? "order" : "orders");
	tmpl_set(d, "RET_SUBS_NOUN", ret->subs_total == 1 ? "subscription" : "subscriptions");
	tmpl_set(d, "RET_PAYMENTS_NOUN", ret->payments_total == 1 ? "payment" : "payments");
	tmpl_set(d, "RET_ADDRESSES_NOUN", ret->addresses == 1 ? "address" : "addresses");
	tmpl_set(d, "RET_DEVICES_EVER", fmt_count(a, ret->devices_ever));
	tmpl_set(d, "RET_DEVICES_OUT", fmt_count(a, devices_out));
	by_status_rows(r, d, "ORDER_STATUS", &ret->orders);
	by_status_rows(r, d, "SUB_STATUS", &ret->subs);
	by_status_rows(r, d, "PAYMENT_STATUS", &ret->payments);
}
