/*
 * Unit tests for src/util: arena, buf, b64, crypto, csrf, cursor, csv, fmt
 * and config. One cmocka group per module.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/b64.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/crypto.h"
#include "util/csrf.h"
#include "util/csv.h"
#include "util/cursor.h"
#include "util/fmt.h"
#include "util/text.h"

/* ---- shared fixtures ---------------------------------------------------- */

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

static const unsigned char secret[] = "0123456789abcdef0123456789abcdef";
#define SECRETLEN (sizeof(secret) - 1)

/* ---- arena -------------------------------------------------------------- */

static void arena_alignment(void **state)
{
	struct arena *a = *state;
	for (size_t size = 1; size < 100; size++) {
		void *p = arena_alloc(a, size);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		/* The memory is writable in full. */
		memset(p, 0xab, size);
	}
	/* A type with the strictest alignment, after an odd-sized string. */
	arena_strdup(a, "xyz");
	long double *ld = arena_alloc(a, sizeof(*ld) * 3);
	assert_int_equal((uintptr_t)ld % _Alignof(long double), 0);
}

static void arena_distinct(void **state)
{
	struct arena *a = *state;
	unsigned char *p[64];
	for (int i = 0; i < 64; i++) {
		p[i] = arena_alloc(a, 37);
		memset(p[i], i, 37);
	}
	for (int i = 0; i < 64; i++)
		for (int k = 0; k < 37; k++)
			assert_int_equal(p[i][k], i);
}

static void arena_used_counts(void **state)
{
	struct arena *a = *state;
	assert_int_equal(arena_used(a), 0);
	assert_int_equal(arena_used(NULL), 0);
	arena_alloc(a, 10);
	size_t u1 = arena_used(a);
	assert_true(u1 >= 10);
	arena_alloc(a, 100);
	assert_true(arena_used(a) >= u1 + 100);
}

static void arena_strings(void **state)
{
	struct arena *a = *state;
	const char *src = "hello, world";
	char *d = arena_strdup(a, src);
	assert_string_equal(d, src);
	assert_ptr_not_equal(d, src);
	assert_null(arena_strdup(a, NULL));
	assert_string_equal(arena_strdup(a, ""), "");

	char *n = arena_strndup(a, src, 5);
	assert_string_equal(n, "hello");
	assert_string_equal(arena_strndup(a, src, 0), "");
	/* strndup copies n bytes even past a NUL (it is for sized input). */
	char *z = arena_strndup(a, "ab\0cd", 5);
	assert_memory_equal(z, "ab\0cd", 6);

	assert_string_equal(arena_printf(a, "%d-%s-%05.1f", 42, "x", 3.14159), "42-x-003.1");
	assert_string_equal(arena_printf(a, "%s", ""), "");
}

static void arena_printf_long(void **state)
{
	struct arena *a = *state;
	char *big = malloc(100001);
	assert_non_null(big);
	memset(big, 'q', 100000);
	big[100000] = '\0';
	char *p = arena_printf(a, "<%s>", big);
	assert_int_equal(strlen(p), 100002);
	assert_int_equal(p[0], '<');
	assert_int_equal(p[100001], '>');
	assert_int_equal(p[50000], 'q');
	free(big);
}

static void arena_large(void **state)
{
	struct arena *a = *state;
	char *small = arena_strdup(a, "before");
	size_t big = 1024 * 1024; /* far beyond one block */
	unsigned char *p = arena_alloc(a, big);
	assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
	memset(p, 0x5a, big);
	char *after = arena_strdup(a, "after");
	/* Nothing overlaps: the big block and both strings are intact. */
	for (size_t i = 0; i < big; i += 4093)
		assert_int_equal(p[i], 0x5a);
	assert_int_equal(p[big - 1], 0x5a);
	assert_string_equal(small, "before");
	assert_string_equal(after, "after");
	assert_true(arena_used(a) >= big);
	/* Many blocks' worth of small allocations. */
	for (int i = 0; i < 10000; i++) {
		char *s = arena_printf(a, "%d", i);
		assert_int_equal(atoi(s), i);
	}
	assert_string_equal(small, "before");
}

static void arena_reset_reuse(void **state)
{
	struct arena *a = *state;
	for (int round = 0; round < 5; round++) {
		arena_alloc(a, 3 * 64 * 1024); /* forces extra blocks */
		for (int i = 0; i < 1000; i++)
			arena_alloc(a, 100);
		assert_true(arena_used(a) > 0);
		arena_reset(a);
		assert_int_equal(arena_used(a), 0);
		char *s = arena_strdup(a, "again");
		assert_string_equal(s, "again");
		arena_reset(a);
	}
	/* The first block is kept and used again from its start. */
	void *first = arena_alloc(a, 100);
	arena_alloc(a, 200 * 1024);
	arena_reset(a);
	assert_ptr_equal(arena_alloc(a, 100), first);
	arena_reset(NULL); /* accepted */
	arena_free(NULL);
}

static void arena_calloc_zero(void **state)
{
	struct arena *a = *state;
	unsigned char *p = arena_alloc(a, 4096);
	memset(p, 0xff, 4096);
	arena_reset(a);
	/* The first block is reused dirty: calloc must still zero. */
	unsigned char *z = arena_calloc(a, 512, 8);
	for (size_t i = 0; i < 4096; i++)
		assert_int_equal(z[i], 0);
}

/* ---- buf ---------------------------------------------------------------- */

static void buf_basics(void **state)
{
	struct buf b;
	buf_init(&b, *state, 0);
	assert_non_null(b.p);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.p, "");
	buf_puts(&b, "abc");
	buf_putc(&b, '-');
	buf_append(&b, "xyz123", 3);
	buf_printf(&b, "[%d:%s]", 7, "q");
	assert_string_equal(b.p, "abc-xyz[7:q]");
	assert_int_equal(b.len, strlen("abc-xyz[7:q]"));
	buf_puts(&b, "");
	buf_append(&b, "zzz", 0);
	assert_string_equal(b.p, "abc-xyz[7:q]");
}

static void buf_grows(void **state)
{
	struct buf b;
	buf_init(&b, *state, 4);
	for (int i = 0; i < 5000; i++)
		buf_printf(&b, "%04d", i);
	assert_int_equal(b.len, 20000);
	assert_int_equal(b.p[b.len], '\0');
	assert_true(b.cap > b.len);
	assert_memory_equal(b.p, "0000000100020003", 16);
	assert_memory_equal(b.p + 19996, "4999", 4);
	/* One append far larger than the capacity. */
	char big[3000];
	memset(big, 'x', sizeof(big));
	struct buf c;
	buf_init(&c, *state, 16);
	buf_putc(&c, '<');
	buf_append(&c, big, sizeof(big));
	buf_putc(&c, '>');
	assert_int_equal(c.len, 3002);
	assert_int_equal(c.p[0], '<');
	assert_int_equal(c.p[3001], '>');
	assert_int_equal(c.p[3002], '\0');
}

static void buf_binary(void **state)
{
	struct buf b;
	buf_init(&b, *state, 8);
	buf_append(&b, "a\0b", 3);
	buf_putc(&b, '\0');
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.p, "a\0b\0", 5);
}

/* ---- b64 ---------------------------------------------------------------- */

static void b64_vectors(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} v[] = {{"", ""},
	         {"f", "Zg"},
	         {"fo", "Zm8"},
	         {"foo", "Zm9v"},
	         {"foob", "Zm9vYg"},
	         {"fooba", "Zm9vYmE"},
	         {"foobar", "Zm9vYmFy"},
	         {"\xfb\xff", "-_8"},
	         {"\xfb\xff\xbf", "-_-_"}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char out[32];
		size_t n = strlen(v[i].in);
		size_t len = b64url_encode((const unsigned char *)v[i].in, n, out);
		assert_string_equal(out, v[i].out);
		assert_int_equal(len, strlen(v[i].out));
		unsigned char back[32];
		assert_int_equal(b64url_decode(v[i].out, back, sizeof(back)), (long)n);
		assert_memory_equal(back, v[i].in, n);
	}
}

static void b64_roundtrip(void **state)
{
	(void)state;
	for (size_t n = 0; n <= 40; n++) {
		unsigned char in[40];
		for (size_t i = 0; i < n; i++)
			in[i] = (unsigned char)(i * 37 + n * 11 + 250);
		char enc[B64_ENCODED_SIZE(40)];
		memset(enc, '#', sizeof(enc));
		size_t len = b64url_encode(in, n, enc);
		/* No padding: ceil(4n/3) characters. */
		assert_int_equal(len, (n * 4 + 2) / 3);
		assert_int_equal(enc[len], '\0');
		assert_true(len + 1 <= B64_ENCODED_SIZE(n));
		for (size_t i = 0; i < len; i++)
			assert_non_null(
			    strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			           "0123456789-_",
			           enc[i]));
		unsigned char out[40];
		assert_int_equal(b64url_decode(enc, out, n), (long)n);
		assert_memory_equal(out, in, n);
	}
}

static void b64_bad_chars(void **state)
{
	(void)state;
	unsigned char out[16];
	const char *bad[] = {"Zm9v+A", "Zm9v/A",  "Zm9=",  "Zg==", "Zm 9",
	                     "Zm9\n",  "Zm\x80v", "Zm9v.", "!!!!"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(b64url_decode(bad[i], out, sizeof(out)), -1);
}

static void b64_bad_length(void **state)
{
	(void)state;
	unsigned char out[16];
	assert_int_equal(b64url_decode("Z", out, sizeof(out)), -1);
	assert_int_equal(b64url_decode("Zm9vY", out, sizeof(out)), -1);
	assert_int_equal(b64url_decode("Zm9vYmFyZ", out, sizeof(out)), -1);
	/* Also when the stray character carries no bits. */
	assert_int_equal(b64url_decode("A", out, sizeof(out)), -1);
	assert_int_equal(b64url_decode("Zm9vA", out, sizeof(out)), -1);
	assert_int_equal(b64url_decode("AAAAA", out, sizeof(out)), -1);
	assert_int_equal(b64url_decode("", out, sizeof(out)), 0);
}

static void b64_padding_bits(void **state)
{
	(void)state;
	unsigned char out[16];
	/* "f" is "Zg"; "Zh" has the same first byte with stray low bits. */
	assert_int_equal(b64url_decode("Zh", out, sizeof(out)), -1);
	assert_int_equal(b64url_decode("Z_", out, sizeof(out)), -1);
	/* "fo" is "Zm8"; "Zm9" leaves bits set. */
	assert_int_equal(b64url_decode("Zm9", out, sizeof(out)), -1);
	assert_int_equal(b64url_decode("Zm8", out, sizeof(out)), 2);
}

static void b64_too_small(void **state)
{
	(void)state;
	unsigned char out[8];
	assert_int_equal(b64url_decode("Zm9vYmFy", out, 5), -1);
	assert_int_equal(b64url_decode("Zm9vYmFy", out, 6), 6);
	assert_int_equal(b64url_decode("Zm8", out, 1), -1);
	assert_int_equal(b64url_decode("Zm8", out, 2), 2);
	assert_int_equal(b64url_decode("Zg", out, 0), -1);
}

/* ---- crypto ------------------------------------------------------------- */

static void crypto_sha256(void **state)
{
	(void)state;
	unsigned char d[SHA256_LEN];
	char h[2 * SHA256_LEN + 1];
	sha256("abc", 3, d);
	hex_encode(d, sizeof(d), h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256("", 0, d);
	hex_encode(d, sizeof(d), h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void crypto_hex(void **state)
{
	(void)state;
	const unsigned char in[] = {0x00, 0x0f, 0xa5, 0xff, 0x10};
	char out[11];
	memset(out, '#', sizeof(out));
	hex_encode(in, sizeof(in), out);
	assert_string_equal(out, "000fa5ff10");
	hex_encode(in, 0, out);
	assert_string_equal(out, "");
}

static void crypto_hmac_parts(void **state)
{
	(void)state;
	const unsigned char key[] = "Jefe";
	unsigned char m1[SHA256_LEN], m2[SHA256_LEN], m3[SHA256_LEN], m4[SHA256_LEN];
	const char *p1[] = {"ab", "c"}, *p2[] = {"a", "bc"}, *p3[] = {"abc"};
	hmac_parts(key, 4, p1, 2, m1);
	hmac_parts(key, 4, p2, 2, m2);
	hmac_parts(key, 4, p3, 1, m3);
	assert_memory_not_equal(m1, m2, SHA256_LEN);
	assert_memory_not_equal(m1, m3, SHA256_LEN);
	assert_memory_not_equal(m2, m3, SHA256_LEN);
	/* Deterministic, and keyed. */
	hmac_parts(key, 4, p1, 2, m4);
	assert_memory_equal(m1, m4, SHA256_LEN);
	hmac_parts((const unsigned char *)"Jeff", 4, p1, 2, m4);
	assert_memory_not_equal(m1, m4, SHA256_LEN);

	/* HMAC-SHA-256("Jefe", "a\0bc\0"): each part with its NUL. */
	char h[2 * SHA256_LEN + 1];
	hex_encode(m2, SHA256_LEN, h);
	assert_string_equal(h, "9986000392d00ada42fa0eb68a5c604d585a60b574da7accc1f83aa0386de87f");
	const char *p5[] = {"what do ya want for nothing?"};
	hmac_parts(key, 4, p5, 1, m4);
	hex_encode(m4, SHA256_LEN, h);
	assert_string_equal(h, "4fd2cd52032b7d4c8c0faac64edd70d083ded8a88aaf5bb3b60c8e40a83de008");
}

static void crypto_mem_equal(void **state)
{
	(void)state;
	assert_true(mem_equal("abcd", "abcd", 4));
	assert_false(mem_equal("abcd", "abce", 4));
	assert_false(mem_equal("xbcd", "abcd", 4));
	assert_true(mem_equal("abcd", "abce", 3));
}

static void crypto_random(void **state)
{
	(void)state;
	unsigned char a[32], b[32];
	assert_int_equal(random_bytes(a, sizeof(a)), 0);
	assert_int_equal(random_bytes(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
}

/* ---- csrf --------------------------------------------------------------- */

#define NOW ((time_t)1709283600) /* 2024-03-01 09:00:00 UTC */

static void csrf_ok(void **state)
{
	(void)state;
	char tok[CSRF_TOKEN_LEN + 1];
	memset(tok, '#', sizeof(tok));
	csrf_token_make(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW, 7200, tok);
	assert_int_equal(strlen(tok), CSRF_TOKEN_LEN);
	assert_int_equal(
	    csrf_token_check(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW, tok),
	    CSRF_OK);
	assert_int_equal(
	    csrf_token_check(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW + 7199, tok),
	    CSRF_OK);
	/* Tenant-wide forms bind the empty subject. */
	csrf_token_make(secret, SECRETLEN, "alice", "bulk_apply", "", NOW, 60, tok);
	assert_int_equal(csrf_token_check(secret, SECRETLEN, "alice", "bulk_apply", "", NOW, tok),
	                 CSRF_OK);
	assert_string_equal(csrf_result_code(CSRF_OK), "ok");
}

static void csrf_forged(void **state)
{
	(void)state;
	char tok[CSRF_TOKEN_LEN + 1];
	csrf_token_make(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW, 7200, tok);
	assert_int_equal(
	    csrf_token_check(secret, SECRETLEN, "bob", "deactivate", "cus_abc", NOW, tok),
	    CSRF_FORGED);
	assert_int_equal(
	    csrf_token_check(secret, SECRETLEN, "alice", "reactivate", "cus_abc", NOW, tok),
	    CSRF_FORGED);
	assert_int_equal(
	    csrf_token_check(secret, SECRETLEN, "alice", "deactivate", "cus_abd", NOW, tok),
	    CSRF_FORGED);
	assert_int_equal(csrf_token_check(secret, SECRETLEN, "alice", "deactivate", "", NOW, tok),
	                 CSRF_FORGED);
	/* Field boundaries are part of the binding. */
	assert_int_equal(
	    csrf_token_check(secret, SECRETLEN, "alicede", "activate", "cus_abc", NOW, tok),
	    CSRF_FORGED);
	const unsigned char other[] = "another-secret-of-enough-length!";
	assert_int_equal(
	    csrf_token_check(other, sizeof(other) - 1, "alice", "deactivate", "cus_abc", NOW, tok),
	    CSRF_FORGED);
	/* An expired token for someone else is forged, not expired. */
	assert_int_equal(
	    csrf_token_check(secret, SECRETLEN, "bob", "deactivate", "cus_abc", NOW + 9999, tok),
	    CSRF_FORGED);
}

static void csrf_expired(void **state)
{
	(void)state;
	char tok[CSRF_TOKEN_LEN + 1];
	csrf_token_make(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW, 60, tok);
	assert_int_equal(
	    csrf_token_check(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW + 61, tok),
	    CSRF_EXPIRED);
	assert_int_equal(
	    csrf_token_check(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW + 86400, tok),
	    CSRF_EXPIRED);
	assert_string_equal(csrf_result_code(CSRF_EXPIRED), "CSRF_EXPIRED");
}

static void csrf_missing(void **state)
{
	(void)state;
	assert_int_equal(
	    csrf_token_check(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW, NULL),
	    CSRF_MISSING);
	assert_int_equal(
	    csrf_token_check(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW, ""),
	    CSRF_MISSING);
	assert_string_equal(csrf_result_code(CSRF_MISSING), "CSRF_MISSING");
}

static void csrf_malformed(void **state)
{
	(void)state;
	char tok[CSRF_TOKEN_LEN + 2];
	csrf_token_make(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW, 7200, tok);
	char bad[64];
	/* One character short and one too many. */
	snprintf(bad, sizeof(bad), "%.*s", CSRF_TOKEN_LEN - 1, tok);
	assert_int_equal(
	    csrf_token_check(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW, bad),
	    CSRF_MALFORMED);
	snprintf(bad, sizeof(bad), "%sA", tok);
	assert_int_equal(
	    csrf_token_check(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW, bad),
	    CSRF_MALFORMED);
	/* Right length, wrong alphabet. */
	snprintf(bad, sizeof(bad), "%s", tok);
	bad[5] = '=';
	assert_int_equal(
	    csrf_token_check(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW, bad),
	    CSRF_MALFORMED);
	assert_int_equal(csrf_token_check(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW,
	                                  "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"),
	                 CSRF_MALFORMED);
	assert_int_equal(
	    csrf_token_check(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW, "x"),
	    CSRF_MALFORMED);
	assert_string_equal(csrf_result_code(CSRF_MALFORMED), "CSRF_MALFORMED");
}

static void csrf_flipped(void **state)
{
	(void)state;
	char tok[CSRF_TOKEN_LEN + 1];
	csrf_token_make(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW, 7200, tok);
	for (size_t i = 0; i < CSRF_TOKEN_LEN; i++) {
		char bad[CSRF_TOKEN_LEN + 1];
		memcpy(bad, tok, sizeof(bad));
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		enum csrf_result r =
		    csrf_token_check(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW, bad);
		if (r == CSRF_OK)
			fail_msg("token with character %zu changed was accepted", i);
		assert_int_equal(r, CSRF_FORGED);
	}
	const char *forged = csrf_result_code(CSRF_FORGED);
	assert_non_null(forged);
	assert_int_equal(strncmp(forged, "CSRF_", 5), 0);
	assert_string_not_equal(forged, csrf_result_code(CSRF_EXPIRED));
	assert_string_not_equal(forged, csrf_result_code(CSRF_MALFORMED));
}

static void csrf_distinct(void **state)
{
	(void)state;
	char a[CSRF_TOKEN_LEN + 1], b[CSRF_TOKEN_LEN + 1];
	csrf_token_make(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW, 7200, a);
	csrf_token_make(secret, SECRETLEN, "alice", "deactivate", "cus_abd", NOW, 7200, b);
	assert_string_not_equal(a, b);
	csrf_token_make(secret, SECRETLEN, "alice", "deactivate", "cus_abc", NOW, 7200, b);
	assert_string_equal(a, b);
	for (size_t i = 0; i < CSRF_TOKEN_LEN; i++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                       "0123456789-_",
		                       a[i]));
}

/* ---- cursor ------------------------------------------------------------- */

#define SCOPE "customers:email:asc"

static void cursor_roundtrip(void **state)
{
	struct arena *a = *state;
	static const struct {
		const char *key;
		uint64_t id;
	} v[] = {
	    {"jane@example.com", 1},
	    {"a:b:c", 42},
	    {"2024-03-01 09:00:00.123", 7},
	    {"Zoë Ångström 日本 😀", 123456789},
	    {"", 0},
	    {"x.y.z", UINT64_MAX},
	    {"key with spaces & = ? %", 99},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *c = cursor_encode(a, secret, SECRETLEN, SCOPE, v[i].key, v[i].id);
		assert_non_null(c);
		assert_true(strlen(c) <= CURSOR_MAX_LEN);
		/* URL-safe without encoding. */
		for (const char *p = c; *p; p++)
			assert_non_null(
			    strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			           "0123456789-_.",
			           *p));
		char *key = NULL;
		uint64_t id = 12345;
		assert_int_equal(cursor_decode(a, secret, SECRETLEN, SCOPE, c, &key, &id), 0);
		assert_string_equal(key, v[i].key);
		assert_true(id == v[i].id);
	}
}

static void cursor_longest_key(void **state)
{
	struct arena *a = *state;
	char key[CURSOR_MAX_KEY + 1];
	memset(key, 'k', CURSOR_MAX_KEY);
	key[CURSOR_MAX_KEY] = '\0';
	char *c = cursor_encode(a, secret, SECRETLEN, SCOPE, key, UINT64_MAX);
	assert_true(strlen(c) <= CURSOR_MAX_LEN);
	char *out = NULL;
	uint64_t id = 0;
	assert_int_equal(cursor_decode(a, secret, SECRETLEN, SCOPE, c, &out, &id), 0);
	assert_string_equal(out, key);
	assert_true(id == UINT64_MAX);
}

/* Asserts that s does not decode, and that nothing was set. */
static void cursor_rejects(struct arena *a, const char *scope, const char *s)
{
	char *key = (char *)"untouched";
	uint64_t id = 4242;
	if (cursor_decode(a, secret, SECRETLEN, scope, s, &key, &id) != -1)
		fail_msg("cursor '%s' was accepted", s ? s : "(null)");
	assert_string_equal(key, "untouched");
	assert_true(id == 4242);
}

static void cursor_wrong_scope(void **state)
{
	struct arena *a = *state;
	char *c = cursor_encode(a, secret, SECRETLEN, SCOPE, "jane@example.com", 5);
	cursor_rejects(a, "customers:email:desc", c);
	cursor_rejects(a, "orders:email:asc", c);
	cursor_rejects(a, "", c);
	const unsigned char other[] = "another-secret-of-enough-length!";
	char *key;
	uint64_t id;
	assert_int_equal(cursor_decode(a, other, sizeof(other) - 1, SCOPE, c, &key, &id), -1);
}

static void cursor_tampered(void **state)
{
	struct arena *a = *state;
	char *c = cursor_encode(a, secret, SECRETLEN, SCOPE, "jane@example.com", 5);
	size_t len = strlen(c);
	size_t dot = (size_t)(strchr(c, '.') - c);
	/* Every single-character change, in the payload and in the mac. */
	for (size_t i = 0; i < len; i++) {
		if (i == dot)
			continue;
		char *t = arena_strdup(a, c);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		cursor_rejects(a, SCOPE, t);
	}
	/* A payload for another id under the original mac. */
	char enc[B64_ENCODED_SIZE(64)];
	const char *payload = "6:jane@example.com";
	b64url_encode((const unsigned char *)payload, strlen(payload), enc);
	cursor_rejects(a, SCOPE, arena_printf(a, "%s%s", enc, c + dot));
}

static void cursor_truncated(void **state)
{
	struct arena *a = *state;
	char *c = cursor_encode(a, secret, SECRETLEN, SCOPE, "jane@example.com", 5);
	size_t len = strlen(c);
	for (size_t n = 0; n < len; n++)
		cursor_rejects(a, SCOPE, arena_strndup(a, c, n));
	/* The mac alone, and the payload alone. */
	cursor_rejects(a, SCOPE, strchr(c, '.'));
	cursor_rejects(a, SCOPE, arena_strndup(a, c, (size_t)(strchr(c, '.') - c)));
	cursor_rejects(a, SCOPE, arena_printf(a, "%s.", c));
	cursor_rejects(a, SCOPE, arena_printf(a, "%sAAAA", c));
}

static void cursor_garbage(void **state)
{
	struct arena *a = *state;
	cursor_rejects(a, SCOPE, NULL);
	cursor_rejects(a, SCOPE, "");
	cursor_rejects(a, SCOPE, ".");
	cursor_rejects(a, SCOPE, "no-dot-at-all");
	cursor_rejects(a, SCOPE, "!!!.!!!");
	char *c = cursor_encode(a, secret, SECRETLEN, SCOPE, "jane@example.com", 5);
	/* Too long: 701 characters, with and without a valid cursor inside. */
	char *big = arena_alloc(a, CURSOR_MAX_LEN + 2);
	memset(big, 'A', CURSOR_MAX_LEN + 1);
	big[CURSOR_MAX_LEN + 1] = '\0';
	cursor_rejects(a, SCOPE, big);
	size_t clen = strlen(c);
	memcpy(big + CURSOR_MAX_LEN + 1 - clen, c, clen);
	cursor_rejects(a, SCOPE, big);
	big[200] = '.';
	cursor_rejects(a, SCOPE, big);
}

/* A cursor with a valid mac over a payload the server would never write:
 * decoding must still check its shape. */
static char *cursor_forge(struct arena *a, const char *scope, const char *payload, size_t n)
{
	char tmp[512];
	memcpy(tmp, payload, n);
	tmp[n] = '\0';
	const char *parts[] = {"cursor", scope, tmp};
	unsigned char mac[SHA256_LEN];
	hmac_parts(secret, SECRETLEN, parts, 3, mac);
	char *out = arena_alloc(a, B64_ENCODED_SIZE(n) + 1 + B64_ENCODED_SIZE(12));
	size_t len = b64url_encode((const unsigned char *)payload, n, out);
	out[len++] = '.';
	b64url_encode(mac, 12, out + len);
	return out;
}

static void cursor_bad_payload(void **state)
{
	struct arena *a = *state;
	/* The forger matches the real format (sanity check). */
	char *ok = cursor_forge(a, SCOPE, "17:abc", 6);
	char *key;
	uint64_t id;
	assert_int_equal(cursor_decode(a, secret, SECRETLEN, SCOPE, ok, &key, &id), 0);
	assert_string_equal(key, "abc");
	assert_true(id == 17);
	assert_string_equal(ok, cursor_encode(a, secret, SECRETLEN, SCOPE, "abc", 17));

	cursor_rejects(a, SCOPE, cursor_forge(a, SCOPE, "no colon", 8));
	cursor_rejects(a, SCOPE, cursor_forge(a, SCOPE, ":abc", 4));
	cursor_rejects(a, SCOPE, cursor_forge(a, SCOPE, "12x:abc", 7));
	cursor_rejects(a, SCOPE, cursor_forge(a, SCOPE, "-1:abc", 6));
	cursor_rejects(a, SCOPE, cursor_forge(a, SCOPE, "1:a\0b", 5));
}

/* ---- csv ---------------------------------------------------------------- */

/* Parses one RFC 4180 record ending in CRLF into at most max fields (in
 * the arena). Returns the number of fields, or -1 when s is not exactly
 * one well-formed record. */
static int csv_parse(struct arena *a, const char *s, char **out, int max)
{
	int n = 0;
	const char *p = s;
	for (;;) {
		if (n == max)
			return -1;
		struct buf f;
		buf_init(&f, a, 16);
		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '\0')
					return -1;
				if (*p == '"') {
					if (p[1] != '"')
						break;
					p++;
				}
				buf_putc(&f, *p++);
			}
			p++; /* closing quote */
		} else {
			while (*p != ',' && *p != '\r' && *p != '\0') {
				if (*p == '"' || *p == '\n')
					return -1;
				buf_putc(&f, *p++);
			}
		}
		out[n++] = f.p;
		if (*p == ',') {
			p++;
			continue;
		}
		if (p[0] == '\r' && p[1] == '\n' && p[2] == '\0')
			return n;
		return -1;
	}
}

/* The CSV line for one field, and the value read back from it. */
static const char *csv_one(struct arena *a, const char *value, const char **back)
{
	struct buf b;
	buf_init(&b, a, 0);
	csv_field(&b, value, 1);
	csv_end(&b);
	char *f[4];
	int n = csv_parse(a, b.p, f, 4);
	if (n != 1)
		fail_msg("not one CSV field: '%s'", b.p);
	*back = f[0];
	return b.p;
}

static void csv_plain(void **state)
{
	struct arena *a = *state;
	struct buf b;
	buf_init(&b, a, 0);
	csv_field(&b, "abc", 1);
	csv_field(&b, "Zoë 日本", 0);
	csv_field(&b, "a=b", 0);
	csv_field(&b, "12.50", 0);
	csv_end(&b);
	assert_string_equal(b.p, "abc,Zoë 日本,a=b,12.50\r\n");
}

static void csv_quoting(void **state)
{
	struct arena *a = *state;
	const char *back;
	assert_string_equal(csv_one(a, "a,b", &back), "\"a,b\"\r\n");
	assert_string_equal(back, "a,b");
	assert_string_equal(csv_one(a, "say \"hi\"", &back), "\"say \"\"hi\"\"\"\r\n");
	assert_string_equal(back, "say \"hi\"");
	assert_string_equal(csv_one(a, "\"", &back), "\"\"\"\"\r\n");
	assert_string_equal(back, "\"");
	assert_string_equal(csv_one(a, "line1\nline2", &back), "\"line1\nline2\"\r\n");
	assert_string_equal(back, "line1\nline2");
	assert_string_equal(csv_one(a, "a\rb", &back), "\"a\rb\"\r\n");
	assert_string_equal(back, "a\rb");
	assert_string_equal(csv_one(a, "x\r\ny", &back), "\"x\r\ny\"\r\n");
	assert_string_equal(back, "x\r\ny");
}

static void csv_formula(void **state)
{
	struct arena *a = *state;
	static const char *const v[] = {"=SUM(A1:A9)",
	                                "+1",
	                                "-5",
	                                "@cmd",
	                                "\tleading tab",
	                                "\rcr",
	                                "=\"x\"",
	                                "-",
	                                "=HYPERLINK(\"http://x\",\"y\")"};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const char *back;
		const char *line = csv_one(a, v[i], &back);
		/* Read back, the value is the original behind a single quote. */
		if (back[0] != '\'' || strcmp(back + 1, v[i]) != 0)
			fail_msg("'%s' was written as '%s'", v[i], line);
		/* No cell starts with a formula character, quoted or not. */
		const char *cell = line[0] == '"' ? line + 1 : line;
		assert_int_equal(cell[0], '\'');
	}
	const char *back;
	/* Only the first character counts. */
	csv_one(a, "1+1=2", &back);
	assert_string_equal(back, "1+1=2");
	csv_one(a, "a-b", &back);
	assert_string_equal(back, "a-b");
}

static void csv_empty(void **state)
{
	struct arena *a = *state;
	struct buf b;
	buf_init(&b, a, 0);
	csv_field(&b, "a", 1);
	csv_field(&b, NULL, 0);
	csv_field(&b, "", 0);
	csv_field(&b, "d", 0);
	csv_end(&b);
	assert_string_equal(b.p, "a,,,d\r\n");
	struct buf c;
	buf_init(&c, a, 0);
	csv_field(&c, NULL, 1);
	csv_field(&c, NULL, 0);
	csv_end(&c);
	assert_string_equal(c.p, ",\r\n");
	char *f[4];
	assert_int_equal(csv_parse(a, b.p, f, 4), 4);
	assert_string_equal(f[1], "");
	assert_string_equal(f[2], "");
}

static void csv_records(void **state)
{
	struct arena *a = *state;
	struct buf b;
	buf_init(&b, a, 0);
	csv_field(&b, "id", 1);
	csv_field(&b, "name", 0);
	csv_end(&b);
	csv_field(&b, "1", 1);
	csv_field(&b, "Doe, Jane", 0);
	csv_end(&b);
	assert_string_equal(b.p, "id,name\r\n1,\"Doe, Jane\"\r\n");
}

/* ---- fmt ---------------------------------------------------------------- */

static void fmt_counts(void **state)
{
	struct arena *a = *state;
	static const struct {
		long long n;
		const char *s;
	} v[] = {
	    {0, "0"},
	    {7, "7"},
	    {999, "999"},
	    {1000, "1,000"},
	    {12345, "12,345"},
	    {100000, "100,000"},
	    {1234567, "1,234,567"},
	    {-1, "-1"},
	    {-999, "-999"},
	    {-1000, "-1,000"},
	    {-1234567, "-1,234,567"},
	    {LLONG_MAX, "9,223,372,036,854,775,807"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_string_equal(fmt_count(a, v[i].n), v[i].s);
}

/* The most negative count has no positive counterpart to print. */
static void fmt_count_min(void **state)
{
	struct arena *a = *state;
	assert_string_equal(fmt_count(a, LLONG_MIN), "-9,223,372,036,854,775,808");
	assert_string_equal(fmt_count(a, LLONG_MIN + 1), "-9,223,372,036,854,775,807");
}

static void fmt_money_cents(void **state)
{
	struct arena *a = *state;
	assert_string_equal(fmt_cents(a, 123456, "EUR"), "€1,234.56");
	assert_string_equal(fmt_cents(a, 123456, "USD"), "$1,234.56");
	assert_string_equal(fmt_cents(a, 5, "USD"), "$0.05");
	assert_string_equal(fmt_cents(a, 0, "EUR"), "€0.00");
	assert_string_equal(fmt_cents(a, -250, "EUR"), "-€2.50");
	assert_string_equal(fmt_cents(a, -5, "USD"), "-$0.05");
	assert_string_equal(fmt_cents(a, 100000000, "GBP"), "£1,000,000.00");
	assert_string_equal(fmt_cents(a, 123456, "CHF"), "1,234.56 CHF");
	assert_string_equal(fmt_cents(a, -199, "SEK"), "-1.99 SEK");
}

static void fmt_money_text(void **state)
{
	struct arena *a = *state;
	assert_string_equal(fmt_money(a, "1234.5", "EUR"), "€1,234.50");
	assert_string_equal(fmt_money(a, "19.99", "USD"), "$19.99");
	assert_string_equal(fmt_money(a, "0.1", "USD"), "$0.10");
	assert_string_equal(fmt_money(a, "0", "EUR"), "€0.00");
	assert_string_equal(fmt_money(a, "12345678.90", "EUR"), "€12,345,678.90");
	assert_string_equal(fmt_money(a, "-42.07", "USD"), "-$42.07");
	assert_string_equal(fmt_money(a, "2.36", "NOK"), "2.36 NOK");
	assert_string_equal(fmt_money(a, NULL, "EUR"), "");
}

static void fmt_parse(void **state)
{
	(void)state;
	assert_int_equal(parse_datetime("1970-01-01"), 0);
	assert_int_equal(parse_datetime("1970-01-01 00:00:00"), 0);
	assert_int_equal(parse_datetime("2024-03-01 09:00:00"), 1709283600);
	assert_int_equal(parse_datetime("2024-03-01 09:00:00.123456"), 1709283600);
	assert_int_equal(parse_datetime("2024-02-29"), 1709164800);
	assert_int_equal(parse_datetime("2000-01-01 00:00:00"), 946684800);
	assert_int_equal(parse_datetime(NULL), -1);
	assert_int_equal(parse_datetime(""), -1);
	assert_int_equal(parse_datetime("garbage"), -1);
	assert_int_equal(parse_datetime("2024-03"), -1);
	assert_int_equal(parse_datetime("2024/03/01"), -1);
	assert_int_equal(parse_datetime("2024-03-01 09:00"), -1);
}

static void fmt_dates(void **state)
{
	struct arena *a = *state;
	assert_string_equal(fmt_iso(a, "2024-03-01 09:00:00"), "2024-03-01T09:00:00Z");
	assert_string_equal(fmt_iso(a, "2024-03-01 09:00:00.123"), "2024-03-01T09:00:00Z");
	assert_string_equal(fmt_iso(a, "2024-03-01"), "2024-03-01T00:00:00Z");
	assert_null(fmt_iso(a, NULL));
	assert_string_equal(fmt_datetime(a, "2024-03-01 09:05:59"), "2024-03-01 09:05 UTC");
	assert_string_equal(fmt_datetime(a, "2024-03-01"), "2024-03-01");
	assert_string_equal(fmt_datetime(a, NULL), "");
}

static void fmt_relatives(void **state)
{
	struct arena *a = *state;
	time_t now = parse_datetime("2024-03-04 12:00:00");
	assert_string_equal(fmt_relative(a, "2024-03-01 12:00:00", now), "3 days ago");
	assert_string_equal(fmt_relative(a, "2024-03-03 11:00:00", now), "1 day ago");
	assert_string_equal(fmt_relative(a, "2024-03-04 11:59:30", now), "just now");
	assert_string_equal(fmt_relative(a, "2024-03-04 12:00:00", now), "just now");
	assert_string_equal(fmt_relative(a, "2024-03-04 11:59:00", now), "1 minute ago");
	assert_string_equal(fmt_relative(a, "2024-03-04 07:00:00", now), "5 hours ago");
	assert_string_equal(fmt_relative(a, "2024-02-19 12:00:00", now), "2 weeks ago");
	assert_string_equal(fmt_relative(a, "2023-12-01 12:00:00", now), "3 months ago");
	assert_string_equal(fmt_relative(a, "2022-01-01", now), "2 years ago");
	assert_string_equal(fmt_relative(a, "2024-03-04 14:00:00", now), "in 2 hours");
	assert_string_equal(fmt_relative(a, "2024-03-05 12:00:00", now), "in 1 day");
	assert_string_equal(fmt_relative(a, "2024-03-04 12:00:20", now), "just now");
	assert_string_equal(fmt_relative(a, "not a date", now), "");
	assert_string_equal(fmt_relative(a, NULL, now), "");
}

static void fmt_labels(void **state)
{
	struct arena *a = *state;
	assert_string_equal(fmt_label(a, "account_closure"), "Account closure");
	assert_string_equal(fmt_label(a, "fraud_prevention"), "Fraud prevention");
	assert_string_equal(fmt_label(a, "active"), "Active");
	assert_string_equal(fmt_label(a, "rented_out_late"), "Rented out late");
	assert_string_equal(fmt_label(a, "Done"), "Done");
	assert_string_equal(fmt_label(a, ""), "");
	assert_string_equal(fmt_label(a, NULL), "");
	/* The input is not changed. */
	const char code[] = "data_cleanup";
	fmt_label(a, code);
	assert_string_equal(code, "data_cleanup");
}

/* ---- config ------------------------------------------------------------- */

/* Writes text to a new temporary file; returns its path (in the arena). */
static char *temp_file(struct arena *a, const char *text)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *path = arena_printf(a, "%s/custodian-test-XXXXXX", dir);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

/* Loads text as a config file; returns config_load()'s result. */
static int load(struct arena *a, const char *text, struct config *cfg, char *err, size_t errlen)
{
	char *path = temp_file(a, text);
	err[0] = '\0';
	int rc = config_load(path, cfg, err, errlen);
	unlink(path);
	return rc;
}

#define GOOD_SECRET "secret = 0123456789abcdefXYZ\n"

static void config_default_values(void **state)
{
	(void)state;
	struct config cfg;
	memset(&cfg, 0x5a, sizeof(cfg));
	config_defaults(&cfg);
	/* No endpoint and no secret until a file gives them. */
	assert_int_equal(cfg.ndb, 0);
	assert_int_equal(cfg.secretlen, 0);
	assert_string_equal(cfg.db_password, "");
	assert_true(cfg.socket[0] != '\0' && strlen(cfg.socket) < sizeof(cfg.socket));
	assert_true(cfg.templates[0] == '/');
	assert_true(cfg.db_name[0] != '\0' && strlen(cfg.db_name) < sizeof(cfg.db_name));
	assert_true(cfg.db_user[0] != '\0' && strlen(cfg.db_user) < sizeof(cfg.db_user));
	assert_in_range(cfg.workers, 0, 256);
	assert_in_range(cfg.backlog, 1, 65535);
	assert_in_range(cfg.db_connect_timeout, 1, 300);
	assert_in_range(cfg.deadlock_retries, 1, 100);
	assert_in_range(cfg.csrf_ttl, 60, 86400 * 7);
	assert_in_range(cfg.max_body, 1024, 1L << 30);
	assert_in_range(cfg.bulk_max, 1, 1000000);
	assert_int_equal(cfg.closure_sweep_seconds, 60);
	assert_int_equal(cfg.retention_policy_seconds, 3600);
}

/* The sample configuration documents every key with its default: loaded,
 * it must give exactly config_defaults(). */
static void config_sample(void **state)
{
	struct arena *a = *state;
	const char *tdir = getenv("TEMPLATE_DIR");
	char *path = arena_printf(a, "%s/../conf/custodian.conf.sample", tdir ? tdir : "templates");
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		print_message("# %s not found (set TEMPLATE_DIR)\n", path);
		skip();
	}
	char *pw = temp_file(a, "db-password\n");
	char *sec = temp_file(a, "0123456789abcdef0123\n");
	struct buf text;
	buf_init(&text, a, 4096);
	char line[1024];
	int keys = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "secret_file", 11) == 0)
			buf_printf(&text, "secret_file = %s\n", sec);
		else if (strncmp(line, "db_password_file", 16) == 0)
			buf_printf(&text, "db_password_file = %s\n", pw);
		else
			buf_puts(&text, line);
		if (line[0] != '#' && strchr(line, '=') != NULL)
			keys++;
	}
	fclose(f);
	struct config got, want;
	char err[256];
	int rc = load(a, text.p, &got, err, sizeof(err));
	unlink(pw);
	unlink(sec);
	if (rc != 0)
		fail_msg("the sample does not load: %s", err);
	assert_true(keys >= 18);
	config_defaults(&want);
	assert_string_equal(got.socket, want.socket);
	assert_int_equal(got.socket_mode, want.socket_mode);
	assert_int_equal(got.backlog, want.backlog);
	assert_int_equal(got.workers, want.workers);
	assert_int_equal(got.job_workers, want.job_workers);
	assert_string_equal(got.templates, want.templates);
	assert_string_equal(got.log, want.log);
	assert_string_equal(got.db_name, want.db_name);
	assert_string_equal(got.db_user, want.db_user);
	assert_int_equal(got.db_connect_timeout, want.db_connect_timeout);
	assert_int_equal(got.db_rw_timeout, want.db_rw_timeout);
	assert_int_equal(got.lock_wait_timeout, want.lock_wait_timeout);
	assert_int_equal(got.deadlock_retries, want.deadlock_retries);
	assert_int_equal(got.csrf_ttl, want.csrf_ttl);
	assert_int_equal(got.max_body, want.max_body);
	assert_int_equal(got.api_rate_limit, want.api_rate_limit);
	assert_int_equal(got.bulk_max, want.bulk_max);
	assert_int_equal(got.closure_sweep_seconds, want.closure_sweep_seconds);
	assert_int_equal(got.retention_policy_seconds, want.retention_policy_seconds);
	/* The sample's endpoint is the one used when none is given. */
	struct config dflt;
	assert_int_equal(load(a, GOOD_SECRET, &dflt, err, sizeof(err)), 0);
	assert_int_equal(got.ndb, 1);
	assert_int_equal(dflt.ndb, 1);
	assert_string_equal(got.db[0].socket, dflt.db[0].socket);
}

static void config_minimal(void **state)
{
	struct config cfg;
	char err[256];
	assert_int_equal(load(*state, GOOD_SECRET, &cfg, err, sizeof(err)), 0);
	/* Defaults, plus the default database socket. */
	struct config want;
	config_defaults(&want);
	assert_int_equal(cfg.workers, want.workers);
	assert_int_equal(cfg.csrf_ttl, want.csrf_ttl);
	assert_string_equal(cfg.socket, want.socket);
	assert_int_equal(cfg.ndb, 1);
	assert_string_equal(cfg.db[0].socket, "/run/mysqld/mysqld.sock");
	assert_int_equal(cfg.secretlen, strlen("0123456789abcdefXYZ"));
	assert_memory_equal(cfg.secret, "0123456789abcdefXYZ", cfg.secretlen);
}

static void config_valid(void **state)
{
	struct arena *a = *state;
	char *pw = temp_file(a, "hunter2-db\n");
	char *sec = temp_file(a, "abcdefghijklmnopqrstuvwxyz012345\n");
	char *text = arena_printf(a,
	                          "# Custodian\n"
	                          "\n"
	                          "socket = 127.0.0.1:9000\n"
	                          "  socket_mode=0600  \n"
	                          "workers = 4\n"
	                          "job_workers = 0\n"
	                          "templates = /srv/tpl\n"
	                          "db_host = db1.example.com:3307\n"
	                          "db_host = 10.0.0.5\n"
	                          "db_socket = /var/run/mysqld/mysqld.sock\n"
	                          "db_name = cust\n"
	                          "db_user = app\n"
	                          "db_password_file = %s\n"
	                          "secret_file = %s\n"
	                          "csrf_ttl = 600\n"
	                          "max_body = 1048576\n"
	                          "api_rate_limit = 0\n"
	                          "bulk_max = 500\n"
	                          "closure_sweep_seconds = 5\n"
	                          "retention_policy_seconds = 7\n"
	                          "\t# indented comment\n",
	                          pw, sec);
	struct config cfg;
	char err[256];
	int rc = load(a, text, &cfg, err, sizeof(err));
	unlink(pw);
	unlink(sec);
	if (rc != 0)
		fail_msg("config_load failed: %s", err);
	assert_string_equal(cfg.socket, "127.0.0.1:9000");
	assert_int_equal(cfg.socket_mode, 0600);
	assert_int_equal(cfg.workers, 4);
	assert_int_equal(cfg.job_workers, 0);
	assert_string_equal(cfg.templates, "/srv/tpl");
	assert_int_equal(cfg.ndb, 3);
	assert_string_equal(cfg.db[0].host, "db1.example.com");
	assert_int_equal(cfg.db[0].port, 3307);
	assert_string_equal(cfg.db[0].socket, "");
	assert_string_equal(cfg.db[1].host, "10.0.0.5");
	assert_int_equal(cfg.db[1].port, 0);
	assert_string_equal(cfg.db[2].host, "");
	assert_string_equal(cfg.db[2].socket, "/var/run/mysqld/mysqld.sock");
	assert_string_equal(cfg.db_name, "cust");
	assert_string_equal(cfg.db_user, "app");
	assert_string_equal(cfg.db_password, "hunter2-db");
	assert_int_equal(cfg.secretlen, 32);
	assert_memory_equal(cfg.secret, "abcdefghijklmnopqrstuvwxyz012345", 32);
	assert_int_equal(cfg.csrf_ttl, 600);
	assert_int_equal(cfg.max_body, 1048576);
	assert_int_equal(cfg.api_rate_limit, 0);
	assert_int_equal(cfg.bulk_max, 500);
	assert_int_equal(cfg.closure_sweep_seconds, 5);
	assert_int_equal(cfg.retention_policy_seconds, 7);
	/* Untouched keys keep their defaults. */
	struct config want;
	config_defaults(&want);
	assert_int_equal(cfg.backlog, want.backlog);
	assert_int_equal(cfg.deadlock_retries, want.deadlock_retries);
}

/* Asserts that text fails to load with an error containing each of the
 * NULL-terminated fragments. */
static void load_fails(struct arena *a, const char *text, ...)
{
	struct config cfg;
	char err[256];
	if (load(a, text, &cfg, err, sizeof(err)) != -1)
		fail_msg("accepted: %s", text);
	va_list ap;
	va_start(ap, text);
	for (const char *frag = va_arg(ap, const char *); frag != NULL;
	     frag = va_arg(ap, const char *))
		if (strstr(err, frag) == NULL) {
			va_end(ap);
			fail_msg("error '%s' does not mention '%s'", err, frag);
		}
	va_end(ap);
}

static void config_unknown_key(void **state)
{
	load_fails(*state, GOOD_SECRET "# comment\n\nfrobnicate = 1\n", "line 4", "frobnicate",
	           NULL);
	load_fails(*state, GOOD_SECRET "workers 4\n", "line 2", NULL);
}

static void config_out_of_range(void **state)
{
	struct arena *a = *state;
	load_fails(a, GOOD_SECRET "workers = 257\n", "line 2", "workers", NULL);
	load_fails(a, GOOD_SECRET "workers = -1\n", "line 2", "workers", NULL);
	load_fails(a, "backlog = 0\n" GOOD_SECRET, "line 1", "backlog", NULL);
	load_fails(a, GOOD_SECRET "csrf_ttl = 59\n", "csrf_ttl", NULL);
	load_fails(a, GOOD_SECRET "workers = 4x\n", "workers", NULL);
	load_fails(a, GOOD_SECRET "workers = \n", "workers", NULL);
	load_fails(a, GOOD_SECRET "workers = 99999999999999999999\n", "workers", NULL);
	load_fails(a, GOOD_SECRET "max_body = 1023\n", "max_body", NULL);
	load_fails(a, GOOD_SECRET "socket_mode = 0999\n", "socket_mode", NULL);
	/* The limits themselves are accepted. */
	struct config cfg;
	char err[256];
	assert_int_equal(
	    load(a, GOOD_SECRET "workers = 256\nbacklog = 1\n", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.workers, 256);
	assert_int_equal(cfg.backlog, 1);
}

static void config_db_host(void **state)
{
	struct arena *a = *state;
	struct config cfg;
	char err[256];
	assert_int_equal(load(a, GOOD_SECRET "db_host = db.example.com\n", &cfg, err, sizeof(err)),
	                 0);
	assert_int_equal(cfg.ndb, 1);
	assert_string_equal(cfg.db[0].host, "db.example.com");
	assert_int_equal(cfg.db[0].port, 0);
	assert_string_equal(cfg.db[0].socket, "");
	assert_int_equal(
	    load(a, GOOD_SECRET "db_host = 192.168.1.20:65535\n", &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.db[0].host, "192.168.1.20");
	assert_int_equal(cfg.db[0].port, 65535);

	load_fails(a, GOOD_SECRET "db_host = :3306\n", "line 2", NULL);
	load_fails(a, GOOD_SECRET "db_host = db:0\n", "line 2", NULL);
	load_fails(a, GOOD_SECRET "db_host = db:65536\n", "line 2", NULL);
	load_fails(a, GOOD_SECRET "db_host = db:33o6\n", "line 2", NULL);
	load_fails(a, GOOD_SECRET "db_host = db:\n", "line 2", NULL);

	/* At most CONFIG_DB_HOSTS_MAX endpoints. */
	struct buf b;
	buf_init(&b, a, 0);
	buf_puts(&b, GOOD_SECRET);
	for (int i = 0; i < CONFIG_DB_HOSTS_MAX; i++)
		buf_printf(&b, "db_host = db%d:3306\n", i);
	assert_int_equal(load(a, b.p, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.ndb, CONFIG_DB_HOSTS_MAX);
	assert_string_equal(cfg.db[CONFIG_DB_HOSTS_MAX - 1].host, "db7");
	buf_puts(&b, "db_socket = /one/too/many\n");
	load_fails(a, b.p, "line 10", NULL);
}

static void config_secrets(void **state)
{
	struct arena *a = *state;
	char *shortf = temp_file(a, "tooshort\n");
	load_fails(a, arena_printf(a, "secret_file = %s\n", shortf), "line 1", "16", NULL);
	unlink(shortf);
	char *empty = temp_file(a, "");
	load_fails(a, arena_printf(a, "secret_file = %s\n", empty), "line 1", NULL);
	unlink(empty);
	load_fails(a, "secret_file = /nonexistent/custodian.secret\n", "line 1",
	           "/nonexistent/custodian.secret", NULL);
	load_fails(a, "secret = 0123456789abcde\n", "line 1", "16", NULL);
	load_fails(a, "db_password_file = /nonexistent/pw\n" GOOD_SECRET, "line 1", NULL);
	/* Sixteen characters is enough. */
	struct config cfg;
	char err[256];
	assert_int_equal(load(a, "secret = 0123456789abcdef\n", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.secretlen, 16);
}

static void config_missing_secret(void **state)
{
	load_fails(*state, "workers = 2\n", "secret", NULL);
	load_fails(*state, "", "secret", NULL);
	struct config cfg;
	char err[256];
	assert_int_equal(config_load("/nonexistent/custodian.conf", &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/custodian.conf"));
}

static void config_too_long(void **state)
{
	struct arena *a = *state;
	struct buf b;
	buf_init(&b, a, 0);
	buf_puts(&b, GOOD_SECRET "db_name = ");
	for (int i = 0; i < 64; i++)
		buf_putc(&b, 'n');
	buf_putc(&b, '\n');
	load_fails(a, b.p, "line 2", "db_name", NULL);
}

/* ---- the search's keys (util/text.c) ------------------------------------- */

static void phone_key_formats(void **state)
{
	(void)state;
	char k[32];
	/* every formatting of one number gives one key: its digits reversed */
	static const char *const same[] = {
	    "+31 20 555 0100",   "+31205550100",       "+31-20-555-0100",
	    "+31 (20) 555.0100", "0031 20 555 0100",   "(+31) 20 555 0100",
	    "(+31)20-555-0100",  "+31 (0)20 555 0100", "(+31) (0)20 5550100"};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		assert_true(text_phone_key(same[i], k, sizeof(k)));
		assert_string_equal(k, "00105550213");
	}
	/* a national number drops its trunk 0: a suffix of the international */
	assert_true(text_phone_key("020 555 0100", k, sizeof(k)));
	assert_string_equal(k, "001055502");
	assert_true(text_phone_key("555 0100", k, sizeof(k)));
	assert_string_equal(k, "0010555");
	assert_true(text_phone_key("(555) 010", k, sizeof(k)));
	assert_string_equal(k, "010555");
	/* a "(0)" without a country code is a digit of the number */
	assert_true(text_phone_key("(0)20 555 0100", k, sizeof(k)));
	assert_string_equal(k, "001055502");
}

/* A login as the Operators page accepts it (and the path's {login}). */
static void login_valid_rule(void **state)
{
	(void)state;
	char longest[102];
	memset(longest, 'a', 100);
	longest[100] = '\0';
	const char *ok[] = {"admin", "a", "9", "jane.doe@example.com", "x_y-z+tag", "A.B", longest};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_true(login_valid(ok[i]));
	longest[100] = 'a';
	longest[101] = '\0';
	const char *bad[] = {NULL,   "",          ".",    "..",   ".hidden", "-x",
	                     "@x",   "two words", "a/b",  "a\\b", "a%20b",   "caf\xc3\xa9",
	                     "x\ty", "a'b",       "a\"b", "<b>",  longest};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(login_valid(bad[i]));
}

static void phone_key_refused(void **state)
{
	(void)state;
	char k[32];
	static const char *const not_phones[] = {
	    "",
	    "12345",
	    "0 12345",
	    "jane",
	    "555-0100 x",
	    "+31 20 +55",
	    "12345678901234567890123",
	    "55501%",
	    "1' OR 1=1 --",
	    "+",
	};
	for (size_t i = 0; i < sizeof(not_phones) / sizeof(not_phones[0]); i++) {
		assert_false(text_phone_key(not_phones[i], k, sizeof(k)));
		assert_string_equal(k, "");
	}
}

/* The words and phrases of a term, joined "w1|w2|..." for comparing. */
static const char *joined(char (*list)[TEXT_SEARCH_WORD_BYTES + 1], size_t n)
{
	static char out[2048];
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(out, "|");
		strcat(out, list[i]);
	}
	return out;
}

static void search_words_split(void **state)
{
	(void)state;
	struct search_words w;
	assert_int_equal(text_search_words("jane doe", &w), 2);
	assert_string_equal(joined(w.word, w.n), "jane|doe");
	assert_int_equal(w.nphrases, 0);
	/* a chunk with separators inside is also a phrase, as it is */
	assert_int_equal(text_search_words("fixture.example", &w), 2);
	assert_string_equal(joined(w.word, w.n), "fixture|example");
	assert_string_equal(joined(w.phrase, w.nphrases), "fixture.example");
	assert_int_equal(text_search_words("Smith-Jones,", &w), 2);
	assert_string_equal(joined(w.word, w.n), "Smith|Jones");
	assert_string_equal(joined(w.phrase, w.nphrases), "Smith-Jones");
	/* words of one character are not stored: not looked up */
	assert_int_equal(text_search_words("J Li", &w), 1);
	assert_string_equal(joined(w.word, w.n), "Li");
	assert_int_equal(text_search_words("a b c", &w), 0);
	/* '_' and '@' separate, as the database's split has it */
	assert_int_equal(text_search_words("mary_ann@o.org", &w), 3);
	assert_string_equal(joined(w.word, w.n), "mary|ann|org");
	assert_string_equal(joined(w.phrase, w.nphrases), "mary_ann@o.org");
	/* accented letters stay in their word; typographic punctuation
	 * (U+2019, U+2013, U+00A0) separates */
	assert_int_equal(text_search_words("Müller O\u2019Brien Anna\u2013Lena\u00a0Kovač", &w), 5);
	assert_string_equal(joined(w.word, w.n), "Müller|Brien|Anna|Lena|Kovač");
	/* each word once */
	assert_int_equal(text_search_words("anna ANNA anna", &w), 2);
	assert_string_equal(joined(w.word, w.n), "anna|ANNA");
	assert_int_equal(text_search_words("anna anna", &w), 1);
}

static void search_words_hostile(void **state)
{
	(void)state;
	struct search_words w;
	/* operators and quotes are separators; SQL stays text */
	assert_int_equal(
	    text_search_words("+jane -doe ~x <y >z (abc) \"quoted text\" wild* @9", &w), 6);
	assert_string_equal(joined(w.word, w.n), "jane|doe|abc|quoted|text|wild");
	assert_int_equal(text_search_words("\") OR 1=1 -- ", &w), 1);
	assert_string_equal(joined(w.word, w.n), "OR");
	assert_int_equal(text_search_words("%_%", &w), 0);
	/* at most TEXT_SEARCH_WORDS_MAX words */
	assert_int_equal(text_search_words("one two three four five six seven eight nine", &w),
	                 TEXT_SEARCH_WORDS_MAX);
	/* a word over 64 characters is not one the database keeps */
	char longw[80];
	memset(longw, 'x', 65);
	longw[65] = '\0';
	assert_int_equal(text_search_words(longw, &w), 0);
	memset(longw, 'x', 64);
	longw[64] = '\0';
	assert_int_equal(text_search_words(longw, &w), 1);
	/* a lone multi-byte lead byte at the end ends the word */
	assert_int_equal(text_search_words("ab\xE2", &w), 1);
	assert_int_equal(text_search_words("ab\xE2\x80", &w), 1);
}

/* ---- main ---------------------------------------------------------------- */

int main(void)
{
	const struct CMUnitTest arena_tests[] = {
	    T(arena_alignment),   T(arena_distinct), T(arena_used_counts), T(arena_strings),
	    T(arena_printf_long), T(arena_large),    T(arena_reset_reuse), T(arena_calloc_zero),
	};
	const struct CMUnitTest buf_tests[] = {T(buf_basics), T(buf_grows), T(buf_binary)};
	const struct CMUnitTest b64_tests[] = {
	    cmocka_unit_test(b64_vectors),      cmocka_unit_test(b64_roundtrip),
	    cmocka_unit_test(b64_bad_chars),    cmocka_unit_test(b64_bad_length),
	    cmocka_unit_test(b64_padding_bits), cmocka_unit_test(b64_too_small),
	};
	const struct CMUnitTest crypto_tests[] = {
	    cmocka_unit_test(crypto_sha256),     cmocka_unit_test(crypto_hex),
	    cmocka_unit_test(crypto_hmac_parts), cmocka_unit_test(crypto_mem_equal),
	    cmocka_unit_test(crypto_random),
	};
	const struct CMUnitTest csrf_tests[] = {
	    cmocka_unit_test(csrf_ok),        cmocka_unit_test(csrf_forged),
	    cmocka_unit_test(csrf_expired),   cmocka_unit_test(csrf_missing),
	    cmocka_unit_test(csrf_malformed), cmocka_unit_test(csrf_flipped),
	    cmocka_unit_test(csrf_distinct),
	};
	const struct CMUnitTest cursor_tests[] = {
	    T(cursor_roundtrip), T(cursor_longest_key), T(cursor_wrong_scope), T(cursor_tampered),
	    T(cursor_truncated), T(cursor_garbage),     T(cursor_bad_payload),
	};
	const struct CMUnitTest csv_tests[] = {
	    T(csv_plain), T(csv_quoting), T(csv_formula), T(csv_empty), T(csv_records),
	};
	const struct CMUnitTest fmt_tests[] = {
	    T(fmt_counts), T(fmt_count_min), T(fmt_money_cents), T(fmt_money_text),
	    T(fmt_parse),  T(fmt_dates),     T(fmt_relatives),   T(fmt_labels),
	};
	const struct CMUnitTest config_tests[] = {
	    T(config_default_values), T(config_sample),       T(config_minimal), T(config_valid),
	    T(config_unknown_key),    T(config_out_of_range), T(config_db_host), T(config_secrets),
	    T(config_missing_secret), T(config_too_long),
	};
	const struct CMUnitTest search_key_tests[] = {
	    cmocka_unit_test(phone_key_formats),
	    cmocka_unit_test(phone_key_refused),
	    cmocka_unit_test(login_valid_rule),
	    cmocka_unit_test(search_words_split),
	    cmocka_unit_test(search_words_hostile),
	};
	int failed = 0;
	failed += cmocka_run_group_tests_name("arena", arena_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("search keys", search_key_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("buf", buf_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("b64", b64_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("crypto", crypto_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("csrf", csrf_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("cursor", cursor_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("csv", csv_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("fmt", fmt_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("config", config_tests, NULL, NULL);
	return failed == 0 ? 0 : 1;
}
