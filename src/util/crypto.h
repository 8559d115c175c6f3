#ifndef CUSTODIAN_CRYPTO_H
#define CUSTODIAN_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

/* Thin wrappers over OpenSSL libcrypto. */

#define SHA256_LEN 32

/* HMAC-SHA-256 of the concatenation of nparts strings (each with its NUL,
 * so that ("ab","c") and ("a","bc") differ). Writes 32 bytes to out. */
void hmac_parts(const unsigned char *key, size_t keylen, const char *const *parts, size_t nparts,
                unsigned char out[SHA256_LEN]);

/* HMAC-SHA-256 of n bytes of msg. */
void hmac_sha256(const void *key, size_t keylen, const void *msg, size_t n,
                 unsigned char out[SHA256_LEN]);

/* SHA-256 of n bytes. */
void sha256(const void *data, size_t n, unsigned char out[SHA256_LEN]);

/* Constant-time comparison; true when equal. */
bool mem_equal(const void *a, const void *b, size_t n);

/* Fills out with n cryptographically random bytes; 0 or -1. */
int random_bytes(unsigned char *out, size_t n);

/* Writes 2n lowercase hex digits and a NUL. */
void hex_encode(const unsigned char *in, size_t n, char *out);

#endif
