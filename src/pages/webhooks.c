/* GET and POST /webhooks, GET and POST /webhooks/{whk_id},
 * POST /webhooks/{whk_id}/test, POST /webhooks/{whk_id}/redeliver
 * (README "Webhooks"). Staff see the tenant's endpoints and their delivery
 * logs; admins make and change them. An endpoint's secret is shown once,
 * on the answer to its creation, and on no other page. */
#include <string.h>

#include "db/webhooks.h"
#include "domain/webhooks.h"
#include "http/error.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/buf.h"
#include "util/fmt.h"

#define DELIVERIES_PAGE 50

/* Whether the user may make this page's writes: the route table's least
 * role for its POST (admins), so that a form is shown to those only. */
static bool may_write(const struct req *r)
{
	return r->user.role >= r->route->write;
}

/* What the log makes of a delivery's state: its badge, and whether it is
 * done (failed or delivered: an admin may send it again). */
static const struct delivery_look {
	const char *state;
	const char *badge;
	bool done;
} looks[] = {{"pending", "pending", false}, {"delivered", "ok", true}, {"failed", "failed", true}};

static const struct delivery_look *look_of(const char *state)
{
	for (size_t i = 0; i < sizeof(looks) / sizeof(looks[0]); i++)
		if (state != NULL && strcmp(looks[i].state, state) == 0)
			return &looks[i];
	return NULL;
}

/* Whether events ("*" or "a,b,c") names name exactly. */
static bool events_have(const char *events, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = events; *p != '\0';) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && memcmp(p, name, n) == 0)
			return true;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return false;
}

/* The events the form ticked, as the domain takes them: "*" when "All
 * events" is among them, else the names in webhook_event_names' order,
 * each once, comma-separated ("" when none: the route requires one). */
static const char *form_events(struct req *r)
{
	const struct field *f = &r->fields[KEY_EVENT];
	for (size_t i = 0; i < f->nmulti; i++)
		if (strcmp(f->multi[i], "*") == 0)
			return "*";
	struct buf b;
	buf_init(&b, r->arena, 128);
	for (unsigned e = 0; e < webhook_event_count; e++)
		for (size_t i = 0; i < f->nmulti; i++)
			if (strcmp(f->multi[i], webhook_event_names[e]) == 0) {
				if (b.len)
					buf_putc(&b, ',');
				buf_puts(&b, webhook_event_names[e]);
				break;
			}
	return b.p;
}

/* An endpoint's events as sections of d: ALL_EVENTS, or an EVENT
 * (EVENT_NAME) per name. */
static void fill_events(struct tmpl_dict *d, const char *events)
{
	if (strcmp(events, "*") == 0) {
		tmpl_show(d, "ALL_EVENTS");
		return;
	}
	for (const char *p = events; *p != '\0';) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		tmpl_set_n(tmpl_add(d, "EVENT"), "EVENT_NAME", p, len);
		if (end == NULL)
			break;
		p = end + 1;
	}
}

/* The events' checkboxes of a form (EVENT_CHOICE: EVENT_NAME, EVENT_INDEX,
 * EVENT_CHECKED) and ALL_CHECKED, ticked as events says (NULL: "All events",
 * a new endpoint's default). */
static void fill_event_choices(struct tmpl_dict *form, const char *events)
{
	bool all = events == NULL || strcmp(events, "*") == 0;
	if (all)
		tmpl_show(form, "ALL_CHECKED");
	for (unsigned e = 0; e < webhook_event_count; e++) {
		struct tmpl_dict *c = tmpl_add(form, "EVENT_CHOICE");
		tmpl_set(c, "EVENT_NAME", webhook_event_names[e]);
		tmpl_set_int(c, "EVENT_INDEX", (long long)e);
		if (!all && events_have(events, webhook_event_names[e]))
			tmpl_show(c, "EVENT_CHECKED");
	}
}

void page_webhooks(struct req *r)
{
	struct arena *a = r->arena;
	struct webhook_endpoints list;
	enum err rc = db_webhook_endpoints(r->app->db, a, r->user.tenant, &list);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, "Webhooks", "webhooks.tpl", NAV_WEBHOOKS);
	for (size_t i = 0; i < list.n; i++) {
		const struct webhook_endpoint *e = &list.rows[i];
		struct tmpl_dict *row = tmpl_add(d, "ENDPOINT");
		tmpl_set(row, "WHK_ID", e->public_id);
		tmpl_set(row, "ENDPOINT_URL", arena_printf(a, "/webhooks/%s", e->public_id));
		tmpl_set(row, "URL", e->url);
		fill_events(row, e->events);
		tmpl_show(row, e->enabled ? "ENABLED" : "DISABLED");
		tmpl_set(row, "PENDING", fmt_count(a, e->pending));
		tmpl_set(row, "DELIVERED", fmt_count(a, e->delivered));
		tmpl_set(row, "FAILED", fmt_count(a, e->failed));
	}
	tmpl_show(d, list.n ? "HAS_ENDPOINTS" : "NO_ENDPOINTS");
	if (may_write(r)) {
		struct tmpl_dict *form = tmpl_add(d, "FORM");
		fill_csrf(r, form, "webhook_create", "");
		fill_event_choices(form, NULL);
	} else {
		tmpl_show(d, "READ_ONLY");
	}
	view_send(r, &v, 200);
}

void page_webhook_create(struct req *r)
{
	struct arena *a = r->arena;
	struct actor who = page_actor(r);
	const char *events = form_events(r);
	bool enabled = req_int(r, KEY_ENABLED, 0) == 1;
	const char *id, *secret;
	struct failure f = {0};
	if (webhook_create(r->app->db, a, &who, req_str(r, KEY_URL), events, enabled, &id, &secret,
	                   &f) != ERR_OK) {
		http_fail(r, &f);
		return;
	}
	struct view v;
	struct tmpl_dict *d =
	    view_begin(r, &v, "Webhook endpoint created", "webhook_created.tpl", NAV_WEBHOOKS);
	tmpl_set(d, "WHK_ID", id);
	tmpl_set(d, "ENDPOINT_URL", arena_printf(a, "/webhooks/%s", id));
	tmpl_set(d, "URL", req_str(r, KEY_URL));
	fill_events(d, events);
	tmpl_show(d, enabled ? "ENABLED" : "DISABLED");
	tmpl_set(d, "SECRET", secret);
	view_send(r, &v, 200);
}

/* The delivery log's address from before (0: its newest page). */
static const char *log_url(struct req *r, uint64_t before)
{
	if (before == 0)
		return arena_printf(r->arena, "/webhooks/%s#deliveries", r->arg);
	return arena_printf(r->arena, "/webhooks/%s?%s=%llu#deliveries", r->arg,
	                    input_name(KEY_CLOSURES_BEFORE), (unsigned long long)before);
}

/* One delivery of the log as the DELIVERY section; redeliver: an admin's
 * button for a delivery that is done (failed or delivered). */
static void fill_delivery(struct req *r, struct tmpl_dict *d, const struct webhook_delivery *x,
                          bool redeliver)
{
	struct arena *a = r->arena;
	struct tmpl_dict *row = tmpl_add(d, "DELIVERY");
	tmpl_set_int(row, "DELIVERY_ID", (long long)x->id);
	tmpl_set(row, "EVENT_ID", x->event_public_id);
	tmpl_set(row, "EVENT", x->event);
	if (x->customer_public_id != NULL) {
		struct tmpl_dict *c = tmpl_add(row, "CUSTOMER");
		tmpl_set(c, "CUSTOMER_ID", x->customer_public_id);
		tmpl_set(c, "CUSTOMER_URL",
		         arena_printf(a, "/customers/%s", x->customer_public_id));
	} else {
		tmpl_show(row, "NO_CUSTOMER");
	}
	const struct delivery_look *look = look_of(x->state);
	tmpl_set(row, "STATE", x->state);
	tmpl_set(row, "BADGE", look ? look->badge : "pending");
	tmpl_set_int(row, "ATTEMPTS", (long long)x->attempts);
	if (x->attempts == 0 && x->last_at == NULL)
		tmpl_show(row, "NOT_TRIED");
	else if (x->last_code >= 0)
		tmpl_set_int(tmpl_add(row, "CODE"), "LAST_CODE", (long long)x->last_code);
	else
		tmpl_show(row, "NO_CODE");
	if (x->last_ms >= 0)
		tmpl_set_int(tmpl_add(row, "MS"), "LAST_MS", (long long)x->last_ms);
	if (x->last_response != NULL && x->last_response[0] != '\0')
		tmpl_set(tmpl_add(row, "RESPONSE"), "LAST_RESPONSE", x->last_response);
	if (look != NULL && !look->done && x->next_at != NULL)
		tmpl_set(tmpl_add(row, "NEXT"), "NEXT_AT", fmt_datetime(a, x->next_at));
	if (x->delivered_at != NULL)
		tmpl_set(tmpl_add(row, "DELIVERED"), "DELIVERED_AT",
		         fmt_datetime(a, x->delivered_at));
	tmpl_set(row, "CREATED_AT", fmt_datetime(a, x->created_at));
	if (redeliver && look != NULL && look->done) {
		struct tmpl_dict *f = tmpl_add(row, "REDELIVER");
		fill_csrf(r, f, "webhook_redeliver", r->arg);
		tmpl_set(f, "REDELIVER_URL", arena_printf(a, "/webhooks/%s/redeliver", r->arg));
	}
}

void page_webhook(struct req *r)
{
	struct arena *a = r->arena;
	struct webhook_endpoint e;
	enum err rc = db_webhook_endpoint_get(r->app->db, a, r->user.tenant, r->arg, &e);
	if (rc != ERR_OK) {
		struct failure f = {rc, NULL, NULL};
		if (rc == ERR_NOT_FOUND)
			f.message = "There is no webhook endpoint with this id.";
		http_fail(r, &f);
		return;
	}
	uint64_t before = (uint64_t)req_int(r, KEY_CLOSURES_BEFORE, 0);
	struct webhook_deliveries log;
	rc = db_webhook_deliveries(r->app->db, a, e.id, before, DELIVERIES_PAGE + 1, &log);
	if (rc != ERR_OK) {
		http_fail_kind(r, rc);
		return;
	}
	struct view v;
	struct tmpl_dict *d = view_begin(r, &v, arena_printf(a, "Webhook endpoint %s", e.public_id),
	                                 "webhook.tpl", NAV_WEBHOOKS);
	tmpl_set(d, "WHK_ID", e.public_id);
	tmpl_set(d, "URL", e.url);
	fill_events(d, e.events);
	tmpl_show(d, e.enabled ? "ENABLED" : "DISABLED");
	tmpl_set(d, "CREATED_AT", fmt_datetime(a, e.created_at));
	tmpl_set(d, "CREATED_BY", e.created_by);
	tmpl_set(d, "UPDATED_AT", fmt_datetime(a, e.updated_at));
	bool admin = may_write(r);
	if (admin) {
		struct tmpl_dict *form = tmpl_add(d, "EDIT");
		fill_csrf(r, form, "webhook_update", e.public_id);
		tmpl_set(form, "ACTION_URL", arena_printf(a, "/webhooks/%s", e.public_id));
		tmpl_set(form, "URL", e.url);
		if (e.enabled)
			tmpl_show(form, "ENABLED_CHECKED");
		fill_event_choices(form, e.events);
		struct tmpl_dict *test = tmpl_add(d, "TEST");
		fill_csrf(r, test, "webhook_test", e.public_id);
		tmpl_set(test, "TEST_URL", arena_printf(a, "/webhooks/%s/test", e.public_id));
	} else {
		tmpl_show(d, "READ_ONLY");
	}
	size_t shown = log.n > DELIVERIES_PAGE ? DELIVERIES_PAGE : log.n;
	for (size_t i = 0; i < shown; i++)
		fill_delivery(r, d, &log.rows[i], admin);
	tmpl_show(d, shown ? "HAS_DELIVERIES" : "NO_DELIVERIES");
	struct tmpl_dict *pager = log.n > DELIVERIES_PAGE || before ? tmpl_add(d, "PAGER") : NULL;
	if (log.n > DELIVERIES_PAGE)
		tmpl_set(tmpl_add(pager, "OLDER"), "OLDER_URL", log_url(r, log.rows[shown - 1].id));
	if (before)
		tmpl_set(tmpl_add(pager, "NEWEST"), "NEWEST_URL", log_url(r, 0));
	view_send(r, &v, 200);
}

/* The end of an admin's change to the endpoint: its failure's answer, or a
 * flash and 303 back to its page. */
static void changed(struct req *r, enum err rc, const struct failure *f, const char *flash)
{
	if (rc != ERR_OK) {
		http_fail(r, f);
		return;
	}
	view_flash(r, flash);
	resp_redirect(r, arena_printf(r->arena, "/webhooks/%s", r->arg));
}

void page_webhook_update(struct req *r)
{
	struct actor who = page_actor(r);
	struct failure f = {0};
	enum err rc = webhook_update(r->app->db, r->arena, &who, r->arg, req_str(r, KEY_URL),
	                             form_events(r), req_int(r, KEY_ENABLED, 0) == 1, &f);
	changed(r, rc, &f, "webhook_updated");
}

void page_webhook_test(struct req *r)
{
	struct actor who = page_actor(r);
	struct failure f = {0};
	const char *event_id;
	enum err rc = webhook_send_test(r->app->db, r->arena, &who, r->arg, &event_id, &f);
	changed(r, rc, &f, "webhook_test_queued");
}

void page_webhook_redeliver(struct req *r)
{
	struct actor who = page_actor(r);
	struct failure f = {0};
	uint64_t delivery = (uint64_t)req_int(r, KEY_DELIVERY, 0);
	enum err rc = webhook_redeliver(r->app->db, r->arena, &who, r->arg, delivery, &f);
	changed(r, rc, &f, "webhook_redelivered");
}
