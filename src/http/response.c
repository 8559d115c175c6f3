#include "http/response.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define CSP                                                                                        \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"           \
	" connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

void resp_header(struct req *r, const char *name, const char *value)
{
	if (r->started)
		return;
	if (r->headers.p == NULL)
		buf_init(&r->headers, r->arena, 512);
	/* Header values come from code, but never let one split the block. */
	buf_puts(&r->headers, name);
	buf_puts(&r->headers, ": ");
	for (const char *p = value; *p; p++)
		buf_putc(&r->headers, (*p == '\r' || *p == '\n') ? ' ' : *p);
	buf_puts(&r->headers, "\r\n");
}

static void emit(struct req *r, const char *data, size_t n)
{
	if (n == 0 || r->aborted)
		return;
	if (r->io.write(r->io.ctx, data, n) == 0)
		r->bytes_out += n;
}

void resp_start(struct req *r, int status, const char *content_type)
{
	if (r->started)
		return;
	r->started = true;
	r->status = status;
	struct buf b;
	buf_init(&b, r->arena, 1024);
	buf_printf(&b, "Status: %d %s\r\n", status, http_reason(status));
	if (content_type != NULL)
		buf_printf(&b, "Content-Type: %s\r\n", content_type);
	buf_puts(&b, "Content-Security-Policy: " CSP "\r\n"
	             "X-Frame-Options: DENY\r\n"
	             "X-Content-Type-Options: nosniff\r\n"
	             "Referrer-Policy: same-origin\r\n"
	             "Cache-Control: no-store\r\n");
	if (r->request_id != NULL) {
		/* nginx's $request_id is hex; anything else is not echoed. */
		bool clean =
		    strspn(r->request_id, "0123456789abcdefABCDEF-") == strlen(r->request_id);
		if (clean && r->request_id[0] != '\0' && strlen(r->request_id) <= 64)
			buf_printf(&b, "X-Request-Id: %s\r\n", r->request_id);
	}
	if (r->headers.p != NULL)
		buf_append(&b, r->headers.p, r->headers.len);
	buf_puts(&b, "\r\n");
	emit(r, b.p, b.len);
}

void resp_write(struct req *r, const char *data, size_t n)
{
	if (!r->started)
		resp_start(r, 200, "text/html; charset=utf-8");
	if (r->method == METHOD_HEAD)
		return;
	emit(r, data, n);
}

void resp_puts(struct req *r, const char *s)
{
	resp_write(r, s, strlen(s));
}

void resp_flush(struct req *r)
{
	if (r->io.flush != NULL && !r->aborted)
		r->io.flush(r->io.ctx);
}

void resp_abort(struct req *r)
{
	if (r->aborted)
		return;
	r->aborted = true;
	if (r->io.abort != NULL)
		r->io.abort(r->io.ctx);
}

void resp_redirect(struct req *r, const char *location)
{
	resp_header(r, "Location", location);
	resp_start(r, 303, "text/plain; charset=utf-8");
	if (r->method != METHOD_HEAD)
		emit(r, "See Other\n", 10);
}

void resp_cookie(struct req *r, const char *name, const char *value, int max_age)
{
	const char *https = req_param(r, "HTTPS");
	char *v =
	    arena_printf(r->arena, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s", name,
	                 value, max_age, (https && strcmp(https, "on") == 0) ? "; Secure" : "");
	resp_header(r, "Set-Cookie", v);
}
