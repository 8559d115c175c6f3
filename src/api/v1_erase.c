/* POST /v1/customers/{id}/erase, an extension (README "Personal data"):
 * {"gdprArticle17": true, "note": "…"} (both optional) erases the
 * customer's personal data through erasure_erase() (domain/erasure.c), the
 * page's code path; admin keys only. */
#include <string.h>

#include "api/action.h"
#include "api/api.h"
#include "api/body.h"
#include "domain/erasure.h"
#include "http/error.h"
#include "http/json.h"
#include "http/request.h"
#include "util/fmt.h"

void api_customer_erase(struct req *r)
{
	static const char *const known[] = {"gdprArticle17", "note", NULL};
	struct api_body b;
	if (!body_open(r, true, known, &b))
		return;
	json_t *art17 = b.root ? json_object_get(b.root, "gdprArticle17") : NULL;
	if (art17 != NULL && !json_is_boolean(art17))
		body_problem(&b, "gdprArticle17", "invalid_type", "true or false");
	const char *note = body_string(&b, "note", false, 500, true);
	if (!body_close(&b))
		return;
	struct actor who = api_actor_of(r);
	struct erasure_outcome out;
	enum err rc = erasure_erase(r->app->db, r->arena, &who, r->arg,
	                            art17 != NULL && json_is_true(art17), note, &out);
	if (rc == ERR_OK) {
		/* when, as stored (the erasure's own time, or the earlier one's) */
		struct erasure_state now;
		rc = erasure_preview(r->app->db, r->arena, r->user.tenant, r->arg, &now);
		const char *at = rc == ERR_OK ? fmt_iso(r->arena, now.erased_at) : NULL;
		api_send(r, 200,
		         json_pack("{s:b, s:s, s:s, s:s?}", "success", 1, "message",
		                   out.changed
		                       ? "Personal data erased. The financial records and the "
		                         "history are kept."
		                       : "The personal data was already erased; nothing changed.",
		                   "customerId", r->arg, "erasedAt", at));
		return;
	}
	if (rc == ERR_NOT_FOUND) {
		api_error(r, 404, "CUSTOMER_NOT_FOUND", "No customer with this id in your tenant.",
		          NULL);
		return;
	}
	if (rc == ERR_REFUSED && out.outcome != NULL) {
		const char *first = out.outcome;
		const char *comma = strchr(first, ',');
		api_error(r, 409,
		          comma ? arena_printf(r->arena, "%.*s", (int)(comma - first), first)
		                : first,
		          arena_printf(r->arena, "The erasure was refused (%s); nothing changed.",
		                       out.outcome),
		          NULL);
		return;
	}
	http_fail_kind(r, rc);
}
