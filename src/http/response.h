#ifndef CUSTODIAN_RESPONSE_H
#define CUSTODIAN_RESPONSE_H

#include <stddef.h>

#include "http/request.h"

/*
 * Responses. Headers are collected until the first byte of the body (or
 * resp_start()), then sent with the status line and, always, the security
 * headers (CSP, frame and sniffing protection, no-store, the request id).
 * A HEAD request gets the headers only.
 */

/* Adds a header; ignored once the response has started. */
void resp_header(struct req *r, const char *name, const char *value);

/* Sends the status line and headers (once). */
void resp_start(struct req *r, int status, const char *content_type);

/* Body bytes; starts the response as 200 text/html if not started. */
void resp_write(struct req *r, const char *data, size_t n);
void resp_puts(struct req *r, const char *s);

/* Sends the bytes written so far to the client now instead of when the
 * transport's buffer fills: a long answer written in parts (a CSV export)
 * calls it after its headers so the download starts at once. */
void resp_flush(struct req *r);

/* Gives up an answer that has started and cannot be finished (a database
 * failure halfway through a CSV export): the connection is broken, so
 * nginx and the client see the answer end early instead of a complete but
 * short file; later writes are dropped. */
void resp_abort(struct req *r);

/* 303 See Other to a local path. */
void resp_redirect(struct req *r, const char *location);

/* Sets a cookie with HttpOnly, SameSite=Strict and Path=/ (and Secure over
 * HTTPS); max_age 0 deletes it. */
void resp_cookie(struct req *r, const char *name, const char *value, int max_age);

/* The reason phrase of a status code. */
const char *http_reason(int status);

#endif
