#ifndef CUSTODIAN_HTTP_ERROR_H
#define CUSTODIAN_HTTP_ERROR_H

#include "http/request.h"
#include "util/err.h"

/*
 * Every error answer, in the form the route's area expects: an HTML page in
 * the layout for staff pages, FlexPortal's JSON error for the API, plain
 * text for /healthz. The table in error.c is the one mapping from an error
 * kind (util/err.h) to a status, a default code and a default message.
 */

/* Answers f: its kind's status, its code and message or the kind's
 * defaults; 503s carry Retry-After. */
void http_fail(struct req *r, const struct failure *f);

/* Answers an error kind with its defaults. */
void http_fail_kind(struct req *r, enum err kind);

/* The HTTP status of an error kind. */
int http_status_of(enum err kind);

/* An answer with an explicit status (the front controller's 401, 405, 415
 * ...): code is the error code, message says what to do. */
void http_error(struct req *r, int status, const char *code, const char *message);

/* 503 with Retry-After, for a database that is down or too slow. */
void http_unavailable(struct req *r);

#endif
