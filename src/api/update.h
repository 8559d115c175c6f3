#ifndef CUSTODIAN_API_UPDATE_H
#define CUSTODIAN_API_UPDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

/*
 * The body of PUT and DELETE /v1/customers/{id}: a JSON object with
 * "status" ("active"|"inactive", PUT only), "reason" (one of the four) and
 * "note" (<= 500 characters). A pure function, so it is fuzzed on its own.
 */
struct api_update {
	int status; /* enum customer_status, -1 when absent */
	int reason; /* enum reason, -1 when absent */
	const char *note;
};

/* 415 UNSUPPORTED_MEDIA_TYPE, or 400 VALIDATION_ERROR naming the member
 * (path, "" for the whole body) and the kind of problem (detail: FlexPortal's
 * invalid_json, unrecognized_keys, invalid_type, invalid_enum_value,
 * too_big). */
struct api_parse_error {
	int status; /* 400 or 415 */
	const char *code;
	const char *message;
	const char *path;
	const char *detail;
};

/*
 * Parses and validates. for_put requires "status" and allows only status,
 * reason and note; otherwise (DELETE) an empty body is allowed and status
 * is refused. Returns 0 and fills out (strings in the arena), or -1 and
 * fills err.
 */
int api_parse_update(struct arena *a, const char *content_type, const char *body, size_t len,
                     bool for_put, struct api_update *out, struct api_parse_error *err);

#endif
