/*
 * libFuzzer target: keyset pagination cursors (util/cursor.h).
 *
 * The input (up to its first NUL) is decoded as a cursor for a fixed secret
 * and scope. Random input never authenticates, but the seed corpus holds
 * genuine cursors, so mutations of them exercise every refusal. Checked:
 *   - a cursor that decodes is exactly the one cursor_encode() makes for
 *     its key and id (nothing else authenticates), and no other scope or
 *     secret accepts it;
 *   - round trip: for an id from the first 8 bytes and a key from the rest,
 *     cursor_encode() then cursor_decode() gives back the id and the key
 *     (its first CURSOR_MAX_KEY bytes), the cursor fits CURSOR_MAX_LEN and
 *     passes the "after" field's validation, and the other scope refuses it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/input.h"
#include "util/arena.h"
#include "util/cursor.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The seeds in corpus/cursor were made with this secret and scope. */
static const unsigned char secret[] = "fuzz-secret-0123456789abcdef";
#define SECRETLEN (sizeof(secret) - 1)
static const unsigned char other_secret[] = "fuzz-secret-0123456789abcdeF";
static const char scope[] = "customers:email:asc";
static const char other_scope[] = "customers:email:desc";

static struct arena *arena;

static void check_decode(const char *s)
{
	char *key = NULL;
	uint64_t id = 0;
	if (cursor_decode(arena, secret, SECRETLEN, scope, s, &key, &id) != 0) {
		CHECK(key == NULL && id == 0); /* sets nothing on failure */
		return;
	}
	CHECK(key != NULL);
	CHECK(strcmp(cursor_encode(arena, secret, SECRETLEN, scope, key, id), s) == 0);
	char *k2 = NULL;
	uint64_t id2 = 0;
	CHECK(cursor_decode(arena, secret, SECRETLEN, other_scope, s, &k2, &id2) == -1);
	CHECK(cursor_decode(arena, other_secret, SECRETLEN, scope, s, &k2, &id2) == -1);
}

static void check_round_trip(const uint8_t *data, size_t size)
{
	uint64_t id = 0;
	size_t idlen = size < 8 ? size : 8;
	for (size_t i = 0; i < idlen; i++)
		id = id << 8 | data[i];
	const char *key = arena_strndup(arena, (const char *)data + idlen, size - idlen);
	size_t klen = strlen(key);
	if (klen > CURSOR_MAX_KEY)
		klen = CURSOR_MAX_KEY;

	const char *c = cursor_encode(arena, secret, SECRETLEN, scope, key, id);
	CHECK(c != NULL && strlen(c) <= CURSOR_MAX_LEN);
	CHECK(input_check(KEY_AFTER, c, strlen(c)) == NULL);
	CHECK(input_check(KEY_START_AFTER, c, strlen(c)) == NULL);

	char *k2 = NULL;
	uint64_t id2 = 0;
	CHECK(cursor_decode(arena, secret, SECRETLEN, scope, c, &k2, &id2) == 0);
	CHECK(id2 == id);
	CHECK(strlen(k2) == klen && memcmp(k2, key, klen) == 0);
	k2 = NULL;
	id2 = 0;
	CHECK(cursor_decode(arena, secret, SECRETLEN, other_scope, c, &k2, &id2) == -1);
	CHECK(k2 == NULL && id2 == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (arena == NULL && (arena = arena_new()) == NULL)
		abort();
	check_decode(arena_strndup(arena, (const char *)data, size));
	check_round_trip(data, size);
	arena_reset(arena);
	return 0;
}
