#ifndef CUSTODIAN_CSV_H
#define CUSTODIAN_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/buf.h"

/*
 * RFC 4180 CSV, safe to open in a spreadsheet: a field is quoted when it
 * holds a comma, quote, CR or LF (quotes doubled), and a field that starts
 * with '=', '+', '-', '@', TAB or CR is prefixed with a single quote so that
 * no spreadsheet runs it as a formula.
 */

/* Appends one field (NULL is empty), preceded by a comma unless first. */
void csv_field(struct buf *b, const char *value, int first);

/* Ends a record with CRLF. */
void csv_end(struct buf *b);

/* ---- reading (csv_read.c) ---------------------------------------------- */

/*
 * A file as spreadsheets and CRMs export it: UTF-8 with or without a BOM;
 * records end with CRLF, LF or CR; fields are separated by a comma, a
 * semicolon or a tab, whichever the first record holds most of outside
 * quotes (a tie: tab, then semicolon, then comma), or by nothing (one
 * column: plain text, one value per line); RFC 4180 quoting (a field in
 * double quotes may hold separators, line breaks and doubled quotes).
 */

#define CSV_MAX_COLUMNS 100

struct csv_record {
	unsigned line;       /* the line the record starts on, from 1 */
	const char **fields; /* NUL-terminated, in the arena */
	size_t *lens;
};

struct csv_table {
	struct csv_record *rows; /* the records, blank lines skipped */
	size_t n;
	size_t ncols; /* every record has this many fields */
	char sep;     /* ',', ';', '\t', or 0 (one column) */
	bool bom;     /* the file began with a UTF-8 byte order mark */
};

enum csv_rc {
	CSV_OK = 0,
	CSV_EMPTY,            /* no record at all */
	CSV_NOT_UTF8,         /* a line is not valid UTF-8 */
	CSV_CONTROL,          /* a NUL or another control character (not TAB) */
	CSV_UNTERMINATED,     /* a quoted field that the file ends inside */
	CSV_BAD_QUOTE,        /* a quote inside an unquoted field */
	CSV_AFTER_QUOTE,      /* text between a closing quote and the separator */
	CSV_FIELD_COUNT,      /* a record with more or fewer fields than the first */
	CSV_TOO_MANY_COLUMNS, /* more than CSV_MAX_COLUMNS fields */
	CSV_TOO_MANY_RECORDS, /* more than the caller's maximum */
};

/* Why a file was refused: the line and what is wrong there ("unterminated
 * quoted field"), in words for a person. */
struct csv_error {
	enum csv_rc rc;
	unsigned line;
	const char *problem;
};

/*
 * Reads s[0..n) into out, at most max_records records (the next one is
 * CSV_TOO_MANY_RECORDS, its line named, and out holds the max_records
 * before it). Returns CSV_OK, or fills e and returns its rc; out is then
 * empty but for CSV_TOO_MANY_RECORDS. Never reads past n; s need not be
 * NUL-terminated.
 */
enum csv_rc csv_read(struct arena *a, const char *s, size_t n, size_t max_records,
                     struct csv_table *out, struct csv_error *e);

/* "comma", "semicolon", "tab" or "none" for a separator. */
const char *csv_sep_name(char sep);

#endif
