#include "domain/prereq.h"

#include "util/buf.h"

const char *const prereq_error_code[PREREQ__MAX] = {
    [PREREQ_ACTIVE_SUBSCRIPTIONS] = "CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS",
    [PREREQ_PENDING_ORDERS] = "CUSTOMER_HAS_PENDING_ORDERS",
    [PREREQ_UNRETURNED_DEVICES] = "CUSTOMER_HAS_UNRETURNED_DEVICES",
};

const char *const prereq_title[PREREQ__MAX] = {
    [PREREQ_ACTIVE_SUBSCRIPTIONS] = "No active subscriptions",
    [PREREQ_PENDING_ORDERS] = "No pending orders",
    [PREREQ_UNRETURNED_DEVICES] = "All devices returned",
};

const char *const prereq_solution[PREREQ__MAX] = {
    [PREREQ_ACTIVE_SUBSCRIPTIONS] = "Cancel or complete these subscriptions first.",
    [PREREQ_PENDING_ORDERS] = ("Complete or cancel these orders first: they would create "
                               "subscriptions after deactivation."),
    [PREREQ_UNRETURNED_DEVICES] =
        "Record the return of these devices (or mark them sold or lost) first.",
};

enum err prereq_check(struct db *db, struct arena *a, unsigned long long customer_id, bool lock,
                      struct prereq *out)
{
	static const enum stmt plain[PREREQ__MAX] = {STMT_SUBS_ACTIVE, STMT_ORDERS_IN_FLIGHT,
	                                             STMT_ASSETS_OUT};
	static const enum stmt locking[PREREQ__MAX] = {
	    STMT_SUBS_ACTIVE_LOCK, STMT_ORDERS_IN_FLIGHT_LOCK, STMT_ASSETS_OUT_LOCK};
	out->checked = false;
	for (int c = 0; c < PREREQ__MAX; c++) {
		enum err rc =
		    db_exec(db, a, lock ? locking[c] : plain[c], &out->rows[c], "u", customer_id);
		if (rc != ERR_OK)
			return rc;
	}
	out->checked = true;
	return ERR_OK;
}

size_t prereq_count(const struct prereq *p, enum prereq_code c)
{
	return p->checked ? p->rows[c].nrows : 0;
}

bool prereq_passed(const struct prereq *p)
{
	for (int c = 0; c < PREREQ__MAX; c++)
		if (prereq_count(p, (enum prereq_code)c) > 0)
			return false;
	return p->checked;
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
		buf_puts(&b, prereq_error_code[c]);
	}
	return b.p;
}
