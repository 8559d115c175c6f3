#include "http/kv.h"

#include <string.h>

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes n bytes of s into the arena; -1 on a bad escape. */
static long decode(struct arena *a, const char *s, size_t n, char **out)
{
	char *d = arena_alloc(a, n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '+') {
			d[o++] = ' ';
		} else if (c == '%') {
			if (i + 2 >= n)
				return -1;
			int hi = hexval((unsigned char)s[i + 1]);
			int lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			d[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			d[o++] = (char)c;
		}
	}
	d[o] = '\0';
	*out = d;
	return (long)o;
}

enum kv_rc kv_parse_urlencoded(struct arena *a, const char *s, size_t n, struct kvlist *out)
{
	out->v = NULL;
	out->n = 0;
	if (s == NULL || n == 0)
		return KV_OK;
	size_t pairs = 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '&')
			pairs++;
	if (pairs > KV_MAX_PAIRS)
		return KV_TOO_MANY;
	struct kv *v = arena_alloc(a, sizeof(*v) * pairs);
	size_t count = 0;
	size_t i = 0;
	while (i <= n) {
		size_t end = i;
		while (end < n && s[end] != '&')
			end++;
		if (end > i) {
			const char *eq = memchr(s + i, '=', end - i);
			size_t klen = eq ? (size_t)(eq - (s + i)) : end - i;
			char *key, *val;
			if (klen > KV_MAX_KEY * 3)
				return KV_KEY_TOO_LONG;
			long kl = decode(a, s + i, klen, &key);
			if (kl < 0)
				return KV_BAD_ESCAPE;
			if ((size_t)kl > KV_MAX_KEY)
				return KV_KEY_TOO_LONG;
			if (memchr(key, '\0', (size_t)kl) != NULL)
				return KV_BAD_ESCAPE; /* a name with %00 in it */
			long vl = 0;
			if (eq) {
				vl = decode(a, eq + 1, (size_t)(s + end - (eq + 1)), &val);
				if (vl < 0)
					return KV_BAD_ESCAPE;
			} else {
				val = arena_strdup(a, "");
			}
			if (kl > 0) {
				v[count].key = key;
				v[count].val = val;
				v[count].vlen = (size_t)vl;
				count++;
			}
		}
		i = end + 1;
	}
	out->v = v;
	out->n = count;
	return KV_OK;
}

void kv_parse_cookies(struct arena *a, const char *s, struct kvlist *out)
{
	out->v = NULL;
	out->n = 0;
	if (s == NULL)
		return;
	size_t pairs = 1;
	for (const char *p = s; *p; p++)
		if (*p == ';')
			pairs++;
	if (pairs > 64)
		pairs = 64;
	out->v = arena_alloc(a, sizeof(struct kv) * pairs);
	const char *p = s;
	while (*p && out->n < pairs) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL && eq > p) {
			struct kv *kv = &out->v[out->n++];
			kv->key = arena_strndup(a, p, (size_t)(eq - p));
			kv->val = arena_strndup(a, eq + 1, (size_t)(end - eq - 1));
			kv->vlen = (size_t)(end - eq - 1);
		}
		p = end;
	}
}

const char *kv_get(const struct kvlist *l, const char *key)
{
	const char *found = NULL;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			found = l->v[i].val;
	return found;
}

char *url_encode(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = arena_alloc(a, 3 * n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}
