#include "http/error.h"

#include <stdio.h>

#include "http/json.h"
#include "http/response.h"
#include "http/view.h"

static const struct {
	int status;
	const char *code;
	const char *message;
} kinds[ERR__MAX] = {
    [ERR_OK] = {500, "INTERNAL", "The page produced no answer; this was logged."},
    [ERR_RETRY] = {503, "UNAVAILABLE",
                   "The database is not answering right now. Nothing was changed; try again "
                   "in a few seconds."},
    [ERR_UNAVAILABLE] = {503, "UNAVAILABLE",
                         "The database is not answering right now. Nothing was changed; try "
                         "again in a few seconds."},
    [ERR_SIGNAL] = {409, "REFUSED", "The database refused the change; nothing was changed."},
    [ERR_DUPLICATE] = {409, "DUPLICATE", "This already exists; nothing was changed."},
    [ERR_NOT_FOUND] = {404, "NOT_FOUND", "There is nothing at this address."},
    [ERR_INVALID] = {400, "INVALID_PARAMETER", "The request is not valid."},
    [ERR_TOO_LARGE] = {413, "PAYLOAD_TOO_LARGE", "The request is larger than allowed."},
    [ERR_REFUSED] = {409, "REFUSED", "The change was refused; nothing was changed."},
    [ERR_FORBIDDEN] = {403, "FORBIDDEN", "You may not do this; nothing was changed."},
    [ERR_INTERNAL] = {500, "INTERNAL", "Something went wrong on our side; it was logged."},
};

int http_status_of(enum err kind)
{
	return kind < ERR__MAX ? kinds[kind].status : 500;
}

void http_error(struct req *r, int status, const char *code, const char *message)
{
	if (r->started)
		return;
	r->code = code;
	if (status == 503)
		resp_header(r, "Retry-After", "5");
	if (r->route != NULL && r->route->area == AREA_API) {
		api_error(r, status, code, message, NULL);
		return;
	}
	if (r->route != NULL && r->route->area == AREA_OPEN) {
		resp_start(r, status, "text/plain; charset=utf-8");
		resp_puts(r, message);
		resp_puts(r, "\n");
		return;
	}
	struct view v;
	char title[64];
	snprintf(title, sizeof(title), "%d %s", status, http_reason(status));
	struct tmpl_dict *d = view_begin(r, &v, title, "error.tpl", NAV_NONE);
	tmpl_set_int(d, "STATUS", status);
	tmpl_set(d, "REASON", http_reason(status));
	tmpl_set(d, "CODE", code);
	tmpl_set(d, "MESSAGE", message);
	view_send(r, &v, status);
}

void http_fail(struct req *r, const struct failure *f)
{
	enum err k = f->kind < ERR__MAX ? f->kind : ERR_INTERNAL;
	http_error(r, kinds[k].status, f->code ? f->code : kinds[k].code,
	           f->message ? f->message : kinds[k].message);
}

void http_fail_kind(struct req *r, enum err kind)
{
	struct failure f = {kind, NULL, NULL};
	http_fail(r, &f);
}

void http_unavailable(struct req *r)
{
	http_fail_kind(r, ERR_UNAVAILABLE);
}
