/**
 * SQL for the test suites (HTTP and browser): runs statements as root in
 * the custodian database of the stack under test (DB_SOCK), to arrange
 * fixtures and to check what a request changed.
 */
import { execFileSync } from 'node:child_process';

function dbSock() {
  const v = process.env.DB_SOCK;
  if (!v) throw new Error('DB_SOCK is not set (run the tests through scripts/check)');
  return v;
}

function unescapeBatch(v) {
  if (v === 'NULL') return null;
  return v.replace(/\\(.)/g, (_, c) => ({ n: '\n', t: '\t', 0: '\0', '\\': '\\' })[c] ?? c);
}

/** Rows of the mariadb client's batch output, as arrays of strings (NULL -> null). */
export function parseBatch(out) {
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t').map(unescapeBatch));
}

/** Runs SQL as root in the custodian database; rows as arrays of strings (NULL -> null). */
export function sql(query) {
  const out = execFileSync(
    'mariadb',
    ['--no-defaults', '--default-character-set=utf8mb4', '-S', dbSock(), '-u', 'root', 'custodian', '-N', '-B', '-e', query],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  return parseBatch(out);
}

/** The single value of a one-row, one-column query. */
export function sqlValue(query) {
  const rows = sql(query);
  if (rows.length !== 1 || rows[0].length !== 1) throw new Error(`expected one value from: ${query}`);
  return rows[0][0];
}

/** A SQL string literal (values in the tests are test-controlled; this is belt and braces). */
export function lit(v) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error('bad number');
    return String(v);
  }
  return "'" + String(v).replace(/\\/g, '\\\\').replace(/\0/g, '\\0').replace(/'/g, "\\'") + "'";
}

/**
 * SQL (statements joined by ";\n") that makes the order just inserted
 * (order: an SQL expression of its id, LAST_INSERT_ID() by default) what
 * Custodian's orders always are, so every answer about it stays valid
 * against FlexPortal's schema: a device line when it has none (the total
 * follows its lines, sql/triggers.sql), and a billing and a shipping
 * address when its customer has none of that kind, which the order points
 * at. Tests that write orders directly append it.
 */
export function completeOrder(order = 'LAST_INSERT_ID()') {
  return [
    `SET @complete_order = ${order}`,
    'SELECT customer_id, tenant_id INTO @complete_customer, @complete_tenant FROM orders WHERE id = @complete_order',
    // (not a SELECT from orders: the line's trigger updates the order's total)
    `INSERT INTO order_items (order_id, sku, product_name, quantity, unit_price, contract_length)
       SELECT @complete_order, 'T-DEV-1', 'Test device', 1, 10.00, 12 FROM DUAL
        WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = @complete_order)`,
    `INSERT INTO addresses (tenant_id, customer_id, kind, contact_name, street_address, city, postal_code, country, created_at)
       SELECT @complete_tenant, @complete_customer, k.kind, 'Test Contact', '1 Test Street', 'Utrecht', '3511 AA', 'NL',
              UTC_TIMESTAMP()
         FROM (SELECT 'billing' AS kind UNION ALL SELECT 'shipping') k
        WHERE NOT EXISTS (SELECT 1 FROM addresses a WHERE a.customer_id = @complete_customer AND a.kind = k.kind)`,
    `UPDATE orders o SET
       billing_address_id = COALESCE(o.billing_address_id,
         (SELECT MAX(a.id) FROM addresses a WHERE a.customer_id = o.customer_id AND a.kind = 'billing')),
       shipping_address_id = COALESCE(o.shipping_address_id,
         (SELECT MAX(a.id) FROM addresses a WHERE a.customer_id = o.customer_id AND a.kind = 'shipping'))
     WHERE o.id = @complete_order`,
  ].join(';\n');
}

/**
 * Gives the customer (internal id, tenant) one of each record that blocks a
 * deactivation, with public ids made of tag: an order in flight (status
 * orderStatus, pending by default) with its line and addresses, a device
 * rented out under an active subscription made for that line (started
 * 2025-01-15, with a pending payment), and a paid payment. Returns
 * { order, sub, serial, payment, paid }.
 */
export function insertRecords(customerId, tenant, tag, { orderStatus = 'pending' } = {}) {
  const ids = {
    order: `ord_r${tag}`, sub: `sub_r${tag}`, serial: `SN-R${tag}`.toUpperCase(),
    payment: `pay_r${tag}`, paid: `pay_rp${tag}`,
  };
  sql([
    `INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
       VALUES (${lit(ids.order)}, ${tenant}, ${customerId}, ${lit(orderStatus)}, 0, 'EUR', '2025-01-10 09:00:00')`,
    completeOrder(),
    `INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost, created_at)
       VALUES (${lit(ids.serial)}, ${tenant}, 'T-DEV-1', 'Test device', 'rented_out', ${customerId}, 400.00, '2025-01-01 08:00:00')`,
    `INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, asset_serial, status, monthly_amount,
         start_date, created_at)
       VALUES (${lit(ids.sub)}, ${tenant}, ${customerId}, NULL, ${lit(ids.serial)}, 'active', 10.00,
         '2025-01-15', '2025-01-15 10:00:00')`,
    `INSERT INTO payments (public_id, tenant_id, customer_id, subscription_id, amount, currency, status, created_at)
       VALUES (${lit(ids.payment)}, ${tenant}, ${customerId}, LAST_INSERT_ID(), 10.00, 'EUR', 'pending', '2025-02-15 00:00:00')`,
    `INSERT INTO payments (public_id, tenant_id, customer_id, subscription_id, amount, currency, status, paid_at, created_at)
       SELECT ${lit(ids.paid)}, ${tenant}, ${customerId}, id, 10.00, 'EUR', 'paid', '2025-01-16 00:00:00', '2025-01-15 00:00:00'
         FROM subscriptions WHERE public_id = ${lit(ids.sub)}`,
  ].join(';\n'));
  return ids;
}

/** Every record of a customer (internal id), by kind, as the database has them. */
export function recordsOf(id) {
  const list = (q) => sql(q).map((r) => r[0]);
  return {
    orders: list(`SELECT public_id FROM orders WHERE customer_id = ${id} ORDER BY id`),
    subscriptions: list(`SELECT public_id FROM subscriptions WHERE customer_id = ${id} ORDER BY id`),
    payments: list(`SELECT public_id FROM payments WHERE customer_id = ${id} ORDER BY id`),
    devices: list(`SELECT serial_number FROM assets WHERE customer_id = ${id} ORDER BY serial_number`),
    addresses: list(`SELECT CAST(id AS CHAR) FROM addresses WHERE customer_id = ${id} ORDER BY id`),
    notes: list(`SELECT CAST(id AS CHAR) FROM customer_notes WHERE customer_id = ${id} ORDER BY id`),
  };
}
