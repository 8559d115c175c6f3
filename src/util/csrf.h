#ifndef CUSTODIAN_CSRF_H
#define CUSTODIAN_CSRF_H

#include <stddef.h>
#include <time.h>

/*
 * CSRF tokens bound to a user, an action and a subject (a customer's
 * public id, or "" for tenant-wide forms), with an expiry:
 *
 *   token = base64url(expiry as 8 bytes big-endian || HMAC-SHA-256(secret,
 *           "csrf", user, action, subject, expiry)[0..16))
 *
 * Stateless: any worker on any host with the same secret checks it.
 */

#define CSRF_TOKEN_LEN 32 /* characters, without the NUL */

enum csrf_result {
	CSRF_OK = 0,
	CSRF_MISSING,   /* no token in the form */
	CSRF_MALFORMED, /* not a token at all */
	CSRF_EXPIRED,   /* well-formed and authentic but past its expiry */
	CSRF_FORGED,    /* the MAC does not match this user/action/subject */
};

/* Writes a token valid until now + ttl into out (CSRF_TOKEN_LEN + 1). */
void csrf_token_make(const unsigned char *secret, size_t secretlen, const char *user,
                     const char *action, const char *subject, time_t now, long ttl, char *out);

/* Checks token (may be NULL) against the binding at time now. */
enum csrf_result csrf_token_check(const unsigned char *secret, size_t secretlen, const char *user,
                                  const char *action, const char *subject, time_t now,
                                  const char *token);

/* A short name for logs and audit rows ("CSRF_EXPIRED", ...). */
const char *csrf_result_code(enum csrf_result r);

#endif
