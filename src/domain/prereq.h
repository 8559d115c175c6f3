#ifndef CUSTODIAN_PREREQ_H
#define CUSTODIAN_PREREQ_H

#include <stdbool.h>

#include "db/db.h"

/*
 * The prerequisites of a deactivation (SPEC §4 rule 2), in their order:
 * active subscriptions, orders still in flight, devices not returned. Each
 * failing check carries the blocking records.
 */

enum prereq_code {
	PREREQ_ACTIVE_SUBSCRIPTIONS,
	PREREQ_PENDING_ORDERS,
	PREREQ_UNRETURNED_DEVICES,
	PREREQ__MAX
};

struct prereq {
	struct db_res rows[PREREQ__MAX]; /* SU_*, OR_*, AS_* columns */
	bool checked;
};

/* "CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS", ... */
extern const char *const prereq_error_code[PREREQ__MAX];
/* What the check verifies, and what to do when it fails (the seed's
 * "Solution" column). */
extern const char *const prereq_title[PREREQ__MAX];
extern const char *const prereq_solution[PREREQ__MAX];

/*
 * Runs the three checks for a customer. With lock, every read is a locking
 * read (LOCK IN SHARE MODE), for use inside the lifecycle transaction after
 * the customer row is locked.
 */
enum err prereq_check(struct db *db, struct arena *a, unsigned long long customer_id, bool lock,
                      struct prereq *out);

/* Number of blocking records of one check. */
size_t prereq_count(const struct prereq *p, enum prereq_code c);

/* True when nothing blocks. */
bool prereq_passed(const struct prereq *p);

/* The failing codes joined with ',' in SPEC order ("" when none). */
const char *prereq_codes(struct arena *a, const struct prereq *p);

#endif
