#ifndef CUSTODIAN_API_UPDATE_H
#define CUSTODIAN_API_UPDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/profile.h"
#include "util/arena.h"

/*
 * The body of PUT and DELETE /v1/customers/{id}. PUT is FlexPortal's
 * Update Customer: customerId (optional here; when given it must be the
 * path's), firstName, lastName, company, phone, customerType, status,
 * billingAddress, shippingAddress, and Custodian's reason and note (for a
 * status change). DELETE takes an optional {reason, note}. A pure
 * function, so it is fuzzed on its own.
 */
struct api_update {
	int status; /* enum customer_status, -1 when absent */
	int reason; /* enum reason, -1 when absent */
	const char *note;
	struct profile_edit edit; /* PUT: the profile fields given */
};

/* 415 UNSUPPORTED_MEDIA_TYPE, or 400 VALIDATION_ERROR with every problem
 * (path "" for the whole body; codes in FlexPortal's vocabulary:
 * invalid_json, unrecognized_keys, invalid_type, invalid_enum_value,
 * invalid_string, too_small, too_big, custom). */
struct api_parse_error {
	int status; /* 400 or 415 */
	const char *code;
	const char *message; /* the first problem's */
	struct profile_problems problems;
};

/*
 * Parses and validates. for_put takes the fields above (path_id is the
 * customer of the URL); otherwise (DELETE) an empty body is allowed and
 * only reason and note are. Returns 0 and fills out (strings in the
 * arena), or -1 and fills err.
 */
int api_parse_update(struct arena *a, const char *content_type, const char *body, size_t len,
                     bool for_put, const char *path_id, struct api_update *out,
                     struct api_parse_error *err);

#endif
