#include "util/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>

void hmac_parts(const unsigned char *key, size_t keylen, const char *const *parts, size_t nparts,
                unsigned char out[SHA256_LEN])
{
	/* Concatenate into a stack buffer when small; parts are short labels,
	 * user names and ids, so 2 KiB covers every caller. */
	unsigned char msg[2048];
	size_t n = 0;
	for (size_t i = 0; i < nparts; i++) {
		size_t len = strlen(parts[i]);
		if (n + len + 1 > sizeof(msg))
			len = sizeof(msg) - n - 1;
		memcpy(msg + n, parts[i], len);
		n += len;
		msg[n++] = '\0';
		if (n >= sizeof(msg))
			break;
	}
	unsigned int outlen = SHA256_LEN;
	HMAC(EVP_sha256(), key, (int)keylen, msg, n, out, &outlen);
}

void sha256(const void *data, size_t n, unsigned char out[SHA256_LEN])
{
	SHA256(data, n, out);
}

bool mem_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

int random_bytes(unsigned char *out, size_t n)
{
	return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
}

void hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}
