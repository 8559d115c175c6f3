#ifndef CUSTODIAN_PREREQ_H
#define CUSTODIAN_PREREQ_H

#include <stdbool.h>

#include "db/records.h"

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
	struct blockers blockers;
	bool checked;
};

/* One table: the error code, what the check verifies, what to do when it
 * fails (the seed's "Solution" column), and the kind of record. */
struct prereq_def {
	const char *code;  /* "CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS" */
	const char *title; /* "No active subscriptions" */
	const char *solution;
	const char *kind; /* "subscription" */
};
extern const struct prereq_def prereq_defs[PREREQ__MAX];

/*
 * Runs the three checks for a customer. With lock, every read is a locking
 * read (LOCK IN SHARE MODE), for use inside the lifecycle transaction after
 * the customer row is locked.
 */
enum err prereq_check(struct db *db, struct arena *a, uint64_t customer_id, bool lock,
                      struct prereq *out);

/* Number of blocking records of one check. */
size_t prereq_count(const struct prereq *p, enum prereq_code c);

/* True when the checks ran and nothing blocks. */
bool prereq_passed(const struct prereq *p);

/* The first failing check (SPEC order), or PREREQ__MAX. */
enum prereq_code prereq_first_failed(const struct prereq *p);

/* The failing codes joined with ',' in SPEC order ("" when none). */
const char *prereq_codes(struct arena *a, const struct prereq *p);

#endif
