#include "worker.h"

#include <errno.h>
#include <fcgiapp.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "db/db.h"
#include "domain/actions.h"
#include "domain/bulk.h"
#include "domain/closures.h"
#include "domain/keys.h"
#include "domain/lifecycle.h"
#include "domain/operators.h"
#include "http/auth.h"
#include "http/error.h"
#include "http/json.h"
#include "http/multipart.h"
#include "http/response.h"
#include "http/view.h"
#include "route.h"
#include "tmpl/tmpl.h"
#include "util/csrf.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/text.h"

_Static_assert(ROUTE_UNKNOWN_API < METRICS_ROUTES, "util/metrics.h: METRICS_ROUTES is too small");

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static enum method parse_method(const char *m)
{
	static const char *const names[] = {"GET", "HEAD", "POST", "PUT", "DELETE"};
	if (m != NULL)
		for (int i = 0; i < METHOD_OTHER; i++)
			if (strcmp(m, names[i]) == 0)
				return (enum method)i;
	return METHOD_OTHER;
}

/* Stands in for the route of a path that matched nothing, so the error
 * still comes in the area's format. */
static const struct route api_unknown = {
    .pattern = "/v1/", .name = "api-unknown", .area = AREA_API, .arg = ARG_NONE};
static const struct route html_unknown = {
    .pattern = "/", .name = "unknown", .area = AREA_HTML, .arg = ARG_NONE};

static bool media_type_is(const char *ct, const char *want)
{
	if (ct == NULL)
		return false;
	size_t n = strlen(want);
	return strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Reads the body (CONTENT_LENGTH bytes). Returns 0, or a status. */
static int read_body(struct req *r)
{
	const char *cl = req_param(r, "CONTENT_LENGTH");
	if (cl == NULL || cl[0] == '\0')
		return 0;
	char *end;
	errno = 0;
	if (cl[0] < '0' || cl[0] > '9')
		return 400;
	unsigned long long n = strtoull(cl, &end, 10);
	if (errno != 0 || *end != '\0')
		return 400;
	if (n > r->app->cfg.max_body)
		return 413;
	char *body = arena_alloc(r->arena, (size_t)n + 1);
	size_t got = 0;
	while (got < n) {
		long k = r->io.read(r->io.ctx, body + got, (size_t)n - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	if (got != n)
		return 400;
	body[n] = '\0';
	r->body = body;
	r->body_len = (size_t)n;
	r->content_length = (size_t)n;
	return 0;
}

/* A 400 about one part of the request: the page's code for staff pages,
 * FlexPortal's VALIDATION_ERROR about path (with detail) for the API. */
static void bad_request(struct req *r, const char *page_code, const char *path, const char *detail,
                        const char *message)
{
	if (r->route->area == AREA_API)
		api_invalid(r, path, message, detail);
	else
		http_error(r, 400, page_code, message);
}

/* Every invalid input field, as VALIDATION_ERROR details. */
static json_t *invalid_fields(struct req *r)
{
	json_t *d = json_array();
	for (int k = 0; k < KEY__MAX; k++) {
		const struct field *f = &r->fields[k];
		if (f->state != FIELD_INVALID)
			continue;
		json_array_append_new(d,
		                      api_detail(input_name((enum key)k),
		                                 arena_printf(r->arena, "%s: %s.",
		                                              input_name((enum key)k), f->problem),
		                                 input_problem_code((enum key)k, f)));
	}
	return d;
}

/* What each kind of path id looks like, and what to say when it does not. */
struct arg_def {
	const char *prefix; /* NULL: a serial number, an API key's digits or a login */
	const char *field;
	const char *message;
};
static const struct arg_def arg_defs[ARG__MAX] = {
    [ARG_CUSTOMER] = {"cus", "customerId",
                      "customerId: this is not a customer id (they look like cus_0a1b2c3d4e)."},
    [ARG_RUN] = {"run", "id", "id: this is not a bulk run id (they look like run_0a1b2c3d4e)."},
    [ARG_ORDER] = {"ord", "orderId",
                   "orderId: this is not an order id (they look like ord_0a1b2c3d4e)."},
    [ARG_SUBSCRIPTION] = {"sub", "subscriptionId",
                          "subscriptionId: this is not a subscription id (they look like "
                          "sub_0a1b2c3d4e)."},
    [ARG_PAYMENT] = {"pay", "paymentId",
                     "paymentId: this is not a payment id (they look like pay_0a1b2c3d4e)."},
    [ARG_CLOSURE] = {"clo", "closureId",
                     "closureId: this is not a closure request id (they look like "
                     "clo_0a1b2c3d4e)."},
    [ARG_SERIAL] = {NULL, "serialNumber",
                    "serialNumber: use 1 to 40 letters, digits, '-', '_' or '.'."},
    [ARG_WEBHOOK] = {"whk", "id",
                     "id: this is not a webhook endpoint id (they look like whk_0a1b2c3d4e)."},
    [ARG_API_KEY] = {NULL, "id", "id: this is not an API key's id (a number, like 12)."},
    [ARG_LOGIN] = {NULL, "username",
                   "username: a login is 1 to 100 letters, digits, '.', '_', '-', '@' or '+'."},
};

/* 1 to 19 digits, not starting with 0 (an API key's id). */
static bool number_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 19 || s[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return strtoull(s, NULL, 10) <= INT64_MAX;
}

static bool arg_valid(enum arg_kind k, const char *arg)
{
	if (k == ARG_API_KEY)
		return number_valid(arg);
	if (k == ARG_LOGIN)
		return login_valid(arg);
	return arg_defs[k].prefix ? public_id_valid(arg, arg_defs[k].prefix) : serial_valid(arg);
}

/* The Operators page's writes: their refusals name the login, no customer. */
static bool operators_route(enum page p)
{
	return p == PAGE_OPERATORS || p == PAGE_OPERATOR_ROLE || p == PAGE_OPERATOR_DISABLE ||
	       p == PAGE_OPERATOR_ENABLE;
}

/* The audit action of a write to this route (NULL: not audited). */
static const char *write_action(const struct req *r)
{
	if (r->route->action == NULL)
		return NULL;
	if (r->route->area == AREA_API && strcmp(r->route->action, "api") == 0) {
		if (r->method == METHOD_DELETE)
			return req_int(r, KEY_WHEN_CLEAR, 0) == 1 ? "closure_request"
			                                          : "deactivate";
		return "update";
	}
	/* a customer's, one of its records', a closure's or a webhook
	 * endpoint's (the path names it; an endpoint's row names no customer) */
	if (r->route->arg != ARG_NONE && r->route->arg != ARG_RUN)
		return r->route->action;
	/* (a new API key names nothing yet; its refusal is audited too) */
	if (r->page == PAGE_BULK_APPLY || r->page == PAGE_BULK_UNDO || r->page == PAGE_API_KEYS ||
	    operators_route(r->page))
		return r->route->action;
	return NULL;
}

static void refuse_write(struct req *r, int status, const char *code, const char *message)
{
	/* A refused lifecycle write is an attempt too: one audit row, for a
	 * customer's deactivate/reactivate (page or API) and for a bulk apply
	 * (which names no customer yet). */
	const char *action = write_action(r);
	if (action != NULL && r->user.name != NULL) {
		struct actor who = {r->user.name, r->user.tenant,
		                    r->route->area == AREA_API ? CHANNEL_API
		                    : r->page == PAGE_BULK_APPLY || r->page == PAGE_BULK_UNDO
		                        ? CHANNEL_BULK
		                        : CHANNEL_PAGE,
		                    r->request_id, 0};
		enum record_action kind = r->route->arg == ARG_ORDER ? ACTION_ORDER_CANCEL
		                          : r->route->arg == ARG_SUBSCRIPTION
		                              ? ACTION_SUBSCRIPTION_CANCEL
		                          : r->route->arg == ARG_SERIAL ? ACTION_DEVICE_STATUS
		                                                        : ACTION__MAX;
		if (r->page == PAGE_API_KEYS || r->page == PAGE_API_KEY_REVOKE)
			keys_audit_refusal(r->app->db, r->arena, &who, action,
			                   r->arg ? strtoull(r->arg, NULL, 10) : 0, code);
		else if (operators_route(r->page))
			operator_audit_refusal(r->app->db, r->arena, &who,
			                       r->arg ? r->arg : req_str(r, KEY_USERNAME), action,
			                       code);
		else if (r->route->arg == ARG_CLOSURE)
			closure_audit_refusal(r->app->db, r->arena, &who, r->arg, code);
		else if (r->page == PAGE_BULK_UNDO)
			bulk_undo_audit_refusal(r->app->db, r->arena, &who, r->arg, code);
		else if (kind != ACTION__MAX)
			action_audit_refusal(r->app->db, r->arena, &who, kind, r->arg, action,
			                     code);
		else
			lifecycle_audit_refusal(r->app->db, r->arena, &who, r->arg, action, code);
	}
	http_error(r, status, code, message);
}

/* The route's least role for this method; answers 403 and returns false
 * when the user's role is below it. */
static bool check_role(struct req *r)
{
	bool reads = r->method == METHOD_GET || r->method == METHOD_HEAD;
	enum role need = reads ? r->route->read : r->route->write;
	if (r->user.role >= need)
		return true;
	if (r->route->area == AREA_API)
		refuse_write(r, 403, "INSUFFICIENT_PERMISSIONS",
		             "This API key may read but not change customers.");
	else if (reads)
		http_error(r, 403, "FORBIDDEN", "Your role may not open this page.");
	else if (need == ROLE_ADMIN)
		refuse_write(r, 403, "FORBIDDEN", "Only an admin may do this.");
	else
		refuse_write(r, 403, "FORBIDDEN",
		             "Your role (viewer) can look but not change customers.");
	return false;
}

/* Identity for HTML pages; answers and returns false when refused. */
static bool identify_operator(struct req *r)
{
	int st = auth_operator(r);
	if (st == 0)
		return true;
	if (st == 401)
		http_error(r, 401, "UNAUTHENTICATED", "Sign in to use Custodian.");
	else if (st == 403)
		http_error(
		    r, 403, "FORBIDDEN",
		    "Your login is not a Custodian operator. Ask an administrator for access.");
	else
		http_unavailable(r);
	return false;
}

/* A multipart/form-data body into r->form (http/multipart.h), for a route
 * that takes a file: the file's name becomes the field file_name. Answers
 * 400 or 413 and returns false when it is refused. */
static bool parse_multipart(struct req *r)
{
	struct multipart mp;
	const char *problem;
	enum mp_rc rc = multipart_parse(r->arena, r->content_type, r->body, r->body_len,
	                                r->app->cfg.max_body, MP_MAX_PARTS, &mp, &problem);
	if (rc != MP_OK) {
		bool big = rc == MP_TOO_LARGE || rc == MP_TOO_MANY_PARTS;
		http_error(r, big ? 413 : 400, big ? "PAYLOAD_TOO_LARGE" : "INVALID_FORM", problem);
		return false;
	}
	r->form = mp.fields;
	if (mp.file_field != NULL && mp.file_name[0] != '\0') {
		struct kv *v = arena_alloc(r->arena, sizeof(*v) * (mp.fields.n + 1));
		memcpy(v, mp.fields.v, sizeof(*v) * mp.fields.n);
		v[mp.fields.n] =
		    (struct kv){input_name(KEY_FILE_NAME), mp.file_name, strlen(mp.file_name)};
		r->form.v = v;
		r->form.n = mp.fields.n + 1;
	}
	return true;
}

static bool check_csrf(struct req *r)
{
	const struct config *cfg = &r->app->cfg;
	const char *subject = r->arg ? r->arg : "";
	/* From the body only: a token in a URL would end up in access logs. */
	enum csrf_result cr =
	    csrf_token_check(cfg->secret, cfg->secretlen, r->user.name, r->route->action, subject,
	                     time(NULL), kv_get(&r->form, input_name(KEY_CSRF)));
	if (cr == CSRF_OK)
		return true;
	refuse_write(r, 403, csrf_result_code(cr),
	             cr == CSRF_EXPIRED
	                 ? "This form has expired. Go back, reload the page and submit it again."
	                 : "This form is not valid for you (missing or wrong security token). "
	                   "Reload the page and submit it again.");
	return false;
}

void worker_handle(struct req *r)
{
	/* Copies: the transport's parameters end with the request, the log
	 * line is written after. */
	r->method_name = arena_strdup(r->arena, req_param(r, "REQUEST_METHOD"));
	r->method = parse_method(r->method_name);
	r->path = req_param(r, "DOCUMENT_URI");
	if (r->path == NULL)
		r->path = req_param(r, "SCRIPT_NAME");
	r->query = req_param(r, "QUERY_STRING");
	r->request_id = arena_strdup(r->arena, req_param(r, "REQUEST_ID"));
	r->content_type = req_param(r, "CONTENT_TYPE");
	kv_parse_cookies(r->arena, req_param(r, "HTTP_COOKIE"), &r->cookies);

	r->page = route_match(r->arena, r->path, &r->arg);
	if (r->page == PAGE__MAX) {
		bool api = r->path && strncmp(r->path, "/v1/", 4) == 0;
		r->route = api ? &api_unknown : &html_unknown;
		if (!api && !identify_operator(r))
			return;
		http_error(r, 404, "NOT_FOUND", "There is no page at this address.");
		return;
	}
	r->route = &routes[r->page];
	handler h = r->method < METHOD_OTHER ? r->route->on[r->method] : NULL;
	if (h == NULL) {
		resp_header(r, "Allow", route_allow(r->arena, r->page));
		http_error(r, 405, "METHOD_NOT_ALLOWED",
		           arena_printf(r->arena, "%s is not allowed here. Allowed: %s.",
		                        r->method_name ? r->method_name : "This method",
		                        route_allow(r->arena, r->page)));
		return;
	}

	/* identity */
	if (r->route->area == AREA_HTML && !identify_operator(r))
		return;
	if (r->route->area == AREA_API && !api_authenticate(r))
		return;

	/* the id in the path */
	if (r->route->arg != ARG_NONE && !arg_valid(r->route->arg, r->arg)) {
		const struct arg_def *d = &arg_defs[r->route->arg];
		bad_request(r, "INVALID_ID", d->field, "invalid_string", d->message);
		return;
	}

	/* body */
	bool has_body =
	    r->method == METHOD_POST || r->method == METHOD_PUT || r->method == METHOD_DELETE;
	if (has_body) {
		int st = read_body(r);
		if (st == 413) {
			http_error(
			    r, 413, "PAYLOAD_TOO_LARGE",
			    arena_printf(r->arena,
			                 "The request body is larger than %zu bytes. Send less at "
			                 "a time (a bulk run takes at most %d lines).",
			                 r->app->cfg.max_body, r->app->cfg.bulk_max));
			return;
		}
		if (st != 0) {
			static const char msg[] =
			    "body: the request body is incomplete or malformed.";
			bad_request(r, "BAD_REQUEST", "body", "invalid_type", msg);
			return;
		}
	}

	/* input */
	const char *q = r->query ? r->query : "";
	if (kv_parse_urlencoded(r->arena, q, strlen(q), &r->qs) != KV_OK) {
		static const char msg[] = "query: the address has malformed parameters.";
		bad_request(r, "INVALID_QUERY", "query", "invalid_string", msg);
		return;
	}
	if (r->route->area == AREA_HTML && r->method == METHOD_POST) {
		bool multipart = media_type_is(r->content_type, "multipart/form-data");
		if (multipart && r->route->multipart) {
			if (!parse_multipart(r))
				return;
		} else if (!media_type_is(r->content_type, "application/x-www-form-urlencoded")) {
			http_error(
			    r, 415, "UNSUPPORTED_MEDIA_TYPE",
			    r->route->multipart
			        ? "Forms must be sent as application/x-www-form-urlencoded or "
			          "multipart/form-data."
			        : "Forms must be sent as application/x-www-form-urlencoded.");
			return;
		}
		enum kv_rc rc = multipart
		                    ? KV_OK
		                    : kv_parse_urlencoded(r->arena, r->body, r->body_len, &r->form);
		if (rc != KV_OK) {
			http_error(r, rc == KV_TOO_MANY ? 413 : 400, "INVALID_FORM",
			           rc == KV_TOO_MANY ? "form: too many fields."
			                             : "form: the submitted form is malformed.");
			return;
		}
	}
	enum key bad = input_validate_keys(r->arena, &r->qs, &r->form, r->route->keys, r->fields);
	if (r->method == METHOD_POST) {
		enum key missing = input_require(r->route->required, r->fields);
		if (bad == KEY__MAX || missing < bad)
			bad = missing;
	}
	if (bad != KEY__MAX) {
		if (r->route->area == AREA_API) {
			const char *msg = arena_printf(r->arena, "%s: %s.", input_name(bad),
			                               r->fields[bad].problem);
			api_validation_error(r, msg, invalid_fields(r));
		} else {
			/* every invalid field, each named */
			http_error(r, 400, "INVALID_PARAMETER",
			           input_problems(r->arena, r->fields));
		}
		return;
	}

	/* the route's role, then CSRF on writes from pages */
	if (!check_role(r))
		return;
	if (r->route->area == AREA_HTML && r->method == METHOD_POST && !check_csrf(r))
		return;
	h(r);
	if (!r->started)
		http_error(r, 500, "INTERNAL", "The page produced no answer; this was logged.");
}

/* ---- the FastCGI loop --------------------------------------------------- */

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
	FCGX_ShutdownPending();
}

struct fcgi_io {
	FCGX_Request *fr;
};

static const char *fcgi_param(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((struct fcgi_io *)ctx)->fr->envp);
}

static long fcgi_read(void *ctx, char *buf, size_t n)
{
	return FCGX_GetStr(buf, (int)(n > 1 << 30 ? 1 << 30 : n), ((struct fcgi_io *)ctx)->fr->in);
}

static int fcgi_write(void *ctx, const char *buf, size_t n)
{
	/* A client that went away makes writes fail; the handler carries on
	 * (its database work must still complete) and the output is dropped. */
	return FCGX_PutStr(buf, (int)n, ((struct fcgi_io *)ctx)->fr->out) < 0 ? -1 : 0;
}

static void fcgi_flush(void *ctx)
{
	FCGX_FFlush(((struct fcgi_io *)ctx)->fr->out);
}

static void fcgi_abort(void *ctx)
{
	/* nginx takes a FastCGI connection that just closes as a finished
	 * answer, so a broken one must say so: after what was written, a
	 * record of protocol version 0, which nginx refuses ("unsupported
	 * FastCGI protocol version"); it then ends the client's answer without
	 * its last chunk. The descriptor stays open for FCGX_Finish_r, whose
	 * writes now fail. */
	FCGX_Request *fr = ((struct fcgi_io *)ctx)->fr;
	static const char broken[8] = {0};
	FCGX_FFlush(fr->out);
	if (write(fr->ipcFd, broken, sizeof(broken)) < 0) {
		/* nothing more to do: the connection is gone already */
	}
	shutdown(fr->ipcFd, SHUT_RDWR);
}

/* The request in /metrics: its route and status, and for a change asked
 * of a customer or its records (a write with an audit action), its
 * outcome. */
static void count_request(const struct req *r, double ms, unsigned queries, double db_ms)
{
	int route = r->page < PAGE__MAX        ? r->page
	            : r->route == &api_unknown ? ROUTE_UNKNOWN_API
	                                       : ROUTE_UNKNOWN_HTML;
	metrics_request(route, r->status, ms, queries, db_ms);
	bool writes =
	    r->method == METHOD_POST || r->method == METHOD_PUT || r->method == METHOD_DELETE;
	const char *action = writes && r->route != NULL ? write_action(r) : NULL;
	if (action != NULL && r->user.name != NULL)
		metrics_outcome(action, r->status < 400 ? "OK" : r->code ? r->code : "ERROR");
}

static void free_dicts(struct req *r)
{
	for (size_t i = 0; i < r->ndicts; i++)
		tmpl_dict_free(r->dicts[i]);
	r->ndicts = 0;
}

int worker_main(struct app *app, int listen_fd)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term; /* no SA_RESTART: accept() must return */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	srand((unsigned)getpid() ^ (unsigned)time(NULL));
	/* A request's memory (arena blocks, result rows, the page being
	 * expanded) is freed at its end; keep it in the process instead of
	 * giving it back to the kernel and asking again on the next request. */
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	mallopt(M_MMAP_THRESHOLD, 16 * 1024 * 1024);

	if (tmpl_init(app->cfg.templates) != 0)
		log_error("cannot use template directory %s", app->cfg.templates);
	if (log_open(app->cfg.log) != 0)
		log_error("cannot open log %s", app->cfg.log);
	log_set_json(app->cfg.log_json);
	app->db = db_new(&app->cfg);
	app->listen_fd = listen_fd;
	struct arena *arena = arena_new();
	if (app->db == NULL || arena == NULL) {
		log_error("out of memory at start");
		return 1;
	}
	db_connect(app->db); /* early, but a database that is down is not fatal */

	FCGX_Request fr;
	if (FCGX_InitRequest(&fr, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_error("FCGX_InitRequest failed");
		return 1;
	}
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	while (!stop) {
		sigprocmask(SIG_UNBLOCK, &block, NULL);
		if (stop)
			break;
		int rc = FCGX_Accept_r(&fr);
		/* While a request is handled, SIGTERM waits: it is finished first. */
		sigprocmask(SIG_BLOCK, &block, NULL);
		if (rc < 0) {
			if (stop)
				break;
			continue;
		}
		metrics_state(METRICS_BUSY);
		struct fcgi_io io = {&fr};
		struct req r;
		memset(&r, 0, sizeof(r));
		r.app = app;
		r.arena = arena;
		r.io =
		    (struct req_io){fcgi_param, fcgi_read, fcgi_write, &io, fcgi_flush, fcgi_abort};
		r.t_start = now_ms();
		db_stats_reset(app->db);
		worker_handle(&r);
		/* Counted before the answer ends: a client that has its answer
		 * finds it in the next scrape. */
		unsigned queries;
		double db_ms;
		db_stats(app->db, &queries, &db_ms);
		double ms = now_ms() - r.t_start;
		count_request(&r, ms, queries, db_ms);
		FCGX_Finish_r(&fr);
		metrics_state(METRICS_IDLE);
		log_request(r.request_id, r.user.name, r.method_name, r.route ? r.route->name : "-",
		            r.status, ms, queries, db_ms);
		free_dicts(&r);
		arena_reset(arena);
	}
	FCGX_Free(&fr, 0);
	db_free(app->db);
	app->db = NULL;
	arena_free(arena);
	return 0;
}
