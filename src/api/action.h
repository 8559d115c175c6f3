#ifndef CUSTODIAN_API_ACTION_H
#define CUSTODIAN_API_ACTION_H

#include "domain/actions.h"
#include "http/request.h"

/* The actor of an API call: the key's label, its tenant, CHANNEL_API. */
struct actor api_actor_of(struct req *r);

/*
 * Answers an action_run() that did not return ERR_OK: 404 NOT_FOUND with
 * not_found, a refusal with its code (400, or 409 for ASSET_IN_USE), the
 * rest through http_fail_kind() (503 with Retry-After, 500).
 */
void api_action_failed(struct req *r, enum err rc, const struct action_result *out,
                       const char *not_found);

#endif
