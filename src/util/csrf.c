#include "util/csrf.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/b64.h"
#include "util/crypto.h"

#define MAC_LEN 16

static void csrf_mac(const unsigned char *secret, size_t secretlen, const char *user,
                     const char *action, const char *subject, uint64_t expiry,
                     unsigned char out[SHA256_LEN])
{
	char exp[24];
	snprintf(exp, sizeof(exp), "%" PRIu64, expiry);
	const char *parts[] = {"csrf", user, action, subject, exp};
	hmac_parts(secret, secretlen, parts, 5, out);
}

void csrf_token_make(const unsigned char *secret, size_t secretlen, const char *user,
                     const char *action, const char *subject, time_t now, long ttl, char *out)
{
	uint64_t expiry = (uint64_t)now + (uint64_t)ttl;
	unsigned char raw[8 + MAC_LEN];
	for (int i = 0; i < 8; i++)
		raw[i] = (unsigned char)(expiry >> (56 - 8 * i));
	unsigned char mac[SHA256_LEN];
	csrf_mac(secret, secretlen, user, action, subject, expiry, mac);
	memcpy(raw + 8, mac, MAC_LEN);
	b64url_encode(raw, sizeof(raw), out);
}

enum csrf_result csrf_token_check(const unsigned char *secret, size_t secretlen, const char *user,
                                  const char *action, const char *subject, time_t now,
                                  const char *token)
{
	if (token == NULL || token[0] == '\0')
		return CSRF_MISSING;
	if (strlen(token) != CSRF_TOKEN_LEN)
		return CSRF_MALFORMED;
	unsigned char raw[8 + MAC_LEN];
	if (b64url_decode(token, raw, sizeof(raw)) != (long)sizeof(raw))
		return CSRF_MALFORMED;
	uint64_t expiry = 0;
	for (int i = 0; i < 8; i++)
		expiry = expiry << 8 | raw[i];
	unsigned char mac[SHA256_LEN];
	csrf_mac(secret, secretlen, user, action, subject, expiry, mac);
	if (!mem_equal(mac, raw + 8, MAC_LEN))
		return CSRF_FORGED;
	if (expiry < (uint64_t)now)
		return CSRF_EXPIRED;
	return CSRF_OK;
}

const char *csrf_result_code(enum csrf_result r)
{
	switch (r) {
	case CSRF_OK: return "ok";
	case CSRF_MISSING: return "CSRF_MISSING";
	case CSRF_MALFORMED: return "CSRF_MALFORMED";
	case CSRF_EXPIRED: return "CSRF_EXPIRED";
	case CSRF_FORGED: return "CSRF_INVALID";
	}
	return "CSRF_INVALID";
}
