#include "util/cursor.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/b64.h"
#include "util/crypto.h"

#define MAC_LEN 12

static void cursor_mac(const unsigned char *secret, size_t secretlen, const char *scope,
                       const char *payload, size_t n, unsigned char out[SHA256_LEN])
{
	/* payload holds no NUL (key is validated text), so it is one part. */
	char tmp[CURSOR_MAX_KEY + 32];
	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	memcpy(tmp, payload, n);
	tmp[n] = '\0';
	const char *parts[] = {"cursor", scope, tmp};
	hmac_parts(secret, secretlen, parts, 3, out);
}

char *cursor_encode(struct arena *a, const unsigned char *secret, size_t secretlen,
                    const char *scope, const char *key, uint64_t id)
{
	char payload[CURSOR_MAX_KEY + 32];
	int n = snprintf(payload, sizeof(payload), "%" PRIu64 ":%.*s", id, CURSOR_MAX_KEY,
	                 key ? key : "");
	if (n < 0 || (size_t)n >= sizeof(payload))
		n = (int)sizeof(payload) - 1;
	unsigned char mac[SHA256_LEN];
	cursor_mac(secret, secretlen, scope, payload, (size_t)n, mac);
	char *out = arena_alloc(a, B64_ENCODED_SIZE((size_t)n) + 1 + B64_ENCODED_SIZE(MAC_LEN));
	size_t len = b64url_encode((const unsigned char *)payload, (size_t)n, out);
	out[len++] = '.';
	b64url_encode(mac, MAC_LEN, out + len);
	return out;
}

int cursor_decode(struct arena *a, const unsigned char *secret, size_t secretlen, const char *scope,
                  const char *s, char **key, uint64_t *id)
{
	if (s == NULL || strlen(s) > CURSOR_MAX_LEN)
		return -1;
	const char *dot = strchr(s, '.');
	if (dot == NULL || dot == s)
		return -1;
	char part[CURSOR_MAX_LEN + 1];
	size_t plen = (size_t)(dot - s);
	memcpy(part, s, plen);
	part[plen] = '\0';
	unsigned char payload[CURSOR_MAX_KEY + 32];
	long n = b64url_decode(part, payload, sizeof(payload) - 1);
	if (n <= 0)
		return -1;
	unsigned char mac[MAC_LEN + 4];
	if (b64url_decode(dot + 1, mac, sizeof(mac)) != MAC_LEN)
		return -1;
	if (memchr(payload, '\0', (size_t)n) != NULL)
		return -1;
	unsigned char want[SHA256_LEN];
	cursor_mac(secret, secretlen, scope, (const char *)payload, (size_t)n, want);
	if (!mem_equal(want, mac, MAC_LEN))
		return -1;
	payload[n] = '\0';
	char *colon = strchr((char *)payload, ':');
	if (colon == NULL || colon == (char *)payload)
		return -1;
	*colon = '\0';
	char *end;
	for (const char *p = (const char *)payload; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	unsigned long long v = strtoull((const char *)payload, &end, 10);
	*id = v;
	*key = arena_strdup(a, colon + 1);
	return 0;
}
