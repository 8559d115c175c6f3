#include "domain/prereq.h"

#include "util/buf.h"

const struct prereq_def prereq_defs[PREREQ__MAX] = {
    [PREREQ_ACTIVE_SUBSCRIPTIONS] = {"CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS", "No active subscriptions",
                                     "Cancel or complete these subscriptions first.",
                                     "subscription"},
    [PREREQ_PENDING_ORDERS] = {"CUSTOMER_HAS_PENDING_ORDERS", "No pending orders",
                               "Complete or cancel these orders first: they would create "
                               "subscriptions after deactivation.",
                               "order"},
    [PREREQ_UNRETURNED_DEVICES] = {"CUSTOMER_HAS_UNRETURNED_DEVICES", "All devices returned",
                                   "Record the return of these devices (or mark them sold or "
                                   "lost) first.",
                                   "device"},
};

enum err prereq_check(struct db *db, struct arena *a, uint64_t customer_id, bool lock,
                      struct prereq *out)
{
	out->checked = false;
	enum err rc = db_blockers(db, a, customer_id, lock, &out->blockers);
	out->checked = rc == ERR_OK;
	return rc;
}

size_t prereq_count(const struct prereq *p, enum prereq_code c)
{
	if (!p->checked)
		return 0;
	switch (c) {
	case PREREQ_ACTIVE_SUBSCRIPTIONS: return p->blockers.subscriptions.n;
	case PREREQ_PENDING_ORDERS: return p->blockers.orders.n;
	case PREREQ_UNRETURNED_DEVICES: return p->blockers.devices.n;
	case PREREQ__MAX: break;
	}
	return 0;
}

enum prereq_code prereq_first_failed(const struct prereq *p)
{
	for (int c = 0; c < PREREQ__MAX; c++)
		if (prereq_count(p, (enum prereq_code)c) > 0)
			return (enum prereq_code)c;
	return PREREQ__MAX;
}

bool prereq_passed(const struct prereq *p)
{
	return p->checked && prereq_first_failed(p) == PREREQ__MAX;
}

const char *prereq_codes(struct arena *a, const struct prereq *p)
{
	struct buf b;
	buf_init(&b, a, 128);
	for (int c = 0; c < PREREQ__MAX; c++) {
		if (prereq_count(p, (enum prereq_code)c) == 0)
			continue;
		if (b.len)
			buf_putc(&b, ',');
		buf_puts(&b, prereq_defs[c].code);
	}
	return b.p;
}
