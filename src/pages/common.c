#include "pages/common.h"

#include <string.h>
#include <time.h>

#include "domain/closures.h"
#include "http/error.h"
#include "util/csrf.h"
#include "util/fmt.h"

void page_customer_failed(struct req *r, enum err rc)
{
	if (rc == ERR_NOT_FOUND)
		http_error(r, 404, "NOT_FOUND",
		           "There is no customer with this id. Check the id, or search the list.");
	else
		http_fail_kind(r, rc);
}

void page_erased(struct req *r)
{
	http_error(r, 409, "ERASED",
	           "This customer's personal data was erased: it cannot be edited or reactivated "
	           "again. Its orders, payments and history are kept under its id.");
}

bool page_refuse_erased(struct req *r, const struct customer_row *c)
{
	if (c->erased_at != NULL)
		page_erased(r);
	return c->erased_at != NULL;
}

bool fill_erased(struct req *r, struct tmpl_dict *d, const struct customer_row *c,
                 const struct retention *ret)
{
	if (c->erased_at == NULL)
		return false;
	struct arena *a = r->arena;
	struct tmpl_dict *e = tmpl_add(d, "ERASED");
	tmpl_set(e, "ERASED_AT", fmt_datetime(a, c->erased_at));
	tmpl_set(e, "ERASED_BY", c->erased_by);
	if (ret->by.timeline.financial_until != NULL)
		tmpl_set(tmpl_add(e, "FINANCIAL"), "FINANCIAL_UNTIL",
		         ret->by.timeline.financial_until);
	return true;
}

const char *row_name_of(struct arena *a, const char *first, const char *last)
{
	if (first == NULL || last == NULL)
		return "";
	return arena_printf(a, "%s%s%s", first, first[0] && last[0] ? " " : "", last);
}

void fill_customer_head(struct req *r, struct tmpl_dict *d, const struct customer_row *c)
{
	tmpl_set(d, "CUSTOMER_ID", c->public_id);
	tmpl_set(d, "CUSTOMER_NAME", customer_display_name(r->arena, c));
	tmpl_set(d, "CUSTOMER_URL", arena_printf(r->arena, "/customers/%s", c->public_id));
	tmpl_set(d, "EMAIL", c->email);
	tmpl_set(d, "STATUS", customer_status_name[c->status]);
	tmpl_set(d, "TYPE", customer_type_name[c->type]);
	tmpl_set(d, "TYPE_LABEL", fmt_label(r->arena, customer_type_name[c->type]));
	if (c->company && c->company[0])
		tmpl_set(tmpl_add(d, "HAS_COMPANY"), "COMPANY", c->company);
	tmpl_show(d, c->status == CUSTOMER_ACTIVE ? "IS_ACTIVE" : "IS_INACTIVE");
}

void fill_csrf(struct req *r, struct tmpl_dict *d, const char *action, const char *subject)
{
	char token[CSRF_TOKEN_LEN + 1];
	const struct config *cfg = &r->app->cfg;
	csrf_token_make(cfg->secret, cfg->secretlen, r->user.name, action, subject, time(NULL),
	                cfg->csrf_ttl, token);
	tmpl_set(d, "CSRF", token);
}

const char *reason_label(int reason)
{
	return reason >= 0 && reason < REASON__MAX ? reasons[reason].label : "";
}

struct tmpl_dict *fill_deactivation(struct req *r, struct tmpl_dict *d,
                                    const struct customer_row *c)
{
	struct tmpl_dict *x = tmpl_add(d, "DEACTIVATION");
	tmpl_set(x, "DEACT_AT", fmt_datetime(r->arena, c->deactivated_at));
	tmpl_set(x, "DEACT_BY", c->deactivated_by);
	tmpl_set(x, "DEACT_REASON", reason_label(c->deactivation_reason));
	tmpl_set(x, "DEACT_NOTE", c->deactivation_note);
	return x;
}

void fill_reasons(struct tmpl_dict *d, int checked)
{
	for (int i = 0; i < REASON__MAX; i++) {
		struct tmpl_dict *o = tmpl_add(d, "REASON");
		tmpl_set(o, "REASON_CODE", reason_code[i]);
		tmpl_set(o, "REASON_LABEL", reasons[i].label);
		tmpl_set(o, "REASON_HINT", reasons[i].hint);
		if (i == checked)
			tmpl_show(o, "REASON_CHECKED");
	}
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
	struct actor a = {r->user.name, r->user.tenant, CHANNEL_PAGE, r->request_id, 0};
	return a;
}

void fill_record_actions(struct req *r, struct tmpl_dict *d, const char *section,
                         enum prereq_code kind, const char *id)
{
	if (!req_can_write(r))
		return;
	static const struct {
		enum prereq_code kind;
		const char *head, *tail, *label;
	} acts[] = {
	    {PREREQ_ACTIVE_SUBSCRIPTIONS, "/subscriptions/", "/cancel", "Cancel subscription"},
	    {PREREQ_ACTIVE_SUBSCRIPTIONS, "/subscriptions/", "/early-return", "Early return"},
	    {PREREQ_PENDING_ORDERS, "/orders/", "/cancel", "Cancel order"},
	    {PREREQ_UNRETURNED_DEVICES, "/devices/", "/status", "Record return, sale or loss"},
	};
	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		if (acts[i].kind != kind)
			continue;
		struct tmpl_dict *x = tmpl_add(d, section);
		tmpl_set(x, "ACT_URL",
		         arena_printf(r->arena, "%s%s%s", acts[i].head, id, acts[i].tail));
		tmpl_set(x, "ACT_LABEL", acts[i].label);
		tmpl_set(x, "ACT_ID", id);
	}
}

/* One blocking record: its id, what it is, its status, what to do. */
static void blocker(struct req *r, struct tmpl_dict *f, const char *pid, const char *id,
                    const char *label, const char *status, enum prereq_code kind)
{
	struct tmpl_dict *b = tmpl_add(f, "BLOCKER");
	fill_record_actions(r, b, "BLOCKER_ACTION", kind, id);
	tmpl_set(b, "BLOCKER_ID", id);
	tmpl_set(b, "BLOCKER_LABEL", label);
	tmpl_set(b, "BLOCKER_STATUS", status);
	tmpl_set(b, "BLOCKER_URL", arena_printf(r->arena, "/customers/%s#open-%s", pid, id));
}

#define BLOCKERS_SHOWN 50

void fill_prereq(struct req *r, struct tmpl_dict *d, const char *customer_pid,
                 const struct prereq *p)
{
	struct arena *a = r->arena;
	const struct blockers *b = &p->blockers;
	for (int c = 0; c < PREREQ__MAX; c++) {
		struct tmpl_dict *ck = tmpl_add(d, "CHECK");
		size_t n = prereq_count(p, (enum prereq_code)c);
		tmpl_set(ck, "CHECK_TITLE", prereq_defs[c].title);
		tmpl_set(ck, "CHECK_CODE", prereq_defs[c].code);
		if (n == 0) {
			tmpl_show(ck, "CHECK_PASSED");
			continue;
		}
		struct tmpl_dict *f = tmpl_add(ck, "CHECK_FAILED");
		tmpl_set(f, "SOLUTION", prereq_defs[c].solution);
		tmpl_set(f, "BLOCKING_COUNT", fmt_count(a, (long long)n));
		tmpl_set(f, "BLOCKING_KIND",
		         n == 1 ? prereq_defs[c].kind
		                : arena_printf(a, "%ss", prereq_defs[c].kind));
		for (size_t i = 0; i < n && i < BLOCKERS_SHOWN; i++) {
			if (c == PREREQ_ACTIVE_SUBSCRIPTIONS) {
				const struct subscription_row *s = &b->subscriptions.rows[i];
				blocker(
				    r, f, customer_pid, s->public_id,
				    arena_printf(a, "%s/month since %s",
				                 fmt_cents(a, s->monthly_cents, r->user.currency),
				                 s->start_date),
				    subscription_status_name[s->status],
				    PREREQ_ACTIVE_SUBSCRIPTIONS);
			} else if (c == PREREQ_PENDING_ORDERS) {
				const struct order_row *o = &b->orders.rows[i];
				blocker(r, f, customer_pid, o->public_id,
				        arena_printf(a, "%s, placed %s",
				                     fmt_cents(a, o->total_cents, o->currency),
				                     fmt_datetime(a, o->created_at)),
				        order_status_name[o->status], PREREQ_PENDING_ORDERS);
			} else {
				const struct asset_row *x = &b->devices.rows[i];
				blocker(r, f, customer_pid, x->serial,
				        x->return_expected_at
				            ? arena_printf(a, "%s (%s), coming back since %s",
				                           x->product, x->sku,
				                           fmt_datetime(a, x->return_expected_at))
				            : arena_printf(a, "%s (%s)", x->product, x->sku),
				        asset_status_name[ASSET_RENTED_OUT],
				        PREREQ_UNRETURNED_DEVICES);
			}
		}
		if (n > BLOCKERS_SHOWN)
			tmpl_set_int(tmpl_add(f, "MORE_BLOCKERS"), "MORE",
			             (long long)n - BLOCKERS_SHOWN);
	}
	tmpl_show(d, prereq_passed(p) ? "CLEAR" : "BLOCKED");
}

/* One row per status that has any, in the statuses' order. */
static void by_status_rows(struct req *r, struct tmpl_dict *d, const char *section,
                           const struct by_status *rows, const char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		if (rows[i].count == 0)
			continue;
		struct tmpl_dict *s = tmpl_add(d, section);
		tmpl_set(s, "ROW_STATUS", names[i]);
		tmpl_set(s, "ROW_LABEL", fmt_label(r->arena, names[i]));
		tmpl_set(s, "ROW_COUNT", fmt_count(r->arena, rows[i].count));
	}
}

void fill_retention(struct req *r, struct tmpl_dict *d, const struct retention *ret, bool inactive,
                    int64_t devices_out)
{
	struct arena *a = r->arena;
	const char *cur = r->user.currency;
	d = tmpl_include(d, "RETENTION_TABLE", "retention_table.tpl");
	tmpl_set(d, "RET_PROFILE", inactive ? "Preserved, marked inactive" : "Preserved, active");
	tmpl_set(d, "RET_ORDERS", fmt_count(a, ret->orders_total));
	tmpl_set(d, "RET_SUBS", fmt_count(a, ret->subscriptions_total));
	tmpl_set(d, "RET_PAYMENTS", fmt_count(a, ret->payments_total));
	tmpl_set(d, "RET_COLLECTED", fmt_cents(a, ret->collected_cents, cur));
	tmpl_set(d, "RET_ADDRESSES", fmt_count(a, ret->by.addresses));
	tmpl_set(d, "RET_ORDERS_NOUN", ret->orders_total == 1 ? "order" : "orders");
	tmpl_set(d, "RET_SUBS_NOUN",
	         ret->subscriptions_total == 1 ? "subscription" : "subscriptions");
	tmpl_set(d, "RET_PAYMENTS_NOUN", ret->payments_total == 1 ? "payment" : "payments");
	tmpl_set(d, "RET_ADDRESSES_NOUN", ret->by.addresses == 1 ? "address" : "addresses");
	tmpl_set(d, "RET_NOTES", fmt_count(a, ret->by.notes));
	tmpl_set(d, "RET_NOTES_NOUN", ret->by.notes == 1 ? "note" : "notes");
	tmpl_set(d, "RET_DEVICES_EVER", fmt_count(a, ret->by.devices_ever));
	tmpl_set(d, "RET_DEVICES_OUT", fmt_count(a, devices_out));
	by_status_rows(r, d, "ORDER_STATUS", ret->by.orders, order_status_name, ORDER_STATUS__MAX);
	by_status_rows(r, d, "SUB_STATUS", ret->by.subscriptions, subscription_status_name,
	               SUB_STATUS__MAX);
	by_status_rows(r, d, "PAYMENT_STATUS", ret->by.payments, payment_status_name,
	               PAYMENT_STATUS__MAX);
}

const char *const profile_field_label[PF__MAX] = {"First name", "Last name", "Company", "Phone",
                                                  "Customer type"};
const char *const address_member_label[AM__MAX] = {
    "Contact name",    "Company",     "Building, floor or suite",
    "Street address",  "Locality",    "City",
    "State or region", "Postal code", "Country"};
const char *const address_kind_label[ADDRESS_KIND__MAX] = {"Billing address", "Shipping address"};

const char *profile_path_label(struct arena *a, const char *path)
{
	for (int f = 0; f < PF__MAX; f++)
		if (strcmp(path, profile_field_name[f]) == 0)
			return profile_field_label[f];
	for (int k = 0; k < ADDRESS_KIND__MAX; k++) {
		size_t n = strlen(address_object_name[k]);
		if (strncmp(path, address_object_name[k], n) != 0 || path[n] != '.')
			continue;
		for (int m = 0; m < AM__MAX; m++)
			if (strcmp(path + n + 1, address_member_name[m]) == 0)
				return arena_printf(a, "%s, %c%s", address_kind_label[k],
				                    address_member_label[m][0] - 'A' + 'a',
				                    address_member_label[m] + 1);
	}
	return path;
}

void fill_changes(struct tmpl_dict *d, struct arena *a, const struct audit_row *x)
{
	if (x->nchanges == 0)
		return;
	struct tmpl_dict *list = tmpl_add(d, "CHANGES");
	for (size_t i = 0; i < x->nchanges; i++) {
		const struct audit_change *c = &x->changes[i];
		struct tmpl_dict *t = tmpl_add(list, "CHANGE");
		tmpl_set(t, "CHANGE_FIELD", profile_path_label(a, c->field));
		if (c->old_value)
			tmpl_set(tmpl_add(t, "OLD"), "CHANGE_OLD", c->old_value);
		else
			tmpl_show(t, "OLD_EMPTY");
		if (c->new_value)
			tmpl_set(tmpl_add(t, "NEW"), "CHANGE_NEW", c->new_value);
		else
			tmpl_show(t, "NEW_EMPTY");
	}
}

void fill_waiting_for(struct req *r, struct tmpl_dict *d, const char *waiting_for,
                      const char *checked_at)
{
	const char **codes;
	size_t n = closure_codes(r->arena, waiting_for, &codes);
	for (size_t i = 0; i < n; i++) {
		struct tmpl_dict *w = tmpl_add(d, "WAITING");
		tmpl_set(w, "WAITING_CODE", codes[i]);
		for (int k = 0; k < PREREQ__MAX; k++)
			if (strcmp(prereq_defs[k].code, codes[i]) == 0)
				tmpl_set(w, "WAITING_TITLE", prereq_defs[k].title);
	}
	if (n == 0)
		tmpl_show(d, "NOTHING_BLOCKS");
	if (checked_at != NULL)
		tmpl_set(tmpl_add(d, "CHECKED"), "CHECKED_AT", fmt_datetime(r->arena, checked_at));
}

bool fill_pending_closure(struct req *r, struct tmpl_dict *d, const struct customer_row *c)
{
	const struct pending_closure *k = &c->closure;
	if (k->public_id == NULL)
		return false;
	struct arena *a = r->arena;
	struct tmpl_dict *x = tmpl_add(d, "PENDING_CLOSURE");
	tmpl_set(x, "CLOSURE_ID", k->public_id);
	tmpl_set(x, "CLOSURE_BY", k->requested_by);
	tmpl_set(x, "CLOSURE_AT", fmt_datetime(a, k->requested_at));
	tmpl_set(x, "CLOSURE_REASON", reason_label(k->reason));
	fill_waiting_for(r, x, k->waiting_for, k->checked_at);
	if (req_can_write(r)) {
		struct tmpl_dict *f = tmpl_add(x, "WITHDRAW_FORM");
		fill_csrf(r, f, "closure_withdraw", k->public_id);
		tmpl_set(f, "WITHDRAW_URL", arena_printf(a, "/closures/%s/withdraw", k->public_id));
	}
	return true;
}
