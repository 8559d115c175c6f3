#ifndef CUSTODIAN_LOG_H
#define CUSTODIAN_LOG_H

#include <stdbool.h>

/*
 * Logging. One line per request to the application log (and nothing else
 * there), so it can be parsed; diagnostics go to stderr with the pid.
 * Lines are written with one write() to an O_APPEND descriptor, so lines
 * from concurrent workers never interleave.
 */

/* Opens (or reopens) the request log ("-": standard output); -1 if it
 * cannot be opened. */
int log_open(const char *path);

/* One JSON object per request instead of the text line (log_format). */
void log_set_json(bool on);

/* Appends: time, request id, user, method, route, status, duration, and
 * the database's share (statements / milliseconds waited). */
void log_request(const char *request_id, const char *user, const char *method, const char *route,
                 int status, double ms, unsigned queries, double db_ms);

/* A diagnostic line on stderr: "custodian[pid]: ...". */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
