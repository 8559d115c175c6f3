#ifndef CUSTODIAN_DB_ERASURE_H
#define CUSTODIAN_DB_ERASURE_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

/* The erasure of a customer's personal data (README "Personal data"). */

/* What the rules look at, read under the customer's row lock (or, for a
 * confirmation page, without it), and what the page lists. */
struct erasure_state {
	uint64_t customer_id;
	bool active;
	bool erased;
	bool legal_hold;
	bool in_window;              /* deactivated less than erase_min_months ago */
	const char *window_ends;     /* "YYYY-MM-DD": the day an erasure needs no Art. 17 */
	const char *erased_at;       /* or NULL */
	const char *erased_by;       /* or NULL */
	const char *financial_until; /* "YYYY-MM-DD", or NULL while active */
	bool keep_location;          /* the tenant keeps city, postal code, region, country */
	int64_t min_months;
	int64_t financial_years;
	int64_t payments_open; /* pending or processing */
	/* what an erasure changes and keeps (the confirmation page) */
	int64_t addresses, notes, audit_texts, orders, subscriptions, payments, audit_rows;
};

/* db_erasure_state(): lock takes the customer's row lock and share-locks
 * its open payments; counts fills the figures after payments_open. */
enum err db_erasure_state(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                          bool lock, bool counts, struct erasure_state *out);

/* The procedure erase_personal_data() (sql/triggers.sql), under the lock. */
enum err db_erasure_erase(struct db *db, struct arena *a, uint64_t customer_id, bool keep_location,
                          const char *by);

/* The tenant's retention policy (README "Personal data"). */
struct retention_policy {
	int64_t erase_after_months; /* 0: no policy */
	int64_t erase_min_months;
	bool keep_location;
	int64_t financial_years;
};
enum err db_policy_get(struct db *db, struct arena *a, unsigned tenant,
                       struct retention_policy *out);
enum err db_policy_set(struct db *db, struct arena *a, unsigned tenant,
                       const struct retention_policy *p);

/* The tenants with a policy, and its months. */
struct policy_tenants {
	unsigned *tenant;
	int64_t *months;
	size_t n;
};
enum err db_policy_tenants(struct db *db, struct arena *a, struct policy_tenants *out);

/* The public ids the policy erases now (at most limit), oldest deactivation first. */
enum err db_policy_due(struct db *db, struct arena *a, unsigned tenant, int64_t months, int limit,
                       const char ***ids, size_t *n);

/* The customers it will erase in the next days: up to limit, and how many in all. */
struct policy_customer {
	const char *public_id, *first_name, *last_name, *email, *deactivated_at;
	const char *due_on; /* "YYYY-MM-DD" */
};
struct policy_upcoming {
	struct policy_customer *rows;
	size_t n;
	int64_t total;
};
enum err db_policy_upcoming(struct db *db, struct arena *a, unsigned tenant, int64_t months,
                            int days, int limit, struct policy_upcoming *out);

/* Sets or lifts the legal hold; *changed says whether it was otherwise. */
enum err db_erasure_hold(struct db *db, struct arena *a, uint64_t customer_id, bool hold,
                         bool *changed);

#endif
