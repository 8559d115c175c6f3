#ifndef CUSTODIAN_BULK_PARSE_H
#define CUSTODIAN_BULK_PARSE_H

#include <stddef.h>

#include "util/arena.h"
#include "util/err.h"

/*
 * The pasted list of a bulk clean-up, parsed without the database: one
 * customer id or e-mail address per line, blank lines skipped, each line
 * trimmed. A repeated id (exact: ids are case-sensitive) or e-mail
 * (case-insensitive) is kept once, at its first line.
 */

#define BULK_LINE_MAX 254 /* characters: the longest e-mail address */

enum paste_kind { PASTE_ID, PASTE_EMAIL, PASTE_OTHER };

struct paste_line {
	unsigned no;      /* line number, from 1 */
	const char *text; /* trimmed, in the arena */
	enum paste_kind kind;
};

struct paste {
	struct paste_line *lines; /* unique lines, in input order */
	size_t n;
	size_t nonblank; /* lines given (repeats included) */
	size_t repeated; /* lines dropped as repeats of an earlier one */
};

/*
 * Parses text[0..len) (valid UTF-8: checked on input). At most max
 * non-blank lines of at most BULK_LINE_MAX characters each. Returns ERR_OK,
 * or fills f (ERR_TOO_LARGE "TOO_MANY_LINES", ERR_INVALID "LINE_TOO_LONG"
 * or "NO_LINES", each message naming the line) and returns its kind.
 */
enum err bulk_parse_paste(struct arena *a, const char *text, size_t len, int max, struct paste *out,
                          struct failure *f);

#endif
