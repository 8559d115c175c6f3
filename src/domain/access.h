#ifndef CUSTODIAN_ACCESS_H
#define CUSTODIAN_ACCESS_H

#include <stdint.h>
#include <time.h>

#include "db/tenants.h"

/*
 * Who is asking: staff (nginx authenticates them and passes the login; the
 * operators table gives tenant and role) and API keys (only their SHA-256
 * is stored). Also the key tool's create, list and revoke.
 */

/* Seconds an operator's role and tenant are kept by a worker process: a
 * change on the Operators page (a role, a disable) reaches every worker of
 * every host at most this long after it commits (README "Operators"); the
 * acting worker forgets the login at once. */
#define OPERATOR_CACHE_SIZE 32
#define OPERATOR_CACHE_TTL  5

/* An operator as a worker caches it (copies: they outlive the request). */
struct operator_entry {
	char username[101];
	char display[101];
	char tenant_slug[41];
	char tenant_name[101];
	char currency[4];
	unsigned tenant;
	enum role role;
	time_t at;
};

struct operator_cache {
	struct operator_entry e[OPERATOR_CACHE_SIZE];
};

/*
 * The operator of login username at time now, from the cache when it is
 * younger than OPERATOR_CACHE_TTL, else from the database (the oldest entry
 * makes room). ERR_NOT_FOUND when the login is not an operator; database
 * errors as they come.
 */
enum err access_operator(struct db *db, struct arena *a, struct operator_cache *cache,
                         const char *username, time_t now, const struct operator_entry **out);

/* Drops username's entry from the cache (none: nothing happens), so that
 * this worker reads the operator again on its next request. */
void access_operator_forget(struct operator_cache *cache, const char *username);

/* The key named by its text (cust_...), or ERR_NOT_FOUND when it is not a
 * key, unknown or revoked. */
enum err access_api_key(struct db *db, struct arena *a, const char *key, struct api_key_row *out);

/* The keys whose last use a worker process recorded this minute (a key's
 * last_used_at is kept to the minute; README "API keys"). */
#define KEY_USE_MEMO_SIZE 64
struct key_use_memo {
	struct {
		uint64_t key;   /* 0: free */
		int64_t minute; /* unix time / 60 of the last write */
	} e[KEY_USE_MEMO_SIZE];
};

/*
 * Counts one call of key at time now against limit calls a minute (limit
 * <= 0: unlimited). ERR_TOO_LARGE when over the limit, with *retry_after
 * the seconds until the next minute. The count lives in the key's row, so
 * the limit holds behind several app hosts. The call is also the key's
 * last use: the count's UPDATE writes it; without a limit it is written
 * at most once a minute per key and process (uses: the process's memo),
 * so that a call costs no extra write.
 */
enum err access_api_rate(struct db *db, struct arena *a, const struct api_key_row *key, int limit,
                         time_t now, struct key_use_memo *uses, int *retry_after);

#endif
