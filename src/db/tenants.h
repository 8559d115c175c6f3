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

/* Counts one call of key_id in the one-minute window and sets its
 * last_used_at to now; *calls is the window's count with it. */
enum err db_api_key_count_call(struct db *db, struct arena *a, uint64_t key_id, int64_t window,
                               uint64_t *calls);

/* Sets key_id's last_used_at to now (a call without a rate limit). */
enum err db_api_key_touch(struct db *db, struct arena *a, uint64_t key_id);

/* The id of the tenant slug, or ERR_NOT_FOUND. */
enum err db_tenant_id(struct db *db, struct arena *a, const char *slug, unsigned *id);

/* Stores a new key (its hash and prefix only) for the tenant (an id that
 * exists). rate_limit <= 0: default. created_by may be NULL. */
enum err db_api_key_insert(struct db *db, struct arena *a, unsigned tenant, enum role role,
                           const char *label, const char *prefix, const char *hash_hex,
                           int64_t rate_limit, const char *created_by, uint64_t *id);

struct api_key_info {
	uint64_t id;
	const char *tenant_slug;
	enum role role;
	const char *label;
	const char *prefix;
	const char *created_at;
	const char *revoked_at;   /* NULL while valid */
	int64_t rate_limit;       /* -1: default */
	const char *last_used_at; /* to the minute; NULL: never used */
	const char *created_by;   /* NULL: made before it was recorded */
};
struct api_key_list {
	struct api_key_info *rows;
	size_t n;
};
/* Every tenant's keys, oldest first (the key tool). */
enum err db_api_key_list(struct db *db, struct arena *a, struct api_key_list *out);

/* The tenant's keys, newest first (the API keys page). */
enum err db_api_key_tenant_list(struct db *db, struct arena *a, unsigned tenant,
                                struct api_key_list *out);

/* A key's row, locked FOR UPDATE (inside a transaction). */
struct api_key_locked {
	uint64_t id;
	unsigned tenant;
	const char *label;
	bool revoked;
};
/* Key id, locked; ERR_NOT_FOUND when there is none (of any tenant). */
enum err db_api_key_lock(struct db *db, struct arena *a, uint64_t id, struct api_key_locked *out);

/* Revokes key id; ERR_NOT_FOUND when there is no valid key of that id. */
enum err db_api_key_revoke(struct db *db, struct arena *a, uint64_t id);

#endif
