#include "api/update.h"

#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "db/types.h"
#include "http/input.h"

static int fail(struct api_parse_error *err, int status, const char *code, const char *message)
{
	err->status = status;
	err->code = code;
	err->message = message;
	err->path = "";
	err->detail = NULL;
	return -1;
}

/* 400 VALIDATION_ERROR about the member at path. */
static int invalid(struct api_parse_error *err, const char *path, const char *detail,
                   const char *message)
{
	fail(err, 400, "VALIDATION_ERROR", message);
	err->path = path;
	err->detail = detail;
	return -1;
}

static bool is_json(const char *ct)
{
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0)
		return false;
	return ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ';
}

/* A string member checked by an input rule; NULL when absent or null. */
static int member(struct arena *a, json_t *obj, const char *name, enum key rule, const char **out,
                  struct api_parse_error *err, const char *message)
{
	json_t *v = json_object_get(obj, name);
	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	const char *s = json_string_value(v);
	if (s == NULL)
		return invalid(err, name, "invalid_type", message);
	if (input_check(rule, s, json_string_length(v)) != NULL)
		return invalid(err, name, rule == KEY_REASON ? "invalid_enum_value" : "too_big",
		               message);
	*out = arena_strndup(a, s, json_string_length(v));
	return 0;
}

int api_parse_update(struct arena *a, const char *content_type, const char *body, size_t len,
                     bool for_put, struct api_update *out, struct api_parse_error *err)
{
	memset(out, 0, sizeof(*out));
	out->status = -1;
	out->reason = -1;
	if (!for_put && len == 0)
		return 0;
	if (!is_json(content_type))
		return fail(err, 415, "UNSUPPORTED_MEDIA_TYPE",
		            "Send the body as application/json.");
	json_error_t je;
	json_t *v = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &je);
	if (v == NULL)
		return invalid(
		    err, "", "invalid_json",
		    arena_printf(a, "body: %s (line %d, column %d).", je.text, je.line, je.column));
	int rc = 0;
	if (!json_is_object(v)) {
		rc = invalid(err, "", "invalid_type", "body: must be a JSON object.");
		goto out;
	}
	const char *key;
	json_t *value;
	json_object_foreach(v, key, value)
	{
		bool known = strcmp(key, "reason") == 0 || strcmp(key, "note") == 0 ||
		             (for_put && strcmp(key, "status") == 0);
		if (!known) {
			rc = invalid(
			    err, arena_printf(a, "%.64s", key), "unrecognized_keys",
			    arena_printf(a,
			                 "%.64s: Custodian changes only status (with reason "
			                 "and note); change other fields in FlexPortal.",
			                 key));
			goto out;
		}
	}
	const char *reason;
	if (member(a, v, "reason", KEY_REASON, &reason, err,
	           "reason: must be data_cleanup, account_closure, compliance or "
	           "fraud_prevention.") != 0 ||
	    member(a, v, "note", KEY_NOTE, &out->note, err,
	           "note: text of at most 500 characters.") != 0) {
		rc = -1;
		goto out;
	}
	out->reason = name_index(reason_code, REASON__MAX, reason);
	if (for_put) {
		json_t *st = json_object_get(v, "status");
		const char *s = json_string_value(st);
		out->status = name_index(customer_status_name, CUSTOMER_STATUS__MAX, s);
		if (out->status < 0) {
			rc = invalid(err, "status",
			             st == NULL ? "invalid_type" : "invalid_enum_value",
			             "status: must be \"active\" or \"inactive\".");
			goto out;
		}
	}
out:
	json_decref(v);
	return rc;
}
