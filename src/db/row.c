#include "db/row.h"

#include <limits.h>
#include <string.h>

#include "util/log.h"

struct row row_at(const struct db_res *res, size_t i, const char *what)
{
	struct row w = {res, i, what, false};
	return w;
}

static void bad(struct row *w, size_t col, const char *v)
{
	if (!w->bad)
		log_error("%s: column %zu of row %zu does not parse: %.40s", w->what, col, w->i,
		          v ? v : "NULL");
	w->bad = true;
}

const char *row_str(struct row *w, size_t col)
{
	if (col >= w->res->ncols) {
		bad(w, col, "(no such column)");
		return NULL;
	}
	return DB_V(w->res, w->i, col);
}

const char *row_text(struct row *w, size_t col)
{
	const char *s = row_str(w, col);
	return s ? s : "";
}

/* Digits only, at most max; false (and the row bad) otherwise. */
static bool digits(struct row *w, size_t col, const char *s, const char *p, uint64_t max,
                   uint64_t *out)
{
	uint64_t v = 0;
	if (*p == '\0')
		goto bad;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > (max - (uint64_t)(*p - '0')) / 10)
			goto bad;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return true;
bad:
	bad(w, col, s);
	return false;
}

int64_t row_i64(struct row *w, size_t col)
{
	const char *s = row_str(w, col);
	if (s == NULL)
		return 0;
	bool neg = *s == '-';
	uint64_t v;
	if (!digits(w, col, s, s + neg, (uint64_t)INT64_MAX, &v))
		return 0;
	return neg ? -(int64_t)v : (int64_t)v;
}

uint64_t row_u64(struct row *w, size_t col)
{
	const char *s = row_str(w, col);
	uint64_t v;
	if (s == NULL || !digits(w, col, s, s, UINT64_MAX, &v))
		return 0;
	return v;
}

bool row_bool(struct row *w, size_t col)
{
	return row_i64(w, col) != 0;
}

int64_t row_cents(struct row *w, size_t col)
{
	const char *s = row_str(w, col);
	if (s == NULL)
		return 0;
	const char *p = s;
	bool neg = *p == '-';
	if (neg)
		p++;
	int64_t units = 0, cents = 0;
	int digits = 0, decimals = 0;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (units > (INT64_MAX / 100 - 9) / 10) {
			bad(w, col, s);
			return 0;
		}
		units = units * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, decimals++) {
			if (decimals >= 2) {
				if (*p != '0') { /* DECIMAL(.,2) never has more */
					bad(w, col, s);
					return 0;
				}
				continue;
			}
			cents = cents * 10 + (*p - '0');
		}
		if (decimals == 1)
			cents *= 10;
	}
	if (*p != '\0' || digits == 0) {
		bad(w, col, s);
		return 0;
	}
	int64_t v = units * 100 + cents;
	return neg ? -v : v;
}

int row_enum(struct row *w, size_t col, const char *const *names, size_t n, bool nullable)
{
	const char *s = row_str(w, col);
	if (s == NULL) {
		if (!nullable)
			bad(w, col, s);
		return nullable ? -1 : 0;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	bad(w, col, s);
	return 0;
}

void *rows_read(struct arena *a, const struct db_res *res, const char *what, size_t elem_size,
                row_reader read, size_t *n, enum err *rc)
{
	char *rows = arena_calloc(a, res->nrows + 1, elem_size);
	*n = 0;
	for (size_t i = 0; i < res->nrows; i++) {
		struct row w = row_at(res, i, what);
		read(&w, rows + i * elem_size);
		if (w.bad) {
			*rc = ERR_INTERNAL;
			return rows;
		}
		(*n)++;
	}
	return rows;
}
