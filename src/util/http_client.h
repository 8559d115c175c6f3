#ifndef CUSTODIAN_HTTP_CLIENT_H
#define CUSTODIAN_HTTP_CLIENT_H

#include <stddef.h>

/*
 * An HTTP client for the webhooks' POSTs, over libcurl: a batch at once
 * through one multi handle (its connections are reused), bounded connect and
 * total timeouts, http and https only, no redirects followed, no signals.
 */
struct http_client;

struct http_client *http_client_new(long connect_timeout_ms, long timeout_ms);
void http_client_free(struct http_client *c);

#define HTTP_ANSWER_HEAD 300

struct http_answer {
	int code;                        /* the HTTP status, or -1 when none came */
	long ms;                         /* the request's time */
	char head[HTTP_ANSWER_HEAD + 1]; /* the answer's first bytes, or the error */
};

/* One POST of a batch. */
struct http_request {
	const char *url;
	const char *const *headers;
	size_t nheaders;
	const char *body;
	size_t len;
	struct http_answer answer; /* filled by http_client_post_all() */
	int rc;                    /* 0: an answer came (any status); -1: none */
};

#define HTTP_PARALLEL_MAX 64

/* The n (at most HTTP_PARALLEL_MAX) POSTs at once (libcurl's multi
 * interface, connections shared), each bounded by the client's timeouts:
 * the batch takes as long as its slowest request, not their sum. */
void http_client_post_all(struct http_client *c, struct http_request *reqs, size_t n);

#endif
