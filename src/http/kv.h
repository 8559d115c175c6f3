#ifndef CUSTODIAN_KV_H
#define CUSTODIAN_KV_H

#include <stddef.h>

#include "util/arena.h"

/*
 * Name/value lists from query strings, urlencoded bodies and cookies.
 * Values are percent-decoded and NUL-terminated; a value may contain a NUL
 * byte (%00), so vlen is its true length and validators reject it.
 */

#define KV_MAX_PAIRS 12000 /* bulk preview posts up to 10,000 selections */
#define KV_MAX_KEY   64

struct kv {
	const char *key;
	const char *val;
	size_t vlen;
};

struct kvlist {
	struct kv *v;
	size_t n;
};

enum kv_rc {
	KV_OK = 0,
	KV_TOO_MANY,    /* more than KV_MAX_PAIRS pairs */
	KV_BAD_ESCAPE,  /* '%' not followed by two hex digits */
	KV_KEY_TOO_LONG /* a name longer than KV_MAX_KEY */
};

/* Parses "a=1&b=2" (n bytes of s; '+' is a space). On failure out is
 * empty. */
enum kv_rc kv_parse_urlencoded(struct arena *a, const char *s, size_t n, struct kvlist *out);

/* Parses a Cookie header ("a=1; b=2"); malformed pairs are skipped. */
void kv_parse_cookies(struct arena *a, const char *s, struct kvlist *out);

/* The last value of key, or NULL. */
const char *kv_get(const struct kvlist *l, const char *key);

/* Percent-encodes s for a URL query value into the arena. */
char *url_encode(struct arena *a, const char *s);

#endif
