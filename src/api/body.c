/* The JSON body of a record's write (api/body.h). */
#include "api/body.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include "http/json.h"
#include "util/text.h"

static bool is_json(const char *ct)
{
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0)
		return false;
	return ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ';
}

void body_problem(struct api_body *b, const char *path, const char *code, const char *message)
{
	struct arena *a = b->r->arena;
	if (b->first == NULL)
		b->first = arena_strdup(a, message);
	json_array_append_new(b->details, api_detail(path, message, code));
}

bool body_open(struct req *r, bool allow_empty, const char *const *known, struct api_body *b)
{
	memset(b, 0, sizeof(*b));
	b->r = r;
	size_t n = r->body_len;
	while (n > 0 && strchr(" \t\r\n", r->body[n - 1]) != NULL)
		n--;
	if (n == 0 && allow_empty) {
		b->details = json_array();
		return true;
	}
	if (!is_json(r->content_type)) {
		api_error(r, 415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.",
		          NULL);
		return false;
	}
	json_error_t e;
	json_t *root = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &e);
	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		api_validation_error(
		    r, "body: must be a JSON object.",
		    json_pack("[o]", api_detail("", "body: must be a JSON object.",
		                                root ? "invalid_type" : "invalid_json")));
		return false;
	}
	b->root = root;
	b->details = json_array();
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v)
	{
		bool ok = false;
		for (size_t i = 0; known[i] != NULL && !ok; i++)
			ok = strcmp(known[i], key) == 0;
		if (!ok)
			body_problem(b, arena_strdup(r->arena, key), "unrecognized_keys",
			             arena_printf(r->arena,
			                          "%s: is not a member this operation takes.",
			                          key));
	}
	return true;
}

static json_t *member(struct api_body *b, const char *name, bool required)
{
	json_t *v = b->root ? json_object_get(b->root, name) : NULL;
	if (v == NULL && required)
		body_problem(b, name, "invalid_type",
		             arena_printf(b->r->arena, "%s: is required.", name));
	return v;
}

const char *body_string(struct api_body *b, const char *name, bool required, size_t max,
                        bool min_one)
{
	struct arena *a = b->r->arena;
	json_t *v = member(b, name, required);
	if (v == NULL)
		return NULL;
	if (!json_is_string(v)) {
		body_problem(b, name, "invalid_type",
		             arena_printf(a, "%s: must be a string.", name));
		return NULL;
	}
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	const char *why = text_problem(s, len, max, "\n\r\t", NULL);
	if (why != NULL) {
		body_problem(b, name,
		             strcmp(why, "is too long") == 0 ? "too_big" : "invalid_string",
		             strcmp(why, "is too long") == 0
		                 ? arena_printf(a, "%s: at most %zu characters.", name, max)
		                 : arena_printf(a, "%s: %s.", name, why));
		return NULL;
	}
	if (min_one && len == 0) {
		body_problem(b, name, "too_small", arena_printf(a, "%s: must not be empty.", name));
		return NULL;
	}
	return arena_strndup(a, s, len);
}

int body_enum(struct api_body *b, const char *name, bool required, const char *const *names, int n)
{
	struct arena *a = b->r->arena;
	json_t *v = member(b, name, required);
	if (v == NULL)
		return -1;
	const char *s = json_string_value(v);
	for (int i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0 && strlen(s) == json_string_length(v))
			return i;
	char list[512] = "";
	for (int i = 0; i < n; i++) {
		strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
		strncat(list, names[i], sizeof(list) - strlen(list) - 1);
	}
	body_problem(b, name, s ? "invalid_enum_value" : "invalid_type",
	             arena_printf(a, "%s: must be one of %s.", name, list));
	return -1;
}

bool body_cents(struct api_body *b, const char *name, int64_t *cents, bool *negative)
{
	struct arena *a = b->r->arena;
	json_t *v = member(b, name, false);
	*negative = false;
	if (v == NULL)
		return false;
	if (!json_is_number(v)) {
		body_problem(b, name, "invalid_type",
		             arena_printf(a, "%s: must be a number.", name));
		return false;
	}
	double d = json_number_value(v);
	if (d < 0) {
		*negative = true;
		return false;
	}
	double c = round(d * 100.0);
	if (c >= 1e10 || fabs(c - d * 100.0) > 1e-6) {
		body_problem(
		    b, name, c >= 1e10 ? "too_big" : "invalid_type",
		    arena_printf(a, "%s: an amount below 100000000 with at most two decimals.",
		                 name));
		return false;
	}
	*cents = (int64_t)c;
	return true;
}

bool body_close(struct api_body *b)
{
	json_decref(b->root);
	b->root = NULL;
	if (json_array_size(b->details) == 0) {
		json_decref(b->details);
		return true;
	}
	api_validation_error(b->r, b->first, b->details);
	return false;
}
