#ifndef CUSTODIAN_DB_MERGE_H
#define CUSTODIAN_DB_MERGE_H

#include <stdint.h>

#include "db/db.h"
#include "db/types.h"

/*
 * A duplicate merged into the customer kept (domain/merge.c): the
 * duplicate's records listed and moved, kind by kind, the kept customer's
 * fields set, the duplicate marked merged. The caller holds both customer
 * rows' locks (db_customer_lock(), the lower id first).
 */

enum merge_kind { MK_ORDER, MK_SUBSCRIPTION, MK_PAYMENT, MK_DEVICE, MK_ADDRESS, MK_NOTE, MK__MAX };

/* "order", "subscription", ... (audit subjects' kinds, the pages) */
extern const char *const merge_kind_name[MK__MAX];

struct merge_ids {
	const char **id; /* public ids, serials, or address and note ids as text */
	size_t n;
};

/* The duplicate's records of kind, oldest first; locked when lock (inside
 * the merge's transaction) so that none is added or moved before the move. */
enum err db_merge_list(struct db *db, struct arena *a, enum merge_kind kind, uint64_t dup,
                       struct merge_ids *out);

/* Moves every record of kind from dup to keep; *moved gets the count. */
enum err db_merge_move(struct db *db, struct arena *a, enum merge_kind kind, uint64_t dup,
                       uint64_t keep, unsigned long long *moved);

/* The kept customer's fields as the merge chose them. */
struct merge_values {
	const char *first_name, *last_name, *email, *phone, *company;
	enum customer_type type;
};
enum err db_merge_keep_fields(struct db *db, struct arena *a, uint64_t keep,
                              const struct merge_values *v);

/* Writes the kept customer's row (its guard_version) when it is active;
 * ERR_REFUSED when it is not. */
enum err db_merge_guard_keep(struct db *db, struct arena *a, uint64_t keep);

/* The duplicate: merged into keep now; deactivated now by actor with
 * reason data_cleanup and note when it was active (an inactive one keeps
 * its deactivation). */
enum err db_merge_mark_duplicate(struct db *db, struct arena *a, uint64_t dup, uint64_t keep,
                                 const char *actor, const char *note);

#endif
