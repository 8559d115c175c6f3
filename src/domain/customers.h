#ifndef CUSTODIAN_DOMAIN_CUSTOMERS_H
#define CUSTODIAN_DOMAIN_CUSTOMERS_H

#include "db/customers.h"
#include "db/records.h"
#include "domain/prereq.h"
#include "domain/retention.h"

/*
 * What the customer page and the confirmation pages show of one customer,
 * read in as few statements as the figures allow: the customer (1), the
 * blocking records (1), the retention figures (1) and, for the customer
 * page, the five history sections with the newest addresses (1).
 */
struct customer_overview {
	struct customer_row customer;
	struct customer_addresses addresses; /* customer_overview() only */
	struct prereq prereq;                /* checked only when asked for */
	struct retention retention;
	struct sections sections; /* customer_overview() only */
};

/* The customer page: four statements. before[] are the sections' "older"
 * cursors (INT64_MAX for the newest); at most section_size + 1 rows each.
 * ERR_NOT_FOUND when the tenant has no such customer. */
enum err customer_overview(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                           const int64_t before[SEC__MAX], unsigned section_size,
                           struct customer_overview *out);

/* The confirmation and retention pages and the API's customer: the
 * customer and what it keeps (two statements), and with blockers the
 * records that block its deactivation too (three). */
enum err customer_confirmation(struct db *db, struct arena *a, unsigned tenant,
                               const char *public_id, bool blockers, struct customer_overview *out);

/* The edit form: the customer and its newest address of each kind (two
 * statements). ERR_NOT_FOUND when the tenant has no such customer. */
enum err customer_profile(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                          struct customer_overview *out);

/* The customer alone (one statement): a record page's header. */
enum err customer_by_public_id(struct db *db, struct arena *a, unsigned tenant,
                               const char *public_id, struct customer_row *out);

/* "Jane Doe", or the e-mail when both names are empty. */
const char *customer_display_name(struct arena *a, const struct customer_row *c);

#endif
