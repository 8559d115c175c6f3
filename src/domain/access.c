#include "domain/access.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/api_key.h"

enum err access_operator(struct db *db, struct arena *a, struct operator_cache *cache,
                         const char *username, time_t now, const struct operator_entry **out)
{
	struct operator_entry *slot = &cache->e[0];
	for (int i = 0; i < OPERATOR_CACHE_SIZE; i++) {
		struct operator_entry *e = &cache->e[i];
		if (strcmp(e->username, username) == 0 && now - e->at < OPERATOR_CACHE_TTL) {
			*out = e;
			return ERR_OK;
		}
		if (e->at < slot->at)
			slot = e;
	}
	struct operator_row op;
	enum err rc = db_operator_find(db, a, username, &op);
	if (rc != ERR_OK)
		return rc;
	memset(slot, 0, sizeof(*slot));
	snprintf(slot->username, sizeof(slot->username), "%s", op.username);
	snprintf(slot->display, sizeof(slot->display), "%s", op.display);
	snprintf(slot->tenant_slug, sizeof(slot->tenant_slug), "%s", op.tenant.slug);
	snprintf(slot->tenant_name, sizeof(slot->tenant_name), "%s", op.tenant.name);
	snprintf(slot->currency, sizeof(slot->currency), "%s", op.tenant.currency);
	slot->tenant = op.tenant.id;
	slot->role = op.role;
	slot->at = now;
	*out = slot;
	return ERR_OK;
}

void access_operator_forget(struct operator_cache *cache, const char *username)
{
	for (int i = 0; i < OPERATOR_CACHE_SIZE; i++)
		if (strcasecmp(cache->e[i].username, username) == 0)
			memset(&cache->e[i], 0, sizeof(cache->e[i]));
}

enum err access_api_key(struct db *db, struct arena *a, const char *key, struct api_key_row *out)
{
	if (!api_key_well_formed(key))
		return ERR_NOT_FOUND;
	char hash[65];
	api_key_hash_hex(key, hash);
	enum err rc = db_api_key_find(db, a, hash, out);
	if (rc == ERR_OK && out->revoked)
		return ERR_NOT_FOUND;
	return rc;
}

/* Records key's use at now unless this process did so this minute (the
 * memo's oldest entry makes room). A failed write is not the call's
 * failure: the last use is a hint, and the call goes on. */
static void key_used(struct db *db, struct arena *a, struct key_use_memo *uses, uint64_t key,
                     time_t now)
{
	int64_t minute = (int64_t)now / 60;
	int slot = 0;
	for (int i = 0; i < KEY_USE_MEMO_SIZE; i++) {
		if (uses->e[i].key == key) {
			if (uses->e[i].minute == minute)
				return;
			slot = i;
			break;
		}
		if (uses->e[i].minute < uses->e[slot].minute)
			slot = i;
	}
	if (db_api_key_touch(db, a, key) == ERR_OK) {
		uses->e[slot].key = key;
		uses->e[slot].minute = minute;
	}
}

enum err access_api_rate(struct db *db, struct arena *a, const struct api_key_row *key, int limit,
                         time_t now, struct key_use_memo *uses, int *retry_after)
{
	*retry_after = 0;
	if (limit <= 0) {
		key_used(db, a, uses, key->id, now);
		return ERR_OK;
	}
	/* One-minute windows; a deadlock on the key's row is tried again. */
	int64_t window = (int64_t)now / 60;
	uint64_t calls = 0;
	enum err rc = ERR_RETRY;
	for (int attempt = 0; attempt < 3 && rc == ERR_RETRY; attempt++)
		rc = db_api_key_count_call(db, a, key->id, window, &calls);
	if (rc != ERR_OK)
		return rc;
	if (calls > (uint64_t)limit) {
		*retry_after = (int)(60 - now % 60);
		return ERR_TOO_LARGE;
	}
	return ERR_OK;
}
