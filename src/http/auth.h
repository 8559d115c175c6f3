#ifndef CUSTODIAN_AUTH_H
#define CUSTODIAN_AUTH_H

#include "http/request.h"

/*
 * Staff identity: nginx authenticates (auth_basic, or auth_request to an
 * SSO) and passes REMOTE_USER; the operators table maps it to a tenant and
 * a role (domain/access.c, cached per worker for OPERATOR_CACHE_TTL s).
 *
 * Returns 0 and fills r->user, or an HTTP status (401 no user, 403 not an
 * operator, 503 database down) without answering.
 */
int auth_operator(struct req *r);

#endif
