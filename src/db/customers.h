#ifndef CUSTODIAN_DB_CUSTOMERS_H
#define CUSTODIAN_DB_CUSTOMERS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/types.h"

/*
 * Customers: lookups by public id, the lifecycle writes, the counters, the
 * addresses, and the list.
 *
 * The list has one statement per shape (sort, direction, filters, first
 * page or after a cursor, search mode, with or without addresses), built
 * from fixed fragments and cached by its text. Every shape reads an index
 * in order (see sql/schema.sql): no filesort over the table, no OFFSET.
 * Searches first collect at most CUSTOMER_SEARCH_CAP matching ids per
 * searched column through its index (e-mail, "last first", "first last",
 * company prefixes), then sort those; so a broad search shows the first
 * matches only and says so (README, "Search").
 */

#define CUSTOMER_SEARCH_CAP 1000

/* A customer as the pages and the API show it. Strings are in the arena;
 * the optional ones are NULL when SQL NULL. */
/* A customer's pending closure request (db/closures.h), as the customer
 * and confirmation pages show it: public_id NULL when there is none. */
struct pending_closure {
	const char *public_id;
	int reason; /* enum reason */
	const char *requested_at;
	const char *requested_by;
	const char *waiting_for; /* the blocker codes last seen, or NULL */
	const char *checked_at;
};

struct customer_row {
	uint64_t id;
	const char *public_id;
	const char *email;
	const char *first_name;
	const char *last_name;
	enum customer_type type;
	const char *company; /* NULL or "" when none */
	const char *phone;
	enum customer_status status;
	const char *created_at; /* "YYYY-MM-DD HH:MM:SS" UTC */
	const char *updated_at;
	int64_t mrr_cents;
	int64_t devices_out;
	int64_t total_orders;
	const char *sort_name; /* "last first": the name sort's key */
	const char *full_name; /* "first last" */
	const char *deactivated_at;
	const char *deactivated_by;
	int deactivation_reason; /* enum reason, or -1 */
	const char *deactivation_note;
	uint64_t
	    deactivated_run_id; /* db_customer_lock(): the bulk run of the deactivation, or 0 */
	const char *created_by;
	const char *erased_at; /* personal data erased (issue 18): when, by whom; or NULL */
	const char *erased_by;
	bool legal_hold;
	const char *custom_fields;      /* JSON text, or NULL (not read by the HTML list) */
	struct pending_closure closure; /* db_customer_find() only */
	const char *merged_into;        /* find and lock: where it was merged to, */
	const char *merged_at;          /* or NULL; and how many were merged into it */
	int64_t merged_from;
	const char *billing_json;  /* the list with addresses: the newest of each kind, */
	const char *shipping_json; /* as JSON objects (NULL when none) */
	/* The API's additions (the list with addresses, db_customer_api_extras) */
	bool has_extras;
	const char *order_ids_json;  /* JSON arrays of public ids, oldest first; */
	const char *rental_ids_json; /* NULL when none */
	int64_t collected_cents;     /* payments paid */
	int64_t acquisition_cents;   /* the devices it rented */
	int64_t subscriptions_tracked;
	int64_t matches; /* with_total: the rows matching the query (search) */
	int rank;        /* the search box's list: 0 exact match, 1 other; else -1 */
};

struct customer_list {
	struct customer_row *rows;
	size_t n;
};

/* The customer of public_id in tenant, or ERR_NOT_FOUND. */
enum err db_customer_find(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                          struct customer_row *out);

/*
 * The first statement of every lifecycle transaction: the customer row
 * read FOR UPDATE. Fills id, status, the names, e-mail, company, phone,
 * type and deactivated_run_id; ERR_NOT_FOUND when the tenant has no such
 * customer.
 */
enum err db_customer_lock(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                          struct customer_row *out);

/* Fills c's addresses and API additions (c->id set). */
enum err db_customer_api_extras(struct db *db, struct arena *a, struct customer_row *c);

/* A profile edit: first_name, last_name, company, phone (NULL clears) and
 * type of v. */
enum err db_customer_update_profile(struct db *db, struct arena *a, uint64_t id,
                                    const struct customer_row *v);

/* The lifecycle writes; *changed is false when the row was not in the
 * state the write expects (the deactivation also re-checks, in its own
 * WHERE, that nothing blocks it). run is the bulk run deactivating (0:
 * none), kept until the reactivation clears it. */
enum err db_customer_deactivate(struct db *db, struct arena *a, uint64_t id, const char *actor,
                                enum reason reason, const char *note, uint64_t run, bool *changed);
enum err db_customer_reactivate(struct db *db, struct arena *a, uint64_t id, bool *changed);

/* Customers per status and type in a tenant (trigger-kept counters). */
struct customer_counts {
	int64_t n[CUSTOMER_STATUS__MAX][CUSTOMER_TYPE__MAX];
};
enum err db_customer_counts(struct db *db, struct arena *a, unsigned tenant,
                            struct customer_counts *out);

enum address_kind { ADDRESS_BILLING, ADDRESS_SHIPPING, ADDRESS_KIND__MAX };

struct address_row {
	enum address_kind kind;
	const char *contact_name;
	const char *street;
	const char *building;
	const char *locality;
	const char *city;
	const char *admin_area;
	const char *postal_code;
	const char *country;
	const char *company;
};

/* The newest address of each kind; present[kind] says which there are. */
struct customer_addresses {
	bool present[ADDRESS_KIND__MAX];
	struct address_row of[ADDRESS_KIND__MAX];
};

/* A new address of a customer: it becomes the newest of its kind (the
 * older ones are kept). */
enum err db_address_insert(struct db *db, struct arena *a, unsigned tenant, uint64_t customer_id,
                           const struct address_row *x);

/* The newest address of each kind of a customer (one statement). */
enum err db_customer_addresses(struct db *db, struct arena *a, uint64_t customer_id,
                               struct customer_addresses *out);

/* Private to db/: takes the address of result row i (columns id, kind,
 * then the address fields from first) into out when it is the newest of
 * its kind so far (newest[] per kind); a bad row sets *bad. */
struct db_res;
void db_addresses_take(const struct db_res *r, size_t i, size_t first,
                       struct customer_addresses *out, uint64_t *newest, bool *bad);
extern const char *const address_kind_name[ADDRESS_KIND__MAX];

/* ---- the list ------------------------------------------------------------ */

enum customer_sort {
	CSORT_CREATED,
	CSORT_NAME,
	CSORT_EMAIL,
	CSORT_MRR,
	CSORT_DEVICES,
	CSORT_FIRST,
	CSORT__MAX
};

enum customer_search {
	CSEARCH_NONE,
	CSEARCH_TEXT,        /* the search box: prefixes, phone digits, words anywhere */
	CSEARCH_EMAIL_EXACT, /* term is an e-mail address (API filter) */
	CSEARCH__MAX
};

struct customer_query {
	unsigned tenant;
	int status;      /* enum customer_status, or -1 for all */
	int type;        /* enum customer_type, or -1 for all */
	int has_rentals; /* -1 any, 0 without devices out, 1 with */
	enum customer_search search;
	const char *term;
	enum customer_sort sort;
	bool desc;
	bool after; /* continue after (after_key, after_id) */
	const char *after_key;
	uint64_t after_id;
	bool addresses;  /* fill billing_json and shipping_json (and custom fields) */
	bool with_total; /* fill matches: the rows matching, before the LIMIT */
	unsigned limit;
};

/* True when the sort key is an integer column. */
bool customer_sort_is_int(enum customer_sort s);

/* The value of the sort key of a row (for the next cursor), in the arena. */
const char *customer_sort_key(struct arena *a, const struct customer_row *c, enum customer_sort s);

/* Rows of the list. */
enum err db_customer_list(struct db *db, struct arena *a, const struct customer_query *q,
                          struct customer_list *out);

/* Matches of a search (filters applied, no cursor), counted up to cap + 1. */
/* The statement a search box term's words cost before its list: how many
 * entries each word has, up to the cap (the rarest is read). Alone for
 * the explain test. */
enum err db_customer_search_words(struct db *db, struct arena *a, const struct customer_query *q);

enum err db_customer_search_count(struct db *db, struct arena *a, const struct customer_query *q,
                                  int64_t *out);

/* The kinds of record the search box jumps to by id. */
enum record_kind {
	RECORD_CUSTOMER,     /* cus_... */
	RECORD_ORDER,        /* ord_... */
	RECORD_SUBSCRIPTION, /* sub_... */
	RECORD_PAYMENT,      /* pay_... */
	RECORD_DEVICE,       /* a serial number */
	RECORD_KIND__MAX
};

/* The public id of the customer that the record of this kind and id
 * belongs to, in the tenant (one statement; the string is in the arena).
 * ERR_NOT_FOUND when the tenant has no such record: another tenant's is
 * the same as none. */
enum err db_record_owner(struct db *db, struct arena *a, unsigned tenant, enum record_kind kind,
                         const char *id, const char **customer_public_id);

#endif
