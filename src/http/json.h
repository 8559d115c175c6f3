#ifndef CUSTODIAN_API_JSON_H
#define CUSTODIAN_API_JSON_H

#include <jansson.h>

#include "http/request.h"

/*
 * JSON responses through jansson (never hand-concatenated). Errors have
 * FlexPortal's shape: {"error": {"code": ..., "message": ..., "details": [...]}}.
 */

/* Sends body (a reference is stolen) with status. */
void api_send(struct req *r, int status, json_t *body);

/* Sends an error; details (stolen, may be NULL) is added when given. */
void api_error(struct req *r, int status, const char *code, const char *message, json_t *details);

/* One entry of a VALIDATION_ERROR's details: {path, message, code} (the
 * code in FlexPortal's vocabulary: invalid_string, invalid_enum_value,
 * invalid_type, too_small, too_big, unrecognized_keys, invalid_json). */
json_t *api_detail(const char *path, const char *message, const char *code);

/* 400 VALIDATION_ERROR (FlexPortal's): message names the first bad field,
 * details (stolen) names every one. */
void api_validation_error(struct req *r, const char *message, json_t *details);

/* The same about one field: details is {path, message, code}. */
void api_invalid(struct req *r, const char *path, const char *message, const char *code);

#endif
