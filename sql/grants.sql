-- The application's least-privilege account. @APP_PASSWORD@ and @APP_HOST@ are replaced by
-- scripts/lib.sh with a random password kept under var/ (never committed).
--
-- SELECT/INSERT/UPDATE on business tables, no DELETE anywhere; audit_log and
-- customer_notes are append-only (SELECT/INSERT). Triggers run as their
-- definer and keep the aggregates, counters and the search's words (the
-- only DELETE: a renamed customer's old words, by trigger), so the account
-- needs nothing more.

CREATE USER IF NOT EXISTS 'custodian_app'@'@APP_HOST@' IDENTIFIED BY '@APP_PASSWORD@';
ALTER USER 'custodian_app'@'@APP_HOST@' IDENTIFIED BY '@APP_PASSWORD@';

GRANT SELECT ON custodian.tenants TO 'custodian_app'@'@APP_HOST@';
-- the retention policy's settings (README "Personal data"), and nothing
-- else of a tenant
GRANT UPDATE (erase_after_months, erase_min_months, erase_keep_location, financial_years)
  ON custodian.tenants TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT ON custodian.customer_counts TO 'custodian_app'@'@APP_HOST@';
-- the search's words: kept by the customers' triggers, read by the search
GRANT SELECT ON custodian.customer_words TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT ON custodian.operators TO 'custodian_app'@'@APP_HOST@';
-- the Operators page (README "Operators"): an admin adds an operator of the
-- tenant, changes its role, disables and enables it again; never removes
-- one, nor renames a login or moves it to another tenant
GRANT INSERT ON custodian.operators TO 'custodian_app'@'@APP_HOST@';
GRANT UPDATE (role, disabled_at, disabled_by, enabled_at)
  ON custodian.operators TO 'custodian_app'@'@APP_HOST@';
-- the write that guards a tenant's last admin on a Galera cluster too
GRANT UPDATE (operators_version) ON custodian.tenants TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT, INSERT, UPDATE ON custodian.customers TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT, INSERT, UPDATE ON custodian.addresses TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT, INSERT, UPDATE ON custodian.orders TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT, INSERT, UPDATE ON custodian.order_items TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT, INSERT, UPDATE ON custodian.assets TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT, INSERT, UPDATE ON custodian.subscriptions TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT, INSERT, UPDATE ON custodian.payments TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT, INSERT, UPDATE ON custodian.api_keys TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT, INSERT, UPDATE ON custodian.bulk_runs TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT, INSERT, UPDATE ON custodian.bulk_items TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT, INSERT, UPDATE ON custodian.closure_requests TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT, INSERT ON custodian.audit_log TO 'custodian_app'@'@APP_HOST@';
-- webhooks (README "Webhooks"): the events are written by the audit row's
-- trigger; the app writes only the test events, and the deliveries' state
GRANT SELECT, INSERT, UPDATE ON custodian.webhook_endpoints TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT, INSERT ON custodian.outbox_events TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT, INSERT, UPDATE ON custodian.webhook_deliveries TO 'custodian_app'@'@APP_HOST@';
GRANT SELECT, INSERT ON custodian.customer_notes TO 'custodian_app'@'@APP_HOST@';
-- a merge moves a duplicate's notes to the customer kept: their owner, and
-- nothing else of a note, may change
GRANT UPDATE (customer_id) ON custodian.customer_notes TO 'custodian_app'@'@APP_HOST@';
-- the erasure of a customer's personal data (README "Personal data"): the
-- only change to audit_log and customer_notes rows, through one procedure
-- that runs as its definer and checks its own preconditions
GRANT EXECUTE ON PROCEDURE custodian.erase_personal_data TO 'custodian_app'@'@APP_HOST@';
