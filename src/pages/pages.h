#ifndef CUSTODIAN_PAGES_H
#define CUSTODIAN_PAGES_H

/* The HTML handlers, one file per resource (see route.c and the README's
 * route map). Each reads validated input from req, calls the domain, fills
 * a template, and answers. */

struct req;

/* pages/customers.c */
void page_root(struct req *r);
void page_customers(struct req *r);
void page_customer(struct req *r);

/* pages/lifecycle.c */
void page_deactivate_form(struct req *r);
void page_deactivate(struct req *r);
void page_reactivate_form(struct req *r);
void page_reactivate(struct req *r);

/* pages/edit.c */
void page_edit_form(struct req *r);
void page_edit(struct req *r);
/* pages/notes.c */
void page_note_add(struct req *r);

/* pages/records.c: the actions on a deactivation's blockers */
/* GET: the confirmation page; POST: the action (which one: the route) */
void page_record_action_form(struct req *r);
void page_record_action(struct req *r);

/* pages/retention.c */
void page_customer_retention(struct req *r);
void page_retention(struct req *r);

/* pages/audit.c */
void page_audit(struct req *r);

/* pages/bulk.c */
void page_bulk(struct req *r);
void page_bulk_preview(struct req *r);
void page_bulk_apply(struct req *r);
void page_bulk_merge(struct req *r);
void page_bulk_undo_form(struct req *r);
void page_bulk_undo(struct req *r);
void page_bulk_run(struct req *r);

/* pages/closures.c */
void page_closure_file(struct req *r);
void page_merge_form(struct req *r);
void page_merge(struct req *r);
void page_erase_form(struct req *r);
void page_erase(struct req *r);
void page_legal_hold(struct req *r);
void page_policy_form(struct req *r);
void page_policy(struct req *r);
void page_closure_withdraw(struct req *r);
void page_closures(struct req *r);

/* pages/webhooks.c */
void page_webhooks(struct req *r);
void page_webhook_create(struct req *r);
void page_webhook(struct req *r);
void page_webhook_update(struct req *r);
void page_webhook_test(struct req *r);
void page_webhook_redeliver(struct req *r);

/* pages/api_keys.c */
void page_api_keys(struct req *r);
void page_api_key_create(struct req *r);
void page_api_key_revoke_form(struct req *r);
void page_api_key_revoke(struct req *r);
/* pages/operators.c */
void page_operators(struct req *r);
void page_operator_add(struct req *r);
void page_operator_role(struct req *r);
void page_operator_disable(struct req *r);
void page_operator_enable(struct req *r);

/* pages/health.c */
void page_healthz(struct req *r);
void page_metrics(struct req *r);
void page_status(struct req *r);

#endif
