#ifndef CUSTODIAN_CSV_H
#define CUSTODIAN_CSV_H

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

#endif
