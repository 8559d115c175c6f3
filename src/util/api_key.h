#ifndef CUSTODIAN_KEYS_H
#define CUSTODIAN_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * API keys: "cust_" followed by 43 base64url characters (256 random bits).
 * Only the SHA-256 of a key is stored; the first 12 characters are kept as
 * a prefix so people can tell their keys apart.
 */

#define API_KEY_LEN        48 /* "cust_" + 43 */
#define API_KEY_PREFIX_LEN 12

/* Makes a new key into out (API_KEY_LEN + 1); 0 or -1. */
int api_key_generate(char out[API_KEY_LEN + 1]);

/* True when s has the shape of a key. */
bool api_key_well_formed(const char *s);

/* The lookup form of a key: SHA-256 as 64 hex digits (+ NUL). */
void api_key_hash_hex(const char *key, char out[65]);

#endif
