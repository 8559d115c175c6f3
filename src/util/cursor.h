#ifndef CUSTODIAN_CURSOR_H
#define CUSTODIAN_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

/*
 * Keyset pagination cursors: the sort key and id of the last row of a page,
 * authenticated with an HMAC over a scope (the list and its sort order, e.g.
 * "customers:email:asc") so that a cursor cannot be edited or reused with a
 * different order.
 *
 *   cursor = base64url(id ":" key) "." base64url(HMAC(secret, scope, ...)[0..12))
 */

#define CURSOR_MAX_KEY 400
#define CURSOR_MAX_LEN 700

/* Returns the cursor in the arena. A key longer than CURSOR_MAX_KEY bytes is
 * cut to that length (every sort key of the application is shorter). */
char *cursor_encode(struct arena *a, const unsigned char *secret, size_t secretlen,
                    const char *scope, const char *key, uint64_t id);

/* Decodes s for scope. On success returns 0 and sets *key (in the arena)
 * and *id; returns -1 and sets nothing when s is malformed, tampered with
 * or made for another scope. */
int cursor_decode(struct arena *a, const unsigned char *secret, size_t secretlen, const char *scope,
                  const char *s, char **key, uint64_t *id);

#endif
