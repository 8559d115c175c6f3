#ifndef CUSTODIAN_PROFILE_H
#define CUSTODIAN_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "db/customers.h"
#include "db/records.h"
#include "util/arena.h"

/*
 * Editing a customer's profile: the fields FlexPortal's Update Customer
 * takes (names, company, phone, type, billing and shipping address; the
 * e-mail stays read-only), checked by one set of rules for the JSON API's
 * PUT and the HTML edit form alike. The rules are pure (no database);
 * lifecycle_update() (domain/lifecycle.h) writes an edit.
 */

enum profile_field { PF_FIRST_NAME, PF_LAST_NAME, PF_COMPANY, PF_PHONE, PF_TYPE, PF__MAX };

/* An address's members, in FlexPortal's order. */
enum address_member {
	AM_CONTACT,
	AM_COMPANY,
	AM_BUILDING,
	AM_STREET,
	AM_LOCALITY,
	AM_CITY,
	AM_ADMIN,
	AM_POSTAL,
	AM_COUNTRY,
	AM__MAX
};

/* FlexPortal's names: "firstName" ..., "contactName" ..., and the two
 * address objects' ("billingAddress", "shippingAddress"). */
extern const char *const profile_field_name[PF__MAX];
extern const char *const address_member_name[AM__MAX];
extern const char *const address_object_name[ADDRESS_KIND__MAX];

/* An edit: what is set changes, the rest stays. Values as given (the
 * rules trim them); "" clears company and phone. An address, when set, is
 * given whole (FlexPortal: contactName, streetAddress, city and country
 * are required) and becomes the customer's newest of its kind; absent
 * optional members (NULL) are empty. */
struct profile_edit {
	bool set[PF__MAX];
	const char *value[PF__MAX];
	bool address_set[ADDRESS_KIND__MAX];
	const char *address[ADDRESS_KIND__MAX][AM__MAX];
};

/* One problem: the field as FlexPortal names it ("billingAddress.city"),
 * a sentence that starts with it, and zod's code (too_small, too_big,
 * invalid_string, invalid_enum_value, invalid_type). */
struct profile_problem {
	const char *path;
	const char *message;
	const char *code;
};

#define PROFILE_PROBLEMS_MAX 32

struct profile_problems {
	struct profile_problem p[PROFILE_PROBLEMS_MAX];
	size_t n;
};

/* Adds a problem (ignored past PROFILE_PROBLEMS_MAX). */
void profile_problem_add(struct profile_problems *out, const char *path, const char *code,
                         const char *message);

/* Checks every set field; one problem per bad field, in field order.
 * Normalises e in place (trimmed values, strings in a). */
void profile_check(struct arena *a, struct profile_edit *e, struct profile_problems *out);

/* True when the edit sets nothing. */
bool profile_edit_empty(const struct profile_edit *e);

/* One changed field: path as above; old and new values (NULL: none). */
struct profile_changes {
	struct audit_change c[PF__MAX + ADDRESS_KIND__MAX * AM__MAX];
	size_t n;
	bool address_changed[ADDRESS_KIND__MAX];
};

/* The profile after a (checked) edit of cur, and what differs: into next
 * (a copy of cur with the edit applied), next_address[kind] (the address
 * to write when out->address_changed[kind]) and out. */
void profile_apply(struct arena *a, const struct profile_edit *e, const struct customer_row *cur,
                   const struct customer_addresses *cur_addresses, struct customer_row *next,
                   struct address_row next_address[ADDRESS_KIND__MAX], struct profile_changes *out);

/* The changes as the audit row keeps them: a JSON array of {field, old,
 * new} (NULL when out of memory). */
const char *profile_changes_json(struct arena *a, const struct profile_changes *c);

#endif
