#include "fake_req.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Test helpers: running out of memory ends the test program. */
static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (q == NULL) {
		fprintf(stderr, "fake_req: out of memory\n");
		abort();
	}
	return q;
}

/* Keeps a copy of n bytes of s until fake_free(). */
static char *keep(struct fake_req *f, const char *s, size_t n)
{
	char *c = xrealloc(NULL, n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	f->pool = xrealloc(f->pool, sizeof(*f->pool) * (f->npool + 1));
	f->pool[f->npool++] = c;
	return c;
}

void fake_init(struct fake_req *f)
{
	memset(f, 0, sizeof(*f));
}

void fake_free(struct fake_req *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->npool; i++)
		free(f->pool[i]);
	free(f->pool);
	free(f->out);
	memset(f, 0, sizeof(*f));
}

void fake_rewind(struct fake_req *f)
{
	f->len = 0;
	if (f->out != NULL)
		f->out[0] = '\0';
	f->writes = 0;
	f->flushes = 0;
	f->aborts = 0;
	f->body_pos = 0;
}

void fake_param(struct fake_req *f, const char *name, const char *value)
{
	for (size_t i = 0; i < f->nparams; i++)
		if (strcmp(f->names[i], name) == 0) {
			if (value != NULL) {
				f->values[i] = value;
				return;
			}
			f->nparams--;
			f->names[i] = f->names[f->nparams];
			f->values[i] = f->values[f->nparams];
			return;
		}
	if (value == NULL)
		return;
	if (f->nparams == FAKE_MAX_PARAMS) {
		fprintf(stderr, "fake_req: too many parameters\n");
		abort();
	}
	f->names[f->nparams] = name;
	f->values[f->nparams] = value;
	f->nparams++;
}

void fake_request(struct fake_req *f, const char *method, const char *target)
{
	fake_param(f, "REQUEST_METHOD", method);
	const char *q = strchr(target, '?');
	if (q == NULL) {
		fake_param(f, "DOCUMENT_URI", target);
		fake_param(f, "QUERY_STRING", "");
		return;
	}
	fake_param(f, "DOCUMENT_URI", keep(f, target, (size_t)(q - target)));
	fake_param(f, "QUERY_STRING", q + 1);
}

void fake_body(struct fake_req *f, const char *content_type, const char *body, size_t n)
{
	char len[32];
	snprintf(len, sizeof(len), "%zu", n);
	f->body = body;
	f->body_len = n;
	f->body_pos = 0;
	fake_param(f, "CONTENT_LENGTH", keep(f, len, strlen(len)));
	if (content_type != NULL)
		fake_param(f, "CONTENT_TYPE", content_type);
}

static const char *fake_param_cb(void *ctx, const char *name)
{
	struct fake_req *f = ctx;
	for (size_t i = 0; i < f->nparams; i++)
		if (strcmp(f->names[i], name) == 0)
			return f->values[i];
	return NULL;
}

static long fake_read_cb(void *ctx, char *buf, size_t n)
{
	struct fake_req *f = ctx;
	size_t left = f->body_len - f->body_pos;
	if (n > left)
		n = left;
	if (f->read_max != 0 && n > f->read_max)
		n = f->read_max;
	if (n > 0)
		memcpy(buf, f->body + f->body_pos, n);
	f->body_pos += n;
	return (long)n;
}

static void fake_flush_cb(void *ctx)
{
	((struct fake_req *)ctx)->flushes++;
}

static void fake_abort_cb(void *ctx)
{
	((struct fake_req *)ctx)->aborts++;
}

static int fake_write_cb(void *ctx, const char *buf, size_t n)
{
	struct fake_req *f = ctx;
	if (f->len + n + 1 > f->cap) {
		size_t cap = f->cap ? f->cap : 4096;
		while (cap < f->len + n + 1)
			cap *= 2;
		f->out = xrealloc(f->out, cap);
		f->cap = cap;
	}
	memcpy(f->out + f->len, buf, n);
	f->len += n;
	f->out[f->len] = '\0';
	f->writes++;
	return 0;
}

struct req_io fake_io(struct fake_req *f)
{
	struct req_io io = {fake_param_cb, fake_read_cb, fake_write_cb, f,
	                    fake_flush_cb, fake_abort_cb};
	return io;
}

/* The length of the header block including its final empty line, or 0. */
static size_t head_len(const struct fake_req *f)
{
	if (f->out == NULL)
		return 0;
	const char *end = strstr(f->out, "\r\n\r\n");
	return end == NULL ? 0 : (size_t)(end - f->out) + 4;
}

/* The first value of header name in the block (kept), and how many times
 * it appears. */
static const char *find_header(struct fake_req *f, const char *name, int *count)
{
	size_t hl = head_len(f);
	size_t nl = strlen(name);
	const char *found = NULL;
	*count = 0;
	const char *p = f->out, *end = f->out + hl - 2;
	while (hl != 0 && p < end) {
		const char *eol = strstr(p, "\r\n");
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		if (colon != NULL && (size_t)(colon - p) == nl && strncasecmp(p, name, nl) == 0) {
			const char *v = colon + 1;
			while (v < eol && *v == ' ')
				v++;
			if (found == NULL)
				found = keep(f, v, (size_t)(eol - v));
			(*count)++;
		}
		p = eol + 2;
	}
	return found;
}

const char *fake_header(struct fake_req *f, const char *name)
{
	int n;
	return find_header(f, name, &n);
}

int fake_header_count(struct fake_req *f, const char *name)
{
	int n;
	find_header(f, name, &n);
	return n;
}

const char *fake_status_line(struct fake_req *f)
{
	return fake_header(f, "Status");
}

int fake_status(struct fake_req *f)
{
	const char *s = fake_status_line(f);
	if (s == NULL || strlen(s) < 3)
		return -1;
	char *end;
	long code = strtol(s, &end, 10);
	if (end != s + 3 || (*end != ' ' && *end != '\0'))
		return -1;
	return (int)code;
}

int fake_headers_ok(struct fake_req *f)
{
	size_t hl = head_len(f);
	if (hl == 0)
		return 0;
	const char *p = f->out, *end = f->out + hl - 2;
	while (p < end) {
		const char *eol = strstr(p, "\r\n");
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		if (colon == NULL || colon == p || colon[1] != ' ')
			return 0;
		for (const char *c = p; c < eol; c++)
			if (*c == '\r' || *c == '\n' || *c == '\0')
				return 0;
		for (const char *c = p; c < colon; c++)
			if (*c <= ' ' || *c >= 0x7f)
				return 0;
		p = eol + 2;
	}
	return 1;
}

const char *fake_out_body(struct fake_req *f, size_t *n)
{
	size_t hl = head_len(f);
	if (hl == 0) {
		*n = 0;
		return NULL;
	}
	*n = f->len - hl;
	return f->out + hl;
}
