// Issue 14 deliverable 1: the actions that clear a deactivation's blockers,
// by page. Cancel an order in flight (a partial one keeps its rentals),
// end a subscription (cancel, early return), record what happened to a
// device (returned, sold, lost). Each has its confirmation page saying what
// will change, CSRF, operator/admin only, one audit row per attempt naming
// the record, and a 303 back to the checklist, which then shows the line as
// passed. Every record here is made by the test with SQL; expected values
// come from SQL, never from today's date.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, post, sql, sqlValue, lit, csrfFrom, forgeCsrf, nowSeconds, errorCode, mainOf, textOf, between, createCustomer,
  customerState, flashCookie,
} from './lib.mjs';
import { completeOrder } from '../sql.mjs';

/**
 * A customer of tenant 1 blocked by all three checks, the way they arise:
 *   sub_<tag>_r   active rental of device SN-<TAG>-R (rented out), from order ord_<tag>_f (fulfilled),
 *                 with payments pay_<tag>_paid (paid), _pend1 and _pend2 (pending), _proc (processing)
 *   ord_<tag>_p   a pending order (one line, 1 unit)
 *   ord_<tag>_pt  a partial order: 2 units of a device line, 1 rented (sub_<tag>_pt1, device SN-<TAG>-PT1),
 *                 and a protection line
 */
function blockedCustomer(opts = {}) {
  const c = createCustomer({ tenant: opts.tenant ?? 1 });
  const t = c.tag;
  const T = t.toUpperCase();
  const cur = (opts.tenant ?? 1) === 2 ? 'USD' : 'EUR';
  const ten = opts.tenant ?? 1;
  sql(`SET @c = ${c.id};
    INSERT INTO orders (public_id, tenant_id, customer_id, status, currency, created_at)
      VALUES ('ord_${t}_f', ${ten}, @c, 'fulfilled', '${cur}', UTC_TIMESTAMP() - INTERVAL 100 DAY);
    SET @of = LAST_INSERT_ID();
    INSERT INTO order_items (order_id, sku, product_name, quantity, unit_price, contract_length)
      VALUES (@of, 'FW-RT-1', 'Race tablet', 1, 30.00, 12);
    SET @if = LAST_INSERT_ID();
    INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
      VALUES ('SN-${T}-R', ${ten}, 'FW-RT-1', 'Race tablet', 'rented_out', @c, 400.00);
    INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, order_item_id, asset_serial, status,
        monthly_amount, start_date, created_at)
      VALUES ('sub_${t}_r', ${ten}, @c, @of, @if, 'SN-${T}-R', 'active', 30.00, UTC_DATE() - INTERVAL 100 DAY,
        UTC_TIMESTAMP() - INTERVAL 100 DAY);
    SET @s = LAST_INSERT_ID();
    INSERT INTO payments (public_id, tenant_id, customer_id, subscription_id, amount, currency, status, paid_at, created_at)
      VALUES ('pay_${t}_paid', ${ten}, @c, @s, 30.00, '${cur}', 'paid', UTC_TIMESTAMP() - INTERVAL 70 DAY, UTC_TIMESTAMP() - INTERVAL 70 DAY),
             ('pay_${t}_pend1', ${ten}, @c, @s, 30.00, '${cur}', 'pending', NULL, UTC_TIMESTAMP() - INTERVAL 10 DAY),
             ('pay_${t}_pend2', ${ten}, @c, @s, 30.00, '${cur}', 'pending', NULL, UTC_TIMESTAMP() - INTERVAL 9 DAY),
             ('pay_${t}_proc', ${ten}, @c, @s, 30.00, '${cur}', 'processing', NULL, UTC_TIMESTAMP() - INTERVAL 40 DAY);
    INSERT INTO orders (public_id, tenant_id, customer_id, status, currency, created_at)
      VALUES ('ord_${t}_p', ${ten}, @c, 'pending', '${cur}', UTC_TIMESTAMP());
    INSERT INTO order_items (order_id, sku, product_name, quantity, unit_price, contract_length)
      VALUES (LAST_INSERT_ID(), 'FW-RT-2', 'Race phone', 1, 20.00, 24);
    INSERT INTO orders (public_id, tenant_id, customer_id, status, currency, created_at)
      VALUES ('ord_${t}_pt', ${ten}, @c, 'partial', '${cur}', UTC_TIMESTAMP() - INTERVAL 2 DAY);
    SET @op = LAST_INSERT_ID();
    INSERT INTO order_items (order_id, kind, sku, product_name, quantity, unit_price, contract_length)
      VALUES (@op, 'device', 'FW-RT-3', 'Race laptop', 2, 50.00, 24);
    SET @ip = LAST_INSERT_ID();
    INSERT INTO order_items (order_id, kind, sku, product_name, quantity, unit_price, contract_length)
      VALUES (@op, 'protection', 'FW-CARE-3', 'Protection plan', 2, 5.00, 24);
    INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
      VALUES ('SN-${T}-PT1', ${ten}, 'FW-RT-3', 'Race laptop', 'rented_out', @c, 900.00);
    INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, order_item_id, asset_serial, status,
        monthly_amount, start_date, created_at)
      VALUES ('sub_${t}_pt1', ${ten}, @c, @op, @ip, 'SN-${T}-PT1', 'active', 50.00, UTC_DATE() - INTERVAL 1 DAY,
        UTC_TIMESTAMP() - INTERVAL 1 DAY);
    ${completeOrder('@of')}; ${completeOrder('@op')};`);
  return {
    ...c,
    sub: `sub_${t}_r`, device: `SN-${T}-R`, pending: `ord_${t}_p`, partial: `ord_${t}_pt`, fulfilled: `ord_${t}_f`,
    partialSub: `sub_${t}_pt1`, partialDevice: `SN-${T}-PT1`,
    pay: { paid: `pay_${t}_paid`, pend1: `pay_${t}_pend1`, pend2: `pay_${t}_pend2`, proc: `pay_${t}_proc` },
  };
}

const one = (q) => sql(q)[0];
const orderRow = (id) => {
  const [status, total, by, reason, at] = one(`SELECT status, total, cancelled_by, cancel_reason, cancelled_at IS NOT NULL
                                                FROM orders WHERE public_id = ${lit(id)}`);
  return { status, total, by, reason, at: at === '1' };
};
const subRow = (id) => {
  const [status, end, reason, cond, fee, by, today] = one(`SELECT status, end_date, cancel_reason, return_condition,
      early_return_fee, ended_by, DATE(ended_at) FROM subscriptions WHERE public_id = ${lit(id)}`);
  return { status, endIsToday: end === today, reason, cond, fee, by };
};
const assetRow = (serial) => {
  const [status, cust, on, cond, expected, notes] = one(`SELECT status, customer_id, returned_on, return_condition,
      return_expected_at IS NOT NULL, notes FROM assets WHERE serial_number = ${lit(serial)}`);
  return { status, customer: cust, returnedOn: on, cond, expected: expected === '1', notes };
};
const payStatus = (id) => sqlValue(`SELECT status FROM payments WHERE public_id = ${lit(id)}`);
const aggregates = (id) => {
  const [mrr, dev, mrrSql, devSql] = one(`SELECT mrr_cents, devices_out,
      (SELECT COALESCE(ROUND(SUM(monthly_amount) * 100), 0) FROM subscriptions WHERE customer_id = c.id AND status = 'active'),
      (SELECT COUNT(*) FROM assets WHERE customer_id = c.id AND status = 'rented_out')
      FROM customers c WHERE c.id = ${Number(id)}`);
  return { mrr: Number(mrr), dev: Number(dev), mrrSql: Number(mrrSql), devSql: Number(devSql) };
};

/** The audit rows of a record, with their changes parsed. */
function recordAudit(record, where = '') {
  return sql(`SELECT actor, customer_id, action, channel, outcome, note, changes, request_id FROM audit_log
               WHERE subject = ${lit(record)} ${where} ORDER BY id`).map(
    ([actor, customerId, action, channel, outcome, note, changes, requestId]) => ({
      actor, customerId, action, channel, outcome, note, changes: changes ? JSON.parse(changes) : null, requestId,
    }),
  );
}

const PATHS = {
  order: (id) => `/orders/${id}/cancel`,
  cancel: (id) => `/subscriptions/${id}/cancel`,
  early: (id) => `/subscriptions/${id}/early-return`,
  device: (id) => `/devices/${id}/status`,
};

/** A valid token for a form that is not shown (the record's state refuses it). */
const tokenFor = (user, action, subject) => forgeCsrf({ user, action, subject, expiry: nowSeconds() + 600 });

/** The plan of a confirmation page as text, one "field: old → new" per change. */
const planOf = (html) => [...between(html, '<ul class="changes plan">', '</ul>').matchAll(/<li>([\s\S]*?)<\/li>/g)]
  .map((m) => textOf(m[1]).replace(/\s+:/, ':')).join('\n');

async function act(user, path, form) {
  const page = await get(user, path);
  assert.equal(page.status, 200, `GET ${path}: ${errorCode(page.text)}`);
  return post(user, path, { csrf: csrfFrom(page.text), ...form });
}

/** The checklist's lines as {title: 'passed'|'failed'}. */
async function checklist(user, publicId) {
  const r = await get(user, `/customers/${publicId}/deactivate`);
  assert.equal(r.status, 200);
  const list = between(r.text, '<ol class="checklist">', '</ol>');
  const out = {};
  for (const m of list.matchAll(/<li class="(passed|failed)">[\s\S]*?<strong>([^<]+)<\/strong>/g)) out[m[2]] = m[1];
  return { lines: out, html: r.text };
}

function expectRedirectToChecklist(r, c, flash) {
  assert.equal(r.status, 303, errorCode(r.text));
  assert.equal(r.headers.get('location'), `/customers/${c.publicId}/deactivate`);
  assert.equal(flashCookie(r)?.code, flash);
}

describe('the checklist and the customer page link every blocker to its action', () => {
  test('operator: each blocking record has its action links; viewer: none', async () => {
    const c = blockedCustomer();
    const { html } = await checklist('operator', c.publicId);
    const hrefs = [...html.matchAll(/<a class="act" href="([^"]+)"/g)].map((m) => m[1]).sort();
    assert.deepEqual(hrefs, [
      PATHS.device(c.device), PATHS.device(c.partialDevice), PATHS.order(c.partial), PATHS.order(c.pending),
      PATHS.early(c.sub), PATHS.early(c.partialSub), PATHS.cancel(c.sub), PATHS.cancel(c.partialSub),
    ].sort());
    const page = await get('operator', `/customers/${c.publicId}`);
    for (const h of hrefs) assert.ok(page.text.includes(`href="${h}"`), `the customer page links ${h}`);
    for (const where of [`/customers/${c.publicId}/deactivate`, `/customers/${c.publicId}`]) {
      const v = await get('viewer', where);
      assert.equal(v.status, 200);
      assert.ok(!/class="act"/.test(v.text), `no action links for a viewer on ${where}`);
    }
  });
});

describe('confirmation pages say exactly what will change', () => {
  test('subscription cancel: status, end date, each pending payment, the device coming back; the processing one named as left alone', async () => {
    const c = blockedCustomer();
    const r = await get('operator', PATHS.cancel(c.sub));
    assert.equal(r.status, 200);
    const plan = planOf(r.text);
    for (const want of ['status: active → cancelled', `payments[${c.pay.pend1}].status: pending → cancelled`,
      `payments[${c.pay.pend2}].status: pending → cancelled`, `assets[${c.device}].returnExpected`]) {
      assert.ok(plan.includes(want), `the plan says "${want}": ${plan}`);
    }
    assert.ok(!plan.includes(c.pay.paid) && !plan.includes(c.pay.proc), 'paid and processing payments are not changed');
    assert.match(textOf(mainOf(r.text)), /1 payment already with the payment provider \(processing\) is left as it is/);
    assert.equal(subRow(c.sub).status, 'active', 'a GET changes nothing');
  });

  test('a partial order: only its unfulfilled device units, its rental kept', async () => {
    const c = blockedCustomer();
    const r = await get('operator', PATHS.order(c.partial));
    const plan = planOf(r.text);
    assert.ok(plan.includes('status: partial → fulfilled'), plan);
    assert.ok(plan.includes('items[FW-RT-3].cancelledQuantity: 0 → 1'), plan);
    assert.ok(!plan.includes('FW-CARE-3'), 'the protection line is left as ordered');
    assert.match(textOf(mainOf(r.text)), /1 rental already made from this order is kept/);
  });

  test('a viewer sees the plan without a form; another tenant\'s record and a malformed id are refused', async () => {
    const c = blockedCustomer();
    const v = await get('viewer', PATHS.order(c.pending));
    assert.equal(v.status, 200);
    assert.ok(/can look but not change records/.test(v.text));
    assert.ok(!/<form/.test(mainOf(v.text)), 'no form for a viewer');
    for (const p of [PATHS.order(c.pending), PATHS.cancel(c.sub), PATHS.early(c.sub), PATHS.device(c.device)]) {
      const g = await get('globex', p);
      assert.equal(g.status, 404, `${p} from tenant 2`);
      assert.equal(errorCode(g.text), 'NOT_FOUND');
    }
    for (const p of ['/orders/cus_x/cancel', '/subscriptions/ord_1/cancel', '/devices/bad%20serial/status']) {
      assert.equal((await get('operator', p)).status, 400, p);
    }
  });
});

describe('cancel an order in flight', () => {
  test('pending: cancelled with who and why, audited with its changes, and the checklist line passes once no order is left', async () => {
    const c = blockedCustomer();
    const total = orderRow(c.pending).total;
    const r = await act('operator', PATHS.order(c.pending), { reason_text: 'Customer changed their mind' });
    expectRedirectToChecklist(r, c, 'order_cancelled');
    assert.deepEqual(orderRow(c.pending), { status: 'cancelled', total, by: 'operator', reason: 'Customer changed their mind', at: true });
    const [a] = recordAudit(c.pending, `AND request_id = ${lit(r.requestId)}`);
    assert.deepEqual([a.actor, a.customerId, a.action, a.channel, a.outcome], ['operator', String(c.id), 'order_cancel', 'page', 'ok']);
    assert.deepEqual(a.changes[0], { field: 'status', old: 'pending', new: 'cancelled' });
    assert.equal((await checklist('operator', c.publicId)).lines['No pending orders'], 'failed', 'the partial order still blocks');
    const p = await act('operator', PATHS.order(c.partial), {});
    expectRedirectToChecklist(p, c, 'order_cancelled');
    assert.equal((await checklist('operator', c.publicId)).lines['No pending orders'], 'passed');
  });

  test('partial: its unfulfilled units are cancelled and it is fulfilled; the rental stays; the total follows its lines', async () => {
    const c = blockedCustomer();
    const r = await act('admin', PATHS.order(c.partial), { reason_text: 'Second laptop out of stock' });
    expectRedirectToChecklist(r, c, 'order_cancelled');
    const o = orderRow(c.partial);
    assert.equal(o.status, 'fulfilled');
    const lines = sql(`SELECT sku, quantity, cancelled_quantity FROM order_items i JOIN orders o ON o.id = i.order_id
                        WHERE o.public_id = ${lit(c.partial)} ORDER BY i.id`);
    assert.deepEqual(lines, [['FW-RT-3', '2', '1'], ['FW-CARE-3', '2', '0']]);
    // the total is the lines' (quantity - cancelled) x price, recomputed here
    assert.equal(Number(o.total), 1 * 50 + 2 * 5);
    assert.equal(subRow(c.partialSub).status, 'active', 'the rental made is kept');
  });

  test('refusals: already cancelled, fulfilled — 409 pages, nothing changed, each attempt audited', async () => {
    const c = blockedCustomer();
    await act('operator', PATHS.order(c.pending), {});
    const page = await get('operator', PATHS.order(c.pending));
    assert.equal(page.status, 200);
    assert.match(textOf(mainOf(page.text)), /ALREADY_CANCELLED/);
    assert.ok(!/<form/.test(mainOf(page.text)), 'no form when it cannot be done');
    // a form from before the first cancel, posted again
    const fresh = blockedCustomer();
    const form = await get('operator', PATHS.order(fresh.pending));
    const token = csrfFrom(form.text);
    assert.equal((await post('operator', PATHS.order(fresh.pending), { csrf: token })).status, 303);
    const again = await post('operator', PATHS.order(fresh.pending), { csrf: token });
    assert.equal(again.status, 409);
    assert.match(textOf(mainOf(again.text)), /Refused: nothing was changed[\s\S]*ALREADY_CANCELLED/);
    const fulfilled = await post('operator', PATHS.order(fresh.fulfilled), { csrf: tokenFor('operator', 'order_cancel', fresh.fulfilled) });
    assert.equal(fulfilled.status, 409);
    assert.match(textOf(mainOf(fulfilled.text)), /ORDER_NOT_CANCELLABLE/);
    assert.equal(orderRow(fresh.fulfilled).status, 'fulfilled');
    assert.deepEqual(recordAudit(fresh.pending).map((x) => x.outcome), ['ok', 'ALREADY_CANCELLED']);
    assert.deepEqual(recordAudit(fresh.fulfilled).map((x) => x.outcome), ['ORDER_NOT_CANCELLABLE']);
  });
});

describe('end a subscription', () => {
  test('cancel: needs a reason; then cancelled today, pending payments cancelled, processing and paid kept, the device coming back', async () => {
    const c = blockedCustomer();
    const before = aggregates(c.id);
    const bad = await act('operator', PATHS.cancel(c.sub), { notes: 'no reason given' });
    assert.equal(bad.status, 400);
    assert.match(textOf(mainOf(bad.text)), /Reason: choose why the subscription is cancelled/);
    assert.equal(subRow(c.sub).status, 'active', 'a bad form changes nothing');
    assert.equal(recordAudit(c.sub).length, 0, 'a form refused before the rules is not an attempt on the record');
    const r = await act('operator', PATHS.cancel(c.sub), { cancel_reason: 'customer_request', notes: 'Moving abroad' });
    expectRedirectToChecklist(r, c, 'subscription_ended');
    assert.deepEqual(subRow(c.sub), { status: 'cancelled', endIsToday: true, reason: 'customer_request', cond: null, fee: null, by: 'operator' });
    assert.deepEqual([c.pay.paid, c.pay.pend1, c.pay.pend2, c.pay.proc].map(payStatus), ['paid', 'cancelled', 'cancelled', 'processing']);
    const x = assetRow(c.device);
    assert.equal(x.status, 'rented_out', 'the device is still with the customer');
    assert.equal(x.expected, true, 'and marked as coming back');
    const cl = await checklist('operator', c.publicId);
    assert.equal(cl.lines['All devices returned'], 'failed', 'a device coming back still blocks');
    assert.match(textOf(between(cl.html, '<ol class="checklist">', '</ol>')), new RegExp(`${c.device} rented_out Race tablet \\(FW-RT-1\\), coming back since \\d{4}-\\d{2}-\\d{2}`));
    assert.match(textOf((await get('viewer', `/customers/${c.publicId}`)).text), new RegExp(`Device ${c.device} not returned: Race tablet \\(FW-RT-1\\), coming back since`));
    const after = aggregates(c.id);
    assert.equal(after.mrr, before.mrr - 3000);
    assert.equal(after.mrr, after.mrrSql, 'the MRR aggregate agrees with SQL');
    const [a] = recordAudit(c.sub);
    assert.deepEqual([a.action, a.outcome, a.note], ['subscription_cancel', 'ok', 'Moving abroad']);
    assert.ok(a.changes.some((ch) => ch.field === `payments[${c.pay.pend1}].status` && ch.new === 'cancelled'));
    const page = await get('operator', PATHS.cancel(c.sub));
    assert.equal(page.status, 200);
    assert.match(textOf(mainOf(page.text)), /This cannot be done now[\s\S]*ALREADY_CANCELLED/);
    assert.ok(!/<form/.test(mainOf(page.text)), 'no form for an ended subscription');
  });

  test('early return: condition and reason required; the fee becomes a pending payment; not active afterwards', async () => {
    const c = blockedCustomer();
    assert.equal((await act('operator', PATHS.early(c.sub), { reason_text: 'x' })).status, 400, 'no condition');
    assert.equal((await act('operator', PATHS.early(c.sub), { condition: 'good' })).status, 400, 'no reason');
    assert.equal((await act('operator', PATHS.early(c.sub), { condition: 'good', reason_text: 'x', fee: '12.345' })).status, 400, 'three decimals');
    assert.equal(subRow(c.sub).status, 'active');
    const r = await act('admin', PATHS.early(c.sub), { condition: 'fair', reason_text: 'Relocating', fee: '45.50', notes: 'Scratched' });
    expectRedirectToChecklist(r, c, 'subscription_ended');
    assert.deepEqual(subRow(c.sub), { status: 'ended_early_return', endIsToday: true, reason: null, cond: 'fair', fee: '45.50', by: 'admin' });
    const fee = sql(`SELECT p.amount, p.status, p.currency FROM payments p JOIN subscriptions s ON s.id = p.subscription_id
                      WHERE s.public_id = ${lit(c.sub)} AND p.public_id NOT LIKE 'pay_${c.tag}%'`);
    assert.deepEqual(fee, [['45.50', 'pending', 'EUR']], 'one new pending payment for the fee');
    assert.deepEqual([c.pay.pend1, c.pay.pend2].map(payStatus), ['cancelled', 'cancelled']);
    assert.equal(assetRow(c.device).expected, true);
    const page = await get('operator', PATHS.early(c.sub));
    assert.match(textOf(mainOf(page.text)), /SUBSCRIPTION_NOT_ACTIVE/);
    assert.deepEqual(recordAudit(c.sub).map((x) => [x.action, x.outcome]), [['early_return', 'ok']]);
  });
});

describe('record what happened to a device', () => {
  test('its rental still active: ASSET_IN_USE; after it ended: returned off the customer with date and condition; again: ALREADY_RETURNED', async () => {
    const c = blockedCustomer();
    const inUse = await post('operator', PATHS.device(c.device), { csrf: tokenFor('operator', 'device_status', c.device), device_status: 'returned' });
    assert.equal(inUse.status, 409);
    assert.match(textOf(mainOf(inUse.text)), /ASSET_IN_USE/);
    assert.equal(assetRow(c.device).status, 'rented_out');
    await act('operator', PATHS.cancel(c.sub), { cancel_reason: 'payment_failure' });
    const before = aggregates(c.id);
    const r = await act('operator', PATHS.device(c.device), { device_status: 'returned', returned_on: '2026-03-04', condition: 'poor', notes: 'Cracked corner' });
    expectRedirectToChecklist(r, c, 'device_recorded');
    assert.deepEqual(assetRow(c.device), { status: 'returned', customer: null, returnedOn: '2026-03-04', cond: 'poor', expected: false, notes: 'Cracked corner' });
    const after = aggregates(c.id);
    assert.equal(after.dev, before.dev - 1);
    assert.equal(after.dev, after.devSql, 'devices_out agrees with SQL');
    const again = await post('operator', PATHS.device(c.device), { csrf: csrfFrom((await get('operator', `/customers/${c.publicId}/deactivate`)).text), device_status: 'returned' });
    // (a token for another form is refused before the rules)
    assert.equal(again.status, 403);
    const page = await get('operator', PATHS.device(c.device));
    assert.equal(page.status, 404, 'a device back in stock belongs to no customer: nothing to clear here');
    assert.deepEqual(recordAudit(c.device).map((x) => [x.action, x.outcome]),
      [['device_returned', 'ASSET_IN_USE'], ['device_returned', 'ok'], ['device_status', 'CSRF_INVALID']]);
  });

  test('sold and lost keep the customer as the buyer or the last holder, and clear the blocker', async () => {
    for (const status of ['sold', 'unavailable']) {
      const c = blockedCustomer();
      await act('operator', PATHS.cancel(c.sub), { cancel_reason: 'admin_decision' });
      const r = await act('operator', PATHS.device(c.device), { device_status: status, notes: `marked ${status}` });
      expectRedirectToChecklist(r, c, 'device_recorded');
      const x = assetRow(c.device);
      assert.deepEqual([x.status, x.customer, x.notes], [status, String(c.id), `marked ${status}`]);
      assert.equal(aggregates(c.id).dev, aggregates(c.id).devSql);
      assert.equal(recordAudit(c.device).at(-1).action, status === 'sold' ? 'device_sold' : 'device_lost');
    }
  });
});

describe('writes are for operators and admins, with a token', () => {
  test('viewer 403 and a missing token 403: audited, naming the record, nothing changed', async () => {
    const c = blockedCustomer();
    const token = csrfFrom((await get('operator', PATHS.order(c.pending))).text);
    const v = await post('viewer', PATHS.order(c.pending), { csrf: token });
    assert.equal(v.status, 403);
    const n = await post('operator', PATHS.order(c.pending), {});
    assert.equal(n.status, 403);
    assert.equal(orderRow(c.pending).status, 'pending');
    const rows = recordAudit(c.pending);
    assert.deepEqual(rows.map((x) => [x.actor, x.action, x.outcome]), [['viewer', 'order_cancel', 'FORBIDDEN'], ['operator', 'order_cancel', 'CSRF_MISSING']]);
  });
});

describe('the whole walk inside Custodian', () => {
  test('blocked by all three → clear each from the checklist → deactivate; the history shows every step', async () => {
    const c = blockedCustomer();
    let { lines } = await checklist('operator', c.publicId);
    assert.deepEqual(lines, { 'No active subscriptions': 'failed', 'No pending orders': 'failed', 'All devices returned': 'failed' });
    for (const s of [c.sub, c.partialSub]) expectRedirectToChecklist(await act('operator', PATHS.cancel(s), { cancel_reason: 'customer_request' }), c, 'subscription_ended');
    ({ lines } = await checklist('operator', c.publicId));
    assert.equal(lines['No active subscriptions'], 'passed');
    for (const o of [c.pending, c.partial]) expectRedirectToChecklist(await act('operator', PATHS.order(o), {}), c, 'order_cancelled');
    ({ lines } = await checklist('operator', c.publicId));
    assert.equal(lines['No pending orders'], 'passed');
    for (const d of [c.device, c.partialDevice]) expectRedirectToChecklist(await act('operator', PATHS.device(d), { device_status: 'returned', condition: 'good' }), c, 'device_recorded');
    const done = await checklist('operator', c.publicId);
    assert.deepEqual(done.lines, { 'No active subscriptions': 'passed', 'No pending orders': 'passed', 'All devices returned': 'passed' });
    const d = await post('operator', `/customers/${c.publicId}/deactivate`, { csrf: csrfFrom(done.html), reason: 'account_closure', note: 'closed in Custodian' });
    assert.equal(d.status, 303, errorCode(d.text));
    assert.equal(customerState(c.publicId).status, 'inactive');
    const history = await get('viewer', `/customers/${c.publicId}`);
    const audit = textOf(between(history.text, 'id="history"', '</section>'));
    for (const a of ['subscription_cancel', 'order_cancel', 'device_returned', 'deactivate']) assert.ok(audit.includes(a), `the history shows ${a}`);
    // one audit row per attempt: 6 actions and the deactivation, all ok
    assert.equal(Number(sqlValue(`SELECT COUNT(*) FROM audit_log WHERE customer_id = ${c.id} AND outcome = 'ok'`)), 7);
  });
});
