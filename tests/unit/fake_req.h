#ifndef CUSTODIAN_TEST_FAKE_REQ_H
#define CUSTODIAN_TEST_FAKE_REQ_H

#include <stddef.h>

#include "http/request.h"

/*
 * A transport for worker_handle() without FastCGI: CGI parameters set by
 * the test, a request body served in chunks, and every byte the response
 * writes captured, with helpers to read the status, a header and the body
 * back. Strings returned by the helpers belong to the fake and are freed
 * by fake_free().
 */

#define FAKE_MAX_PARAMS 32

struct fake_req {
	const char *names[FAKE_MAX_PARAMS];
	const char *values[FAKE_MAX_PARAMS];
	size_t nparams;

	const char *body; /* the request body read() serves */
	size_t body_len;
	size_t body_pos;
	size_t read_max; /* bytes per read() call; 0 for no limit */

	char *out; /* everything written, NUL-terminated */
	size_t len;
	size_t cap;
	unsigned writes;
	unsigned flushes; /* flush() calls */
	unsigned aborts;  /* abort() calls */

	char **pool; /* strings handed out by the helpers */
	size_t npool;
};

/* An empty request with nothing written. */
void fake_init(struct fake_req *f);

/* Frees the output and every string handed out. Accepts NULL. */
void fake_free(struct fake_req *f);

/* Clears the output (keeps the parameters and rewinds the body) so the
 * same request can be sent again. */
void fake_rewind(struct fake_req *f);

/* Sets a CGI parameter (replacing an earlier value); value NULL unsets.
 * The strings are not copied. */
void fake_param(struct fake_req *f, const char *name, const char *value);

/* A request line: REQUEST_METHOD, DOCUMENT_URI and QUERY_STRING (split at
 * '?' in target). */
void fake_request(struct fake_req *f, const char *method, const char *target);

/* The body read() serves; CONTENT_LENGTH is set to n and CONTENT_TYPE to
 * content_type unless it is NULL. */
void fake_body(struct fake_req *f, const char *content_type, const char *body, size_t n);

/* The transport callbacks for req.io. */
struct req_io fake_io(struct fake_req *f);

/* The status code of the response ("Status: 404 Not Found"), or -1. */
int fake_status(struct fake_req *f);

/* The status line's value ("404 Not Found"), or NULL. */
const char *fake_status_line(struct fake_req *f);

/* The value of the first header called name (any case), or NULL. */
const char *fake_header(struct fake_req *f, const char *name);

/* How many times header name appears. */
int fake_header_count(struct fake_req *f, const char *name);

/* True when the header block ends with an empty line and every line in it
 * is "Name: value" ending in CRLF. */
int fake_headers_ok(struct fake_req *f);

/* The body after the header block (NUL-terminated; *n is its length), or
 * NULL when no complete header block was written. */
const char *fake_out_body(struct fake_req *f, size_t *n);

#endif
