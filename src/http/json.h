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

#endif
