/* The webhooks' HTTP client (util/http_client.h), over libcurl. */
#include "util/http_client.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct http_client {
	CURLM *multi;
	CURL *pool[HTTP_PARALLEL_MAX]; /* the batch's handles, kept: their settings and buffers */
	long connect_timeout_ms, timeout_ms;
};

struct http_client *http_client_new(long connect_timeout_ms, long timeout_ms)
{
	static int initialised;
	if (!initialised) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return NULL;
		initialised = 1;
	}
	struct http_client *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	if ((c->multi = curl_multi_init()) == NULL) {
		free(c);
		return NULL;
	}
	c->connect_timeout_ms = connect_timeout_ms;
	c->timeout_ms = timeout_ms;
	return c;
}

void http_client_free(struct http_client *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < HTTP_PARALLEL_MAX; i++)
		if (c->pool[i] != NULL)
			curl_easy_cleanup(c->pool[i]);
	curl_multi_cleanup(c->multi);
	free(c);
}

struct sink {
	struct http_answer *out;
	size_t n;
};

/* Keeps the answer's first bytes; the rest is read and dropped (the total
 * timeout bounds a receiver that never stops). */
static size_t on_body(char *p, size_t size, size_t nmemb, void *vs)
{
	struct sink *s = vs;
	size_t n = size * nmemb;
	if (s->n < HTTP_ANSWER_HEAD) {
		size_t k = HTTP_ANSWER_HEAD - s->n < n ? HTTP_ANSWER_HEAD - s->n : n;
		/* kept as text: a NUL or control byte becomes a space */
		for (size_t i = 0; i < k; i++)
			s->out->head[s->n + i] =
			    (unsigned char)p[i] < ' ' || p[i] == 0x7f ? ' ' : p[i];
		s->n += k;
		s->out->head[s->n] = '\0';
	}
	return n;
}

/* Sets h up for one POST; the header list to free after, or NULL with
 * out->head saying why (out of memory). */
static struct curl_slist *setup(struct http_client *c, CURL *h, const char *url,
                                const char *const *headers, size_t nheaders, const char *body,
                                size_t len, struct sink *s)
{
	memset(s->out, 0, sizeof(*s->out));
	s->out->code = -1;
	s->n = 0;
	curl_easy_reset(h);
	struct curl_slist *list = NULL;
	for (size_t i = 0; i < nheaders; i++) {
		struct curl_slist *next = curl_slist_append(list, headers[i]);
		if (next == NULL) {
			curl_slist_free_all(list);
			snprintf(s->out->head, sizeof(s->out->head), "out of memory");
			return NULL;
		}
		list = next;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "Custodian-Webhooks/1");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	return list;
}

/* A finished transfer's answer: 0 when one came (any status), -1 otherwise
 * (out->head says why). */
static int finish(CURL *h, CURLcode rc, struct http_answer *out)
{
	double secs = 0;
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &secs);
	out->ms = (long)(secs * 1000.0 + 0.5);
	if (rc != CURLE_OK) {
		snprintf(out->head, sizeof(out->head), "%s", curl_easy_strerror(rc));
		return -1;
	}
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	out->code = (int)code;
	return 0;
}

void http_client_post_all(struct http_client *c, struct http_request *reqs, size_t n)
{
	if (n > HTTP_PARALLEL_MAX)
		n = HTTP_PARALLEL_MAX;
	struct sink sinks[HTTP_PARALLEL_MAX];
	struct curl_slist *lists[HTTP_PARALLEL_MAX] = {NULL};
	bool added[HTTP_PARALLEL_MAX] = {false};
	for (size_t i = 0; i < n; i++) {
		struct http_request *q = &reqs[i];
		q->rc = -1;
		sinks[i] = (struct sink){&q->answer, 0};
		if (c->pool[i] == NULL && (c->pool[i] = curl_easy_init()) == NULL) {
			memset(&q->answer, 0, sizeof(q->answer));
			q->answer.code = -1;
			snprintf(q->answer.head, sizeof(q->answer.head), "out of memory");
			continue;
		}
		lists[i] = setup(c, c->pool[i], q->url, q->headers, q->nheaders, q->body, q->len,
		                 &sinks[i]);
		if (lists[i] == NULL && q->nheaders > 0)
			continue;
		curl_easy_setopt(c->pool[i], CURLOPT_PRIVATE, (void *)q);
		added[i] = curl_multi_add_handle(c->multi, c->pool[i]) == CURLM_OK;
	}
	int running = 1;
	while (running) {
		if (curl_multi_perform(c->multi, &running) != CURLM_OK)
			break;
		if (running && curl_multi_poll(c->multi, NULL, 0, 100, NULL) != CURLM_OK)
			break;
	}
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		struct http_request *q = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&q);
		if (q != NULL)
			q->rc = finish(m->easy_handle, m->data.result, &q->answer);
	}
	for (size_t i = 0; i < n; i++) {
		if (added[i])
			curl_multi_remove_handle(c->multi, c->pool[i]);
		curl_slist_free_all(lists[i]);
	}
}
