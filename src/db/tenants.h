#ifndef CUSTODIAN_DB_TENANTS_H
#define CUSTODIAN_DB_TENANTS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/types.h"

/* tenants, operators and api_keys: who is asking, for which tenant. */

struct tenant_ref {
	unsigned id;
	const char *slug;
	const char *name;
	const char *currency;
};

struct operator_row {
	const char *username;
	const char *display;
	enum role role;
	struct tenant_ref tenant;
};

/* The enabled operator whose login is username, or ERR_NOT_FOUND (also
 * for a disabled one: it is no operator). */
enum err db_operator_find(struct db *db, struct arena *a, const char *username,
                          struct operator_row *out);

struct api_key_row {
	uint64_t id;
	struct tenant_ref tenant;
	enum role role;
	const char *label;
	bool revoked;
	int64_t rate_limit; /* calls a minute; -1: the configured default */
};

/* The key whose SHA-256 is hash_hex (64 hex digits), or ERR_NOT_FOUND. */
enum err db_api_key_find(struct db *db, struct arena *a, const char *hash_hex,
                         struct api_key_row *out);

/* Counts one call of key_id in the one-minute window; *calls is the
 * window's count with it. */
enum err db_api_key_count_call(struct db *db, struct arena *a, uint64_t key_id, int64_t window,
                               uint64_t *calls);

/* Stores a new key (its hash and prefix only) for the tenant slug;
 * ERR_NOT_FOUND when there is no such tenant. rate_limit <= 0: default. */
enum err db_api_key_insert(struct db *db, struct arena *a, const char *tenant_slug, enum role role,
                           const char *label, const char *prefix, const char *hash_hex,
                           int64_t rate_limit, uint64_t *id);

struct api_key_info {
	uint64_t id;
	const char *tenant_slug;
	enum role role;
	const char *label;
	const char *prefix;
	const char *created_at;
	const char *revoked_at; /* NULL while valid */
	int64_t rate_limit;     /* -1: default */
};
struct api_key_list {
	struct api_key_info *rows;
	size_t n;
};
enum err db_api_key_list(struct db *db, struct arena *a, struct api_key_list *out);

/* Revokes key id; ERR_NOT_FOUND when there is no valid key of that id. */
enum err db_api_key_revoke(struct db *db, struct arena *a, uint64_t id);

#endif
