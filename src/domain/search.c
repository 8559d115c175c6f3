#include "domain/search.h"

#include <string.h>

#include "util/text.h"

const char *const record_kind_label[RECORD_KIND__MAX] = {
    [RECORD_CUSTOMER] = "customer",
    [RECORD_ORDER] = "order",
    [RECORD_SUBSCRIPTION] = "subscription",
    [RECORD_PAYMENT] = "payment",
    [RECORD_DEVICE] = "device",
};

int search_id_kind(struct arena *a, const char *term, const char **id)
{
	static const struct {
		const char *prefix;
		enum record_kind kind;
	} prefixes[] = {
	    {"cus", RECORD_CUSTOMER},
	    {"ord", RECORD_ORDER},
	    {"sub", RECORD_SUBSCRIPTION},
	    {"pay", RECORD_PAYMENT},
	};
	*id = NULL;
	if (term == NULL)
		return -1;
	while (*term == ' ')
		term++;
	size_t n = strlen(term);
	while (n > 0 && term[n - 1] == ' ')
		n--;
	if (n == 0 || n > 40)
		return -1;
	char *t = arena_strndup(a, term, n);
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (public_id_valid(t, prefixes[i].prefix)) {
			*id = t;
			return (int)prefixes[i].kind;
		}
	if (serial_valid(t) && strpbrk(t, "0123456789-") != NULL) {
		*id = t;
		return RECORD_DEVICE;
	}
	return -1;
}

enum err search_jump(struct db *db, struct arena *a, unsigned tenant, const char *term,
                     struct search_jump *out)
{
	memset(out, 0, sizeof(*out));
	const char *id;
	int kind = search_id_kind(a, term, &id);
	if (kind < 0)
		return ERR_NOT_FOUND;
	const char *cid;
	enum err rc = db_record_owner(db, a, tenant, (enum record_kind)kind, id, &cid);
	if (rc != ERR_OK)
		return rc;
	out->kind = (enum record_kind)kind;
	out->id = id;
	out->customer_id = cid;
	return ERR_OK;
}

void search_query(struct customer_query *q, const char *term)
{
	q->search = term ? CSEARCH_TEXT : CSEARCH_NONE;
	q->term = term;
}

enum err search_active(struct db *db, struct arena *a, unsigned tenant, const char *term,
                       unsigned limit, struct customer_list *out, int64_t *matches)
{
	struct customer_query q = {
	    .tenant = tenant,
	    .status = CUSTOMER_ACTIVE,
	    .type = -1,
	    .has_rentals = -1,
	    .sort = CSORT_CREATED,
	    .desc = true,
	    .with_total = true,
	    .limit = limit,
	};
	search_query(&q, term);
	*matches = 0;
	enum err rc = db_customer_list(db, a, &q, out);
	if (rc == ERR_OK && out->n > 0)
		*matches = out->rows[0].matches;
	return rc;
}
