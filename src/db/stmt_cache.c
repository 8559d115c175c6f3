#include "db/stmt_cache.h"

#include <stdlib.h>
#include <string.h>

struct entry {
	char *sql; /* NULL: free */
	size_t len;
	uint64_t hash;
	void *stmt;
	unsigned long long used; /* tick of the last get or put */
	long next;               /* next entry in the bucket, -1 at the end */
};

struct stmt_cache {
	struct entry *e;
	size_t cap, n;
	long *bucket; /* nbuckets heads, -1 when empty */
	size_t nbuckets;
	unsigned long long tick;
	unsigned long evictions;
	stmt_close_fn close;
	stmt_hash_fn hash;
};

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

struct stmt_cache *stmt_cache_new(size_t cap, stmt_close_fn close, stmt_hash_fn hash)
{
	if (cap == 0)
		return NULL;
	struct stmt_cache *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->cap = cap;
	c->nbuckets = 16;
	while (c->nbuckets < 2 * cap)
		c->nbuckets *= 2;
	c->e = calloc(cap, sizeof(*c->e));
	c->bucket = malloc(c->nbuckets * sizeof(*c->bucket));
	if (c->e == NULL || c->bucket == NULL) {
		free(c->e);
		free(c->bucket);
		free(c);
		return NULL;
	}
	for (size_t i = 0; i < c->nbuckets; i++)
		c->bucket[i] = -1;
	c->close = close;
	c->hash = hash ? hash : fnv1a;
	return c;
}

/* Unlinks entry i from its bucket, closes its statement and frees it. */
static void remove_entry(struct stmt_cache *c, long i)
{
	struct entry *x = &c->e[i];
	long *link = &c->bucket[x->hash & (c->nbuckets - 1)];
	while (*link != i)
		link = &c->e[*link].next;
	*link = x->next;
	if (c->close != NULL)
		c->close(x->stmt);
	free(x->sql);
	memset(x, 0, sizeof(*x));
	c->n--;
}

static long find(const struct stmt_cache *c, const char *sql, size_t len, uint64_t h)
{
	for (long i = c->bucket[h & (c->nbuckets - 1)]; i >= 0; i = c->e[i].next) {
		const struct entry *x = &c->e[i];
		if (x->hash == h && x->len == len && memcmp(x->sql, sql, len) == 0)
			return i;
	}
	return -1;
}

void *stmt_cache_get(struct stmt_cache *c, const char *sql)
{
	size_t len = strlen(sql);
	long i = find(c, sql, len, c->hash(sql, len));
	if (i < 0)
		return NULL;
	c->e[i].used = ++c->tick;
	return c->e[i].stmt;
}

int stmt_cache_put(struct stmt_cache *c, const char *sql, void *stmt)
{
	size_t len = strlen(sql);
	uint64_t h = c->hash(sql, len);
	if (c->n == c->cap) {
		long lru = 0;
		for (size_t i = 1; i < c->cap; i++)
			if (c->e[i].used < c->e[lru].used)
				lru = (long)i;
		remove_entry(c, lru);
		c->evictions++;
	}
	long i = 0;
	while (c->e[i].sql != NULL)
		i++;
	struct entry *x = &c->e[i];
	x->sql = malloc(len + 1);
	if (x->sql == NULL) {
		if (c->close != NULL)
			c->close(stmt);
		return -1;
	}
	memcpy(x->sql, sql, len + 1);
	x->len = len;
	x->hash = h;
	x->stmt = stmt;
	x->used = ++c->tick;
	long *head = &c->bucket[h & (c->nbuckets - 1)];
	x->next = *head;
	*head = i;
	c->n++;
	return 0;
}

void stmt_cache_drop(struct stmt_cache *c, const char *sql)
{
	size_t len = strlen(sql);
	long i = find(c, sql, len, c->hash(sql, len));
	if (i >= 0)
		remove_entry(c, i);
}

void stmt_cache_clear(struct stmt_cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->cap; i++)
		if (c->e[i].sql != NULL)
			remove_entry(c, (long)i);
}

void stmt_cache_free(struct stmt_cache *c)
{
	if (c == NULL)
		return;
	stmt_cache_clear(c);
	free(c->e);
	free(c->bucket);
	free(c);
}

size_t stmt_cache_count(const struct stmt_cache *c)
{
	return c->n;
}

unsigned long stmt_cache_evictions(const struct stmt_cache *c)
{
	return c->evictions;
}
