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
	return -1;
}

/* (path may be a member name inside the parsed body, which is freed
 * before the answer is written: it is copied) */
static void problem(struct arena *a, struct api_parse_error *err, const char *path,
                    const char *code, const char *message)
{
	profile_problem_add(&err->problems, arena_strndup(a, path, strlen(path)), code, message);
}

static bool is_json(const char *ct)
{
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0)
		return false;
	return ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ';
}

/* A string member checked by an input rule; NULL when absent or null. */
static void member(struct arena *a, json_t *obj, const char *name, enum key rule, const char **out,
                   struct api_parse_error *err, const char *message)
{
	json_t *v = json_object_get(obj, name);
	*out = NULL;
	if (v == NULL || json_is_null(v))
		return;
	const char *s = json_string_value(v);
	if (s == NULL) {
		problem(a, err, name, "invalid_type", message);
		return;
	}
	if (input_check(rule, s, json_string_length(v)) != NULL) {
		problem(a, err, name, rule == KEY_REASON ? "invalid_enum_value" : "too_big",
		        message);
		return;
	}
	*out = arena_strndup(a, s, json_string_length(v));
}

/* A JSON string (no NUL inside) into *out; false, with a problem, when
 * it is another type. */
static bool string_of(struct arena *a, json_t *v, const char *path, const char **out,
                      struct api_parse_error *err)
{
	const char *s = json_string_value(v);
	if (s == NULL || strlen(s) != json_string_length(v)) {
		problem(a, err, path, "invalid_type",
		        arena_printf(a, "%s: must be a string.", path));
		return false;
	}
	*out = arena_strndup(a, s, json_string_length(v));
	return true;
}

static int index_of(const char *const *names, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], key) == 0)
			return i;
	return -1;
}

/* billingAddress / shippingAddress: an object of strings (postalCode may
 * be null); unknown members are refused. */
static void address(struct arena *a, json_t *v, int kind, struct api_update *out,
                    struct api_parse_error *err)
{
	const char *name = address_object_name[kind];
	if (!json_is_object(v)) {
		problem(a, err, name, "invalid_type",
		        arena_printf(a, "%s: must be an object.", name));
		return;
	}
	out->edit.address_set[kind] = true;
	const char *key;
	json_t *m;
	json_object_foreach(v, key, m)
	{
		const char *path = arena_printf(a, "%s.%.64s", name, key);
		int i = index_of(address_member_name, AM__MAX, key);
		if (i < 0) {
			problem(a, err, path, "unrecognized_keys",
			        arena_printf(a, "%s: not an address member.", path));
			continue;
		}
		if (json_is_null(m) && i == AM_POSTAL)
			continue;
		string_of(a, m, path, &out->edit.address[kind][i], err);
	}
}

static void put_member(struct arena *a, const char *key, json_t *v, const char *path_id,
                       struct api_update *out, struct api_parse_error *err)
{
	/* The problems outlive the parsed body (freed before they are sent):
	 * their paths must not point into it. */
	key = arena_strdup(a, key);
	int f = index_of(profile_field_name, PF__MAX, key);
	if (f >= 0) {
		if (string_of(a, v, key, &out->edit.value[f], err))
			out->edit.set[f] = true;
		return;
	}
	if (strcmp(key, "billingAddress") == 0 || strcmp(key, "shippingAddress") == 0) {
		address(a, v,
		        strcmp(key, "billingAddress") == 0 ? ADDRESS_BILLING : ADDRESS_SHIPPING,
		        out, err);
		return;
	}
	if (strcmp(key, "customerId") == 0) {
		const char *id;
		if (string_of(a, v, key, &id, err) && strcmp(id, path_id) != 0)
			problem(a, err, key, "custom",
			        "customerId: must be the customer of the URL.");
		return;
	}
	if (strcmp(key, "status") == 0) {
		const char *s = json_string_value(v);
		out->status = name_index(customer_status_name, CUSTOMER_STATUS__MAX, s);
		if (out->status < 0)
			problem(a, err, key, s == NULL ? "invalid_type" : "invalid_enum_value",
			        "status: must be \"active\" or \"inactive\".");
		return;
	}
	if (strcmp(key, "email") == 0) {
		problem(a, err, key, "unrecognized_keys",
		        "email: read-only; the e-mail address cannot be changed here.");
		return;
	}
	problem(a, err, arena_printf(a, "%.64s", key), "unrecognized_keys",
	        arena_printf(a, "%.64s: not a field of Update Customer.", key));
}

int api_parse_update(struct arena *a, const char *content_type, const char *body, size_t len,
                     bool for_put, const char *path_id, struct api_update *out,
                     struct api_parse_error *err)
{
	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	out->status = -1;
	out->reason = -1;
	if (!for_put && len == 0)
		return 0;
	if (!is_json(content_type))
		return fail(err, 415, "UNSUPPORTED_MEDIA_TYPE",
		            "Send the body as application/json.");
	json_error_t je;
	json_t *v = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &je);
	if (v == NULL) {
		problem(
		    a, err, "", "invalid_json",
		    arena_printf(a, "body: %s (line %d, column %d).", je.text, je.line, je.column));
	} else if (!json_is_object(v)) {
		problem(a, err, "", "invalid_type", "body: must be a JSON object.");
	} else {
		const char *key;
		json_t *value;
		json_object_foreach(v, key, value)
		{
			if (strcmp(key, "reason") == 0 || strcmp(key, "note") == 0)
				continue;
			if (for_put)
				put_member(a, key, value, path_id, out, err);
			else
				problem(a, err, arena_printf(a, "%.64s", key), "unrecognized_keys",
				        arena_printf(a, "%.64s: DELETE takes only reason and note.",
				                     key));
		}
		const char *reason;
		member(a, v, "reason", KEY_REASON, &reason, err,
		       "reason: must be data_cleanup, account_closure, compliance or "
		       "fraud_prevention.");
		member(a, v, "note", KEY_NOTE, &out->note, err,
		       "note: text of at most 500 characters.");
		out->reason = name_index(reason_code, REASON__MAX, reason);
		if (for_put)
			profile_check(a, &out->edit, &err->problems);
	}
	json_decref(v);
	if (err->problems.n == 0)
		return 0;
	return fail(err, 400, "VALIDATION_ERROR", err->problems.p[0].message);
}
