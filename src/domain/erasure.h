#ifndef CUSTODIAN_DOMAIN_ERASURE_H
#define CUSTODIAN_DOMAIN_ERASURE_H

#include <time.h>

#include "db/erasure.h"
#include "domain/lifecycle.h"

/*
 * The erasure of an inactive customer's personal data, and the legal hold
 * that forbids it (README "Personal data"): the one code path of the page
 * and the API. Each call is one transaction that locks the customer row,
 * checks the rules under the lock, writes and appends one audit row; a
 * refused attempt is audited too.
 *
 * Refused (ERR_REFUSED, out->outcome the codes, comma-separated):
 *   CUSTOMER_ACTIVE   the customer is active: deactivate it first;
 *   LEGAL_HOLD        a legal hold is set;
 *   PAYMENT_PENDING   a payment is pending or processing;
 *   RETENTION_PERIOD  less than the tenant's erase_min_months since the
 *                     deactivation, and the request is not a GDPR Art. 17
 *                     one (art17) the admin confirmed.
 * An erased customer is ALREADY_ERASED (ERR_OK, nothing changed).
 */
struct erasure_outcome {
	bool changed;
	const char *outcome;     /* "ok", "ALREADY_ERASED" or the refusal codes */
	struct erasure_state st; /* as read under the lock (after the erasure: before it) */
};

/* The refusal codes of st for a request (art17 or not), or NULL. */
const char *erasure_refusal(struct arena *a, const struct erasure_state *st, bool art17);

/* The confirmation page's figures, without locks. */
enum err erasure_preview(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                         struct erasure_state *out);

enum err erasure_erase(struct db *db, struct arena *a, const struct actor *who,
                       const char *public_id, bool art17, const char *note,
                       struct erasure_outcome *out);

/* erasure_erase() as a bulk run's item: hook (may be NULL) records its
 * outcome in the same transaction (domain/bulk_run.c); ERR_DUPLICATE when
 * it was recorded already. */
enum err erasure_erase_hooked(struct db *db, struct arena *a, const struct actor *who,
                              const char *public_id, bool art17, const char *note,
                              const struct lifecycle_hook *hook, struct erasure_outcome *out);

/* Sets (hold) or lifts a legal hold: "ok", or "ALREADY_HELD" /
 * "NOT_HELD" (ERR_OK, nothing changed); an erased customer is refused
 * ALREADY_ERASED (nothing left to hold). */
enum err erasure_hold(struct db *db, struct arena *a, const struct actor *who,
                      const char *public_id, bool hold, const char *note,
                      struct erasure_outcome *out);

/*
 * The tenant's retention policy (README "Personal data"): erase the personal
 * data N months after the deactivation (0: no policy), the erasure's
 * minimum retention, whether the location is kept, and the years the
 * financial records are shown as kept.
 */
enum err retention_policy_get(struct db *db, struct arena *a, unsigned tenant,
                              struct retention_policy *out);

/* One transaction: the settings and the audit row "retention_policy" (the
 * changes; "NO_CHANGE" when none). */
enum err retention_policy_set(struct db *db, struct arena *a, const struct actor *who,
                              const struct retention_policy *p, bool *changed);

/* What the policy will erase in the next days (none without a policy). */
enum err retention_policy_upcoming(struct db *db, struct arena *a, unsigned tenant, int days,
                                   int limit, struct policy_upcoming *out);

/* The job workers' daily look: for each tenant with a policy, the day's
 * erase run (at most max customers, actor "policy") unless it is made
 * already; *made counts the runs this call made. */
enum err retention_policy_work(struct db *db, struct arena *a, int max, time_t now, int *made);

#endif
