#ifndef CUSTODIAN_DOMAIN_OPERATORS_H
#define CUSTODIAN_DOMAIN_OPERATORS_H

#include <stdbool.h>

#include "db/operators.h"
#include "domain/lifecycle.h"

/*
 * The Operators page's rules (README "Operators"): an admin adds an
 * operator of their tenant, changes a role, disables one and enables it
 * again. nginx still authenticates every login; the operator's row only
 * authorizes it, and a disabled operator is no operator.
 *
 * Every change runs in one transaction that first bumps the tenant's
 * operators_version (a write: on Galera, where row locks are local to a
 * node, two concurrent changes of one tenant cannot both commit), locks the
 * tenant's enabled admins, checks that the actor is still one of them
 * (NOT_ADMIN, 403, when the worker's cache was older than a change), then
 * locks the operator and checks the rule. A change that would leave the
 * tenant without an enabled admin is refused: LAST_ADMIN (409); since the
 * actor is an enabled admin, that is exactly the last admin demoting or
 * disabling themselves. Each attempt writes one audit row (action
 * operator_add, operator_role, operator_disable or operator_enable,
 * subject the login, no customer) in the same transaction; refusals
 * decided before it (INVALID_USERNAME, INVALID_DISPLAY_NAME) are audited
 * on their own. f gets the code and message of a refusal.
 */

/* A new enabled operator of who's tenant: username login_valid(),
 * display 1 to 100 characters, role viewer, operator or admin. A login of
 * the tenant: OPERATOR_EXISTS (409); of another tenant: LOGIN_TAKEN (409,
 * nothing more said). */
enum err operator_add(struct db *db, struct arena *a, const struct actor *who, const char *username,
                      const char *display, enum role role, struct failure *f);

enum operator_change { OPERATOR_SET_ROLE, OPERATOR_DISABLE, OPERATOR_ENABLE };

/* Changes the operator username of who's tenant (NOT_FOUND, 404, for
 * another tenant's or none): its role (to role; the same role is
 * *changed = false, outcome NO_CHANGE), disabled (ALREADY_DISABLED, 409)
 * or enabled again (ALREADY_ENABLED, 409). */
enum err operator_change(struct db *db, struct arena *a, const struct actor *who,
                         const char *username, enum operator_change change, enum role role,
                         bool *changed, struct failure *f);

/* The audit action of a change ("operator_role", ...). */
const char *operator_action(enum operator_change change);

/* The audit row of an attempt refused before the rules (a CSRF token, the
 * route's role): subject username (NULL: ""), outcome code. Best effort. */
void operator_audit_refusal(struct db *db, struct arena *a, const struct actor *who,
                            const char *username, const char *action, const char *code);

#endif
