/* What the record endpoints share: the actor of a key, and the answer to
 * a refused or failed action (README "JSON API": the status of each code). */
#include "api/action.h"

#include <string.h>

#include "http/error.h"
#include "http/json.h"

struct actor api_actor_of(struct req *r)
{
	struct actor who = {r->user.name, r->user.tenant, CHANNEL_API, r->request_id, 0};
	return who;
}

/* FlexPortal answers a record in the wrong state with 400 (its cancel and
 * early-return operations declare 400); a device still in a rental is a
 * conflict, as its overview's *_IN_USE codes are. */
static const struct {
	const char *code;
	int status;
	const char *message;
} refusals[] = {
    {"ALREADY_CANCELLED", 400, "It is already cancelled; nothing changed."},
    {"ORDER_NOT_CANCELLABLE", 400, "This order is no longer in flight and cannot be cancelled."},
    {"ALREADY_ENDED", 400, "This subscription has already ended; nothing changed."},
    {"SUBSCRIPTION_NOT_ACTIVE", 400, "Only an active subscription can be returned early."},
    {"INVALID_STATUS", 400,
     "rented_out cannot be set by an update: only a new rental puts a device out."},
    {"ASSET_IN_USE", 409, "An active subscription still has this device: end it first."},
};

void api_action_failed(struct req *r, enum err rc, const struct action_result *out,
                       const char *not_found)
{
	if (rc == ERR_NOT_FOUND) {
		api_error(r, 404, "NOT_FOUND", not_found, NULL);
		return;
	}
	if (rc != ERR_REFUSED) {
		http_fail_kind(r, rc);
		return;
	}
	const char *code = out->outcome ? out->outcome : "REFUSED";
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (strcmp(refusals[i].code, code) == 0) {
			api_error(r, refusals[i].status, code, refusals[i].message, NULL);
			return;
		}
	/* ALREADY_RETURNED, ALREADY_SOLD, ...: the device is in that state */
	api_error(r, 400, code, "The device already has this status; nothing changed.", NULL);
}
