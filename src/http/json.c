#include "http/json.h"

#include <stdlib.h>

#include "http/response.h"

void api_send(struct req *r, int status, json_t *body)
{
	char *text =
	    body ? json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(12))
	         : NULL;
	json_decref(body);
	if (text == NULL) {
		resp_start(r, 500, "application/json");
		resp_puts(r,
		          "{\"error\":{\"code\":\"INTERNAL\",\"message\":\"encoding failed\"}}\n");
		return;
	}
	resp_start(r, status, "application/json");
	resp_puts(r, text);
	resp_puts(r, "\n");
	free(text);
}

void api_error(struct req *r, int status, const char *code, const char *message, json_t *details)
{
	if (!r->started)
		r->code = code;
	json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (err != NULL && details != NULL)
		json_object_set_new(err, "details", details);
	else
		json_decref(details);
	api_send(r, status, err ? json_pack("{s:o}", "error", err) : NULL);
}

json_t *api_detail(const char *path, const char *message, const char *code)
{
	return json_pack("{s:s, s:s, s:s}", "path", path, "message", message, "code", code);
}

void api_validation_error(struct req *r, const char *message, json_t *details)
{
	api_error(r, 400, "VALIDATION_ERROR", message, details ? details : json_array());
}

void api_invalid(struct req *r, const char *path, const char *message, const char *code)
{
	json_t *d = json_array();
	json_array_append_new(d, api_detail(path, message, code));
	api_validation_error(r, message, d);
}
