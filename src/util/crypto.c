#include "util/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

void hmac_parts(const unsigned char *key, size_t keylen, const char *const *parts, size_t nparts,
                unsigned char out[SHA256_LEN])
{
	/* The parts, each with its NUL, in one message: on the stack when
	 * small (labels, user names, ids), on the heap otherwise. */
	size_t n = 0;
	for (size_t i = 0; i < nparts; i++)
		n += strlen(parts[i]) + 1;
	unsigned char stack[1024];
	unsigned char *msg = n <= sizeof(stack) ? stack : malloc(n);
	if (msg == NULL) {
		memset(out, 0, SHA256_LEN); /* compares equal to no real MAC */
		return;
	}
	size_t o = 0;
	for (size_t i = 0; i < nparts; i++) {
		size_t len = strlen(parts[i]);
		memcpy(msg + o, parts[i], len + 1);
		o += len + 1;
	}
	unsigned int outlen = SHA256_LEN;
	HMAC(EVP_sha256(), key, (int)keylen, msg, n, out, &outlen);
	if (msg != stack)
		free(msg);
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

void hmac_sha256(const void *key, size_t keylen, const void *msg, size_t n,
                 unsigned char out[SHA256_LEN])
{
	unsigned int outlen = SHA256_LEN;
	if (HMAC(EVP_sha256(), key, (int)keylen, msg, n, out, &outlen) == NULL)
		memset(out, 0, SHA256_LEN);
}
