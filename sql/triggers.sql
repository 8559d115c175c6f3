-- Lifecycle rules enforced in the database, and the aggregates the lists
-- sort on. Loaded after the demo data (which computes the aggregates
-- set-based). Every program that writes orders obeys SPEC rule 6 because the
-- check lives here.
--
-- Race freedom: each guard writes the customer row (guard_version) on the
-- condition that it is active, which takes its exclusive lock and checks
-- the status in one statement. A deactivation
-- holds that row's lock from its first statement to its commit, so an order
-- insert either takes the lock first (and its order then blocks the
-- deactivation's re-check) or waits and then sees 'inactive' and is refused.
-- On a Galera cluster locks are local to a node, but both transactions
-- write the customer row, so certification lets only one of them commit
-- (the other gets a deadlock error; the app retries a deactivation, which
-- then sees the order). A plain FOR UPDATE read would not: a locking read
-- is not part of the write-set.

DELIMITER //

DROP PROCEDURE IF EXISTS customer_guard//
-- The guard of every write that needs the customer to be active: one
-- UPDATE that both takes the row's lock and checks the status, so there is
-- no separate read (a read inside the guard could wait on wsrep_sync_wait
-- while holding the lock a Galera applier needs). A customer id that does
-- not exist is refused the same way, before the foreign key would.
CREATE PROCEDURE customer_guard(IN cid BIGINT UNSIGNED)
BEGIN
  UPDATE customers SET guard_version = guard_version + 1
   WHERE id = cid AND status = 'active';
  IF ROW_COUNT() = 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'CUSTOMER_INACTIVE';
  END IF;
END//

DROP PROCEDURE IF EXISTS closure_due//
-- A change that clears one of a customer's blockers marks its pending
-- closure request due, in the same transaction: the job workers then try
-- the deactivation (domain/closures.c). One index lookup when there is none.
CREATE PROCEDURE closure_due(IN cid BIGINT UNSIGNED)
BEGIN
  UPDATE closure_requests SET due_at = UTC_TIMESTAMP(3) WHERE pending_customer = cid;
END//

DROP PROCEDURE IF EXISTS customer_words_put//
-- Adds (keep) or removes (NOT keep) the rows of one customer's words (its
-- words column, sql/schema.sql: " word word ..."), in the caller's
-- transaction: a renamed customer is found by the new name and not by the
-- old from the moment the rename commits. Each word once (a word can be
-- in the name and the e-mail): every old word's row is then there to be
-- deleted, and every new one is not, so each write is one primary-key
-- record lock, never a gap lock (on a missing row) that another
-- customer's new word would wait for. Only a write of this customer's row,
-- whose lock the caller holds, changes its words. Words of one character
-- are not kept.
CREATE PROCEDURE customer_words_put(IN tid INT UNSIGNED, IN cid BIGINT UNSIGNED,
                                    IN words TEXT, IN keep BOOLEAN)
BEGIN
  DECLARE rest TEXT DEFAULT TRIM(COALESCE(words, ''));
  DECLARE seen TEXT DEFAULT ' ';
  DECLARE tok VARCHAR(800);
  DECLARE w VARCHAR(64);
  WHILE rest <> '' DO
    SET tok = SUBSTRING_INDEX(rest, ' ', 1);
    SET rest = SUBSTRING(rest, CHAR_LENGTH(tok) + 2);
    SET w = LEFT(tok, 64);
    IF CHAR_LENGTH(w) >= 2 AND LOCATE(CONCAT(' ', w, ' '), seen) = 0 THEN
      SET seen = CONCAT(seen, w, ' ');
      IF keep THEN
        INSERT IGNORE INTO customer_words (tenant_id, word, customer_id)
        VALUES (tid, w, cid);
      ELSE
        DELETE FROM customer_words
         WHERE tenant_id = tid AND word = w AND customer_id = cid;
      END IF;
    END IF;
  END WHILE;
END//

DROP TRIGGER IF EXISTS customers_ai//
CREATE TRIGGER customers_ai AFTER INSERT ON customers FOR EACH ROW
BEGIN
  CALL customer_words_put(NEW.tenant_id, NEW.id, NEW.words, TRUE);
  INSERT INTO customer_counts (tenant_id, status, customer_type, shard, n)
  VALUES (NEW.tenant_id, NEW.status, NEW.customer_type, NEW.id % 16, 1)
  ON DUPLICATE KEY UPDATE n = n + 1;
END//

-- Both count rows change in one statement, which locks them in index order,
-- so a deactivation and a reactivation cannot deadlock on the counters.
DROP TRIGGER IF EXISTS customers_au//
CREATE TRIGGER customers_au AFTER UPDATE ON customers FOR EACH ROW
BEGIN
  -- the words change with the names, company and e-mail (the collation's
  -- equality: a change of case or accent only keeps the same words)
  IF NOT (NEW.words <=> OLD.words AND NEW.tenant_id = OLD.tenant_id) THEN
    CALL customer_words_put(OLD.tenant_id, OLD.id, OLD.words, FALSE);
    -- an erased customer's placeholders are no words to find it by (its id
    -- still finds it): every erasure would grow the same few postings
    IF NEW.erased_at IS NULL THEN
      CALL customer_words_put(NEW.tenant_id, NEW.id, NEW.words, TRUE);
    END IF;
  END IF;
  IF NEW.status <> OLD.status OR NEW.customer_type <> OLD.customer_type THEN
    INSERT IGNORE INTO customer_counts (tenant_id, status, customer_type, shard, n)
    VALUES (NEW.tenant_id, NEW.status, NEW.customer_type, NEW.id % 16, 0);
    UPDATE customer_counts
       SET n = n
             - (status = OLD.status AND customer_type = OLD.customer_type)
             + (status = NEW.status AND customer_type = NEW.customer_type)
     WHERE tenant_id = NEW.tenant_id AND shard = NEW.id % 16
       AND ((status = OLD.status AND customer_type = OLD.customer_type)
         OR (status = NEW.status AND customer_type = NEW.customer_type));
  END IF;
END//

-- A new order: the customer must be active; its total starts at 0 because
-- it is the sum of its lines (order_items_ai adds each line); the addresses
-- not given are the customer's current ones of each kind (shipping falls
-- back to billing); created_by names the database account when the writer
-- did not say who; updated_at starts at created_at.
DROP TRIGGER IF EXISTS orders_bi//
CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW
BEGIN
  CALL customer_guard(NEW.customer_id);
  SET NEW.total = 0;
  IF NEW.billing_address_id IS NULL THEN
    SET NEW.billing_address_id = (SELECT a.id FROM addresses a
      WHERE a.customer_id = NEW.customer_id AND a.kind = 'billing' ORDER BY a.id DESC LIMIT 1);
  END IF;
  IF NEW.shipping_address_id IS NULL THEN
    SET NEW.shipping_address_id = COALESCE((SELECT a.id FROM addresses a
      WHERE a.customer_id = NEW.customer_id AND a.kind = 'shipping' ORDER BY a.id DESC LIMIT 1),
      NEW.billing_address_id);
  END IF;
  IF NEW.created_by = '' THEN
    SET NEW.created_by = SUBSTRING_INDEX(USER(), '@', 1);
  END IF;
  IF NEW.updated_at IS NULL THEN
    SET NEW.updated_at = NEW.created_at;
  END IF;
END//

DROP TRIGGER IF EXISTS orders_ai//
CREATE TRIGGER orders_ai AFTER INSERT ON orders FOR EACH ROW
BEGIN
  UPDATE customers SET total_orders = total_orders + 1 WHERE id = NEW.customer_id;
END//

-- An order may move back into flight (e.g. cancelled -> pending), or move
-- to another customer while in flight (a merge), only for an active
-- customer.
DROP TRIGGER IF EXISTS orders_bu//
CREATE TRIGGER orders_bu BEFORE UPDATE ON orders FOR EACH ROW
BEGIN
  IF NEW.status IN ('pending','confirmed','partial')
     AND (OLD.status NOT IN ('pending','confirmed','partial')
          OR NEW.customer_id <> OLD.customer_id) THEN
    CALL customer_guard(NEW.customer_id);
  END IF;
  -- a change of status is an update of the order (unless the writer says when)
  IF NEW.status <> OLD.status AND NEW.updated_at <=> OLD.updated_at THEN
    SET NEW.updated_at = UTC_TIMESTAMP();
  END IF;
END//

-- orders.total is the sum of the order's lines: each line written moves it
-- by its own amount, in the same statement (so concurrent lines of one
-- order queue on the order row and none is lost). A line belongs to its
-- order's tenant.
-- An order leaving flight may clear the last blocker of a pending closure.
DROP TRIGGER IF EXISTS orders_au//
CREATE TRIGGER orders_au AFTER UPDATE ON orders FOR EACH ROW
BEGIN
  -- an order moved to another customer (a merge) counts there
  IF NEW.customer_id <> OLD.customer_id THEN
    UPDATE customers SET total_orders = total_orders - 1 WHERE id = OLD.customer_id;
    UPDATE customers SET total_orders = total_orders + 1 WHERE id = NEW.customer_id;
  END IF;
  IF OLD.status IN ('pending','confirmed','partial')
     AND NEW.status NOT IN ('pending','confirmed','partial') THEN
    CALL closure_due(NEW.customer_id);
  END IF;
END//

DROP TRIGGER IF EXISTS order_items_bi//
CREATE TRIGGER order_items_bi BEFORE INSERT ON order_items FOR EACH ROW
BEGIN
  SET NEW.tenant_id = (SELECT o.tenant_id FROM orders o WHERE o.id = NEW.order_id);
END//

DROP TRIGGER IF EXISTS order_items_ai//
CREATE TRIGGER order_items_ai AFTER INSERT ON order_items FOR EACH ROW
BEGIN
  UPDATE orders SET total = total + (NEW.quantity - NEW.cancelled_quantity) * NEW.unit_price
   WHERE id = NEW.order_id;
END//

DROP TRIGGER IF EXISTS order_items_bu//
CREATE TRIGGER order_items_bu BEFORE UPDATE ON order_items FOR EACH ROW
BEGIN
  IF NEW.order_id <> OLD.order_id OR NEW.tenant_id <> OLD.tenant_id THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ORDER_ITEM_MOVED';
  END IF;
END//

DROP TRIGGER IF EXISTS order_items_au//
CREATE TRIGGER order_items_au AFTER UPDATE ON order_items FOR EACH ROW
BEGIN
  UPDATE orders SET total = total - (OLD.quantity - OLD.cancelled_quantity) * OLD.unit_price
                           + (NEW.quantity - NEW.cancelled_quantity) * NEW.unit_price
   WHERE id = NEW.order_id;
END//

-- The application may not delete (sql/grants.sql); an administrator's
-- delete still keeps the total right.
DROP TRIGGER IF EXISTS order_items_ad//
CREATE TRIGGER order_items_ad AFTER DELETE ON order_items FOR EACH ROW
BEGIN
  UPDATE orders SET total = total - (OLD.quantity - OLD.cancelled_quantity) * OLD.unit_price
   WHERE id = OLD.order_id;
END//

DROP TRIGGER IF EXISTS subscriptions_bi//
CREATE TRIGGER subscriptions_bi BEFORE INSERT ON subscriptions FOR EACH ROW
BEGIN
  -- a rental made for an order line belongs to that line's order
  IF NEW.order_item_id IS NOT NULL THEN
    IF NEW.order_id IS NULL THEN
      SET NEW.order_id = (SELECT i.order_id FROM order_items i WHERE i.id = NEW.order_item_id);
    ELSEIF NOT NEW.order_id <=> (SELECT i.order_id FROM order_items i
                                  WHERE i.id = NEW.order_item_id) THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ORDER_ITEM_MISMATCH';
    END IF;
  END IF;
  IF NEW.status = 'active' THEN
    CALL customer_guard(NEW.customer_id);
  END IF;
END//

DROP TRIGGER IF EXISTS subscriptions_ai//
CREATE TRIGGER subscriptions_ai AFTER INSERT ON subscriptions FOR EACH ROW
BEGIN
  IF NEW.status = 'active' THEN
    UPDATE customers SET mrr_cents = mrr_cents + ROUND(NEW.monthly_amount * 100)
     WHERE id = NEW.customer_id;
  END IF;
END//

DROP TRIGGER IF EXISTS subscriptions_bu//
CREATE TRIGGER subscriptions_bu BEFORE UPDATE ON subscriptions FOR EACH ROW
BEGIN
  IF NEW.status = 'active'
     AND (OLD.status <> 'active' OR NEW.customer_id <> OLD.customer_id) THEN
    CALL customer_guard(NEW.customer_id);
  END IF;
END//

DROP TRIGGER IF EXISTS subscriptions_au//
CREATE TRIGGER subscriptions_au AFTER UPDATE ON subscriptions FOR EACH ROW
BEGIN
  IF OLD.status = 'active' THEN
    UPDATE customers SET mrr_cents = mrr_cents - ROUND(OLD.monthly_amount * 100)
     WHERE id = OLD.customer_id;
    IF NEW.status <> 'active' THEN
      CALL closure_due(OLD.customer_id);
    END IF;
  END IF;
  IF NEW.status = 'active' THEN
    UPDATE customers SET mrr_cents = mrr_cents + ROUND(NEW.monthly_amount * 100)
     WHERE id = NEW.customer_id;
  END IF;
END//

DROP TRIGGER IF EXISTS assets_bi//
CREATE TRIGGER assets_bi BEFORE INSERT ON assets FOR EACH ROW
BEGIN
  IF NEW.status = 'rented_out' AND NEW.customer_id IS NOT NULL THEN
    CALL customer_guard(NEW.customer_id);
  END IF;
END//

DROP TRIGGER IF EXISTS assets_ai//
CREATE TRIGGER assets_ai AFTER INSERT ON assets FOR EACH ROW
BEGIN
  IF NEW.status = 'rented_out' AND NEW.customer_id IS NOT NULL THEN
    UPDATE customers SET devices_out = devices_out + 1 WHERE id = NEW.customer_id;
  END IF;
END//

DROP TRIGGER IF EXISTS assets_bu//
CREATE TRIGGER assets_bu BEFORE UPDATE ON assets FOR EACH ROW
BEGIN
  IF NEW.status = 'rented_out' AND NEW.customer_id IS NOT NULL
     AND NOT (OLD.status = 'rented_out' AND OLD.customer_id <=> NEW.customer_id) THEN
    CALL customer_guard(NEW.customer_id);
  END IF;
END//

DROP TRIGGER IF EXISTS assets_au//
CREATE TRIGGER assets_au AFTER UPDATE ON assets FOR EACH ROW
BEGIN
  IF OLD.status = 'rented_out' AND OLD.customer_id IS NOT NULL THEN
    UPDATE customers SET devices_out = devices_out - 1 WHERE id = OLD.customer_id;
    IF NOT (NEW.status = 'rented_out' AND NEW.customer_id <=> OLD.customer_id) THEN
      CALL closure_due(OLD.customer_id);
    END IF;
  END IF;
  IF NEW.status = 'rented_out' AND NEW.customer_id IS NOT NULL THEN
    UPDATE customers SET devices_out = devices_out + 1 WHERE id = NEW.customer_id;
  END IF;
END//

-- The outbox (README "Webhooks"): every change writes its audit row in its
-- own transaction, so the audit row of a completed change ('ok') writes the
-- change's event here, and one delivery for each of the tenant's enabled
-- endpoints that asked for it. A change rolled back takes its audit row and
-- its event with it; a committed one always has both. The data is the
-- envelope's "data": the public ids, who did it, through which channel
-- (page, bulk run, API key) and why.
DROP TRIGGER IF EXISTS audit_log_ai//
CREATE TRIGGER audit_log_ai AFTER INSERT ON audit_log FOR EACH ROW
BEGIN
  -- Only the event row, in the change's transaction: its payload is built
  -- from this (append-only) audit row when it is delivered
  -- (STMT_WEBHOOK_CLAIMED in src/db/webhooks.c), which keeps the cost to
  -- the change small (scripts/measure-webhooks).
  DECLARE ev VARCHAR(40) DEFAULT NULL;
  DECLARE eid BIGINT UNSIGNED;
  IF NEW.outcome = 'ok' THEN
    SET ev = CASE NEW.action
      WHEN 'deactivate' THEN 'customer.deactivated'
      WHEN 'reactivate' THEN 'customer.reactivated'
      WHEN 'edit' THEN 'customer.updated'
      WHEN 'closure_request' THEN 'customer.closure_requested'
      WHEN 'order_cancel' THEN 'order.cancelled'
      WHEN 'subscription_cancel' THEN 'subscription.ended'
      WHEN 'early_return' THEN 'subscription.ended'
      WHEN 'subscription_complete' THEN 'subscription.ended'
      WHEN 'device_returned' THEN 'asset.returned'
      WHEN 'erase' THEN 'customer.erased'
      -- every other action makes no event: the admins' own writes
      -- (webhook_*, retention_policy, api_key_create, api_key_revoke, and
      -- the Operators page's operator_add, operator_role, operator_disable,
      -- operator_enable) are not changes to a customer or a record
      ELSE NULL END;
    -- a merge writes a row per moved record and one per customer: the
    -- duplicate's own row (its status and link changed) is the event
    IF NEW.action = 'merge' AND NEW.customer_id IS NOT NULL
       AND JSON_SEARCH(NEW.changes, 'one', 'mergedInto', NULL, '$[*].field') IS NOT NULL
       AND EXISTS (SELECT 1 FROM customers c WHERE c.id = NEW.customer_id
                      AND c.public_id = NEW.subject AND c.merged_into IS NOT NULL) THEN
      SET ev = 'customer.merged';
    END IF;
  END IF;
  IF ev IS NOT NULL THEN
    INSERT INTO outbox_events (public_id, tenant_id, event, customer_id, audit_id, data, created_at)
    VALUES (CONCAT('evt_', LOWER(HEX(RANDOM_BYTES(10)))), NEW.tenant_id, ev, NEW.customer_id, NEW.id,
      NULL, NEW.at);
    SET eid = LAST_INSERT_ID();
    IF EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.tenant_id = NEW.tenant_id AND e.enabled = 1) THEN
      INSERT INTO webhook_deliveries (event_id, endpoint_id, tenant_id, order_key, next_at, created_at)
      SELECT eid, e.id, e.tenant_id, COALESCE(NEW.customer_id, 0), NEW.at, NEW.at
        FROM webhook_endpoints e
       WHERE e.tenant_id = NEW.tenant_id AND e.enabled = 1
         AND (e.events = '*' OR FIND_IN_SET(ev, e.events) > 0);
    END IF;
  END IF;
END//

-- The erasure of a customer's personal data (README "Personal data"): the
-- one way anything may change in audit_log and customer_notes, which the
-- application's account may otherwise only read and append to
-- (sql/grants.sql grants it EXECUTE on this procedure alone). It runs as
-- its definer. The caller (src/domain/erasure.c) has locked the customer
-- row and checked the rules; the procedure checks again what makes an
-- erasure impossible, so that its grant cannot do more than it says. The
-- e-mail becomes a unique address that cannot be delivered (.invalid,
-- RFC 2606) and the names the placeholders "Erased" "Customer" (FlexPortal
-- wants names that are not empty); ids, amounts, dates and every financial
-- record stay.
DROP PROCEDURE IF EXISTS erase_personal_data//
CREATE PROCEDURE erase_personal_data(IN p_customer BIGINT UNSIGNED, IN p_keep_location BOOLEAN,
                                     IN p_by VARCHAR(100))
  MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  IF NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = p_customer AND c.status = 'inactive'
                    AND c.legal_hold = 0 AND c.erased_at IS NULL) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ERASE_REFUSED';
  END IF;
  UPDATE customers
     SET first_name = 'Erased', last_name = 'Customer', company = NULL, phone = NULL, custom_fields = NULL,
         deactivation_note = NULL, email = CONCAT('erased-', public_id, '@erased.invalid'),
         erased_at = UTC_TIMESTAMP(3), erased_by = p_by, updated_at = UTC_TIMESTAMP()
   WHERE id = p_customer;
  UPDATE addresses
     SET contact_name = NULL, street_address = '', building_info = NULL, locality = NULL,
         company = NULL,
         city = IF(p_keep_location, city, ''), admin_area = IF(p_keep_location, admin_area, NULL),
         postal_code = IF(p_keep_location, postal_code, NULL),
         country = IF(p_keep_location, country, '')
   WHERE customer_id = p_customer;
  UPDATE customer_notes SET summary = '' WHERE customer_id = p_customer;
  UPDATE closure_requests SET note = NULL WHERE customer_id = p_customer;
  UPDATE audit_log SET note = NULL, changes = NULL
   WHERE customer_id = p_customer AND (note IS NOT NULL OR changes IS NOT NULL);
END//

DELIMITER ;
