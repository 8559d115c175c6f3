#ifndef CUSTODIAN_MULTIPART_H
#define CUSTODIAN_MULTIPART_H

#include <stddef.h>

#include "http/kv.h"
#include "util/arena.h"

/*
 * multipart/form-data bodies (RFC 7578 over RFC 2046), strictly and within
 * bounds, for the routes that take a file (route.c's .multipart). The
 * parts become the same name/value list an urlencoded form gives
 * (http/kv.h), so input validation, CSRF and the handlers are unchanged:
 * a text part is its name and its bytes; the one file part (a part with a
 * filename parameter) is its name and the file's bytes, and its filename
 * (without any directory) is reported beside the list.
 *
 * Refused, with a sentence saying why: a Content-Type without a boundary
 * or with one that RFC 2046 does not allow (1 to 70 of its characters,
 * quoted or not, not ending in a space); a body without the opening or the
 * final boundary; a header line longer than MP_HEADER_LINE_MAX bytes, not
 * ending in CRLF, folded, or more than MP_MAX_HEADERS of them; a part
 * without Content-Disposition: form-data and a name (at most KV_MAX_KEY
 * bytes, no control characters); a Content-Transfer-Encoding other than
 * 7bit, 8bit or binary; a part whose type is multipart/ (nested); more
 * than max_parts parts; a second file part, or a text part with the file's
 * name; a line inside a part that begins with the boundary; a body longer
 * than max_body.
 */

#define MP_BOUNDARY_MAX    70
#define MP_HEADER_LINE_MAX 998 /* bytes before CRLF, RFC 5322's line limit */
#define MP_MAX_HEADERS     8   /* per part */
#define MP_MAX_PARTS       32  /* the front controller's limit (a bulk file form has 3) */

enum mp_rc {
	MP_OK = 0,
	MP_NO_BOUNDARY,  /* the Content-Type has no boundary parameter */
	MP_BAD_BOUNDARY, /* the boundary (or the Content-Type) is malformed */
	MP_MALFORMED,    /* the body is not a well-formed multipart body */
	MP_HEADER_TOO_LONG,
	MP_TOO_MANY_PARTS,
	MP_DUPLICATE_FILE, /* a second file part, or a text part of its name */
	MP_NESTED,         /* a part of type multipart/... */
	MP_TOO_LARGE,      /* more than max_body bytes */
};

struct multipart {
	struct kvlist fields;   /* every part in body order; values NUL-terminated */
	const char *file_field; /* the file part's name, or NULL when there is none */
	const char *file_name;  /* its filename's last path segment (may be "") */
};

/*
 * Parses body[0..n) sent with content_type ("multipart/form-data;
 * boundary=..."). Returns MP_OK, or another code with *problem set to a
 * sentence for the person who sent it; out is then empty. Deterministic;
 * never reads past n.
 */
enum mp_rc multipart_parse(struct arena *a, const char *content_type, const char *body, size_t n,
                           size_t max_body, size_t max_parts, struct multipart *out,
                           const char **problem);

/* The boundary parameter of content_type into out (MP_BOUNDARY_MAX + 1
 * bytes). Returns MP_OK, MP_NO_BOUNDARY or MP_BAD_BOUNDARY. */
enum mp_rc multipart_boundary(const char *content_type, char out[MP_BOUNDARY_MAX + 1]);

#endif
