// Issue 14 part 3: "close when clear" closure requests. POST
// /customers/{id}/closure, the customer page's pending request and its
// Withdraw button (POST /closures/{id}/withdraw), GET /closures, and
// DELETE /v1/customers/{id}?whenClear=true. Every customer is made here
// (createCustomer); blockers are cleared with plain SQL UPDATEs, so the
// triggers (sql/triggers.sql, closure_due()) are what wakes the job
// workers. Nothing waits a fixed time: every wait polls with a deadline.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, post, sql, sqlValue, lit, forgeCsrf, nowSeconds, errorCode, textOf, between, createCustomer,
  customerState, flashCookie, maxAuditId, decodeEntities,
} from './lib.mjs';
import { api, createKey } from './apilib.mjs';
import { completeOrder } from '../sql.mjs';

const CODES = {
  sub: 'CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS',
  order: 'CUSTOMER_HAS_PENDING_ORDERS',
  device: 'CUSTOMER_HAS_UNRETURNED_DEVICES',
};

const token = (user, action, subject) => forgeCsrf({ user, action, subject, expiry: nowSeconds() + 600 });

/** Polls fn until it returns a truthy value; fails after ms with what. */
async function until(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    last = fn();
    if (last) return last;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The closure requests of a customer (internal id), oldest first. */
function closuresOf(customerId) {
  return sql(`SELECT public_id, state, reason, note, requested_by, channel, waiting_for, checked_at, done_at,
                     withdrawn_by, cancel_now
                FROM closure_requests WHERE customer_id = ${Number(customerId)} ORDER BY id`).map(
    ([id, state, reason, note, by, channel, waiting, checked, done, withdrawnBy, cancelNow]) => ({
      id, state, reason, note, by, channel, waiting, checked, done, withdrawnBy, cancelNow,
    }),
  );
}

/** The audit rows of a customer since maxId: [actor, action, channel, outcome, note]. */
function auditSince(customerId, maxId) {
  return sql(`SELECT actor, action, channel, outcome, note FROM audit_log
               WHERE customer_id = ${Number(customerId)} AND id > ${maxId} ORDER BY id`);
}

/** Waits until the worker has looked at the request and saw exactly codes. */
async function waitingFor(customerId, codes) {
  const want = codes.join(',');
  return until(`waiting_for = ${want || '(nothing)'}`, () => {
    const [k] = closuresOf(customerId).filter((x) => x.state === 'pending');
    return k && k.checked && (k.waiting || '') === want ? k : null;
  });
}

async function fileClosure(user, c, form = {}) {
  return post(user, `/customers/${c.publicId}/closure`, {
    csrf: token(user, 'closure_request', c.publicId), reason: 'account_closure', ...form,
  });
}

/** The pending-closure panel of a customer page, or null. */
const panelOf = (html) => between(html, '<section class="panel closure-pending"', '</section>');

describe('close when clear: filing, waiting, completing by itself', () => {
  test('the blocked confirmation page offers "Close when clear"; a clear one and a viewer do not', async () => {
    const c = createCustomer({ subscription: true, order: 'pending', device: true });
    const page = await get('operator', `/customers/${c.publicId}/deactivate`);
    assert.equal(page.status, 200);
    const form = between(page.text, '<form class="panel closure-form"', '</form>');
    assert.ok(form, 'a separate closure form');
    assert.match(form, new RegExp(`action="/customers/${c.publicId}/closure"`));
    assert.match(form, /name="csrf" value="[^"]+"/);
    assert.match(form, /name="cancel_now" value="1"/);
    const viewer = await get('viewer', `/customers/${c.publicId}/deactivate`);
    assert.ok(!viewer.text.includes('closure-form'), 'no form for a viewer');
    const clear = createCustomer();
    const cp = await get('operator', `/customers/${clear.publicId}/deactivate`);
    assert.ok(!cp.text.includes('closure-form'), 'nothing to wait for: no closure form');
  });

  test('filed on a customer with three blockers: pending until the last clears, then deactivated once, as the requester', async () => {
    const c = createCustomer({ subscription: true, order: 'pending', device: true });
    const max = maxAuditId();
    // the form's own token works
    const page = await get('operator', `/customers/${c.publicId}/deactivate`);
    const form = between(page.text, '<form class="panel closure-form"', '</form>');
    const csrf = decodeEntities(/name="csrf" value="([^"]+)"/.exec(form)[1]);
    const r = await post('operator', `/customers/${c.publicId}/closure`, { csrf, reason: 'account_closure', note: 'customer moved abroad' });
    assert.equal(r.status, 303, errorCode(r.text));
    assert.equal(r.headers.get('location'), `/customers/${c.publicId}#closure`);
    assert.equal(flashCookie(r)?.code, 'closure_filed');
    const [k0] = closuresOf(c.id);
    assert.match(k0.id, /^clo_[0-9a-f]{10}$/);
    assert.deepEqual([k0.state, k0.reason, k0.note, k0.by, k0.channel], ['pending', 'account_closure', 'customer moved abroad', 'operator', 'page']);
    assert.deepEqual(auditSince(c.id, max), [['operator', 'closure_request', 'page', 'ok', 'customer moved abroad']]);

    // the worker looks at once and finds all three
    await waitingFor(c.id, [CODES.sub, CODES.order, CODES.device]);
    const cust = await get('admin', `/customers/${c.publicId}`);
    const panel = panelOf(cust.text);
    assert.ok(panel, 'the customer page shows the pending closure');
    assert.ok(panel.includes(k0.id));
    for (const code of Object.values(CODES)) assert.ok(panel.includes(code), `it waits for ${code}`);
    assert.match(panel, new RegExp(`action="/closures/${k0.id}/withdraw"`), 'with a Withdraw button');
    assert.ok(!panelOf((await get('viewer', `/customers/${c.publicId}`)).text).includes('<form'), 'no Withdraw for a viewer');

    // one blocker at a time, by plain SQL (the trigger path)
    sql(`UPDATE subscriptions SET status = 'cancelled', end_date = UTC_DATE() WHERE customer_id = ${c.id} AND status = 'active'`);
    await waitingFor(c.id, [CODES.order, CODES.device]);
    assert.equal(customerState(c.publicId).status, 'active');
    sql(`UPDATE orders SET status = 'cancelled' WHERE customer_id = ${c.id} AND status = 'pending'`);
    await waitingFor(c.id, [CODES.device]);
    assert.equal(customerState(c.publicId).status, 'active');
    assert.ok(textOf(panelOf((await get('admin', `/customers/${c.publicId}`)).text)).includes(CODES.device));
    sql(`UPDATE assets SET status = 'returned', customer_id = NULL WHERE customer_id = ${c.id} AND status = 'rented_out'`);
    await until('the request is done', () => closuresOf(c.id)[0].state === 'done');

    const st = customerState(c.publicId);
    assert.deepEqual([st.status, st.deactivatedBy, st.reason], ['inactive', 'operator', 'account_closure']);
    assert.equal(st.note, `closure ${k0.id}: customer moved abroad`);
    const rows = auditSince(c.id, max);
    assert.deepEqual(rows.filter((x) => x[1] === 'deactivate'),
      [['operator', 'deactivate', 'page', 'ok', `closure ${k0.id}: customer moved abroad`]], 'one deactivate row, by the requester');
    assert.equal(rows.length, 2, 'the request and the deactivation; the checks in between write no audit rows');
    const [k] = closuresOf(c.id);
    assert.ok(k.done && k.waiting === null);
    assert.equal(panelOf((await get('admin', `/customers/${c.publicId}`)).text), null, 'no pending closure shown any more');
  });

  test('withdrawn: the button works, nothing happens when the blockers clear, a second withdrawal is refused', async () => {
    const c = createCustomer({ order: 'confirmed' });
    assert.equal((await fileClosure('operator', c)).status, 303);
    const [k0] = closuresOf(c.id);
    const page = await get('operator', `/customers/${c.publicId}`);
    const csrf = decodeEntities(/name="csrf" value="([^"]+)"/.exec(panelOf(page.text))[1]);
    const max = maxAuditId();
    const w = await post('admin', `/closures/${k0.id}/withdraw`, { csrf: token('admin', 'closure_withdraw', k0.id) });
    assert.equal(w.status, 303, errorCode(w.text));
    assert.equal(w.headers.get('location'), `/customers/${c.publicId}`);
    assert.equal(flashCookie(w)?.code, 'closure_withdrawn');
    assert.deepEqual([closuresOf(c.id)[0].state, closuresOf(c.id)[0].withdrawnBy], ['withdrawn', 'admin']);
    assert.deepEqual(auditSince(c.id, max), [['admin', 'closure_withdraw', 'page', 'ok', null]]);
    // the operator's token from the page is still valid, the request no longer pending
    const again = await post('operator', `/closures/${k0.id}/withdraw`, { csrf });
    assert.equal(again.status, 409);
    assert.equal(errorCode(again.text), 'CLOSURE_NOT_PENDING');
    sql(`UPDATE orders SET status = 'cancelled' WHERE customer_id = ${c.id} AND status = 'confirmed'`);
    // a sentinel filed after it completes, so the workers have been round
    const s = createCustomer();
    assert.equal((await fileClosure('operator', s)).status, 303);
    await until('the sentinel is done', () => closuresOf(s.id)[0].state === 'done');
    assert.equal(customerState(c.publicId).status, 'active', 'a withdrawn request deactivates nothing');
    assert.equal(closuresOf(c.id)[0].state, 'withdrawn');
    assert.deepEqual(auditSince(c.id, max).map((x) => [x[1], x[3]]), [['closure_withdraw', 'ok'], ['closure_withdraw', 'CLOSURE_NOT_PENDING']]);
  });

  test('refusals: a second request, an inactive customer, a viewer, a bad token, no reason; each audited once, nothing filed', async () => {
    const c = createCustomer({ device: true });
    assert.equal((await fileClosure('operator', c)).status, 303);
    const [k0] = closuresOf(c.id);
    let max = maxAuditId();
    const second = await fileClosure('admin', c);
    assert.equal(second.status, 409);
    assert.equal(errorCode(second.text), 'CLOSURE_PENDING');
    assert.ok(textOf(second.text).includes(k0.id), 'names the pending request');
    assert.deepEqual(auditSince(c.id, max).map((x) => [x[0], x[1], x[3]]), [['admin', 'closure_request', 'CLOSURE_PENDING']]);
    assert.equal(closuresOf(c.id).length, 1);

    const off = createCustomer({ status: 'inactive' });
    max = maxAuditId();
    const inactive = await fileClosure('operator', off);
    assert.equal(inactive.status, 409);
    assert.equal(errorCode(inactive.text), 'ALREADY_INACTIVE');
    assert.deepEqual(auditSince(off.id, max).map((x) => [x[1], x[3]]), [['closure_request', 'ALREADY_INACTIVE']]);
    assert.equal(closuresOf(off.id).length, 0);

    const b = createCustomer({ order: 'pending' });
    max = maxAuditId();
    const viewer = await fileClosure('viewer', b);
    assert.equal(viewer.status, 403);
    assert.equal(errorCode(viewer.text), 'FORBIDDEN');
    const forged = await post('operator', `/customers/${b.publicId}/closure`, {
      csrf: token('operator', 'deactivate', b.publicId), reason: 'data_cleanup',
    });
    assert.equal(forged.status, 403);
    assert.equal(errorCode(forged.text), 'CSRF_INVALID');
    const missing = await post('operator', `/customers/${b.publicId}/closure`, { reason: 'data_cleanup' });
    assert.equal(errorCode(missing.text), 'CSRF_MISSING');
    const noReason = await post('operator', `/customers/${b.publicId}/closure`, { csrf: token('operator', 'closure_request', b.publicId) });
    assert.equal(noReason.status, 400);
    assert.deepEqual(auditSince(b.id, max).map((x) => [x[0], x[1], x[3]]),
      [['viewer', 'closure_request', 'FORBIDDEN'], ['operator', 'closure_request', 'CSRF_INVALID'], ['operator', 'closure_request', 'CSRF_MISSING']]);
    assert.equal(closuresOf(b.id).length, 0);

    // withdrawing: a viewer and a bad token are refused and audited against the request's customer
    max = maxAuditId();
    const vw = await post('viewer', `/closures/${k0.id}/withdraw`, { csrf: token('viewer', 'closure_withdraw', k0.id) });
    assert.equal(vw.status, 403);
    const bw = await post('operator', `/closures/${k0.id}/withdraw`, { csrf: token('operator', 'closure_withdraw', 'clo_0000000000') });
    assert.equal(errorCode(bw.text), 'CSRF_INVALID');
    assert.deepEqual(auditSince(c.id, max).map((x) => [x[0], x[1], x[3]]),
      [['viewer', 'closure_withdraw', 'FORBIDDEN'], ['operator', 'closure_withdraw', 'CSRF_INVALID']]);
    assert.equal(closuresOf(c.id)[0].state, 'pending');
    const unknown = await post('operator', '/closures/clo_ffffffffff/withdraw', { csrf: token('operator', 'closure_withdraw', 'clo_ffffffffff') });
    assert.equal(unknown.status, 404);
    const badId = await post('operator', `/closures/${c.publicId}/withdraw`, { csrf: token('operator', 'closure_withdraw', c.publicId) });
    assert.equal(badId.status, 400);
    // another tenant's operator does not see it
    const g = await post('globex', `/closures/${k0.id}/withdraw`, { csrf: token('globex', 'closure_withdraw', k0.id) });
    assert.equal(g.status, 404);
    assert.equal(closuresOf(c.id)[0].state, 'pending');
  });

  test('"cancel what can be cancelled now": the order without rentals and the ended term go, the rest waits', async () => {
    const c = createCustomer();
    const tag = c.tag;
    sql(`SET @c = ${c.id};
      INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
        VALUES ('ord_${tag}_new', 1, @c, 'pending', 0, 'EUR', UTC_TIMESTAMP());
      ${completeOrder()};
      INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
        VALUES ('ord_${tag}_old', 1, @c, 'fulfilled', 0, 'EUR', UTC_TIMESTAMP() - INTERVAL 15 MONTH);
      SET @old = LAST_INSERT_ID();
      INSERT INTO order_items (order_id, kind, sku, product_name, quantity, unit_price, contract_length)
        VALUES (@old, 'device', 'T-DEV-12', 'Test phone', 1, 10.00, 12);
      SET @old_line = LAST_INSERT_ID();
      ${completeOrder('@old')};
      INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, order_item_id, asset_serial, status,
          monthly_amount, start_date, created_at)
        VALUES ('sub_${tag}_ended', 1, @c, @old, @old_line, NULL, 'active', 10.00, UTC_DATE() - INTERVAL 14 MONTH,
          UTC_TIMESTAMP() - INTERVAL 14 MONTH);
      INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
        VALUES ('ord_${tag}_part', 1, @c, 'partial', 0, 'EUR', UTC_TIMESTAMP());
      SET @part = LAST_INSERT_ID();
      INSERT INTO order_items (order_id, kind, sku, product_name, quantity, unit_price, contract_length)
        VALUES (@part, 'device', 'T-DEV-24', 'Test tablet', 2, 20.00, 24);
      SET @part_line = LAST_INSERT_ID();
      ${completeOrder('@part')};
      INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, order_item_id, asset_serial, status,
          monthly_amount, start_date, created_at)
        VALUES ('sub_${tag}_running', 1, @c, @part, @part_line, NULL, 'active', 20.00, UTC_DATE(), UTC_TIMESTAMP())`);
    const max = maxAuditId();
    const r = await fileClosure('operator', c, { cancel_now: '1', note: 'tidy up' });
    assert.equal(r.status, 303, errorCode(r.text));
    const status = (t, id) => sqlValue(`SELECT status FROM ${t} WHERE public_id = ${lit(id)}`);
    assert.equal(status('orders', `ord_${tag}_new`), 'cancelled', 'the order without rentals is cancelled');
    assert.equal(status('subscriptions', `sub_${tag}_ended`), 'ended_completed', 'the ended term is completed');
    assert.equal(status('orders', `ord_${tag}_part`), 'partial', 'an order with rentals is kept');
    assert.equal(status('subscriptions', `sub_${tag}_running`), 'active', 'a running term is kept');
    const rows = auditSince(c.id, max);
    assert.deepEqual(rows.map((x) => [x[0], x[1], x[3]]).sort(), [
      ['operator', 'closure_request', 'ok'], ['operator', 'order_cancel', 'ok'], ['operator', 'subscription_complete', 'ok'],
    ].sort());
    assert.equal(closuresOf(c.id)[0].cancelNow, '1');
    await waitingFor(c.id, [CODES.sub, CODES.order]);
    // time passes: the running term ends (no write marks that); then the order is
    // done with, which wakes a worker, which completes the ended term as the
    // requester, which wakes it again
    sql(`UPDATE subscriptions SET start_date = UTC_DATE() - INTERVAL 30 MONTH WHERE public_id = 'sub_${tag}_running';
         UPDATE orders SET status = 'fulfilled' WHERE public_id = 'ord_${tag}_part'`);
    await until('done', () => closuresOf(c.id)[0].state === 'done');
    assert.equal(status('subscriptions', `sub_${tag}_running`), 'ended_completed');
    assert.equal(customerState(c.publicId).status, 'inactive');
    assert.deepEqual(auditSince(c.id, max).filter((x) => x[1] === 'subscription_complete' || x[1] === 'deactivate').map((x) => [x[0], x[1], x[3]]),
      [['operator', 'subscription_complete', 'ok'], ['operator', 'subscription_complete', 'ok'], ['operator', 'deactivate', 'ok']]);
  });
});

describe('DELETE /v1/customers/{id}?whenClear=true', () => {
  test('202 with the request, then it completes by itself as the key; whenClear=false keeps the 409', async () => {
    const key = createKey({ role: 'operator' });
    const c = createCustomer({ subscription: true, device: true });
    const plain = await api(`/v1/customers/${c.publicId}?whenClear=false`, { key: key.key, method: 'DELETE' });
    assert.equal(plain.status, 409);
    assert.equal(plain.json.error.code, CODES.sub);
    const max = maxAuditId();
    const r = await api(`/v1/customers/${c.publicId}?whenClear=true`, { key: key.key, method: 'DELETE', json: { reason: 'compliance', note: 'by script' } });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.success, true);
    assert.equal(typeof r.json.message, 'string');
    const k = r.json.closure;
    assert.match(k.closureId, /^clo_[0-9a-f]{10}$/);
    assert.deepEqual({ ...k, closureId: undefined, requestedAt: undefined }, {
      closureId: undefined, customerId: c.publicId, status: 'pending', reason: 'compliance', requestedAt: undefined,
      requestedBy: `api:${key.label}`, waitingFor: [CODES.sub, CODES.device],
    });
    assert.match(k.requestedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const again = await api(`/v1/customers/${c.publicId}?whenClear=true`, { key: key.key, method: 'DELETE' });
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'CLOSURE_PENDING');
    sql(`UPDATE subscriptions SET status = 'cancelled' WHERE customer_id = ${c.id};
         UPDATE assets SET status = 'returned', customer_id = NULL WHERE customer_id = ${c.id}`);
    await until('done', () => closuresOf(c.id)[0].state === 'done');
    const deact = auditSince(c.id, max).filter((x) => x[1] === 'deactivate');
    assert.deepEqual(deact, [[`api:${key.label}`, 'deactivate', 'api', 'ok', `closure ${k.closureId}: by script`]]);
    assert.equal(customerState(c.publicId).reason, 'compliance');
    const inactive = await api(`/v1/customers/${c.publicId}?whenClear=true`, { key: key.key, method: 'DELETE' });
    assert.equal(inactive.status, 200);
    assert.equal(inactive.json.success, true);
  });

  test('a viewer key is refused (403) and audited as a closure request; nothing is filed', async () => {
    const viewer = createKey({ role: 'viewer' });
    const c = createCustomer({ order: 'pending' });
    const max = maxAuditId();
    const r = await api(`/v1/customers/${c.publicId}?whenClear=true`, { key: viewer.key, method: 'DELETE' });
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'INSUFFICIENT_PERMISSIONS');
    assert.deepEqual(auditSince(c.id, max), [[`api:${viewer.label}`, 'closure_request', 'api', 'INSUFFICIENT_PERMISSIONS', null]]);
    assert.equal(closuresOf(c.id).length, 0);
  });

  test('nothing blocking: still filed (202, waitingFor []) and closed at once by a job worker', async () => {
    const c = createCustomer();
    const r = await api(`/v1/customers/${c.publicId}?whenClear=true`, { method: 'DELETE' });
    assert.equal(r.status, 202, r.text);
    assert.deepEqual(r.json.closure.waitingFor, []);
    assert.equal(r.json.closure.reason, 'data_cleanup');
    await until('closed', () => customerState(c.publicId).status === 'inactive');
    assert.equal(closuresOf(c.id)[0].state, 'done');
    const bad = await api(`/v1/customers/${c.publicId}?whenClear=yes`, { method: 'DELETE' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.details[0].path, 'whenClear');
  });
});

describe('GET /closures', () => {
  /** The ids of a list page, in order. */
  const idsOf = (html) => [...html.matchAll(/<tr id="closure-(clo_[0-9a-z_]+)"/g)].map((m) => m[1]);

  test('every state, the filter, and what happened since (a reactivation, new orders), worked out when shown', async () => {
    const done = createCustomer();
    assert.equal((await fileClosure('operator', done)).status, 303);
    await until('done', () => closuresOf(done.id)[0].state === 'done');
    const waiting = createCustomer({ order: 'pending' });
    assert.equal((await fileClosure('operator', waiting)).status, 303);
    const gone = createCustomer({ order: 'pending' });
    assert.equal((await fileClosure('operator', gone)).status, 303);
    const goneId = closuresOf(gone.id)[0].id;
    assert.equal((await post('operator', `/closures/${goneId}/withdraw`, { csrf: token('operator', 'closure_withdraw', goneId) })).status, 303);
    const [doneId, waitingId] = [closuresOf(done.id)[0].id, closuresOf(waiting.id)[0].id];

    const all = await get('viewer', '/closures?state=all');
    assert.equal(all.status, 200);
    for (const [id, state] of [[doneId, 'done'], [waitingId, 'pending'], [goneId, 'withdrawn']]) {
      const row = between(all.text, `<tr id="closure-${id}"`, '</tr>');
      assert.ok(row, `${id} listed`);
      assert.match(row, new RegExp(`data-state="${state}"`));
      assert.match(row, /nothing<\/span>/, `${id}: nothing since yet`);
    }
    for (const [state, inside, outside] of [['pending', waitingId, doneId], ['done', doneId, goneId], ['withdrawn', goneId, waitingId]]) {
      const ids = idsOf((await get('admin', `/closures?state=${state}`)).text);
      assert.ok(ids.includes(inside) && !ids.includes(outside), `state=${state}`);
    }
    // since: the done customer is reactivated, the waiting one orders again
    const re = await post('operator', `/customers/${done.publicId}/reactivate`, { csrf: token('operator', 'reactivate', done.publicId) });
    assert.equal(re.status, 303);
    sql(`INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
           VALUES ('ord_${waiting.tag}_again', 1, ${waiting.id}, 'pending', 0, 'EUR',
                   (SELECT requested_at FROM closure_requests WHERE public_id = ${lit(waitingId)}) + INTERVAL 1 SECOND);
         ${completeOrder()}`);
    const after = await get('admin', '/closures?state=all');
    assert.match(between(after.text, `<tr id="closure-${doneId}"`, '</tr>'), /class="since-reactivated">reactivated /);
    assert.match(between(after.text, `<tr id="closure-${waitingId}"`, '</tr>'), /class="since-orders">1 new order/);
    assert.match(between(after.text, `<tr id="closure-${goneId}"`, '</tr>'), /nothing<\/span>/);
  });

  test('keyset pagination walks every request of a state once, newest first, as SQL lists them', async () => {
    const c = createCustomer();
    const values = [];
    for (let i = 0; i < 57; i++)
      values.push(`(${lit(`clo_${c.tag.slice(1)}${String(i).padStart(2, '0')}`)}, 1, ${c.id}, 'withdrawn', 'data_cleanup', 'page', 'operator',
                   UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), 'operator')`);
    sql(`INSERT INTO closure_requests (public_id, tenant_id, customer_id, state, reason, channel, requested_by, requested_at,
           withdrawn_at, withdrawn_by) VALUES ${values.join(',\n')}`);
    const want = sql("SELECT public_id FROM closure_requests WHERE tenant_id = 1 AND state = 'withdrawn' ORDER BY id DESC").map((x) => x[0]);
    assert.ok(want.length > 50);
    const seen = [];
    let url = '/closures?state=withdrawn';
    for (let pages = 0; url && pages < 100; pages++) {
      const r = await get('admin', url);
      assert.equal(r.status, 200);
      const ids = idsOf(r.text);
      assert.ok(ids.length <= 50);
      seen.push(...ids);
      const next = /<a href="([^"]+)" rel="next">/.exec(r.text);
      url = next ? decodeEntities(next[1]) : null;
      if (url) assert.match(url, /^\/closures\?state=withdrawn&before=\d+$/);
    }
    assert.deepEqual(seen, want);
    const bad = await get('admin', '/closures?before=x');
    assert.equal(bad.status, 400);
    const other = await get('globex', '/closures?state=withdrawn');
    assert.ok(!idsOf(other.text).some((id) => want.includes(id)), 'another tenant sees none of them');
  });
});
