#ifndef CUSTODIAN_BULK_PARSE_H
#define CUSTODIAN_BULK_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/csv.h"
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

/*
 * An uploaded file (the "file" mode): a CSV or plain-text file read by
 * csv_read() (util/csv.h), at most max lines of values. The first record
 * is a header unless one of its fields is a customer id or an e-mail
 * address. The column of ids or e-mails is chosen for the operator when
 * the header names it (customerId or customer_id, then email or e-mail,
 * then id; case, spaces, '-', '_' and '.' ignored) or when there is only
 * one column.
 */
struct bulk_file {
	struct csv_table t;
	bool header;     /* t.rows[0] names the columns */
	int auto_column; /* from 1; 0 when the operator must choose */
};

/* Reads data[0..len) into out. Returns ERR_OK, or fills f (ERR_INVALID:
 * "INVALID_FILE" naming the line and the problem, "TOO_MANY_LINES" naming
 * the line one too many, "NO_LINES"; each message begins "file: ") and
 * returns its kind. */
enum err bulk_parse_file(struct arena *a, const char *data, size_t len, int max,
                         struct bulk_file *out, struct failure *f);

/* The name of column c (from 1): the header's, else "column c". */
const char *bulk_file_column_name(struct arena *a, const struct bulk_file *file, int c);

/* Up to cap non-blank values of column c (from 1), trimmed, in file order,
 * into out; returns how many. */
size_t bulk_file_samples(struct arena *a, const struct bulk_file *file, int c, const char **out,
                         size_t cap);

/* The values of column c (from 1) as a paste: each record's value with the
 * line it starts on, trimmed, blank ones skipped, repeats merged as for a
 * pasted list. Returns ERR_OK, or fills f (ERR_INVALID "INVALID_PARAMETER"
 * for a column the file does not have, "LINE_TOO_LONG" naming the line,
 * "NO_LINES") and returns its kind. */
enum err bulk_parse_column(struct arena *a, const struct bulk_file *file, int c, int max,
                           struct paste *out, struct failure *f);

#endif
