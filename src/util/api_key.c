#include "util/api_key.h"

#include <string.h>

#include "util/b64.h"
#include "util/crypto.h"

int api_key_generate(char out[API_KEY_LEN + 1])
{
	unsigned char raw[32];
	if (random_bytes(raw, sizeof(raw)) != 0)
		return -1;
	memcpy(out, "cust_", 5);
	b64url_encode(raw, sizeof(raw), out + 5);
	return 0;
}

bool api_key_well_formed(const char *s)
{
	if (s == NULL || strlen(s) != API_KEY_LEN || strncmp(s, "cust_", 5) != 0)
		return false;
	unsigned char raw[33];
	return b64url_decode(s + 5, raw, sizeof(raw)) == 32;
}

void api_key_hash_hex(const char *key, char out[65])
{
	unsigned char h[SHA256_LEN];
	sha256(key, strlen(key), h);
	hex_encode(h, sizeof(h), out);
}
