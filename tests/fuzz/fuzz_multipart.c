/*
 * libFuzzer target: the multipart/form-data parser (http/multipart.h) and
 * the CSV reader the bulk file upload runs over the file (util/csv.h).
 *
 * The input is a Content-Type header value up to the first LF, then the
 * body. Checked:
 *   - multipart_parse is deterministic: a second parse gives the same
 *     verdict, the same problem and the same fields, byte for byte;
 *   - a refusal has a problem ("form: ...") and an empty result;
 *   - an accepted body: at most MP_MAX_PARTS fields, each with a non-empty
 *     name of at most KV_MAX_KEY bytes without NUL, and a value
 *     NUL-terminated at its vlen (no longer than the body); at most one
 *     file part, whose name no other part has, and whose filename has no
 *     directory ('/' or '\');
 *   - the same body with max_body one byte short is MP_TOO_LARGE;
 *   - re-serialised with a boundary of our own (in no value), the fields
 *     parse back to the same names, values and file;
 *   - csv_read over each value: deterministic; accepted, every record has
 *     ncols (1 to CSV_MAX_COLUMNS) fields, NUL-terminated at their
 *     lengths, on strictly increasing lines; refused, a line and a problem
 *     (and the first 1000 records when there are more).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/multipart.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/csv.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

#define MAX_BODY (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct arena *arena;

static bool same(const struct multipart *x, const struct multipart *y)
{
	if (x->fields.n != y->fields.n)
		return false;
	if ((x->file_field == NULL) != (y->file_field == NULL))
		return false;
	if (x->file_field &&
	    (strcmp(x->file_field, y->file_field) != 0 || strcmp(x->file_name, y->file_name) != 0))
		return false;
	for (size_t i = 0; i < x->fields.n; i++) {
		const struct kv *a = &x->fields.v[i], *b = &y->fields.v[i];
		if (strcmp(a->key, b->key) != 0 || a->vlen != b->vlen ||
		    memcmp(a->val, b->val, a->vlen) != 0)
			return false;
	}
	return true;
}

static void check_accepted(const struct multipart *m, size_t size)
{
	CHECK(m->fields.n <= MP_MAX_PARTS);
	size_t files = 0;
	for (size_t i = 0; i < m->fields.n; i++) {
		const struct kv *kv = &m->fields.v[i];
		size_t kl = strlen(kv->key);
		CHECK(kl >= 1 && kl <= KV_MAX_KEY);
		CHECK(kv->vlen <= size && kv->val[kv->vlen] == '\0');
		if (m->file_field != NULL && strcmp(kv->key, m->file_field) == 0)
			files++;
	}
	if (m->file_field != NULL) {
		CHECK(files == 1);
		CHECK(strchr(m->file_name, '/') == NULL && strchr(m->file_name, '\\') == NULL);
	}
}

/* The fields as a body of our own, with a boundary that no value holds;
 * false when they cannot be (a filename too long for one header line). */
static bool reserialise(const struct multipart *m, char *boundary, size_t cap, struct buf *b)
{
	for (unsigned k = 0;; k++) {
		snprintf(boundary, cap, "FuzzBoundary%08x", k);
		bool clash = false;
		char dashes[MP_BOUNDARY_MAX + 3];
		snprintf(dashes, sizeof(dashes), "--%s", boundary);
		for (size_t i = 0; i < m->fields.n && !clash; i++)
			clash = memmem(m->fields.v[i].val, m->fields.v[i].vlen, dashes,
			               strlen(dashes)) != NULL;
		if (!clash)
			break;
	}
	if (m->file_name != NULL && strlen(m->file_name) > 900)
		return false;
	for (size_t i = 0; i < m->fields.n; i++) {
		const struct kv *kv = &m->fields.v[i];
		buf_printf(b, "%s--%s\r\nContent-Disposition: form-data; name=\"%s\"",
		           i ? "\r\n" : "", boundary, kv->key);
		if (m->file_field != NULL && strcmp(kv->key, m->file_field) == 0)
			buf_printf(b, "; filename=\"%s\"\r\nContent-Type: text/csv", m->file_name);
		buf_puts(b, "\r\n\r\n");
		buf_append(b, kv->val, kv->vlen);
	}
	buf_printf(b, "%s--%s--\r\n", m->fields.n ? "\r\n" : "", boundary);
	return true;
}

static void check_csv(const char *s, size_t n)
{
	struct csv_table t, t2;
	struct csv_error e, e2;
	enum csv_rc rc = csv_read(arena, s, n, 1000, &t, &e);
	enum csv_rc rc2 = csv_read(arena, s, n, 1000, &t2, &e2);
	CHECK(rc == rc2 && t.n == t2.n && t.ncols == t2.ncols && e.line == e2.line);
	if (rc != CSV_OK) {
		CHECK(e.rc == rc && e.line >= 1 && e.problem != NULL);
		CHECK(rc == CSV_TOO_MANY_RECORDS ? t.n == 1000 : t.n == 0);
		return;
	}
	CHECK(t.n >= 1 && t.n <= 1000);
	CHECK(t.ncols >= 1 && t.ncols <= CSV_MAX_COLUMNS);
	CHECK(t.sep == 0 || t.sep == ',' || t.sep == ';' || t.sep == '\t');
	for (size_t r = 0; r < t.n; r++) {
		CHECK(r == 0 || t.rows[r].line > t.rows[r - 1].line);
		for (size_t c = 0; c < t.ncols; c++) {
			CHECK(t.rows[r].lens[c] <= n);
			CHECK(t.rows[r].fields[c][t.rows[r].lens[c]] == '\0');
			CHECK(strcmp(t.rows[r].fields[c], t2.rows[r].fields[c]) == 0);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (arena == NULL && (arena = arena_new()) == NULL)
		abort();
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	size_t ctlen = nl ? (size_t)(nl - s) : size;
	char *ct = arena_strndup(arena, s, ctlen); /* up to a NUL, like a CGI parameter */
	const char *body = nl ? nl + 1 : s + size;
	size_t n = size - (size_t)(body - s);

	struct multipart m, m2;
	const char *problem, *problem2;
	enum mp_rc rc = multipart_parse(arena, ct, body, n, MAX_BODY, MP_MAX_PARTS, &m, &problem);
	enum mp_rc rc2 =
	    multipart_parse(arena, ct, body, n, MAX_BODY, MP_MAX_PARTS, &m2, &problem2);
	CHECK(rc == rc2);
	CHECK(same(&m, &m2));
	if (rc != MP_OK) {
		CHECK(problem != NULL && problem2 != NULL && strcmp(problem, problem2) == 0);
		CHECK(strncmp(problem, "form: ", 6) == 0);
		CHECK(m.fields.n == 0 && m.file_field == NULL);
		arena_reset(arena);
		return 0;
	}
	CHECK(problem == NULL);
	check_accepted(&m, n);
	if (n > 0) {
		struct multipart small;
		CHECK(multipart_parse(arena, ct, body, n, n - 1, MP_MAX_PARTS, &small, &problem) ==
		      MP_TOO_LARGE);
	}

	char boundary[MP_BOUNDARY_MAX + 1];
	struct buf b;
	buf_init(&b, arena, n + 1024);
	if (reserialise(&m, boundary, sizeof(boundary), &b)) {
		const char *ct2 = arena_printf(arena, "multipart/form-data; boundary=%s", boundary);
		struct multipart again;
		CHECK(multipart_parse(arena, ct2, b.p, b.len, MAX_BODY, MP_MAX_PARTS, &again,
		                      &problem) == MP_OK);
		CHECK(same(&m, &again));
	}
	for (size_t i = 0; i < m.fields.n; i++)
		check_csv(m.fields.v[i].val, m.fields.v[i].vlen);
	arena_reset(arena);
	return 0;
}
