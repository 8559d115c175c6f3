/*
 * Unit tests for src/http and the front controller: kv parsing, input
 * validation, the route table, and worker_handle() driven through a fake
 * transport (tests/unit/fake_req.c) with a database that is not there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "domain/notes.h"
#include "domain/profile.h"
#include "fake_req.h"
#include "http/app.h"
#include "http/input.h"
#include "http/kv.h"
#include "http/response.h"
#include "route.h"
#include "tmpl/tmpl.h"
#include "util/api_key.h"
#include "util/arena.h"
#include "util/config.h"
#include "util/csrf.h"
#include "util/text.h"
#include "worker.h"

static int arena_setup(void **state)
{
	struct arena *a = arena_new();
	if (a == NULL)
		return -1;
	*state = a;
	return 0;
}

static int arena_teardown(void **state)
{
	arena_free(*state);
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, arena_setup, arena_teardown)

/* Parses s, which must be well-formed. */
static struct kvlist kvl(struct arena *a, const char *s)
{
	struct kvlist l;
	enum kv_rc rc = kv_parse_urlencoded(a, s, strlen(s), &l);
	if (rc != KV_OK)
		fail_msg("'%s' did not parse (%d)", s, (int)rc);
	return l;
}

/* ---- kv ------------------------------------------------------------------ */

static void kv_pairs(void **state)
{
	struct kvlist l = kvl(*state, "a=1&bb=two&c=3");
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].key, "a");
	assert_string_equal(l.v[0].val, "1");
	assert_int_equal(l.v[0].vlen, 1);
	assert_string_equal(l.v[1].key, "bb");
	assert_string_equal(l.v[1].val, "two");
	assert_int_equal(l.v[1].vlen, 3);
	assert_string_equal(l.v[2].key, "c");
	assert_string_equal(l.v[2].val, "3");
}

static void kv_decoding(void **state)
{
	struct arena *a = *state;
	struct kvlist l =
	    kvl(a, "q=hello+world&r=a%2Bb%20c&s=%C3%A9t%C3%A9&t=%4a%4A&u=%25&v=a%3Db%26c");
	assert_int_equal(l.n, 6);
	assert_string_equal(kv_get(&l, "q"), "hello world");
	assert_string_equal(kv_get(&l, "r"), "a+b c");
	assert_string_equal(kv_get(&l, "s"), "été");
	assert_string_equal(kv_get(&l, "t"), "JJ");
	assert_string_equal(kv_get(&l, "u"), "%");
	assert_string_equal(kv_get(&l, "v"), "a=b&c");
	/* Keys are decoded too. */
	l = kvl(a, "first+name=x&last%5Fname=y");
	assert_string_equal(kv_get(&l, "first name"), "x");
	assert_string_equal(kv_get(&l, "last_name"), "y");
}

static void kv_empty_values(void **state)
{
	struct arena *a = *state;
	struct kvlist l = kvl(a, "k=&flag&x=1&&&=orphan&");
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].key, "k");
	assert_string_equal(l.v[0].val, "");
	assert_int_equal(l.v[0].vlen, 0);
	assert_string_equal(l.v[1].key, "flag");
	assert_string_equal(l.v[1].val, "");
	assert_int_equal(l.v[1].vlen, 0);
	assert_string_equal(l.v[2].key, "x");
	l = kvl(a, "");
	assert_int_equal(l.n, 0);
	enum kv_rc rc = kv_parse_urlencoded(a, NULL, 0, &l);
	assert_int_equal(rc, KV_OK);
	assert_int_equal(l.n, 0);
	/* Only n bytes are read. */
	rc = kv_parse_urlencoded(a, "a=1&b=2", 3, &l);
	assert_int_equal(rc, KV_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].val, "1");
}

static void kv_bad_escape(void **state)
{
	struct arena *a = *state;
	const char *bad[] = {"a=%",   "a=%4",     "a=%zz",  "a=%4g",     "a=%g4",
	                     "%zz=1", "a=1&b=x%", "a=%%41", "a=x%4&b=1", "%=1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kvlist l = {(struct kv *)1, 99};
		enum kv_rc rc = kv_parse_urlencoded(a, bad[i], strlen(bad[i]), &l);
		if (rc != KV_BAD_ESCAPE)
			fail_msg("'%s' gave %d, not KV_BAD_ESCAPE", bad[i], (int)rc);
		/* On failure the list is empty. */
		assert_int_equal(l.n, 0);
	}
	/* An escape may not run past the n bytes given. */
	struct kvlist cut;
	assert_int_equal(kv_parse_urlencoded(a, "a=%41", 4, &cut), KV_BAD_ESCAPE);
	assert_int_equal(kv_parse_urlencoded(a, "a=%41", 3, &cut), KV_BAD_ESCAPE);
	/* An escape at the very end is fine. */
	struct kvlist l = kvl(a, "a=%41");
	assert_string_equal(kv_get(&l, "a"), "A");
}

static void kv_too_many(void **state)
{
	struct arena *a = *state;
	size_t n = KV_MAX_PAIRS + 1;
	char *s = malloc(4 * n);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + 4 * i, "a=1&", 4);
	struct kvlist l;
	/* Exactly KV_MAX_PAIRS pairs ("a=1&...&a=1"). */
	assert_int_equal(kv_parse_urlencoded(a, s, 4 * KV_MAX_PAIRS - 1, &l), KV_OK);
	assert_int_equal(l.n, KV_MAX_PAIRS);
	assert_int_equal(kv_parse_urlencoded(a, s, 4 * n - 1, &l), KV_TOO_MANY);
	assert_int_equal(l.n, 0);
	free(s);
}

static void kv_key_length(void **state)
{
	struct arena *a = *state;
	char s[KV_MAX_KEY * 3 + 16];
	struct kvlist l;
	memset(s, 'k', KV_MAX_KEY);
	strcpy(s + KV_MAX_KEY, "=v");
	assert_int_equal(kv_parse_urlencoded(a, s, strlen(s), &l), KV_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(strlen(l.v[0].key), KV_MAX_KEY);
	memset(s, 'k', KV_MAX_KEY + 1);
	strcpy(s + KV_MAX_KEY + 1, "=v");
	assert_int_equal(kv_parse_urlencoded(a, s, strlen(s), &l), KV_KEY_TOO_LONG);
	assert_int_equal(l.n, 0);
	/* The limit is on the decoded name. */
	s[0] = '\0';
	for (int i = 0; i < KV_MAX_KEY; i++)
		strcat(s, "%6B");
	strcat(s, "=v");
	assert_int_equal(kv_parse_urlencoded(a, s, strlen(s), &l), KV_OK);
	assert_int_equal(strlen(l.v[0].key), KV_MAX_KEY);
	s[0] = '\0';
	for (int i = 0; i < KV_MAX_KEY + 1; i++)
		strcat(s, "%6B");
	strcat(s, "=v");
	assert_int_equal(kv_parse_urlencoded(a, s, strlen(s), &l), KV_KEY_TOO_LONG);
	/* A name without '=' counts too. */
	memset(s, 'k', KV_MAX_KEY + 1);
	s[KV_MAX_KEY + 1] = '\0';
	assert_int_equal(kv_parse_urlencoded(a, s, strlen(s), &l), KV_KEY_TOO_LONG);
}

static void kv_nul(void **state)
{
	struct kvlist l = kvl(*state, "v=a%00b&w=%00");
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].vlen, 3);
	assert_memory_equal(l.v[0].val, "a\0b", 4);
	assert_int_equal(l.v[1].vlen, 1);
	assert_int_equal(l.v[1].val[0], '\0');
}

static void kv_last_wins(void **state)
{
	struct kvlist l = kvl(*state, "a=1&b=x&a=2&a=3");
	assert_string_equal(kv_get(&l, "a"), "3");
	assert_string_equal(kv_get(&l, "b"), "x");
	assert_null(kv_get(&l, "c"));
	assert_null(kv_get(&l, "A"));
	struct kvlist empty = {NULL, 0};
	assert_null(kv_get(&empty, "a"));
}

static void kv_cookies(void **state)
{
	struct arena *a = *state;
	struct kvlist l;
	kv_parse_cookies(a, "session=abc123; flash=deactivated", &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(kv_get(&l, "session"), "abc123");
	assert_string_equal(kv_get(&l, "flash"), "deactivated");
	kv_parse_cookies(a, "a=1;b=2;;  c=x=y; junk; =novalue; d=", &l);
	assert_string_equal(kv_get(&l, "a"), "1");
	assert_string_equal(kv_get(&l, "b"), "2");
	assert_string_equal(kv_get(&l, "c"), "x=y");
	assert_string_equal(kv_get(&l, "d"), "");
	assert_null(kv_get(&l, "junk"));
	assert_null(kv_get(&l, ""));
	assert_int_equal(l.n, 4);
	kv_parse_cookies(a, "", &l);
	assert_int_equal(l.n, 0);
	kv_parse_cookies(a, NULL, &l);
	assert_int_equal(l.n, 0);
	/* Cookies are not percent-decoded. */
	kv_parse_cookies(a, "x=a%20b+c", &l);
	assert_string_equal(kv_get(&l, "x"), "a%20b+c");
	assert_int_equal(l.v[0].vlen, 7);
}

static void kv_url_encode(void **state)
{
	struct arena *a = *state;
	assert_string_equal(url_encode(a, "abcXYZ019-_.~"), "abcXYZ019-_.~");
	assert_string_equal(url_encode(a, "a b&c=d/e?f#g+h%"), "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25");
	assert_string_equal(url_encode(a, "é"), "%C3%A9");
	assert_string_equal(url_encode(a, ""), "");
	/* Round trip through the parser. */
	const char *v = "Zoë & co = 100% \"real\"\n";
	struct kvlist l = kvl(a, arena_printf(a, "q=%s", url_encode(a, v)));
	assert_string_equal(kv_get(&l, "q"), v);
}

/* ---- input --------------------------------------------------------------- */

/* Validates qs and form (urlencoded) into fields; returns the result. */
static enum key validate(struct arena *a, const char *qs, const char *form,
                         struct field fields[KEY__MAX])
{
	struct kvlist q = kvl(a, qs), f = kvl(a, form);
	return input_validate(a, &q, &f, fields);
}

/* Asserts that the query pair is valid (for key k). */
static void valid(struct arena *a, enum key k, const char *pair)
{
	struct field fields[KEY__MAX];
	enum key bad = validate(a, pair, "", fields);
	if (bad != KEY__MAX || fields[k].state != FIELD_OK)
		fail_msg("'%s' was not accepted as %s (%s)", pair, input_name(k),
		         bad != KEY__MAX ? fields[bad].problem : "absent");
}

/* Asserts that the query pair is refused as key k, with a reason. */
static void invalid(struct arena *a, enum key k, const char *pair)
{
	struct field fields[KEY__MAX];
	enum key bad = validate(a, pair, "", fields);
	if (bad != k || fields[k].state != FIELD_INVALID)
		fail_msg("'%s' was not refused as %s", pair, input_name(k));
	assert_non_null(fields[k].problem);
	assert_null(fields[k].s);
}

static void input_enum(void **state)
{
	struct arena *a = *state;
	struct field fields[KEY__MAX];
	assert_int_equal(validate(a, "status=inactive&dir=desc&reason=compliance", "", fields),
	                 KEY__MAX);
	assert_int_equal(fields[KEY_STATUS].state, FIELD_OK);
	assert_string_equal(fields[KEY_STATUS].s, "inactive");
	assert_string_equal(fields[KEY_DIR].s, "desc");
	assert_string_equal(fields[KEY_REASON].s, "compliance");
	/* The index of the choice is the integer value. */
	assert_int_equal(fields[KEY_DIR].i, 1);
	invalid(a, KEY_STATUS, "status=bogus");
	invalid(a, KEY_STATUS, "status=Active");
	invalid(a, KEY_STATUS, "status=active+");
	invalid(a, KEY_DIR, "dir=ascending");
	invalid(a, KEY_FORMAT, "format=pdf");
	invalid(a, KEY_REASON, "reason=whim");
	invalid(a, KEY_HAS_ACTIVE_RENTALS, "hasActiveRentals=yes");
	valid(a, KEY_HAS_ACTIVE_RENTALS, "hasActiveRentals=true");
	valid(a, KEY_SORT_BY, "sortBy=totalMonthlyRevenue");
	invalid(a, KEY_SORT_BY, "sortBy=mrr");
	/* A prefix of a choice is not the choice. */
	invalid(a, KEY_FORMAT, "format=htm");
	invalid(a, KEY_FORMAT, "format=html%00");
}

/* The kind of problem of a refused field, in FlexPortal's vocabulary (the
 * API's VALIDATION_ERROR details). */
static void input_problem_codes(void **state)
{
	struct arena *a = *state;
	struct field f[KEY__MAX];
	static const struct {
		const char *pair;
		enum key k;
		const char *code;
	} cases[] = {
	    {"limit=101", KEY_LIMIT, "too_big"},
	    {"limit=99999999999999999999999", KEY_LIMIT, "too_big"},
	    {"limit=0", KEY_LIMIT, "too_small"},
	    {"limit=ten", KEY_LIMIT, "invalid_type"},
	    {"limit=-1", KEY_LIMIT, "invalid_type"},
	    {"status=deleted", KEY_STATUS, "invalid_enum_value"},
	    {"sortBy=mrr", KEY_SORT_BY, "invalid_enum_value"},
	    {"reason=whim", KEY_REASON, "invalid_enum_value"},
	    {"startAfter=a*b", KEY_START_AFTER, "invalid_string"},
	    {"customerId=ord_x", KEY_CUSTOMER_ID, "invalid_string"},
	    {"email=nobody", KEY_EMAIL, "invalid_string"},
	    {"from=2026-02-30", KEY_FROM, "invalid_string"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(validate(a, cases[i].pair, "", f), cases[i].k);
		assert_string_equal(input_problem_code(cases[i].k, &f[cases[i].k]), cases[i].code);
	}
	char q[200] = "q=";
	memset(q + 2, 'a', 101);
	q[103] = '\0';
	assert_int_equal(validate(a, q, "", f), KEY_Q);
	assert_string_equal(input_problem_code(KEY_Q, &f[KEY_Q]), "too_big");
}

static void input_int(void **state)
{
	struct arena *a = *state;
	struct field fields[KEY__MAX];
	assert_int_equal(validate(a, "limit=1", "", fields), KEY__MAX);
	assert_int_equal(fields[KEY_LIMIT].i, 1);
	assert_int_equal(validate(a, "limit=100", "", fields), KEY__MAX);
	assert_int_equal(fields[KEY_LIMIT].i, 100);
	assert_int_equal(validate(a, "limit=042", "", fields), KEY__MAX);
	assert_int_equal(fields[KEY_LIMIT].i, 42);
	invalid(a, KEY_LIMIT, "limit=0");
	invalid(a, KEY_LIMIT, "limit=101");
	invalid(a, KEY_LIMIT, "limit=-1");
	invalid(a, KEY_LIMIT, "limit=%2B5");
	invalid(a, KEY_LIMIT, "limit=5x");
	invalid(a, KEY_LIMIT, "limit=+5");
	invalid(a, KEY_LIMIT, "limit=1e2");
	invalid(a, KEY_LIMIT, "limit=99999999999999999999999");
	invalid(a, KEY_LIMIT, "limit=18446744073709551617");
	/* The page cursors take any positive 64-bit id. */
	valid(a, KEY_ORDERS_BEFORE, "orders_before=9223372036854775807");
	invalid(a, KEY_ORDERS_BEFORE, "orders_before=0");
	valid(a, KEY_ITEMS_AFTER, "items_after=0");
	/* A missing field gives the default through req_int's rule. */
	assert_int_equal(validate(a, "", "", fields), KEY__MAX);
	assert_int_equal(fields[KEY_LIMIT].state, FIELD_ABSENT);
}

/* Just past the largest id: refused without overflowing (run under UBSan,
 * scripts/check --asan, to see the difference). */
static void input_int_overflow(void **state)
{
	struct arena *a = *state;
	valid(a, KEY_ORDERS_BEFORE, "orders_before=9223372036854775807");
	invalid(a, KEY_ORDERS_BEFORE, "orders_before=9223372036854775808");
	invalid(a, KEY_ORDERS_BEFORE, "orders_before=9999999999999999999");
}

static void input_date(void **state)
{
	struct arena *a = *state;
	struct field fields[KEY__MAX];
	assert_int_equal(validate(a, "from=2024-02-29", "", fields), KEY__MAX);
	assert_int_equal(fields[KEY_FROM].i, 20240229);
	valid(a, KEY_FROM, "from=2000-02-29");
	valid(a, KEY_TO, "to=2024-12-31");
	valid(a, KEY_TO, "to=1970-01-01");
	invalid(a, KEY_FROM, "from=2023-02-29");
	invalid(a, KEY_FROM, "from=2100-02-29");
	invalid(a, KEY_FROM, "from=1900-02-29");
	invalid(a, KEY_FROM, "from=2024-02-30");
	invalid(a, KEY_FROM, "from=2024-04-31");
	invalid(a, KEY_FROM, "from=2024-13-01");
	invalid(a, KEY_FROM, "from=2024-00-10");
	invalid(a, KEY_FROM, "from=2024-01-00");
	invalid(a, KEY_FROM, "from=2024-1-01");
	invalid(a, KEY_FROM, "from=2024%2F01%2F01");
	invalid(a, KEY_FROM, "from=2024-01-01+10:00");
	invalid(a, KEY_FROM, "from=yesterday");
	invalid(a, KEY_CREATED_BEFORE, "created_before=2024-0a-01");
}

static void input_public_id(void **state)
{
	struct arena *a = *state;
	valid(a, KEY_CUSTOMER, "customer=cus_x");
	valid(a, KEY_CUSTOMER, "customer=cus_0a1B2c3D_4e");
	invalid(a, KEY_CUSTOMER, "customer=cus_");
	invalid(a, KEY_CUSTOMER, "customer=cu_x");
	invalid(a, KEY_CUSTOMER, "customer=cus_a-b");
	invalid(a, KEY_CUSTOMER, "customer=run_abc");
	invalid(a, KEY_CUSTOMER, "customer=cusx");
	invalid(a, KEY_CUSTOMER, "customer=cus_abc%00");
	invalid(a, KEY_CUSTOMER, "customer=cus_%C3%A9");
	invalid(a, KEY_CUSTOMER_ID, "customerId=CUS_abc");
	char pair[128];
	snprintf(pair, sizeof(pair), "customer=cus_%s", "abcdefghijklmnopqrstuvwxyz0123456789");
	valid(a, KEY_CUSTOMER, pair);
	snprintf(pair, sizeof(pair), "customer=cus_%s", "abcdefghijklmnopqrstuvwxyz01234567890");
	invalid(a, KEY_CUSTOMER, pair);
}

static void input_text(void **state)
{
	struct arena *a = *state;
	struct buf b;
	buf_init(&b, a, 0);
	buf_puts(&b, "q=");
	for (int i = 0; i < 100; i++)
		buf_putc(&b, 'x');
	valid(a, KEY_Q, b.p);
	buf_putc(&b, 'x');
	invalid(a, KEY_Q, b.p);
	/* The limit counts characters, not bytes. */
	buf_init(&b, a, 0);
	buf_puts(&b, "q=");
	for (int i = 0; i < 100; i++)
		buf_puts(&b, "%C3%A9");
	valid(a, KEY_Q, b.p);
	buf_puts(&b, "%C3%A9");
	invalid(a, KEY_Q, b.p);
	valid(a, KEY_Q, "q=Zo%C3%AB+%E6%97%A5%F0%9F%98%80");
}

static void input_control(void **state)
{
	struct arena *a = *state;
	invalid(a, KEY_Q, "q=a%01b");
	invalid(a, KEY_Q, "q=a%0Ab");
	invalid(a, KEY_Q, "q=a%0Db");
	invalid(a, KEY_Q, "q=a%09b");
	invalid(a, KEY_Q, "q=a%7Fb");
	invalid(a, KEY_Q, "q=%1B%5B31m");
	valid(a, KEY_NOTE, "note=line1%0Aline2%0D%0A%09indented");
	invalid(a, KEY_NOTE, "note=a%01b");
	invalid(a, KEY_NOTE, "note=a%7Fb");
	invalid(a, KEY_NOTE, "note=a%1Bb");
	invalid(a, KEY_ACTOR, "actor=a%0Ab");
}

static void input_utf8(void **state)
{
	struct arena *a = *state;
	const char *bad[] = {
	    "q=%FF",             /* never valid */
	    "q=%C3",             /* truncated */
	    "q=%C3x",            /* bad continuation */
	    "q=%80",             /* lone continuation */
	    "q=%C0%AF",          /* overlong '/' */
	    "q=%C1%BF",          /* overlong */
	    "q=%E0%80%AF",       /* overlong '/' */
	    "q=%F0%80%80%AF",    /* overlong '/' */
	    "q=%ED%A0%80",       /* surrogate */
	    "q=%F4%90%80%80",    /* beyond U+10FFFF */
	    "q=%F8%88%80%80%80", /* five bytes */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		invalid(a, KEY_Q, bad[i]);
	invalid(a, KEY_NOTE, "note=%C0%80");
	valid(a, KEY_Q, "q=%F4%8F%BF%BF");
	valid(a, KEY_Q, "q=%EF%BF%BD");
}

static void input_nul(void **state)
{
	struct arena *a = *state;
	invalid(a, KEY_Q, "q=abc%00def");
	invalid(a, KEY_Q, "q=%00");
	invalid(a, KEY_NOTE, "note=x%00");
	invalid(a, KEY_EMAIL, "email=a@b%00.com");
	invalid(a, KEY_AFTER, "after=abc%00");
	invalid(a, KEY_DOMAIN, "domain=example.com%00");
	invalid(a, KEY_LIMIT, "limit=1%00");
	invalid(a, KEY_FROM, "from=2024-01-0%00");
}

static void input_misc(void **state)
{
	struct arena *a = *state;
	valid(a, KEY_EMAIL, "email=jane%40example.com");
	invalid(a, KEY_EMAIL, "email=%40example.com");
	invalid(a, KEY_EMAIL, "email=jane%40");
	invalid(a, KEY_EMAIL, "email=jane+doe%40example.com");
	invalid(a, KEY_EMAIL, "email=janeexample.com");
	valid(a, KEY_AFTER, "after=abc.DEF-_09");
	invalid(a, KEY_AFTER, "after=abc%3D");
	valid(a, KEY_DOMAIN, "domain=mail.example-1.com");
	invalid(a, KEY_DOMAIN, "domain=exa_mple.com");
	valid(a, KEY_NO_ORDERS, "no_orders=1");
	invalid(a, KEY_NO_ORDERS, "no_orders=0");
	assert_string_equal(input_name(KEY_LIMIT), "limit");
	assert_string_equal(input_name(KEY_START_AFTER), "startAfter");
	assert_string_equal(input_name(KEY__MAX), "?");
	assert_null(input_check(KEY_LIMIT, "50", 2));
	assert_non_null(input_check(KEY_LIMIT, "500", 3));
	/* input_check looks at exactly len bytes. */
	assert_null(input_check(KEY_LIMIT, "500", 2));
}

/* A note's fields: the summary's rules, the kinds, the dates. */
static void input_note_fields(void **state)
{
	struct arena *a = *state;
	valid(a, KEY_SUMMARY, "summary=Called+back%0D%0Atwo+lines");
	valid(a, KEY_SUMMARY, "summary=%C3%A9t%C3%A9");
	invalid(a, KEY_SUMMARY, "summary=+%0D%0A+"); /* white space only */
	invalid(a, KEY_SUMMARY, "summary=a%09b");    /* tab */
	invalid(a, KEY_SUMMARY, "summary=a%07b");    /* bell */
	invalid(a, KEY_SUMMARY, "summary=a%7Fb");    /* DEL */
	invalid(a, KEY_SUMMARY, "summary=a%FFb");    /* not UTF-8 */
	char *big = arena_alloc(a, NOTE_SUMMARY_MAX + 16);
	memcpy(big, "summary=", 8);
	memset(big + 8, 'x', NOTE_SUMMARY_MAX);
	big[8 + NOTE_SUMMARY_MAX] = '\0';
	valid(a, KEY_SUMMARY, big);
	big[8 + NOTE_SUMMARY_MAX] = 'x';
	big[9 + NOTE_SUMMARY_MAX] = '\0';
	invalid(a, KEY_SUMMARY, big);
	valid(a, KEY_KIND, "kind=meeting");
	invalid(a, KEY_KIND, "kind=Meeting");
	valid(a, KEY_NOTED_ON, "date=2024-02-29");
	invalid(a, KEY_NOTED_ON, "date=2025-02-29");
	invalid(a, KEY_FOLLOW_UP, "follow_up=2025-1-01");
	assert_string_equal(input_name(KEY_NOTED_ON), "date");
}

/* Required fields are named with every invalid one. */
static void input_required(void **state)
{
	struct arena *a = *state;
	struct field fields[KEY__MAX];
	struct kvlist qs = kvl(a, ""), form = kvl(a, "kind=fax&follow_up=2025-02-30");
	input_validate(a, &qs, &form, fields);
	assert_int_equal(input_require(KEYS(KEY_KIND) | KEYS(KEY_SUMMARY), fields), KEY_SUMMARY);
	assert_string_equal(input_problems(a, fields),
	                    "kind: is not one of the allowed values. summary: is required. "
	                    "follow_up: is not a valid date.");
}

/* The stored summary: line breaks as LF, trimmed. */
static void notes_normalized(void **state)
{
	struct arena *a = *state;
	const char *in = " \r\n\tfirst\r\nsecond\rthird \n\n";
	assert_string_equal(notes_normalize(a, in, strlen(in)), "first\nsecond\nthird");
	assert_string_equal(notes_normalize(a, " \r\n ", 4), "");
	assert_string_equal(notes_normalize(a, "x", 1), "x");
}

static void input_absent(void **state)
{
	struct arena *a = *state;
	struct field fields[KEY__MAX];
	assert_int_equal(validate(a, "q=&limit=&status=&from=", "", fields), KEY__MAX);
	assert_int_equal(fields[KEY_Q].state, FIELD_ABSENT);
	assert_int_equal(fields[KEY_LIMIT].state, FIELD_ABSENT);
	assert_int_equal(fields[KEY_STATUS].state, FIELD_ABSENT);
	assert_int_equal(fields[KEY_FROM].state, FIELD_ABSENT);
	/* Unknown names are ignored. */
	assert_int_equal(validate(a, "utm_source=%FF&x=%00&limit=5", "", fields), KEY__MAX);
	assert_int_equal(fields[KEY_LIMIT].i, 5);
	/* Every field is reset. */
	memset(fields, 0x5a, sizeof(struct field) * KEY__MAX);
	assert_int_equal(validate(a, "", "", fields), KEY__MAX);
	for (int k = 0; k < KEY__MAX; k++) {
		assert_int_equal(fields[k].state, FIELD_ABSENT);
		assert_null(fields[k].s);
		assert_int_equal(fields[k].nmulti, 0);
	}
}

static void input_form_wins(void **state)
{
	struct arena *a = *state;
	struct field fields[KEY__MAX];
	assert_int_equal(validate(a, "status=active&q=from-query&limit=5",
	                          "status=inactive&q=from-form", fields),
	                 KEY__MAX);
	assert_string_equal(fields[KEY_STATUS].s, "inactive");
	assert_string_equal(fields[KEY_Q].s, "from-form");
	assert_int_equal(fields[KEY_Q].len, 9);
	assert_string_equal(fields[KEY_LIMIT].s, "5");
	/* An empty form value does not hide the query's. */
	assert_int_equal(validate(a, "q=kept", "q=", fields), KEY__MAX);
	assert_string_equal(fields[KEY_Q].s, "kept");
	/* Within one list the last value is the value. */
	assert_int_equal(validate(a, "limit=5&limit=7", "", fields), KEY__MAX);
	assert_int_equal(fields[KEY_LIMIT].i, 7);
	/* A bad form value is not hidden by a good query value. */
	assert_int_equal(validate(a, "limit=5", "limit=500", fields), KEY_LIMIT);
}

static void input_first_invalid(void **state)
{
	struct arena *a = *state;
	struct field fields[KEY__MAX];
	assert_int_equal(validate(a, "status=bogus&limit=0&q=ok", "", fields), KEY_STATUS);
	assert_int_equal(fields[KEY_STATUS].state, FIELD_INVALID);
	assert_int_equal(fields[KEY_LIMIT].state, FIELD_INVALID);
	assert_int_equal(fields[KEY_Q].state, FIELD_OK);
	assert_int_equal(validate(a, "q=ok", "limit=0", fields), KEY_LIMIT);
}

static void input_repeats(void **state)
{
	struct arena *a = *state;
	struct field fields[KEY__MAX];
	assert_int_equal(validate(a, "", "select=cus_a&select=cus_b&select=&select=cus_c", fields),
	                 KEY__MAX);
	struct field *f = &fields[KEY_SELECT];
	assert_int_equal(f->state, FIELD_OK);
	assert_int_equal(f->nmulti, 3);
	assert_string_equal(f->multi[0], "cus_a");
	assert_string_equal(f->multi[1], "cus_b");
	assert_string_equal(f->multi[2], "cus_c");
	assert_string_equal(f->s, "cus_c");
	/* One bad value makes the field invalid. */
	assert_int_equal(validate(a, "", "select=cus_a&select=bogus&select=cus_c", fields),
	                 KEY_SELECT);
	/* Fields that do not repeat collect nothing. */
	assert_int_equal(validate(a, "q=a&q=b", "", fields), KEY__MAX);
	assert_int_equal(fields[KEY_Q].nmulti, 0);
}

/* The edit form's keys: FlexPortal's names, every address member at its
 * place, and room in a key set for all of them and more; customerType of the form takes any
 * text (the rules check it), the list filter's only the vocabulary. */
static void route_edit_keys(void **state)
{
	struct arena *a = *state;
	assert_true(KEY__MAX >= 63);
	assert_true(sizeof(key_set) * 8 > KEY__MAX);
	for (int k = 0; k < ADDRESS_KIND__MAX; k++)
		for (int m = 0; m < AM__MAX; m++)
			assert_string_equal(input_name(KEY_ADDRESS(k, m)),
			                    arena_printf(a, "%s.%s", address_object_name[k],
			                                 address_member_name[m]));
	assert_string_equal(input_name(KEY_FIRST_NAME), profile_field_name[PF_FIRST_NAME]);
	assert_string_equal(input_name(KEY_PHONE), profile_field_name[PF_PHONE]);
	key_set edit = routes[PAGE_CUSTOMER_EDIT].keys;
	assert_true((edit & KEYS(KEY_ADDRESS_LAST)) != 0);
	assert_true((KEYS_ALL & KEYS(KEY_ADDRESS_LAST)) != 0);
	assert_false((edit & KEYS(KEY_ADDRESS_LAST + 1)) != 0);
	assert_false((edit & KEYS(KEY_CUSTOMER_TYPE)) != 0);
	struct kvlist q = kvl(a, ""),
	              f = kvl(a, "customerType=government&shippingAddress.country=NL");
	struct field fields[KEY__MAX];
	assert_int_equal(input_validate_keys(a, &q, &f, edit, fields), KEY__MAX);
	assert_string_equal(fields[KEY_EDIT_TYPE].s, "government");
	assert_string_equal(fields[KEY_ADDRESS(ADDRESS_SHIPPING, AM_COUNTRY)].s, "NL");
	assert_int_equal(fields[KEY_CUSTOMER_TYPE].state, FIELD_ABSENT);
	assert_int_equal(input_validate_keys(a, &q, &f, routes[PAGE_API_CUSTOMERS].keys, fields),
	                 KEY_CUSTOMER_TYPE);
	f = kvl(a, "firstName=a%00b");
	assert_int_equal(input_validate_keys(a, &q, &f, edit, fields), KEY_FIRST_NAME);
}

/*
 * 'select' in both the query and the form: every value kept must be one of
 * those given, each form value must be kept, and the list must be memory
 * the request owns (an allocation after validation must not overwrite it).
 */
static void input_repeats_both(void **state)
{
	struct arena *a = *state;
	static const char *const vals[] = {"cus_q", "cus_a", "cus_b", "cus_c", "cus_d", "cus_e"};
	struct kv qv[1] = {{"select", vals[0], 5}};
	struct kv fv[5];
	for (int i = 0; i < 5; i++)
		fv[i] = (struct kv){"select", vals[i + 1], 5};
	struct kvlist q = {qv, 1}, form = {fv, 5};
	struct field fields[KEY__MAX];
	assert_int_equal(input_validate(a, &q, &form, fields), KEY__MAX);
	struct field *f = &fields[KEY_SELECT];
	/* Whatever the request allocates next. */
	memset(arena_alloc(a, 512), 0x5a, 512);
	assert_true(f->nmulti >= 5 && f->nmulti <= 6);
	int seen[6] = {0};
	for (size_t i = 0; i < f->nmulti; i++) {
		int which = -1;
		for (int k = 0; k < 6; k++)
			if (f->multi[i] == vals[k])
				which = k;
		if (which < 0)
			fail_msg("select value %zu was overwritten", i);
		seen[which]++;
	}
	for (int k = 1; k < 6; k++)
		assert_int_equal(seen[k], 1);
}

static void input_utf8_direct(void **state)
{
	(void)state;
	size_t cps = 999;
	assert_true(utf8_valid("", 0, &cps));
	assert_int_equal(cps, 0);
	assert_true(utf8_valid("abc", 3, &cps));
	assert_int_equal(cps, 3);
	assert_true(utf8_valid("Zo\xc3\xab \xe6\x97\xa5\xf0\x9f\x98\x80", 12, &cps));
	assert_int_equal(cps, 6);
	assert_true(utf8_valid("\xc3\xa9", 2, NULL));
	/* Only n bytes count: a character cut in half is invalid. */
	assert_false(utf8_valid("\xc3\xa9", 1, NULL));
	assert_false(utf8_valid("\xe6\x97\xa5", 2, NULL));
	assert_false(utf8_valid("\xc0\x80", 2, NULL));
	assert_false(utf8_valid("\xe0\x9f\xbf", 3, NULL));
	assert_true(utf8_valid("\xe0\xa0\x80", 3, NULL));
	assert_false(utf8_valid("\xf0\x8f\xbf\xbf", 4, NULL));
	assert_true(utf8_valid("\xf0\x90\x80\x80", 4, NULL));
	assert_false(utf8_valid("\xed\xbf\xbf", 3, NULL));
	assert_true(utf8_valid("\xee\x80\x80", 3, NULL));
	assert_false(utf8_valid("\xfe", 1, NULL));
	/* NUL is a character to utf8_valid (validators reject it). */
	assert_true(utf8_valid("a\0b", 3, &cps));
	assert_int_equal(cps, 3);
}

static void input_public_id_direct(void **state)
{
	(void)state;
	assert_true(public_id_valid("cus_x", "cus"));
	assert_true(public_id_valid("run_0a1b2c3d4e", "run"));
	assert_true(public_id_valid("cus_a_b", "cus"));
	assert_false(public_id_valid("cus_", "cus"));
	assert_false(public_id_valid("cu_x", "cus"));
	assert_false(public_id_valid("cus_a-b", "cus"));
	assert_false(public_id_valid("cus_a b", "cus"));
	assert_false(public_id_valid("cus_a.b", "cus"));
	assert_false(public_id_valid("cus_x", "run"));
	assert_false(public_id_valid("cusx", "cus"));
	assert_false(public_id_valid("cus", "cus"));
	assert_false(public_id_valid("", "cus"));
	assert_false(public_id_valid("xcus_a", "cus"));
	assert_true(public_id_valid("cus_abcdefghijklmnopqrstuvwxyz0123456789", "cus"));
	assert_false(public_id_valid("cus_abcdefghijklmnopqrstuvwxyz01234567890", "cus"));
}

/* ---- route --------------------------------------------------------------- */

static void route_every_page(void **state)
{
	struct arena *a = *state;
	for (int p = 0; p < PAGE__MAX; p++) {
		const struct route *rt = &routes[p];
		assert_non_null(rt->pattern);
		assert_non_null(rt->name);
		const char *seg = rt->arg == ARG_RUN ? "run_abc123" : "cus_abc123";
		struct buf b;
		buf_init(&b, a, 0);
		for (const char *s = rt->pattern; *s; s++) {
			if (s[0] == '{' && s[1] == '}') {
				buf_puts(&b, seg);
				s++;
			} else {
				buf_putc(&b, *s);
			}
		}
		const char *arg = "unset";
		enum page got = route_match(a, b.p, &arg);
		if (got != (enum page)p)
			fail_msg("%s matched page %d, not %d (%s)", b.p, (int)got, p, rt->name);
		if (rt->arg == ARG_NONE)
			assert_null(arg);
		else
			assert_string_equal(arg, seg);
		/* Every page answers something, and the name is unique. */
		int methods = 0;
		for (int m = 0; m < METHOD__MAX; m++)
			methods += rt->on[m] != NULL;
		assert_true(methods > 0);
		for (int q = 0; q < p; q++)
			assert_string_not_equal(routes[q].name, rt->name);
	}
}

static void route_paths(void **state)
{
	struct arena *a = *state;
	static const struct {
		const char *path;
		enum page page;
		const char *arg;
	} v[] = {
	    {"/", PAGE_ROOT, NULL},
	    {"/customers", PAGE_CUSTOMERS, NULL},
	    {"/customers/cus_1", PAGE_CUSTOMER, "cus_1"},
	    {"/customers/cus_1/deactivate", PAGE_DEACTIVATE, "cus_1"},
	    {"/customers/cus_1/reactivate", PAGE_REACTIVATE, "cus_1"},
	    {"/customers/cus_1/retention", PAGE_CUSTOMER_RETENTION, "cus_1"},
	    {"/retention", PAGE_RETENTION, NULL},
	    {"/audit", PAGE_AUDIT, NULL},
	    {"/bulk", PAGE_BULK, NULL},
	    {"/bulk/preview", PAGE_BULK_PREVIEW, NULL},
	    {"/bulk/apply", PAGE_BULK_APPLY, NULL},
	    {"/bulk/run_7", PAGE_BULK_RUN, "run_7"},
	    {"/bulk/run_7/undo", PAGE_BULK_UNDO, "run_7"},
	    {"/healthz", PAGE_HEALTHZ, NULL},
	    {"/v1/customers", PAGE_API_CUSTOMERS, NULL},
	    {"/v1/customers/cus_9", PAGE_API_CUSTOMER, "cus_9"},
	    {"/v1/orders", PAGE_API_ORDERS, NULL},
	    /* The segment is captured as is; its shape is checked later. */
	    {"/customers/not an id", PAGE_CUSTOMER, "not an id"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const char *arg = "unset";
		enum page p = route_match(a, v[i].path, &arg);
		if (p != v[i].page)
			fail_msg("%s matched %d, not %d", v[i].path, (int)p, (int)v[i].page);
		if (v[i].arg == NULL)
			assert_null(arg);
		else
			assert_string_equal(arg, v[i].arg);
	}
}

static void route_unknown(void **state)
{
	struct arena *a = *state;
	static const char *const paths[] = {
	    "/customers/",
	    "/customers/cus_1/",
	    "/customers/cus_1/deactivate/",
	    "/customers/cus_1/delete",
	    "/customers/cus_1/deactivate/x",
	    "/customers//deactivate",
	    "/healthz/",
	    "/v1/customers/",
	    "/v1/",
	    "/v1",
	    "/v2/customers",
	    "/bulk/",
	    "/bulk/run_7/undo/",
	    "/bulk/run_7/redo",
	    "/customersx",
	    "//customers",
	    "/CUSTOMERS",
	    "/nope",
	    "customers",
	    "",
	    "/audit?x=1",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		const char *arg = "unset";
		enum page p = route_match(a, paths[i], &arg);
		if (p != PAGE__MAX)
			fail_msg("'%s' matched page %d", paths[i], (int)p);
		assert_null(arg);
	}
	const char *arg = "unset";
	assert_int_equal(route_match(a, NULL, &arg), PAGE__MAX);
	assert_null(arg);
}

static void route_allows(void **state)
{
	struct arena *a = *state;
	assert_string_equal(route_allow(a, PAGE_CUSTOMERS), "GET, HEAD");
	assert_string_equal(route_allow(a, PAGE_HEALTHZ), "GET, HEAD");
	assert_string_equal(route_allow(a, PAGE_DEACTIVATE), "GET, HEAD, POST");
	assert_string_equal(route_allow(a, PAGE_REACTIVATE), "GET, HEAD, POST");
	assert_string_equal(route_allow(a, PAGE_BULK_PREVIEW), "POST");
	assert_string_equal(route_allow(a, PAGE_BULK_APPLY), "POST");
	assert_string_equal(route_allow(a, PAGE_BULK_UNDO), "GET, HEAD, POST");
	assert_string_equal(route_allow(a, PAGE_API_CUSTOMER), "GET, HEAD, PUT, DELETE");
	assert_string_equal(route_allow(a, PAGE_API_ORDERS), "GET, HEAD");
	/* HEAD goes wherever GET goes. */
	for (int p = 0; p < PAGE__MAX; p++)
		assert_true((routes[p].on[METHOD_GET] == NULL) ==
		            (routes[p].on[METHOD_HEAD] == NULL));
	/* Writes name their action (audit and CSRF binding). */
	assert_non_null(routes[PAGE_DEACTIVATE].action);
	assert_non_null(routes[PAGE_REACTIVATE].action);
	assert_non_null(routes[PAGE_BULK_APPLY].action);
	assert_non_null(routes[PAGE_BULK_UNDO].action);
	/* Undoing a run is an admin's, the confirmation page too. */
	assert_int_equal(routes[PAGE_BULK_UNDO].read, ROLE_ADMIN);
	assert_int_equal(routes[PAGE_BULK_UNDO].write, ROLE_ADMIN);
}

/* ---- worker_handle() ------------------------------------------------------- */

static struct app app;
static struct arena *warena;

static int worker_group_setup(void **state)
{
	(void)state;
	memset(&app, 0, sizeof(app));
	char path[] = "/tmp/custodian-http-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	static const char text[] = "secret = test-secret-0123456789abcdef\n"
	                           "db_socket = /nonexistent.sock\n"
	                           "db_connect_timeout = 1\n"
	                           "db_rw_timeout = 1\n";
	ssize_t w = write(fd, text, sizeof(text) - 1);
	close(fd);
	char err[256];
	int rc = config_load(path, &app.cfg, err, sizeof(err));
	unlink(path);
	if (w != (ssize_t)sizeof(text) - 1 || rc != 0) {
		fprintf(stderr, "config: %s\n", err);
		return -1;
	}
	const char *tdir = getenv("TEMPLATE_DIR");
	if (tdir == NULL)
		tdir = "templates";
	if (tmpl_init(tdir) != 0)
		return -1;
	app.db = db_new(&app.cfg);
	warena = arena_new();
	return app.db != NULL && warena != NULL ? 0 : -1;
}

static int worker_group_teardown(void **state)
{
	(void)state;
	db_free(app.db);
	arena_free(warena);
	return 0;
}

/* Forgets every signed-in operator. */
static int worker_setup(void **state)
{
	memset(&app.operators, 0, sizeof(app.operators));
	struct fake_req *f = malloc(sizeof(*f));
	if (f == NULL)
		return -1;
	fake_init(f);
	*state = f;
	return 0;
}

static int worker_teardown(void **state)
{
	fake_free(*state);
	free(*state);
	return 0;
}

#define W(f) cmocka_unit_test_setup_teardown(f, worker_setup, worker_teardown)

/* Makes name a known operator (as a recent database lookup would) and
 * the request's REMOTE_USER. */
static void sign_in(struct fake_req *f, const char *name, enum role role)
{
	struct operator_entry *e = &app.operators.e[0];
	memset(e, 0, sizeof(*e));
	snprintf(e->username, sizeof(e->username), "%s", name);
	snprintf(e->display, sizeof(e->display), "Alice <Admin>");
	snprintf(e->tenant_slug, sizeof(e->tenant_slug), "acme");
	snprintf(e->tenant_name, sizeof(e->tenant_name), "Acme & Co");
	snprintf(e->currency, sizeof(e->currency), "EUR");
	e->tenant = 1;
	e->role = role;
	e->at = time(NULL);
	fake_param(f, "REMOTE_USER", name);
}

/* Asserts the headers every response carries, each exactly once. */
static void check_security_headers(struct fake_req *f)
{
	static const char *const names[] = {"Content-Security-Policy", "X-Frame-Options",
	                                    "X-Content-Type-Options", "Cache-Control"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (fake_header_count(f, names[i]) != 1)
			fail_msg("%s appears %d times in:\n%s", names[i],
			         fake_header_count(f, names[i]), f->out);
	const char *csp = fake_header(f, "Content-Security-Policy");
	assert_non_null(strstr(csp, "default-src 'none'"));
	assert_non_null(strstr(csp, "frame-ancestors 'none'"));
	assert_null(strstr(csp, "unsafe-inline"));
	assert_string_equal(fake_header(f, "X-Frame-Options"), "DENY");
	assert_string_equal(fake_header(f, "X-Content-Type-Options"), "nosniff");
	assert_non_null(strstr(fake_header(f, "Cache-Control"), "no-store"));
}

/* Sends f through the front controller the way worker_main() does, then
 * checks what every response must be. Returns the status. */
static int run(struct fake_req *f)
{
	fake_rewind(f);
	struct req r;
	memset(&r, 0, sizeof(r));
	r.app = &app;
	r.arena = warena;
	r.io = fake_io(f);
	worker_handle(&r);
	for (size_t i = 0; i < r.ndicts; i++)
		tmpl_dict_free(r.dicts[i]);
	arena_reset(warena);
	assert_true(r.started);
	if (!fake_headers_ok(f))
		fail_msg("malformed response:\n%s", f->out ? f->out : "(nothing)");
	assert_int_equal(fake_header_count(f, "Status"), 1);
	assert_int_equal(fake_status(f), r.status);
	assert_int_equal(fake_header_count(f, "Content-Type"), 1);
	check_security_headers(f);
	return r.status;
}

/* The body of the response. */
static const char *body(struct fake_req *f)
{
	size_t n;
	const char *b = fake_out_body(f, &n);
	assert_non_null(b);
	assert_int_equal(strlen(b), n);
	return b;
}

/* Asserts a FlexPortal JSON error with code, and a message. */
static void assert_json_error(struct fake_req *f, const char *code)
{
	const char *ct = fake_header(f, "Content-Type");
	assert_int_equal(strncmp(ct, "application/json", 16), 0);
	size_t n;
	const char *b = fake_out_body(f, &n);
	json_error_t je;
	json_t *j = json_loadb(b, n, 0, &je);
	if (j == NULL)
		fail_msg("not JSON (%s): %s", je.text, b);
	json_t *e = json_object_get(j, "error");
	const char *got = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	char gotc[64];
	snprintf(gotc, sizeof(gotc), "%s", got ? got : "(none)");
	int has_msg = msg != NULL && msg[0] != '\0';
	json_decref(j);
	assert_string_equal(gotc, code);
	assert_true(has_msg);
}

/* Asserts an HTML error page for status with code. */
static void assert_html_error(struct fake_req *f, int status, const char *code)
{
	assert_int_equal(strncmp(fake_header(f, "Content-Type"), "text/html", 9), 0);
	const char *b = body(f);
	assert_non_null(strstr(b, "<!DOCTYPE html>"));
	assert_non_null(strstr(b, "</html>"));
	char want[32];
	snprintf(want, sizeof(want), "<code>%s</code>", code);
	if (strstr(b, want) == NULL)
		fail_msg("no %s in:\n%s", want, b);
	snprintf(want, sizeof(want), "<h1 id=\"err-title\">%d ", status);
	assert_non_null(strstr(b, want));
}

static void worker_api_unknown(void **state)
{
	struct fake_req *f = *state;
	static const char *const paths[] = {"/v1/nope", "/v1/", "/v1/customers/cus_1/extra",
	                                    "/v1/customers/"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		fake_request(f, "GET", paths[i]);
		assert_int_equal(run(f), 404);
		assert_json_error(f, "NOT_FOUND");
	}
	/* No identity is needed to learn that nothing is there. */
	assert_null(fake_header(f, "WWW-Authenticate"));
}

static void worker_html_unknown(void **state)
{
	struct fake_req *f = *state;
	/* Staff pages say nothing, not even "not found", to strangers. */
	fake_request(f, "GET", "/nope");
	assert_int_equal(run(f), 401);
	assert_html_error(f, 401, "UNAUTHENTICATED");
	sign_in(f, "alice", ROLE_OPERATOR);
	fake_request(f, "GET", "/customers/");
	assert_int_equal(run(f), 404);
	assert_html_error(f, 404, "NOT_FOUND");
	/* The layout shows who is signed in, escaped. */
	const char *b = body(f);
	assert_non_null(strstr(b, "Acme &amp; Co"));
	assert_non_null(strstr(b, "Alice &lt;Admin&gt;"));
	assert_null(strstr(b, "<Admin>"));
}

static void worker_405_html(void **state)
{
	struct fake_req *f = *state;
	fake_request(f, "POST", "/customers");
	fake_body(f, "application/x-www-form-urlencoded", "a=1", 3);
	assert_int_equal(run(f), 405);
	assert_string_equal(fake_header(f, "Allow"), "GET, HEAD");
	assert_html_error(f, 405, "METHOD_NOT_ALLOWED");
	assert_non_null(strstr(body(f), "Allowed: GET, HEAD"));
	fake_request(f, "GET", "/bulk/preview");
	assert_int_equal(run(f), 405);
	assert_string_equal(fake_header(f, "Allow"), "POST");
	fake_request(f, "DELETE", "/customers/cus_1/deactivate");
	assert_int_equal(run(f), 405);
	assert_string_equal(fake_header(f, "Allow"), "GET, HEAD, POST");
}

static void worker_405_healthz(void **state)
{
	struct fake_req *f = *state;
	static const char *const methods[] = {"PUT", "POST", "DELETE", "BREW", "get"};
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		fake_request(f, methods[i], "/healthz");
		assert_int_equal(run(f), 405);
		assert_string_equal(fake_header(f, "Allow"), "GET, HEAD");
		assert_int_equal(strncmp(fake_header(f, "Content-Type"), "text/plain", 10), 0);
		assert_non_null(strstr(body(f), "not allowed"));
	}
	/* No REQUEST_METHOD at all. */
	fake_param(f, "REQUEST_METHOD", NULL);
	assert_int_equal(run(f), 405);
}

static void worker_405_api(void **state)
{
	struct fake_req *f = *state;
	fake_request(f, "PATCH", "/v1/customers/cus_1");
	assert_int_equal(run(f), 405);
	assert_string_equal(fake_header(f, "Allow"), "GET, HEAD, PUT, DELETE");
	assert_json_error(f, "METHOD_NOT_ALLOWED");
	fake_request(f, "POST", "/v1/orders");
	assert_int_equal(run(f), 405);
	assert_string_equal(fake_header(f, "Allow"), "GET, HEAD");
	assert_json_error(f, "METHOD_NOT_ALLOWED");
}

static void worker_401_html(void **state)
{
	struct fake_req *f = *state;
	static const char *const paths[] = {"/", "/customers", "/customers/cus_1", "/audit",
	                                    "/bulk/run_1"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		fake_request(f, "GET", paths[i]);
		assert_int_equal(run(f), 401);
		assert_html_error(f, 401, "UNAUTHENTICATED");
		/* Nobody is shown as signed in. */
		assert_null(strstr(body(f), "<nav"));
	}
	fake_param(f, "REMOTE_USER", "");
	assert_int_equal(run(f), 401);
	char longname[128];
	memset(longname, 'u', 101);
	longname[101] = '\0';
	fake_param(f, "REMOTE_USER", longname);
	assert_int_equal(run(f), 401);
}

static void worker_401_api(void **state)
{
	struct fake_req *f = *state;
	fake_request(f, "GET", "/v1/customers");
	assert_int_equal(run(f), 401);
	assert_non_null(fake_header(f, "WWW-Authenticate"));
	assert_int_equal(strncmp(fake_header(f, "WWW-Authenticate"), "Bearer", 6), 0);
	assert_json_error(f, "AUTH_REQUIRED");

	fake_param(f, "HTTP_AUTHORIZATION", "Basic YWxpY2U6c2VjcmV0");
	assert_int_equal(run(f), 401);
	assert_json_error(f, "AUTH_REQUIRED");
	assert_non_null(fake_header(f, "WWW-Authenticate"));

	fake_param(f, "HTTP_AUTHORIZATION", "Bearer not-a-key");
	assert_int_equal(run(f), 401);
	assert_json_error(f, "INVALID_TOKEN");
	assert_non_null(strstr(fake_header(f, "WWW-Authenticate"), "invalid_token"));

	/* A staff login is no API key. */
	fake_param(f, "HTTP_AUTHORIZATION", NULL);
	fake_param(f, "REMOTE_USER", "alice");
	fake_request(f, "GET", "/v1/customers/cus_1");
	assert_int_equal(run(f), 401);
	assert_json_error(f, "AUTH_REQUIRED");
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void worker_db_down(void **state)
{
	struct fake_req *f = *state;
	char key[API_KEY_LEN + 1];
	assert_int_equal(api_key_generate(key), 0);
	char *auth = malloc(strlen(key) + 8);
	assert_non_null(auth);
	sprintf(auth, "Bearer %s", key);
	double t0 = seconds();
	fake_request(f, "GET", "/v1/customers?limit=5");
	fake_param(f, "HTTP_AUTHORIZATION", auth);
	fake_param(f, "HTTP_TENANT_ID", "acme");
	assert_int_equal(run(f), 503);
	assert_json_error(f, "UNAVAILABLE");
	assert_non_null(fake_header(f, "Retry-After"));
	fake_free(f);
	free(auth);

	/* A person not in the cache needs the database too. */
	fake_request(f, "GET", "/customers");
	fake_param(f, "REMOTE_USER", "bob");
	assert_int_equal(run(f), 503);
	assert_html_error(f, 503, "UNAVAILABLE");
	assert_non_null(fake_header(f, "Retry-After"));

	fake_request(f, "GET", "/healthz");
	assert_int_equal(run(f), 503);
	assert_int_equal(strncmp(fake_header(f, "Content-Type"), "text/plain", 10), 0);
	assert_string_equal(body(f), "database unavailable\n");
	assert_non_null(fake_header(f, "Retry-After"));
	/* Failing fast, not waiting for timeouts. */
	assert_true(seconds() - t0 < 3.0);
}

static void worker_head(void **state)
{
	struct fake_req *f = *state;
	size_t n;
	fake_request(f, "HEAD", "/healthz");
	assert_int_equal(run(f), 503);
	assert_non_null(fake_out_body(f, &n));
	assert_int_equal(n, 0);
	fake_request(f, "HEAD", "/v1/customers");
	assert_int_equal(run(f), 401);
	assert_non_null(fake_header(f, "WWW-Authenticate"));
	assert_non_null(fake_out_body(f, &n));
	assert_int_equal(n, 0);
	fake_request(f, "HEAD", "/customers");
	assert_int_equal(run(f), 401);
	assert_non_null(fake_out_body(f, &n));
	assert_int_equal(n, 0);
	fake_request(f, "HEAD", "/v1/nope");
	assert_int_equal(run(f), 404);
	assert_non_null(fake_out_body(f, &n));
	assert_int_equal(n, 0);
	sign_in(f, "alice", ROLE_OPERATOR);
	fake_request(f, "HEAD", "/nope");
	assert_int_equal(run(f), 404);
	assert_non_null(fake_out_body(f, &n));
	assert_int_equal(n, 0);
	/* The same request with GET has a body. */
	fake_request(f, "GET", "/nope");
	assert_int_equal(run(f), 404);
	assert_non_null(fake_out_body(f, &n));
	assert_true(n > 0);
}

static void worker_security_headers(void **state)
{
	struct fake_req *f = *state;
	/* run() checks them; here on one response of each kind. */
	static const char *const reqs[][2] = {
	    {"GET", "/healthz"},   {"PUT", "/healthz"},
	    {"GET", "/v1/nope"},   {"GET", "/v1/customers"},
	    {"GET", "/customers"}, {"POST", "/customers"},
	    {"HEAD", "/"},         {"OPTIONS", "/audit"},
	};
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		fake_request(f, reqs[i][0], reqs[i][1]);
		run(f);
	}
	fake_param(f, "REQUEST_ID", "0123456789abcdef");
	fake_request(f, "GET", "/v1/nope");
	run(f);
	assert_string_equal(fake_header(f, "X-Request-Id"), "0123456789abcdef");
}

static void worker_flash(void **state)
{
	struct fake_req *f = *state;
	sign_in(f, "alice", ROLE_OPERATOR);
	fake_request(f, "GET", "/nope");
	fake_param(f, "HTTP_COOKIE", "other=1; flash=deactivated");
	assert_int_equal(run(f), 404);
	/* Shown once: the page clears the cookie. */
	assert_non_null(strstr(body(f), "The customer was deactivated."));
	const char *c = fake_header(f, "Set-Cookie");
	assert_non_null(c);
	assert_int_equal(strncmp(c, "flash=;", 7), 0);
	assert_non_null(strstr(c, "Max-Age=0"));
	assert_non_null(strstr(c, "HttpOnly"));
	assert_non_null(strstr(c, "SameSite=Strict"));
	assert_null(strstr(c, "Secure"));
	fake_param(f, "HTTPS", "on");
	run(f);
	assert_non_null(strstr(fake_header(f, "Set-Cookie"), "; Secure"));
	/* A code the page does not know shows nothing of it. */
	fake_param(f, "HTTP_COOKIE", "flash=%3Cscript%3E<script>");
	assert_int_equal(run(f), 404);
	assert_null(strstr(body(f), "<script>"));
	assert_null(strstr(body(f), "%3Cscript"));
	assert_null(strstr(body(f), "class=\"flash"));
	assert_non_null(fake_header(f, "Set-Cookie"));
	/* No cookie, no Set-Cookie. */
	fake_param(f, "HTTP_COOKIE", NULL);
	run(f);
	assert_null(fake_header(f, "Set-Cookie"));
}

/* A streamed answer: flushes reach the transport; an abort breaks it once
 * and nothing is written after it. */
static void response_flush_and_abort(void **state)
{
	struct fake_req *f = *state;
	struct req r;
	memset(&r, 0, sizeof(r));
	r.app = &app;
	r.arena = warena;
	r.io = fake_io(f);
	resp_start(&r, 200, "text/csv; charset=utf-8");
	resp_puts(&r, "id\r\n");
	resp_flush(&r);
	assert_int_equal(f->flushes, 1);
	resp_puts(&r, "cus_1\r\n");
	resp_abort(&r);
	resp_abort(&r);
	assert_int_equal(f->aborts, 1);
	resp_puts(&r, "cus_2\r\n");
	resp_flush(&r);
	assert_int_equal(f->flushes, 1);
	size_t n;
	const char *b = fake_out_body(f, &n);
	assert_int_equal(n, strlen("id\r\ncus_1\r\n"));
	assert_memory_equal(b, "id\r\ncus_1\r\n", n);
	/* a transport without flush or abort only drops the writes */
	fake_rewind(f);
	memset(&r, 0, sizeof(r));
	r.arena = warena;
	r.io = fake_io(f);
	r.io.flush = NULL;
	r.io.abort = NULL;
	resp_puts(&r, "x");
	resp_flush(&r);
	resp_abort(&r);
	resp_puts(&r, "y");
	b = fake_out_body(f, &n);
	assert_int_equal(n, 1);
	assert_int_equal(f->flushes + f->aborts, 0);
	arena_reset(warena);
}

/* Header values never split the header block, whatever their source. */
static void worker_header_split(void **state)
{
	struct fake_req *f = *state;
	fake_request(f, "GET", "/v1/nope");
	fake_param(f, "REQUEST_ID", "abc\r\nSet-Cookie: session=evil\r\n\r\n<h1>x</h1>");
	assert_int_equal(run(f), 404);
	assert_null(fake_header(f, "Set-Cookie"));
	assert_json_error(f, "NOT_FOUND");
}

static void worker_bad_id(void **state)
{
	struct fake_req *f = *state;
	sign_in(f, "alice", ROLE_OPERATOR);
	static const char *const paths[] = {"/customers/not-an-id", "/customers/run_abc",
	                                    "/customers/cus_/retention", "/bulk/cus_abc",
	                                    "/customers/cus_%3Cx%3E"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		fake_request(f, "GET", paths[i]);
		assert_int_equal(run(f), 400);
		assert_html_error(f, 400, "INVALID_ID");
	}
}

static void worker_bad_input(void **state)
{
	struct fake_req *f = *state;
	sign_in(f, "alice", ROLE_VIEWER);
	fake_request(f, "GET", "/customers?status=bogus");
	assert_int_equal(run(f), 400);
	assert_html_error(f, 400, "INVALID_PARAMETER");
	assert_non_null(strstr(body(f), "status: "));
	fake_request(f, "GET", "/customers?q=%zz");
	assert_int_equal(run(f), 400);
	assert_html_error(f, 400, "INVALID_QUERY");
	fake_request(f, "GET", "/audit?from=2023-02-29");
	assert_int_equal(run(f), 400);
	assert_non_null(strstr(body(f), "from: "));
	/* The message escapes whatever the request said. */
	fake_request(f, "GET", "/customers?q=%3Cscript%3E%01");
	assert_int_equal(run(f), 400);
	assert_null(strstr(body(f), "<script>"));
}

static void worker_post_checks(void **state)
{
	struct fake_req *f = *state;
	static const char form[] = "reason=compliance&note=ok";
	const char *ct = "application/x-www-form-urlencoded";
	sign_in(f, "alice", ROLE_OPERATOR);
	fake_request(f, "POST", "/customers/cus_abc/deactivate");

	/* Not a form. */
	fake_body(f, "text/plain", form, sizeof(form) - 1);
	assert_int_equal(run(f), 415);
	assert_html_error(f, 415, "UNSUPPORTED_MEDIA_TYPE");
	fake_param(f, "CONTENT_TYPE", NULL);
	assert_int_equal(run(f), 415);

	/* A form without a token (charset parameter allowed). */
	fake_body(f, "application/x-www-form-urlencoded; charset=UTF-8", form, sizeof(form) - 1);
	assert_int_equal(run(f), 403);
	assert_html_error(f, 403, "CSRF_MISSING");

	/* A token for another customer, and one that expired. */
	char tok[CSRF_TOKEN_LEN + 1];
	const struct config *cfg = &app.cfg;
	csrf_token_make(cfg->secret, cfg->secretlen, "alice", "deactivate", "cus_abd", time(NULL),
	                600, tok);
	char *post = malloc(256);
	assert_non_null(post);
	snprintf(post, 256, "%s&csrf=%s", form, tok);
	fake_body(f, ct, post, strlen(post));
	assert_int_equal(run(f), 403);
	assert_html_error(f, 403, csrf_result_code(CSRF_FORGED));
	csrf_token_make(cfg->secret, cfg->secretlen, "alice", "deactivate", "cus_abc",
	                time(NULL) - 7200, 60, tok);
	snprintf(post, 256, "%s&csrf=%s", form, tok);
	fake_body(f, ct, post, strlen(post));
	assert_int_equal(run(f), 403);
	assert_html_error(f, 403, "CSRF_EXPIRED");

	/* A good token reaches the handler (which finds no database). */
	csrf_token_make(cfg->secret, cfg->secretlen, "alice", "deactivate", "cus_abc", time(NULL),
	                600, tok);
	snprintf(post, 256, "%s&csrf=%s", form, tok);
	fake_body(f, ct, post, strlen(post));
	f->read_max = 7; /* the body arrives in pieces */
	assert_int_equal(run(f), 503);

	/* A viewer may not write, token or not. */
	sign_in(f, "alice", ROLE_VIEWER);
	assert_int_equal(run(f), 403);
	assert_html_error(f, 403, "FORBIDDEN");
	free(post);
}

static void worker_body_limits(void **state)
{
	struct fake_req *f = *state;
	const char *ct = "application/x-www-form-urlencoded";
	sign_in(f, "alice", ROLE_OPERATOR);
	fake_request(f, "POST", "/bulk/preview");

	char big[32];
	snprintf(big, sizeof(big), "%zu", app.cfg.max_body + 1);
	fake_body(f, ct, "", 0);
	fake_param(f, "CONTENT_LENGTH", big);
	assert_int_equal(run(f), 413);
	assert_html_error(f, 413, "PAYLOAD_TOO_LARGE");

	fake_param(f, "CONTENT_LENGTH", "12abc");
	assert_int_equal(run(f), 400);
	/* A negative length is refused, whichever way. */
	fake_param(f, "CONTENT_LENGTH", "-1");
	int st = run(f);
	assert_true(st == 400 || st == 413);

	/* Shorter than announced. */
	fake_body(f, ct, "mode=paste", 10);
	fake_param(f, "CONTENT_LENGTH", "100");
	assert_int_equal(run(f), 400);
	assert_html_error(f, 400, "BAD_REQUEST");

	/* A malformed form. */
	fake_body(f, ct, "mode=%zz", 8);
	assert_int_equal(run(f), 400);
	assert_html_error(f, 400, "INVALID_FORM");

	/* Too many fields. */
	size_t n = KV_MAX_PAIRS + 1;
	char *many = malloc(2 * n);
	assert_non_null(many);
	for (size_t i = 0; i < n; i++)
		memcpy(many + 2 * i, "a&", 2);
	fake_body(f, ct, many, 2 * n - 1);
	assert_int_equal(run(f), 413);
	assert_html_error(f, 413, "INVALID_FORM");
	free(many);
}

int main(void)
{
	const struct CMUnitTest kv_tests[] = {
	    T(kv_pairs),    T(kv_decoding),   T(kv_empty_values), T(kv_bad_escape),
	    T(kv_too_many), T(kv_key_length), T(kv_nul),          T(kv_last_wins),
	    T(kv_cookies),  T(kv_url_encode),
	};
	const struct CMUnitTest input_tests[] = {
	    T(input_enum),         T(input_int),           T(input_problem_codes),
	    T(input_int_overflow), T(input_date),          T(input_public_id),
	    T(input_text),         T(input_control),       T(input_utf8),
	    T(input_nul),          T(input_misc),          T(input_absent),
	    T(input_note_fields),  T(input_required),      T(notes_normalized),
	    T(input_form_wins),    T(input_first_invalid), T(input_repeats),
	    T(input_repeats_both), T(input_utf8_direct),   T(input_public_id_direct),
	};
	const struct CMUnitTest route_tests[] = {
	    T(route_every_page), T(route_paths),     T(route_unknown),
	    T(route_allows),     T(route_edit_keys),
	};
	const struct CMUnitTest worker_tests[] = {
	    W(worker_api_unknown),
	    W(worker_html_unknown),
	    W(worker_405_html),
	    W(worker_405_healthz),
	    W(worker_405_api),
	    W(worker_401_html),
	    W(worker_401_api),
	    W(worker_db_down),
	    W(worker_head),
	    W(worker_security_headers),
	    W(worker_bad_id),
	    W(worker_bad_input),
	    W(worker_post_checks),
	    W(worker_body_limits),
	    W(worker_flash),
	    W(worker_header_split),
	    W(response_flush_and_abort),
	};
	int failed = 0;
	failed += cmocka_run_group_tests_name("kv", kv_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("input", input_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("route", route_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("worker", worker_tests, worker_group_setup,
	                                      worker_group_teardown);
	return failed == 0 ? 0 : 1;
}
