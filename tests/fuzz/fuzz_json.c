/*
 * libFuzzer target: the JSON body of PUT and DELETE /v1/customers/{id}
 * (api/update.h api_parse_update), for both methods, as application/json.
 *
 * Checked: an accepted body yields only allowed values (status "active",
 * "inactive" or absent, and only for PUT; one of the four reasons; a note
 * that passes the note field's rule; profile fields that pass the profile
 * rules again unchanged, every given address with its required members);
 * a refused one is a 415, or a 400 with at least one problem, each with a
 * path, a message and a code; a body DELETE accepts, PUT accepts as a
 * no-op (no profile field, no status); an empty body is accepted by
 * DELETE only; and a parameter on the media type ("; charset=utf-8")
 * changes nothing.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/update.h"
#include "db/types.h"
#include "http/input.h"
#include "util/arena.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct arena *arena;

static bool same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int parse(const char *ct, const char *body, size_t len, bool for_put, struct api_update *u)
{
	struct api_parse_error err;
	memset(&err, 0, sizeof(err));
	int rc = api_parse_update(arena, ct, body, len, for_put, "cus_fuzz", u, &err);
	if (rc != 0) {
		CHECK(rc == -1);
		CHECK(err.status == 400 || err.status == 415);
		CHECK(err.status == 415 || err.problems.n >= 1);
		for (size_t i = 0; i < err.problems.n; i++)
			CHECK(err.problems.p[i].path != NULL && err.problems.p[i].message != NULL &&
			      err.problems.p[i].message[0] != '\0' &&
			      err.problems.p[i].code != NULL && err.problems.p[i].code[0] != '\0');
		CHECK(err.code != NULL && err.message != NULL);
		return rc;
	}
	CHECK(u->status >= -1 && u->status < CUSTOMER_STATUS__MAX);
	if (!for_put)
		CHECK(u->status == -1 && profile_edit_empty(&u->edit));
	/* what was accepted passes the rules again, unchanged */
	struct profile_edit again = u->edit;
	struct profile_problems problems = {.n = 0};
	profile_check(arena, &again, &problems);
	CHECK(problems.n == 0);
	for (int f = 0; f < PF__MAX; f++)
		CHECK(!u->edit.set[f] || same(again.value[f], u->edit.value[f]));
	for (int k = 0; k < ADDRESS_KIND__MAX; k++)
		if (u->edit.address_set[k])
			CHECK(u->edit.address[k][AM_CONTACT] && u->edit.address[k][AM_STREET] &&
			      u->edit.address[k][AM_CITY] && u->edit.address[k][AM_COUNTRY]);
	CHECK(u->reason >= -1 && u->reason < REASON__MAX);
	if (u->note != NULL)
		CHECK(input_check(KEY_NOTE, u->note, strlen(u->note)) == NULL);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (arena == NULL && (arena = arena_new()) == NULL)
		abort();
	const char *body = (const char *)data;
	struct api_update put, del, again;
	int put_rc = parse("application/json", body, size, true, &put);
	int del_rc = parse("application/json", body, size, false, &del);
	if (del_rc == 0 && size > 0)
		CHECK(put_rc == 0 && put.status == -1 && profile_edit_empty(&put.edit) &&
		      put.reason == del.reason && same(put.note, del.note));
	if (size == 0)
		CHECK(put_rc != 0 && del_rc == 0);

	int rc = parse("application/json; charset=utf-8", body, size, true, &again);
	CHECK(rc == put_rc);
	if (rc == 0)
		CHECK(again.status == put.status && again.reason == put.reason &&
		      same(again.note, put.note));
	rc = parse("application/json; charset=utf-8", body, size, false, &again);
	CHECK(rc == del_rc);
	if (rc == 0)
		CHECK(again.reason == del.reason && same(again.note, del.note));

	arena_reset(arena);
	return 0;
}
