#ifndef CUSTODIAN_DOMAIN_KEYS_H
#define CUSTODIAN_DOMAIN_KEYS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/tenants.h"
#include "domain/lifecycle.h"
#include "util/api_key.h"

/*
 * API keys made and revoked (README "API keys"): the rules the API keys
 * page (pages/api_keys.c) and the key tool (keys_main.c) share. Every
 * attempt writes one audit row (action api_key_create or api_key_revoke,
 * customer NULL, subject "key <id> (<label>)", or "new key (<label>)" for
 * a creation refused before it had an id), in the change's transaction
 * when there is a change. The key's text is never written anywhere but
 * *out: only its SHA-256 and its first API_KEY_PREFIX_LEN characters are
 * stored, and no audit row or log line holds it.
 *
 * Refusals fill f with a code and a message and return its kind:
 * INVALID_LABEL, INVALID_ROLE, INVALID_RATE_LIMIT (ERR_INVALID),
 * NOT_FOUND (ERR_NOT_FOUND).
 */

#define KEY_LABEL_MAX 100     /* characters */
#define KEY_RATE_MAX  1000000 /* calls a minute */

struct key_made {
	uint64_t id;
	char key[API_KEY_LEN + 1]; /* the key itself: shown once, then forgotten */
	char prefix[API_KEY_PREFIX_LEN + 1];
};

/*
 * A new key of who->tenant with role (ROLE_VIEWER..ROLE_ADMIN; anything
 * else is INVALID_ROLE), label (1 to KEY_LABEL_MAX characters of UTF-8,
 * no control characters, not only spaces) and rate_limit calls a minute
 * (0: the configured default; else 1..KEY_RATE_MAX). created_by is the
 * maker's name as the page shows it (who->name).
 */
enum err keys_create(struct db *db, struct arena *a, const struct actor *who, int role,
                     const char *label, long long rate_limit, struct key_made *out,
                     struct failure *f);

/*
 * Revokes key id of who->tenant (who->tenant 0: of any tenant, for the
 * key tool; its row is audited under the key's tenant). Another tenant's
 * key is NOT_FOUND, as a missing one. A key revoked already changes
 * nothing: ERR_OK with *changed false (outcome ALREADY_REVOKED). The API
 * refuses a revoked key from its next call on (access_api_key() reads the
 * row on every call). *label: the key's label, when found.
 */
enum err keys_revoke(struct db *db, struct arena *a, const struct actor *who, uint64_t id,
                     bool *changed, const char **label, struct failure *f);

/* The audit row of a write refused before it reached the rules (a bad CSRF
 * token, a role below admin): action api_key_create (id 0) or
 * api_key_revoke. Best effort: a database error is logged. */
void keys_audit_refusal(struct db *db, struct arena *a, const struct actor *who, const char *action,
                        uint64_t id, const char *outcome);

#endif
