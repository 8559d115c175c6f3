// Lifecycle events through the outbox and signed webhooks (issue 17, README
// "Webhooks"), against a receiver on loopback started here
// (tests/http/receiver.mjs: it checks every signature and de-duplicates by
// event id). Every committed change is delivered, and one rolled back never
// is; a receiver that is down for a while gets everything after it comes
// back, in order per customer; a job worker killed mid-delivery loses
// nothing; a receiver that answers slowly or with garbage does not slow the
// pages; a bulk run of 10,000 deactivations delivers 10,000 events. The
// stack's retries are short here (scripts/check: WEBHOOK_RETRY_BASE_MS=200,
// at most 1 s, a 4 s lease). Each test makes its own endpoint and customers,
// and disables its endpoint when done.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as L from './apilib.mjs';
import { forgeCsrf, nowSeconds } from './lib.mjs';
import { insertRecords } from '../sql.mjs';
import { startReceiver } from './receiver.mjs';

const { sql, sqlOne, q } = L;
const tok = (user, action, subject = '') => forgeCsrf({ user, action, subject, expiry: nowSeconds() + 600 });
const endpoints = [];
const receivers = [];

/** An endpoint of the tenant for a fresh receiver (made with SQL: the admin pages have their own
 * tests), disabled when the test t ends, whatever its outcome. */
async function hook(t, events = '*', tenant = 1) {
  const secret = `whsec_${L.uid(24)}`;
  const r = await startReceiver({ secret });
  const pid = `whk_t${L.uid(5)}`;
  sql(`INSERT INTO webhook_endpoints (public_id, tenant_id, url, secret, events, enabled, created_at, created_by, updated_at)
       VALUES (${q(pid)}, ${tenant}, ${q(r.url)}, ${q(secret)}, ${q(events)}, 1, UTC_TIMESTAMP(3), 'test', UTC_TIMESTAMP(3))`);
  r.endpoint = pid;
  r.endpointId = sqlOne(`SELECT id FROM webhook_endpoints WHERE public_id = ${q(pid)}`);
  endpoints.push(pid);
  receivers.push(r);
  t.after(() => unhook(r));
  return r;
}
function unhook(r) {
  sql(`UPDATE webhook_endpoints SET enabled = 0 WHERE id = ${r.endpointId};
       UPDATE webhook_deliveries SET state = 'failed' WHERE endpoint_id = ${r.endpointId} AND state = 'pending'`);
}
after(async () => {
  for (const r of receivers) {
    unhook(r);
    await r.stop();
  }
});

async function until(fn, what, ms = 30000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await L.sleep(50);
  }
}

/** The outbox's events of these customers (internal ids), in order. */
const outboxOf = (ids) => sql(`SELECT public_id, event FROM outbox_events WHERE customer_id IN (${ids.join(',')}) ORDER BY id`);

const deactivate = (c, user = 'operator') => L.page(`/customers/${c.pid}/deactivate`, { user, form: { csrf: tok(user, 'deactivate', c.pid), reason: 'data_cleanup', note: 'webhook test' } });
const reactivate = (c, user = 'operator') => L.page(`/customers/${c.pid}/reactivate`, { user, form: { csrf: tok(user, 'reactivate', c.pid), note: 'back' } });

test('every committed change is delivered once, signed, in FlexPortal\'s envelope, with who, how and why', async (t) => {
  const r = await hook(t);
  const a = L.makeCustomer();
  const b = L.makeCustomer();
  const keep = L.makeCustomer();
  const withOrder = L.makeCustomer({ pendingOrder: 1 });
  assert.equal((await deactivate(a)).status, 303);
  assert.equal((await reactivate(a)).status, 303);
  const put = await L.api(`/v1/customers/${a.pid}`, { method: 'PUT', json: { firstName: 'Renamed' } });
  assert.equal(put.status, 200, put.text);
  const del = await L.api(`/v1/customers/${b.pid}`, { method: 'DELETE' });
  assert.equal(del.status, 200, del.text);
  const order = withOrder.orders[0];
  const cancel = await L.page(`/orders/${order}/cancel`, { user: 'operator', form: { csrf: tok('operator', 'order_cancel', order), reason_text: 'webhook test' } });
  assert.equal(cancel.status, 303, L.errorOf(cancel.text)?.message);
  const dup = L.makeCustomer();
  const merged = await L.page(`/customers/${dup.pid}/merge`, { user: 'operator', form: { csrf: tok('operator', 'merge', dup.pid), into: keep.pid } });
  assert.equal(merged.status, 303, L.errorOf(merged.text)?.message);
  // a rental ended, then its device recorded back
  const renter = L.makeCustomer();
  const rec = insertRecords(renter.id, 1, `wh${L.uid(4)}`, { orderStatus: 'fulfilled' });
  const ended = await L.page(`/subscriptions/${rec.sub}/cancel`, { user: 'operator', form: { csrf: tok('operator', 'subscription_cancel', rec.sub), cancel_reason: 'other' } });
  assert.equal(ended.status, 303, L.errorOf(ended.text)?.message);
  const back = await L.page(`/devices/${rec.serial}/status`, { user: 'operator',
    form: { csrf: tok('operator', 'device_status', rec.serial), device_status: 'returned', returned_on: '2026-03-04', condition: 'good' } });
  assert.equal(back.status, 303, L.errorOf(back.text)?.message);
  const ids = [a, b, withOrder, dup, renter].map((c) => c.id);
  const want = outboxOf(ids);
  assert.deepEqual(want.map((x) => x[1]), ['customer.deactivated', 'customer.reactivated', 'customer.updated', 'customer.deactivated',
    'order.cancelled', 'customer.merged', 'subscription.ended', 'asset.returned'], 'the outbox has one event per change');
  await until(() => want.every(([id]) => r.seen.has(id)), 'every event delivered');
  assert.deepEqual(r.bad, [], 'every request carried a valid, fresh signature');
  const got = (id) => r.seen.get(id);
  const [deact, react, upd, apiDel, cancelled, merge, subEnded, returned] = want.map(([id]) => got(id));
  for (const e of [deact, react, upd, apiDel, cancelled, merge, subEnded, returned]) {
    assert.deepEqual(Object.keys(e).sort(), ['data', 'event', 'id', 'timestamp']);
    assert.match(e.id, /^evt_[0-9a-f]{20}$/);
    assert.match(e.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'FlexPortal\'s timestamp format');
  }
  assert.deepEqual(deact.data, { customerId: a.pid, actor: 'operator', channel: 'page', reason: 'data_cleanup', note: 'webhook test', requestId: deact.data.requestId });
  assert.match(deact.data.requestId, /^[0-9a-f]{32}$/);
  assert.equal(react.event, 'customer.reactivated');
  assert.equal(upd.event, 'customer.updated');
  assert.equal(upd.data.channel, 'api');
  assert.ok(Array.isArray(upd.data.changes) && upd.data.changes.some((x) => x.field === 'firstName' && x.new === 'Renamed'), JSON.stringify(upd.data));
  assert.equal(apiDel.data.customerId, b.pid);
  assert.equal(apiDel.data.channel, 'api');
  assert.ok(apiDel.data.apiKey, 'the API key\'s label');
  assert.equal(apiDel.data.actor, `api:${apiDel.data.apiKey}`);
  assert.deepEqual([cancelled.event, cancelled.data.orderId, cancelled.data.customerId], ['order.cancelled', order, withOrder.pid]);
  assert.deepEqual([merge.event, merge.data.customerId, merge.data.mergedInto], ['customer.merged', dup.pid, keep.pid]);
  assert.deepEqual([subEnded.data.customerId, subEnded.data.subscriptionId], [renter.pid, rec.sub], 'FlexPortal\'s name: subscriptionId');
  assert.deepEqual([returned.data.customerId, returned.data.serialNumber], [renter.pid, rec.serial]);
  // at least once, and here exactly once: no event twice
  const mine = r.requests.filter((x) => want.some(([id]) => id === x.id));
  assert.equal(mine.length, want.length, 'each event sent once when the receiver answers at once');
  assert.equal(mine[0].headers['custodian-event-id'], mine[0].id);
  assert.equal(mine[0].headers['custodian-event'], mine[0].event);
  // the delivery log
  const states = sql(`SELECT d.state, d.attempts, d.last_code FROM webhook_deliveries d JOIN outbox_events v ON v.id = d.event_id
                       WHERE d.endpoint_id = ${r.endpointId} AND v.customer_id IN (${ids.join(',')})`);
  assert.ok(states.length === want.length && states.every((x) => x.join() === 'delivered,1,200'), JSON.stringify(states));
  unhook(r);
});

test('a change rolled back, or refused, never has an event', async (t) => {
  const r = await hook(t);
  const blocked = L.makeCustomer({ subscription: 1 });
  const rolled = L.makeCustomer();
  const sentinel = L.makeCustomer();
  const refused = await deactivate(blocked);
  assert.equal(refused.status, 409, 'blocked by its rental');
  // an 'ok' audit row in a transaction rolled back: its event goes with it
  sql(`START TRANSACTION;
       INSERT INTO audit_log (at, actor, tenant_id, customer_id, subject, action, channel, outcome)
         VALUES (UTC_TIMESTAMP(3), 'test', 1, ${rolled.id}, ${q(rolled.pid)}, 'deactivate', 'page', 'ok');
       ROLLBACK;`);
  assert.equal((await deactivate(sentinel)).status, 303);
  const [[sentinelEvent]] = outboxOf([sentinel.id]);
  await until(() => r.seen.has(sentinelEvent), 'the sentinel delivered');
  await L.sleep(300);
  assert.deepEqual(outboxOf([blocked.id, rolled.id]), [], 'no event in the outbox');
  assert.deepEqual(r.eventsOf([blocked.pid, rolled.pid]), [], 'nothing delivered');
  unhook(r);
});

test('a receiver down for a while gets everything after it comes back, in order per customer', async (t) => {
  const r = await hook(t);
  await r.stop();
  const cs = [L.makeCustomer(), L.makeCustomer()];
  for (let i = 0; i < 3; i++)
    for (const c of cs) assert.equal((await (i % 2 ? reactivate(c) : deactivate(c))).status, 303);
  // each customer's first event is tried again and again; the later ones wait behind it
  await until(() => sqlOne(`SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ${r.endpointId} AND attempts >= 2`) === '2',
    'each customer\'s first delivery tried at least twice while the receiver is down');
  assert.equal(sqlOne(`SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ${r.endpointId} AND attempts > 0`), '2',
    'an event waits while an earlier one of its customer is pending');
  const tried = sql(`SELECT last_code, last_response FROM webhook_deliveries WHERE endpoint_id = ${r.endpointId} AND attempts > 0 LIMIT 1`)[0];
  assert.equal(tried[0], null, 'no HTTP status while nobody listens');
  assert.match(tried[1], /connect|refused/i, 'the error is in the log');
  await r.start();
  const want = outboxOf(cs.map((c) => c.id));
  assert.equal(want.length, 6);
  await until(() => want.every(([id]) => r.seen.has(id)), 'all six delivered after the receiver came back', 20000);
  for (const c of cs) {
    const expected = sql(`SELECT public_id FROM outbox_events WHERE customer_id = ${c.id} ORDER BY id`).map((x) => x[0]);
    assert.deepEqual(r.eventsOf([c.pid]).map((e) => e.id), expected, `${c.pid}'s events in order`);
    assert.deepEqual(r.eventsOf([c.pid]).map((e) => e.event), ['customer.deactivated', 'customer.reactivated', 'customer.deactivated']);
  }
  assert.deepEqual(r.bad, []);
  unhook(r);
});

/** The job workers of the app this suite's config starts (comm "custodian-jobs"; a job
 * worker's command line is its supervisor's: --config APP_CONFIG). */
function jobWorkers() {
  let pids = [];
  try {
    pids = execFileSync('pgrep', ['-x', 'custodian-jobs'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
  const want = process.env.APP_CONFIG;
  return pids.filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(want);
    } catch {
      return false;
    }
  });
}

test('a job worker killed in the middle of a delivery loses nothing: the claim runs out and it is sent again', async (t) => {
  const r = await hook(t);
  r.mode = 'hang-once';
  const c = L.makeCustomer();
  assert.equal((await deactivate(c)).status, 303);
  const [[first]] = outboxOf([c.id]);
  await until(() => r.held?.id === first, 'the first delivery is being held by the receiver');
  const before = jobWorkers();
  assert.ok(before.length >= 1, `the app's job workers (${before})`);
  execFileSync('kill', ['-KILL', ...before]);
  r.held.res.destroy();
  // more changes while the workers are gone and come back
  assert.equal((await reactivate(c)).status, 303);
  await until(() => jobWorkers().filter((p) => !before.includes(p)).length === before.length, 'the supervisor restarts the job workers', 10000);
  const want = outboxOf([c.id]).map((x) => x[0]);
  await until(() => want.every((id) => r.seen.has(id)), 'both events delivered after the lease ran out', 20000);
  assert.deepEqual(r.eventsOf([c.pid]).map((e) => e.id), want, 'in order, the first one first');
  assert.ok(r.requests.filter((x) => x.id === first).length >= 2, 'the held one was sent again (at least once)');
  unhook(r);
});

test('a receiver that answers slowly or with garbage does not slow the pages; the log shows what it said', async (t) => {
  const r = await hook(t);
  r.mode = 'garbage';
  r.delayMs = 1500;
  const cs = Array.from({ length: 6 }, () => L.makeCustomer());
  for (const c of cs) assert.equal((await deactivate(c)).status, 303);
  // while both job workers wait on the receiver, pages answer as usual
  const worst = [];
  for (let i = 0; i < 20; i++) {
    const t0 = Date.now();
    const p = await L.page('/customers?sort=name', { user: 'viewer' });
    assert.equal(p.status, 200);
    worst.push(Date.now() - t0);
  }
  assert.ok(Math.max(...worst) < r.delayMs, `no page waited on the receiver (slowest ${Math.max(...worst)} ms, receiver ${r.delayMs} ms)`);
  await until(() => sqlOne(`SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ${r.endpointId} AND last_code = 500`) !== '0', 'a 500 logged');
  const [code, ms, head] = sql(`SELECT last_code, last_ms, last_response FROM webhook_deliveries WHERE endpoint_id = ${r.endpointId} AND last_code = 500 LIMIT 1`)[0];
  assert.equal(code, '500');
  assert.ok(Number(ms) >= 1400, `latency logged (${ms} ms)`);
  assert.ok(head.startsWith('  garbage'), `the first bytes, made printable: ${JSON.stringify(head.slice(0, 20))}`);
  assert.ok(head.length <= 300);
  r.mode = 'ok';
  const want = outboxOf(cs.map((c) => c.id)).map((x) => x[0]);
  await until(() => want.every((id) => r.seen.has(id)), 'delivered once the receiver answers', 20000);
  unhook(r);
});

test('a bulk run of 10,000 deactivations delivers 10,000 events, counted by the receiver', async (t) => {
  const r = await hook(t, 'customer.deactivated', 2);
  const tag = L.uid(4);
  const n = Number(process.env.WEBHOOK_BULK_N || 10000); // (scripts/cluster: fewer, on one machine's three nodes)
  // in tenant 2 (globex): tenant 1's lists and plans stay as the other suites know them
  sql(`INSERT INTO customers (public_id, tenant_id, email, first_name, last_name, status, created_at, updated_at)
       SELECT CONCAT('cus_wh${tag}_', seq), 2, CONCAT('w', seq, '@${tag}.webhooks.invalid'), 'Hook', CONCAT('Bulk', seq),
              'active', UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM seq_1_to_${n}`);
  const p = await L.page('/bulk/preview', { user: 'globex', form: { csrf: tok('globex', 'bulk_preview'), mode: 'filter', domain: `${tag}.webhooks.invalid` } });
  assert.equal(p.status, 200, L.errorOf(p.text)?.message);
  const form = L.hiddenFields(p.text, '/bulk/apply');
  const select = Array.from({ length: n }, (_, i) => `cus_wh${tag}_${i + 1}`);
  const t0 = Date.now();
  const ap = await L.page('/bulk/apply', { user: 'globex', form: { ...form, reason: 'compliance', select } });
  assert.equal(ap.status, 303, L.errorOf(ap.text)?.message);
  const run = ap.headers.get('location').slice('/bulk/'.length);
  const prefix = `cus_wh${tag}_`;
  const count = () => [...r.seen.values()].filter((e) => e.data.customerId?.startsWith(prefix)).length;
  await until(() => count() === n, `${n} events received`, 180000);
  const secs = (Date.now() - t0) / 1000;
  const events = [...r.seen.values()].filter((e) => e.data.customerId?.startsWith(prefix));
  assert.equal(new Set(events.map((e) => e.id)).size, n, 'distinct event ids');
  assert.equal(new Set(events.map((e) => e.data.customerId)).size, n, 'one per customer');
  assert.ok(events.every((e) => e.event === 'customer.deactivated' && e.data.bulkRunId === run && e.data.channel === 'bulk' && e.data.reason === 'compliance'));
  assert.deepEqual(r.bad, []);
  const [first, last] = sql(`SELECT MIN(d.delivered_at), MAX(d.delivered_at) FROM webhook_deliveries d WHERE d.endpoint_id = ${r.endpointId}`)[0];
  console.log(`# webhooks: ${n} deactivations by bulk run ${run} applied and delivered in ${secs.toFixed(1)} s; deliveries from ${first} to ${last}`);
  unhook(r);
});
