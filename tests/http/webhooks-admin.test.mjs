// The webhook admin pages (issue 17, part 3; README "Webhooks"): GET and POST
// /webhooks, GET and POST /webhooks/{id}, POST /webhooks/{id}/test and
// /webhooks/{id}/redeliver. An admin makes an endpoint and sees its secret
// once (the answer to the POST, never again, to nobody); viewers and
// operators see the endpoints and their delivery logs but change nothing;
// CSRF; bad URLs and events refused naming the field, nothing made; an
// update, a test event for one endpoint only, a redelivery; another
// tenant's endpoint is 404; one audit row per admin write. Every endpoint
// is made by its test, at a URL nothing listens on (port 9: its deliveries
// fail and are retried, which these tests do not wait for), and disabled
// when the test ends so that no other suite's events go to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './apilib.mjs';
import { forgeCsrf, nowSeconds } from './lib.mjs';

const { sql, sqlOne, q } = L;

const tok = (user, action, subject = '') => forgeCsrf({ user, action, subject, expiry: nowSeconds() + 600 });
const hookUrl = (what = 'hook') => `http://127.0.0.1:9/${what}-${L.uid()}`;
const SECRET = /^whsec_[0-9a-f]{48}$/;
const rid = (r) => r.headers.get('x-request-id');
const flash = (r) => (r.headers.getSetCookie().find((c) => /^flash=/.test(c)) || '').replace(/;.*/, '');
const mine = new Set(); // every endpoint made here, disabled at the end of its test

/** The endpoint's row: { id, tenant, url, secret, events, enabled, createdBy }. */
function row(pid) {
  const [x] = sql(`SELECT id, tenant_id, url, secret, events, enabled, created_by FROM webhook_endpoints WHERE public_id = ${q(pid)}`);
  return x && { id: x[0], tenant: Number(x[1]), url: x[2], secret: x[3], events: x[4], enabled: x[5] === '1', createdBy: x[6] };
}
const rowsAt = (url) => Number(sqlOne(`SELECT COUNT(*) FROM webhook_endpoints WHERE url = ${q(url)}`));
const audit = (r) => sql(`SELECT actor, action, subject, outcome, channel FROM audit_log WHERE request_id = ${q(rid(r))} ORDER BY id`);

/** POST /webhooks as user with its own token (form.csrf wins). */
function postCreate(form, user = 'admin') {
  return L.page('/webhooks', { user, form: { csrf: tok(user, 'webhook_create'), ...form } });
}

/** A new endpoint made through the page: { pid, secret, url, res }. */
async function create({ user = 'admin', url = hookUrl(), event = ['*'], enabled = true } = {}) {
  const res = await postCreate({ url, event, ...(enabled ? { enabled: '1' } : {}) }, user);
  assert.equal(res.status, 200, `create: ${res.status} ${JSON.stringify(L.errorOf(res.text))}`);
  const pid = /<a class="button secondary" id="endpoint-link" href="\/webhooks\/(whk_[0-9a-z_]+)">/.exec(res.text)?.[1];
  assert.ok(pid, 'the answer links to the endpoint');
  mine.add(pid);
  return { pid, secret: L.byId(res.text, 'webhook-secret'), url, res };
}

/** Disables what a test made, so that other suites' events do not pile up for it. */
function disableMine() {
  if (mine.size) sql(`UPDATE webhook_endpoints SET enabled = 0 WHERE public_id IN (${[...mine].map(q).join(', ')})`);
  mine.clear();
}

/** A delivery of the endpoint made by SQL (an event of its own): its id. A pending
 * one is due tomorrow, so that the job workers leave it as it is. */
function delivery(endpoint, { state = 'delivered', code = 200, ms = 12, response = 'ok', event = 'customer.updated' } = {}) {
  const e = row(endpoint);
  return sqlOne(`INSERT INTO outbox_events (public_id, tenant_id, event, customer_id, audit_id, data, created_at)
      VALUES (${q(`evt_${L.uid(10)}`)}, ${e.tenant}, ${q(event)}, NULL, NULL, '{}', UTC_TIMESTAMP(3));
    INSERT INTO webhook_deliveries (event_id, endpoint_id, tenant_id, order_key, state, attempts, next_at, last_at,
        last_code, last_ms, last_response, delivered_at, created_at)
      VALUES (LAST_INSERT_ID(), ${e.id}, ${e.tenant}, 0, ${q(state)}, 1,
        UTC_TIMESTAMP(3) + INTERVAL ${state === 'pending' ? 1 : 0} DAY, UTC_TIMESTAMP(3),
        ${code ?? 'NULL'}, ${ms ?? 'NULL'}, ${q(response)}, ${state === 'delivered' ? 'UTC_TIMESTAMP(3)' : 'NULL'}, UTC_TIMESTAMP(3));
    SELECT LAST_INSERT_ID();`);
}
const deliveryState = (id) => sql(`SELECT state, attempts, claimed_by IS NULL FROM webhook_deliveries WHERE id = ${id}`)[0];

/** The delivery log's rows: [{ id, state, text, redeliver }] in page order. */
function logRows(html) {
  const t = /<table class="list" id="delivery-log">([\s\S]*?)<\/table>/.exec(html);
  if (!t) return [];
  return [...t[1].matchAll(/<tr id="delivery-(\d+)" data-state="([a-z]+)">([\s\S]*?)<\/tr>/g)].map((m) => ({
    id: m[1], state: m[2], html: m[3], text: L.textOf(m[3]), redeliver: /action="\/webhooks\/[^"]+\/redeliver"/.test(m[3]),
  }));
}

/** The redeliver form's hidden fields of one delivery on the page. */
function redeliverForm(html, pid, id) {
  for (const m of html.matchAll(new RegExp(`<form method="post" action="/webhooks/${pid}/redeliver">([\\s\\S]*?)</form>`, 'g'))) {
    const f = Object.fromEntries([...m[1].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((i) => [i[1], L.decodeEntities(i[2])]));
    if (f.delivery === String(id)) return f;
  }
  return null;
}

test('an admin makes an endpoint: 200 with its secret, once, as the database holds it', async (t) => {
  t.after(disableMine);
  const url = hookUrl();
  const { pid, secret, res } = await create({ url, event: ['order.cancelled', 'customer.deactivated'] });
  assert.equal(res.headers.get('location'), null, 'an answer, not a redirect');
  assert.match(res.headers.get('cache-control') || '', /no-store/, 'the answer is not kept by any cache');
  assert.match(pid, /^whk_[0-9a-f]{12}$/);
  assert.match(secret, SECRET);
  const r = row(pid);
  assert.deepEqual({ ...r, id: undefined }, {
    id: undefined, tenant: 1, url, secret, events: 'customer.deactivated,order.cancelled', enabled: true, createdBy: 'admin',
  }, 'the row: the events in the list\'s order, the secret shown');
  const main = L.textOf(res.text);
  assert.match(main, /copy it now: it is not shown again/i);
  assert.match(main, /Custodian-Signature: t=<unix time>,v1=<hex HMAC-SHA-256>/, 'the signature header\'s format');
  assert.equal(res.text.split(secret).length - 1, 2, 'the secret: on the page and its copy button, nowhere else');
  assert.deepEqual(audit(res), [['admin', 'webhook_create', pid, 'ok', 'page']], 'one audit row');
  assert.equal(sqlOne(`SELECT COUNT(*) FROM audit_log WHERE note LIKE ${q(`%${secret}%`)}`), '0', 'no audit row holds the secret');

  // never again: not on the list, not on its page, for nobody
  for (const user of ['admin', 'operator', 'viewer']) {
    for (const p of ['/webhooks', `/webhooks/${pid}`]) {
      const g = await L.page(p, { user });
      assert.equal(g.status, 200, `${user} ${p}`);
      assert.ok(!g.text.includes(secret), `${user} ${p}: the secret is not shown again`);
      assert.ok(!/whsec_/.test(g.text), `${user} ${p}: no secret of any endpoint`);
      assert.ok(g.text.includes(url), `${user} ${p}: the URL is`);
    }
  }
  const list = await L.page('/webhooks', { user: 'viewer' });
  const tr = new RegExp(`<tr id="endpoint-${pid}">([\\s\\S]*?)</tr>`).exec(list.text);
  assert.ok(tr, 'the list has the endpoint');
  assert.equal(L.textOf(tr[1]), `${pid} ${url} customer.deactivated order.cancelled enabled 0 0 0`);
  assert.match(tr[1], new RegExp(`href="/webhooks/${pid}"`), 'with a link to its page');
});

test('"All events" is "*", whatever else is ticked; enabled unticked makes a disabled endpoint', async (t) => {
  t.after(disableMine);
  for (const event of [['*'], ['customer.updated', '*']]) {
    const { pid } = await create({ event, enabled: false });
    assert.deepEqual([row(pid).events, row(pid).enabled], ['*', false], JSON.stringify(event));
  }
  // a name ticked twice counts once
  const { pid } = await create({ event: ['asset.returned', 'asset.returned'] });
  assert.equal(row(pid).events, 'asset.returned');
});

test('the list and the endpoint page: admins get the forms, viewers and operators none', async (t) => {
  t.after(disableMine);
  const { pid } = await create();
  const admin = await L.page('/webhooks');
  assert.ok(L.hiddenFields(admin.text, '/webhooks')?.csrf, 'the New endpoint form');
  for (const name of ['*', 'customer.deactivated', 'customer.reactivated', 'customer.updated', 'customer.merged',
    'customer.closure_requested', 'subscription.ended', 'asset.returned', 'order.cancelled'])
    assert.match(admin.text, new RegExp(`<input type="checkbox" id="event-[a-z0-9]+" name="event" value="${name.replace('*', '\\*')}"`), `a checkbox for ${name}`);
  assert.match(admin.text, /<a href="\/webhooks" aria-current="page">Webhooks<\/a>/, 'the nav link, current');
  const page = await L.page(`/webhooks/${pid}`);
  for (const action of [`/webhooks/${pid}`, `/webhooks/${pid}/test`]) assert.ok(L.hiddenFields(page.text, action)?.csrf, `a form posting to ${action}`);
  for (const user of ['viewer', 'operator']) {
    for (const p of ['/webhooks', `/webhooks/${pid}`]) {
      const g = await L.page(p, { user });
      assert.equal(g.status, 200);
      assert.ok(!/<form[^>]*method="post"/.test(g.text), `${user} ${p}: no POST form`);
      assert.ok(!/name="csrf"/.test(g.text), `${user} ${p}: no token`);
      assert.match(g.text, /<a href="\/webhooks" aria-current="page">Webhooks<\/a>/, `${user}: the nav link`);
      assert.match(g.text, /Only an admin can/, `${user} ${p}: says why`);
    }
  }
  // every staff page has the link
  const customers = await L.page('/customers', { user: 'viewer' });
  assert.match(customers.text, /<a href="\/webhooks" >Webhooks<\/a>/);
});

test('viewers\' and operators\' POSTs are 403 and change nothing', async (t) => {
  t.after(disableMine);
  const { pid } = await create({ enabled: false });
  const before = row(pid);
  const d = delivery(pid, { state: 'failed' });
  const deliveries0 = sqlOne(`SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ${before.id}`);
  for (const user of ['viewer', 'operator']) {
    const url = hookUrl(user);
    let r = await postCreate({ url, event: ['*'], enabled: '1' }, user);
    assert.equal(r.status, 403, `${user} create`);
    assert.equal(L.errorOf(r.text)?.code, 'FORBIDDEN');
    assert.equal(rowsAt(url), 0, `${user}: no endpoint made`);
    r = await L.page(`/webhooks/${pid}`, { user, form: { csrf: tok(user, 'webhook_update', pid), url, event: ['*'], enabled: '1' } });
    assert.equal(r.status, 403, `${user} update`);
    r = await L.page(`/webhooks/${pid}/test`, { user, form: { csrf: tok(user, 'webhook_test', pid) } });
    assert.equal(r.status, 403, `${user} test`);
    r = await L.page(`/webhooks/${pid}/redeliver`, { user, form: { csrf: tok(user, 'webhook_redeliver', pid), delivery: d } });
    assert.equal(r.status, 403, `${user} redeliver`);
    assert.equal(L.errorOf(r.text)?.code, 'FORBIDDEN');
    assert.deepEqual(audit(r), [[user, 'webhook_redeliver', pid, 'FORBIDDEN', 'page']], `${user}: the refusal is audited`);
  }
  assert.deepEqual(row(pid), before, 'the endpoint is unchanged');
  assert.equal(sqlOne(`SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ${before.id}`), deliveries0, 'no test event');
  assert.equal(deliveryState(d)[0], 'failed', 'not redelivered');
});

test('a missing or forged token is 403 with its code and changes nothing', async (t) => {
  t.after(disableMine);
  const { pid } = await create({ enabled: false });
  const other = (await create({ enabled: false })).pid;
  const before = row(pid);
  const d = delivery(pid, { state: 'failed' });
  const url = hookUrl('forged');
  const cases = [
    ['missing', undefined, 'CSRF_MISSING'],
    ['another user\'s', (action, subject) => tok('operator', action, subject), 'CSRF_INVALID'],
    ['another action\'s', (action, subject) => tok('admin', action === 'webhook_update' ? 'webhook_test' : 'webhook_update', subject), 'CSRF_INVALID'],
    ['another endpoint\'s', (action, subject) => tok('admin', action, subject ? other : pid), 'CSRF_INVALID'],
    ['expired', (action, subject) => forgeCsrf({ user: 'admin', action, subject, expiry: nowSeconds() - 60 }), 'CSRF_EXPIRED'],
  ];
  for (const [name, make, code] of cases) {
    for (const [path, action, subject, form] of [
      ['/webhooks', 'webhook_create', '', { url, event: ['*'], enabled: '1' }],
      [`/webhooks/${pid}`, 'webhook_update', pid, { url, event: ['*'], enabled: '1' }],
      [`/webhooks/${pid}/test`, 'webhook_test', pid, {}],
      [`/webhooks/${pid}/redeliver`, 'webhook_redeliver', pid, { delivery: d }],
    ]) {
      const csrf = make ? make(action, subject) : undefined;
      const r = await L.page(path, { form: { ...form, ...(csrf ? { csrf } : {}) } });
      assert.equal(r.status, 403, `${name}, ${path}: ${r.status}`);
      assert.equal(L.errorOf(r.text)?.code, code, `${name}, ${path}`);
      // a refused write to an endpoint is an attempt on it: audited, as on a customer
      assert.deepEqual(audit(r), subject ? [['admin', action, pid, code, 'page']] : [], `${name}, ${path}: the audit`);
    }
  }
  assert.equal(rowsAt(url), 0, 'no endpoint made');
  assert.deepEqual(row(pid), before, 'the endpoint is unchanged');
  assert.equal(sqlOne(`SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ${before.id}`), '1', 'no test event');
  assert.equal(deliveryState(d)[0], 'failed', 'not redelivered');
});

test('a bad URL or event is 400 naming the field, and nothing is made', async (t) => {
  t.after(disableMine);
  const long = `http://127.0.0.1:9/${'a'.repeat(600 - 'http://127.0.0.1:9/'.length)}`;
  const max0 = sqlOne('SELECT COALESCE(MAX(id), 0) FROM webhook_endpoints');
  const cases = [
    ['ftp://', { url: `ftp://127.0.0.1/${L.uid()}` }, 'url'],
    ['empty', { url: '' }, 'url'],
    ['none', { url: undefined }, 'url'],
    ['600 characters', { url: long }, 'url'],
    ['no host', { url: 'http://' }, 'url'],
    ['javascript:', { url: 'javascript:alert(1)' }, 'url'],
    ['a space', { url: `http://127.0.0.1:9/a b${L.uid()}` }, 'url'],
    ['an unknown event', { event: ['customer.exploded'] }, 'event'],
    ['an unknown event beside a known one', { event: ['customer.updated', 'customer.deleted'] }, 'event'],
    ['a list in one value', { event: ['customer.updated,order.cancelled'] }, 'event'],
    ['no event', { event: undefined }, 'event'],
  ];
  const { pid } = await create({ enabled: false });
  const before = row(pid);
  for (const [name, bad, field] of cases) {
    const form = { url: hookUrl('bad'), event: ['*'], enabled: '1', ...bad };
    for (const [path, action, subject] of [['/webhooks', 'webhook_create', ''], [`/webhooks/${pid}`, 'webhook_update', pid]]) {
      const r = await L.page(path, { form: { csrf: tok('admin', action, subject), ...form } });
      assert.equal(r.status, 400, `${name} (${path}): ${r.status}`);
      const e = L.errorOf(r.text);
      assert.ok(e, `${name}: the error page`);
      assert.match(e.message, new RegExp(`^${field}\\b`), `${name} (${path}): the message names ${field} (${e.code}: ${e.message})`);
      if (form.url) assert.equal(rowsAt(form.url), 0, `${name}: no endpoint at that URL`);
    }
  }
  assert.equal(sqlOne(`SELECT COUNT(*) FROM webhook_endpoints WHERE id > ${max0} AND id <> ${before.id}`), '0', 'no endpoint made');
  assert.deepEqual(row(pid), before, 'the endpoint is unchanged');
  // the domain's refusal (the scheme) is a code of its own, and an attempt: audited
  const r = await postCreate({ url: 'ftp://127.0.0.1/x', event: ['*'] });
  assert.equal(L.errorOf(r.text).code, 'INVALID_URL');
  assert.deepEqual(audit(r).map((x) => [x[0], x[1], x[3]]), [['admin', 'webhook_create', 'INVALID_URL']]);
});

test('an update changes the URL, the events and enabled (the secret stays), with a flash and one audit row each', async (t) => {
  t.after(disableMine);
  const { pid, secret } = await create();
  const page = await L.page(`/webhooks/${pid}`);
  const form = L.hiddenFields(page.text, `/webhooks/${pid}`);
  assert.match(page.text, /<input type="checkbox" id="enabled" name="enabled" value="1" checked>/, 'enabled is ticked');
  assert.match(page.text, /<input type="checkbox" id="event-all" name="event" value="\*" checked>/, 'all events is ticked');
  const url = hookUrl('moved');
  let r = await L.page(`/webhooks/${pid}`, { form: { ...form, url, event: ['asset.returned', 'customer.reactivated'] } });
  assert.equal(r.status, 303, JSON.stringify(L.errorOf(r.text)));
  assert.equal(r.headers.get('location'), `/webhooks/${pid}`);
  assert.equal(flash(r), 'flash=webhook_updated');
  assert.deepEqual(audit(r), [['admin', 'webhook_update', pid, 'ok', 'page']]);
  let x = row(pid);
  assert.deepEqual([x.url, x.events, x.enabled, x.secret], [url, 'customer.reactivated,asset.returned', false, secret]);
  const after = await L.page(`/webhooks/${pid}`, { cookie: 'flash=webhook_updated' });
  assert.match(L.textOf(after.text), /The endpoint was saved/);
  assert.equal(L.byId(after.text, 'endpoint-state'), 'disabled');
  assert.match(after.text, /<input type="checkbox" id="enabled" name="enabled" value="1" >/, 'enabled is not ticked');
  assert.match(after.text, /name="event" value="customer\.reactivated" checked>/);
  assert.match(after.text, /name="event" value="asset\.returned" checked>/);
  assert.doesNotMatch(after.text, /name="event" value="customer\.updated" checked>/);
  assert.doesNotMatch(after.text, /value="\*" checked>/);
  // and back
  r = await L.page(`/webhooks/${pid}`, { form: { ...form, url, event: ['*'], enabled: '1' } });
  assert.equal(r.status, 303);
  assert.deepEqual(audit(r), [['admin', 'webhook_update', pid, 'ok', 'page']]);
  x = row(pid);
  assert.deepEqual([x.events, x.enabled, x.secret], ['*', true, secret]);
  assert.equal(L.byId((await L.page(`/webhooks/${pid}`, { user: 'viewer' })).text, 'endpoint-state'), 'enabled');
});

test('a test event: one outbox event (webhook.test), delivered to that endpoint only, in its log', async (t) => {
  t.after(disableMine);
  const a = await create();
  const b = await create();
  const max0 = sqlOne('SELECT COALESCE(MAX(id), 0) FROM outbox_events');
  const page = await L.page(`/webhooks/${a.pid}`);
  const r = await L.page(`/webhooks/${a.pid}/test`, { form: L.hiddenFields(page.text, `/webhooks/${a.pid}/test`) });
  assert.equal(r.status, 303, JSON.stringify(L.errorOf(r.text)));
  assert.equal(r.headers.get('location'), `/webhooks/${a.pid}`);
  assert.equal(flash(r), 'flash=webhook_test_queued');
  assert.deepEqual(audit(r), [['admin', 'webhook_test', a.pid, 'ok', 'page']]);
  const events = sql(`SELECT id, public_id, tenant_id, customer_id FROM outbox_events WHERE id > ${max0} AND event = 'webhook.test'`);
  assert.equal(events.length, 1, 'one test event');
  const [[eid, epub, tenant, customer]] = events;
  assert.deepEqual([tenant, customer], ['1', null]);
  assert.deepEqual(sql(`SELECT endpoint_id FROM webhook_deliveries WHERE event_id = ${eid}`), [[row(a.pid).id]], 'one delivery, to that endpoint only');
  assert.equal(sqlOne(`SELECT COUNT(*) FROM webhook_deliveries d JOIN outbox_events v ON v.id = d.event_id
                        WHERE d.endpoint_id = ${row(b.pid).id} AND v.event = 'webhook.test'`), '0', 'none to the other');
  for (const user of ['admin', 'viewer']) {
    const log = logRows((await L.page(`/webhooks/${a.pid}`, { user })).text);
    assert.equal(log.length, 1, `${user}: one delivery in the log`);
    assert.match(log[0].text, new RegExp(`^webhook\\.test ${epub} `), `${user}: the event and its id`);
    assert.equal(log[0].redeliver, false, `${user}: no Redeliver for a pending delivery`);
  }
});

test('redeliver puts a failed or delivered delivery back to pending, due now', async (t) => {
  t.after(disableMine);
  const { pid } = await create({ enabled: false });
  const failed = delivery(pid, { state: 'failed', code: null, ms: null, response: 'connect: connection refused' });
  const done = delivery(pid, { state: 'delivered', code: 204, ms: 31, response: '' });
  const pending = delivery(pid, { state: 'pending', code: 503, ms: 40, response: 'busy' });
  const page = await L.page(`/webhooks/${pid}`);
  const log = logRows(page.text);
  assert.deepEqual(log.map((x) => [x.id, x.state, x.redeliver]), [[pending, 'pending', false], [done, 'delivered', true], [failed, 'failed', true]],
    'newest first; a Redeliver button on the failed and the delivered one');
  assert.match(log[0].text, /HTTP 503 40 ms busy/);
  assert.match(log[1].text, /HTTP 204 31 ms/);
  assert.match(log[2].text, /no HTTP answer connect: connection refused/);
  for (const [id, attempts] of [[failed, '1'], [done, '1']]) {
    const r = await L.page(`/webhooks/${pid}/redeliver`, { form: redeliverForm(page.text, pid, id) });
    assert.equal(r.status, 303, JSON.stringify(L.errorOf(r.text)));
    assert.equal(r.headers.get('location'), `/webhooks/${pid}`);
    assert.equal(flash(r), 'flash=webhook_redelivered');
    assert.deepEqual(audit(r), [['admin', 'webhook_redeliver', pid, 'ok', 'page']]);
    const [state, n] = deliveryState(id);
    // (a job worker may already have tried it again: then it is pending for its next attempt)
    assert.equal(state, 'pending', `delivery ${id} is pending again`);
    assert.ok(Number(n) >= Number(attempts), 'its attempts are kept');
  }
  assert.equal(sqlOne(`SELECT COUNT(*) FROM webhook_deliveries WHERE id = ${failed} AND next_at <= UTC_TIMESTAMP(3) + INTERVAL 5 SECOND`), '1', 'due now');
  // another endpoint's delivery is not this one's to redeliver
  const other = (await create({ enabled: false })).pid;
  const theirs = delivery(other, { state: 'failed' });
  const r = await L.page(`/webhooks/${pid}/redeliver`, { form: { csrf: tok('admin', 'webhook_redeliver', pid), delivery: theirs } });
  assert.equal(r.status, 404);
  assert.equal(deliveryState(theirs)[0], 'failed');
  for (const bad of ['0', 'x', '-1', '1.5', "1' OR '1'='1"]) {
    const b = await L.page(`/webhooks/${pid}/redeliver`, { form: { csrf: tok('admin', 'webhook_redeliver', pid), delivery: bad } });
    assert.equal(b.status, 400, `delivery=${bad}`);
    assert.match(L.errorOf(b.text).message, /^delivery\b/);
  }
  // the viewer sees the log, no button
  const v = logRows((await L.page(`/webhooks/${pid}`, { user: 'viewer' })).text);
  assert.equal(v.length, 3);
  assert.ok(v.every((x) => !x.redeliver));
});

test('the delivery log: 50 a page, newest first, older pages by ?before=, every answer escaped', async (t) => {
  t.after(disableMine);
  const { pid } = await create({ enabled: false });
  const ids = [];
  for (let i = 0; i < 55; i++) ids.push(delivery(pid, { response: i === 54 ? '<script>alert("hook")</script>' : `ok ${i}` }));
  const newest = ids.slice().reverse();
  const first = await L.page(`/webhooks/${pid}`, { user: 'viewer' });
  const p1 = logRows(first.text);
  assert.deepEqual(p1.map((x) => x.id), newest.slice(0, 50));
  assert.ok(!first.text.includes('<script>alert("hook")'), 'the response is escaped');
  assert.match(p1[0].html, /<code class="sub webhook-response">&lt;script&gt;alert\((&quot;|&#34;)hook(&quot;|&#34;)\)&lt;\/script&gt;<\/code>/, 'in <code>, escaped');
  const older = /<a href="([^"]+)" rel="next">Older/.exec(first.text)?.[1];
  assert.equal(L.decodeEntities(older ?? ''), `/webhooks/${pid}?before=${newest[49]}#deliveries`);
  const second = await L.page(L.decodeEntities(older).replace(/#.*/, ''), { user: 'viewer' });
  assert.deepEqual(logRows(second.text).map((x) => x.id), newest.slice(50));
  assert.ok(!/rel="next"/.test(second.text), 'the last page');
  assert.match(second.text, new RegExp(`<a href="/webhooks/${pid}#deliveries">« Newest</a>`));
  for (const bad of ['x', '0', '-3', "1 OR 1=1"]) {
    const r = await L.page(`/webhooks/${pid}?before=${encodeURIComponent(bad)}`);
    assert.equal(r.status, 400, `before=${bad}`);
    assert.match(L.errorOf(r.text).message, /^before\b/);
  }
});

test('another tenant\'s endpoint is 404 on every route, as a missing one, and is changed by nobody', async (t) => {
  t.after(disableMine);
  const g = await create({ user: 'globex', enabled: false });
  assert.equal(row(g.pid).tenant, 2);
  const d = delivery(g.pid, { state: 'failed' });
  const before = row(g.pid);
  const missing = 'whk_000000000000';
  for (const user of ['admin', 'viewer']) {
    for (const [method, suffix, action, form] of [
      ['GET', '', null, null],
      ['POST', '', 'webhook_update', { url: hookUrl('stolen'), event: ['*'], enabled: '1' }],
      ['POST', '/test', 'webhook_test', {}],
      ['POST', '/redeliver', 'webhook_redeliver', { delivery: d }],
    ]) {
      const opts = (id) => ({ user, method, ...(form ? { form: { ...form, csrf: tok(user, action, id) } } : {}) });
      const r = await L.page(`/webhooks/${g.pid}${suffix}`, opts(g.pid));
      const m = await L.page(`/webhooks/${missing}${suffix}`, opts(missing));
      const want = method === 'POST' && user === 'viewer' ? 403 : 404;
      assert.equal(r.status, want, `${user} ${method} ${suffix}`);
      assert.equal(m.status, want, `${user} ${method} ${suffix} (missing)`);
      assert.equal(L.errorOf(r.text)?.code, L.errorOf(m.text)?.code, `${user} ${method} ${suffix}: as a missing one`);
      assert.ok(!r.text.includes(before.url), 'nothing of it shown');
    }
  }
  const list = await L.page('/webhooks');
  assert.ok(!list.text.includes(g.pid) && !list.text.includes(before.url), 'not on tenant 1\'s list');
  assert.ok((await L.page('/webhooks', { user: 'globex' })).text.includes(g.pid), 'on its own tenant\'s');
  assert.deepEqual(row(g.pid), before, 'unchanged');
  assert.equal(deliveryState(d)[0], 'failed');
  assert.equal(sqlOne(`SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ${before.id}`), '1', 'no test event');
  // a malformed id is a 400
  for (const bad of ['whk_', 'whk_a-b', 'cus_fixture_clean', "whk_1' OR '1'='1"]) {
    const r = await L.page(`/webhooks/${encodeURIComponent(bad)}`);
    assert.equal(r.status, 400, bad);
  }
});
