#include "http/input.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

struct field_def;
typedef const char *(*validator)(const struct field_def *d, const char *v, size_t n,
                                 long long *ival);

struct field_def {
	const char *name;
	validator check;
	size_t max;                 /* characters (text) or bytes (tokens) */
	const char *const *choices; /* for v_enum, NULL-terminated */
	long long min, imax;        /* for v_int */
	const char *prefix;         /* for v_public_id */
	bool repeats;
};

static const char *text_common(const struct field_def *d, const char *v, size_t n, bool multiline)
{
	size_t cps;
	if (memchr(v, '\0', n) != NULL)
		return "contains a NUL byte";
	if (!utf8_valid(v, n, &cps))
		return "is not valid UTF-8";
	if (cps > d->max)
		return "is too long";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c < 0x20 || c == 0x7f) {
			if (multiline && (c == '\n' || c == '\r' || c == '\t'))
				continue;
			return "contains control characters";
		}
	}
	return NULL;
}

static const char *v_text(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)iv;
	return text_common(d, v, n, false);
}

static const char *v_multiline(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)iv;
	return text_common(d, v, n, true);
}

static const char *v_enum(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	for (size_t i = 0; d->choices[i] != NULL; i++)
		if (strlen(d->choices[i]) == n && memcmp(d->choices[i], v, n) == 0) {
			*iv = (long long)i;
			return NULL;
		}
	return "is not one of the allowed values";
}

static const char *v_int(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	if (n == 0 || n > 19)
		return "is not a number";
	long long x = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return "is not a number";
		if (x > (LLONG_MAX - (v[i] - '0')) / 10)
			return "is out of range";
		x = x * 10 + (v[i] - '0');
	}
	if (x < d->min || x > d->imax)
		return "is out of range";
	*iv = x;
	return NULL;
}

/* Cursors, tokens, nonces: a restricted alphabet and a length. */
static const char *v_token(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)iv;
	if (n == 0 || n > d->max)
		return "has the wrong length";
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return "is malformed";
	}
	return NULL;
}

static const char *v_date(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)d;
	if (n != 10 || v[4] != '-' || v[7] != '-')
		return "must be a date (YYYY-MM-DD)";
	for (size_t i = 0; i < n; i++)
		if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9'))
			return "must be a date (YYYY-MM-DD)";
	int y = atoi(v), m = atoi(v + 5), day = atoi(v + 8);
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1970 || y > 2999 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1])
		return "is not a valid date";
	if (m == 2 && day == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return "is not a valid date";
	*iv = (long long)y * 10000 + m * 100 + day;
	return NULL;
}

static const char *v_public_id(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)iv;
	if (n > 48 || memchr(v, '\0', n) != NULL || !public_id_valid(v, d->prefix))
		return "is not a valid id";
	return NULL;
}

static const char *v_email(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)iv;
	const char *why = text_common(d, v, n, false);
	if (why)
		return why;
	const char *at = memchr(v, '@', n);
	if (at == NULL || at == v || at == v + n - 1 || memchr(v, ' ', n) != NULL)
		return "is not an e-mail address";
	return NULL;
}

/* A domain name for the bulk filter: letters, digits, '-', '.'. */
static const char *v_domain(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)iv;
	if (n == 0 || n > d->max)
		return "has the wrong length";
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			return "is not a domain name";
	}
	return NULL;
}

/* Customer statuses (lists) and order statuses (GET /v1/orders): each
 * handler accepts its own subset and answers 400 for the others. */
static const char *const statuses[] = {"active",  "inactive",  "all",       "pending", "confirmed",
                                       "partial", "fulfilled", "cancelled", NULL};
static const char *const types[] = {"individual", "business", "all", NULL};
static const char *const sorts[] = {"createdAt", "name",      "email", "mrr",
                                    "devices",   "firstName", NULL};
static const char *const dirs[] = {"asc", "desc", NULL};
static const char *const formats[] = {"html", "csv", NULL};
static const char *const reasons[] = {"data_cleanup", "account_closure", "compliance",
                                      "fraud_prevention", NULL};
static const char *const actions[] = {"deactivate", "reactivate", "bulk_apply", NULL};
static const char *const modes[] = {"paste", "filter", "duplicates", NULL};
static const char *const yes[] = {"1", NULL};
static const char *const api_types[] = {"individual", "business", NULL};
static const char *const api_sorts[] = {"createdAt", "firstName",           "lastName",
                                        "email",     "totalMonthlyRevenue", "totalDevicesRented",
                                        NULL};
static const char *const bools[] = {"false", "true", NULL};

#define BEFORE(name)                                                                               \
	{                                                                                          \
		name, v_int, 0, NULL, 1, 9223372036854775807LL, NULL, false                        \
	}

static const struct field_def defs[KEY__MAX] = {
    [KEY_Q] = {"q", v_text, 100, NULL, 0, 0, NULL, false},
    [KEY_STATUS] = {"status", v_enum, 0, statuses, 0, 0, NULL, false},
    [KEY_TYPE] = {"type", v_enum, 0, types, 0, 0, NULL, false},
    [KEY_SORT] = {"sort", v_enum, 0, sorts, 0, 0, NULL, false},
    [KEY_DIR] = {"dir", v_enum, 0, dirs, 0, 0, NULL, false},
    [KEY_AFTER] = {"after", v_token, 700, NULL, 0, 0, NULL, false},
    [KEY_FORMAT] = {"format", v_enum, 0, formats, 0, 0, NULL, false},
    [KEY_ORDERS_BEFORE] = BEFORE("orders_before"),
    [KEY_SUBS_BEFORE] = BEFORE("subs_before"),
    [KEY_DEVICES_BEFORE] = BEFORE("devices_before"),
    [KEY_PAYMENTS_BEFORE] = BEFORE("payments_before"),
    [KEY_AUDIT_BEFORE] = BEFORE("audit_before"),
    [KEY_REASON] = {"reason", v_enum, 0, reasons, 0, 0, NULL, false},
    [KEY_NOTE] = {"note", v_multiline, 500, NULL, 0, 0, NULL, false},
    [KEY_CSRF] = {"csrf", v_token, 64, NULL, 0, 0, NULL, false},
    [KEY_ACTOR] = {"actor", v_text, 100, NULL, 0, 0, NULL, false},
    [KEY_ACTION] = {"action", v_enum, 0, actions, 0, 0, NULL, false},
    [KEY_OUTCOME] = {"outcome", v_token, 64, NULL, 0, 0, NULL, false},
    [KEY_FROM] = {"from", v_date, 0, NULL, 0, 0, NULL, false},
    [KEY_TO] = {"to", v_date, 0, NULL, 0, 0, NULL, false},
    [KEY_CUSTOMER] = {"customer", v_public_id, 0, NULL, 0, 0, "cus", false},
    [KEY_LINES] = {"lines", v_multiline, 4 * 1024 * 1024, NULL, 0, 0, NULL, false},
    [KEY_MODE] = {"mode", v_enum, 0, modes, 0, 0, NULL, false},
    [KEY_DOMAIN] = {"domain", v_domain, 253, NULL, 0, 0, NULL, false},
    [KEY_CREATED_BEFORE] = {"created_before", v_date, 0, NULL, 0, 0, NULL, false},
    [KEY_NO_ORDERS] = {"no_orders", v_enum, 0, yes, 0, 0, NULL, false},
    [KEY_IDLE_SINCE] = {"idle_since", v_date, 0, NULL, 0, 0, NULL, false},
    [KEY_SELECT] = {"select", v_public_id, 0, NULL, 0, 0, "cus", true},
    [KEY_NONCE] = {"nonce", v_token, 64, NULL, 0, 0, NULL, false},
    [KEY_SOURCE] = {"source", v_text, 200, NULL, 0, 0, NULL, false},
    [KEY_ITEMS_AFTER] = {"items_after", v_int, 0, NULL, 0, 2147483647, NULL, false},
    [KEY_LIMIT] = {"limit", v_int, 0, NULL, 1, 100, NULL, false},
    [KEY_START_AFTER] = {"startAfter", v_token, 700, NULL, 0, 0, NULL, false},
    [KEY_CUSTOMER_TYPE] = {"customerType", v_enum, 0, api_types, 0, 0, NULL, false},
    [KEY_EMAIL] = {"email", v_email, 254, NULL, 0, 0, NULL, false},
    [KEY_HAS_ACTIVE_RENTALS] = {"hasActiveRentals", v_enum, 0, bools, 0, 0, NULL, false},
    [KEY_SORT_BY] = {"sortBy", v_enum, 0, api_sorts, 0, 0, NULL, false},
    [KEY_SORT_DIR] = {"sortDir", v_enum, 0, dirs, 0, 0, NULL, false},
    [KEY_CUSTOMER_ID] = {"customerId", v_public_id, 0, NULL, 0, 0, "cus", false},
};

const char *input_name(enum key k)
{
	return k < KEY__MAX ? defs[k].name : "?";
}

const char *input_check(enum key k, const char *v, size_t len)
{
	long long iv = 0;
	return defs[k].check(&defs[k], v, len, &iv);
}

static enum key lookup(const char *name)
{
	for (int k = 0; k < KEY__MAX; k++)
		if (strcmp(defs[k].name, name) == 0)
			return (enum key)k;
	return KEY__MAX;
}

/* cap bounds how many values a repeating field can collect over both
 * lists, so the first allocation is large enough for all of them. */
static void take(struct arena *a, const struct kvlist *l, size_t cap, struct field fields[KEY__MAX])
{
	for (size_t i = 0; i < l->n; i++) {
		enum key k = lookup(l->v[i].key);
		if (k == KEY__MAX)
			continue;
		struct field *f = &fields[k];
		if (f->state == FIELD_INVALID)
			continue;
		const struct field_def *d = &defs[k];
		/* An empty value means "not given" (blank form fields). */
		if (l->v[i].vlen == 0)
			continue;
		long long iv = 0;
		const char *why = d->check(d, l->v[i].val, l->v[i].vlen, &iv);
		if (why != NULL) {
			f->state = FIELD_INVALID;
			f->problem = why;
			continue;
		}
		f->state = FIELD_OK;
		f->s = l->v[i].val;
		f->len = l->v[i].vlen;
		f->i = iv;
		if (d->repeats) {
			if (f->multi == NULL)
				f->multi = arena_alloc(a, sizeof(char *) * (cap + 1));
			f->multi[f->nmulti++] = l->v[i].val;
		}
	}
}

enum key input_validate(struct arena *a, const struct kvlist *qs, const struct kvlist *form,
                        struct field fields[KEY__MAX])
{
	memset(fields, 0, sizeof(struct field) * KEY__MAX);
	size_t cap = qs->n + form->n;
	take(a, qs, cap, fields);
	take(a, form, cap, fields);
	for (int k = 0; k < KEY__MAX; k++)
		if (fields[k].state == FIELD_INVALID)
			return (enum key)k;
	return KEY__MAX;
}
