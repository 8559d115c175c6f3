#ifndef CUSTODIAN_DB_OPERATORS_H
#define CUSTODIAN_DB_OPERATORS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/types.h"

/* operators as the Operators page lists and changes them (README
 * "Operators"); who is asking is db/tenants.h's db_operator_find. */

struct operator_info {
	const char *username;
	const char *display;
	enum role role;
	bool disabled;
	const char *created_at;  /* NULL: made by SQL before the page */
	const char *created_by;  /* NULL likewise */
	const char *disabled_at; /* NULL while enabled */
	const char *disabled_by;
	const char *enabled_at; /* the last enabling again, or NULL */
};
struct operator_list {
	struct operator_info *rows;
	size_t n;
};

/* The operators of tenant, by login (at most 1,000). */
enum err db_operators_of_tenant(struct db *db, struct arena *a, unsigned tenant,
                                struct operator_list *out);

/* Inside a transaction: bumps the tenant's operators_version, which locks
 * its row and is a write Galera's certification sees (two changes of one
 * tenant's operators on two nodes cannot both commit). ERR_NOT_FOUND when
 * there is no such tenant. */
enum err db_operators_guard(struct db *db, struct arena *a, unsigned tenant);

/* Inside a transaction: locks the tenant's enabled admins' rows and
 * returns their logins (in a). */
enum err db_operators_admins_lock(struct db *db, struct arena *a, unsigned tenant,
                                  const char ***logins, size_t *n);

/* Inside a transaction: locks the row of login, whatever its tenant
 * (*tenant is set), or ERR_NOT_FOUND when there is none. */
struct operator_locked {
	unsigned tenant;
	enum role role;
	bool disabled;
};
enum err db_operator_lock(struct db *db, struct arena *a, const char *username,
                          struct operator_locked *out);

/* A new, enabled operator of tenant, added by by. ERR_DUPLICATE when the
 * login exists (in any tenant). */
enum err db_operator_insert(struct db *db, struct arena *a, unsigned tenant, const char *username,
                            const char *display, enum role role, const char *by);

/* Sets the role of login (of tenant). */
enum err db_operator_set_role(struct db *db, struct arena *a, unsigned tenant, const char *username,
                              enum role role);

/* Disables login (of tenant) as by, or enables it again (by unused). */
enum err db_operator_set_disabled(struct db *db, struct arena *a, unsigned tenant,
                                  const char *username, bool disabled, const char *by);

#endif
