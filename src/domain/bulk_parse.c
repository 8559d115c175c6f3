#include "domain/bulk_parse.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/fmt.h"
#include "util/text.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The key two lines must share to be the same customer. */
static int same_key(const struct paste_line *x, const struct paste_line *y)
{
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return x->kind == PASTE_EMAIL ? strcasecmp(x->text, y->text) : strcmp(x->text, y->text);
}

static int cmp_key_then_line(const void *x, const void *y)
{
	const struct paste_line *a = x, *b = y;
	int c = same_key(a, b);
	return c ? c : (a->no > b->no) - (a->no < b->no);
}

static int cmp_line(const void *x, const void *y)
{
	const struct paste_line *a = x, *b = y;
	return (a->no > b->no) - (a->no < b->no);
}

/* Adds one value (line no, s[0..len), trimmed here) to lines[*n]: blank
 * values are skipped; file says which input it is, for the messages. */
static enum err take_value(struct arena *a, struct paste_line *lines, size_t *n, unsigned no,
                           const char *s, size_t len, int max, int column, struct failure *f)
{
	size_t b = 0, e = len;
	while (b < e && is_space(s[b]))
		b++;
	while (e > b && is_space(s[e - 1]))
		e--;
	if (e == b)
		return ERR_OK;
	size_t chars = 0;
	for (size_t k = b; k < e; k++)
		chars += ((unsigned char)s[k] & 0xc0) != 0x80;
	if (chars > BULK_LINE_MAX)
		return fail_with(
		    f, ERR_INVALID, "LINE_TOO_LONG",
		    column
		        ? arena_printf(a,
		                       "file: line %u: the value in column %d is longer than %d "
		                       "characters; choose the column of ids or e-mail addresses.",
		                       no, column, BULK_LINE_MAX)
		        : arena_printf(a,
		                       "lines: line %u is longer than %d characters; put "
		                       "one id or e-mail address on each line.",
		                       no, BULK_LINE_MAX));
	if (*n >= (size_t)max)
		return fail_with(
		    f, ERR_TOO_LARGE, "TOO_MANY_LINES",
		    arena_printf(a,
		                 "lines: more than %s ids or e-mails (line %u is one too many). "
		                 "Split the list into runs of at most %s.",
		                 fmt_count(a, max), no, fmt_count(a, max)));
	struct paste_line *l = &lines[(*n)++];
	l->no = no;
	l->text = arena_strndup(a, s + b, e - b);
	l->kind = public_id_valid(l->text, "cus") ? PASTE_ID
	          : strchr(l->text, '@') != NULL  ? PASTE_EMAIL
	                                          : PASTE_OTHER;
	return ERR_OK;
}

/* Drops repeats (keeping the first line of each) into out. */
static void paste_finish(struct paste_line *lines, size_t n, struct paste *out)
{
	out->nonblank = n;
	qsort(lines, n, sizeof(*lines), cmp_key_then_line);
	size_t u = 0;
	for (size_t i = 0; i < n; i++) {
		if (u > 0 && same_key(&lines[u - 1], &lines[i]) == 0) {
			out->repeated++;
			continue;
		}
		lines[u++] = lines[i];
	}
	qsort(lines, u, sizeof(*lines), cmp_line);
	out->lines = lines;
	out->n = u;
}

enum err bulk_parse_paste(struct arena *a, const char *text, size_t len, int max, struct paste *out,
                          struct failure *f)
{
	memset(out, 0, sizeof(*out));
	if (text == NULL) {
		text = "";
		len = 0;
	}
	size_t cap = 1;
	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	struct paste_line *lines = arena_alloc(a, sizeof(*lines) * cap);
	size_t n = 0;
	unsigned no = 0;
	for (size_t i = 0; i <= len;) {
		size_t end = i;
		while (end < len && text[end] != '\n')
			end++;
		no++;
		enum err rc = take_value(a, lines, &n, no, text + i, end - i, max, 0, f);
		if (rc != ERR_OK)
			return rc;
		i = end + 1;
	}
	if (n == 0)
		return fail_with(f, ERR_INVALID, "NO_LINES",
		                 "lines: paste at least one customer id or e-mail.");
	paste_finish(lines, n, out);
	return ERR_OK;
}

/* ---- files --------------------------------------------------------------- */

/* The trimmed field i of a record, in the arena. */
static const char *trimmed(struct arena *a, const struct csv_record *rec, size_t i)
{
	const char *s = rec->fields[i];
	size_t b = 0, e = rec->lens[i];
	while (b < e && is_space(s[b]))
		b++;
	while (e > b && is_space(s[e - 1]))
		e--;
	return arena_strndup(a, s + b, e - b);
}

/* How plainly a header names a column of ids or e-mails: 0 (customerId),
 * 1 (email), 2 (id), or -1. Case, spaces, '-', '_' and '.' are ignored. */
static int header_rank(const char *name)
{
	char k[32];
	size_t n = 0;
	for (const char *p = name; *p; p++) {
		if (*p == ' ' || *p == '-' || *p == '_' || *p == '.')
			continue;
		if (n + 1 >= sizeof(k))
			return -1;
		k[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	}
	k[n] = '\0';
	static const char *const names[] = {"customerid", "email", "emailaddress", "id"};
	static const int rank[] = {0, 1, 1, 2};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(k, names[i]) == 0)
			return rank[i];
	return -1;
}

enum err bulk_parse_file(struct arena *a, const char *data, size_t len, int max,
                         struct bulk_file *out, struct failure *f)
{
	memset(out, 0, sizeof(*out));
	struct csv_error e;
	enum csv_rc rc = csv_read(a, data, len, (size_t)max + 1, &out->t, &e);
	if (rc == CSV_EMPTY)
		return fail_with(f, ERR_INVALID, "NO_LINES",
		                 "file: the file is empty; it needs at least one customer id or "
		                 "e-mail address.");
	if (rc != CSV_OK && rc != CSV_TOO_MANY_RECORDS)
		return fail_with(f, ERR_INVALID, "INVALID_FILE",
		                 arena_printf(a, "file: line %u: %s.", e.line, e.problem));
	const struct csv_table *t = &out->t;
	/* The first record is a header unless it holds an id or an e-mail. */
	out->header = true;
	for (size_t i = 0; i < t->ncols; i++) {
		const char *v = trimmed(a, &t->rows[0], i);
		if (public_id_valid(v, "cus") || strchr(v, '@') != NULL)
			out->header = false;
	}
	/* More than max values (max + 1 records were read): name the first one
	 * too many, the record after them when the first is a header. */
	if (rc == CSV_TOO_MANY_RECORDS || (!out->header && t->n > (size_t)max))
		return fail_with(
		    f, ERR_INVALID, "TOO_MANY_LINES",
		    arena_printf(a,
		                 "file: more than %s lines (line %s is one too many). Split the "
		                 "file into runs of at most %s.",
		                 fmt_count(a, max),
		                 fmt_count(a, out->header ? e.line : t->rows[max].line),
		                 fmt_count(a, max)));
	size_t data_rows = t->n - (out->header ? 1 : 0);
	if (data_rows == 0)
		return fail_with(f, ERR_INVALID, "NO_LINES",
		                 "file: the file has a header line but no values under it.");
	int best = -1;
	if (out->header)
		for (size_t i = 0; i < t->ncols; i++) {
			int rank = header_rank(trimmed(a, &t->rows[0], i));
			if (rank >= 0 && (best < 0 || rank < best)) {
				best = rank;
				out->auto_column = (int)i + 1;
			}
		}
	if (t->ncols == 1)
		out->auto_column = 1;
	return ERR_OK;
}

const char *bulk_file_column_name(struct arena *a, const struct bulk_file *file, int c)
{
	if (file->header) {
		const char *name = trimmed(a, &file->t.rows[0], (size_t)c - 1);
		if (name[0] != '\0')
			return name;
	}
	return arena_printf(a, "column %d", c);
}

size_t bulk_file_samples(struct arena *a, const struct bulk_file *file, int c, const char **out,
                         size_t cap)
{
	size_t k = 0;
	for (size_t r = file->header ? 1 : 0; r < file->t.n && k < cap; r++) {
		const char *v = trimmed(a, &file->t.rows[r], (size_t)c - 1);
		if (v[0] != '\0')
			out[k++] = v;
	}
	return k;
}

enum err bulk_parse_column(struct arena *a, const struct bulk_file *file, int c, int max,
                           struct paste *out, struct failure *f)
{
	memset(out, 0, sizeof(*out));
	const struct csv_table *t = &file->t;
	if (c < 1 || (size_t)c > t->ncols)
		return fail_with(f, ERR_INVALID, "INVALID_PARAMETER",
		                 arena_printf(a, "column: the file has %zu column%s.", t->ncols,
		                              t->ncols == 1 ? "" : "s"));
	struct paste_line *lines = arena_alloc(a, sizeof(*lines) * (t->n + 1));
	size_t n = 0;
	for (size_t r = file->header ? 1 : 0; r < t->n; r++) {
		const struct csv_record *rec = &t->rows[r];
		enum err rc = take_value(a, lines, &n, rec->line, rec->fields[c - 1],
		                         rec->lens[c - 1], max, c, f);
		if (rc != ERR_OK)
			return rc;
	}
	if (n == 0)
		return fail_with(f, ERR_INVALID, "NO_LINES",
		                 arena_printf(a,
		                              "file: %s has no values; choose the column of "
		                              "customer ids or e-mail addresses.",
		                              bulk_file_column_name(a, file, c)));
	paste_finish(lines, n, out);
	return ERR_OK;
}
