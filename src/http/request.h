#ifndef CUSTODIAN_REQUEST_H
#define CUSTODIAN_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/types.h"
#include "http/app.h"
#include "http/input.h"
#include "util/arena.h"
#include "util/buf.h"

/*
 * One struct per request, passed to every handler: the transport, the
 * parsed and validated input, the user, and the response state. Its memory
 * comes from req->arena and is released when the request ends.
 */

enum method {
	METHOD_GET,
	METHOD_HEAD,
	METHOD_POST,
	METHOD_PUT,
	METHOD_DELETE,
	METHOD_OTHER,
	METHOD__MAX
};

/* Who answers a path: the route table's rows (route.c). */
enum area {
	AREA_HTML, /* staff pages: nginx auth_basic user, HTML errors, CSRF on POST */
	AREA_API,  /* JSON API: Bearer key + Tenant-ID, JSON errors */
	AREA_OPEN, /* /healthz: no identity */
};

/* The id a route's path carries ({} in its pattern), checked by its kind
 * before the handler runs (worker.c). */
enum arg_kind {
	ARG_NONE,
	ARG_CUSTOMER,
	ARG_RUN,
	ARG_ORDER,
	ARG_SUBSCRIPTION,
	ARG_PAYMENT,
	ARG_CLOSURE,
	ARG_SERIAL,  /* a device's serial number */
	ARG_WEBHOOK, /* a webhook endpoint (whk_...) */
	ARG_API_KEY, /* an API key's id: 1 to 19 digits */
	ARG_LOGIN,   /* an operator's login (util/text.h login_valid) */
	ARG__MAX
};

struct req;
typedef void (*handler)(struct req *r);

struct route {
	const char *pattern; /* "/customers/{}/deactivate": {} is one segment */
	const char *name;    /* for logs */
	enum area area;
	enum arg_kind arg;
	handler on[METHOD__MAX]; /* HEAD uses GET's */
	const char *action;      /* audit action and CSRF binding of writes */
	enum role read;          /* the least role for GET and HEAD */
	enum role write;         /* the least role for POST, PUT and DELETE */
	key_set keys;            /* the input fields it reads; others are ignored */
	key_set required;        /* of those, the ones a POST must give (else 400) */
	bool multipart;          /* its POSTs may also be multipart/form-data (a file) */
};

struct user {
	const char *name;    /* login, or "api:<label>" for an API key */
	const char *display; /* for the layout */
	unsigned tenant;
	const char *tenant_slug;
	const char *tenant_name;
	const char *currency;
	enum role role;
	uint64_t key_id; /* API key id, 0 for a person */
};

/* How the request reaches the transport, so tests can run handlers
 * without FastCGI. */
struct req_io {
	const char *(*param)(void *ctx, const char *name);
	long (*read)(void *ctx, char *buf, size_t n);
	int (*write)(void *ctx, const char *buf, size_t n);
	void *ctx;
	/* Sends what write() has buffered now (NULL: nothing to do). */
	void (*flush)(void *ctx);
	/* Breaks the connection so the client sees an incomplete answer, not
	 * a short one that looks whole (NULL: writes are only dropped). */
	void (*abort)(void *ctx);
};

struct req {
	struct app *app;
	struct arena *arena;
	struct req_io io;

	/* request line and headers */
	enum method method;
	const char *method_name;
	const char *path;
	const char *query;
	const char *request_id;
	const char *content_type;
	size_t content_length;
	const char *body;
	size_t body_len;

	/* input */
	struct kvlist qs;
	struct kvlist form;
	struct kvlist cookies;
	struct field fields[KEY__MAX];

	/* routing and identity */
	int page; /* enum page (route.h), PAGE__MAX when no route matched */
	const struct route *route;
	const char *arg; /* the {id} segment of the path */
	struct user user;

	/* response */
	int status;
	const char *code; /* an error answer's code (http_error, api_error) */
	bool started;
	bool aborted; /* resp_abort(): nothing more is written */
	struct buf headers;
	size_t bytes_out;
	double t_start;
	void **dicts; /* template dictionaries freed when the request ends */
	size_t ndicts, dicts_cap;
};

/* Reads a CGI parameter ("REQUEST_METHOD", "HTTP_COOKIE", ...). */
const char *req_param(struct req *r, const char *name);

/* The validated value of a field, or NULL when absent. */
const char *req_str(const struct req *r, enum key k);

/* The validated integer of a field, or def when absent. */
long long req_int(const struct req *r, enum key k, long long def);

/* True for operator and admin. */
bool req_can_write(const struct req *r);

#endif
