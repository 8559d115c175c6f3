/* Reading CSV and plain-text files (util/csv.h): the bulk file upload. */
#include <string.h>

#include "util/csv.h"
#include "util/text.h"

static enum csv_rc fail(struct csv_error *e, enum csv_rc rc, unsigned line, const char *problem)
{
	e->rc = rc;
	e->line = line;
	e->problem = problem;
	return rc;
}

/* The length of the line break at s[i] (CRLF, LF or a lone CR), or 0. */
static size_t line_break(const char *s, size_t n, size_t i)
{
	if (i >= n)
		return 0;
	if (s[i] == '\n')
		return 1;
	if (s[i] == '\r')
		return i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
	return 0;
}

/* Every line valid UTF-8, without NUL or control characters but TAB. */
static enum csv_rc check_text(const char *s, size_t n, struct csv_error *e)
{
	unsigned line = 1;
	size_t start = 0;
	for (size_t i = 0; i <= n;) {
		size_t br = line_break(s, n, i);
		if (i < n && br == 0) {
			unsigned char c = (unsigned char)s[i];
			if (c == 0)
				return fail(e, CSV_CONTROL, line, "contains a NUL byte");
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return fail(e, CSV_CONTROL, line, "contains a control character");
			i++;
			continue;
		}
		if (!utf8_valid(s + start, i - start, NULL))
			return fail(e, CSV_NOT_UTF8, line, "not UTF-8 (save the file as UTF-8)");
		if (i == n)
			break;
		i += br;
		start = i;
		line++;
	}
	return CSV_OK;
}

/* The separator of the first non-blank record: the most frequent of tab, semicolon
 * and comma outside quotes (ties in that order), or 0. */
static char detect_sep(const char *s, size_t n)
{
	size_t tabs = 0, semis = 0, commas = 0, i = 0;
	bool quoted = false;
	/* past blank lines, as the reader skips them */
	for (size_t k = 0; k < n; k++) {
		if (s[k] == '\n' || s[k] == '\r')
			i = k + 1;
		else if (s[k] != ' ' && s[k] != '\t')
			break;
	}
	for (; i < n; i++) {
		char c = s[i];
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && (c == '\n' || c == '\r'))
			break;
		else if (!quoted && c == '\t')
			tabs++;
		else if (!quoted && c == ';')
			semis++;
		else if (!quoted && c == ',')
			commas++;
	}
	if (tabs == 0 && semis == 0 && commas == 0)
		return 0;
	if (tabs >= semis && tabs >= commas)
		return '\t';
	return semis >= commas ? ';' : ',';
}

const char *csv_sep_name(char sep)
{
	switch (sep) {
	case ',': return "comma";
	case ';': return "semicolon";
	case '\t': return "tab";
	default: return "none";
	}
}

struct reader {
	struct arena *a;
	const char *s;
	size_t n, pos;
	unsigned line;
	char sep;
	struct csv_error *e;
};

/* A quoted field at r->pos (its opening quote): the text with doubled
 * quotes undone, r->pos after the closing quote. */
static enum csv_rc quoted_field(struct reader *r, const char **out, size_t *len)
{
	unsigned start_line = r->line;
	size_t i = r->pos + 1, outlen = 0;
	unsigned lines = 0;
	for (;;) {
		if (i >= r->n)
			return fail(r->e, CSV_UNTERMINATED, start_line,
			            "unterminated quoted field (the file ends inside its quotes)");
		if (r->s[i] == '"') {
			if (i + 1 < r->n && r->s[i + 1] == '"') {
				outlen++;
				i += 2;
				continue;
			}
			break;
		}
		size_t br = line_break(r->s, r->n, i);
		if (br) {
			lines++;
			outlen += br;
			i += br;
			continue;
		}
		outlen++;
		i++;
	}
	char *d = arena_alloc(r->a, outlen + 1);
	size_t o = 0;
	for (size_t k = r->pos + 1; k < i; k++) {
		d[o++] = r->s[k];
		if (r->s[k] == '"')
			k++; /* the second of a doubled quote */
	}
	d[o] = '\0';
	*out = d;
	*len = o;
	r->pos = i + 1;
	r->line += lines;
	if (r->pos < r->n && r->s[r->pos] != r->sep && !line_break(r->s, r->n, r->pos))
		return fail(r->e, CSV_AFTER_QUOTE, r->line,
		            "text after a closing quote (a quote inside a quoted field must be "
		            "doubled)");
	return CSV_OK;
}

/* An unquoted field at r->pos, up to the separator or the line break. */
static enum csv_rc plain_field(struct reader *r, const char **out, size_t *len)
{
	size_t i = r->pos;
	while (i < r->n && (r->sep == 0 || r->s[i] != r->sep) && !line_break(r->s, r->n, i)) {
		if (r->s[i] == '"')
			return fail(r->e, CSV_BAD_QUOTE, r->line,
			            "a quote inside an unquoted field (put the whole field in "
			            "quotes and double the quote)");
		i++;
	}
	*out = arena_strndup(r->a, r->s + r->pos, i - r->pos);
	*len = i - r->pos;
	r->pos = i;
	return CSV_OK;
}

enum csv_rc csv_read(struct arena *a, const char *s, size_t n, size_t max_records,
                     struct csv_table *out, struct csv_error *e)
{
	memset(out, 0, sizeof(*out));
	memset(e, 0, sizeof(*e));
	if (s == NULL)
		n = 0;
	bool bom = n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0;
	if (bom) {
		s += 3;
		n -= 3;
	}
	enum csv_rc rc = check_text(s, n, e);
	if (rc != CSV_OK)
		return rc;
	struct reader r = {a, s, n, 0, 1, detect_sep(s, n), e};
	size_t cap = 16, nrows = 0, ncols = 0;
	struct csv_record *rows = arena_alloc(a, sizeof(*rows) * cap);
	const char *fields[CSV_MAX_COLUMNS];
	size_t lens[CSV_MAX_COLUMNS];
	while (r.pos < n) {
		size_t br = line_break(s, n, r.pos);
		if (br) { /* a blank line */
			r.pos += br;
			r.line++;
			continue;
		}
		unsigned line = r.line;
		size_t nf = 0;
		for (;;) {
			if (nf == CSV_MAX_COLUMNS)
				return fail(e, CSV_TOO_MANY_COLUMNS, line, "more than 100 columns");
			rc = r.pos < n && s[r.pos] == '"' ? quoted_field(&r, &fields[nf], &lens[nf])
			                                  : plain_field(&r, &fields[nf], &lens[nf]);
			if (rc != CSV_OK)
				return rc;
			nf++;
			if (r.pos < n && r.sep != 0 && s[r.pos] == r.sep) {
				r.pos++;
				if (r.pos < n && !line_break(s, n, r.pos))
					continue;
				/* a separator last on the line: one more, empty field */
				if (nf == CSV_MAX_COLUMNS)
					return fail(e, CSV_TOO_MANY_COLUMNS, line,
					            "more than 100 columns");
				fields[nf] = "";
				lens[nf++] = 0;
			}
			break;
		}
		br = line_break(s, n, r.pos);
		r.pos += br;
		if (br)
			r.line++;
		if (nf == 1 && lens[0] == strspn(fields[0], " \t"))
			continue; /* only white space: a blank line too */
		if (nrows == 0)
			ncols = nf;
		else if (nf != ncols)
			return fail(e, CSV_FIELD_COUNT, line,
			            arena_printf(a, "%zu field%s where the first line has %zu", nf,
			                         nf == 1 ? "" : "s", ncols));
		if (nrows == max_records) {
			/* the records read so far stay, for the caller's message */
			out->rows = rows;
			out->n = nrows;
			out->ncols = ncols;
			out->sep = r.sep;
			out->bom = bom;
			return fail(e, CSV_TOO_MANY_RECORDS, line, "one line too many");
		}
		if (nrows == cap) {
			struct csv_record *bigger = arena_alloc(a, sizeof(*rows) * cap * 2);
			memcpy(bigger, rows, sizeof(*rows) * cap);
			rows = bigger;
			cap *= 2;
		}
		struct csv_record *rec = &rows[nrows++];
		rec->line = line;
		rec->fields = arena_alloc(a, sizeof(char *) * nf);
		rec->lens = arena_alloc(a, sizeof(size_t) * nf);
		memcpy(rec->fields, fields, sizeof(char *) * nf);
		memcpy(rec->lens, lens, sizeof(size_t) * nf);
	}
	if (nrows == 0)
		return fail(e, CSV_EMPTY, 1, "the file holds no values");
	out->rows = rows;
	out->n = nrows;
	out->ncols = ncols;
	out->sep = r.sep;
	out->bom = bom;
	return CSV_OK;
}
