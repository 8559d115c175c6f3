-- Named fixture customers, one per case of SPEC §4 rule 2 (listed in the
-- README). Loaded after sql/triggers.sql, so the triggers keep their
-- aggregates and the list counters like any other write.

SET NAMES utf8mb4;

DELIMITER //
DROP PROCEDURE IF EXISTS fixture_customer//
CREATE PROCEDURE fixture_customer(IN pid VARCHAR(40), IN tenant INT, IN fname VARCHAR(100),
                                  IN lname VARCHAR(100), IN mail VARCHAR(254),
                                  IN ctype VARCHAR(16), IN comp VARCHAR(200),
                                  OUT cid BIGINT)
BEGIN
  INSERT INTO customers (public_id, tenant_id, email, first_name, last_name, customer_type,
                         company, phone, status, created_at, updated_at, created_by)
  VALUES (pid, tenant, mail, fname, lname, ctype, comp, '+31 20 555 0100', 'active',
          '2024-03-01 09:00:00', '2024-03-01 09:00:00', 'operator');
  SET cid = LAST_INSERT_ID();
  INSERT INTO addresses (tenant_id, customer_id, kind, contact_name, street_address, city,
                         postal_code, country, created_at)
  VALUES (tenant, cid, 'billing', CONCAT(fname, ' ', lname), '1 Fixture Lane', 'Amsterdam',
          '1011', 'NL', '2024-03-01 09:00:00'),
         (tenant, cid, 'shipping', CONCAT(fname, ' ', lname), '2 Fixture Lane', 'Amsterdam',
          '1012', 'NL', '2024-03-01 09:00:00');
END//

-- One line of an order (its total follows from the lines, by trigger);
-- sets @item to the line's id.
DROP PROCEDURE IF EXISTS fixture_line//
CREATE PROCEDURE fixture_line(IN oid BIGINT, IN knd VARCHAR(16), IN code VARCHAR(40),
                              IN pname VARCHAR(200), IN qty INT, IN price DECIMAL(10,2),
                              IN months INT)
BEGIN
  INSERT INTO order_items (order_id, kind, sku, product_name, quantity, unit_price, contract_length)
  VALUES (oid, knd, code, pname, qty, price, months);
  SET @item = LAST_INSERT_ID();
END//

-- A past rental: fulfilled order, ended subscription, returned device, paid
-- months. Gives the retention pages something to count.
DROP PROCEDURE IF EXISTS fixture_history//
CREATE PROCEDURE fixture_history(IN cid BIGINT, IN tag VARCHAR(20))
BEGIN
  DECLARE oid BIGINT;
  DECLARE sid BIGINT;
  DECLARE t INT;
  SELECT tenant_id INTO t FROM customers WHERE id = cid;
  INSERT INTO orders (public_id, tenant_id, customer_id, status, currency, created_by,
                      created_at, updated_at)
  VALUES (CONCAT('ord_', tag, '_hist'), t, cid, 'fulfilled', IF(t = 2, 'USD', 'EUR'), 'storefront',
          '2024-03-02 10:00:00', '2024-03-03 09:00:00');
  SET oid = LAST_INSERT_ID();
  CALL fixture_line(oid, 'device', 'FW-PHN-6', 'Phone 6"', 1, 39.00, 12);
  INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
  VALUES (CONCAT('SN-', UPPER(tag), '-H'), t, 'FW-PHN-6', 'Phone 6"', 'returned', NULL, 800.00);
  INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, order_item_id,
                             asset_serial, status, monthly_amount, start_date, end_date, created_at)
  VALUES (CONCAT('sub_', tag, '_hist'), t, cid, oid, @item, CONCAT('SN-', UPPER(tag), '-H'),
          'ended_completed', 39.00, '2024-03-02', '2025-03-02', '2024-03-02 10:00:00');
  SET sid = LAST_INSERT_ID();
  INSERT INTO payments (public_id, tenant_id, customer_id, subscription_id, amount, currency,
                        status, paid_at, created_at)
  VALUES (CONCAT('pay_', tag, '_h1'), t, cid, sid, 39.00, IF(t = 2, 'USD', 'EUR'), 'paid', '2024-04-02', '2024-04-01'),
         (CONCAT('pay_', tag, '_h2'), t, cid, sid, 39.00, IF(t = 2, 'USD', 'EUR'), 'paid', '2024-05-02', '2024-05-01'),
         (CONCAT('pay_', tag, '_h3'), t, cid, sid, 39.00, IF(t = 2, 'USD', 'EUR'), 'failed', NULL, '2024-06-01');
END//
DELIMITER ;

-- Clean: history only, nothing in flight. Deactivation succeeds.
CALL fixture_customer('cus_fixture_clean', 1, 'Clara', 'Clean', 'clara.clean@fixture.example',
                      'individual', NULL, @c);
CALL fixture_history(@c, 'clean');

-- Blocked by an active subscription only (a protection plan: no device).
CALL fixture_customer('cus_fixture_subscription', 1, 'Sam', 'Subscribed',
                      'sam.subscribed@fixture.example', 'individual', NULL, @c);
CALL fixture_history(@c, 'subs');
INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, asset_serial, status,
                           monthly_amount, start_date, end_date, created_at)
VALUES ('sub_fixture_active', 1, @c, NULL, NULL, 'active', 9.00, '2025-01-01', NULL,
        '2025-01-01 08:00:00');

-- Blocked by an order still in flight only.
CALL fixture_customer('cus_fixture_pending_order', 1, 'Penny', 'Pending',
                      'penny.pending@fixture.example', 'individual', NULL, @c);
CALL fixture_history(@c, 'pend');
INSERT INTO orders (public_id, tenant_id, customer_id, status, currency, created_by, created_at)
VALUES ('ord_fixture_pending', 1, @c, 'pending', 'EUR', 'operator', '2026-10-20 12:00:00');
CALL fixture_line(LAST_INSERT_ID(), 'device', 'FW-LAP-14', 'Laptop 14"', 1, 59.00, 24);

-- Blocked by a device not yet returned only (early return in transit).
CALL fixture_customer('cus_fixture_device_out', 1, 'Devi', 'Outstanding',
                      'devi.outstanding@fixture.example', 'individual', NULL, @c);
CALL fixture_history(@c, 'dev');
INSERT INTO orders (public_id, tenant_id, customer_id, status, currency, created_by, created_at,
                    updated_at)
VALUES ('ord_fixture_device', 1, @c, 'fulfilled', 'EUR', 'storefront', '2025-02-01 12:00:00',
        '2025-02-02 08:30:00');
SET @o = LAST_INSERT_ID();
CALL fixture_line(@o, 'device', 'FW-TAB-11', 'Tablet 11"', 1, 29.00, 12);
INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
VALUES ('SN-FIXTURE-DEV', 1, 'FW-TAB-11', 'Tablet 11"', 'rented_out', @c, 600.00);
INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, order_item_id, asset_serial,
                           status, monthly_amount, start_date, end_date, created_at)
VALUES ('sub_fixture_early_return', 1, @c, @o, @item, 'SN-FIXTURE-DEV', 'ended_early_return', 29.00,
        '2025-02-01', '2026-10-01', '2025-02-01 12:00:00');

-- Blocked by all three.
CALL fixture_customer('cus_fixture_all_three', 1, 'Alba', 'Allthree',
                      'alba.allthree@fixture.example', 'business', 'Threefold BV', @c);
CALL fixture_history(@c, 'all');
INSERT INTO orders (public_id, tenant_id, customer_id, status, currency, created_by, created_at,
                    updated_at)
VALUES ('ord_fixture_all_rental', 1, @c, 'fulfilled', 'EUR', 'admin', '2025-05-01 12:00:00',
        '2025-05-03 16:00:00');
SET @o = LAST_INSERT_ID();
CALL fixture_line(@o, 'protection', 'FW-CARE-LAP', 'Protection plan: Laptop 14"', 1, 7.00, 36);
CALL fixture_line(@o, 'device', 'FW-LAP-14', 'Laptop 14"', 1, 59.00, 36);
INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
VALUES ('SN-FIXTURE-ALL', 1, 'FW-LAP-14', 'Laptop 14"', 'rented_out', @c, 1200.00);
INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, order_item_id, asset_serial,
                           status, monthly_amount, start_date, end_date, created_at)
VALUES ('sub_fixture_all', 1, @c, @o, @item, 'SN-FIXTURE-ALL', 'active', 59.00, '2025-05-01', NULL,
        '2025-05-01 12:00:00');
INSERT INTO orders (public_id, tenant_id, customer_id, status, order_type, currency, created_by,
                    created_at, updated_at)
VALUES ('ord_fixture_all_confirmed', 1, @c, 'confirmed', 'extension', 'EUR', 'operator',
        '2026-10-25 12:00:00', '2026-10-25 15:00:00');
CALL fixture_line(LAST_INSERT_ID(), 'device', 'FW-PHN-6', 'Phone 6"', 1, 39.00, 12);
INSERT INTO orders (public_id, tenant_id, customer_id, status, order_type, currency, created_by,
                    created_at, updated_at)
VALUES ('ord_fixture_all_partial', 1, @c, 'partial', 'upgrade', 'EUR', 'storefront',
        '2026-10-26 12:00:00', '2026-10-27 10:00:00');
SET @o = LAST_INSERT_ID();
CALL fixture_line(@o, 'device', 'FW-PHN-6', 'Phone 6"', 2, 36.00, 24);
CALL fixture_line(@o, 'protection', 'FW-CARE-PHN', 'Protection plan: Phone 6"', 2, 3.00, 24);
-- (its devices are not rented yet: rentalProgress 0 of 2; the fixture's
-- blockers stay exactly those listed in the README)

-- Already inactive, with its deactivation record.
CALL fixture_customer('cus_fixture_inactive', 1, 'Ines', 'Inactive',
                      'ines.inactive@fixture.example', 'individual', NULL, @c);
CALL fixture_history(@c, 'inact');
UPDATE customers SET status = 'inactive', deactivated_at = '2026-01-15 14:30:00',
       deactivated_by = 'admin', deactivation_reason = 'account_closure',
       deactivation_note = 'Customer asked to close the account by e-mail.',
       updated_at = '2026-01-15 14:30:00'
 WHERE id = @c;
-- ... and the audit row of that deactivation, as the page would have written it.
INSERT INTO audit_log (at, actor, tenant_id, customer_id, subject, action, channel, reason,
                       note, outcome, request_id, bulk_run_id)
SELECT deactivated_at, deactivated_by, tenant_id, id, public_id, 'deactivate', 'page',
       deactivation_reason, deactivation_note, 'ok', NULL, NULL
  FROM customers WHERE id = @c;

-- ... and the notes it keeps: one from before, one after its deactivation.
INSERT INTO customer_notes (tenant_id, customer_id, noted_on, kind, summary, follow_up,
                            created_at, created_by)
VALUES (1, @c, '2026-01-10', 'phone', 'Called to say they are moving abroad and want to close the account.',
        '2026-01-15', '2026-01-10 11:00:00', 'operator'),
       (1, @c, '2026-02-02', 'email', 'Confirmed by e-mail that the last devices were received.',
        NULL, '2026-02-02 09:30:00', 'admin');

-- Hostile text in every field that is shown: must render escaped.
CALL fixture_customer('cus_fixture_xss', 1, '<script>alert(1)</script>', '"><img src=x onerror=alert(2)>',
                      'xss+<b>@fixture.example', 'business', '</td><script>alert(3)</script>', @c);
UPDATE customers SET phone = '<svg onload=alert(4)>',
       custom_fields = JSON_OBJECT('note', '<script>alert(5)</script>') WHERE id = @c;
INSERT INTO customer_notes (tenant_id, customer_id, noted_on, kind, summary, follow_up,
                            created_at, created_by)
VALUES (1, @c, '2026-03-01', 'meeting', '</td><script>alert(6)</script><img src=x onerror=alert(7)>',
        '2026-03-08', '2026-03-01 10:00:00', '<b>operator</b>');

-- Another tenant's customer: invisible to northwind's staff and keys.
CALL fixture_customer('cus_fixture_globex', 2, 'Gina', 'Globex', 'gina.globex@fixture.example',
                      'individual', NULL, @c);
CALL fixture_history(@c, 'glbx');

DROP PROCEDURE fixture_customer;
DROP PROCEDURE fixture_line;
DROP PROCEDURE fixture_history;
