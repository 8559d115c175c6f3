/* POST /v1/customers/{id}/merge, an extension (FlexPortal's docs say to
 * contact support to merge duplicates): {"intoCustomerId": "cus_…",
 * "takeFields": ["email", …]} merges the customer of the path into the one
 * named, through merge_run() (domain/merge.c), and answers the ids moved. */
#include <string.h>

#include "api/action.h"
#include "api/api.h"
#include "api/body.h"
#include "domain/merge.h"
#include "http/error.h"
#include "http/json.h"
#include "http/request.h"
#include "util/text.h"

/* The refusals' statuses: a rule (409), or a customer not found (404). */
static void refused(struct req *r, const struct merge_plan *p)
{
	api_error(r, 409, p->outcome,
	          p->message ? p->message : "The merge was refused; nothing changed.", NULL);
}

static json_t *moved_json(const struct merge_plan *p)
{
	static const char *const key[MK__MAX] = {"orders",  "subscriptions", "payments",
	                                         "devices", "addresses",     "notes"};
	json_t *o = json_object();
	for (int k = 0; k < MK__MAX; k++) {
		json_t *ids = json_array();
		for (size_t i = 0; i < p->moved[k].n; i++)
			json_array_append_new(ids, json_string(p->moved[k].id[i]));
		json_object_set_new(o, key[k], ids);
	}
	return o;
}

void api_customer_merge(struct req *r)
{
	static const char *const known[] = {"intoCustomerId", "takeFields", NULL};
	struct api_body b;
	if (!body_open(r, false, known, &b))
		return;
	struct merge_request q = {.duplicate = r->arg};
	q.keep = body_string(&b, "intoCustomerId", true, 40, true);
	if (q.keep != NULL && !public_id_valid(q.keep, "cus"))
		body_problem(&b, "intoCustomerId", "invalid_string", "a customer id (cus_…)");
	json_t *take = b.root ? json_object_get(b.root, "takeFields") : NULL;
	if (take != NULL && !json_is_array(take)) {
		body_problem(&b, "takeFields", "invalid_type", "an array of field names");
	} else if (take != NULL) {
		size_t i;
		json_t *v;
		json_array_foreach(take, i, v)
		{
			int f = -1;
			for (int k = 0; json_is_string(v) && k < MF__MAX; k++)
				if (strcmp(json_string_value(v), merge_field_name[k]) == 0)
					f = k;
			if (f < 0)
				body_problem(
				    &b, "takeFields", "invalid_enum_value",
				    "each one of firstName, lastName, email, phone, company, "
				    "customerType");
			else
				q.take[f] = true;
		}
	}
	if (!body_close(&b))
		return;
	struct actor who = api_actor_of(r);
	struct merge_plan out;
	enum err rc = merge_run(r->app->db, r->arena, &who, &q, &out);
	if (rc == ERR_OK) {
		api_send(r, 200,
		         json_pack("{s:b, s:s, s:s, s:s, s:o}", "success", 1, "message",
		                   "Customer merged. Its records moved to the customer kept.",
		                   "customerId", out.dup.public_id, "mergedInto",
		                   out.keep.public_id, "moved", moved_json(&out)));
		return;
	}
	if (rc == ERR_NOT_FOUND) {
		api_error(r, 404, "CUSTOMER_NOT_FOUND",
		          "No customer with this id (or the one to keep) in your tenant.", NULL);
		return;
	}
	if (rc == ERR_REFUSED && out.outcome != NULL) {
		refused(r, &out);
		return;
	}
	http_fail_kind(r, rc);
}
