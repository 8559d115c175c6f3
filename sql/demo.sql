-- Deterministic demo data, generated set-based inside the server with the
-- SEQUENCE engine. Size: @customers (set by the caller). Every value is a
-- function of the row number through CRC32 hashes, so two loads of the same
-- size are identical. Children are generated before their customers (with
-- foreign key checks off) so that the customers' aggregates (MRR, devices
-- out, order count) are computed once, in the same INSERT, instead of by a
-- million-row UPDATE afterwards.
--
-- Shape per customer (averages): 1.5 orders (1.3 lines each), 1.2 subscriptions and devices,
-- 4 payments, 1.6 addresses; one customer in ten has 1-3 notes. 10% belong to tenant 2 (globex), 20% are
-- businesses, 5% are inactive (with a reason and the audit row of their
-- deactivation), 1% are near-duplicates of the previous customer (same
-- person, e-mail in other case, same phone).

SET SESSION foreign_key_checks = 0, unique_checks = 0;
SET @seed_epoch = TIMESTAMP('2019-01-01 00:00:00');
SET @span = 245000000; -- seconds spread of created_at (~7.8 years)

INSERT INTO tenants (id, slug, name, currency) VALUES
  (1, 'northwind', 'Northwind Devices', 'EUR'),
  (2, 'globex', 'Globex Rentals', 'USD');

INSERT INTO operators (username, tenant_id, role, display_name) VALUES
  ('admin', 1, 'admin', 'Ada Admin'),
  ('operator', 1, 'operator', 'Otto Operator'),
  ('viewer', 1, 'viewer', 'Vera Viewer'),
  ('globex', 2, 'admin', 'Gus Globex');

-- Per-customer parameters. p is the "person": a near-duplicate customer
-- takes its person (names, phone, e-mail, tenant) from the previous row.
CREATE TEMPORARY TABLE demo_c (
  id BIGINT UNSIGNED PRIMARY KEY,
  p BIGINT UNSIGNED NOT NULL,
  h INT UNSIGNED NOT NULL,   -- hash of the customer
  hp INT UNSIGNED NOT NULL,  -- hash of the person
  tenant INT UNSIGNED NOT NULL,
  inactive TINYINT NOT NULL,
  norders TINYINT NOT NULL,
  created DATETIME NOT NULL
) ENGINE=InnoDB;

INSERT INTO demo_c
SELECT c.seq, c.p, c.h, CRC32(CONCAT('p', c.p)),
       IF((CRC32(CONCAT('p', c.p)) >> 24) % 10 = 9, 2, 1),
       c.h % 20 = 7,
       (c.h >> 20) % 4,
       @seed_epoch + INTERVAL (FLOOR(c.seq * @span / @customers) + c.h % 3600) SECOND
FROM (SELECT seq, IF(seq % 97 = 0, seq - 1, seq) AS p, CRC32(CONCAT('h', seq)) AS h
        FROM seq_1_to_100000000 WHERE seq <= @customers) c;

-- ---- orders: id = customer*4 + j -----------------------------------------
-- Each order rents one product (id % 6): one unit, two for a partial order
-- (one of them rented so far); a third of the orders add a protection plan
-- for each unit. total is the sum of those lines: the formulas of the
-- order_items below, computed here once so that no million-row UPDATE is
-- needed (tests/http/orders.test.mjs checks that they agree). The
-- addresses are the customer's own (ids customer*2 + kind, see below).
INSERT INTO orders (id, public_id, tenant_id, customer_id, status, order_type, total, currency,
                    billing_address_id, shipping_address_id, created_by, created_at, updated_at)
SELECT x.id,
       CONCAT('ord_', LPAD(LOWER(HEX((x.id * 2654435761) % 1099511627776)), 10, '0')),
       x.tenant, x.cid, x.status,
       CASE WHEN x.g % 25 = 3 THEN 'upgrade' WHEN x.g % 10 = 9 THEN 'extension' ELSE 'standard' END,
       IF(x.status = 'partial', 2, 1)
         * (ELT(1 + x.id % 6, 59.00, 39.00, 29.00, 19.00, 12.00, 9.00)
            + IF(CRC32(CONCAT('i', x.id)) % 3 = 0,
                 ELT(1 + x.id % 6, 7.00, 5.00, 4.00, 3.00, 2.00, 1.50), 0)),
       IF(x.tenant = 2, 'USD', 'EUR'),
       x.cid * 2, IF(x.h % 5 < 3, x.cid * 2 + 1, x.cid * 2),
       IF(x.g % 5 = 0, IF(x.tenant = 2, 'globex', ELT(1 + x.id % 2, 'admin', 'operator')),
          'storefront'),
       x.created,
       IF(x.status = 'pending', x.created,
          LEAST(x.created + INTERVAL (1 + x.g % 15) DAY, TIMESTAMP('2026-11-01')))
FROM (SELECT o.id, o.cid, o.tenant, o.h, o.g,
             CASE
               WHEN o.inactive THEN IF(o.g < 80, 'fulfilled', 'cancelled')
               WHEN o.g < 82 THEN 'fulfilled'
               WHEN o.g < 90 THEN 'cancelled'
               WHEN o.g < 94 THEN 'pending'
               WHEN o.g < 97 THEN 'confirmed'
               ELSE 'partial'
             END AS status,
             LEAST(o.created + INTERVAL (o.j * 41 + o.g % 20) DAY, TIMESTAMP('2026-11-01')) AS created
        FROM (SELECT d.id * 4 + j.seq AS id, d.id AS cid, j.seq AS j, d.tenant, d.inactive, d.h,
                     d.created, CRC32(CONCAT('o', d.id * 4 + j.seq)) % 100 AS g
                FROM demo_c d JOIN seq_0_to_3 j ON j.seq < d.norders) o) x;

-- ---- order lines: id = order*2 (the device), order*2 + 1 (its plan) ------
INSERT INTO order_items (id, tenant_id, order_id, kind, sku, product_name, quantity, unit_price,
                         contract_length)
SELECT o.id * 2 + k.seq, o.tenant_id, o.id, IF(k.seq = 0, 'device', 'protection'),
       IF(k.seq = 0,
          ELT(1 + o.id % 6, 'FW-LAP-14', 'FW-PHN-6', 'FW-TAB-11', 'FW-MON-27', 'FW-HDP-1', 'FW-DCK-1'),
          ELT(1 + o.id % 6, 'FW-CARE-LAP', 'FW-CARE-PHN', 'FW-CARE-TAB', 'FW-CARE-MON',
              'FW-CARE-HDP', 'FW-CARE-DCK')),
       CONCAT(IF(k.seq = 0, '', 'Protection plan: '),
              ELT(1 + o.id % 6, 'Laptop 14"', 'Phone 6"', 'Tablet 11"', 'Monitor 27"', 'Headphones',
                  'Docking station')),
       IF(o.status = 'partial', 2, 1),
       IF(k.seq = 0, ELT(1 + o.id % 6, 59.00, 39.00, 29.00, 19.00, 12.00, 9.00),
          ELT(1 + o.id % 6, 7.00, 5.00, 4.00, 3.00, 2.00, 1.50)),
       ELT(1 + CRC32(CONCAT('L', o.id)) % 3, 12, 24, 36)
FROM orders o JOIN seq_0_to_1 k ON k.seq = 0 OR CRC32(CONCAT('i', o.id)) % 3 = 0;

-- ---- assets and subscriptions: one per fulfilled or partial order ---------
-- s = subscription hash bucket 0..99 decides its status.
CREATE TEMPORARY TABLE demo_s ENGINE=InnoDB AS
SELECT o.id, o.customer_id AS cid, o.tenant_id AS tenant, o.created_at,
       o.id % 6 AS product,
       CASE
         WHEN d.inactive THEN ELT(1 + CRC32(CONCAT('s', o.id)) % 4,
           'ended_completed', 'ended_buyout', 'ended_upgrade', 'ended_early_return')
         WHEN CRC32(CONCAT('s', o.id)) % 100 < 75 THEN 'active'
         WHEN CRC32(CONCAT('s', o.id)) % 100 < 85 THEN 'ended_completed'
         WHEN CRC32(CONCAT('s', o.id)) % 100 < 90 THEN 'ended_buyout'
         WHEN CRC32(CONCAT('s', o.id)) % 100 < 94 THEN 'ended_upgrade'
         WHEN CRC32(CONCAT('s', o.id)) % 100 < 97 THEN 'ended_early_return'
         ELSE 'cancelled'
       END AS status,
       d.inactive,
       1 + CRC32(CONCAT('m', o.id)) % 6 AS months
FROM orders o JOIN demo_c d ON d.id = o.customer_id
WHERE o.status IN ('fulfilled', 'partial');
ALTER TABLE demo_s ADD PRIMARY KEY (id);

-- Devices: with the customer while the subscription is active; a third of
-- early returns are still on their way back (rented_out, no active
-- subscription: the "unreturned devices" case); bought-out ones are sold.
INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
SELECT CONCAT('SN', LPAD(s.id, 10, '0')), s.tenant,
       ELT(1 + s.product, 'FW-LAP-14', 'FW-PHN-6', 'FW-TAB-11', 'FW-MON-27', 'FW-HDP-1', 'FW-DCK-1'),
       ELT(1 + s.product, 'Laptop 14"', 'Phone 6"', 'Tablet 11"', 'Monitor 27"', 'Headphones', 'Docking station'),
       CASE
         WHEN s.status = 'active' THEN 'rented_out'
         WHEN s.status = 'ended_early_return' AND NOT s.inactive AND s.id % 3 = 0 THEN 'rented_out'
         WHEN s.status = 'ended_buyout' THEN 'sold'
         ELSE 'returned'
       END,
       CASE
         WHEN s.status = 'active' THEN s.cid
         WHEN s.status = 'ended_early_return' AND NOT s.inactive AND s.id % 3 = 0 THEN s.cid
         ELSE NULL
       END,
       ELT(1 + s.product, 1200.00, 800.00, 600.00, 350.00, 250.00, 180.00)
FROM demo_s s;

-- A stock of available devices, one per 20 customers.
INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
SELECT CONCAT('ST', LPAD(seq, 10, '0')), IF(seq % 10 = 9, 2, 1),
       ELT(1 + seq % 6, 'FW-LAP-14', 'FW-PHN-6', 'FW-TAB-11', 'FW-MON-27', 'FW-HDP-1', 'FW-DCK-1'),
       ELT(1 + seq % 6, 'Laptop 14"', 'Phone 6"', 'Tablet 11"', 'Monitor 27"', 'Headphones', 'Docking station'),
       IF(seq % 7 = 0, 'unavailable', 'available'), NULL,
       ELT(1 + seq % 6, 1200.00, 800.00, 600.00, 350.00, 250.00, 180.00)
FROM seq_1_to_100000000 WHERE seq <= GREATEST(@customers DIV 20, 1);

INSERT INTO subscriptions (id, public_id, tenant_id, customer_id, order_id, order_item_id,
                           asset_serial, status, monthly_amount, start_date, end_date, created_at)
SELECT s.id,
       CONCAT('sub_', LPAD(LOWER(HEX((s.id * 2246822519) % 1099511627776)), 10, '0')),
       s.tenant, s.cid, s.id, s.id * 2, CONCAT('SN', LPAD(s.id, 10, '0')), s.status,
       ELT(1 + s.product, 59.00, 39.00, 29.00, 19.00, 12.00, 9.00),
       DATE(s.created_at),
       IF(s.status = 'active', NULL, DATE(s.created_at) + INTERVAL s.months MONTH),
       s.created_at
FROM demo_s s;

-- ---- payments: one per month billed, id = subscription*8 + month ---------
-- Older months are paid; the latest month of an active subscription may be
-- pending, processing or failed; a few are cancelled.
INSERT INTO payments (id, public_id, tenant_id, customer_id, subscription_id, amount,
                      currency, status, paid_at, created_at)
SELECT p.id,
       CONCAT('pay_', LPAD(LOWER(HEX((p.id * 3266489917) % 1099511627776)), 10, '0')),
       p.tenant, p.cid, p.sid, p.amount, IF(p.tenant = 2, 'USD', 'EUR'), p.status,
       IF(p.status = 'paid', p.due + INTERVAL (p.g % 5) DAY, NULL), p.due
FROM (SELECT s.id * 8 + m.seq AS id, s.id AS sid, s.cid, s.tenant,
             ELT(1 + s.product, 59.00, 39.00, 29.00, 19.00, 12.00, 9.00) AS amount,
             s.created_at + INTERVAL m.seq MONTH AS due,
             CRC32(CONCAT('y', s.id * 8 + m.seq)) % 100 AS g,
             CASE
               WHEN m.seq = s.months - 1 AND s.status = 'active' THEN
                 ELT(1 + CRC32(CONCAT('y', s.id * 8 + m.seq)) % 10,
                     'paid', 'paid', 'paid', 'paid', 'paid', 'paid',
                     'pending', 'processing', 'failed', 'failed')
               WHEN CRC32(CONCAT('y', s.id * 8 + m.seq)) % 100 = 0 THEN 'cancelled'
               WHEN CRC32(CONCAT('y', s.id * 8 + m.seq)) % 100 = 1 THEN 'failed'
               ELSE 'paid'
             END AS status
        FROM demo_s s JOIN seq_0_to_5 m ON m.seq < s.months
       WHERE s.status <> 'cancelled') p;

-- ---- aggregates, then customers ----------------------------------------
CREATE TEMPORARY TABLE demo_agg (
  cid BIGINT UNSIGNED PRIMARY KEY,
  mrr BIGINT NOT NULL DEFAULT 0,
  devices INT UNSIGNED NOT NULL DEFAULT 0,
  norders INT UNSIGNED NOT NULL DEFAULT 0
) ENGINE=InnoDB;
INSERT INTO demo_agg (cid, norders)
  SELECT customer_id, COUNT(*) FROM orders GROUP BY customer_id;
INSERT INTO demo_agg (cid, mrr)
  SELECT customer_id, SUM(ROUND(monthly_amount * 100)) FROM subscriptions
   WHERE status = 'active' GROUP BY customer_id
  ON DUPLICATE KEY UPDATE mrr = VALUES(mrr);
INSERT INTO demo_agg (cid, devices)
  SELECT customer_id, COUNT(*) FROM assets
   WHERE status = 'rented_out' AND customer_id IS NOT NULL GROUP BY customer_id
  ON DUPLICATE KEY UPDATE devices = VALUES(devices);

INSERT INTO customers (id, public_id, tenant_id, email, first_name, last_name, customer_type,
                       company, phone, status, custom_fields, created_at, updated_at,
                       deactivated_at, deactivated_by, deactivation_reason, deactivation_note,
                       mrr_cents, devices_out, total_orders, created_by)
SELECT n.id,
       CONCAT('cus_', LPAD(LOWER(HEX((n.id * 2654435761) % 1099511627776)), 10, '0')),
       n.tenant,
       IF(n.id <> n.p, CONCAT(UPPER(LEFT(n.email, 1)), SUBSTRING(n.email, 2)), n.email),
       n.first_name, n.last_name,
       IF(n.business, 'business', 'individual'),
       IF(n.business, CONCAT(ELT(1 + (n.hp >> 4) % 12, 'Acme', 'Blue Harbor', 'Cedar', 'Delta Works',
                 'Evergreen', 'Fjord', 'Granite', 'Helix', 'Ionic', 'Juniper', 'Kestrel', 'Lumen'),
                 ' ', ELT(1 + (n.hp >> 8) % 5, 'GmbH', 'Ltd', 'BV', 'SA', 'Inc')), NULL),
       CONCAT('+', ELT(1 + (n.hp >> 12) % 4, '31 6 ', '49 151 ', '44 7700 ', '33 6 '),
              LPAD(n.hp % 100000000, 8, '0')),
       IF(n.inactive, 'inactive', 'active'),
       IF(n.h % 3 = 0, JSON_OBJECT('source', ELT(1 + n.h % 4, 'web', 'partner', 'store', 'phone'),
                                   'segment', ELT(1 + (n.h >> 2) % 3, 'smb', 'consumer', 'education')), NULL),
       n.created, LEAST(n.created + INTERVAL (n.h % 90) DAY, TIMESTAMP('2026-11-01')),
       IF(n.inactive, GREATEST(n.created, LEAST(n.created + INTERVAL (200 + n.h % 500) DAY,
                            TIMESTAMP('2026-11-01') - INTERVAL (n.h % 200) HOUR)), NULL),
       -- who deactivated: a login of the customer's own tenant, or a script's key
       IF(n.inactive, IF(n.h % 3 = 2, 'api:retention-job',
                         IF(n.tenant = 2, 'globex', ELT(1 + n.h % 3, 'admin', 'operator'))), NULL),
       IF(n.inactive, ELT(1 + (n.h >> 3) % 4, 'data_cleanup', 'account_closure', 'compliance',
                          'fraud_prevention'), NULL),
       -- (inactive means h % 20 = 7, so h is odd: the note takes bit 5 instead)
       IF(n.inactive AND (n.h >> 5) % 2 = 0, 'Closed at the customer''s request.', NULL),
       COALESCE(a.mrr, 0), COALESCE(a.devices, 0), COALESCE(a.norders, 0),
       -- who created it: the web shop's key, staff, or the first import
       IF(n.tenant = 2, ELT(1 + (n.h >> 6) % 2, 'api:storefront', 'globex'),
          ELT(1 + (n.h >> 6) % 4, 'api:storefront', 'api:storefront', 'operator', 'import'))
FROM (SELECT d.id, d.p, d.h, d.hp, d.tenant, d.inactive, d.created,
             d.hp % 5 = 0 AS business,
             ELT(1 + (d.hp >> 3) % 40, 'Anna', 'Ben', 'Chloe', 'David', 'Emma', 'Felix', 'Grace',
                 'Hugo', 'Iris', 'Jonas', 'Katrin', 'Liam', 'Mia', 'Noah', 'Olivia', 'Paul',
                 'Quinn', 'Rosa', 'Sam', 'Tara', 'Umar', 'Vera', 'Will', 'Xenia', 'Yusuf',
                 'Zoe', 'Amir', 'Bea', 'Carlos', 'Dana', 'Elif', 'Finn', 'Greta', 'Hana',
                 'Ivan', 'José', 'Kai', 'Léa', 'Mateo', 'Nora') AS first_name,
             ELT(1 + (d.hp >> 9) % 50, 'Smith', 'Jansen', 'Müller', 'Dubois', 'Rossi', 'García',
                 'Novak', 'Kowalski', 'Nielsen', 'Andersson', 'Brown', 'de Vries', 'Schmidt',
                 'Bernard', 'Russo', 'Martínez', 'Horvat', 'Nowak', 'Hansen', 'Johansson',
                 'Taylor', 'Bakker', 'Schneider', 'Petit', 'Ferrari', 'López', 'Kovač',
                 'Wiśniewski', 'Larsen', 'Karlsson', 'Wilson', 'Visser', 'Fischer', 'Durand',
                 'Esposito', 'Sánchez', 'Babić', 'Wójcik', 'Pedersen', 'Nilsson', 'Evans',
                 'Smit', 'Weber', 'Leroy', 'Bianchi', 'Pérez', 'Jurić', 'Kamiński',
                 'Christensen', 'Eriksson') AS last_name,
             LOWER(CONCAT(ELT(1 + (d.hp >> 3) % 40, 'anna', 'ben', 'chloe', 'david', 'emma',
                 'felix', 'grace', 'hugo', 'iris', 'jonas', 'katrin', 'liam', 'mia', 'noah',
                 'olivia', 'paul', 'quinn', 'rosa', 'sam', 'tara', 'umar', 'vera', 'will',
                 'xenia', 'yusuf', 'zoe', 'amir', 'bea', 'carlos', 'dana', 'elif', 'finn',
                 'greta', 'hana', 'ivan', 'jose', 'kai', 'lea', 'mateo', 'nora'), '.',
                 d.p, '@', ELT(1 + (d.hp >> 16) % 8, 'example.com', 'example.org', 'mail.example',
                 'post.example', 'example.net', 'corp.example', 'test.invalid', 'inbox.example')))
               AS email
        FROM demo_c d) n
LEFT JOIN demo_agg a ON a.cid = n.id;

-- ---- the search box's words, set-based (the triggers keep them after) ----
-- Word k of each customer's words column (" anna smith ..."): the column
-- has at most a couple of dozen. A word twice in one customer ("anna" in
-- the name and the e-mail) is one row: INSERT IGNORE, with unique checks
-- on for this statement (with them off, InnoDB loads an empty table in
-- bulk and gives the whole statement up on a duplicate; a DISTINCT in
-- the SELECT instead costs four times as long at a million customers).
SET SESSION unique_checks = 1;
INSERT IGNORE INTO customer_words (tenant_id, word, customer_id)
SELECT t.tenant_id, LEFT(SUBSTRING_INDEX(SUBSTRING_INDEX(t.w, ' ', k.seq), ' ', -1), 64), t.id
  FROM (SELECT id, tenant_id, TRIM(words) AS w FROM customers) t
  JOIN seq_1_to_32 k ON k.seq <= 1 + CHAR_LENGTH(t.w) - CHAR_LENGTH(REPLACE(t.w, ' ', ''))
 WHERE CHAR_LENGTH(SUBSTRING_INDEX(SUBSTRING_INDEX(t.w, ' ', k.seq), ' ', -1)) >= 2;
SET SESSION unique_checks = 0;

-- ---- the audit rows of the demo's deactivations ----------------------------
-- Every inactive customer was deactivated by someone at some time for a
-- reason (its deactivated_* columns); the audit log keeps one 'ok' row per
-- such deactivation, as the app would have written it, so that the audit log
-- and the customers' histories tell the same story as the customers. The
-- logins deactivated on the pages; 'api:retention-job' is a script's API
-- key, named as the app names API actors. Written in the order they
-- happened, so ids follow time as the app's own rows do; no request id
-- (no request made them).
INSERT INTO audit_log (at, actor, tenant_id, customer_id, subject, action, channel, reason,
                       note, outcome, request_id, bulk_run_id)
SELECT c.deactivated_at, c.deactivated_by, c.tenant_id, c.id, c.public_id, 'deactivate',
       IF(c.deactivated_by LIKE 'api:%', 'api', 'page'), c.deactivation_reason,
       c.deactivation_note, 'ok', NULL, NULL
  FROM customers c
 WHERE c.status = 'inactive'
 ORDER BY c.deactivated_at, c.id;

INSERT INTO addresses (id, tenant_id, customer_id, kind, contact_name, street_address,
                       building_info, locality, city, admin_area, postal_code, country,
                       company, created_at)
SELECT d.id * 2 + k.seq, d.tenant, d.id, IF(k.seq = 0, 'billing', 'shipping'),
       NULL,
       CONCAT(1 + d.hp % 199, ' ', ELT(1 + (d.hp >> 5) % 8, 'Main Street', 'Station Road',
              'Kerkstraat', 'Hauptstraße', 'Rue de la Paix', 'Via Roma', 'High Street',
              'Market Square')),
       IF(k.seq = 1 AND d.h % 4 = 0, CONCAT('Unit ', 1 + d.h % 40), NULL),
       NULL,
       ELT(1 + (d.hp >> 7) % 8, 'Amsterdam', 'Berlin', 'London', 'Paris', 'Rome', 'Madrid',
           'Vienna', 'Copenhagen'),
       NULL,
       LPAD(1000 + d.hp % 9000, 5, '0'),
       ELT(1 + (d.hp >> 7) % 8, 'NL', 'DE', 'GB', 'FR', 'IT', 'ES', 'AT', 'DK'),
       NULL, d.created
FROM demo_c d JOIN seq_0_to_1 k ON k.seq = 0 OR d.h % 5 < 3;

-- ---- notes: one customer in ten has 1 to 3, id = customer*4 + j ------------
-- Written by a login of the customer's tenant, a few days apart from the
-- customer's creation on; every other one with a follow-up two weeks later.
INSERT INTO customer_notes (id, tenant_id, customer_id, noted_on, kind, summary, follow_up,
                            created_at, created_by)
SELECT n.id, n.tenant, n.cid, n.noted_on,
       ELT(1 + n.g % 3, 'email', 'phone', 'meeting'),
       ELT(1 + (n.g >> 2) % 6, 'Asked about upgrading to a newer laptop.',
           'Reported a cracked screen; sent repair instructions.',
           'Wants invoices sent to the finance department.',
           'Discussed adding two more phones for new staff.',
           'Prefers to be contacted by e-mail in the mornings.',
           'Questioned a late-payment fee; explained the terms.'),
       IF(n.g % 2 = 0, n.noted_on + INTERVAL 14 DAY, NULL),
       n.noted_on + INTERVAL (9 + n.g % 8) HOUR,
       IF(n.tenant = 2, 'globex', ELT(1 + n.g % 2, 'admin', 'operator'))
FROM (SELECT d.id * 4 + j.seq AS id, d.id AS cid, d.tenant,
             LEAST(DATE(d.created) + INTERVAL (j.seq * 37 + d.h % 30) DAY, DATE('2026-11-01'))
               AS noted_on,
             CRC32(CONCAT('n', d.id * 4 + j.seq)) AS g
        FROM demo_c d JOIN seq_0_to_2 j ON j.seq <= (d.h >> 8) % 3
       WHERE (d.h >> 4) % 10 = 3) n;

INSERT INTO customer_counts (tenant_id, status, customer_type, shard, n)
SELECT tenant_id, status, customer_type, id % 16, COUNT(*) FROM customers
 GROUP BY tenant_id, status, customer_type, id % 16;

DROP TEMPORARY TABLE demo_c;
DROP TEMPORARY TABLE demo_s;
DROP TEMPORARY TABLE demo_agg;

SET SESSION foreign_key_checks = 1, unique_checks = 1;
