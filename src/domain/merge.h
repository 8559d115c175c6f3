#ifndef CUSTODIAN_DOMAIN_MERGE_H
#define CUSTODIAN_DOMAIN_MERGE_H

#include <stdbool.h>

#include "db/customers.h"
#include "db/merge.h"
#include "domain/lifecycle.h"

/*
 * Merging a duplicate into the customer kept (issue 16, README "Merging
 * duplicates"): every order, subscription, payment, device, address and
 * note of the duplicate moves to the customer kept, the kept customer
 * takes the duplicate's value of each field chosen, and the duplicate
 * becomes inactive (reason data_cleanup when it was active) with a link to
 * where it went. One domain path for the page, bulk and the API.
 */

/* The fields a merge may take from the duplicate. */
enum merge_field { MF_FIRST_NAME, MF_LAST_NAME, MF_EMAIL, MF_PHONE, MF_COMPANY, MF_TYPE, MF__MAX };
extern const char *const merge_field_name[MF__MAX]; /* firstName, ... as the API names them */
extern const char *const merge_field_label[MF__MAX];

struct merge_request {
	const char *duplicate; /* public ids */
	const char *keep;
	bool take[MF__MAX]; /* true: the kept customer takes the duplicate's value */
};

struct merge_plan {
	struct customer_row keep, dup;
	const char *value[2][MF__MAX]; /* [0] kept customer's, [1] the duplicate's */
	bool differs[MF__MAX];
	struct merge_ids moved[MK__MAX]; /* the duplicate's records */
	size_t nmoved;
	const char *outcome; /* "ok", or the refusal's code */
	const char *message; /* the refusal, said for people */
};

/* What a merge would do, read without locks (the confirmation page);
 * ERR_NOT_FOUND when either customer is not the tenant's. A refusal is
 * ERR_OK with plan->outcome set. */
enum err merge_preview(struct db *db, struct arena *a, unsigned tenant,
                       const struct merge_request *q, struct merge_plan *out);

/*
 * Merges in one transaction: both customer rows locked, the lower id
 * first (two merges of the same pair, either way round, queue instead of
 * deadlocking), the rules checked again under the locks, the records
 * moved, the fields set, the duplicate marked, one audit row per moved
 * record, one for each customer. Refusals (ERR_REFUSED, ERR_NOT_FOUND) are
 * audited and change nothing; out->outcome says which.
 */
enum err merge_run(struct db *db, struct arena *a, const struct actor *who,
                   const struct merge_request *q, struct merge_plan *out);

/* merge_run() with a step run inside its transaction after the audit rows
 * (lifecycle.h's hook: a bulk run's item records its outcome), on a merge
 * and on a refusal decided under the locks; ERR_DUPLICATE from the step
 * rolls everything back and is returned. */
enum err merge_run_hooked(struct db *db, struct arena *a, const struct actor *who,
                          const struct merge_request *q, const struct lifecycle_hook *hook,
                          struct merge_plan *out);

#endif
