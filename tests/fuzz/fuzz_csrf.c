/*
 * libFuzzer target: CSRF tokens (util/csrf.h).
 *
 * The input (up to its first NUL) is checked as a token for a fixed secret,
 * binding and time; random input cannot be authentic, but the seed corpus
 * holds authentic tokens (current and expired), so mutations of them reach
 * every verdict. Checked:
 *   - the verdict is MISSING exactly for "", MALFORMED for any length but
 *     CSRF_TOKEN_LEN; an authentic token (OK or EXPIRED) is exactly the one
 *     csrf_token_make() writes for its expiry, and no other binding accepts
 *     it;
 *   - round trip: with user, action and subject from the input's lines
 *     (at most 100, 40 and 48 bytes, as the application's are) and a time
 *     and ttl from its bytes, the token made passes the csrf field's
 *     validation and checks OK; one second after its expiry it is EXPIRED;
 *     another user, action, subject or secret, or one changed character,
 *     is refused.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/input.h"
#include "util/arena.h"
#include "util/b64.h"
#include "util/csrf.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The seeds in corpus/csrf were made with this secret and binding. */
static const unsigned char secret[] = "fuzz-secret-0123456789abcdef";
#define SECRETLEN (sizeof(secret) - 1)
static const unsigned char other_secret[] = "fuzz-secret-0123456789abcdeF";
#define SEED_USER    "admin"
#define SEED_ACTION  "deactivate"
#define SEED_SUBJECT "cus_0a1b2c3d4e"
#define SEED_NOW     1700000000 /* 2023-11-14 */

static struct arena *arena;

static enum csrf_result check(const unsigned char *key, const char *user, const char *action,
                              const char *subject, time_t now, const char *token)
{
	enum csrf_result r = csrf_token_check(key, SECRETLEN, user, action, subject, now, token);
	CHECK(r == CSRF_OK || r == CSRF_MISSING || r == CSRF_MALFORMED || r == CSRF_EXPIRED ||
	      r == CSRF_FORGED);
	CHECK(csrf_result_code(r) != NULL);
	return r;
}

static void check_token(const char *token)
{
	enum csrf_result r = check(secret, SEED_USER, SEED_ACTION, SEED_SUBJECT, SEED_NOW, token);
	CHECK((r == CSRF_MISSING) == (token[0] == '\0'));
	if (token[0] != '\0' && strlen(token) != CSRF_TOKEN_LEN)
		CHECK(r == CSRF_MALFORMED);
	if (r != CSRF_OK && r != CSRF_EXPIRED)
		return;
	/* Authentic: the canonical token for its expiry, for this binding only. */
	unsigned char raw[24];
	CHECK(b64url_decode(token, raw, sizeof(raw)) == (long)sizeof(raw));
	uint64_t expiry = 0;
	for (int i = 0; i < 8; i++)
		expiry = expiry << 8 | raw[i];
	if (expiry <= INT64_MAX) {
		char again[CSRF_TOKEN_LEN + 1];
		csrf_token_make(secret, SECRETLEN, SEED_USER, SEED_ACTION, SEED_SUBJECT,
		                (time_t)expiry, 0, again);
		CHECK(strcmp(again, token) == 0);
	}
	CHECK(check(secret, "operator", SEED_ACTION, SEED_SUBJECT, SEED_NOW, token) == CSRF_FORGED);
	CHECK(check(secret, SEED_USER, "reactivate", SEED_SUBJECT, SEED_NOW, token) == CSRF_FORGED);
	CHECK(check(secret, SEED_USER, SEED_ACTION, "", SEED_NOW, token) == CSRF_FORGED);
	CHECK(check(other_secret, SEED_USER, SEED_ACTION, SEED_SUBJECT, SEED_NOW, token) ==
	      CSRF_FORGED);
}

/* The next line of *s (at most max bytes of it), or "" at the end. */
static const char *take_line(char **s, size_t max)
{
	char *line = *s;
	char *nl = strchr(line, '\n');
	if (nl != NULL) {
		*nl = '\0';
		*s = nl + 1;
	} else {
		*s = line + strlen(line);
	}
	if (strlen(line) > max)
		line[max] = '\0';
	return line;
}

static void check_round_trip(const uint8_t *data, size_t size)
{
	char *s = arena_strndup(arena, (const char *)data, size);
	const char *user = take_line(&s, 100);
	const char *action = take_line(&s, 40);
	const char *subject = take_line(&s, 48);
	uint64_t h = 1469598103934665603ULL; /* FNV-1a of the whole input */
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	time_t now = (time_t)(SEED_NOW + (int64_t)(h % 1000000000));
	long ttl = (long)(h >> 32) % (7 * 86400 + 1);

	char token[CSRF_TOKEN_LEN + 1];
	csrf_token_make(secret, SECRETLEN, user, action, subject, now, ttl, token);
	CHECK(strlen(token) == CSRF_TOKEN_LEN);
	CHECK(input_check(KEY_CSRF, token, CSRF_TOKEN_LEN) == NULL);
	CHECK(check(secret, user, action, subject, now, token) == CSRF_OK);
	CHECK(check(secret, user, action, subject, now + ttl, token) == CSRF_OK);
	CHECK(check(secret, user, action, subject, now + ttl + 1, token) == CSRF_EXPIRED);

	const char *user2 = arena_printf(arena, "%sx", user);
	CHECK(check(secret, user2, action, subject, now, token) == CSRF_FORGED);
	const char *action2 = arena_printf(arena, "%sx", action);
	CHECK(check(secret, user, action2, subject, now, token) == CSRF_FORGED);
	const char *subject2 = arena_printf(arena, "%sx", subject);
	CHECK(check(secret, user, action, subject2, now, token) == CSRF_FORGED);
	if (strcmp(user, action) != 0)
		CHECK(check(secret, action, user, subject, now, token) == CSRF_FORGED);
	CHECK(check(other_secret, user, action, subject, now, token) == CSRF_FORGED);

	/* One character changed (chosen by the input): never accepted. */
	size_t pos = (size_t)(h % CSRF_TOKEN_LEN);
	char forged[CSRF_TOKEN_LEN + 1];
	memcpy(forged, token, sizeof(forged));
	forged[pos] = forged[pos] == 'A' ? 'B' : 'A';
	CHECK(check(secret, user, action, subject, now, forged) != CSRF_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (arena == NULL && (arena = arena_new()) == NULL)
		abort();
	check_token(arena_strndup(arena, (const char *)data, size));
	check_round_trip(data, size);
	arena_reset(arena);
	return 0;
}
