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

enum err bulk_parse_paste(struct arena *a, const char *text, size_t len, int max, struct paste *out,
                          struct failure *f)
{
	memset(out, 0, sizeof(*out));
	if (text == NULL)
		len = 0;
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
		size_t s = i, e = end;
		while (s < e && is_space(text[s]))
			s++;
		while (e > s && is_space(text[e - 1]))
			e--;
		i = end + 1;
		if (e == s)
			continue;
		size_t chars = 0;
		for (size_t k = s; k < e; k++)
			chars += ((unsigned char)text[k] & 0xc0) != 0x80;
		if (chars > BULK_LINE_MAX)
			return fail_with(
			    f, ERR_INVALID, "LINE_TOO_LONG",
			    arena_printf(a,
			                 "lines: line %u is longer than %d characters; put "
			                 "one id or e-mail address on each line.",
			                 no, BULK_LINE_MAX));
		if (n >= (size_t)max)
			return fail_with(
			    f, ERR_TOO_LARGE, "TOO_MANY_LINES",
			    arena_printf(
			        a,
			        "lines: more than %s ids or e-mails (line %u is one too many). "
			        "Split the list into runs of at most %s.",
			        fmt_count(a, max), no, fmt_count(a, max)));
		struct paste_line *l = &lines[n++];
		l->no = no;
		l->text = arena_strndup(a, text + s, e - s);
		l->kind = public_id_valid(l->text, "cus") ? PASTE_ID
		          : strchr(l->text, '@') != NULL  ? PASTE_EMAIL
		                                          : PASTE_OTHER;
	}
	if (n == 0)
		return fail_with(f, ERR_INVALID, "NO_LINES",
		                 "lines: paste at least one customer id or e-mail.");
	out->nonblank = n;
	/* Repeats are dropped, keeping the first line of each. */
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
	return ERR_OK;
}
