#ifndef CUSTODIAN_FMT_H
#define CUSTODIAN_FMT_H

#include <time.h>

#include "util/arena.h"

/* Display formatting for pages and CSV; every result is in the arena. */

/* "12345" -> "12,345" */
char *fmt_count(struct arena *a, long long n);

/* An amount in a currency: decimal text ("1234.5") or cents. */
char *fmt_money(struct arena *a, const char *amount, const char *currency);
char *fmt_cents(struct arena *a, long long cents, const char *currency);

/* Parses "YYYY-MM-DD[ HH:MM:SS[.fff]]" (UTC); -1 if malformed. */
time_t parse_datetime(const char *s);

/* "2024-03-01 09:00 UTC" (or just the date for a date). */
char *fmt_datetime(struct arena *a, const char *s);

/* "2024-03-01T09:00:00Z" (ISO 8601, as the API writes dates). */
char *fmt_iso(struct arena *a, const char *s);

/* "3 days ago", "in 2 hours", "just now", relative to now. */
char *fmt_relative(struct arena *a, const char *s, time_t now);

/* A human label for a snake_case code: "account_closure" -> "Account closure". */
char *fmt_label(struct arena *a, const char *code);

#endif
