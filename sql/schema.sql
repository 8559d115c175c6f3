-- Custodian schema (MariaDB 10.6+). Loaded by scripts/db-init as root.
--
-- Every business row carries tenant_id. Nothing is ever deleted: the
-- application account (sql/grants.sql) has no DELETE privilege anywhere and
-- may only INSERT/SELECT audit_log and customer_notes. Triggers (sql/triggers.sql) enforce the
-- lifecycle rules in the database and maintain the sortable aggregates; they
-- are created after the demo data is loaded, which sets the aggregates itself.
--
-- Index naming: ix_<table>_<what>. Every list filter, sort, search and
-- prerequisite query has an index; tests/http/explain.test.mjs checks it.

SET NAMES utf8mb4;

CREATE TABLE IF NOT EXISTS tenants (
  id        INT UNSIGNED NOT NULL PRIMARY KEY,
  slug      VARCHAR(40)  NOT NULL,
  name      VARCHAR(100) NOT NULL,
  currency  CHAR(3)      NOT NULL DEFAULT 'EUR',
  -- Personal data (README "Personal data"): an erasure is refused until
  -- erase_min_months after the deactivation (unless it is a GDPR Art. 17
  -- request); the city, postal code, region and country of the addresses
  -- are kept when erase_keep_location (tax reporting); financial records
  -- are shown as kept for financial_years after the deactivation.
  erase_min_months    SMALLINT UNSIGNED NOT NULL DEFAULT 3,
  erase_keep_location BOOLEAN NOT NULL DEFAULT TRUE,
  financial_years     SMALLINT UNSIGNED NOT NULL DEFAULT 10,
  -- bumped by every change of the Operators page (src/domain/operators.c):
  -- the write that makes two concurrent changes of one tenant's operators
  -- conflict on Galera too, where row locks are local to a node
  operators_version   INT UNSIGNED NOT NULL DEFAULT 0,
  -- The retention policy: erase the personal data of customers deactivated
  -- this many months ago, applied daily by the job workers as a bulk run
  -- (NULL: no policy).
  erase_after_months  SMALLINT UNSIGNED NULL,
  UNIQUE KEY ux_tenants_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS customers (
  id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  public_id           VARCHAR(40)  COLLATE utf8mb4_bin NOT NULL, -- exact: ids match case-sensitively
  tenant_id           INT UNSIGNED NOT NULL,
  email               VARCHAR(254) NOT NULL,
  first_name          VARCHAR(100) NOT NULL DEFAULT '',
  last_name           VARCHAR(100) NOT NULL DEFAULT '',
  customer_type       ENUM('individual','business') NOT NULL DEFAULT 'individual',
  company             VARCHAR(200) NULL,
  phone               VARCHAR(40)  NULL,
  status              ENUM('active','inactive') NOT NULL DEFAULT 'active',
  custom_fields       JSON NULL,
  created_at          DATETIME NOT NULL,
  updated_at          DATETIME NOT NULL,
  -- Who created the record (FlexPortal's createdBy): a login, an API key
  -- ("api:<label>"), or "import" for records loaded from elsewhere.
  created_by          VARCHAR(100) NOT NULL DEFAULT 'import',
  deactivated_at      DATETIME NULL,
  deactivated_by      VARCHAR(100) NULL,
  deactivation_reason ENUM('data_cleanup','account_closure','compliance',
                           'fraud_prevention') NULL,
  deactivation_note   VARCHAR(500) NULL,
  -- A duplicate merged into another customer (issue 16): where it went and
  -- when. Its records moved there; it stays, inactive, for its history.
  merged_into         BIGINT UNSIGNED NULL,
  merged_at           DATETIME(3) NULL,
  -- Personal data erased (issue 18): when and by whom, by the procedure
  -- erase_personal_data() (sql/triggers.sql); irreversible. A legal hold
  -- forbids the erasure while it is set.
  erased_at           DATETIME(3) NULL,
  erased_by           VARCHAR(100) NULL,
  legal_hold          BOOLEAN NOT NULL DEFAULT FALSE,
  -- The bulk run whose deactivation this is (NULL: none, or not a run's).
  -- Set by the deactivation's write, cleared by every reactivation: so
  -- "still inactive with run R's deactivation" is deactivated_run_id = R,
  -- read under the row lock by the undo of R (README, "Undo a run").
  deactivated_run_id  BIGINT UNSIGNED NULL,
  -- Aggregates kept by triggers so that lists can sort on them by index.
  mrr_cents           BIGINT NOT NULL DEFAULT 0,      -- sum of active subscriptions
  devices_out         INT UNSIGNED NOT NULL DEFAULT 0, -- assets rented_out now
  total_orders        INT UNSIGNED NOT NULL DEFAULT 0,
  -- Bumped by every write that needs the customer to be active (a new order,
  -- an active subscription, a device rented out), in the same transaction.
  -- Such a write and a deactivation therefore always write the same row:
  -- on one server they queue on its lock, and across Galera nodes they
  -- conflict at certification, so one of them fails (sql/triggers.sql).
  guard_version       BIGINT UNSIGNED NOT NULL DEFAULT 0,
  -- Derived keys for sorting and searching by name.
  sort_name           VARCHAR(202) AS (CONCAT(last_name, ' ', first_name)) STORED,
  full_name           VARCHAR(202) AS (CONCAT(first_name, ' ', last_name)) STORED,
  email_domain        VARCHAR(254) AS (SUBSTRING_INDEX(email, '@', -1)) STORED,
  -- The phone's digits, reversed, so that "ends with these digits" is an
  -- index prefix (the search's phone source). Written with every write.
  phone_rev           VARCHAR(40) AS
                        (REVERSE(REGEXP_REPLACE(COALESCE(phone, ''), '[^0-9]', ''))) STORED,
  -- The search's words: the runs of letters, marks and digits of the names,
  -- company and e-mail, lower-cased, each after one space (" anna smith
  -- anna 12 example com"), so that "a word begins with w" is LIKE '% w%'.
  -- Its words of two characters or more are the rows of customer_words.
  -- util/text.c (text_search_words()) splits a search term the same way.
  words               VARCHAR(800) AS
                        (CONCAT(' ', TRIM(REGEXP_REPLACE(LOWER(CONCAT_WS(' ', first_name,
                           last_name, company, email)), '[^\\p{L}\\p{M}\\p{N}]+', ' '))))
                        STORED,
  UNIQUE KEY ux_customers_public_id (public_id),
  CONSTRAINT fk_customers_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  -- list: status filter + sort (keyset on key, id)
  KEY ix_customers_status_created (tenant_id, status, created_at, id),
  KEY ix_customers_status_name    (tenant_id, status, sort_name, id),
  KEY ix_customers_status_email   (tenant_id, status, email, id),
  KEY ix_customers_status_mrr     (tenant_id, status, mrr_cents, id),
  KEY ix_customers_status_devices (tenant_id, status, devices_out, id),
  KEY ix_customers_status_first   (tenant_id, status, full_name, id),
  -- list: "all statuses" + sort; also the search prefixes
  KEY ix_customers_created   (tenant_id, created_at, id),
  KEY ix_customers_name      (tenant_id, sort_name, id),
  KEY ix_customers_email     (tenant_id, email, id),
  KEY ix_customers_mrr       (tenant_id, mrr_cents, id),
  KEY ix_customers_devices   (tenant_id, devices_out, id),
  KEY ix_customers_full_name (tenant_id, full_name, id),
  KEY ix_customers_company   (tenant_id, company),
  -- bulk clean-up filters: e-mail domain, duplicates by name and phone
  KEY ix_customers_domain    (tenant_id, email_domain, id),
  KEY ix_customers_phone     (tenant_id, phone, last_name, first_name),
  -- search: a phone number by its digits (exact or a suffix of >= 6)
  KEY ix_customers_phone_rev (tenant_id, phone_rev, id),
  -- the customers merged into one (its page lists them)
  KEY ix_customers_merged    (merged_into, id),
  -- the retention policy: who, not erased yet, was deactivated before a day
  KEY ix_customers_deactivated (tenant_id, status, erased_at, deactivated_at),
  -- the retention page's erasures per month
  KEY ix_customers_erased (tenant_id, erased_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The search box's words (README, "Search"): every word of a customer's
-- names, company and e-mail (a run of letters and digits, two or more),
-- one row each, so that a word anywhere is an index prefix (tenant, word)
-- and a common word costs its first thousand entries, not its whole list.
-- Kept from customers.words by the customers' triggers in the writing
-- transaction (sql/triggers.sql); the application account only reads it. The
-- collation makes words equal without case and accents ('muller' finds
-- 'Müller'). No foreign key: customers are never deleted, and the demo
-- load writes millions of rows.
CREATE TABLE IF NOT EXISTS customer_words (
  tenant_id   INT UNSIGNED NOT NULL,
  word        VARCHAR(64) NOT NULL,
  customer_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (tenant_id, word, customer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Exact counts per tenant, status and type for the list header, kept by
-- triggers so that a page view never runs COUNT(*) over a million rows.
-- Each count is spread over 16 shards (customer id mod 16) so that
-- concurrent deactivations do not queue on one row; readers sum them.
CREATE TABLE IF NOT EXISTS customer_counts (
  tenant_id     INT UNSIGNED NOT NULL,
  status        ENUM('active','inactive') NOT NULL,
  customer_type ENUM('individual','business') NOT NULL,
  shard         TINYINT UNSIGNED NOT NULL DEFAULT 0,
  n             BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, customer_type, shard, status),
  CONSTRAINT fk_counts_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS addresses (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id      INT UNSIGNED NOT NULL,
  customer_id    BIGINT UNSIGNED NOT NULL,
  kind           ENUM('billing','shipping') NOT NULL,
  contact_name   VARCHAR(200) NULL,
  street_address VARCHAR(200) NOT NULL,
  building_info  VARCHAR(100) NULL,
  locality       VARCHAR(100) NULL,
  city           VARCHAR(100) NOT NULL,
  admin_area     VARCHAR(100) NULL,
  postal_code    VARCHAR(20)  NULL,
  country        VARCHAR(100) NOT NULL, -- a name or a code: FlexPortal takes "Netherlands"
  company        VARCHAR(200) NULL,
  created_at     DATETIME NOT NULL,
  KEY ix_addresses_customer (customer_id, kind, id),
  CONSTRAINT fk_addresses_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An order: what a customer checked out. Its lines are order_items; total is
-- the sum of its lines, kept by triggers (sql/triggers.sql: an order starts
-- at 0 and each line adds quantity x unit price). The addresses are the
-- customer's billing and shipping rows current when the order was placed
-- (addresses are append-only, so the ids keep pointing at what was used).
CREATE TABLE IF NOT EXISTS orders (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  public_id   VARCHAR(40)  COLLATE utf8mb4_bin NOT NULL, -- exact: ids match case-sensitively
  tenant_id   INT UNSIGNED NOT NULL,
  customer_id BIGINT UNSIGNED NOT NULL,
  status      ENUM('pending','confirmed','partial','fulfilled','cancelled') NOT NULL,
  order_type  ENUM('standard','extension','upgrade') NOT NULL DEFAULT 'standard',
  total       DECIMAL(12,2) NOT NULL DEFAULT 0,
  currency    CHAR(3) NOT NULL DEFAULT 'EUR',
  billing_address_id  BIGINT UNSIGNED NULL,
  shipping_address_id BIGINT UNSIGNED NULL,
  created_by  VARCHAR(100) NOT NULL DEFAULT '',  -- set by orders_bi when not given
  created_at  DATETIME NOT NULL,
  updated_at  DATETIME NULL,                     -- set by orders_bi when not given
  -- A cancellation (domain/actions.c): when, by whom, why. A partial order
  -- keeps its rentals and cancels its unfulfilled units (order_items).
  cancelled_at  DATETIME NULL,
  cancelled_by  VARCHAR(100) NULL,
  cancel_reason VARCHAR(1000) NULL,
  UNIQUE KEY ux_orders_public_id (public_id),
  -- prerequisite (in-flight orders) and the customer page's order list
  KEY ix_orders_customer_status (customer_id, status, id),
  KEY ix_orders_customer (customer_id),   -- (customer_id, id): newest first
  KEY ix_orders_customer_created (customer_id, created_at),  -- bulk: no activity since
  -- GET /v1/orders without a customer: each FlexPortal sort (keyset on key,
  -- id), without and with a status filter; sortBy=status reads
  -- ix_orders_tenant_status (status, id)
  KEY ix_orders_tenant_created (tenant_id, created_at, id),
  KEY ix_orders_tenant_updated (tenant_id, updated_at, id),
  KEY ix_orders_tenant_public  (tenant_id, public_id, id),
  KEY ix_orders_tenant_total   (tenant_id, total, id),
  KEY ix_orders_tenant_status (tenant_id, status, id),
  KEY ix_orders_status_created (tenant_id, status, created_at, id),
  KEY ix_orders_status_updated (tenant_id, status, updated_at, id),
  KEY ix_orders_status_public  (tenant_id, status, public_id, id),
  KEY ix_orders_status_total   (tenant_id, status, total, id),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT fk_orders_billing FOREIGN KEY (billing_address_id) REFERENCES addresses (id),
  CONSTRAINT fk_orders_shipping FOREIGN KEY (shipping_address_id) REFERENCES addresses (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The lines of an order: a product rented (kind 'device': each unit becomes
-- one subscription, whose order_item_id names the line) or a protection plan
-- for those devices (kind 'protection': billed with them, no rental of its
-- own). unit_price is the monthly price of one unit; contract_length the
-- rental's length in months.
CREATE TABLE IF NOT EXISTS order_items (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id       INT UNSIGNED NOT NULL DEFAULT 0,  -- the order's (order_items_bi)
  order_id        BIGINT UNSIGNED NOT NULL,
  kind            ENUM('device','protection') NOT NULL DEFAULT 'device',
  sku             VARCHAR(40)  NOT NULL,
  product_name    VARCHAR(200) NOT NULL,
  quantity        INT UNSIGNED NOT NULL,
  unit_price      DECIMAL(10,2) NOT NULL,
  contract_length SMALLINT UNSIGNED NOT NULL,  -- months
  -- units of the line cancelled before they were rented (a partial order's
  -- cancellation); the order's total counts quantity - cancelled_quantity
  cancelled_quantity INT UNSIGNED NOT NULL DEFAULT 0,
  CONSTRAINT ck_order_items_quantity CHECK (quantity >= 1),
  CONSTRAINT ck_order_items_cancelled CHECK (cancelled_quantity <= quantity),
  CONSTRAINT ck_order_items_price CHECK (unit_price >= 0),
  CONSTRAINT ck_order_items_sku CHECK (sku <> '' AND product_name <> ''),
  -- an order's lines (the API's page of orders, the customer page)
  KEY ix_order_items_order (order_id, id),
  CONSTRAINT fk_order_items_order FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS assets (
  serial_number    VARCHAR(40) NOT NULL PRIMARY KEY,
  tenant_id        INT UNSIGNED NOT NULL,
  sku              VARCHAR(40)  NOT NULL,
  product_name     VARCHAR(200) NOT NULL,
  status           ENUM('available','rented_out','returned','sold','unavailable') NOT NULL,
  customer_id      BIGINT UNSIGNED NULL,
  acquisition_cost DECIMAL(12,2) NOT NULL DEFAULT 0,
  created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at       DATETIME NULL,
  location         VARCHAR(200) NULL,
  notes            VARCHAR(1000) NULL,
  -- Set when the rental that has the device ends (cancelled or returned
  -- early) while it is still out: it is coming back. Cleared with its
  -- return.
  return_expected_at DATETIME NULL,
  -- The device's last return, as recorded (domain/actions.c).
  returned_on      DATE NULL,
  return_condition ENUM('excellent','good','fair','poor','damaged') NULL,
  -- prerequisite (devices still out) and the customer page's device list
  KEY ix_assets_customer_status (customer_id, status),
  KEY ix_assets_tenant_status (tenant_id, status),
  -- GET /v1/assets: by serial number (the primary key follows each key),
  -- without a filter and by SKU
  KEY ix_assets_tenant (tenant_id),
  KEY ix_assets_tenant_sku (tenant_id, sku),
  CONSTRAINT fk_assets_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS subscriptions (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  public_id      VARCHAR(40)  COLLATE utf8mb4_bin NOT NULL, -- exact: ids match case-sensitively
  tenant_id      INT UNSIGNED NOT NULL,
  customer_id    BIGINT UNSIGNED NOT NULL,
  order_id       BIGINT UNSIGNED NULL,
  order_item_id  BIGINT UNSIGNED NULL,  -- the order line this rental was made for
  asset_serial   VARCHAR(40)  NULL,
  status         ENUM('active','ended_completed','ended_buyout','ended_upgrade',
                      'ended_early_return','cancelled') NOT NULL,
  monthly_amount DECIMAL(10,2) NOT NULL DEFAULT 0,
  start_date     DATE NOT NULL,
  end_date       DATE NULL,
  created_at     DATETIME NOT NULL,
  created_by     VARCHAR(100) NOT NULL DEFAULT 'import',
  updated_at     DATETIME NULL,
  -- How it ended, when Custodian ended it (domain/actions.c): a cancel
  -- (FlexPortal's reasons) or an early return (free-text reason, the
  -- device's condition, the fee charged).
  ended_at         DATETIME NULL,
  ended_by         VARCHAR(100) NULL,
  cancel_reason    ENUM('customer_request','payment_failure','fraud','admin_decision','other') NULL,
  end_reason_text  VARCHAR(1000) NULL,
  end_notes        VARCHAR(1000) NULL,
  return_condition ENUM('excellent','good','fair','poor','damaged') NULL,
  early_return_fee DECIMAL(10,2) NULL,
  UNIQUE KEY ux_subscriptions_public_id (public_id),
  -- prerequisite (active subscriptions) and the customer page's list
  KEY ix_subscriptions_customer_status (customer_id, status, id),
  KEY ix_subscriptions_customer (customer_id),
  KEY ix_subscriptions_order (order_id),
  KEY ix_subscriptions_order_item (order_item_id),
  KEY ix_subscriptions_asset (asset_serial),
  -- GET /v1/subscriptions: newest first, without and with a status filter
  KEY ix_subscriptions_tenant (tenant_id, id),
  KEY ix_subscriptions_tenant_status (tenant_id, status, id),
  CONSTRAINT fk_subscriptions_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT fk_subscriptions_order FOREIGN KEY (order_id) REFERENCES orders (id),
  CONSTRAINT fk_subscriptions_order_item FOREIGN KEY (order_item_id) REFERENCES order_items (id),
  CONSTRAINT fk_subscriptions_asset FOREIGN KEY (asset_serial) REFERENCES assets (serial_number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS payments (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  public_id       VARCHAR(40)  COLLATE utf8mb4_bin NOT NULL, -- exact: ids match case-sensitively
  tenant_id       INT UNSIGNED NOT NULL,
  customer_id     BIGINT UNSIGNED NOT NULL,
  subscription_id BIGINT UNSIGNED NULL,
  amount          DECIMAL(12,2) NOT NULL,
  currency        CHAR(3) NOT NULL DEFAULT 'EUR',
  status          ENUM('pending','processing','paid','failed','cancelled') NOT NULL,
  paid_at         DATETIME NULL,
  created_at      DATETIME NOT NULL,
  cancelled_at    DATETIME NULL,  -- cancelled with its subscription
  UNIQUE KEY ux_payments_public_id (public_id),
  KEY ix_payments_customer_status (customer_id, status),
  KEY ix_payments_customer (customer_id),
  KEY ix_payments_customer_created (customer_id, created_at),
  KEY ix_payments_subscription (subscription_id),
  -- GET /v1/payments: newest first, without and with a status filter
  KEY ix_payments_tenant (tenant_id, id),
  KEY ix_payments_tenant_status (tenant_id, status, id),
  CONSTRAINT fk_payments_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT fk_payments_subscription FOREIGN KEY (subscription_id) REFERENCES subscriptions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS operators (
  username     VARCHAR(100) NOT NULL PRIMARY KEY,
  tenant_id    INT UNSIGNED NOT NULL,
  role         ENUM('viewer','operator','admin') NOT NULL,
  display_name VARCHAR(100) NOT NULL,
  -- the Operators page (README "Operators"): when and by whom the row was
  -- added, disabled or enabled again (NULL: made by SQL before the page); a
  -- disabled operator is no operator (db_operator_find)
  created_at   DATETIME NULL,
  created_by   VARCHAR(100) NULL,
  disabled_at  DATETIME NULL,
  disabled_by  VARCHAR(100) NULL,
  enabled_at   DATETIME NULL,
  CONSTRAINT fk_operators_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- API keys: only the SHA-256 of the key is stored. rl_* hold the current
-- one-minute rate-limit window, updated in place.
CREATE TABLE IF NOT EXISTS api_keys (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id   INT UNSIGNED NOT NULL,
  role        ENUM('viewer','operator','admin') NOT NULL,
  label       VARCHAR(100) NOT NULL,
  key_prefix  VARCHAR(16)  NOT NULL,
  key_hash    BINARY(32)   NOT NULL,
  created_at  DATETIME NOT NULL,
  revoked_at  DATETIME NULL,
  rate_limit  INT UNSIGNED NULL,
  rl_window   BIGINT NOT NULL DEFAULT 0,
  rl_count    INT UNSIGNED NOT NULL DEFAULT 0,
  -- the key's last call, to the minute (README "API keys"): written by the
  -- rate limit's own UPDATE, or at most once a minute per worker process
  last_used_at DATETIME NULL,
  -- who made it: the admin's login, or custodian-keys:<OS user>
  created_by  VARCHAR(100) NULL,
  UNIQUE KEY ux_api_keys_hash (key_hash),
  CONSTRAINT fk_api_keys_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Bulk runs: one row per apply; one bulk_items row per selected customer.
-- An undo run (kind 'undo') reactivates what the run undo_of deactivated;
-- a run has at most one undo (ux_bulk_runs_undo_of), and an undo run has
-- no reason (it deactivates nothing). A merge run (kind 'merge') merges
-- each item's customer into its target (domain/merge.c); its reason is
-- data_cleanup, what each merged-away duplicate is deactivated with.
CREATE TABLE IF NOT EXISTS bulk_runs (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  public_id   VARCHAR(40)  COLLATE utf8mb4_bin NOT NULL, -- exact: ids match case-sensitively
  tenant_id   INT UNSIGNED NOT NULL,
  kind        ENUM('deactivate','undo','merge','erase') NOT NULL DEFAULT 'deactivate',
  undo_of     BIGINT UNSIGNED NULL,    -- kind 'undo': the run it undoes
  actor       VARCHAR(100) NOT NULL,
  reason      ENUM('data_cleanup','account_closure','compliance','fraud_prevention') NULL,
  note        VARCHAR(500) NULL,
  source      VARCHAR(200) NOT NULL,
  form_nonce  CHAR(32)     NOT NULL,
  status      ENUM('queued','running','done') NOT NULL DEFAULT 'queued',
  total       INT UNSIGNED NOT NULL DEFAULT 0,
  created_at  DATETIME(3) NOT NULL,
  started_at  DATETIME(3) NULL,
  finished_at DATETIME(3) NULL,
  request_id  VARCHAR(64) NULL,
  UNIQUE KEY ux_bulk_runs_public_id (public_id),
  UNIQUE KEY ux_bulk_runs_nonce (tenant_id, form_nonce),
  UNIQUE KEY ux_bulk_runs_undo_of (undo_of),
  KEY ix_bulk_runs_tenant (tenant_id, id),
  KEY ix_bulk_runs_status (status, id),
  CONSTRAINT fk_bulk_runs_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT fk_bulk_runs_undo_of FOREIGN KEY (undo_of) REFERENCES bulk_runs (id),
  CONSTRAINT ck_bulk_runs_kind CHECK ((kind = 'undo') = (undo_of IS NOT NULL)
                                      AND (kind = 'undo' OR reason IS NOT NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS bulk_items (
  run_id      BIGINT UNSIGNED NOT NULL,
  seq         INT UNSIGNED NOT NULL,
  customer_id BIGINT UNSIGNED NULL,    -- NULL when the id matched nothing
  subject     VARCHAR(64) NOT NULL,    -- the public id as selected
  target      VARCHAR(64) NULL,        -- merge runs: the public id to merge into
  outcome     VARCHAR(120) NULL,       -- NULL until processed; 'ok' or error codes
  done_at     DATETIME(3) NULL,
  -- Job workers claim items in small batches under a lease; a batch whose
  -- worker died or stopped is claimed again when the lease runs out.
  claimed_by  VARCHAR(100) NULL,
  claim_until DATETIME(3) NULL,
  PRIMARY KEY (run_id, seq),
  KEY ix_bulk_items_customer (customer_id),
  KEY ix_bulk_items_outcome (run_id, outcome),  -- progress and recent runs' counts
  -- As in audit_log, no foreign key to customers: creating a run must not
  -- take shared locks on thousands of customer rows for its duration.
  CONSTRAINT fk_bulk_items_run FOREIGN KEY (run_id) REFERENCES bulk_runs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Notes on a customer (FlexPortal's "Notes": a contact by e-mail, phone or
-- meeting, what was said, and an optional date to follow up). Append-only:
-- the application account may only SELECT and INSERT (sql/grants.sql), so a
-- note is history like an order, kept through deactivation and reactivation.
-- noted_on is the day of the contact as the operator gives it; created_at
-- and created_by say when and by whom the note was written.
CREATE TABLE IF NOT EXISTS customer_notes (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id   INT UNSIGNED NOT NULL,
  customer_id BIGINT UNSIGNED NOT NULL,
  noted_on    DATE NOT NULL,
  kind        ENUM('email','phone','meeting') NOT NULL,
  summary     VARCHAR(2000) NOT NULL,
  follow_up   DATE NULL,
  created_at  DATETIME(3) NOT NULL,
  created_by  VARCHAR(100) NOT NULL,
  -- the customer page's notes, newest first, and the retention count
  KEY ix_customer_notes_customer (customer_id, id),
  CONSTRAINT fk_customer_notes_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT fk_customer_notes_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Closure requests ("close when clear"): a deactivation filed for a blocked
-- customer, carried out by the job workers as soon as nothing blocks it.
-- due_at is set by the change that clears a blocker (sql/triggers.sql) and
-- by the periodic sweep; a worker that finds it still blocked clears it.
-- One pending request per customer (ux_closures_pending).
CREATE TABLE IF NOT EXISTS closure_requests (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  public_id     VARCHAR(40) COLLATE utf8mb4_bin NOT NULL,
  tenant_id     INT UNSIGNED NOT NULL,
  customer_id   BIGINT UNSIGNED NOT NULL,
  state         ENUM('pending','done','withdrawn') NOT NULL DEFAULT 'pending',
  reason        ENUM('data_cleanup','account_closure','compliance','fraud_prevention') NOT NULL,
  note          VARCHAR(500) NULL,
  cancel_now    BOOLEAN NOT NULL DEFAULT FALSE,
  channel       ENUM('page','bulk','api') NOT NULL,
  requested_by  VARCHAR(100) NOT NULL,
  requested_at  DATETIME(3) NOT NULL,
  request_id    VARCHAR(64) NULL,
  due_at        DATETIME(3) NULL,
  checked_at    DATETIME(3) NULL,     -- the last time a worker looked
  waiting_for   VARCHAR(120) NULL,    -- the blocker codes it last saw
  done_at       DATETIME(3) NULL,
  withdrawn_at  DATETIME(3) NULL,
  withdrawn_by  VARCHAR(100) NULL,
  pending_customer BIGINT UNSIGNED AS (IF(state = 'pending', customer_id, NULL)) STORED,
  UNIQUE KEY ux_closures_public_id (public_id),
  UNIQUE KEY ux_closures_pending (pending_customer),
  KEY ix_closures_customer (customer_id, id),
  KEY ix_closures_tenant_state (tenant_id, state, id),
  KEY ix_closures_tenant (tenant_id, id),
  KEY ix_closures_due (state, due_at),
  KEY ix_closures_checked (state, checked_at),
  CONSTRAINT fk_closures_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT fk_closures_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per attempt, success or refusal. subject keeps the id the user
-- typed when no customer matched (NOT_FOUND), customer_id the row otherwise.
CREATE TABLE IF NOT EXISTS audit_log (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at          DATETIME(3) NOT NULL,
  actor       VARCHAR(100) NOT NULL,
  tenant_id   INT UNSIGNED NOT NULL,
  customer_id BIGINT UNSIGNED NULL,
  subject     VARCHAR(254) NOT NULL,
  action      VARCHAR(32) NOT NULL,
  channel     ENUM('page','bulk','api') NOT NULL,
  reason      ENUM('data_cleanup','account_closure','compliance','fraud_prevention') NULL,
  note        VARCHAR(500) NULL,
  outcome     VARCHAR(120) NOT NULL,
  request_id  VARCHAR(64) NULL,
  bulk_run_id BIGINT UNSIGNED NULL,
  -- A profile edit's changes: [{"field": "billingAddress.city", "old": ..,
  -- "new": ..}, ...] (NULL for every other action).
  changes     JSON NULL,
  KEY ix_audit_tenant (tenant_id, id),
  KEY ix_audit_customer (customer_id, id),
  KEY ix_audit_actor (tenant_id, actor, id),
  KEY ix_audit_action (tenant_id, action, id),
  KEY ix_audit_outcome (tenant_id, outcome, id),
  KEY ix_audit_run (bulk_run_id, id),
  -- No foreign key to customers: its check would take a shared lock on the
  -- customer row, and the audit row of an attempt refused because that row
  -- is locked (LOCK_TIMEOUT) must still be written at once. Customers are
  -- never deleted (no DELETE privilege), so the id always resolves.
  CONSTRAINT fk_audit_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ---- webhooks (README "Webhooks") -------------------------------------------
-- A tenant's receivers. secret signs every request (HMAC-SHA-256); it is
-- shown once, when the endpoint is made, and never again. events is '*' or
-- a comma-separated list of event names.
CREATE TABLE IF NOT EXISTS webhook_endpoints (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  public_id   VARCHAR(40)  COLLATE utf8mb4_bin NOT NULL,
  tenant_id   INT UNSIGNED NOT NULL,
  url         VARCHAR(500) NOT NULL,
  secret      VARCHAR(80)  COLLATE utf8mb4_bin NOT NULL,
  events      VARCHAR(500) NOT NULL DEFAULT '*',
  enabled     TINYINT(1)   NOT NULL DEFAULT 1,
  created_at  DATETIME(3)  NOT NULL,
  created_by  VARCHAR(100) NOT NULL,
  updated_at  DATETIME(3)  NOT NULL,
  UNIQUE KEY ux_webhook_endpoints_public_id (public_id),
  KEY ix_webhook_endpoints_tenant (tenant_id, enabled, id),
  CONSTRAINT fk_webhook_endpoints_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The outbox: one event per completed change, written by the audit row's
-- trigger (sql/triggers.sql) in the change's own transaction, so a change
-- rolled back has no event and a committed one always has one. data is the
-- envelope's "data" (FlexPortal's {event, timestamp, data}).
CREATE TABLE IF NOT EXISTS outbox_events (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  public_id   VARCHAR(40)  COLLATE utf8mb4_bin NOT NULL, -- evt_...: receivers de-duplicate on it
  tenant_id   INT UNSIGNED NOT NULL,
  event       VARCHAR(40)  NOT NULL,
  customer_id BIGINT UNSIGNED NULL,    -- the ordering key: one customer's events in order
  audit_id    BIGINT UNSIGNED NULL,    -- the audit row it came from
  data        JSON NULL,           -- a test event's payload; a change's is built from audit_id's row
  created_at  DATETIME(3)  NOT NULL
  -- The primary key alone: every change writes a row here and only its
  -- deliveries read it, by id (the three secondary indexes it had cost a
  -- deactivation 10 %, scripts/measure-webhooks). public_id is 80 random bits.
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One delivery of an event to an endpoint, made with the event. The job
-- workers claim due deliveries under a lease (claimed_by, claim_until), in
-- event order per endpoint and customer (order_key; 0: no customer), and
-- retry failures with backoff until attempts reaches the limit (state
-- 'failed'). The last attempt's figures are kept for the delivery log.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id      BIGINT UNSIGNED NOT NULL,
  endpoint_id   BIGINT UNSIGNED NOT NULL,
  tenant_id     INT UNSIGNED NOT NULL,
  order_key     BIGINT UNSIGNED NOT NULL DEFAULT 0,
  state         ENUM('pending','delivered','failed') NOT NULL DEFAULT 'pending',
  attempts      INT UNSIGNED NOT NULL DEFAULT 0,
  next_at       DATETIME(3) NOT NULL,
  claimed_by    VARCHAR(100) NULL,
  claim_until   DATETIME(3) NULL,
  last_at       DATETIME(3) NULL,
  last_code     INT NULL,                -- the HTTP status; NULL when none came
  last_ms       INT UNSIGNED NULL,       -- the attempt's latency
  last_response VARCHAR(300) NULL,       -- the first bytes of the answer, or the error
  last_by       VARCHAR(100) NULL,       -- the job worker (host:pid) that made it
  delivered_at  DATETIME(3) NULL,
  created_at    DATETIME(3) NOT NULL,
  UNIQUE KEY ux_deliveries_event (endpoint_id, event_id),
  KEY ix_deliveries_due (state, next_at),
  KEY ix_deliveries_order (endpoint_id, order_key, state, event_id),
  KEY ix_deliveries_log (endpoint_id, id),
  KEY ix_deliveries_claimed (claimed_by, state),   -- a worker's batch
  CONSTRAINT fk_deliveries_event FOREIGN KEY (event_id) REFERENCES outbox_events (id),
  CONSTRAINT fk_deliveries_endpoint FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoints (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
