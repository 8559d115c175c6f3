#ifndef CUSTODIAN_ROUTE_H
#define CUSTODIAN_ROUTE_H

#include "util/arena.h"

/*
 * The route table (route.c): every page of the application, its path
 * pattern, who may call it and the handler per method. The front
 * controller (worker.c) answers 404 and 405 from this table before any
 * handler runs.
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

enum page {
	PAGE_ROOT,
	PAGE_CUSTOMERS,
	PAGE_CUSTOMER,
	PAGE_DEACTIVATE,
	PAGE_REACTIVATE,
	PAGE_CUSTOMER_RETENTION,
	PAGE_RETENTION,
	PAGE_AUDIT,
	PAGE_BULK,
	PAGE_BULK_PREVIEW,
	PAGE_BULK_APPLY,
	PAGE_BULK_RUN,
	PAGE_HEALTHZ,
	PAGE_API_CUSTOMERS,
	PAGE_API_CUSTOMER,
	PAGE_API_ORDERS,
	PAGE__MAX
};

enum area {
	AREA_HTML, /* staff pages: nginx auth_basic user, HTML errors, CSRF on POST */
	AREA_API,  /* JSON API: Bearer key + Tenant-ID, JSON errors */
	AREA_OPEN, /* /healthz: no identity */
};

enum arg_kind { ARG_NONE, ARG_CUSTOMER, ARG_RUN };

struct req;
typedef void (*handler)(struct req *r);

struct route {
	const char *pattern; /* "/customers/{}/deactivate": {} is one segment */
	const char *name;    /* for logs */
	enum area area;
	enum arg_kind arg;
	handler on[METHOD__MAX]; /* HEAD uses GET's */
	const char *action;      /* audit action and CSRF binding of writes */
};

extern const struct route routes[PAGE__MAX];

/* Finds the page for path. Sets *arg to the {} segment (in the arena).
 * Returns PAGE__MAX when nothing matches. */
enum page route_match(struct arena *a, const char *path, const char **arg);

/* The Allow header value for a page ("GET, HEAD, POST"). */
const char *route_allow(struct arena *a, enum page p);

#endif
