#include "util/fmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* |n| without overflow for LLONG_MIN. */
static unsigned long long magnitude(long long n)
{
	return n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
}

char *fmt_count(struct arena *a, long long n)
{
	char digits[32];
	snprintf(digits, sizeof(digits), "%llu", magnitude(n));
	size_t len = strlen(digits);
	char *out = arena_alloc(a, len + len / 3 + 3);
	size_t o = 0;
	if (n < 0)
		out[o++] = '-';
	for (size_t i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return out;
}

static const char *symbol(const char *currency)
{
	if (currency == NULL)
		return "";
	if (strcmp(currency, "EUR") == 0)
		return "€";
	if (strcmp(currency, "USD") == 0)
		return "$";
	if (strcmp(currency, "GBP") == 0)
		return "£";
	return NULL;
}

char *fmt_cents(struct arena *a, long long cents, const char *currency)
{
	unsigned long long mag = magnitude(cents);
	int frac = (int)(mag % 100);
	const char *sym = symbol(currency);
	char *w = fmt_count(a, (long long)(mag / 100));
	if (sym != NULL)
		return arena_printf(a, "%s%s%s.%02d", cents < 0 ? "-" : "", sym, w, frac);
	return arena_printf(a, "%s%s.%02d %s", cents < 0 ? "-" : "", w, frac, currency);
}

char *fmt_money(struct arena *a, const char *amount, const char *currency)
{
	if (amount == NULL)
		return arena_strdup(a, "");
	double v = strtod(amount, NULL);
	long long cents = (long long)(v * 100.0 + (v < 0 ? -0.5 : 0.5));
	return fmt_cents(a, cents, currency);
}

time_t parse_datetime(const char *s)
{
	if (s == NULL)
		return -1;
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	int n = sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	               &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
	if (n != 3 && n != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

char *fmt_datetime(struct arena *a, const char *s)
{
	if (s == NULL)
		return arena_strdup(a, "");
	if (strlen(s) <= 10)
		return arena_strdup(a, s);
	return arena_printf(a, "%.16s UTC", s);
}

char *fmt_iso(struct arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	if (strlen(s) <= 10)
		return arena_printf(a, "%.10sT00:00:00Z", s);
	return arena_printf(a, "%.10sT%.8sZ", s, s + 11);
}

char *fmt_relative(struct arena *a, const char *s, time_t now)
{
	time_t t = parse_datetime(s);
	if (t < 0)
		return arena_strdup(a, "");
	long long d = (long long)(now - t);
	int future = d < 0;
	if (future)
		d = -d;
	static const struct {
		long long secs;
		const char *unit;
	} units[] = {{365LL * 86400, "year"}, {30LL * 86400, "month"}, {7LL * 86400, "week"},
	             {86400, "day"},          {3600, "hour"},          {60, "minute"}};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		long long n = d / units[i].secs;
		if (n >= 1)
			return arena_printf(a, future ? "in %lld %s%s" : "%lld %s%s ago", n,
			                    units[i].unit, n == 1 ? "" : "s");
	}
	return arena_strdup(a, "just now");
}

char *fmt_label(struct arena *a, const char *code)
{
	if (code == NULL)
		return arena_strdup(a, "");
	char *out = arena_strdup(a, code);
	for (char *p = out; *p; p++)
		if (*p == '_')
			*p = ' ';
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
	return out;
}
