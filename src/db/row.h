#ifndef CUSTODIAN_DB_ROW_H
#define CUSTODIAN_DB_ROW_H

/*
 * Private to db/: reading the text values of a result row into typed
 * fields, once, with checked parsing. A value that does not parse marks the
 * row bad (and logs which column); the family function then returns
 * ERR_INTERNAL instead of handing out a half-read row.
 */

#include <stdbool.h>
#include <stdint.h>

#include "db/sql.h"

struct row {
	const struct db_res *res;
	size_t i;
	const char *what; /* the statement's name, for the log */
	bool bad;
};

/* The row i of res. */
struct row row_at(const struct db_res *res, size_t i, const char *what);

/* Text (NULL for SQL NULL), and text that is never NULL ("" for NULL). */
const char *row_str(struct row *w, size_t col);
const char *row_text(struct row *w, size_t col);

/* Integers: SQL NULL gives 0; anything but an optional '-' and digits is bad. */
int64_t row_i64(struct row *w, size_t col);
uint64_t row_u64(struct row *w, size_t col);
bool row_bool(struct row *w, size_t col);

/* A DECIMAL as integer cents, exactly ("12.5" -> 1250, "-0.01" -> -1);
 * SQL NULL gives 0; more than two decimals or anything else is bad. */
int64_t row_cents(struct row *w, size_t col);

/* The index of the value in names[0..n); unknown is bad and gives 0. SQL
 * NULL gives -1 when nullable, and is bad otherwise. */
int row_enum(struct row *w, size_t col, const char *const *names, size_t n, bool nullable);

/*
 * Reads every row of res into a new array of elem_size-byte elements (in
 * the arena, zeroed, one spare) with read, which fills one element from
 * one row. Sets *n and returns the array; on a row that does not parse
 * sets *rc to ERR_INTERNAL (and *n to the rows read before it).
 */
typedef void (*row_reader)(struct row *w, void *elem);
void *rows_read(struct arena *a, const struct db_res *res, const char *what, size_t elem_size,
                row_reader read, size_t *n, enum err *rc);

#endif
