#ifndef CUSTODIAN_STMT_CACHE_H
#define CUSTODIAN_STMT_CACHE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Prepared statements of one connection, keyed by their SQL text: a
 * statement is found again only by the very text it was prepared from
 * (hash, then a full comparison), so two texts can never share one. When
 * the cache is full the least recently used statement is closed to make
 * room. Values are opaque (MYSQL_STMT * in db.c); the cache owns them and
 * closes them through the callback given at creation.
 */

struct stmt_cache;

typedef void (*stmt_close_fn)(void *stmt);
typedef uint64_t (*stmt_hash_fn)(const char *sql, size_t len);

/* A cache of at most cap statements (cap >= 1). hash may be NULL for the
 * default (FNV-1a); tests pass a colliding one. NULL on OOM. */
struct stmt_cache *stmt_cache_new(size_t cap, stmt_close_fn close, stmt_hash_fn hash);

/* Closes every statement and frees the cache. Accepts NULL. */
void stmt_cache_free(struct stmt_cache *c);

/* The statement prepared from exactly sql, or NULL. Marks it used. */
void *stmt_cache_get(struct stmt_cache *c, const char *sql);

/*
 * Adds stmt for sql (which must not be in the cache), closing the least
 * recently used statement first when full. The text is copied. Returns 0,
 * or -1 on OOM, in which case stmt is closed.
 */
int stmt_cache_put(struct stmt_cache *c, const char *sql, void *stmt);

/* Closes and forgets the statement of sql, if any (after ER_NEED_REPREPARE). */
void stmt_cache_drop(struct stmt_cache *c, const char *sql);

/* Closes and forgets every statement (the connection is gone). */
void stmt_cache_clear(struct stmt_cache *c);

/* Statements held, and statements closed to make room since creation. */
size_t stmt_cache_count(const struct stmt_cache *c);
unsigned long stmt_cache_evictions(const struct stmt_cache *c);

#endif
