#ifndef CUSTODIAN_B64_H
#define CUSTODIAN_B64_H

#include <stddef.h>

/*
 * Base64url without padding (RFC 4648 §5), used for cursors and tokens.
 */

/* Bytes needed to encode n bytes, including the terminating NUL. */
#define B64_ENCODED_SIZE(n) ((((n) + 2) / 3) * 4 + 1)

/* Encodes n bytes of in into out (B64_ENCODED_SIZE(n) bytes); returns the
 * length written, excluding the NUL. */
size_t b64url_encode(const unsigned char *in, size_t n, char *out);

/* Decodes the NUL-terminated s into out (room for outcap bytes). Returns
 * the number of bytes written, or -1 and leaves out undefined when s holds
 * a character outside the alphabet, has an impossible length, has non-zero
 * padding bits, or does not fit. */
long b64url_decode(const char *s, unsigned char *out, size_t outcap);

#endif
