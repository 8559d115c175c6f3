// GET /v1/orders in FlexPortal's shape: lines, totals, rentals, addresses,
// the five sorts in both directions and their cursors — every expected value
// computed independently in SQL (issue 13, deliverables 3 and 4).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './apilib.mjs';

const { sql, sqlOne, q } = L;
let KEY;

before(() => {
  KEY = L.createKey({ role: 'admin', label: `orderstest-${L.uid()}`, rateLimit: 100000 }).key;
});

const call = (p, o = {}) => L.api(p, { key: KEY, ...o });
const ISO_SQL = (c) => `DATE_FORMAT(${c}, '%Y-%m-%dT%H:%i:%sZ')`;
const cents = (x) => Math.round(x * 100);

function assertValidation(r, field) {
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json?.error?.code, 'VALIDATION_ERROR', r.text);
  assert.ok(r.json.error.details.some((d) => d.path === field), `a detail names ${field}: ${r.text}`);
}

// The SQL of each FlexPortal sort: the column, then the id, both in the
// direction asked. status sorts by the ENUM's (lifecycle) order.
const SORT_SQL = {
  createdAt: 'o.created_at',
  updatedAt: 'o.updated_at',
  orderId: 'o.public_id',
  status: 'o.status',
  'totals.total': 'o.total',
};

function dbOrderIds(sortBy, dir, where = '1') {
  return sql(`SELECT o.public_id FROM orders o WHERE o.tenant_id = 1 AND ${where}
               ORDER BY ${SORT_SQL[sortBy]} ${dir}, o.id ${dir}`).map((r) => r[0]);
}

/** Walks the whole list with startAfter = nextCursor; returns the ids in order and the page count. */
async function walk(qs) {
  const ids = [];
  let cursor = null;
  let pages = 0;
  for (;;) {
    const r = await call(`/v1/orders?${qs}${cursor ? `&startAfter=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    pages++;
    ids.push(...r.json.orders.map((x) => x.orderId));
    if (!r.json.hasMore) {
      assert.equal(r.json.nextCursor, null);
      break;
    }
    assert.equal(typeof r.json.nextCursor, 'string');
    cursor = r.json.nextCursor;
    assert.ok(pages < 1000, 'the walk ends');
  }
  return { ids, pages };
}

/** What the database says an order looks like, built from its tables only. */
function dbOrder(pid) {
  const [o] = sql(`SELECT o.id, o.status, o.order_type, o.total, o.currency, ${ISO_SQL('o.created_at')},
                          ${ISO_SQL('o.updated_at')}, o.created_by, c.public_id, c.email, c.first_name,
                          c.last_name, c.company, c.phone, c.customer_type, c.full_name,
                          o.billing_address_id, o.shipping_address_id
                     FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.public_id = ${q(pid)}`);
  const [id, status, orderType, total, currency, createdAt, updatedAt, createdBy, cid, email, first, last,
    company, phone, ctype, fullName, billing, shipping] = o;
  const customer = { customerId: cid, email, firstName: first, lastName: last, customerType: ctype };
  if (company !== null) customer.company = company;
  if (phone !== null) customer.phone = phone;
  const address = (aid) => {
    if (aid === null) return undefined;
    const [a] = sql(`SELECT contact_name, company, building_info, street_address, locality, city, admin_area,
                            postal_code, country FROM addresses WHERE id = ${aid}`);
    const names = ['contactName', 'company', 'buildingInfo', 'streetAddress', 'locality', 'city', 'adminArea',
      'postalCode', 'country'];
    const out = {};
    names.forEach((n, i) => {
      if (a[i] !== null || n === 'postalCode') out[n] = a[i];
    });
    if (out.contactName === undefined) out.contactName = fullName;
    return out;
  };
  const rentals = (where) =>
    sql(`SELECT public_id FROM subscriptions WHERE ${where} ORDER BY id`).map((r) => r[0]);
  const items = sql(`SELECT id, kind, sku, product_name, quantity, unit_price, contract_length
                       FROM order_items WHERE order_id = ${id} ORDER BY id`).map((r) => ({
    kind: r[1],
    line: { sku: r[2], productName: r[3], quantity: Number(r[4]), unitPrice: Number(r[5]),
      contractLength: Number(r[6]), rentalIds: rentals(`order_item_id = ${r[0]}`) },
  }));
  const devices = items.filter((x) => x.kind === 'device').reduce((s, x) => s + x.line.quantity, 0);
  const subtotal = Number(sqlOne(`SELECT COALESCE(SUM(quantity * unit_price), 0) FROM order_items WHERE order_id = ${id}`));
  const rentalIds = rentals(`order_id = ${id}`);
  const want = {
    orderId: pid, tenantId: 'northwind', status, orderType, customer,
    billingAddress: address(billing), shippingAddress: address(shipping),
    items: items.map((x) => x.line),
    totals: { subtotal, total: Number(total), currency, totalDevices: devices },
    rentalProgress: { totalDevices: devices, rentedDevices: rentalIds.length },
    rentalIds, createdAt, updatedAt, createdBy,
    customerId: cid, total: Number(total), currency,
  };
  if (want.billingAddress === undefined) delete want.billingAddress;
  if (want.shippingAddress === undefined) delete want.shippingAddress;
  return want;
}

test('every order\'s total is the sum of its lines, and every demo and fixture order has a device line', () => {
  assert.equal(sqlOne(`SELECT COUNT(*) FROM orders o
    WHERE o.total <> (SELECT COALESCE(SUM(i.quantity * i.unit_price), 0) FROM order_items i WHERE i.order_id = o.id)`), '0');
  assert.equal(sqlOne(`SELECT COUNT(*) FROM orders o
    WHERE (o.public_id LIKE 'ord\\_fixture\\_%' OR o.public_id REGEXP '^ord_[0-9a-f]{10}$')
      AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id AND i.kind = 'device')`), '0');
  // each rental made for a line belongs to that line's order
  assert.equal(sqlOne(`SELECT COUNT(*) FROM subscriptions s JOIN order_items i ON i.id = s.order_item_id
    WHERE NOT s.order_id <=> i.order_id`), '0');
  // lines are in the order's tenant
  assert.equal(sqlOne('SELECT COUNT(*) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.tenant_id <> o.tenant_id'), '0');
});

test('orders answer in FlexPortal\'s shape: lines, totals, rentals, customer and addresses as in the database', async () => {
  const pages = [
    '/v1/orders?sortBy=orderId&sortDir=asc&limit=100',
    '/v1/orders?customerId=cus_fixture_all_three&limit=100',
    '/v1/orders?customerId=cus_fixture_device_out',
    '/v1/orders?customerId=cus_fixture_clean',
  ];
  let seen = 0;
  let withPlan = 0;
  let withRentals = 0;
  for (const p of pages) {
    const r = await call(p);
    assert.equal(r.status, 200, r.text);
    for (const o of r.json.orders) {
      assert.deepEqual(o, dbOrder(o.orderId), o.orderId);
      const sum = o.items.reduce((s, i) => s + cents(i.unitPrice) * i.quantity, 0);
      assert.equal(sum, cents(o.totals.subtotal), `${o.orderId}: the lines add up to the subtotal`);
      assert.equal(sum, cents(o.totals.total), `${o.orderId}: and to the total`);
      assert.ok(o.totals.totalDevices >= 1, `${o.orderId}: FlexPortal requires at least one device`);
      assert.deepEqual(o.items.flatMap((i) => i.rentalIds).sort(), [...o.rentalIds].sort(), o.orderId);
      for (const k of ['company', 'phone']) assert.notEqual(o.customer[k], null, 'absent, not null');
      if (o.items.length > 1) withPlan++;
      if (o.rentalIds.length) withRentals++;
      seen++;
    }
  }
  assert.ok(seen > 100, `enough orders compared (${seen})`);
  assert.ok(withPlan > 0 && withRentals > 0, 'the page has protection plans and rentals');

  // the fixtures, spelled out
  const all = (await call('/v1/orders?customerId=cus_fixture_all_three&sortBy=orderId&sortDir=asc')).json.orders;
  const byId = Object.fromEntries(all.map((o) => [o.orderId, o]));
  const rental = byId.ord_fixture_all_rental;
  assert.deepEqual(rental.items.map((i) => [i.sku, i.quantity, i.unitPrice, i.contractLength, i.rentalIds]), [
    ['FW-CARE-LAP', 1, 7, 36, []],
    ['FW-LAP-14', 1, 59, 36, ['sub_fixture_all']],
  ]);
  assert.deepEqual(rental.totals, { subtotal: 66, total: 66, currency: 'EUR', totalDevices: 1 });
  assert.deepEqual(rental.rentalProgress, { totalDevices: 1, rentedDevices: 1 });
  assert.equal(rental.createdBy, 'admin');
  const partial = byId.ord_fixture_all_partial;
  assert.equal(partial.orderType, 'upgrade');
  assert.deepEqual(partial.rentalProgress, { totalDevices: 2, rentedDevices: 0 });
  assert.equal(partial.totals.total, 78);
  assert.equal(byId.ord_fixture_all_confirmed.orderType, 'extension');
  assert.deepEqual(rental.billingAddress, { contactName: 'Alba Allthree', streetAddress: '1 Fixture Lane', city: 'Amsterdam', postalCode: '1011', country: 'NL' });
  assert.equal(rental.shippingAddress.streetAddress, '2 Fixture Lane');
  assert.deepEqual(rental.customer, { customerId: 'cus_fixture_all_three', email: 'alba.allthree@fixture.example',
    firstName: 'Alba', lastName: 'Allthree', customerType: 'business', company: 'Threefold BV', phone: '+31 20 555 0100' });
});

test('an order written by any program: total from its lines, current addresses, updatedAt and createdBy filled in', async () => {
  const c = L.makeCustomer({ first: 'Lina', last: 'Lines' });
  const pid = `ord_t${L.uid()}`;
  const rows = sql(`INSERT INTO addresses (tenant_id, customer_id, kind, street_address, city, country, created_at)
                      VALUES (1, ${c.id}, 'billing', '9 Order Street', 'Leiden', 'NL', '2025-01-01 00:00:00');
                    SET @b = LAST_INSERT_ID();
                    INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
                      VALUES (${q(pid)}, 1, ${c.id}, 'pending', 999.00, 'EUR', '2025-02-03 04:05:06');
                    SET @o = LAST_INSERT_ID();
                    SELECT total, billing_address_id = @b, shipping_address_id = @b, created_by, ${ISO_SQL('updated_at')}
                      FROM orders WHERE id = @o;
                    INSERT INTO order_items (order_id, sku, product_name, quantity, unit_price, contract_length)
                      VALUES (@o, 'FW-MON-27', 'Monitor 27"', 3, 19.99, 24),
                             (@o, 'FW-CARE-MON', 'Protection plan: Monitor 27"', 3, 3.00, 24);
                    SELECT total FROM orders WHERE id = @o;`);
  // a given total is not taken: it starts at 0 and the lines make it
  assert.deepEqual(rows[0], ['0.00', '1', '1', 'root', '2025-02-03T04:05:06Z']);
  assert.equal(rows[1][0], '68.97');
  const r = await call(`/v1/orders?customerId=${c.pid}`);
  const o = r.json.orders.find((x) => x.orderId === pid);
  assert.deepEqual(o, dbOrder(pid));
  assert.equal(o.totals.total, 68.97);
  assert.equal(o.totals.totalDevices, 6, 'both lines count their units');
  assert.equal(o.billingAddress.streetAddress, '9 Order Street');
  assert.equal(o.billingAddress.contactName, 'Lina Lines', 'no contact name: the customer\'s');
  assert.ok(!('company' in o.billingAddress) && !('buildingInfo' in o.billingAddress), 'absent members are left out');

  // the app account may add lines (never delete them); a rental must belong to its line's order
  const line = sqlOne(`SELECT MIN(i.id) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.public_id = ${q(pid)}`);
  const other = sqlOne(`SELECT id FROM orders WHERE public_id = 'ord_fixture_pending'`);
  assert.throws(() => sql(`INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, order_item_id, status,
      monthly_amount, start_date, created_at)
    VALUES ('sub_t${L.uid()}', 1, ${c.id}, ${other}, ${line}, 'active', 19.99, '2025-02-04', '2025-02-04 00:00:00')`), /ORDER_ITEM_MISMATCH/);
  const sub = `sub_t${L.uid()}`;
  sql(`INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_item_id, status, monthly_amount, start_date, created_at)
       VALUES (${q(sub)}, 1, ${c.id}, ${line}, 'active', 19.99, '2025-02-04', '2025-02-04 00:00:00');
       UPDATE orders SET status = 'partial', updated_at = '2025-02-04 00:00:00' WHERE public_id = ${q(pid)}`);
  const o2 = (await call(`/v1/orders?customerId=${c.pid}`)).json.orders.find((x) => x.orderId === pid);
  assert.deepEqual(o2.rentalIds, [sub]);
  assert.deepEqual(o2.items[0].rentalIds, [sub]);
  assert.deepEqual(o2.rentalProgress, { totalDevices: 6, rentedDevices: 1 });
  assert.equal(o2.status, 'partial');
  assert.equal(o2.updatedAt, '2025-02-04T00:00:00Z');
  sql(`UPDATE subscriptions SET status = 'cancelled', end_date = '2025-02-05' WHERE public_id = ${q(sub)};
       UPDATE orders SET status = 'cancelled', updated_at = '2025-02-05 00:00:00' WHERE public_id = ${q(pid)}`);
});

test('every sortBy x sortDir (and the defaults) orders the list as SQL does, and its cursor walk visits every order once', async () => {
  const total = Number(sqlOne('SELECT COUNT(*) FROM orders WHERE tenant_id = 1'));
  for (const sortBy of Object.keys(SORT_SQL)) {
    for (const dir of ['asc', 'desc', null]) {
      const qs = `sortBy=${encodeURIComponent(sortBy)}${dir ? `&sortDir=${dir}` : ''}&limit=100`;
      const want = dbOrderIds(sortBy, dir === 'asc' ? 'ASC' : 'DESC');
      const first = await call(`/v1/orders?${qs}`);
      assert.deepEqual(first.json.orders.map((o) => o.orderId), want.slice(0, 100), `${qs}: the first page`);
      if (dir === null) continue; // the default is desc: the walk is the desc one
      const { ids, pages } = await walk(qs);
      assert.equal(new Set(ids).size, ids.length, `${qs}: an order came twice`);
      assert.equal(ids.length, total, `${qs}: every order`);
      assert.deepEqual(ids, want, `${qs}: in SQL's order`);
      assert.ok(pages > 1);
    }
  }
  // no sortBy at all: createdAt desc
  const plain = await call('/v1/orders?limit=100');
  assert.deepEqual(plain.json.orders.map((o) => o.orderId), dbOrderIds('createdAt', 'DESC').slice(0, 100));
});

test('sorts combine with the status and customer filters', async () => {
  for (const sortBy of Object.keys(SORT_SQL)) {
    for (const dir of ['asc', 'desc']) {
      const { ids } = await walk(`status=fulfilled&sortBy=${encodeURIComponent(sortBy)}&sortDir=${dir}&limit=100`);
      assert.deepEqual(ids, dbOrderIds(sortBy, dir.toUpperCase(), "o.status = 'fulfilled'"), `${sortBy} ${dir} fulfilled`);
      const { ids: mine } = await walk(`customerId=cus_fixture_all_three&sortBy=${encodeURIComponent(sortBy)}&sortDir=${dir}&limit=1`);
      assert.deepEqual(mine, dbOrderIds(sortBy, dir.toUpperCase(),
        "o.customer_id = (SELECT id FROM customers WHERE public_id = 'cus_fixture_all_three')"), `${sortBy} ${dir} one customer`);
    }
  }
});

test('bad sortBy or sortDir: 400 VALIDATION_ERROR naming the field; a cursor of another sort is refused', async () => {
  for (const v of ['bogus', 'lastName', 'totalMonthlyRevenue', 'total', 'createdat', 'totals.subtotal'])
    assertValidation(await call(`/v1/orders?sortBy=${encodeURIComponent(v)}`), 'sortBy');
  for (const v of ['up', 'ASC', 'descending'])
    assertValidation(await call(`/v1/orders?sortDir=${v}`), 'sortDir');
  const both = await call('/v1/orders?sortBy=price&sortDir=up');
  assertValidation(both, 'sortBy');
  assertValidation(both, 'sortDir');
  // the customers' sortBy is still the customers' own
  assertValidation(await call('/v1/customers?sortBy=updatedAt'), 'sortBy');
  assert.equal((await call('/v1/customers?sortBy=lastName&limit=1')).status, 200);

  const cursorOf = async (qs) => (await call(`/v1/orders?${qs}&limit=2`)).json.nextCursor;
  const created = await cursorOf('sortBy=createdAt&sortDir=desc');
  assert.equal((await call(`/v1/orders?sortBy=createdAt&sortDir=desc&limit=2&startAfter=${encodeURIComponent(created)}`)).status, 200);
  assert.equal((await call(`/v1/orders?limit=2&startAfter=${encodeURIComponent(created)}`)).status, 200, 'the defaults are createdAt desc');
  for (const other of ['sortBy=createdAt&sortDir=asc', 'sortBy=updatedAt', 'sortBy=orderId&sortDir=desc', 'sortBy=status', 'sortBy=totals.total'])
    assertValidation(await call(`/v1/orders?${other}&startAfter=${encodeURIComponent(created)}`), 'startAfter');
  const total = await cursorOf('sortBy=totals.total&sortDir=asc');
  assertValidation(await call(`/v1/orders?sortBy=status&sortDir=asc&startAfter=${encodeURIComponent(total)}`), 'startAfter');
  const customers = (await call('/v1/customers?limit=1')).json.nextCursor;
  assertValidation(await call(`/v1/orders?startAfter=${encodeURIComponent(customers)}`), 'startAfter');
});

// ---- the customer page shows what was ordered --------------------------------------------

const decode = (s) => L.decodeEntities(s.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();

/** The lines the customer page shows for an order: [quantity, product, sku, unit price, months]. */
function pageLines(html, pid) {
  const row = new RegExp(`<tr id="order-${pid}">([\\s\\S]*?)</tr>`).exec(html);
  assert.ok(row, `the page has a row for ${pid}`);
  return [...row[1].matchAll(/<li class="order-line">([\s\S]*?)<\/li>/g)].map((m) => {
    const t = decode(m[1]);
    const x = /^(\d+) × (.+) (\S+): (.+)\/month for (\d+) months$/.exec(t);
    assert.ok(x, `a line reads "quantity × product sku: price/month for n months": ${t}`);
    return [Number(x[1]), x[2], x[3], x[4], Number(x[5])];
  });
}

const euro = (v) => `€${Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function dbLines(pid) {
  return sql(`SELECT i.quantity, i.product_name, i.sku, i.unit_price, i.contract_length
                FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.public_id = ${q(pid)} ORDER BY i.id`)
    .map((r) => [Number(r[0]), r[1], r[2], euro(r[3]), Number(r[4])]);
}

test('the customer page lists each order\'s lines (product, sku, quantity, unit price, contract length), escaped', async () => {
  const r = await L.page('/customers/cus_fixture_all_three');
  assert.equal(r.status, 200);
  for (const pid of ['ord_fixture_all_rental', 'ord_fixture_all_confirmed', 'ord_fixture_all_partial', 'ord_all_hist'])
    assert.deepEqual(pageLines(r.text, pid), dbLines(pid), pid);
  assert.deepEqual(pageLines(r.text, 'ord_fixture_all_partial'), [
    [2, 'Phone 6"', 'FW-PHN-6', '€36.00', 24],
    [2, 'Protection plan: Phone 6"', 'FW-CARE-PHN', '€3.00', 24],
  ]);

  // a busy demo customer: every order shown, every line of it
  const busy = sqlOne(`SELECT c.public_id FROM customers c WHERE c.tenant_id = 1 AND c.total_orders >= 3
                         AND EXISTS (SELECT 1 FROM orders o JOIN order_items i ON i.order_id = o.id
                                      WHERE o.customer_id = c.id AND i.kind = 'protection')
                       ORDER BY c.id LIMIT 1`);
  const page = await L.page(`/customers/${busy}`);
  const orders = sql(`SELECT o.public_id FROM orders o JOIN customers c ON c.id = o.customer_id
                       WHERE c.public_id = ${q(busy)} ORDER BY o.id DESC LIMIT 20`).map((x) => x[0]);
  assert.ok(orders.length >= 3);
  for (const pid of orders) assert.deepEqual(pageLines(page.text, pid), dbLines(pid), `${busy} ${pid}`);

  // hostile product names and SKUs are escaped by the template
  const c = L.makeCustomer({ first: 'Esc', last: 'Aped' });
  const pid = `ord_t${L.uid()}`;
  sql(`INSERT INTO orders (public_id, tenant_id, customer_id, status, currency, created_at)
         VALUES (${q(pid)}, 1, ${c.id}, 'pending', 'EUR', '2025-03-01 00:00:00');
       INSERT INTO order_items (order_id, sku, product_name, quantity, unit_price, contract_length)
         VALUES (LAST_INSERT_ID(), '<b>SKU', '<script>alert(6)</script> & "Co"', 1, 5.00, 12)`);
  const x = await L.page(`/customers/${c.pid}`);
  assert.ok(!x.text.includes('<script>alert(6)'), 'no raw script');
  assert.ok(!x.text.includes('<b>SKU'), 'no raw markup');
  assert.deepEqual(pageLines(x.text, pid), [[1, '<script>alert(6)</script> & "Co"', '<b>SKU', '€5.00', 12]]);
  sql(`UPDATE orders SET status = 'cancelled' WHERE public_id = ${q(pid)}`);
});
