#include "db/types.h"

#include <string.h>

const char *const customer_status_name[CUSTOMER_STATUS__MAX] = {"active", "inactive"};
const char *const customer_type_name[CUSTOMER_TYPE__MAX] = {"individual", "business"};
const char *const order_status_name[ORDER_STATUS__MAX] = {"pending", "confirmed", "partial",
                                                          "fulfilled", "cancelled"};
const char *const order_type_name[ORDER_TYPE__MAX] = {"standard", "extension", "upgrade"};
const char *const item_kind_name[ITEM_KIND__MAX] = {"device", "protection"};
const char *const subscription_status_name[SUB_STATUS__MAX] = {
    "active",        "ended_completed",    "ended_buyout",
    "ended_upgrade", "ended_early_return", "cancelled"};
const char *const asset_status_name[ASSET_STATUS__MAX] = {"available", "rented_out", "returned",
                                                          "sold", "unavailable"};
const char *const payment_status_name[PAYMENT_STATUS__MAX] = {"pending", "processing", "paid",
                                                              "failed", "cancelled"};
const char *const cancel_reason_name[CANCEL_REASON__MAX] = {"customer_request", "payment_failure",
                                                            "fraud", "admin_decision", "other"};
const char *const cancel_reason_label[CANCEL_REASON__MAX] = {"Customer request", "Payment failure",
                                                             "Fraud", "Admin decision", "Other"};
const char *const return_condition_name[COND__MAX] = {"excellent", "good", "fair", "poor",
                                                      "damaged"};
const char *const closure_state_name[CLOSURE_STATE__MAX] = {"pending", "done", "withdrawn"};
const char *const note_kind_name[NOTE_KIND__MAX] = {"email", "phone", "meeting"};
const char *const note_kind_label[NOTE_KIND__MAX] = {"E-mail", "Phone", "Meeting"};
const char *const run_status_name[RUN_STATUS__MAX] = {"queued", "running", "done"};
const char *const run_kind_name[RUN_KIND__MAX] = {"deactivate", "undo", "merge", "erase"};
const char *const role_name[ROLE__MAX] = {"", "viewer", "operator", "admin"};

const char *const reason_code[REASON__MAX] = {
    [REASON_DATA_CLEANUP] = "data_cleanup",
    [REASON_ACCOUNT_CLOSURE] = "account_closure",
    [REASON_COMPLIANCE] = "compliance",
    [REASON_FRAUD_PREVENTION] = "fraud_prevention",
};

const struct reason_def reasons[REASON__MAX] = {
    [REASON_DATA_CLEANUP] = {"Data cleanup", "Remove test customers or duplicate records"},
    [REASON_ACCOUNT_CLOSURE] = {"Account closure",
                                "The customer asked for the account to be closed"},
    [REASON_COMPLIANCE] = {"Compliance", "Remove inactive customers per data retention policies"},
    [REASON_FRAUD_PREVENTION] = {"Fraud prevention",
                                 "Disable an account flagged for suspicious activity"},
};

int name_index(const char *const *names, size_t n, const char *s)
{
	if (s == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

bool order_in_flight(enum order_status s)
{
	return s == ORDER_PENDING || s == ORDER_CONFIRMED || s == ORDER_PARTIAL;
}
