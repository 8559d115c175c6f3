/*
 * libFuzzer target: the query/form/cookie parser (http/kv.h) and the input
 * validation that runs over what it parses (http/input.h).
 *
 * The input is a query string or urlencoded body as sent, and also (up to
 * its first NUL) a Cookie header and a value to percent-encode. Checked:
 *   - kv_parse_urlencoded: every pair has a name of at most
 *     KV_MAX_KEY bytes and a NUL-terminated value of vlen bytes; on failure
 *     the list is empty; parsing the re-encoded list gives the same list;
 *   - kv_parse_cookies: at most 64 pairs, non-empty names, no ';' inside;
 *   - url_encode: only unreserved characters and %XX, and "k=<encoded>"
 *     parses back to exactly the original bytes;
 *   - input_validate over the list as query, as form and as both: the same
 *     verdict each way, an invalid key has a problem, and every accepted
 *     value passes input_check again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/input.h"
#include "http/kv.h"
#include "util/arena.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct arena *arena;

static void check_list(const struct kvlist *l, size_t inlen)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct kv *kv = &l->v[i];
		CHECK(kv->key != NULL && kv->val != NULL);
		CHECK(strlen(kv->key) <= KV_MAX_KEY);
		CHECK(kv->vlen <= inlen);
		CHECK(kv->val[kv->vlen] == '\0');
	}
}

/* Re-encodes every pair and parses the result: the same list again. Only
 * for lists without NUL bytes (url_encode takes C strings). */
static void check_reencode(const struct kvlist *l)
{
	size_t cap = 1;
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].key[0] == '\0' || strlen(l->v[i].val) != l->v[i].vlen)
			return;
		cap += 3 * strlen(l->v[i].key) + 3 * l->v[i].vlen + 2;
	}
	char *s = arena_alloc(arena, cap);
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++) {
		const char *k = url_encode(arena, l->v[i].key);
		const char *v = url_encode(arena, l->v[i].val);
		if (i > 0)
			s[n++] = '&';
		memcpy(s + n, k, strlen(k));
		n += strlen(k);
		s[n++] = '=';
		memcpy(s + n, v, strlen(v));
		n += strlen(v);
	}
	s[n] = '\0';
	CHECK(n < cap);
	struct kvlist again;
	CHECK(kv_parse_urlencoded(arena, s, n, &again) == KV_OK);
	CHECK(again.n == l->n);
	for (size_t i = 0; i < l->n; i++) {
		CHECK(strcmp(again.v[i].key, l->v[i].key) == 0);
		CHECK(again.v[i].vlen == l->v[i].vlen);
		CHECK(memcmp(again.v[i].val, l->v[i].val, l->v[i].vlen) == 0);
	}
}

static void check_cookies(const char *s)
{
	struct kvlist c;
	kv_parse_cookies(arena, s, &c);
	CHECK(c.n <= 64);
	for (size_t i = 0; i < c.n; i++) {
		const struct kv *kv = &c.v[i];
		CHECK(kv->key[0] != '\0' && kv->key[0] != ' ' && kv->key[0] != ';');
		CHECK(strchr(kv->key, ';') == NULL && strchr(kv->key, '=') == NULL);
		CHECK(strlen(kv->val) == kv->vlen && strchr(kv->val, ';') == NULL);
	}
}

static int is_hex_upper(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

static void check_url_encode(const char *s)
{
	size_t len = strlen(s);
	const char *enc = url_encode(arena, s);
	size_t elen = strlen(enc);
	CHECK(elen <= 3 * len);
	for (size_t i = 0; i < elen; i++) {
		char c = enc[i];
		if (c == '%') {
			CHECK(i + 2 < elen && is_hex_upper(enc[i + 1]) && is_hex_upper(enc[i + 2]));
			i += 2;
			continue;
		}
		CHECK((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.' || c == '~');
	}
	char *q = arena_printf(arena, "k=%s", enc);
	struct kvlist l;
	CHECK(kv_parse_urlencoded(arena, q, strlen(q), &l) == KV_OK);
	CHECK(l.n == 1 && strcmp(l.v[0].key, "k") == 0);
	CHECK(l.v[0].vlen == len && memcmp(l.v[0].val, s, len) == 0);
}

static void check_fields(const struct field *f, enum key bad)
{
	if (bad != KEY__MAX) {
		CHECK(bad < KEY__MAX);
		CHECK(f[bad].state == FIELD_INVALID && f[bad].problem != NULL);
	}
	for (int k = 0; k < KEY__MAX; k++) {
		if (f[k].state == FIELD_INVALID)
			CHECK(bad <= (enum key)k);
		if (f[k].state != FIELD_OK)
			continue;
		CHECK(f[k].s != NULL && f[k].len > 0);
		CHECK(input_check((enum key)k, f[k].s, f[k].len) == NULL);
		for (size_t i = 0; i < f[k].nmulti; i++)
			CHECK(f[k].multi[i] != NULL);
	}
}

static void check_validate(const struct kvlist *l)
{
	static struct field as_query[KEY__MAX], as_form[KEY__MAX], as_both[KEY__MAX];
	struct kvlist empty = {NULL, 0};
	enum key bq = input_validate(arena, l, &empty, as_query);
	enum key bf = input_validate(arena, &empty, l, as_form);
	enum key bb = input_validate(arena, l, l, as_both);
	CHECK(bq == bf && bq == bb);
	check_fields(as_query, bq);
	check_fields(as_form, bf);
	check_fields(as_both, bb);
	for (int k = 0; k < KEY__MAX; k++) {
		CHECK(as_query[k].state == as_form[k].state);
		CHECK(as_query[k].state == as_both[k].state);
		CHECK(as_query[k].nmulti == as_form[k].nmulti);
		/* Valid values are collected from both lists; an invalid one
		 * stops the field in the first. */
		if (as_query[k].state == FIELD_OK)
			CHECK(as_both[k].nmulti == 2 * as_query[k].nmulti);
		else
			CHECK(as_both[k].nmulti == as_query[k].nmulti);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (arena == NULL && (arena = arena_new()) == NULL)
		abort();
	const char *s = (const char *)data;

	struct kvlist l;
	enum kv_rc rc = kv_parse_urlencoded(arena, s, size, &l);
	if (rc != KV_OK) {
		CHECK(rc == KV_TOO_MANY || rc == KV_BAD_ESCAPE || rc == KV_KEY_TOO_LONG);
		CHECK(l.n == 0 && l.v == NULL);
	} else {
		check_list(&l, size);
		check_reencode(&l);
		check_validate(&l);
	}

	char *copy = arena_strndup(arena, s, size); /* up to the first NUL */
	check_cookies(copy);
	check_url_encode(copy);

	arena_reset(arena);
	return 0;
}
