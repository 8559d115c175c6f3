#include "domain/customers.h"

#include <string.h>

enum err customer_confirmation(struct db *db, struct arena *a, unsigned tenant,
                               const char *public_id, bool blockers, struct customer_overview *out)
{
	memset(out, 0, sizeof(*out));
	enum err rc = db_customer_find(db, a, tenant, public_id, &out->customer);
	if (rc != ERR_OK)
		return rc;
	if (blockers && (rc = prereq_check(db, a, out->customer.id, false, &out->prereq)))
		return rc;
	return retention_for_customer(db, a, out->customer.id, &out->retention);
}

enum err customer_overview(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                           const int64_t before[SEC__MAX], unsigned section_size,
                           struct customer_overview *out)
{
	enum err rc = customer_confirmation(db, a, tenant, public_id, true, out);
	if (rc == ERR_OK)
		rc = db_sections(db, a, out->customer.id, before, section_size + 1, &out->sections);
	out->addresses = out->sections.addresses;
	return rc;
}

enum err customer_profile(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                          struct customer_overview *out)
{
	memset(out, 0, sizeof(*out));
	enum err rc = db_customer_find(db, a, tenant, public_id, &out->customer);
	if (rc != ERR_OK)
		return rc;
	return db_customer_addresses(db, a, out->customer.id, &out->addresses);
}

enum err customer_by_public_id(struct db *db, struct arena *a, unsigned tenant,
                               const char *public_id, struct customer_row *out)
{
	return db_customer_find(db, a, tenant, public_id, out);
}

const char *customer_display_name(struct arena *a, const struct customer_row *c)
{
	if (c->erased_at != NULL)
		return "Erased customer";
	if (c->first_name[0] == '\0' && c->last_name[0] == '\0')
		return c->email;
	return arena_printf(a, "%s%s%s", c->first_name,
	                    c->first_name[0] && c->last_name[0] ? " " : "", c->last_name);
}
