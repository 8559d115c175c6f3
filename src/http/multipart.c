/* multipart/form-data bodies (http/multipart.h). */
#include "http/multipart.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* A span of bytes: a header line or a part of one. */
struct span {
	const char *p;
	size_t n;
};

static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* RFC 2046's bchars */
static bool is_bchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("'()+_,-./:=? ", c) != NULL);
}

static void skip_ows(struct span *s)
{
	while (s->n > 0 && (s->p[0] == ' ' || s->p[0] == '\t')) {
		s->p++;
		s->n--;
	}
}

static bool span_is(struct span s, const char *word)
{
	return s.n == strlen(word) && strncasecmp(s.p, word, s.n) == 0;
}

/* A token at the start of s: its length, s advanced past it. */
static struct span take_token(struct span *s)
{
	struct span t = {s->p, 0};
	while (t.n < s->n && is_tchar((unsigned char)s->p[t.n]))
		t.n++;
	s->p += t.n;
	s->n -= t.n;
	return t;
}

/*
 * The next "; name=value" of a header value (value a token or a quoted
 * string without escapes, as browsers send them). Returns 1 and fills name
 * and value, 0 at the end of s, -1 when it is malformed.
 */
static int next_param(struct span *s, struct span *name, struct span *value)
{
	skip_ows(s);
	if (s->n == 0)
		return 0;
	if (s->p[0] != ';')
		return -1;
	s->p++;
	s->n--;
	skip_ows(s);
	*name = take_token(s);
	if (name->n == 0 || s->n == 0 || s->p[0] != '=')
		return -1;
	s->p++;
	s->n--;
	if (s->n > 0 && s->p[0] == '"') {
		const char *close = memchr(s->p + 1, '"', s->n - 1);
		if (close == NULL)
			return -1;
		value->p = s->p + 1;
		value->n = (size_t)(close - value->p);
		s->n -= (size_t)(close + 1 - s->p);
		s->p = close + 1;
		return 1;
	}
	*value = take_token(s);
	return value->n > 0 ? 1 : -1;
}

enum mp_rc multipart_boundary(const char *content_type, char out[MP_BOUNDARY_MAX + 1])
{
	out[0] = '\0';
	if (content_type == NULL)
		return MP_NO_BOUNDARY;
	struct span s = {content_type, strlen(content_type)};
	struct span type = take_token(&s);
	if (s.n == 0 || s.p[0] != '/')
		return MP_BAD_BOUNDARY;
	s.p++;
	s.n--;
	struct span sub = take_token(&s);
	if (!span_is(type, "multipart") || !span_is(sub, "form-data"))
		return MP_BAD_BOUNDARY;
	struct span name, value;
	bool found = false;
	int rc;
	while ((rc = next_param(&s, &name, &value)) == 1) {
		if (!span_is(name, "boundary"))
			continue;
		if (found)
			return MP_BAD_BOUNDARY; /* two of them */
		found = true;
		if (value.n == 0 || value.n > MP_BOUNDARY_MAX || value.p[value.n - 1] == ' ')
			return MP_BAD_BOUNDARY;
		for (size_t i = 0; i < value.n; i++)
			if (!is_bchar((unsigned char)value.p[i]))
				return MP_BAD_BOUNDARY;
		memcpy(out, value.p, value.n);
		out[value.n] = '\0';
	}
	if (rc < 0)
		return MP_BAD_BOUNDARY;
	return found ? MP_OK : MP_NO_BOUNDARY;
}

/* What one part's headers say. */
struct part_head {
	struct span name;
	struct span filename;
	bool has_name, has_filename, has_disposition, has_type;
};

struct parser {
	const char **problem;
};

static enum mp_rc refuse(struct parser *ps, enum mp_rc rc, const char *problem)
{
	*ps->problem = problem;
	return rc;
}

/* No control characters (but HTAB) in a span. */
static bool clean(struct span s)
{
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

static enum mp_rc disposition(struct parser *ps, struct span v, struct part_head *h)
{
	struct span type = take_token(&v);
	if (!span_is(type, "form-data"))
		return refuse(ps, MP_MALFORMED,
		              "form: a part's Content-Disposition is not form-data.");
	struct span name, value;
	int rc;
	while ((rc = next_param(&v, &name, &value)) == 1) {
		bool is_name = span_is(name, "name"), is_file = span_is(name, "filename");
		if ((is_name && h->has_name) || (is_file && h->has_filename))
			return refuse(ps, MP_MALFORMED,
			              "form: a part's Content-Disposition repeats a parameter.");
		if (!clean(value))
			return refuse(ps, MP_MALFORMED,
			              "form: a part's name or filename holds a control character.");
		if (is_name) {
			h->name = value;
			h->has_name = true;
		} else if (is_file) {
			h->filename = value;
			h->has_filename = true;
		}
	}
	if (rc < 0)
		return refuse(ps, MP_MALFORMED, "form: a part's Content-Disposition is malformed.");
	if (!h->has_name || h->name.n == 0)
		return refuse(ps, MP_MALFORMED, "form: a part has no name.");
	if (h->name.n > KV_MAX_KEY)
		return refuse(ps, MP_MALFORMED, "form: a part's name is longer than 64 bytes.");
	return MP_OK;
}

/* One header line (without its CRLF). */
static enum mp_rc header(struct parser *ps, struct span line, struct part_head *h)
{
	if (line.p[0] == ' ' || line.p[0] == '\t')
		return refuse(ps, MP_MALFORMED, "form: folded header lines are not accepted.");
	if (!clean(line))
		return refuse(ps, MP_MALFORMED, "form: a part's header holds a control character.");
	struct span v = line;
	struct span name = take_token(&v);
	if (name.n == 0 || v.n == 0 || v.p[0] != ':')
		return refuse(ps, MP_MALFORMED, "form: a part's header line is malformed.");
	v.p++;
	v.n--;
	skip_ows(&v);
	while (v.n > 0 && (v.p[v.n - 1] == ' ' || v.p[v.n - 1] == '\t'))
		v.n--;
	if (span_is(name, "Content-Disposition")) {
		if (h->has_disposition)
			return refuse(ps, MP_MALFORMED,
			              "form: a part has two Content-Disposition headers.");
		h->has_disposition = true;
		return disposition(ps, v, h);
	}
	if (span_is(name, "Content-Type")) {
		if (h->has_type)
			return refuse(ps, MP_MALFORMED,
			              "form: a part has two Content-Type headers.");
		h->has_type = true;
		if (v.n >= 10 && strncasecmp(v.p, "multipart/", 10) == 0)
			return refuse(
			    ps, MP_NESTED,
			    "form: a part is itself multipart; send the file as one part.");
		return MP_OK;
	}
	if (span_is(name, "Content-Transfer-Encoding")) {
		if (span_is(v, "7bit") || span_is(v, "8bit") || span_is(v, "binary"))
			return MP_OK;
		return refuse(
		    ps, MP_MALFORMED,
		    "form: a part's Content-Transfer-Encoding is not 7bit, 8bit or binary.");
	}
	return MP_OK; /* another header: no meaning for a form */
}

/* The last path segment of a filename (some browsers send a path). */
static struct span base_name(struct span f)
{
	for (size_t i = f.n; i > 0; i--)
		if (f.p[i - 1] == '/' || f.p[i - 1] == '\\')
			return (struct span){f.p + i, f.n - i};
	return f;
}

enum mp_rc multipart_parse(struct arena *a, const char *content_type, const char *body, size_t n,
                           size_t max_body, size_t max_parts, struct multipart *out,
                           const char **problem)
{
	memset(out, 0, sizeof(*out));
	struct parser ps = {problem};
	*problem = NULL;
	char boundary[MP_BOUNDARY_MAX + 1];
	enum mp_rc rc = multipart_boundary(content_type, boundary);
	if (rc == MP_NO_BOUNDARY)
		return refuse(&ps, rc,
		              "form: multipart/form-data needs a boundary parameter in the "
		              "Content-Type.");
	if (rc != MP_OK)
		return refuse(
		    &ps, rc,
		    "form: the Content-Type's boundary is malformed (1 to 70 letters, "
		    "digits or '()+_,-./:=? and spaces, not ending in a space; RFC 2046).");
	if (n > max_body)
		return refuse(&ps, MP_TOO_LARGE, "form: the request body is too large.");
	if (body == NULL)
		n = 0;
	/* "\r\n--" boundary: the delimiter; the first may begin the body */
	char delim[4 + MP_BOUNDARY_MAX + 1];
	size_t blen = strlen(boundary), dlen = 4 + blen;
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, boundary, blen + 1);
	size_t pos;
	if (n >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
		pos = dlen - 2;
	} else {
		const char *hit = n >= dlen ? memmem(body, n, delim, dlen) : NULL;
		if (hit == NULL)
			return refuse(&ps, MP_MALFORMED,
			              "form: the body does not begin with its boundary.");
		pos = (size_t)(hit - body) + dlen;
	}
	struct kv *fields = arena_alloc(a, sizeof(*fields) * (max_parts + 1));
	size_t nf = 0;
	const char *file_field = NULL, *file_name = NULL;
	for (;;) {
		/* after a delimiter: "--" (the last), or padding and CRLF */
		if (n - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-')
			break;
		while (pos < n && (body[pos] == ' ' || body[pos] == '\t'))
			pos++;
		if (n - pos < 2 || body[pos] != '\r' || body[pos + 1] != '\n')
			return refuse(&ps, MP_MALFORMED,
			              pos >= n ? "form: the body ends without its final boundary."
			                       : "form: a line begins with the boundary but is not "
			                         "one.");
		pos += 2;
		if (nf == max_parts)
			return refuse(&ps, MP_TOO_MANY_PARTS, "form: the body has too many parts.");
		struct part_head h = {0};
		size_t headers = 0;
		for (;;) {
			size_t room =
			    n - pos < MP_HEADER_LINE_MAX + 2 ? n - pos : MP_HEADER_LINE_MAX + 2;
			const char *eol = room >= 2 ? memmem(body + pos, room, "\r\n", 2) : NULL;
			if (eol == NULL)
				return refuse(&ps,
				              n - pos >= MP_HEADER_LINE_MAX + 2 ? MP_HEADER_TOO_LONG
				                                                : MP_MALFORMED,
				              n - pos >= MP_HEADER_LINE_MAX + 2
				                  ? "form: a part's header line is longer than 998 "
				                    "bytes."
				                  : "form: the body ends inside a part's headers.");
			struct span line = {body + pos, (size_t)(eol - (body + pos))};
			pos += line.n + 2;
			if (line.n == 0)
				break;
			if (++headers > MP_MAX_HEADERS)
				return refuse(&ps, MP_MALFORMED,
				              "form: a part has too many headers.");
			if ((rc = header(&ps, line, &h)) != MP_OK)
				return rc;
		}
		if (!h.has_disposition)
			return refuse(&ps, MP_MALFORMED,
			              "form: a part has no Content-Disposition.");
		const char *end = memmem(body + pos, n - pos, delim, dlen);
		if (end == NULL)
			return refuse(&ps, MP_MALFORMED,
			              "form: the body ends without its final boundary.");
		size_t vlen = (size_t)(end - (body + pos));
		struct kv *kv = &fields[nf++];
		kv->key = arena_strndup(a, h.name.p, h.name.n);
		kv->val = arena_strndup(a, body + pos, vlen);
		kv->vlen = vlen;
		if (h.has_filename) {
			if (file_field != NULL)
				return refuse(&ps, MP_DUPLICATE_FILE,
				              "form: more than one file; send one file at a time.");
			struct span b = base_name(h.filename);
			file_field = kv->key;
			file_name = arena_strndup(a, b.p, b.n);
		}
		pos = (size_t)(end - body) + dlen;
	}
	if (file_field != NULL)
		for (size_t i = 0; i < nf; i++)
			if (fields[i].key != file_field && strcmp(fields[i].key, file_field) == 0)
				return refuse(&ps, MP_DUPLICATE_FILE,
				              "form: a field has the same name as the file.");
	out->fields.v = fields;
	out->fields.n = nf;
	out->file_field = file_field;
	out->file_name = file_name;
	return MP_OK;
}
