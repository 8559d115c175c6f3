#ifndef CUSTODIAN_DB_TYPES_H
#define CUSTODIAN_DB_TYPES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The values the database stores in its ENUM columns, as C enums, each with
 * its table of names (the SQL spelling, index = enum value). Rows leave db/
 * with these enums; nothing above db/ compares status strings. Input
 * choices (http/input.c) map straight to these values too.
 */

enum customer_status { CUSTOMER_ACTIVE, CUSTOMER_INACTIVE, CUSTOMER_STATUS__MAX };
enum customer_type { CUSTOMER_INDIVIDUAL, CUSTOMER_BUSINESS, CUSTOMER_TYPE__MAX };
enum order_status {
	ORDER_PENDING,
	ORDER_CONFIRMED,
	ORDER_PARTIAL,
	ORDER_FULFILLED,
	ORDER_CANCELLED,
	ORDER_STATUS__MAX
};
enum order_type { ORDER_STANDARD, ORDER_EXTENSION, ORDER_UPGRADE, ORDER_TYPE__MAX };
/* An order line: a device rented (each unit one subscription) or the
 * protection plan billed with devices. */
enum item_kind { ITEM_DEVICE, ITEM_PROTECTION, ITEM_KIND__MAX };
enum subscription_status {
	SUB_ACTIVE,
	SUB_ENDED_COMPLETED,
	SUB_ENDED_BUYOUT,
	SUB_ENDED_UPGRADE,
	SUB_ENDED_EARLY_RETURN,
	SUB_CANCELLED,
	SUB_STATUS__MAX
};
enum asset_status {
	ASSET_AVAILABLE,
	ASSET_RENTED_OUT,
	ASSET_RETURNED,
	ASSET_SOLD,
	ASSET_UNAVAILABLE,
	ASSET_STATUS__MAX
};
enum payment_status {
	PAYMENT_PENDING,
	PAYMENT_PROCESSING,
	PAYMENT_PAID,
	PAYMENT_FAILED,
	PAYMENT_CANCELLED,
	PAYMENT_STATUS__MAX
};
/* FlexPortal's reasons for cancelling a subscription. */
enum cancel_reason {
	CANCEL_CUSTOMER_REQUEST,
	CANCEL_PAYMENT_FAILURE,
	CANCEL_FRAUD,
	CANCEL_ADMIN_DECISION,
	CANCEL_OTHER,
	CANCEL_REASON__MAX
};
/* The condition a device comes back in (FlexPortal's returnCondition). */
enum return_condition { COND_EXCELLENT, COND_GOOD, COND_FAIR, COND_POOR, COND_DAMAGED, COND__MAX };
enum closure_state { CLOSURE_PENDING, CLOSURE_DONE, CLOSURE_WITHDRAWN, CLOSURE_STATE__MAX };
/* The reasons for a deactivation (the seed's use cases), one table. */
enum reason {
	REASON_DATA_CLEANUP,
	REASON_ACCOUNT_CLOSURE,
	REASON_COMPLIANCE,
	REASON_FRAUD_PREVENTION,
	REASON__MAX
};
/* The kind of contact a customer note records. */
enum note_kind { NOTE_EMAIL, NOTE_PHONE, NOTE_MEETING, NOTE_KIND__MAX };
enum run_status { RUN_QUEUED, RUN_RUNNING, RUN_DONE, RUN_STATUS__MAX };
/* What a bulk run does to its items: deactivate them, or undo another run's
 * deactivations (reactivate them). */
enum run_kind { RUN_DEACTIVATE, RUN_UNDO, RUN_MERGE, RUN_ERASE, RUN_KIND__MAX };
enum role { ROLE_NONE = 0, ROLE_VIEWER, ROLE_OPERATOR, ROLE_ADMIN, ROLE__MAX };

extern const char *const customer_status_name[CUSTOMER_STATUS__MAX];
extern const char *const customer_type_name[CUSTOMER_TYPE__MAX];
extern const char *const order_status_name[ORDER_STATUS__MAX];
extern const char *const order_type_name[ORDER_TYPE__MAX];
extern const char *const item_kind_name[ITEM_KIND__MAX];
extern const char *const subscription_status_name[SUB_STATUS__MAX];
extern const char *const asset_status_name[ASSET_STATUS__MAX];
extern const char *const payment_status_name[PAYMENT_STATUS__MAX];
extern const char *const cancel_reason_name[CANCEL_REASON__MAX];
extern const char *const cancel_reason_label[CANCEL_REASON__MAX]; /* "Customer request" */
extern const char *const return_condition_name[COND__MAX];
extern const char *const closure_state_name[CLOSURE_STATE__MAX];
extern const char *const note_kind_name[NOTE_KIND__MAX];
extern const char *const note_kind_label[NOTE_KIND__MAX]; /* "E-mail", "Phone", "Meeting" */
extern const char *const run_status_name[RUN_STATUS__MAX];
extern const char *const run_kind_name[RUN_KIND__MAX];
extern const char *const role_name[ROLE__MAX]; /* [ROLE_NONE] = "" */

/* The reasons, one table: reason_code[r] is the code the database, forms
 * and the API use ("account_closure"), reasons[r] what a person reads. */
extern const char *const reason_code[REASON__MAX];
struct reason_def {
	const char *label; /* "Account closure" */
	const char *hint;  /* "The customer asked for the account to be closed" */
};
extern const struct reason_def reasons[REASON__MAX];

/* The index of s in names[0..n), or -1 (s may be NULL). */
int name_index(const char *const *names, size_t n, const char *s);

/* True for the order statuses that block a deactivation (still in flight). */
bool order_in_flight(enum order_status s);

#endif
