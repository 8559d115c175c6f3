/*
 * libFuzzer target: the front controller, worker_handle() (worker.h),
 * through a fake transport, with a database that is not there (a unix
 * socket that does not exist, so every query fails at once).
 *
 * The input is a request, one CGI parameter per line, then the body:
 *
 *   line 1  REQUEST_METHOD
 *   line 2  DOCUMENT_URI
 *   line 3  QUERY_STRING
 *   line 4  HTTP_COOKIE
 *   line 5  CONTENT_TYPE
 *   line 6  CONTENT_LENGTH: empty for the body's length, "-" for none,
 *           anything else is sent as it is
 *   line 7  REMOTE_USER: empty as nginx sends it without a login; "admin",
 *           "operator" and "viewer" are operators the worker knows (as
 *           after a database lookup), any other name needs the database
 *   line 8  HTTP_AUTHORIZATION (not sent when empty)
 *   rest    the body; "@CSRF@" in it becomes a valid CSRF token for the
 *           user, the page's action and its {id}
 *
 * A parameter whose line is missing is not sent at all. Checked: every
 * request gets exactly one response, starting with "Status: " and the
 * status worker_handle() recorded, with a well-formed header block (no
 * line break or control character from the input in a header).
 *
 * FUZZ_VERBOSE=1 in the environment prints each response's status line
 * (to see what the seeds reach: fuzz_request -runs=0 corpus/request).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "db/db.h"
#include "http/app.h"
#include "http/request.h"
#include "route.h"
#include "tmpl/tmpl.h"
#include "util/arena.h"
#include "util/config.h"
#include "util/csrf.h"
#include "worker.h"

#ifndef FUZZ_TEMPLATE_DIR
#define FUZZ_TEMPLATE_DIR "templates"
#endif

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum param {
	P_METHOD,
	P_URI,
	P_QUERY,
	P_COOKIE,
	P_CONTENT_TYPE,
	P_CONTENT_LENGTH,
	P_REMOTE_USER,
	P_AUTHORIZATION,
	P__MAX
};

static const char *const param_names[P__MAX] = {
    "REQUEST_METHOD", "DOCUMENT_URI",   "QUERY_STRING", "HTTP_COOKIE",
    "CONTENT_TYPE",   "CONTENT_LENGTH", "REMOTE_USER",  "HTTP_AUTHORIZATION",
};

/* The request in hand and everything the response wrote. */
struct fake {
	const char *params[P__MAX]; /* NULL: not sent */
	const char *body;
	size_t body_len;
	size_t body_pos;
	char *out;
	size_t len;
	size_t cap;
};

static struct app app;
static struct arena *arena;
static struct fake fake;
static bool verbose; /* FUZZ_VERBOSE=1: print each response's status line */

static const char *fake_param(void *ctx, const char *name)
{
	struct fake *f = ctx;
	for (int i = 0; i < P__MAX; i++)
		if (strcmp(param_names[i], name) == 0)
			return f->params[i];
	return NULL;
}

static long fake_read(void *ctx, char *buf, size_t n)
{
	struct fake *f = ctx;
	size_t left = f->body_len - f->body_pos;
	if (n > left)
		n = left;
	memcpy(buf, f->body + f->body_pos, n);
	f->body_pos += n;
	return (long)n;
}

static int fake_write(void *ctx, const char *buf, size_t n)
{
	struct fake *f = ctx;
	if (f->len + n + 1 > f->cap) {
		size_t cap = f->cap ? f->cap : 65536;
		while (cap < f->len + n + 1)
			cap *= 2;
		char *out = realloc(f->out, cap);
		if (out == NULL)
			abort();
		f->out = out;
		f->cap = cap;
	}
	memcpy(f->out + f->len, buf, n);
	f->len += n;
	f->out[f->len] = '\0';
	return 0;
}

/* The operators the worker knows without asking the database; refreshed
 * for every input so that none expires during a run. */
static void sign_in_known(void)
{
	static const char *const names[] = {"admin", "operator", "viewer"};
	static const enum role roles[] = {ROLE_ADMIN, ROLE_OPERATOR, ROLE_VIEWER};
	memset(&app.operators, 0, sizeof(app.operators));
	for (int i = 0; i < 3; i++) {
		struct operator_entry *e = &app.operators.e[i];
		snprintf(e->username, sizeof(e->username), "%s", names[i]);
		snprintf(e->display, sizeof(e->display), "Fuzz <%s> & Co", names[i]);
		snprintf(e->tenant_slug, sizeof(e->tenant_slug), "acme");
		snprintf(e->tenant_name, sizeof(e->tenant_name), "Acme & Co");
		snprintf(e->currency, sizeof(e->currency), "EUR");
		e->tenant = 1;
		e->role = roles[i];
		e->at = time(NULL);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	config_defaults(&app.cfg);
	static const char secret[] = "fuzz-secret-0123456789abcdef";
	memcpy(app.cfg.secret, secret, sizeof(secret) - 1);
	app.cfg.secretlen = sizeof(secret) - 1;
	app.cfg.ndb = 1;
	snprintf(app.cfg.db[0].socket, sizeof(app.cfg.db[0].socket),
	         "/nonexistent/custodian-fuzz/mariadb.sock");
	app.cfg.db_connect_timeout = 1;
	app.cfg.db_rw_timeout = 1;
	const char *tdir = getenv("TEMPLATE_DIR");
	snprintf(app.cfg.templates, sizeof(app.cfg.templates), "%s",
	         tdir != NULL && tdir[0] != '\0' ? tdir : FUZZ_TEMPLATE_DIR);
	if (tmpl_init(app.cfg.templates) != 0) {
		fprintf(stderr, "fuzz_request: no templates in %s\n", app.cfg.templates);
		abort();
	}
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	app.db = db_new(&app.cfg);
	arena = arena_new();
	if (app.db == NULL || arena == NULL)
		abort();
	return 0;
}

/* Replaces every "@CSRF@" in the body with a token for the request's user
 * and page, as the page's form would carry it. */
static void put_csrf(const char *body, size_t len)
{
	static const char mark[] = "@CSRF@";
	const size_t ml = sizeof(mark) - 1;
	if (len < ml || memmem(body, len, mark, ml) == NULL)
		return;
	const char *user = fake.params[P_REMOTE_USER];
	const char *path = fake.params[P_URI];
	const char *arg = NULL;
	enum page p = path != NULL ? route_match(arena, path, &arg) : PAGE__MAX;
	const char *action = p < PAGE__MAX ? routes[p].action : NULL;
	char token[CSRF_TOKEN_LEN + 1];
	csrf_token_make(app.cfg.secret, app.cfg.secretlen, user ? user : "", action ? action : "",
	                arg ? arg : "", time(NULL), app.cfg.csrf_ttl, token);
	char *out = arena_alloc(arena, len / ml * CSRF_TOKEN_LEN + len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		if (i + ml <= len && memcmp(body + i, mark, ml) == 0) {
			memcpy(out + o, token, CSRF_TOKEN_LEN);
			o += CSRF_TOKEN_LEN;
			i += ml;
		} else {
			out[o++] = body[i++];
		}
	}
	fake.body = out;
	fake.body_len = o;
}

/* Splits the input into parameters and body (copies in the arena). */
static void parse_input(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size;
	memset(fake.params, 0, sizeof(fake.params));
	fake.body = "";
	fake.body_len = 0;
	fake.body_pos = 0;
	fake.len = 0;
	int i = 0;
	for (; i < P__MAX && s < end; i++) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl != NULL ? nl : end;
		fake.params[i] = arena_strndup(arena, s, (size_t)(e - s));
		s = nl != NULL ? nl + 1 : end;
	}
	if (i == P__MAX) {
		size_t len = (size_t)(end - s);
		char *body = arena_alloc(arena, len + 1);
		memcpy(body, s, len);
		body[len] = '\0';
		fake.body = body;
		fake.body_len = len;
		put_csrf(body, len);
	}
	const char *cl = fake.params[P_CONTENT_LENGTH];
	if (cl != NULL && cl[0] == '\0')
		fake.params[P_CONTENT_LENGTH] = arena_printf(arena, "%zu", fake.body_len);
	else if (cl != NULL && strcmp(cl, "-") == 0)
		fake.params[P_CONTENT_LENGTH] = NULL;
	const char *auth = fake.params[P_AUTHORIZATION];
	if (auth != NULL && auth[0] == '\0')
		fake.params[P_AUTHORIZATION] = NULL;
}

/* The response: "Status: NNN ...", header lines "Name: value" without
 * control characters, an empty line. */
static void check_response(const struct req *r)
{
	CHECK(r->started);
	CHECK(fake.out != NULL && fake.len >= 8 && memcmp(fake.out, "Status: ", 8) == 0);
	char want[16];
	snprintf(want, sizeof(want), "Status: %03d ", r->status);
	CHECK(r->status >= 100 && r->status <= 599 && strncmp(fake.out, want, 12) == 0);
	const char *p = fake.out, *end = fake.out + fake.len;
	for (;;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		CHECK(eol != NULL && eol > p && eol[-1] == '\r');
		if (eol == p + 1)
			break; /* the empty line */
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		CHECK(colon != NULL && colon > p && colon[1] == ' ');
		for (const char *c = p; c < colon; c++)
			CHECK(*c > ' ' && *c < 0x7f);
		if (p != fake.out) /* one status line only */
			CHECK(!(colon - p == 6 && strncasecmp(p, "Status", 6) == 0));
		for (const char *c = colon + 1; c < eol - 1; c++)
			CHECK((unsigned char)*c >= ' ' && *c != 0x7f);
		p = eol + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sign_in_known();
	parse_input(data, size);

	struct req r;
	memset(&r, 0, sizeof(r));
	r.app = &app;
	r.arena = arena;
	r.io = (struct req_io){fake_param, fake_read, fake_write, &fake, NULL, NULL};
	worker_handle(&r);
	check_response(&r);
	if (verbose)
		fprintf(stderr, "fuzz_request: %s %s -> %.*s\n",
		        r.method_name ? r.method_name : "-", r.path ? r.path : "-",
		        (int)strcspn(fake.out + 8, "\r"), fake.out + 8);

	for (size_t i = 0; i < r.ndicts; i++)
		tmpl_dict_free(r.dicts[i]);
	arena_reset(arena);
	return 0;
}
