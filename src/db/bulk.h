#ifndef CUSTODIAN_DB_BULK_H
#define CUSTODIAN_DB_BULK_H

#include <stdbool.h>

#include "db/db.h"

/*
 * Set-at-a-time reads and writes for bulk runs: lookups of up to
 * BULK_CHUNK ids, e-mails or customer ids per statement (fixed-size IN
 * lists, unused places bound to NULL), the filter queries, and the
 * multi-row insert of a run's items.
 */

#define BULK_CHUNK 500

/* Customers by public id or by e-mail (case-insensitive) in a tenant.
 * Columns: BC_*. */
enum { BC_ID, BC_PUBLIC_ID, BC_EMAIL, BC_FIRST, BC_LAST, BC_STATUS, BC_CREATED };
enum err db_bulk_by_public_ids(struct db *db, struct arena *a, unsigned tenant,
                               const char *const *ids, size_t n, struct db_res *out);
enum err db_bulk_by_emails(struct db *db, struct arena *a, unsigned tenant,
                           const char *const *emails, size_t n, struct db_res *out);

/* Blocking counts for up to BULK_CHUNK customer ids: rows (customer id,
 * count) for each check in SPEC order (0 subscriptions, 1 orders, 2
 * devices). */
enum err db_bulk_blocker_counts(struct db *db, struct arena *a, int check,
                                const unsigned long long *ids, size_t n, struct db_res *out);

/* The filter form: every criterion given is ANDed. Active customers only.
 * Returns at most limit rows, BC_* columns, oldest first. */
struct bulk_filter {
	const char *domain;         /* e-mail domain, exact */
	const char *created_before; /* YYYY-MM-DD */
	bool no_orders;
	const char *idle_since; /* no order and no payment since YYYY-MM-DD */
};
enum err db_bulk_filter(struct db *db, struct arena *a, unsigned tenant,
                        const struct bulk_filter *f, unsigned limit, struct db_res *out);

/* Members of duplicate groups (same e-mail, or same first name, last name
 * and phone), all statuses, with the group key in an extra column BD_KEY,
 * ordered by group, then oldest first. */
enum { BD_KEY = BC_CREATED + 1 };
enum err db_bulk_duplicates(struct db *db, struct arena *a, unsigned tenant, bool by_email,
                            unsigned limit, struct db_res *out);

/* Inserts items (run, seq from first_seq, customer id or 0, subject). */
enum err db_bulk_insert_items(struct db *db, struct arena *a, unsigned long long run,
                              unsigned first_seq, const unsigned long long *customer_ids,
                              const char *const *subjects, size_t n);

#endif
