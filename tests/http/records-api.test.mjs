// The API of the records that block a deactivation (issue 14, part 2):
// getOrder, cancelOrder, listSubscriptions, getSubscription,
// cancelSubscription, earlyReturnSubscription, listAssets, getAsset,
// updateAsset, listPayments and getPayment, against the database. Every
// test that changes something makes its own customer and records with SQL
// (tests/sql.mjs insertRecords), so the tests do not depend on each other
// or on the day they run. Every answer is also validated against
// FlexPortal's schemas by the conformance harness (conformance.mjs).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { completeOrder, insertRecords } from '../sql.mjs';
import * as L from './apilib.mjs';

const { sql, sqlOne, q } = L;
const K = {};

before(() => {
  const u = L.uid();
  K.admin = L.createKey({ role: 'admin', label: `recapi-admin-${u}`, rateLimit: 100000 });
  K.operator = L.createKey({ role: 'operator', label: `recapi-operator-${u}`, rateLimit: 100000 });
  K.viewer = L.createKey({ role: 'viewer', label: `recapi-viewer-${u}`, rateLimit: 100000 });
  K.globex = L.createKey({ tenant: 'globex', role: 'admin', label: `recapi-globex-${u}`, rateLimit: 100000 });
});

const call = (p, o = {}) => L.api(p, { key: K.admin.key, ...o });
const post = (p, json, o = {}) => call(p, { method: 'POST', json, ...o });
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function assertError(r, status, code) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status}: ${r.text}`);
  assert.match(r.headers.get('content-type') || '', /^application\/json/);
  assert.equal(r.json.error.code, code, r.text);
  assert.equal(typeof r.json.error.message, 'string');
}

/** A 400 VALIDATION_ERROR naming exactly these members. */
function assertInvalid(r, paths) {
  assertError(r, 400, 'VALIDATION_ERROR');
  assert.deepEqual(r.json.error.details.map((d) => d.path).sort(), [...paths].sort(), r.text);
  for (const d of r.json.error.details) for (const k of ['path', 'message', 'code']) assert.equal(typeof d[k], 'string');
}

/** A customer of its own with one of each blocker: { c, order, sub, serial, payment, paid }. */
function withRecords(o = {}) {
  const c = L.makeCustomer(o.customer || {});
  return { c, ...insertRecords(c.id, c.tenant, L.uid(), o) };
}

/** The audit rows written since id for subject: [action, channel, outcome]. */
function auditSince(id, subject) {
  return sql(`SELECT action, channel, outcome FROM audit_log WHERE id > ${id} AND subject = ${q(subject)} ORDER BY id`);
}

const maxAudit = () => Number(sqlOne('SELECT COALESCE(MAX(id), 0) FROM audit_log'));
const subState = (pid) => sql(`SELECT status, end_date, ended_by, cancel_reason, end_reason_text, end_notes,
  return_condition, early_return_fee FROM subscriptions WHERE public_id = ${q(pid)}`)[0];
const assetState = (sn) => sql(`SELECT status, customer_id, location, notes, returned_on, return_condition,
  return_expected_at IS NOT NULL FROM assets WHERE serial_number = ${q(sn)}`)[0];
const orderState = (pid) => sql(`SELECT status, cancelled_by, cancel_reason FROM orders WHERE public_id = ${q(pid)}`)[0];

// ---- the walk ---------------------------------------------------------------------------------

test('an all-three-blockers customer is cleared through the API alone, then DELETE succeeds', async () => {
  // A fresh copy of cus_fixture_all_three's situation: an active rental
  // with its device out, made for a partial order (two phones, one rented),
  // and a confirmed order.
  const c = L.makeCustomer();
  const u = L.uid();
  const [partial, confirmed, sub, sn] = [`ord_wp${u}`, `ord_wc${u}`, `sub_w${u}`, `SN-W${u.toUpperCase()}`];
  sql(`INSERT INTO orders (public_id, tenant_id, customer_id, status, currency, created_at)
         VALUES (${q(partial)}, 1, ${c.id}, 'partial', 'EUR', '2025-03-01 10:00:00');
       INSERT INTO order_items (order_id, sku, product_name, quantity, unit_price, contract_length)
         VALUES (LAST_INSERT_ID(), 'T-PHN', 'Test phone', 2, 30.00, 24);
       SET @line = LAST_INSERT_ID();
       INSERT INTO orders (public_id, tenant_id, customer_id, status, currency, created_at)
         VALUES (${q(confirmed)}, 1, ${c.id}, 'confirmed', 'EUR', '2025-03-02 10:00:00');
       INSERT INTO order_items (order_id, sku, product_name, quantity, unit_price, contract_length)
         VALUES (LAST_INSERT_ID(), 'T-LAP', 'Test laptop', 1, 50.00, 36);
       INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
         VALUES (${q(sn)}, 1, 'T-PHN', 'Test phone', 'rented_out', ${c.id}, 300.00);
       INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_item_id, asset_serial, status,
           monthly_amount, start_date, created_at)
         VALUES (${q(sub)}, 1, ${c.id}, @line, ${q(sn)}, 'active', 30.00, '2025-03-05', '2025-03-05 10:00:00')`);
  sql([partial, confirmed].map((o) => completeOrder(`(SELECT id FROM orders WHERE public_id = ${q(o)})`)).join(';\n'));
  const blocked = await call(`/v1/customers/${c.pid}`, { method: 'DELETE' });
  assert.equal(blocked.status, 409, blocked.text);
  assert.deepEqual(blocked.json.error.details.map((d) => d.code),
    ['CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS', 'CUSTOMER_HAS_PENDING_ORDERS', 'CUSTOMER_HAS_UNRETURNED_DEVICES']);

  // what a script sees first
  const subs = await call(`/v1/subscriptions?customerId=${c.pid}&status=active`);
  assert.deepEqual(subs.json.rentals.map((s) => [s.rentalId, s.assetSerialNumber, s.orderId, s.sku, s.contractLength]),
    [[sub, sn, partial, 'T-PHN', 24]]);
  const assets = await call(`/v1/assets?customerId=${c.pid}&status=rented_out`);
  assert.deepEqual(assets.json.assets.map((x) => [x.serialNumber, x.rentalId, x.customerId]), [[sn, sub, c.pid]]);

  const a0 = maxAudit();
  const cancel = await post(`/v1/subscriptions/${sub}/cancel`, { rentalId: sub, reason: 'customer_request', notes: 'Moving abroad' });
  assert.equal(cancel.status, 200, cancel.text);
  assert.equal(cancel.json.success, true);
  assert.equal(cancel.json.assetSerialNumber, sn);
  assert.equal(cancel.json.previousStatus, 'active');
  assert.match(cancel.json.cancelledAt, ISO);
  // the device is still out, now expected back: the asset update returns it
  assert.deepEqual(assetState(sn).slice(0, 2), ['rented_out', c.id]);
  assert.equal(assetState(sn)[6], '1');
  const ret = await call(`/v1/assets/${sn}`, { method: 'PUT', json: { status: 'returned', location: 'Utrecht depot', returnCondition: 'good' } });
  assert.equal(ret.status, 200, ret.text);
  assert.equal(ret.json.asset.status, 'returned');
  assert.equal(ret.json.asset.customerId, undefined);
  assert.equal(ret.json.asset.location, 'Utrecht depot');

  const conf = await post(`/v1/orders/${confirmed}/cancel`, { reason: 'Customer changed their mind' });
  assert.equal(conf.status, 200, conf.text);
  assert.deepEqual([conf.json.success, conf.json.orderId, conf.json.status], [true, confirmed, 'cancelled']);
  // the partial order keeps its rental: its unrented phone is cancelled, it is fulfilled
  const part = await post(`/v1/orders/${partial}/cancel`, {});
  assert.equal(part.status, 200, part.text);
  assert.equal(part.json.status, 'fulfilled');
  assert.equal(sqlOne(`SELECT cancelled_quantity FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.public_id = ${q(partial)}`), '1');

  const del = await call(`/v1/customers/${c.pid}`, { method: 'DELETE' });
  assert.equal(del.status, 200, del.text);
  assert.equal(L.statusOf(c.pid), 'inactive');
  // one audit row per action, each naming its record, by this key over the API
  for (const [subject, action] of [[sub, 'subscription_cancel'], [sn, 'device_returned'], [confirmed, 'order_cancel'], [partial, 'order_cancel']])
    assert.deepEqual(auditSince(a0, subject), [[action, 'api', 'ok']], subject);
  assert.equal(sqlOne(`SELECT COUNT(*) FROM audit_log WHERE id > ${a0} AND subject = ${q(c.pid)} AND action = 'deactivate' AND outcome = 'ok'`), '1');
});

// ---- orders -----------------------------------------------------------------------------------

test('GET /v1/orders/{orderId}: the list\'s order object; unknown and another tenant\'s ids are 404', async () => {
  for (const pid of ['cus_fixture_all_three', 'cus_fixture_pending_order']) {
    const list = await call(`/v1/orders?customerId=${pid}`);
    assert.ok(list.json.orders.length > 0);
    for (const o of list.json.orders) {
      const one = await call(`/v1/orders/${o.orderId}`);
      assert.equal(one.status, 200, one.text);
      assert.deepEqual(one.json, o);
    }
  }
  const g = L.makeCustomer({ tenant: 2 });
  const gr = insertRecords(g.id, 2, L.uid());
  assertError(await call(`/v1/orders/${gr.order}`), 404, 'NOT_FOUND');
  assertError(await call('/v1/orders/ord_doesnotexist'), 404, 'NOT_FOUND');
  assertError(await call('/v1/orders/cus_fixture_clean'), 400, 'VALIDATION_ERROR');
  // and the other tenant's own key sees it
  assert.equal((await call(`/v1/orders/${gr.order}`, { key: K.globex.key, tenant: 'globex' })).status, 200);
});

test('POST /v1/orders/{orderId}/cancel: cancelled once with its reason, then ALREADY_CANCELLED; a fulfilled order is ORDER_NOT_CANCELLABLE; every attempt audited', async () => {
  const r = withRecords();
  const a0 = maxAudit();
  const ok = await post(`/v1/orders/${r.order}/cancel`, { reason: 'Created in error' });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(Object.keys(ok.json).sort(), ['message', 'orderId', 'status', 'success']);
  assert.deepEqual(orderState(r.order), ['cancelled', `api:${K.admin.label}`, 'Created in error']);
  assertError(await post(`/v1/orders/${r.order}/cancel`, {}), 400, 'ALREADY_CANCELLED');
  // an empty body is FlexPortal's "no reason"
  const f = withRecords({ orderStatus: 'fulfilled' });
  const before = orderState(f.order);
  assertError(await call(`/v1/orders/${f.order}/cancel`, { method: 'POST' }), 400, 'ORDER_NOT_CANCELLABLE');
  assert.deepEqual(orderState(f.order), before);
  assertError(await post('/v1/orders/ord_nosuchorder1/cancel', {}), 404, 'NOT_FOUND');
  assert.deepEqual(auditSince(a0, r.order), [['order_cancel', 'api', 'ok'], ['order_cancel', 'api', 'ALREADY_CANCELLED']]);
  assert.deepEqual(auditSince(a0, f.order), [['order_cancel', 'api', 'ORDER_NOT_CANCELLABLE']]);
  assert.deepEqual(auditSince(a0, 'ord_nosuchorder1'), [['order_cancel', 'api', 'NOT_FOUND']]);
  const changes = JSON.parse(sqlOne(`SELECT changes FROM audit_log WHERE id > ${a0} AND subject = ${q(r.order)} AND outcome = 'ok'`));
  assert.deepEqual(changes[0], { field: 'status', old: 'pending', new: 'cancelled' });
});

test('POST /v1/orders/{orderId}/cancel: bad bodies are 400 naming each member (or 415), and change nothing', async () => {
  const r = withRecords();
  const a0 = maxAudit();
  assertInvalid(await post(`/v1/orders/${r.order}/cancel`, { reason: 'x'.repeat(1001) }), ['reason']);
  assertInvalid(await post(`/v1/orders/${r.order}/cancel`, { reason: 5, extra: true }), ['reason', 'extra']);
  assertInvalid(await post(`/v1/orders/${r.order}/cancel`, ['reason']), ['']);
  assertInvalid(await call(`/v1/orders/${r.order}/cancel`, { method: 'POST', body: '{"reason":', headers: { 'Content-Type': 'application/json' } }), ['']);
  assertError(await call(`/v1/orders/${r.order}/cancel`, { method: 'POST', body: 'reason=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  assert.equal(orderState(r.order)[0], 'pending');
  assert.deepEqual(auditSince(a0, r.order), []);
  // 1000 characters (of any script) are taken
  const ok = await post(`/v1/orders/${r.order}/cancel`, { reason: 'é'.repeat(1000) });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(sqlOne(`SELECT CHAR_LENGTH(cancel_reason) FROM orders WHERE public_id = ${q(r.order)}`), '1000');
  // its audit row keeps the first 497 characters (whole ones: a cut inside a
  // character would make the database refuse the row and the action with it)
  assert.equal(sqlOne(`SELECT note FROM audit_log WHERE id > ${a0} AND subject = ${q(r.order)} AND outcome = 'ok'`), 'é'.repeat(497));
});

// ---- subscriptions ----------------------------------------------------------------------------

test('GET /v1/subscriptions: the envelope, each filter against SQL, and a walk with limit=1 that sees each row once', async () => {
  const r = withRecords();
  const ended = `sub_e${L.uid()}`;
  sql(`INSERT INTO subscriptions (public_id, tenant_id, customer_id, status, monthly_amount, start_date, end_date, created_at)
       VALUES (${q(ended)}, 1, ${r.c.id}, 'ended_completed', 5.00, '2023-01-01', '2024-01-01', '2023-01-01 00:00:00')`);
  const all = await call(`/v1/subscriptions?customerId=${r.c.pid}`);
  assert.equal(all.status, 200, all.text);
  assert.deepEqual(Object.keys(all.json).sort(), ['count', 'hasMore', 'limit', 'nextCursor', 'rentals']);
  assert.deepEqual(all.json.rentals.map((s) => s.rentalId), [ended, r.sub]);
  assert.deepEqual([all.json.count, all.json.limit, all.json.hasMore, all.json.nextCursor], [2, 50, false, null]);
  const s = all.json.rentals[1];
  assert.deepEqual([s.status, s.assetSerialNumber, s.customerId, s.monthlyAmount, s.currency, s.startDate, s.customerEmail, s.orderId],
    ['active', r.serial, r.c.pid, 10, 'EUR', '2025-01-15', r.c.email, '']);
  assert.equal(s.customerName, sqlOne(`SELECT full_name FROM customers WHERE id = ${r.c.id}`));
  assert.equal(all.json.rentals[0].actualMonthsRented, 12);
  assert.equal(all.json.rentals[0].endDate, '2024-01-01');
  const only = async (qs) => (await call(`/v1/subscriptions?${qs}`)).json.rentals.map((x) => x.rentalId);
  assert.deepEqual(await only(`customerId=${r.c.pid}&status=active`), [r.sub]);
  assert.deepEqual(await only(`customerId=${r.c.pid}&status=cancelled`), []);
  assert.deepEqual(await only(`serialNumber=${r.serial}`), [r.sub]);
  assert.deepEqual(await only('customerId=cus_nosuchcustomer'), []);
  // orderId: the fixture's rental order
  assert.deepEqual(await only('orderId=ord_fixture_all_rental'),
    sql("SELECT s.public_id FROM subscriptions s JOIN orders o ON o.id = s.order_id WHERE o.public_id = 'ord_fixture_all_rental' ORDER BY s.id DESC").map((x) => x[0]));
  // every active subscription of the tenant, one page at a time, newest first
  const want = sql("SELECT public_id FROM subscriptions WHERE tenant_id = 1 AND status = 'ended_completed' ORDER BY id DESC LIMIT 7").map((x) => x[0]);
  const seen = [];
  let url = '/v1/subscriptions?status=ended_completed&limit=1';
  while (seen.length < 7) {
    const page = await call(url);
    assert.equal(page.status, 200, page.text);
    assert.equal(page.json.rentals.length, 1);
    seen.push(page.json.rentals[0].rentalId);
    if (!page.json.hasMore) break;
    url = `/v1/subscriptions?status=ended_completed&limit=1&startAfter=${encodeURIComponent(page.json.nextCursor)}`;
  }
  assert.deepEqual(seen, want);
  // a cursor of another list is refused
  const orders = await call('/v1/orders?limit=1');
  assertInvalid(await call(`/v1/subscriptions?startAfter=${encodeURIComponent(orders.json.nextCursor)}`), ['startAfter']);
  for (const bad of ['status=open', 'limit=0', 'limit=101', 'orderId=cus_x', 'serialNumber=a%20b', 'customerId=ord_x'])
    assertError(await call(`/v1/subscriptions?${bad}`), 400, 'VALIDATION_ERROR');
  // another tenant's are not there
  assert.deepEqual(await only('customerId=cus_fixture_globex'), []);
});

test('GET /v1/subscriptions/{id}: one rental; another tenant\'s is 404', async () => {
  const r = withRecords();
  const one = await call(`/v1/subscriptions/${r.sub}`);
  assert.equal(one.status, 200, one.text);
  const list = await call(`/v1/subscriptions?serialNumber=${r.serial}`);
  assert.deepEqual(one.json, list.json.rentals[0]);
  const g = L.makeCustomer({ tenant: 2 });
  const gr = insertRecords(g.id, 2, L.uid());
  assertError(await call(`/v1/subscriptions/${gr.sub}`), 404, 'NOT_FOUND');
  assertError(await call('/v1/subscriptions/sub_nosuchrental'), 404, 'NOT_FOUND');
});

test('POST /v1/subscriptions/{id}/cancel: ends it, cancels its pending payments, expects its device back; then ALREADY_CANCELLED; an ended one ALREADY_ENDED', async () => {
  const r = withRecords();
  const a0 = maxAudit();
  const res = await post(`/v1/subscriptions/${r.sub}/cancel`, { rentalId: r.sub, reason: 'payment_failure', notes: 'Card expired' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(Object.keys(res.json).sort(), ['assetSerialNumber', 'cancelledAt', 'message', 'previousStatus', 'rentalId', 'success']);
  const st = subState(r.sub);
  assert.deepEqual([st[0], st[2], st[3], st[5]], ['cancelled', `api:${K.admin.label}`, 'payment_failure', 'Card expired']);
  // (the day it ended, as the row's own timestamp says: no dependence on when the test reads it)
  assert.equal(st[1], sqlOne(`SELECT DATE(ended_at) FROM subscriptions WHERE public_id = ${q(r.sub)}`));
  assert.equal(sqlOne(`SELECT status FROM payments WHERE public_id = ${q(r.payment)}`), 'cancelled');
  assert.equal(sqlOne(`SELECT status FROM payments WHERE public_id = ${q(r.paid)}`), 'paid');
  assert.deepEqual(assetState(r.serial).slice(0, 2), ['rented_out', r.c.id]);
  assert.equal(assetState(r.serial)[6], '1');
  const got = await call(`/v1/subscriptions/${r.sub}`);
  assert.deepEqual(got.json.cancellationDetails, {
    reason: 'payment_failure', notes: 'Card expired', processedBy: { userId: `api:${K.admin.label}` }, cancelledAt: res.json.cancelledAt,
  });
  assertError(await post(`/v1/subscriptions/${r.sub}/cancel`, { rentalId: r.sub, reason: 'other' }), 400, 'ALREADY_CANCELLED');
  assertError(await post(`/v1/subscriptions/${r.sub}/early-return`, { rentalId: r.sub, reason: 'x', returnCondition: 'good' }), 400, 'SUBSCRIPTION_NOT_ACTIVE');
  const ended = `sub_e${L.uid()}`;
  sql(`INSERT INTO subscriptions (public_id, tenant_id, customer_id, status, monthly_amount, start_date, end_date, created_at)
       VALUES (${q(ended)}, 1, ${r.c.id}, 'ended_completed', 5.00, '2023-01-01', '2024-01-01', '2023-01-01 00:00:00')`);
  assertError(await post(`/v1/subscriptions/${ended}/cancel`, { rentalId: ended, reason: 'other' }), 400, 'ALREADY_ENDED');
  assertError(await post('/v1/subscriptions/sub_nosuchrental/cancel', { rentalId: 'sub_nosuchrental', reason: 'other' }), 404, 'NOT_FOUND');
  assert.deepEqual(auditSince(a0, r.sub), [['subscription_cancel', 'api', 'ok'], ['subscription_cancel', 'api', 'ALREADY_CANCELLED'],
    ['early_return', 'api', 'SUBSCRIPTION_NOT_ACTIVE']]);
  assert.deepEqual(auditSince(a0, ended), [['subscription_cancel', 'api', 'ALREADY_ENDED']]);
  assert.deepEqual(auditSince(a0, 'sub_nosuchrental'), [['subscription_cancel', 'api', 'NOT_FOUND']]);
});

test('POST /v1/subscriptions/{id}/cancel and early-return: bad bodies are 400 naming every bad member, and change nothing', async () => {
  const r = withRecords();
  const a0 = maxAudit();
  const before = [subState(r.sub), assetState(r.serial)];
  const c = (json) => post(`/v1/subscriptions/${r.sub}/cancel`, json);
  assertInvalid(await c({}), ['rentalId', 'reason']);
  assertInvalid(await c({ rentalId: 'sub_someotherone', reason: 'fraud' }), ['rentalId']);
  assertInvalid(await c({ rentalId: r.sub, reason: 'bored' }), ['reason']);
  assertInvalid(await c({ rentalId: r.sub, reason: 'fraud', notes: 'n'.repeat(1001) }), ['notes']);
  assertInvalid(await c({ rentalId: r.sub, reason: 'fraud', force: true }), ['force']);
  assertError(await call(`/v1/subscriptions/${r.sub}/cancel`, { method: 'POST' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  const e = (json) => post(`/v1/subscriptions/${r.sub}/early-return`, json);
  assertInvalid(await e({ rentalId: r.sub }), ['returnCondition', 'reason']);
  assertInvalid(await e({ rentalId: r.sub, returnCondition: 'mint', reason: '' }), ['returnCondition', 'reason']);
  assertInvalid(await e({ rentalId: r.sub, returnCondition: 'good', reason: 'r', earlyReturnFee: '10' }), ['earlyReturnFee']);
  assertInvalid(await e({ rentalId: r.sub, returnCondition: 'good', reason: 'r', earlyReturnFee: 1.005 }), ['earlyReturnFee']);
  // a negative fee is FlexPortal's INVALID_FEE, alone or with the other problems
  const neg = await e({ rentalId: r.sub, returnCondition: 'good', reason: 'r', earlyReturnFee: -5 });
  assertError(neg, 400, 'INVALID_FEE');
  assert.deepEqual(neg.json.error.details.map((d) => d.path), ['earlyReturnFee']);
  assertInvalid(await e({ rentalId: r.sub, returnCondition: 'new', reason: 'r', earlyReturnFee: -5 }), ['returnCondition', 'earlyReturnFee']);
  assert.deepEqual([subState(r.sub), assetState(r.serial)], before);
  assert.deepEqual(auditSince(a0, r.sub), []);
});

test('POST /v1/subscriptions/{id}/early-return: ends it with its condition and fee (a pending payment), its device expected back', async () => {
  const r = withRecords();
  const a0 = maxAudit();
  const res = await post(`/v1/subscriptions/${r.sub}/early-return`, {
    rentalId: r.sub, returnCondition: 'damaged', earlyReturnFee: 49.5, reason: 'Relocating', damageAssessment: 'Cracked screen', notes: 'Courier booked',
  });
  assert.equal(res.status, 200, res.text);
  const today = sqlOne(`SELECT DATE(ended_at) FROM subscriptions WHERE public_id = ${q(r.sub)}`);
  assert.deepEqual([res.json.success, res.json.rentalId, res.json.assetSerialNumber, res.json.earlyReturnFee, res.json.currency, res.json.returnDate],
    [true, r.sub, r.serial, 49.5, 'EUR', today]);
  assert.equal(res.json.actualMonthsRented, Number(sqlOne(`SELECT TIMESTAMPDIFF(MONTH, '2025-01-15', ${q(today)})`)));
  const st = subState(r.sub);
  assert.deepEqual([st[0], st[4], st[5], st[6], st[7]],
    ['ended_early_return', 'Relocating', 'Courier booked\nDamage assessment: Cracked screen', 'damaged', '49.50']);
  assert.deepEqual(sql(`SELECT amount, status FROM payments WHERE public_id = ${q(res.json.feePaymentId)}`), [['49.50', 'pending']]);
  assert.equal(sqlOne(`SELECT status FROM payments WHERE public_id = ${q(r.payment)}`), 'cancelled');
  assert.equal(assetState(r.serial)[6], '1');
  const got = (await call(`/v1/subscriptions/${r.sub}`)).json;
  assert.deepEqual({ ...got.earlyReturnDetails, returnedAt: 'x' }, {
    fee: 49.5, feeWaived: false, calculationMethod: 'manual_override', returnCondition: 'damaged', reason: 'Relocating',
    notes: 'Courier booked\nDamage assessment: Cracked screen', processedBy: { userId: `api:${K.admin.label}` }, returnedAt: 'x',
  });
  assert.match(got.earlyReturnDetails.returnedAt, ISO);
  assert.deepEqual(auditSince(a0, r.sub), [['early_return', 'api', 'ok']]);
  // without a fee: no payment, waived
  const z = withRecords();
  const nofee = await post(`/v1/subscriptions/${z.sub}/early-return`, { rentalId: z.sub, returnCondition: 'good', reason: 'r' });
  assert.equal(nofee.status, 200, nofee.text);
  assert.equal(nofee.json.earlyReturnFee, 0);
  assert.equal(nofee.json.feePaymentId, undefined);
  assert.equal((await call(`/v1/subscriptions/${z.sub}`)).json.earlyReturnDetails.feeWaived, true);
});

// ---- assets -----------------------------------------------------------------------------------

test('GET /v1/assets: filters against SQL, by serial number, and a walk with limit=2', async () => {
  const r = withRecords();
  const mine = await call(`/v1/assets?customerId=${r.c.pid}`);
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(Object.keys(mine.json).sort(), ['assets', 'count', 'hasMore', 'limit', 'nextCursor']);
  assert.deepEqual(mine.json.assets.map((x) => [x.serialNumber, x.status, x.sku, x.productName, x.customerId, x.rentalId]),
    [[r.serial, 'rented_out', 'T-DEV-1', 'Test device', r.c.pid, r.sub]]);
  const ids = async (qs) => (await call(`/v1/assets?${qs}`)).json.assets.map((x) => x.serialNumber);
  assert.deepEqual(await ids(`rentalId=${r.sub}`), [r.serial]);
  assert.deepEqual(await ids(`rentalId=sub_nosuchrental`), []);
  assert.deepEqual(await ids(`customerId=${r.c.pid}&status=returned`), []);
  const sku = sql("SELECT serial_number FROM assets WHERE tenant_id = 1 AND sku = 'FW-LAP-14' ORDER BY serial_number LIMIT 100").map((x) => x[0]);
  assert.deepEqual(await ids('sku=FW-LAP-14&limit=100'), sku);
  const want = sql("SELECT serial_number FROM assets WHERE tenant_id = 1 AND status = 'returned' ORDER BY serial_number LIMIT 6").map((x) => x[0]);
  const seen = [];
  let url = '/v1/assets?status=returned&limit=2';
  while (seen.length < 6) {
    const page = (await call(url)).json;
    seen.push(...page.assets.map((x) => x.serialNumber));
    if (!page.hasMore) break;
    url = `/v1/assets?status=returned&limit=2&startAfter=${encodeURIComponent(page.nextCursor)}`;
  }
  assert.deepEqual(seen, want);
  assert.deepEqual(await ids('customerId=cus_fixture_globex'), []);
  for (const bad of ['status=lost', 'sku=a%27b', 'rentalId=ord_x', 'limit=x'])
    assertError(await call(`/v1/assets?${bad}`), 400, 'VALIDATION_ERROR');
  const one = await call(`/v1/assets/${r.serial}`);
  assert.deepEqual(one.json, mine.json.assets[0]);
  const g = L.makeCustomer({ tenant: 2 });
  const gr = insertRecords(g.id, 2, L.uid());
  assertError(await call(`/v1/assets/${gr.serial}`), 404, 'NOT_FOUND');
  assertError(await call('/v1/assets/SN-NO-SUCH-DEVICE'), 404, 'NOT_FOUND');
});

test('PUT /v1/assets/{serialNumber}: ASSET_IN_USE while rented, INVALID_STATUS for rented_out, a return takes it off the customer, then ALREADY_RETURNED', async () => {
  const r = withRecords();
  const a0 = maxAudit();
  const before = assetState(r.serial);
  assertError(await call(`/v1/assets/${r.serial}`, { method: 'PUT', json: { status: 'returned' } }), 409, 'ASSET_IN_USE');
  assertError(await call(`/v1/assets/${r.serial}`, { method: 'PUT', json: { status: 'rented_out' } }), 400, 'INVALID_STATUS');
  assert.deepEqual(assetState(r.serial), before);
  // the rental ends: now it can come back, with the asset object sent back as GET gave it
  assert.equal((await post(`/v1/subscriptions/${r.sub}/cancel`, { rentalId: r.sub, reason: 'other' })).status, 200);
  const asset = (await call(`/v1/assets/${r.serial}`)).json;
  assert.equal(asset.rentalId, undefined);
  const put = await call(`/v1/assets/${r.serial}`, { method: 'PUT', json: { ...asset, status: 'returned', location: 'Depot 3', notes: 'Boxed', condition: 'Minor scratches', returnCondition: 'fair' } });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual([put.json.success, put.json.asset.status, put.json.asset.customerId, put.json.asset.location, put.json.asset.notes],
    [true, 'returned', undefined, 'Depot 3', 'Boxed\nCondition: Minor scratches']);
  assert.deepEqual(assetState(r.serial), ['returned', null, 'Depot 3', 'Boxed\nCondition: Minor scratches',
    sqlOne(`SELECT DATE(updated_at) FROM assets WHERE serial_number = ${q(r.serial)}`), 'fair', '0']);
  assertError(await call(`/v1/assets/${r.serial}`, { method: 'PUT', json: { status: 'returned' } }), 400, 'ALREADY_RETURNED');
  const avail = await call(`/v1/assets/${r.serial}`, { method: 'PUT', json: { status: 'available' } });
  assert.equal(avail.status, 200, avail.text);
  assertError(await call('/v1/assets/SN-NO-SUCH-DEVICE', { method: 'PUT', json: { status: 'sold' } }), 404, 'NOT_FOUND');
  assert.deepEqual(auditSince(a0, r.serial).map((x) => [x[0], x[2]]), [['device_returned', 'ASSET_IN_USE'], ['device_status', 'INVALID_STATUS'],
    ['device_returned', 'ok'], ['device_returned', 'ALREADY_RETURNED'], ['device_available', 'ok']]);
  assert.deepEqual(auditSince(a0, 'SN-NO-SUCH-DEVICE'), [['device_sold', 'api', 'NOT_FOUND']]);
});

test('PUT /v1/assets/{serialNumber}: bad bodies are 400 naming every bad member, and change nothing', async () => {
  const r = withRecords();
  sql(`UPDATE subscriptions SET status = 'cancelled' WHERE public_id = ${q(r.sub)}`);
  const a0 = maxAudit();
  const before = assetState(r.serial);
  const put = (json) => call(`/v1/assets/${r.serial}`, { method: 'PUT', json });
  assertInvalid(await put({}), ['status']);
  assertInvalid(await put({ status: 'broken' }), ['status']);
  assertInvalid(await put({ status: 'returned', location: 'l'.repeat(201), notes: 'n'.repeat(1001) }), ['location', 'notes']);
  assertInvalid(await put({ status: 'returned', sku: 'OTHER-SKU', serialNumber: 'SN-OTHER', tenantId: 'globex' }), ['sku', 'serialNumber', 'tenantId']);
  assertInvalid(await put({ status: 'returned', returnCondition: 'shiny', colour: 'red' }), ['returnCondition', 'colour']);
  assertError(await call(`/v1/assets/${r.serial}`, { method: 'PUT', body: '{}', headers: { 'Content-Type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  assert.deepEqual(assetState(r.serial), before);
  assert.deepEqual(auditSince(a0, r.serial), []);
});

// ---- payments ---------------------------------------------------------------------------------

test('GET /v1/payments and /v1/payments/{id}: FlexPortal\'s payment with each filter against SQL', async () => {
  const r = withRecords();
  const mine = await call(`/v1/payments?customerId=${r.c.pid}`);
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(Object.keys(mine.json).sort(), ['count', 'hasMore', 'limit', 'nextCursor', 'payments', 'success']);
  assert.deepEqual(mine.json.payments.map((p) => p.paymentId), [r.paid, r.payment]);
  const p = mine.json.payments[1];
  assert.deepEqual([p.customerId, p.rentalId, p.amount, p.total, p.subtotal, p.currency, p.status, p.dueDate, p.billingPeriod, p.paidAt, p.paymentType],
    [r.c.pid, r.sub, 10, 10, 10, 'EUR', 'pending', '2025-02-15', '2025-02', null, 'individual']);
  assert.equal(mine.json.payments[0].paidAt, '2025-01-16T00:00:00Z');
  const ids = async (qs) => (await call(`/v1/payments?${qs}`)).json.payments.map((x) => x.paymentId);
  assert.deepEqual(await ids(`customerId=${r.c.pid}&status=paid`), [r.paid]);
  assert.deepEqual(await ids(`rentalId=${r.sub}`), [r.paid, r.payment]);
  assert.deepEqual(await ids(`rentalId=${r.sub}&dueDateFrom=2025-02-15`), [r.payment]);
  assert.deepEqual(await ids(`rentalId=${r.sub}&dueDateTo=2025-02-14`), [r.paid]);
  assert.deepEqual(await ids(`rentalId=${r.sub}&dueDateFrom=2025-01-15&dueDateTo=2025-02-15`), [r.paid, r.payment]);
  assert.deepEqual(await ids(`customerId=${r.c.pid}&billingGroupId=bg_1`), []);
  const failed = sql("SELECT public_id FROM payments WHERE tenant_id = 1 AND status = 'failed' ORDER BY id DESC LIMIT 5").map((x) => x[0]);
  const seen = [];
  let url = '/v1/payments?status=failed&limit=2';
  while (seen.length < 5) {
    const page = (await call(url)).json;
    seen.push(...page.payments.map((x) => x.paymentId));
    if (!page.hasMore) break;
    url = `/v1/payments?status=failed&limit=2&startAfter=${encodeURIComponent(page.nextCursor)}`;
  }
  assert.deepEqual(seen.slice(0, 5), failed);
  for (const bad of ['status=late', 'dueDateFrom=2025-13-01', 'dueDateTo=yesterday', 'rentalId=pay_x', 'billingGroupId=a%20b'])
    assertError(await call(`/v1/payments?${bad}`), 400, 'VALIDATION_ERROR');
  const one = await call(`/v1/payments/${r.payment}`);
  assert.equal(one.status, 200, one.text);
  assert.deepEqual(one.json, { success: true, payment: p });
  const g = L.makeCustomer({ tenant: 2 });
  const gr = insertRecords(g.id, 2, L.uid());
  assertError(await call(`/v1/payments/${gr.payment}`), 404, 'NOT_FOUND');
  assert.deepEqual(await ids(`rentalId=${gr.sub}`), []);
});

// ---- roles and tenants ------------------------------------------------------------------------

test('a viewer key may read the records but every write is 403 INSUFFICIENT_PERMISSIONS, audited, and changes nothing', async () => {
  const r = withRecords();
  const a0 = maxAudit();
  const before = [orderState(r.order), subState(r.sub), assetState(r.serial)];
  const v = { key: K.viewer.key };
  for (const p of [`/v1/orders/${r.order}`, `/v1/subscriptions/${r.sub}`, `/v1/assets/${r.serial}`, `/v1/payments/${r.payment}`,
    '/v1/subscriptions', '/v1/assets', '/v1/payments'])
    assert.equal((await call(p, v)).status, 200, p);
  const writes = [
    [`/v1/orders/${r.order}/cancel`, 'POST', {}, r.order, 'order_cancel'],
    [`/v1/subscriptions/${r.sub}/cancel`, 'POST', { rentalId: r.sub, reason: 'other' }, r.sub, 'subscription_cancel'],
    [`/v1/subscriptions/${r.sub}/early-return`, 'POST', { rentalId: r.sub, reason: 'r', returnCondition: 'good' }, r.sub, 'early_return'],
    [`/v1/assets/${r.serial}`, 'PUT', { status: 'sold' }, r.serial, 'device_status'],
  ];
  for (const [p, method, json] of writes) assertError(await call(p, { ...v, method, json }), 403, 'INSUFFICIENT_PERMISSIONS');
  assert.deepEqual([orderState(r.order), subState(r.sub), assetState(r.serial)], before);
  assert.deepEqual(sql(`SELECT subject, action, outcome, actor FROM audit_log WHERE id > ${a0} AND subject IN (${[r.order, r.sub, r.serial].map(q).join(', ')}) ORDER BY id`),
    writes.map(([, , , subject, action]) => [subject, action, 'INSUFFICIENT_PERMISSIONS', `api:${K.viewer.label}`]));
  // an operator key may write
  assert.equal((await post(`/v1/orders/${r.order}/cancel`, {}, { key: K.operator.key })).status, 200);
});

test('another tenant\'s records are 404 on every read and write, and unchanged', async () => {
  const g = L.makeCustomer({ tenant: 2 });
  const gr = insertRecords(g.id, 2, L.uid());
  const before = [orderState(gr.order), subState(gr.sub), assetState(gr.serial)];
  for (const [p, method, json] of [
    [`/v1/orders/${gr.order}`, 'GET'],
    [`/v1/orders/${gr.order}/cancel`, 'POST', {}],
    [`/v1/subscriptions/${gr.sub}`, 'GET'],
    [`/v1/subscriptions/${gr.sub}/cancel`, 'POST', { rentalId: gr.sub, reason: 'fraud' }],
    [`/v1/subscriptions/${gr.sub}/early-return`, 'POST', { rentalId: gr.sub, reason: 'r', returnCondition: 'good' }],
    [`/v1/assets/${gr.serial}`, 'GET'],
    [`/v1/assets/${gr.serial}`, 'PUT', { status: 'unavailable' }],
    [`/v1/payments/${gr.payment}`, 'GET'],
  ]) assertError(await call(p, { method, json }), 404, 'NOT_FOUND');
  assert.deepEqual([orderState(gr.order), subState(gr.sub), assetState(gr.serial)], before);
  // and the lists do not show them
  for (const p of [`/v1/subscriptions?serialNumber=${gr.serial}`, `/v1/assets?rentalId=${gr.sub}`, `/v1/payments?rentalId=${gr.sub}`]) {
    const r = await call(p);
    assert.equal(r.json.count, 0, p);
  }
});
