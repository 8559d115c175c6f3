#ifndef CUSTODIAN_ACTIONS_H
#define CUSTODIAN_ACTIONS_H

#include "db/actions.h"
#include "db/records.h"
#include "domain/lifecycle.h"

/*
 * The actions that clear a deactivation's blockers, one code path for the
 * pages and the API: cancel an order in flight, end a subscription (cancel
 * or early return), set a device's status (its return, sold, lost). Each
 * run is one transaction: lock the record's customer, then the record,
 * re-check its state, write, and append one audit row naming the record
 * (subject = its id) with what changed. Refusals are audited and change
 * nothing else.
 */

enum record_action {
	ACTION_ORDER_CANCEL,
	ACTION_SUBSCRIPTION_CANCEL,
	ACTION_EARLY_RETURN,
	ACTION_SUBSCRIPTION_COMPLETE, /* its term has ended: ended_completed */
	ACTION_DEVICE_STATUS,
	ACTION__MAX
};

struct action_request {
	enum record_action action;
	const char *record;   /* ord_..., sub_..., or a device's serial number */
	const char *customer; /* NULL, or the customer the record must belong to */
	const char *reason;   /* order cancel: optional; early return: required (free text) */
	int cancel_reason;    /* subscription cancel: enum cancel_reason */
	const char *notes;    /* optional */
	int condition;     /* early return (required), device return: enum return_condition or -1 */
	int64_t fee_cents; /* early return: -1 for none */
	enum asset_status asset_status; /* device: the new status */
	const char *returned_on;        /* device return: YYYY-MM-DD, NULL for today */
	const char *location;           /* device: optional */
};

struct action_result {
	const char *outcome; /* "ok" or the refusal's code */
	uint64_t customer_id;
	const char *customer_public_id;
	/* What changes (a preview) or changed: one line per field, FlexPortal's
	 * names ("status", "items[FW-PHN-6].cancelledQuantity",
	 * "payments[pay_x].status"), as the audit row records them. */
	struct audit_change *changes;
	size_t nchanges;
	int previous_status;      /* the record's status before (its own enum) */
	const char *asset_serial; /* a subscription's device, or the device */
	bool device_coming_back;  /* a subscription's device is now expected back */
	size_t payments_cancelled;
	size_t payments_processing; /* left alone: already with the processor */
	int64_t units_cancelled;    /* an order's units cancelled */
	int64_t rentals_kept;       /* a partial order's rentals, kept */
	int new_status;             /* the record's status after */
	int64_t fee_cents;          /* early return */
	const char *fee_payment_id; /* the fee's pending payment, when one was made */
	const char *currency;
	int64_t months_rented; /* early return */
	const char *date;      /* the day of the change (UTC) */
};

/* The audit action of each kind ("order_cancel", ...); a device's status
 * change names the status ("device_returned"). */
const char *action_audit_name(const struct action_request *q);

/* What a run would do now (no locks, nothing written): out->outcome is
 * "ok" or the refusal it would meet. ERR_NOT_FOUND: no such record in the
 * tenant (or not the given customer's). */
enum err action_preview(struct db *db, struct arena *a, unsigned tenant,
                        const struct action_request *q, struct action_result *out);

/* Runs it. ERR_OK: done; ERR_REFUSED: out->outcome says why; ERR_NOT_FOUND;
 * ERR_RETRY/ERR_UNAVAILABLE/ERR_INTERNAL as for lifecycle_deactivate().
 * Every call writes one audit row when the database lets it. */
enum err action_run(struct db *db, struct arena *a, const struct actor *who,
                    const struct action_request *q, struct action_result *out);

/* Records an attempt on a record refused before the rules (bad CSRF token,
 * wrong role) as its own audit row naming the record and, when it is
 * found, its customer. Best effort, like lifecycle_audit_refusal(). */
void action_audit_refusal(struct db *db, struct arena *a, const struct actor *who,
                          enum record_action kind, const char *record, const char *action,
                          const char *outcome);

/* Full months from start to day (both YYYY-MM-DD), 0 when not after. */
int64_t months_between(const char *start, const char *day);

#endif
