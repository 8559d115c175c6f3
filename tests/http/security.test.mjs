// The security suite (issue "security test suite", deliverable 1), table
// driven so that its size can be reported:
//
//   XSS           hostile payloads stored in every shown customer field (SQL,
//                 as root), typed as audit and bulk notes, pasted as bulk
//                 lines, searched for, sent as cursors, cookies and paths;
//                 every page, CSV and JSON answer that shows them is checked.
//   SQL injection payloads in every parameter of src/http/input.c on every
//                 route that reads it, path ids, JSON body fields, the API's
//                 headers and cursors signed with the real secret: 400 (404
//                 for ids, 400 VALIDATION_ERROR for JSON fields, 200 for legal free text),
//                 never 500, never slow, and the database unchanged.
//   CSRF          missing, malformed, random, another user's, another
//                 action's, another customer's, another secret's, tampered,
//                 expired and replayed tokens on every POST route.
//   roles         every route of src/route.c × GET HEAD POST PUT DELETE PATCH
//                 × no login, viewer, operator, admin and API keys of the
//                 three roles, against the status the README's rules give.
//   tenants       tenant 2's customer, bulk run and key against every route.
//   headers       every answer this file received (errors, nginx's own,
//                 static files, the API): CSP without inline scripts,
//                 frame-deny, nosniff, no-store, cookie flags.
//   traversal     /static and path ids with encoded, double-encoded and
//                 raw ".." variants, template names in parameters.
//
// Every customer, run and key used here is made here. The totals are
// printed as TAP diagnostics ("# xss: ...").
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { completeOrder, insertRecords } from '../sql.mjs';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as L from './lib.mjs';
import * as S from './seclib.mjs';

const { sql, sqlValue, lit, forgeCsrf, nowSeconds, errorCode, listIds, parseCsv, customerState } = L;
const { http } = S;

const ROOT = process.env.ROOT || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const TAG = randomBytes(3).toString('hex');
const SUMMARY = [];
const say = (line) => SUMMARY.push(line);

// ---- shared set-up ------------------------------------------------------------------------

/** An API key made with custodian-keys (the config of this stack: APP_CONFIG under scripts/cluster). */
function makeKey(tenant, role, rateLimit) {
  const config = process.env.APP_CONFIG || path.join(L.CONF_DIR, 'custodian.conf');
  const build = process.env.BUILD || path.join(ROOT, 'build-check');
  const label = `sec-${tenant}-${role}-${TAG}${rateLimit && rateLimit < 1000 ? '-limited' : ''}`;
  const args = ['--config', config, 'create', '--tenant', tenant, '--role', role, '--label', label];
  if (rateLimit) args.push('--rate-limit', String(rateLimit));
  const r = spawnSync(path.join(build, 'custodian-keys'), args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`custodian-keys create failed: ${r.stderr}`);
  return { key: r.stdout.trim(), tenant, role, label };
}

// A generous limit of their own: the matrices make thousands of calls a minute.
const KEYS = {
  viewer: makeKey('northwind', 'viewer', 100000),
  operator: makeKey('northwind', 'operator', 100000),
  admin: makeKey('northwind', 'admin', 100000),
  globex: makeKey('globex', 'admin', 100000),
};

let seq = 0;
/** A plain customer of tenant 1 (or 2): {pid, id, email}. */
function customer({ tenant = 1, status = 'active', email, first = 'Sec', last, blocked = false, records = false } = {}) {
  const n = ++seq;
  const pid = `cus_sec${TAG}${n}`;
  const mail = email ?? `sec.${TAG}.${n}@sec-${TAG}.invalid`;
  const stmts = [`INSERT INTO customers (public_id, tenant_id, email, first_name, last_name, customer_type, status,
      created_at, updated_at, deactivated_at, deactivated_by, deactivation_reason)
    VALUES (${lit(pid)}, ${tenant}, ${lit(mail)}, ${lit(first)}, ${lit(last ?? `Test${n}`)}, 'individual', ${lit(status)},
      UTC_TIMESTAMP(), UTC_TIMESTAMP(), ${status === 'inactive' ? 'UTC_TIMESTAMP()' : 'NULL'},
      ${status === 'inactive' ? "'admin'" : 'NULL'}, ${status === 'inactive' ? "'data_cleanup'" : 'NULL'})`,
  'SET @c = LAST_INSERT_ID()'];
  if (blocked) stmts.push(`INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
      VALUES (${lit(`ord_sec${TAG}${n}`)}, ${tenant}, @c, 'pending', 10, 'EUR', UTC_TIMESTAMP())`, completeOrder());
  // a blocker of each kind, for the routes of the actions that clear them: a
  // pending order, an active subscription, a device out (its rental ended)
  const rec = { order: `ord_secr${TAG}${n}`, sub: `sub_secr${TAG}${n}`, device: `SN-SECR${TAG}${n}`.toUpperCase() };
  if (records) {
    stmts.push(`INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
      VALUES (${lit(rec.order)}, ${tenant}, @c, 'pending', 10, 'EUR', UTC_TIMESTAMP())`, completeOrder());
    stmts.push(`INSERT INTO subscriptions (public_id, tenant_id, customer_id, status, monthly_amount, start_date, created_at)
      VALUES (${lit(rec.sub)}, ${tenant}, @c, 'active', 10, UTC_DATE(), UTC_TIMESTAMP())`);
    stmts.push(`INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id)
      VALUES (${lit(rec.device)}, ${tenant}, 'SEC-1', 'Sec device', 'rented_out', @c)`);
  }
  stmts.push('SELECT @c');
  const id = sqlValue(stmts.join(';\n'));
  return { pid, id, email: mail, tenant, ...(records ? rec : {}) };
}

/** An inactive customer of tenant 1 (or 2) deactivated 200 days ago: past the tenant's
 * erase_min_months (3 by default), so that an admin may erase its personal data
 * (issue 18) without a GDPR Art. 17 request. Erasure cannot be undone: one per case. */
function erasable({ tenant = 1 } = {}) {
  const c = customer({ tenant, status: 'inactive' });
  sql(`UPDATE customers SET deactivated_at = UTC_TIMESTAMP() - INTERVAL 200 DAY WHERE id = ${c.id}`);
  return c;
}
/** What an erasure or a legal hold changes. */
const erasureState = (c) => sql(`SELECT email, first_name, last_name, erased_at, erased_by, legal_hold FROM customers WHERE id = ${c.id}`);
/** The route names of the erasure (issue 18): pages and API. */
const ERASURE_ROUTES = ['customer-erase', 'customer-legal-hold', 'api-customer-erase'];

/** The route of an action on a record: its path with the record's id, its CSRF action, a form that passes. */
const RECORD_ROUTES = {
  'order-cancel': { id: (c) => c.order, action: 'order_cancel', form: { reason_text: 'matrix' } },
  'subscription-cancel': { id: (c) => c.sub, action: 'subscription_cancel', form: { cancel_reason: 'other' } },
  'early-return': { id: (c) => c.sub, action: 'early_return', form: { condition: 'good', reason_text: 'matrix' } },
  'device-status': { id: (c) => c.device, action: 'device_status', form: { device_status: 'returned' } },
};
/** The state a record route changes. */
const recordState = (c) => sql(`SELECT (SELECT status FROM orders WHERE public_id = ${lit(c.order)}),
    (SELECT status FROM subscriptions WHERE public_id = ${lit(c.sub)}),
    (SELECT CONCAT(status, ':', COALESCE(customer_id, '')) FROM assets WHERE serial_number = ${lit(c.device)})`);
/** A customer of tenant 1 (or 2) with one of each record that blocks a deactivation
 * (tests/sql.mjs insertRecords): {c, order, sub, serial, payment, paid}. */
function records({ tenant = 1 } = {}) {
  const c = customer({ tenant });
  return { c, ...insertRecords(c.id, tenant, `s${TAG}${randomBytes(4).toString('hex')}`) };
}

/** A pending closure request of customer c, made by SQL (c should be blocked, so that
 * no job worker completes it): its public id. */
function pendingClosure(c) {
  const id = `clo_${randomBytes(5).toString('hex')}`;
  sql(`INSERT INTO closure_requests (public_id, tenant_id, customer_id, state, reason, channel, requested_by,
         requested_at, checked_at, waiting_for)
       VALUES (${lit(id)}, ${c.tenant}, ${c.id}, 'pending', 'data_cleanup', 'page', 'operator',
         UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), 'CUSTOMER_HAS_PENDING_ORDERS')`);
  return id;
}

/** A webhook endpoint of tenant 1 (or 2) made by SQL, disabled (no other test's events
 * go to it), with one failed delivery of an event of its own: {pid, id, delivery}. */
function webhookEndpoint({ tenant = 1, url } = {}) {
  const n = ++seq;
  const pid = `whk_sec${TAG}${n}`;
  const [[id, delivery]] = sql(`INSERT INTO webhook_endpoints (public_id, tenant_id, url, secret, events, enabled,
        created_at, created_by, updated_at)
      VALUES (${lit(pid)}, ${tenant}, ${lit(url ?? `http://127.0.0.1:9/sec-${TAG}-${n}`)},
        ${lit(`whsec_${randomBytes(24).toString('hex')}`)}, '*', 0, UTC_TIMESTAMP(3), 'admin', UTC_TIMESTAMP(3));
    SET @w = LAST_INSERT_ID();
    INSERT INTO outbox_events (public_id, tenant_id, event, customer_id, audit_id, data, created_at)
      VALUES (${lit(`evt_sec${TAG}${n}`)}, ${tenant}, 'customer.updated', NULL, NULL, '{}', UTC_TIMESTAMP(3));
    INSERT INTO webhook_deliveries (event_id, endpoint_id, tenant_id, order_key, state, attempts, next_at, last_at,
        last_response, created_at)
      VALUES (LAST_INSERT_ID(), @w, ${tenant}, 0, 'failed', 1, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), 'refused', UTC_TIMESTAMP(3));
    SELECT @w, LAST_INSERT_ID()`);
  return { pid, id, delivery };
}
/** An API key of tenant 1 (or 2) made by SQL (its text is never needed): { id, label }. */
function apiKeyRow({ tenant = 1, label = `sec-key-${TAG}-${randomBytes(4).toString('hex')}` } = {}) {
  const [[id]] = sql(`INSERT INTO api_keys (tenant_id, role, label, key_prefix, key_hash, created_at)
      VALUES (${tenant}, 'viewer', ${lit(label)}, 'cust_secsec0', UNHEX(SHA2(${lit(randomBytes(16).toString('hex'))}, 256)), UTC_TIMESTAMP());
    SELECT LAST_INSERT_ID();`);
  return { id, label };
}
/** What a key's revocation changes: its row. */
const apiKeyState = (k) => sql(`SELECT label, role, revoked_at IS NOT NULL FROM api_keys WHERE id = ${Number(k.id)}`);
/** What a webhook write changes: the endpoint's row and its deliveries' states. */
const webhookState = (h) => sql(`SELECT url, events, enabled, updated_at,
    (SELECT GROUP_CONCAT(CONCAT(d.id, ':', d.state) ORDER BY d.id) FROM webhook_deliveries d WHERE d.endpoint_id = e.id)
    FROM webhook_endpoints e WHERE e.public_id = ${lit(h.pid)}`);
/** The CSRF action of each webhook route. */
const WEBHOOK_ACTIONS = { webhooks: 'webhook_create', webhook: 'webhook_update', 'webhook-test': 'webhook_test', 'webhook-redeliver': 'webhook_redeliver' };

/** An operator of tenant 1 made by SQL (issue 19: the Operators page), a viewer, disabled
 * when asked, with display name display: its login. No htpasswd line: nobody signs in as it. */
function staffLogin({ disabled = false, display = 'Security Matrix' } = {}) {
  const login = `sec${TAG}${++seq}${randomBytes(3).toString('hex')}`;
  sql(`INSERT INTO operators (username, tenant_id, role, display_name, disabled_at, disabled_by)
       VALUES (${lit(login)}, 1, 'viewer', ${lit(display)}, ${disabled ? 'UTC_TIMESTAMP()' : 'NULL'}, ${disabled ? "'tests'" : 'NULL'})`);
  return login;
}
/** What an Operators page write changes: the operator's row. */
const staffState = (login) => sql(`SELECT tenant_id, role, display_name, disabled_at, disabled_by FROM operators WHERE username = ${lit(login)}`);
/** The CSRF action of each Operators route. */
const OPERATOR_ACTIONS = { operators: 'operator_add', 'operator-role': 'operator_role', 'operator-disable': 'operator_disable', 'operator-enable': 'operator_enable' };

/** A tenant's retention policy (issue 18): [[erase_after_months, erase_min_months, erase_keep_location, financial_years]]. */
const policyState = (tenant) => sql(`SELECT erase_after_months, erase_min_months, erase_keep_location, financial_years FROM tenants WHERE id = ${tenant}`);
/** A policy form that passes: 1200 months (100 years: nothing in the demo data, nor here, was deactivated
 * that long ago, so the job workers, who apply a policy within a second under scripts/check, erase nobody). */
const POLICY_FORM = { erase_after_months: '1200', erase_min_months: '3', financial_years: '10', keep_location: '1' };
/** Both tenants back to the demo's policy (none): every test that sets one calls it afterwards. */
function resetPolicies() {
  sql('UPDATE tenants SET erase_after_months = NULL, erase_min_months = 3, erase_keep_location = 1, financial_years = 10 WHERE id IN (1, 2)');
}

const tokenFor = (user, action, subject = '', ttl = 600) => forgeCsrf({ user, action, subject, expiry: nowSeconds() + ttl });

/** Waits until a bulk run is done (the job workers process it). */
async function runDone(run, timeoutMs = 30000) {
  const t0 = Date.now();
  for (;;) {
    const st = sqlValue(`SELECT status FROM bulk_runs WHERE public_id = ${lit(run)}`);
    if (st === 'done') return;
    assert.ok(Date.now() - t0 < timeoutMs, `run ${run} is not done after ${timeoutMs} ms (${st})`);
    await S.sleep(100);
  }
}

async function allRunsDone(timeoutMs = 30000) {
  const t0 = Date.now();
  while (Number(sqlValue("SELECT COUNT(*) FROM bulk_runs WHERE status <> 'done'")) > 0) {
    assert.ok(Date.now() - t0 < timeoutMs, 'bulk runs still going');
    await S.sleep(100);
  }
}

/** Previews lines and applies them (user's login); returns the run id. */
async function bulkRun(user, lines, select, { note, source, reason = 'data_cleanup' } = {}) {
  const p = await http(user, 'POST', '/bulk/preview', {
    form: { csrf: tokenFor(user, 'bulk_preview'), mode: 'paste', lines: lines.join('\n') },
  });
  assert.equal(p.status, 200, `preview: ${errorCode(p.text)}`);
  const nonce = S.inputValue(p.text, 'nonce');
  assert.match(nonce || '', /^[0-9a-f]{32}$/);
  const form = { csrf: tokenFor(user, 'bulk_apply'), nonce, reason, select, source: source ?? S.inputValue(p.text, 'source') };
  if (note !== undefined) form.note = note;
  const a = await http(user, 'POST', '/bulk/apply', { form });
  assert.equal(a.status, 303, `apply: ${errorCode(a.text)}`);
  const run = a.headers.location.slice('/bulk/'.length);
  await runDone(run);
  return { run, preview: p, apply: a };
}

// Fixed things every section uses.
const GLOBEX = 'cus_fixture_globex';
let GLOBEX_RUN; // a bulk run of tenant 2 (made by the login globex)
let NW_RUN; // a bulk run of tenant 1

before(async () => {
  assert.equal(sqlValue(`SELECT tenant_id FROM customers WHERE public_id = ${lit(GLOBEX)}`), '2');
  const g = customer({ tenant: 2 });
  GLOBEX_RUN = (await bulkRun('globex', [g.pid], [g.pid])).run;
  const n = customer();
  NW_RUN = (await bulkRun('admin', [n.pid], [n.pid])).run;
});

after(() => {
  resetPolicies(); // (each test that sets a policy resets it; this is the net under them)
  // The figures, as TAP diagnostics at the end of the file's output.
  for (const line of SUMMARY) console.log(line);
});

// =================================================================================================
// The checks themselves: each catches what it looks for (so that a pass means something)
// =================================================================================================

describe('self-test: the checkers of this file reject what they must', () => {
  test('assertSafeHtml, assertNotRaw and assertShown reject injected markup on a real page', async () => {
    const r = await http('admin', 'GET', '/customers/cus_fixture_xss');
    assert.equal(r.status, 200);
    S.assertSafeHtml(r.text, 'the real page');
    const inject = (bad) => r.text.replace('</h1>', `${bad}</h1>`);
    const bad = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<svg onload=alert(1)>', '<a href="javascript:alert(1)">x</a>',
      '<a href=" JaVaScRiPt:alert(1)">x</a>', '<a href="//evil.example/">x</a>', '<a href="https://evil.example/">x</a>', '<iframe src="/x"></iframe>',
      '<!-- x', '<span class="x" onmouseover="alert(1)">x</span>', '<span title="x" autofocus>x</span>', '<div style="x">',
      '<meta http-equiv="refresh" content="0;url=//evil.example">', '<form action="https://evil.example/">', '<base href="/">',
      '<b>x</b>', '<SCRIPT SRC=//evil.example/x.js></SCRIPT>'];
    for (const b of bad) assert.throws(() => S.assertSafeHtml(inject(b), 'injected'), assert.AssertionError, `not caught: ${b}`);
    assert.ok(r.text.includes('class="panel"'), 'the page has a panel to break out of');
    // (x, viewBox, width and text-anchor are attributes of the templates' SVG elements, never of an HTML one)
    for (const extra of ['onclick="alert(1)"', 'x="1"', 'viewbox="0 0 1 1"', 'width="1"', 'text-anchor="end"', 'focusable="false"'])
      assert.throws(() => S.assertSafeHtml(r.text.replace('class="panel"', `class="panel" ${extra}`), 'break-out'), assert.AssertionError, `not caught: ${extra}`);
    assert.throws(() => S.assertNotRaw(inject('"><img src=x onerror=alert(7)>'), ['"><img src=x onerror=alert(7)>'], 'raw'), assert.AssertionError);
    assert.throws(() => S.assertShown(r.text, ['never on this page <b>'], 'shown'), assert.AssertionError);
    S.assertShown(r.text, ['<script>alert(1)</script>'], 'the fixture is shown escaped');
    assert.equal(S.ctEscape(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  test('assertSafeHtml takes the SVG charts of /retention and rejects what does not belong in them', async () => {
    const r = await http('admin', 'GET', '/retention');
    assert.equal(r.status, 200);
    S.assertSafeHtml(r.text, 'the real page');
    for (const t of ['<svg ', '<rect ', '<line ', '<text ', '<desc ', '<figure ']) assert.ok(r.text.includes(t), `the page draws ${t}`);
    const inSvg = (bad) => r.text.replace(/(<svg\b[^>]*>)/, `$1${bad}`);
    const inH1 = (bad) => r.text.replace('</h1>', `${bad}</h1>`);
    const swap = (from, to) => {
      assert.ok(r.text.includes(from), `the page holds ${from}`);
      return r.text.replace(from, to);
    };
    const bad = [
      ['an SVG element outside an <svg>', inH1('<rect x="1" y="1" width="1" height="1"></rect>')],
      ['an SVG element outside an <svg>', inH1('<text x="1" y="1">x</text>')],
      ['an <svg> with a handler', inH1('<svg viewBox="0 0 1 1" onload="alert(1)">')],
      ['an HTML element inside an <svg>', inSvg('<a href="/customers">x</a>')],
      ['an HTML element inside an <svg>', inSvg('<img src="/x">')],
      ['a script inside an <svg>', inSvg('<script>alert(1)</script>')],
      ['foreignObject', inSvg('<foreignObject><p>x</p></foreignObject>')],
      ['an SVG element the templates do not use', inSvg('<animate attributeName="x" to="1"></animate>')],
      ['an SVG element the templates do not use', inSvg('<use href="#x"></use>')],
      ['a handler on a rect', swap('<rect ', '<rect onmouseover="alert(1)" ')],
      ['a handler on a text', swap('<text ', '<text onclick="alert(1)" ')],
      ['another element\'s attribute (a rect with x1)', swap('<rect ', '<rect x1="0" ')],
      ['another element\'s attribute (a line with width)', swap('<line ', '<line width="1" ')],
      ['an HTML attribute on an SVG element', swap('<rect ', '<rect href="/x" ')],
      ['an HTML attribute on an SVG element', swap('<text ', '<text title="x" ')],
      ['a style on the svg', swap('<svg ', '<svg style="x" ')],
      ['a comment in the svg', inSvg('<!-- x -->')],
    ];
    for (const [what, html] of bad) assert.throws(() => S.assertSafeHtml(html, 'injected'), assert.AssertionError, `not caught: ${what}`);
  });

  test('headerProblems and the database fingerprint see a change', async () => {
    const r = await http('admin', 'GET', '/customers');
    assert.deepEqual(S.headerProblems(r), []);
    const h = r.headers;
    for (const [what, headers] of [
      ['no CSP', { ...h, 'content-security-policy': undefined }],
      ['inline scripts', { ...h, 'content-security-policy': "default-src 'none'; script-src 'self' 'unsafe-inline'" }],
      ['scripts from anywhere', { ...h, 'content-security-policy': "script-src *" }],
      ['framing', { ...h, 'x-frame-options': 'SAMEORIGIN' }],
      ['sniffing', { ...h, 'x-content-type-options': undefined }],
      ['a cookie without HttpOnly', { ...h, 'set-cookie': ['flash=x; Path=/; SameSite=Strict'] }],
      ['a cookie without SameSite=Strict', { ...h, 'set-cookie': ['flash=x; Path=/; HttpOnly; SameSite=Lax'] }],
    ]) assert.ok(S.headerProblems({ headers: headers }).length > 0, `not caught: ${what}`);
    assert.ok(!S.noStore({ headers: { 'cache-control': 'max-age=60' } }));
    const c = customer();
    const fp = S.fingerprint();
    sql(`UPDATE customers SET phone = 'changed' WHERE id = ${c.id}`);
    assert.notDeepEqual(S.fingerprint(), fp, 'the fingerprint sees one changed column');
  });
});

// =================================================================================================
// XSS
// =================================================================================================

const XSS = [
  '<script>alert("xss-1")</script>',
  '"><img src=x onerror=alert(2)>',
  "'><svg/onload=alert(3)>",
  'javascript:alert(4)//',
  '</textarea><script>alert(5)</script>',
  '{{TITLE}}{{>BODY}}{{#SIGNED_IN}}6{{/SIGNED_IN}}{{%AUTOESCAPE context="JAVASCRIPT"}}',
  '＜script＞alert(7)＜/script＞ \\u003cscript\\u003e %3Cscript%3E \u202e\u2028',
  '&lt;script&gt;alert(8)&lt;/script&gt; &#60;b&#62; &#x3c;i&#x3e;',
  "=cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '+HYPERLINK("http://evil.example/?x","click")',
  "-2+3+cmd|' /C calc'!A0",
  '" onmouseover="alert(13)" x="',
  '<a href="javascript:alert(14)">x</a>',
  '</title><script>alert(15)</script><!--',
  "';alert(16);//\\';alert(16);//",
  '<iframe src="//evil.example/"></iframe><base href="//evil.example/">',
  '<scr<script>ipt>alert(18)</scr</script>ipt>',
];

const cut = (s, n) => [...s].slice(0, n).join('');

/** The stored values of a hostile customer: the payload in every shown field, cut to the column. */
function hostileFields(p, i, kind) {
  return {
    first: cut(p, 100),
    last: cut(p, 100),
    email: cut(`xs${TAG}${kind}${i}.${p}@xss.invalid`, 254),
    company: cut(p, 200),
    phone: cut(p, 40),
    custom: JSON.stringify({ [cut(p, 60)]: p, list: [p, i] }),
    contact: cut(p, 200),
    street: cut(p, 200),
    building: cut(p, 100),
    locality: cut(p, 100),
    city: cut(p, 100),
    admin: cut(p, 100),
    postal: cut(p, 20),
    country: cut(p, 2).trimEnd(),
    addrCompany: cut(p, 200),
    serial: cut(`${TAG}${kind}${i}${p}`, 40),
    sku: cut(p, 40),
    product: cut(p, 200),
  };
}

/**
 * Inserts a hostile customer: kind 'x' (history only), 'b' (blocked by a
 * subscription and a device), 'p' (the payload in its public id too, as
 * another program writing the table could leave it).
 */
function hostileCustomer(p, i, kind) {
  const f = hostileFields(p, i, kind);
  const pid = kind === 'p' ? cut(`cus_${TAG}p${i}${p}`, 40) : `cus_xs${TAG}${kind}${i}`;
  if (kind === 'p') f.email = `xp${TAG}p${i}@xss.invalid`;
  const s = [`INSERT INTO customers (public_id, tenant_id, email, first_name, last_name, customer_type, company, phone,
      status, custom_fields, created_at, updated_at)
    VALUES (${lit(pid)}, 1, ${lit(f.email)}, ${lit(f.first)}, ${lit(f.last)}, 'business', ${lit(f.company)}, ${lit(f.phone)},
      'active', ${lit(f.custom)}, UTC_TIMESTAMP(), UTC_TIMESTAMP())`, 'SET @c = LAST_INSERT_ID()'];
  if (kind === 'x') {
    for (const k of ['billing', 'shipping'])
      s.push(`INSERT INTO addresses (tenant_id, customer_id, kind, contact_name, street_address, building_info, locality,
          city, admin_area, postal_code, country, company, created_at)
        VALUES (1, @c, '${k}', ${lit(f.contact)}, ${lit(f.street)}, ${lit(f.building)}, ${lit(f.locality)}, ${lit(f.city)},
          ${lit(f.admin)}, ${lit(f.postal)}, ${lit(f.country)}, ${lit(f.addrCompany)}, UTC_TIMESTAMP())`);
    s.push(`INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
        VALUES ('ord_xs${TAG}${i}', 1, @c, 'fulfilled', 10, 'EUR', UTC_TIMESTAMP() - INTERVAL 100 DAY)`, 'SET @o = LAST_INSERT_ID()', completeOrder('@o'));
    s.push(`INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
        VALUES (${lit(f.serial)}, 1, ${lit(f.sku)}, ${lit(f.product)}, 'returned', NULL, 100)`);
    s.push(`INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, asset_serial, status, monthly_amount,
          start_date, end_date, created_at)
        VALUES ('sub_xs${TAG}x${i}', 1, @c, @o, ${lit(f.serial)}, 'ended_completed', 10, UTC_DATE() - INTERVAL 100 DAY,
          UTC_DATE() - INTERVAL 10 DAY, UTC_TIMESTAMP() - INTERVAL 100 DAY)`);
  } else if (kind === 'b') {
    s.push(`INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
        VALUES (${lit(f.serial)}, 1, ${lit(f.sku)}, ${lit(f.product)}, 'rented_out', @c, 100)`);
    s.push(`INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, asset_serial, status, monthly_amount,
          start_date, end_date, created_at)
        VALUES ('sub_xs${TAG}b${i}', 1, @c, NULL, ${lit(f.serial)}, 'active', 10, UTC_DATE() - INTERVAL 10 DAY, NULL,
          UTC_TIMESTAMP())`);
  }
  s.push('SELECT @c');
  const id = sqlValue(s.join(';\n'));
  // what went in is what the database holds (nothing was cut or converted)
  const [row] = sql(`SELECT public_id, first_name, email, phone, custom_fields FROM customers WHERE id = ${id}`);
  assert.deepEqual(row, [pid, f.first, f.email, f.phone, f.custom], `payload ${i} stored as is`);
  return { pid, id, f, p, i };
}

const allValues = (f) => Object.values(f);

describe('XSS: hostile data is rendered escaped in every page, CSV and JSON', () => {
  const X = [];
  const B = [];
  const P = [];
  const places = new Map(); // place -> checks
  let checks = 0;
  let tags = 0;

  /** One check: the page's structure is the templates', no value raw, the shown values escaped. */
  function page(place, res, { values = [], shown = [], status = 200 }, what) {
    assert.equal(res.status, status, `${what}: status (${errorCode(res.text)})`);
    assert.match(res.headers['content-type'] || '', /^text\/html; charset=utf-8/i, `${what}: HTML`);
    tags += S.assertSafeHtml(res.text, what);
    S.assertNotRaw(res.text, values, what);
    S.assertShown(res.text, shown, what);
    places.set(place, (places.get(place) || 0) + 1);
    checks++;
  }

  function counted(place) {
    places.set(place, (places.get(place) || 0) + 1);
    checks++;
  }

  before(() => {
    XSS.forEach((p, i) => {
      X.push(hostileCustomer(p, i, 'x'));
      B.push(hostileCustomer(p, i, 'b'));
      P.push(hostileCustomer(p, i, 'p'));
    });
  });

  after(() => {
    say(`xss: ${XSS.length} payloads × ${places.size} places: ${checks} checks (${tags} tags inspected)`);
    say(`xss places: ${[...places.keys()].join(', ')}`);
  });

  test('the payloads: at least 10, each classic kind present', () => {
    assert.ok(XSS.length >= 10);
    for (const re of [/<script>/, /onerror=/, /javascript:/, /<\/textarea>/, /\{\{/, /＜/, /&lt;/, /^=cmd\|/, /^@/, /^\+/, /^-/, /onmouseover/])
      assert.ok(XSS.some((p) => re.test(p)), `a payload matching ${re}`);
  });

  test('customer list: every hostile customer found by search, all fields escaped', async () => {
    const r = await http('admin', 'GET', `/customers?q=xs${TAG}&status=all`);
    const ids = listIds(r.text);
    assert.equal(ids.length, X.length + B.length, 'one page holds them all');
    for (const c of [...X, ...B]) assert.ok(ids.includes(c.pid), `${c.pid} is listed`);
    for (const c of X) page('list', r, { values: [...allValues(c.f), ...allValues(B[c.i].f)], shown: [c.f.first, c.f.last, c.f.company, c.f.email] }, `list, payload ${c.i}`);
    // hostile public ids: in the row's text, its link and nowhere raw
    const rp = await http('admin', 'GET', `/customers?q=xp${TAG}&status=all`);
    for (const c of P) {
      page('list (hostile id)', rp, { values: [c.pid, ...allValues(c.f)], shown: [c.pid] }, `list, hostile id ${c.i}`);
      assert.ok(L.links(rp.text).some((l) => l.href === `/customers/${c.pid}`), `hostile id ${c.i}: the link holds the id as stored`);
    }
  });

  test('search term (?q=) echoed in the search box and the links, escaped', async () => {
    for (const [i, p] of XSS.entries()) {
      const r = await http('admin', 'GET', `/customers?q=${encodeURIComponent(p)}`);
      page('search term', r, { values: [p] }, `q, payload ${i}`);
      assert.equal(S.inputValue(r.text, 'q'), p, `q ${i}: the box holds the term as typed`);
      const tabs = L.links(r.text).filter((l) => /^\/customers\?q=/.test(l.href || ''));
      assert.ok(tabs.length >= 3, 'the status tabs keep the term');
      for (const l of tabs) assert.equal(new URL(l.href, L.BASE_URL).searchParams.get('q'), p, `q ${i}: link keeps the term`);
    }
  });

  test('audit filter (?actor=) echoed escaped', async () => {
    for (const [i, p] of XSS.entries()) {
      const r = await http('admin', 'GET', `/audit?actor=${encodeURIComponent(p)}`);
      page('audit filter', r, { values: [p] }, `actor, payload ${i}`);
      assert.equal(S.inputValue(r.text, 'actor'), p);
      const csv = L.links(r.text).find((l) => /format=csv/.test(l.href || ''));
      assert.equal(new URL(csv.href, L.BASE_URL).searchParams.get('actor'), p, 'the CSV link keeps the filter');
    }
  });

  test('customer page: profile, custom fields, addresses, devices', async () => {
    for (const c of X) {
      const r = await http('admin', 'GET', `/customers/${c.pid}`);
      const f = c.f;
      page('customer page', r, {
        values: allValues(f),
        shown: [f.first, f.last, f.company, f.email, f.phone, f.custom, f.contact, f.street, f.building, f.locality, f.city,
          f.admin, f.postal, f.country, f.addrCompany, f.serial, f.sku, f.product],
      }, `customer page, payload ${c.i}`);
      assert.ok(r.text.includes(`<title>${S.ctEscape(`${f.first} ${f.last}`)} · Custodian</title>`), 'the title is escaped');
    }
  });

  test('customer page with open items: blocking subscription and device', async () => {
    for (const c of B) {
      const r = await http('admin', 'GET', `/customers/${c.pid}`);
      page('open items', r, { values: allValues(c.f), shown: [c.f.first, c.f.serial, c.f.sku, c.f.product] }, `open items, payload ${c.i}`);
    }
  });

  test('edit form: every profile and address field, as input values', async () => {
    for (const c of X) {
      const r = await http('operator', 'GET', `/customers/${c.pid}/edit`);
      const f = c.f;
      page('edit form', r, {
        values: allValues(f),
        shown: [f.first, f.last, f.company, f.email, f.phone, f.contact, f.street, f.building, f.locality, f.city, f.admin, f.postal,
          f.country, f.addrCompany],
      }, `edit form, payload ${c.i}`);
    }
  });

  test('deactivation form: the customer, and the blocking records with their links', async () => {
    for (const c of X) {
      const r = await http('operator', 'GET', `/customers/${c.pid}/deactivate`);
      page('deactivate form', r, { values: allValues(c.f), shown: [c.f.first, c.f.last] }, `deactivate form, payload ${c.i}`);
    }
    for (const c of B) {
      const r = await http('operator', 'GET', `/customers/${c.pid}/deactivate`);
      page('deactivate form (blocked)', r, { values: allValues(c.f), shown: [c.f.first, c.f.serial, c.f.sku, c.f.product] }, `blocked form, payload ${c.i}`);
      const blockers = L.links(r.text).filter((l) => (l.href || '').startsWith(`/customers/${c.pid}#open-`));
      assert.ok(blockers.some((l) => l.href === `/customers/${c.pid}#open-${c.f.serial}`), 'the device links to its open item, decoded as stored');
    }
  });

  test('a note sent back with the form (400, no reason): the textarea holds it escaped', async () => {
    for (const c of X) {
      const r = await http('operator', 'POST', `/customers/${c.pid}/deactivate`, {
        form: { csrf: tokenFor('operator', 'deactivate', c.pid), note: c.p },
      });
      page('note sent back', r, { status: 400, values: [c.p], shown: [c.p] }, `note in textarea, payload ${c.i}`);
      assert.equal(S.inputValue(r.text, 'note'), c.p, 'the textarea holds the note as typed');
      assert.equal(customerState(c.pid).status, 'active');
    }
  });

  test('deactivation note: retention page, reactivation form, customer page, audit page', async () => {
    for (const c of X) {
      const form = await http('operator', 'GET', `/customers/${c.pid}/deactivate`);
      const res = await http('operator', 'POST', `/customers/${c.pid}/deactivate`, {
        form: { csrf: L.csrfFrom(form.text), reason: 'data_cleanup', note: c.p },
      });
      assert.equal(res.status, 303, `deactivate ${c.i}: ${errorCode(res.text)}`);
      assert.equal(customerState(c.pid).note, c.p, 'the note is stored as typed');
      const ret = await http('operator', 'GET', res.headers.location, { cookie: 'flash=deactivated' });
      page('retention page', ret, { values: [...allValues(c.f), c.p], shown: [c.f.first, c.p] }, `retention, payload ${c.i}`);
      const re = await http('operator', 'GET', `/customers/${c.pid}/reactivate`);
      page('reactivate form', re, { values: [...allValues(c.f), c.p], shown: [c.f.first, c.p] }, `reactivate form, payload ${c.i}`);
      const cp = await http('viewer', 'GET', `/customers/${c.pid}`);
      page('customer page (deactivation)', cp, { values: [...allValues(c.f), c.p], shown: [c.p] }, `deactivated customer, payload ${c.i}`);
      const au = await http('admin', 'GET', `/audit?customer=${c.pid}`);
      page('audit page', au, { values: [c.p], shown: [c.p] }, `audit page, payload ${c.i}`);
    }
  });

  test('reactivation note: customer history and audit CSV (formula cells neutralised)', async () => {
    for (const c of X) {
      const res = await http('operator', 'POST', `/customers/${c.pid}/reactivate`, {
        form: { csrf: tokenFor('operator', 'reactivate', c.pid), note: c.p },
      });
      assert.equal(res.status, 303);
      const cp = await http('operator', 'GET', `/customers/${c.pid}`);
      page('customer history', cp, { values: [c.p], shown: [c.p] }, `history, payload ${c.i}`);
      const csv = await http('admin', 'GET', `/audit?format=csv&customer=${c.pid}`);
      assert.equal(csv.status, 200);
      assert.match(csv.headers['content-type'] || '', /^text\/csv/);
      assert.match(csv.headers['content-disposition'] || '', /^attachment/);
      const rows = parseCsv(csv.text);
      assert.ok(rows.every((r) => r.length === 12), 'every record has its 12 fields');
      const notes = rows.slice(1).map((r) => r[8]);
      const want = /^[=+\-@\t\r]/.test(c.p) ? `'${c.p}` : c.p;
      assert.deepEqual(notes, [want, want], `audit CSV ${c.i}: both notes, neutralised`);
      for (const r of rows) for (const cell of r) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `a formula cell: ${cell}`);
      counted('audit CSV');
    }
  });

  test('customer list CSV (?format=csv): every hostile field as stored, formula cells neutralised', async () => {
    const csv = await http('viewer', 'GET', '/customers?format=csv&status=all&sort=email&dir=asc');
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-type'] || '', /^text\/csv/);
    assert.match(csv.headers['content-disposition'] || '', /^attachment/);
    const rows = parseCsv(csv.text);
    assert.ok(rows.every((r) => r.length === 10), 'every record has its 10 fields');
    for (const r of rows) for (const cell of r) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `a formula cell: ${cell}`);
    const safe = (v) => (v == null ? '' : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
    for (const c of [...X, ...B, ...P]) {
      const row = rows.find((r) => r[0] === c.pid);
      assert.ok(row, `${c.pid} is exported`);
      const [first, last] = sql(`SELECT first_name, last_name FROM customers WHERE public_id = ${lit(c.pid)}`)[0];
      assert.equal(row[1], safe([first, last].filter((x) => x !== '').join(' ')), `name ${c.i}`);
      assert.equal(row[2], safe(sql(`SELECT email FROM customers WHERE public_id = ${lit(c.pid)}`)[0][0]), `email ${c.i}`);
      assert.equal(row[3], safe(sql(`SELECT company FROM customers WHERE public_id = ${lit(c.pid)}`)[0][0]), `company ${c.i}`);
      counted('customer list CSV');
    }
  });

  test('bulk: pasted lines and customers in the preview, note and source on the run page, CSV, run list', async () => {
    const runs = [];
    for (const [i, p] of XSS.entries()) {
      const x = X[i];
      const b = B[i];
      const pv = await http('operator', 'POST', '/bulk/preview', {
        form: { csrf: tokenFor('operator', 'bulk_preview'), mode: 'paste', lines: [x.pid, b.pid, p, P[i].f.email].join('\n') },
      });
      page('bulk preview', pv, { values: [...allValues(x.f), ...allValues(b.f), P[i].pid], shown: [p, x.f.first, x.f.email, b.f.first, b.f.email, P[i].pid] }, `preview, payload ${i}`);
      const boxes = [...pv.text.matchAll(/<input type="checkbox" name="select"[^>]*>/g)].map((m) => L.attrsOf(m[0]).value);
      assert.ok(boxes.includes(P[i].pid), `preview ${i}: the hostile id's checkbox holds it as stored`);
      const nonce = S.inputValue(pv.text, 'nonce');
      const ap = await http('operator', 'POST', '/bulk/apply', {
        form: { csrf: tokenFor('operator', 'bulk_apply'), nonce, reason: 'data_cleanup', note: p, source: p, select: [x.pid, b.pid] },
      });
      assert.equal(ap.status, 303, `apply ${i}: ${errorCode(ap.text)}`);
      const run = ap.headers.location.slice('/bulk/'.length);
      runs.push(run);
      await runDone(run);
      assert.deepEqual(sql(`SELECT note, source FROM bulk_runs WHERE public_id = ${lit(run)}`), [[p, p]], 'note and source stored as typed');
      const rp = await http('viewer', 'GET', `/bulk/${run}`);
      page('bulk run page', rp, { values: [...allValues(x.f), ...allValues(b.f), p], shown: [p, x.f.first, x.f.email, b.f.first, b.f.email] }, `run page, payload ${i}`);
      const csv = await http('viewer', 'GET', `/bulk/${run}?format=csv`);
      assert.equal(csv.status, 200);
      const rows = parseCsv(csv.text);
      assert.deepEqual(rows[0], ['seq', 'customer_id', 'email', 'first_name', 'last_name', 'outcome', 'done_at']);
      const n = (v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
      const by = Object.fromEntries(rows.slice(1).map((r) => [r[1], r]));
      assert.deepEqual(by[x.pid].slice(2, 6), [n(x.f.email), n(x.f.first), n(x.f.last), 'ok'], `run CSV ${i}`);
      assert.deepEqual(by[b.pid].slice(2, 5), [n(b.f.email), n(b.f.first), n(b.f.last)], `run CSV ${i}`);
      for (const r of rows) for (const cell of r) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `a formula cell: ${cell}`);
      counted('bulk run CSV');
      const au = await http('admin', 'GET', `/audit?format=csv&customer=${x.pid}`);
      assert.ok(parseCsv(au.text).slice(1).some((r) => r[4] === 'bulk' && r[8] === n(p)), 'the bulk audit row keeps the note, neutralised');
    }
    const list = await http('viewer', 'GET', '/bulk');
    page('bulk run list', list, { values: XSS, shown: XSS }, 'run list');
    for (const run of runs) assert.ok(list.text.includes(`href="/bulk/${run}"`), `${run} is listed`);
    for (let i = 1; i < XSS.length; i++) counted('bulk run list');
  });

  test('retention summary and the customer pages after the run', async () => {
    const r = await http('viewer', 'GET', '/retention');
    for (const c of X) page('tenant retention', r, { values: [...allValues(c.f), c.p] }, `retention summary, payload ${c.i}`);
    for (const c of X) {
      const cr = await http('viewer', 'GET', `/customers/${c.pid}/retention`);
      page('customer retention (bulk)', cr, { values: [...allValues(c.f), c.p], shown: [c.p] }, `retention after the run, payload ${c.i}`);
    }
  });

  test('retention policy page: hostile customers that fall due under the policy within 30 days, listed escaped', async (t) => {
    // a policy of 1200 months and customers of their own deactivated 1200 months ago less 10 days:
    // due in 10 days, so listed and not erased (nothing is due now)
    t.after(resetPolicies);
    const due = XSS.map((p, i) => hostileCustomer(p, i, 'd'));
    const ids = due.map((c) => c.id).join(', ');
    t.after(() => sql(`UPDATE customers SET deactivated_at = UTC_TIMESTAMP() WHERE id IN (${ids})`));
    sql(`UPDATE customers SET status = 'inactive', deactivated_at = UTC_TIMESTAMP() - INTERVAL 1200 MONTH + INTERVAL 10 DAY,
           deactivated_by = 'admin', deactivation_reason = 'data_cleanup' WHERE id IN (${ids})`);
    sql('UPDATE tenants SET erase_after_months = 1200 WHERE id = 1');
    const r = await http('admin', 'GET', '/retention/policy');
    for (const c of due) {
      page('retention policy (upcoming)', r, { values: allValues(c.f), shown: [c.f.first, c.f.last, c.pid] }, `policy page, payload ${c.i}`);
      assert.ok(r.text.includes(`href="/customers/${c.pid}"`), `payload ${c.i}: listed as due`);
    }
    assert.equal(S.inputValue(r.text, 'erase_after_months'), '1200');
    assert.deepEqual(sql(`SELECT COUNT(*) FROM customers WHERE id IN (${ids}) AND erased_at IS NULL`), [[String(due.length)]], 'none erased: none is due yet');
  });

  test('erase confirmation (inactive since the run): the customer, and a note sent back unconfirmed (400) in the textarea, escaped; nothing erased', async () => {
    for (const c of X) {
      const r = await http('admin', 'GET', `/customers/${c.pid}/erase`);
      page('erase confirmation', r, { values: [...allValues(c.f), c.p], shown: [c.f.first, c.f.last] }, `erase page, payload ${c.i}`);
      assert.ok(/name="confirm"/.test(r.text), `erase page ${c.i}: the form is shown (an inactive customer)`);
      const back = await http('admin', 'POST', `/customers/${c.pid}/erase`, { form: { csrf: tokenFor('admin', 'erase', c.pid), note: c.p } });
      page('erase note sent back', back, { status: 400, values: [c.p], shown: [c.p] }, `erase note in textarea, payload ${c.i}`);
      assert.equal(S.inputValue(back.text, 'note'), c.p, 'the textarea holds the note as typed');
      assert.deepEqual(sql(`SELECT erased_at, first_name FROM customers WHERE id = ${c.id}`), [[null, c.f.first]], 'not confirmed: nothing erased');
    }
  });

  test('JSON API: the values come back exactly, as JSON, never as HTML', async () => {
    const list = await http(KEYS.viewer, 'GET', '/v1/customers?limit=100&status=all&sortBy=createdAt&sortDir=desc');
    assert.equal(list.status, 200);
    const byId = Object.fromEntries(list.json.customers.map((c) => [c.customerId, c]));
    for (const c of X) {
      const r = await http(KEYS.viewer, 'GET', `/v1/customers/${c.pid}`);
      assert.equal(r.status, 200);
      assert.match(r.headers['content-type'] || '', /^application\/json/);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      const f = c.f;
      const addr = { contactName: f.contact, streetAddress: f.street, buildingInfo: f.building, locality: f.locality, city: f.city,
        adminArea: f.admin, postalCode: f.postal, country: f.country, company: f.addrCompany };
      for (const [what, got] of [['GET one', r.json], ['list', byId[c.pid]]]) {
        assert.ok(got, `${what}: ${c.pid} is there`);
        assert.deepEqual([got.firstName, got.lastName, got.email, got.company, got.phone], [f.first, f.last, f.email, f.company, f.phone], `${what} ${c.i}`);
        assert.deepEqual(got.customFields, JSON.parse(f.custom), `${what} ${c.i}: custom fields`);
        assert.deepEqual(got.lastBillingAddress, addr, `${what} ${c.i}: address`);
        counted(`API JSON (${what})`);
      }
    }
  });

  test('cursors: a hostile ?after= or startAfter is refused without echo; a signed one with a hostile key renders safely', async () => {
    const first = await http('admin', 'GET', '/customers?sort=name&dir=asc');
    const real = new URL(L.nextHref(first.text), L.BASE_URL).searchParams.get('after');
    const mac = real.split('.')[1];
    for (const [i, p] of XSS.entries()) {
      const rawAfter = await http('admin', 'GET', `/customers?after=${encodeURIComponent(p)}`);
      page('cursor (raw)', rawAfter, { status: 400, values: [p] }, `after=payload ${i}`);
      assert.equal(errorCode(rawAfter.text), 'INVALID_PARAMETER');
      const tampered = `${Buffer.from(`1:${p}`).toString('base64url')}.${mac}`;
      const t = await http('admin', 'GET', `/customers?sort=name&dir=asc&after=${tampered}`);
      page('cursor (tampered)', t, { status: 400, values: [p] }, `tampered cursor ${i}`);
      assert.equal(errorCode(t.text), 'INVALID_CURSOR');
      const signed = S.forgeCursor('customers:name:asc', 1, cut(p, 100));
      const s = await http('admin', 'GET', `/customers?sort=name&dir=asc&after=${signed}`);
      page('cursor (signed, hostile key)', s, { values: [p] }, `signed cursor ${i}`);
      const au = await http('admin', 'GET', `/audit?after=${S.forgeCursor('audit', 1, p)}`);
      page('audit cursor (signed)', au, { values: [p] }, `audit cursor ${i}`);
      const api = await http(KEYS.viewer, 'GET', `/v1/customers?startAfter=${tampered}`);
      assert.equal(api.status, 400);
      assert.equal(api.json.error.code, 'VALIDATION_ERROR');
      assert.ok(!api.text.includes(p) || !S.hasMarkup(p), 'the API does not echo the cursor');
      counted('API cursor');
    }
  });

  test('webhook endpoints: hostile URLs and answers on the list, the endpoint page, its form and its delivery log', async () => {
    const hooks = XSS.map((p) => {
      const url = cut(`http://127.0.0.1:9/${p}`, 500);
      const h = webhookEndpoint({ url });
      sql(`UPDATE webhook_deliveries SET last_response = ${lit(cut(p, 300))}, last_code = 500 WHERE id = ${h.delivery}`);
      return { ...h, url, response: cut(p, 300) };
    });
    const urls = hooks.map((h) => h.url);
    for (const user of ['admin', 'viewer']) {
      page('webhook list', await http(user, 'GET', '/webhooks'), { values: urls, shown: urls }, `${user}: /webhooks`);
      for (const [i, h] of hooks.entries()) {
        const r = await http(user, 'GET', `/webhooks/${h.pid}`);
        page('webhook page', r, { values: [h.url, h.response], shown: [h.url, h.response] }, `${user}: webhook page, payload ${i}`);
        if (user === 'admin') assert.equal(S.inputValue(r.text, 'url'), h.url, `payload ${i}: the edit form holds the URL as stored`);
      }
    }
  });

  test('API keys: hostile labels on the list and on the revoke confirmation', async () => {
    const keys = XSS.map((p) => apiKeyRow({ label: cut(p, 100) }));
    const labels = keys.map((k) => k.label);
    page('api keys list', await http('admin', 'GET', '/api-keys'), { values: labels, shown: labels }, 'admin: /api-keys');
    for (const [i, k] of keys.entries())
      page('api key revoke', await http('admin', 'GET', `/api-keys/${k.id}/revoke`), { values: [k.label], shown: [k.label] }, `admin: revoke page, payload ${i}`);
    sql(`UPDATE api_keys SET revoked_at = UTC_TIMESTAMP() WHERE id IN (${keys.map((k) => k.id).join(', ')})`);
  });

  test('operators: hostile display names on the Operators page', async () => {
    const names = XSS.map((p) => cut(p, 100));
    for (const display of names) staffLogin({ display });
    page('operators list', await http('admin', 'GET', '/operators'), { values: names, shown: names }, 'admin: /operators');
  });

  test('a hostile flash cookie shows nothing and is cleared', async () => {
    for (const c of X) {
      const r = await http('admin', 'GET', `/customers/${c.pid}`, { cookie: `flash=${encodeURIComponent(c.p)}` });
      page('flash cookie', r, { values: allValues(c.f) }, `flash cookie ${c.i}`);
      assert.ok(!/class="flash/.test(r.text), 'no flash message for an unknown code');
      assert.ok(r.headers['set-cookie'].some((x) => /^flash=;/.test(x)), 'the cookie is cleared');
    }
  });

  test('hostile paths: error pages do not echo them', async () => {
    for (const [i, p] of XSS.entries()) {
      for (const pathname of [`/customers/${encodeURIComponent(p)}`, `/customers/cus_${encodeURIComponent(p)}/deactivate`,
        `/bulk/${encodeURIComponent(p)}`, `/${encodeURIComponent(p)}`]) {
        const r = await http('admin', 'GET', pathname);
        assert.ok([400, 404].includes(r.status), `${pathname}: ${r.status}`);
        page('error page (path)', r, { status: r.status, values: [p] }, `path ${i}: ${pathname}`);
      }
    }
  });
});

// =================================================================================================
// SQL injection
// =================================================================================================

const SQLI = [
  "' OR 1=1 --",
  "' OR '1'='1",
  '" OR ""="',
  "'; DROP TABLE customers; --",
  '"; DROP TABLE customers; --',
  "1; UPDATE customers SET status='inactive' WHERE 1=1; --",
  "' UNION SELECT username, role, tenant_id, NULL FROM operators --",
  '1 UNION ALL SELECT NULL,NULL,NULL,NULL#',
  "' AND SLEEP(5) AND '1'='1",
  "1' AND (SELECT 1 FROM (SELECT SLEEP(5))x) -- ",
  "' OR BENCHMARK(90000000,SHA1('x')) OR '",
  "admin'/**/OR/**/1=1/*",
  "1'/*!50000OR*/'1'='1",
  '%27%20OR%201%3D1%20--%20',
  "\\' OR 1=1 -- ",
  "' OR 1=1 INTO OUTFILE '/tmp/custodian-sqli.txt' --",
  "'||(SELECT authentication_string FROM mysql.user LIMIT 1)||'",
  "cus_fixture_clean' -- ",
  "x' OR '1'='1'@example.com",
  "'OR'1'='1'@x.example",
  '\u02bc OR 1=1 -- \uff07 OR \uff071\uff07=\uff071',
  '1 OR 1=1',
  '1) OR (1=1',
  '-1 UNION SELECT 1,2,3',
];

/** The fields of the profile edit form (besides customerType). */
const EDIT_FIELDS = ['firstName', 'lastName', 'company', 'phone',
  ...['billingAddress', 'shippingAddress'].flatMap((a) => ['contactName', 'company', 'buildingInfo', 'streetAddress', 'locality', 'city',
    'adminArea', 'postalCode', 'country'].map((m) => `${a}.${m}`))];

const isTimed = (p) => /SLEEP|BENCHMARK/i.test(p);
const asciiOnly = (p) => /^[\x20-\x7e]*$/.test(p);

describe('SQL injection: every parameter refuses or takes the payload as data; the database is unchanged', () => {
  let ACTIVE; // an active customer of tenant 1
  let INACTIVE; // an inactive one
  let RECORDS; // an active one with a blocker of each kind
  let CLOSURE; // a pending closure request (of a blocked customer)
  let HOOK; // a webhook endpoint of tenant 1 (disabled) with a failed delivery
  let ERASABLE; // an inactive customer deactivated 200 days ago: one an admin may erase
  const params = new Set();
  let sent = 0;
  let slowest = 0;

  let REC; // a customer of tenant 1 with one record of each kind
  before(async () => {
    await allRunsDone();
    ACTIVE = customer();
    INACTIVE = customer({ status: 'inactive' });
    RECORDS = customer({ records: true });
    REC = records();
    CLOSURE = pendingClosure(customer({ blocked: true }));
    HOOK = webhookEndpoint();
    ERASABLE = erasable();
  });

  after(() => {
    say(`sqli: ${SQLI.length} payloads × ${params.size} parameters: ${sent} requests (slowest ${Math.round(slowest)} ms, none 5xx)`);
  });

  /** Sends one request, checks it is never 5xx and never waits on a SLEEP/BENCHMARK. */
  async function send(param, p, who, method, url, opts) {
    params.add(param);
    sent++;
    const r = await http(who, method, url, opts);
    slowest = Math.max(slowest, r.ms);
    assert.ok(r.status < 500, `${param} ${JSON.stringify(p)}: ${r.status} ${r.text.slice(0, 300)}`);
    assert.ok(r.ms < (isTimed(p) ? 2500 : 10000), `${param} ${JSON.stringify(p)}: answered in ${Math.round(r.ms)} ms`);
    return r;
  }

  const q = encodeURIComponent;
  /** An HTML 400 naming the parameter. */
  function bad400(r, name, what) {
    assert.equal(r.status, 400, `${what}: ${r.status} ${errorCode(r.text)}`);
    if (r.json) assert.match(r.json.error.message, new RegExp(`^${name}`), what);
    else assert.match(L.textOf(L.mainOf(r.text)), new RegExp(`${name}`), `${what}: the error names ${name}`);
  }
  /** 400 (malformed id) or 404 (no such page or customer). */
  function badId(r, what) {
    assert.ok([400, 404].includes(r.status), `${what}: ${r.status}`);
  }

  test('refused or matched as text, nothing written (CHECKSUM TABLE of every table before and after)', async () => {
    const before0 = S.fingerprint();
    const cust = ACTIVE.pid;
    for (const p of SQLI) {
      const what = (name) => `${name}=${JSON.stringify(p)}`;
      // ---- pages: query parameters
      for (const name of ['status', 'type', 'sort', 'dir', 'after', 'format'])
        bad400(await send(`GET /customers ?${name}`, p, 'admin', 'GET', `/customers?${name}=${q(p)}`), name, what(name));
      for (const name of ['status', 'type', 'sort', 'dir'])
        bad400(await send(`GET /customers?format=csv ?${name}`, p, 'admin', 'GET', `/customers?format=csv&${name}=${q(p)}`), name, what(name));
      // the search box takes the payload as text: it lists exactly what the
      // search's rules find for those characters (lib.mjs searchExpected:
      // prefixes, phone digits, FULLTEXT words with the operators dropped)
      const search = await send('GET /customers ?q', p, 'admin', 'GET', `/customers?q=${q(p)}&status=all`);
      assert.equal(search.status, 200, what('q'));
      // (listIds reads only well-formed ids: the XSS suite's hostile ids are left out of both;
      // a term matching more than the cap lists some of its matches, which ones the cap decides)
      const wanted = L.searchExpected(p, { where: 'TRUE' });
      const wellFormed = (ids) => ids.filter((id) => /^cus_[A-Za-z0-9_]+$/.test(id));
      if (wanted.length <= 1000) assert.deepEqual(listIds(search.text), wellFormed(wanted.slice(0, 50)), `${what('q')}: matched as text`);
      else for (const id of listIds(search.text)) assert.ok(wanted.includes(id), `${what('q')}: ${id} matches as text`);
      const hl = await send('GET /customers/{id} ?highlight', p, 'admin', 'GET', `/customers/${cust}?highlight=${q(p)}`);
      if (hl.status === 200) assert.doesNotMatch(hl.text, /notice found|class="highlight"/, `${what('highlight')}: nothing highlighted`);
      else bad400(hl, 'highlight', what('highlight'));
      // the export of the same search: exactly its matches, in any case never more
      const searchCsv = await send('GET /customers?format=csv ?q', p, 'admin', 'GET', `/customers?format=csv&q=${q(p)}&status=all`);
      assert.equal(searchCsv.status, 200, what('q'));
      for (const [id] of parseCsv(searchCsv.text).slice(1)) assert.ok(wanted.includes(id), `${what('q')}: the CSV's ${id} matches as text`);
      if (wanted.length <= 1000) assert.equal(parseCsv(searchCsv.text).length - 1, wanted.length, `${what('q')}: the CSV holds every match`);
      for (const name of ['orders_before', 'subs_before', 'devices_before', 'payments_before', 'audit_before', 'notes_before'])
        bad400(await send(`GET /customers/{id} ?${name}`, p, 'admin', 'GET', `/customers/${cust}?${name}=${q(p)}`), name, what(name));
      for (const name of ['action', 'outcome', 'customer', 'from', 'to', 'after', 'format'])
        bad400(await send(`GET /audit ?${name}`, p, 'admin', 'GET', `/audit?${name}=${q(p)}`), name, what(name));
      const actor = await send('GET /audit ?actor', p, 'admin', 'GET', `/audit?actor=${q(p)}`);
      assert.equal(actor.status, 200);
      assert.match(actor.text, /No audit entries match/, `${what('actor')}: nothing matches`);
      const actorCsv = await send('GET /audit?format=csv ?actor', p, 'admin', 'GET', `/audit?format=csv&actor=${q(p)}`);
      assert.equal(actorCsv.status, 200);
      assert.equal(parseCsv(actorCsv.text).length, 1, `${what('actor')}: the CSV holds only its header`);
      for (const name of ['format', 'items_after'])
        bad400(await send(`GET /bulk/{run} ?${name}`, p, 'admin', 'GET', `/bulk/${NW_RUN}?${name}=${q(p)}`), name, what(name));
      // ---- pages: ids in the path
      for (const suffix of ['', '/deactivate', '/reactivate', '/retention'])
        badId(await send(`GET /customers/{id}${suffix}`, p, 'admin', 'GET', `/customers/${q(p)}${suffix}`), `path ${suffix} ${p}`);
      badId(await send('GET /customers/{id} (prefixed)', p, 'admin', 'GET', `/customers/cus_${q(p)}`), `path cus_${p}`);
      badId(await send('GET /bulk/{run}', p, 'admin', 'GET', `/bulk/${q(p)}`), `run ${p}`);
      badId(await send('GET /bulk/{run} (prefixed)', p, 'admin', 'GET', `/bulk/run_${q(p)}`), `run run_${p}`);
      for (const action of ['deactivate', 'reactivate'])
        badId(await send(`POST /customers/{id}/${action}`, p, 'operator', 'POST', `/customers/${q(p)}/${action}`, {
          form: { csrf: tokenFor('operator', action, p), reason: 'data_cleanup' },
        }), `POST ${action} ${p}`);
      // ---- pages: form fields (a valid token, so only the field can be wrong)
      bad400(await send('POST deactivate reason', p, 'operator', 'POST', `/customers/${cust}/deactivate`, {
        form: { csrf: tokenFor('operator', 'deactivate', cust), reason: p },
      }), 'reason', what('reason'));
      const note = { csrf: tokenFor('operator', 'note', cust), kind: 'phone', date: '2025-01-01', summary: 'sqli' };
      for (const name of ['kind', 'date', 'follow_up'])
        bad400(await send(`POST notes ${name}`, p, 'operator', 'POST', `/customers/${cust}/notes`, { form: { ...note, [name]: p } }), name, what(name));
      bad400(await send('POST notes csrf', p, 'operator', 'POST', `/customers/${cust}/notes`, { form: { ...note, csrf: p } }), 'csrf', what('csrf'));
      for (const action of ['deactivate', 'reactivate'])
        bad400(await send(`POST ${action} csrf`, p, 'operator', 'POST', `/customers/${cust}/${action}`, {
          form: { csrf: p, reason: 'data_cleanup' },
        }), 'csrf', what('csrf'));
      // the edit form: every field the payload, with one required name empty so that the
      // whole form is refused (400, the form again naming the fields) and nothing written
      for (const empty of ['firstName', 'lastName']) {
        const form = { csrf: tokenFor('operator', 'edit', cust), customerType: p };
        for (const name of EDIT_FIELDS) form[name] = name === empty ? '' : p;
        const r = await send(`POST /customers/{id}/edit ${empty === 'firstName' ? 'lastName' : 'firstName'}`, p, 'operator', 'POST', `/customers/${cust}/edit`, { form });
        assert.equal(r.status, 400, `edit form ${what(empty)}: ${r.status} ${errorCode(r.text)}`);
        assert.match(r.text, new RegExp(`id="f-${empty}-error"`), `edit form ${what(empty)}: the empty name is named`);
      }
      for (const name of EDIT_FIELDS) params.add(`POST /customers/{id}/edit ${name}`);
      const pre = tokenFor('operator', 'bulk_preview');
      for (const [name, form] of [
        ['mode', { mode: p }],
        ['domain', { mode: 'filter', domain: p }],
        ['created_before', { mode: 'filter', created_before: p }],
        ['idle_since', { mode: 'filter', idle_since: p }],
        ['no_orders', { mode: 'filter', no_orders: p }],
        ['csrf', { mode: 'paste', lines: cust, csrf: p }],
      ])
        bad400(await send(`POST /bulk/preview ${name}`, p, 'operator', 'POST', '/bulk/preview', { form: { csrf: pre, ...form } }), name, what(name));
      const lines = await send('POST /bulk/preview lines', p, 'operator', 'POST', '/bulk/preview', {
        form: { csrf: pre, mode: 'paste', lines: `${p}\n${p.toUpperCase()}` },
      });
      assert.equal(lines.status, 200, what('lines'));
      assert.deepEqual(L.textOf(S.inputValue(lines.text, 'source') ?? ''), 'pasted list of 2 lines');
      assert.ok(!/name="select"/.test(lines.text), `${what('lines')}: no customer proposed`);
      assert.match(lines.text, /<dt>Not found<\/dt><dd id="n-not-found">[12]<\/dd>/, `${what('lines')}: the lines match nothing`);
      // the file upload's fields (mode=file): the column and the posted-back copy are refused,
      // a file holding the payload (quoted as RFC 4180 says) under the payload's name is data
      for (const [name, form] of [
        ['column', { mode: 'file', file: `${cust}\n`, column: p }],
        ['file_data', { mode: 'file', file_data: p, column: '1' }],
      ])
        bad400(await send(`POST /bulk/preview ${name}`, p, 'operator', 'POST', '/bulk/preview', { form: { csrf: pre, ...form } }), name, what(name));
      const file = await send('POST /bulk/preview file', p, 'operator', 'POST', '/bulk/preview', {
        form: { csrf: pre, mode: 'file', file: `cus_nobody_sqli\r\n"${p.replaceAll('"', '""')}"\r\n`, file_name: p },
      });
      params.add('POST /bulk/preview file_name');
      assert.equal(file.status, 200, `${what('file')}: ${errorCode(file.text)}`);
      assert.ok(!/name="select"/.test(file.text), `${what('file')}: no customer proposed`);
      assert.match(file.text, /<dt>Not found<\/dt><dd id="n-not-found">2<\/dd>/, `${what('file')}: the values match nothing`);
      const nonce = randomBytes(16).toString('hex');
      const app = tokenFor('operator', 'bulk_apply');
      for (const [name, form] of [
        ['reason', { reason: p }],
        ['nonce', { nonce: p }],
        ['select', { select: [cust, p] }],
        ['csrf', { csrf: p }],
      ])
        bad400(await send(`POST /bulk/apply ${name}`, p, 'operator', 'POST', '/bulk/apply', {
          form: { csrf: app, nonce, reason: 'data_cleanup', select: [cust], ...form },
        }), name, what(name));
      for (const pair of [p, `${cust}>${p}`, `${p}>${cust}`])
        bad400(await send('POST /bulk/merge pair', p, 'operator', 'POST', '/bulk/merge', {
          form: { csrf: tokenFor('operator', 'bulk_merge'), nonce, pair: [pair] },
        }), 'pair', what('pair'));
      // ---- the actions on a customer's records: ids in the path, form fields
      for (const [route, path] of [['order-cancel', '/orders/{}/cancel'], ['subscription-cancel', '/subscriptions/{}/cancel'],
        ['early-return', '/subscriptions/{}/early-return'], ['device-status', '/devices/{}/status']]) {
        badId(await send(`GET ${path}`, p, 'admin', 'GET', path.replace('{}', q(p))), `${path} ${p}`);
        badId(await send(`POST ${path}`, p, 'operator', 'POST', path.replace('{}', q(p)), {
          form: { csrf: tokenFor('operator', RECORD_ROUTES[route].action, p), ...RECORD_ROUTES[route].form },
        }), `POST ${path} ${p}`);
      }
      const R = RECORDS;
      for (const [name, path, action, subject, form] of [
        ['cancel_reason', `/subscriptions/${R.sub}/cancel`, 'subscription_cancel', R.sub, { cancel_reason: p }],
        ['condition', `/subscriptions/${R.sub}/early-return`, 'early_return', R.sub, { condition: p, reason_text: 'sqli' }],
        ['fee', `/subscriptions/${R.sub}/early-return`, 'early_return', R.sub, { condition: 'good', reason_text: 'sqli', fee: p }],
        ['device_status', `/devices/${R.device}/status`, 'device_status', R.device, { device_status: p }],
        ['returned_on', `/devices/${R.device}/status`, 'device_status', R.device, { device_status: 'returned', returned_on: p }],
      ])
        bad400(await send(`POST ${path.replace(/\/(ord|sub)_\w+|\/SN-\w+/, '/{}')} ${name}`, p, 'operator', 'POST', path, {
          form: { csrf: tokenFor('operator', action, subject), ...form },
        }), name, what(name));
      // free text as data: with a bad condition the whole form is refused (400) and nothing is written
      for (const name of ['reason_text', 'notes']) {
        const r = await send(`POST /subscriptions/{}/early-return ${name}`, p, 'operator', 'POST', `/subscriptions/${R.sub}/early-return`, {
          form: { csrf: tokenFor('operator', 'early_return', R.sub), condition: 'sqli', reason_text: 'x', [name]: p },
        });
        assert.equal(r.status, 400, `${what(name)}: ${r.status}`);
      }
      // ---- closure requests ("close when clear")
      for (const name of ['state', 'before'])
        bad400(await send(`GET /closures ?${name}`, p, 'admin', 'GET', `/closures?${name}=${q(p)}`), name, what(name));
      const clo = { csrf: tokenFor('operator', 'closure_request', cust), reason: 'data_cleanup' };
      for (const name of ['reason', 'cancel_now', 'csrf'])
        bad400(await send(`POST /customers/{id}/closure ${name}`, p, 'operator', 'POST', `/customers/${cust}/closure`, { form: { ...clo, [name]: p } }), name, what(name));
      badId(await send('POST /customers/{id}/closure', p, 'operator', 'POST', `/customers/${q(p)}/closure`, {
        form: { csrf: tokenFor('operator', 'closure_request', p), reason: 'data_cleanup' },
      }), `POST closure ${p}`);
      for (const id of [q(p), `clo_${q(p)}`])
        badId(await send('POST /closures/{id}/withdraw', p, 'operator', 'POST', `/closures/${id}/withdraw`, {
          form: { csrf: tokenFor('operator', 'closure_withdraw', decodeURIComponent(id)) },
        }), `POST withdraw ${id}`);
      bad400(await send('POST /closures/{id}/withdraw csrf', p, 'operator', 'POST', `/closures/${CLOSURE}/withdraw`, { form: { csrf: p } }), 'csrf', what('csrf'));
      bad400(await send('DELETE /v1/customers/{id} ?whenClear', p, KEYS.admin, 'DELETE', `/v1/customers/${cust}?whenClear=${q(p)}`), 'whenClear', what('whenClear'));
      // ---- merging a duplicate (issue 16)
      bad400(await send('GET /customers/{id}/merge ?into', p, 'operator', 'GET', `/customers/${cust}/merge?into=${q(p)}`), 'into', what('into'));
      for (const name of ['into', 'take', 'csrf'])
        bad400(await send(`POST /customers/{id}/merge ${name}`, p, 'operator', 'POST', `/customers/${cust}/merge`, {
          form: { csrf: tokenFor('operator', 'merge', cust), into: 'cus_fixture_clean', [name]: p },
        }), name, what(name));
      const merged = await send('POST /v1/customers/{id}/merge intoCustomerId', p, KEYS.admin, 'POST', `/v1/customers/${cust}/merge`, { json: { intoCustomerId: p } });
      assert.equal(merged.status, 400, `${what('intoCustomerId')}: ${merged.status}`);
      // ---- erasing personal data (issue 18): admins only, on a customer that may be erased,
      // so that a payload taken would erase it; art17 and confirm take 1, hold 0 or 1
      const E = ERASABLE.pid;
      for (const name of ['art17', 'confirm'])
        bad400(await send(`GET /customers/{id}/erase ?${name}`, p, 'admin', 'GET', `/customers/${E}/erase?${name}=${q(p)}`), name, what(name));
      for (const name of ['art17', 'confirm', 'csrf'])
        bad400(await send(`POST /customers/{id}/erase ${name}`, p, 'admin', 'POST', `/customers/${E}/erase`, {
          form: { csrf: tokenFor('admin', 'erase', E), confirm: '1', art17: '1', [name]: p },
        }), name, what(name));
      for (const name of ['hold', 'csrf'])
        bad400(await send(`POST /customers/{id}/legal-hold ${name}`, p, 'admin', 'POST', `/customers/${E}/legal-hold`, {
          form: { csrf: tokenFor('admin', 'legal_hold', E), hold: '1', [name]: p },
        }), name, what(name));
      badId(await send('GET /customers/{id}/erase', p, 'admin', 'GET', `/customers/${q(p)}/erase`), `erase page ${p}`);
      for (const [suffix, action, form] of [['/erase', 'erase', { confirm: '1', art17: '1' }], ['/legal-hold', 'legal_hold', { hold: '1' }]])
        badId(await send(`POST /customers/{id}${suffix}`, p, 'admin', 'POST', `/customers/${q(p)}${suffix}`, {
          form: { csrf: tokenFor('admin', action, p), ...form },
        }), `POST ${suffix} ${p}`);
      badId(await send('POST /v1/customers/{id}/erase', p, KEYS.admin, 'POST', `/v1/customers/${q(p)}/erase`, { json: { gdprArticle17: true } }), `POST /v1/customers/${p}/erase`);
      for (const [name, json] of [['gdprArticle17', { gdprArticle17: p }], ['gdprArticle17', { gdprArticle17: p, note: 'sqli' }], ['(field name)', { gdprArticle17: true, [p]: 1 }]]) {
        const r = await send(`POST /v1/customers/{id}/erase JSON ${name}`, p, KEYS.admin, 'POST', `/v1/customers/${E}/erase`, { json });
        assert.equal(r.status, 400, `erase JSON ${name} ${p}: ${r.status} ${r.text}`);
        assert.equal(r.json.error.code, 'VALIDATION_ERROR', `erase JSON ${name} ${p}`);
        assert.deepEqual(r.json.error.details.map((x) => x.path), [name === '(field name)' ? p : name], `erase JSON ${name} ${p}: the detail names the member`);
      }
      // ---- the tenant's retention policy (issue 18): admins only; a valid form of a policy that
      // would change the tenant's row (tenants is in the fingerprint), one field the payload
      for (const name of ['erase_after_months', 'erase_min_months', 'financial_years', 'keep_location', 'csrf'])
        bad400(await send(`POST /retention/policy ${name}`, p, 'admin', 'POST', '/retention/policy', {
          form: { csrf: tokenFor('admin', 'retention_policy'), ...POLICY_FORM, financial_years: '11', [name]: p },
        }), name, what(name));
      // ---- webhook endpoints (issue 17): what the front controller refuses writes nothing
      // (the URL, free text the domain checks, is attacked with the written free text below)
      const hook = { url: 'http://127.0.0.1:9/sqli', event: ['*'] };
      for (const [name, form] of [['event', { event: [p] }], ['event', { event: ['customer.updated', p] }], ['enabled', { enabled: p }]]) {
        bad400(await send(`POST /webhooks ${name}`, p, 'admin', 'POST', '/webhooks', {
          form: { csrf: tokenFor('admin', 'webhook_create'), ...hook, ...form },
        }), name, what(name));
        bad400(await send(`POST /webhooks/{id} ${name}`, p, 'admin', 'POST', `/webhooks/${HOOK.pid}`, {
          form: { csrf: tokenFor('admin', 'webhook_update', HOOK.pid), ...hook, ...form },
        }), name, what(name));
      }
      bad400(await send('POST /webhooks/{id}/redeliver delivery', p, 'admin', 'POST', `/webhooks/${HOOK.pid}/redeliver`, {
        form: { csrf: tokenFor('admin', 'webhook_redeliver', HOOK.pid), delivery: p },
      }), 'delivery', what('delivery'));
      bad400(await send('GET /webhooks/{id} ?before', p, 'admin', 'GET', `/webhooks/${HOOK.pid}?before=${q(p)}`), 'before', what('before'));
      for (const id of [q(p), `whk_${q(p)}`]) {
        badId(await send('GET /webhooks/{id}', p, 'admin', 'GET', `/webhooks/${id}`), `webhook ${id}`);
        for (const [suffix, action, form] of [['', 'webhook_update', hook], ['/test', 'webhook_test', {}], ['/redeliver', 'webhook_redeliver', { delivery: HOOK.delivery }]])
          badId(await send(`POST /webhooks/{id}${suffix}`, p, 'admin', 'POST', `/webhooks/${id}${suffix}`, {
            form: { csrf: tokenFor('admin', action, decodeURIComponent(id)), ...form },
          }), `POST /webhooks/${id}${suffix}`);
      }
      // ---- API keys (issue 19): the role and the rate limit are refused by the front
      // controller; the label (free text, stored as typed: tests/http/keys.test.mjs) comes with
      // no role here, so that the form is refused before any write; the path's id is a number
      for (const [name, form] of [['role', { label: 'sqli', role: p }], ['rate_limit', { label: 'sqli', role: 'viewer', rate_limit: p }]])
        bad400(await send(`POST /api-keys ${name}`, p, 'admin', 'POST', '/api-keys', {
          form: { csrf: tokenFor('admin', 'api_key_create'), ...form },
        }), name, what(name));
      bad400(await send('POST /api-keys label', p, 'admin', 'POST', '/api-keys', {
        form: { csrf: tokenFor('admin', 'api_key_create'), label: p },
      }), 'role', what('label'));
      badId(await send('GET /api-keys/{id}/revoke', p, 'admin', 'GET', `/api-keys/${q(p)}/revoke`), `api key ${p}`);
      badId(await send('POST /api-keys/{id}/revoke', p, 'admin', 'POST', `/api-keys/${q(p)}/revoke`, {
        form: { csrf: tokenFor('admin', 'api_key_revoke', p) },
      }), `POST /api-keys/${p}/revoke`);
      // ---- the Operators page (issue 19): a role is one of three, a login in the path letters,
      // digits and . _ - @ + (the front controller's refusals; the form's login, refused by the
      // domain with an audit row, and the display name, free text, are below)
      bad400(await send('POST /operators role', p, 'admin', 'POST', '/operators', {
        form: { csrf: tokenFor('admin', 'operator_add'), username: 'sqli-nobody', display_name: 'SQLi', role: p },
      }), 'role', what('role'));
      for (const suffix of ['role', 'disable', 'enable'])
        badId(await send(`POST /operators/{login}/${suffix}`, p, 'admin', 'POST', `/operators/${q(p)}/${suffix}`, {
          form: { csrf: tokenFor('admin', `operator_${suffix}`, p), role: 'viewer' },
        }), `POST /operators/${p}/${suffix}`);
      // ---- API: query parameters
      for (const name of ['limit', 'startAfter', 'status', 'customerType', 'hasActiveRentals', 'sortBy', 'sortDir'])
        bad400(await send(`GET /v1/customers ?${name}`, p, KEYS.admin, 'GET', `/v1/customers?${name}=${q(p)}`), name, what(name));
      const email = await send('GET /v1/customers ?email', p, KEYS.admin, 'GET', `/v1/customers?email=${q(p)}&status=all`);
      if (email.status === 200) assert.deepEqual([email.json.count, email.json.customers], [0, []], `${what('email')}: a legal e-mail that matches nobody`);
      else bad400(email, 'email', what('email'));
      const found = await send('GET /v1/customers ?search', p, KEYS.admin, 'GET', `/v1/customers?search=${q(p)}&status=all&limit=100`);
      assert.equal(found.status, 200, `${what('search')}: ${found.text.slice(0, 200)}`);
      const apiWanted = L.searchExpected(p, { where: 'TRUE' });
      if (apiWanted.length <= 1000) assert.deepEqual(found.json.customers.map((c) => c.customerId), apiWanted.slice(0, 100), `${what('search')}: matched as text`);
      else for (const c of found.json.customers) assert.ok(apiWanted.includes(c.customerId), `${what('search')}: ${c.customerId} matches as text`);
      for (const name of ['customerId', 'status', 'limit', 'startAfter'])
        bad400(await send(`GET /v1/orders ?${name}`, p, KEYS.admin, 'GET', `/v1/orders?${name}=${q(p)}`), name, what(name));
      for (const [list, names] of [
        ['/v1/subscriptions', ['status', 'customerId', 'orderId', 'serialNumber', 'limit', 'startAfter']],
        ['/v1/assets', ['status', 'sku', 'customerId', 'rentalId', 'limit', 'startAfter']],
        ['/v1/payments', ['status', 'customerId', 'rentalId', 'billingGroupId', 'dueDateFrom', 'dueDateTo', 'limit', 'startAfter']],
      ])
        for (const name of names)
          bad400(await send(`GET ${list} ?${name}`, p, KEYS.admin, 'GET', `${list}?${name}=${q(p)}`), name, what(name));
      // ---- API: the records' ids in the path and their JSON members (a real record,
      // so only the payload can be wrong; nothing is written or audited)
      for (const [method, tpl, json] of [['GET', '/v1/orders/{}'], ['POST', '/v1/orders/{}/cancel', {}], ['GET', '/v1/subscriptions/{}'],
        ['POST', '/v1/subscriptions/{}/cancel', { rentalId: REC.sub, reason: 'other' }],
        ['POST', '/v1/subscriptions/{}/early-return', { rentalId: REC.sub, reason: 'sqli', returnCondition: 'good' }],
        ['GET', '/v1/assets/{}'], ['PUT', '/v1/assets/{}', { status: 'unavailable' }], ['GET', '/v1/payments/{}']])
        badId(await send(`${method} ${tpl}`, p, KEYS.admin, method, tpl.replace('{}', q(p)), json ? { json } : {}), `${method} ${tpl} ${p}`);
      const subCancel = `/v1/subscriptions/${REC.sub}/cancel`;
      const early = `/v1/subscriptions/${REC.sub}/early-return`;
      const asset = `/v1/assets/${REC.serial}`;
      for (const [name, method, url, json] of [
        ['reason', 'POST', subCancel, { rentalId: REC.sub, reason: p }],
        ['rentalId', 'POST', subCancel, { rentalId: p, reason: 'other' }],
        ['returnCondition', 'POST', early, { rentalId: REC.sub, reason: 'sqli', returnCondition: p }],
        ['rentalId', 'POST', early, { rentalId: p, reason: 'sqli', returnCondition: 'good' }],
        ['status', 'PUT', asset, { status: p }],
        ['returnCondition', 'PUT', asset, { status: 'returned', returnCondition: p }],
        ['sku', 'PUT', asset, { status: 'unavailable', sku: p }],
        ['(field name)', 'POST', `/v1/orders/${REC.order}/cancel`, { [p]: 1 }],
        ['(field name)', 'POST', subCancel, { rentalId: REC.sub, reason: 'other', [p]: 1 }],
        ['(field name)', 'POST', early, { rentalId: REC.sub, reason: 'sqli', returnCondition: 'good', [p]: 1 }],
        ['(field name)', 'PUT', asset, { status: 'unavailable', [p]: 1 }],
      ]) {
        const r = await send(`${method} ${url.replace(/\/(sub|SN|ord)[^/]*/, '/{id}')} JSON ${name}`, p, KEYS.admin, method, url, { json });
        assert.equal(r.status, 400, `JSON ${name} ${p}: ${r.status} ${r.text}`);
        assert.equal(r.json.error.code, 'VALIDATION_ERROR', `JSON ${name} ${p}`);
        assert.deepEqual(r.json.error.details.map((x) => x.path), [name === '(field name)' ? p : name], `JSON ${name} ${p}: the detail names the member`);
      }
      // ---- API: ids in the path, ?reason=, JSON fields, headers
      for (const method of ['GET', 'PUT', 'DELETE'])
        badId(await send(`${method} /v1/customers/{id}`, p, KEYS.admin, method, `/v1/customers/${q(p)}`,
          method === 'PUT' ? { json: { status: 'active' } } : {}), `${method} /v1/customers/${p}`);
      bad400(await send('DELETE /v1/customers/{id} ?reason', p, KEYS.admin, 'DELETE', `/v1/customers/${cust}?reason=${q(p)}`), 'reason', what('reason'));
      for (const [name, method, json] of [
        ['status', 'PUT', { status: p }],
        ['reason', 'PUT', { status: 'inactive', reason: p }],
        ['reason', 'DELETE', { reason: p }],
        ['(field name)', 'PUT', { status: 'active', [p]: 1 }],
      ]) {
        const r = await send(`${method} /v1/customers/{id} JSON ${name}`, p, KEYS.admin, method, `/v1/customers/${cust}`, { json });
        assert.equal(r.status, 400, `JSON ${name} ${p}: ${r.status} ${r.text}`);
        assert.equal(r.json.error.code, 'VALIDATION_ERROR', `JSON ${name} ${p}`);
        assert.deepEqual(r.json.error.details.map((x) => x.path), [name === '(field name)' ? p : name], `JSON ${name} ${p}: the detail names the member`);
      }
      if (asciiOnly(p)) {
        const t = await send('API header Tenant-ID', p, { key: KEYS.admin.key, tenant: p }, 'GET', '/v1/customers');
        assert.equal(t.status, 403, `Tenant-ID ${p}`);
        assert.equal(t.json.error.code, 'NO_TENANT_ACCESS');
        const k = await send('API header Authorization', p, { key: p, tenant: 'northwind' }, 'GET', '/v1/customers');
        assert.equal(k.status, 401, `Bearer ${p}`);
      }
      // ---- cursors signed with the real secret: accepted, the key is only ever a value
      for (const [scope, url] of [
        ['customers:name:asc', '/customers?sort=name&dir=asc&after='],
        ['customers:createdAt:desc', '/customers?after='],
        ['customers:email:asc', '/customers?status=all&sort=email&dir=asc&after='],
        ['customers:mrr:desc', '/customers?sort=mrr&dir=desc&after='],
      ]) {
        const r = await send(`GET /customers ?after (signed, ${scope})`, p, 'admin', 'GET', url + S.forgeCursor(scope, 1, p));
        assert.ok([200, 400].includes(r.status), `signed cursor ${scope} ${p}: ${r.status}`);
      }
      const ac = await send('GET /audit ?after (signed)', p, 'admin', 'GET', `/audit?after=${S.forgeCursor('audit', 1, p)}`);
      assert.ok([200, 400].includes(ac.status));
      for (const [scope, url] of [['api:customers:0:1', '/v1/customers?startAfter='], ['api:customers:3:0', '/v1/customers?sortBy=email&sortDir=asc&startAfter='], ['api:orders', '/v1/orders?startAfter=']]) {
        const r = await send(`GET ${url.split('?')[0]} ?startAfter (signed, ${scope})`, p, KEYS.admin, 'GET', url + S.forgeCursor(scope, 1, p));
        assert.ok([200, 400].includes(r.status), `signed ${scope} ${p}: ${r.status} ${r.text.slice(0, 200)}`);
      }
    }
    await allRunsDone();
    assert.deepEqual(S.fingerprint(), before0, 'the database is unchanged');
    assert.ok(!existsSync('/tmp/custodian-sqli.txt'), 'no file was written');
    assert.deepEqual(customerState(ACTIVE.pid).status, 'active');
    assert.equal(sqlValue(`SELECT state FROM closure_requests WHERE public_id = ${lit(CLOSURE)}`), 'pending');
    assert.equal(sqlValue(`SELECT COUNT(*) FROM closure_requests WHERE customer_id = ${ACTIVE.id}`), '0', 'no closure filed');
    assert.deepEqual(sql(`SELECT erased_at, legal_hold FROM customers WHERE id = ${ERASABLE.id}`), [[null, '0']], 'not erased, no legal hold');
  });

  test('the records\' free text (a cancelled order\'s reason, an early return\'s reason and notes, a device\'s location and notes) is stored byte for byte', async () => {
    for (const p of SQLI) {
      const r = records();
      const o = await send('POST /v1/orders/{id}/cancel JSON reason', p, KEYS.admin, 'POST', `/v1/orders/${r.order}/cancel`, { json: { reason: p } });
      assert.equal(o.status, 200, `${p}: ${o.text}`);
      assert.deepEqual(sql(`SELECT status, cancel_reason FROM orders WHERE public_id = ${lit(r.order)}`), [['cancelled', p]]);
      const e = await send('POST /v1/subscriptions/{id}/early-return JSON reason, notes', p, KEYS.admin, 'POST', `/v1/subscriptions/${r.sub}/early-return`,
        { json: { rentalId: r.sub, returnCondition: 'fair', reason: p, notes: p } });
      assert.equal(e.status, 200, `${p}: ${e.text}`);
      assert.deepEqual(sql(`SELECT status, end_reason_text, end_notes FROM subscriptions WHERE public_id = ${lit(r.sub)}`), [['ended_early_return', p, p]]);
      const a = await send('PUT /v1/assets/{id} JSON location, notes', p, KEYS.admin, 'PUT', `/v1/assets/${r.serial}`, { json: { status: 'returned', location: p, notes: p } });
      assert.equal(a.status, 200, `${p}: ${a.text}`);
      assert.deepEqual(sql(`SELECT status, location, notes FROM assets WHERE serial_number = ${lit(r.serial)}`), [['returned', p, p]]);
      assert.equal(customerState(r.c.pid).status, 'active');
    }
    assert.equal(customerState(ACTIVE.pid).status, 'active');
  });

  test('legal free text that is written (notes, note summaries, bulk source) is stored byte for byte and changes nothing else', async () => {
    const except = ['audit_log', 'bulk_runs', 'bulk_items', 'customer_notes'];
    const notes0 = Number(sqlValue('SELECT COALESCE(MAX(id), 0) FROM customer_notes'));
    const before0 = S.fingerprint(except);
    const maxAudit = L.maxAuditId();
    const runs0 = Number(sqlValue('SELECT COALESCE(MAX(id), 0) FROM bulk_runs'));
    const stActive = customerState(ACTIVE.pid);
    const stInactive = customerState(INACTIVE.pid);
    let expectAudit = 0;
    for (const p of SQLI) {
      // reactivating an active customer and deactivating an inactive one change nothing but the log
      let r = await send('POST reactivate note', p, 'operator', 'POST', `/customers/${ACTIVE.pid}/reactivate`, {
        form: { csrf: tokenFor('operator', 'reactivate', ACTIVE.pid), note: p },
      });
      assert.equal(r.status, 303);
      r = await send('POST deactivate note', p, 'operator', 'POST', `/customers/${INACTIVE.pid}/deactivate`, {
        form: { csrf: tokenFor('operator', 'deactivate', INACTIVE.pid), reason: 'compliance', note: p },
      });
      assert.equal(r.status, 303);
      r = await send('PUT /v1/customers/{id} JSON note', p, KEYS.operator, 'PUT', `/v1/customers/${ACTIVE.pid}`, { json: { status: 'active', note: p } });
      assert.equal(r.status, 200, r.text);
      r = await send('DELETE /v1/customers/{id} JSON note', p, KEYS.operator, 'DELETE', `/v1/customers/${INACTIVE.pid}`, { json: { note: p } });
      assert.equal(r.status, 200, r.text);
      r = await send('POST notes summary', p, 'operator', 'POST', `/customers/${ACTIVE.pid}/notes`, {
        form: { csrf: tokenFor('operator', 'note', ACTIVE.pid), kind: 'meeting', date: '2025-01-01', summary: p },
      });
      assert.equal(r.status, 303, errorCode(r.text));
      expectAudit += 5;
      const a = await send('POST /bulk/apply note, source', p, 'operator', 'POST', '/bulk/apply', {
        form: { csrf: tokenFor('operator', 'bulk_apply'), nonce: randomBytes(16).toString('hex'), reason: 'data_cleanup', note: p, source: p, select: [INACTIVE.pid] },
      });
      assert.equal(a.status, 303, errorCode(a.text));
      params.add('POST /bulk/apply source');
      expectAudit += 1;
      // a webhook endpoint's URL: stored byte for byte, or refused by the domain's rule (no
      // white space in a URL) with its audit row; nothing else is written
      const url = `http://127.0.0.1:9/${p}`;
      const h = await send('POST /webhooks url', p, 'admin', 'POST', '/webhooks', { form: { csrf: tokenFor('admin', 'webhook_create'), url, event: ['*'] } });
      if (/[\x00-\x20\x7f]/.test(url)) {
        assert.equal(h.status, 400, `url ${JSON.stringify(url)}: ${h.status}`);
        assert.equal(errorCode(h.text), 'INVALID_URL');
      } else {
        assert.equal(h.status, 200, `url ${JSON.stringify(url)}: ${errorCode(h.text)}`);
        const pid = /href="\/webhooks\/(whk_[0-9a-f]+)"/.exec(h.text)[1];
        assert.deepEqual(sql(`SELECT url, events, enabled FROM webhook_endpoints WHERE public_id = ${lit(pid)}`), [[url, '*', '0']], `url ${JSON.stringify(url)}: stored as typed`);
      }
      expectAudit += 1;
    }
    await allRunsDone();
    assert.deepEqual(S.fingerprint(except), before0, 'nothing but the log and the runs changed');
    assert.deepEqual(customerState(ACTIVE.pid), stActive);
    assert.deepEqual(customerState(INACTIVE.pid), stInactive);
    const notes = sql(`SELECT note, outcome FROM audit_log WHERE id > ${maxAudit} ORDER BY id`);
    assert.equal(notes.length, expectAudit, 'one audit row per attempt');
    assert.deepEqual(sql(`SELECT summary, customer_id FROM customer_notes WHERE id > ${notes0} ORDER BY id`),
      SQLI.map((p) => [p.trim(), String(ACTIVE.id)]), 'each note summary as typed (trimmed: README "Decisions")');
    const runs = sql(`SELECT note, source, total FROM bulk_runs WHERE id > ${runs0} ORDER BY id`);
    assert.deepEqual(runs, SQLI.map((p) => [p, p, '1']), 'each run keeps note and source as typed');
    // every note as typed, once per channel: page and API no-ops, and the bulk item
    for (const p of SQLI)
      assert.deepEqual(notes.filter((n) => n[0] === p).map((n) => n[1]).sort(),
        ['ALREADY_ACTIVE', 'ALREADY_ACTIVE', 'ALREADY_INACTIVE', 'ALREADY_INACTIVE', 'ALREADY_INACTIVE'], `note ${JSON.stringify(p)} stored as typed`);
  });

  test('an operator\'s display name (the Operators page) is stored byte for byte, with its one audit row; a login is refused by the rule', async () => {
    for (const p of SQLI) {
      const before0 = staffState(p);
      const bad = await send('POST /operators username', p, 'admin', 'POST', '/operators', {
        form: { csrf: tokenFor('admin', 'operator_add'), username: p, display_name: 'SQLi', role: 'admin' },
      });
      bad400(bad, 'username', `username=${JSON.stringify(p)}`);
      assert.equal(errorCode(bad.text), 'INVALID_USERNAME');
      assert.deepEqual(sql(`SELECT action, outcome, subject FROM audit_log WHERE request_id = ${lit(bad.headers['x-request-id'])}`), [['operator_add', 'INVALID_USERNAME', p]]);
      assert.deepEqual(staffState(p), before0, 'no operator added');
      const login = `sqli${TAG}${randomBytes(4).toString('hex')}`;
      const r = await send('POST /operators display_name', p, 'admin', 'POST', '/operators', {
        form: { csrf: tokenFor('admin', 'operator_add'), username: login, display_name: p, role: 'viewer' },
      });
      assert.equal(r.status, 303, `display_name ${JSON.stringify(p)}: ${r.status} ${errorCode(r.text)}`);
      assert.deepEqual(staffState(login).map((x) => x.slice(0, 4)), [['1', 'viewer', p, null]], `display_name ${JSON.stringify(p)}: stored as typed`);
      assert.deepEqual(sql(`SELECT action, outcome, customer_id FROM audit_log WHERE subject = ${lit(login)} ORDER BY id`), [['operator_add', 'ok', null]]);
    }
  });

  test('the note of a legal hold and of an erasure (page and API) is stored byte for byte in its one audit row; the change is made', async () => {
    for (const p of SQLI) {
      const h = customer();
      const hold = await send('POST /customers/{id}/legal-hold note', p, 'admin', 'POST', `/customers/${h.pid}/legal-hold`, {
        form: { csrf: tokenFor('admin', 'legal_hold', h.pid), hold: '1', note: p },
      });
      assert.equal(hold.status, 303, `legal hold ${JSON.stringify(p)}: ${errorCode(hold.text)}`);
      assert.equal(sqlValue(`SELECT legal_hold FROM customers WHERE id = ${h.id}`), '1');
      assert.deepEqual(sql(`SELECT action, outcome, note FROM audit_log WHERE customer_id = ${h.id} ORDER BY id`), [['legal_hold', 'ok', p]]);
      for (const [param, who, url, opts] of [
        ['POST /customers/{id}/erase note', 'admin', (c) => `/customers/${c.pid}/erase`, (c) => ({ form: { csrf: tokenFor('admin', 'erase', c.pid), confirm: '1', note: p } })],
        ['POST /v1/customers/{id}/erase JSON note', KEYS.admin, (c) => `/v1/customers/${c.pid}/erase`, () => ({ json: { note: p } })],
      ]) {
        const c = erasable();
        const r = await send(param, p, who, 'POST', url(c), opts(c));
        assert.equal(r.status, who === 'admin' ? 303 : 200, `${param} ${JSON.stringify(p)}: ${r.status} ${errorCode(r.text) || r.text.slice(0, 200)}`);
        assert.deepEqual(sql(`SELECT email, first_name, erased_at IS NOT NULL FROM customers WHERE id = ${c.id}`), [[`erased-${c.pid}@erased.invalid`, 'Erased', '1']], `${param}: erased`);
        assert.deepEqual(sql(`SELECT action, outcome, note FROM audit_log WHERE customer_id = ${c.id} ORDER BY id`), [['erase', 'ok', p]], `${param}: one audit row with the note`);
      }
    }
    assert.equal(customerState(ACTIVE.pid).status, 'active');
  });

  test('covered: every parameter src/http/input.c validates is attacked on a route that reads it', () => {
    const src = readFileSync(path.join(ROOT, 'src', 'http', 'input.c'), 'utf8');
    const names = [...src.matchAll(/\[KEY_\w+\]\s*=\s*(?:\{\s*"(\w+)"|BEFORE\("(\w+)"\))/g)].map((m) => m[1] || m[2]);
    assert.ok(names.length >= 39, `input.c lists ${names.length} parameters`);
    const missing = names.filter((n) => !new RegExp(`(^|[ ?])${n}(\\b|$)`, 'm').test([...params].join('\n')));
    assert.deepEqual(missing, [], 'parameters no case attacks');
    say(`sqli coverage: all ${names.length} parameters of src/http/input.c, plus path ids, JSON fields, API headers and signed cursors`);
  });
});

// =================================================================================================
// CSRF
// =================================================================================================

describe('CSRF: every POST route refuses missing, forged and expired tokens; a replay changes nothing more', () => {
  const b64 = (buf) => Buffer.from(buf).toString('base64url');
  /** The POST routes: how to make a target, the form, and what "changed" means (state: what a refusal
   * must leave as it was; changed, where given: what the right token must have done). */
  const ROUTES = [
    {
      name: 'deactivate', action: 'deactivate', other: 'reactivate',
      make: () => customer(), url: (c) => `/customers/${c.pid}/deactivate`, subject: (c) => c.pid,
      form: () => ({ reason: 'data_cleanup', note: 'csrf test' }), state: (c) => customerState(c.pid), ok: 303,
    },
    {
      name: 'reactivate', action: 'reactivate', other: 'deactivate',
      make: () => customer({ status: 'inactive' }), url: (c) => `/customers/${c.pid}/reactivate`, subject: (c) => c.pid,
      form: () => ({ note: 'csrf test' }), state: (c) => customerState(c.pid), ok: 303,
    },
    {
      name: 'edit', action: 'edit', other: 'deactivate',
      make: () => customer(), url: (c) => `/customers/${c.pid}/edit`, subject: (c) => c.pid,
      form: () => ({ firstName: 'Csrf', lastName: 'Test', customerType: 'business', company: 'Forged BV' }),
      state: (c) => sql(`SELECT * FROM customers WHERE public_id = ${lit(c.pid)}`), ok: 303,
    },
    {
      name: 'note', action: 'note', other: 'deactivate',
      make: () => customer(), url: (c) => `/customers/${c.pid}/notes`, subject: (c) => c.pid,
      form: () => ({ kind: 'email', date: '2025-02-28', summary: 'csrf test' }),
      state: (c) => [customerState(c.pid), sqlValue(`SELECT COUNT(*) FROM customer_notes WHERE customer_id = ${c.id}`)], ok: 303,
    },
    ...Object.entries(RECORD_ROUTES).map(([name, rt]) => ({
      name, action: rt.action, other: 'deactivate',
      make: () => customer({ records: true }),
      url: (c) => `/${name === 'order-cancel' ? 'orders' : name === 'device-status' ? 'devices' : 'subscriptions'}/${rt.id(c)}/${name === 'order-cancel' || name === 'subscription-cancel' ? 'cancel' : name === 'early-return' ? 'early-return' : 'status'}`,
      subject: (c) => rt.id(c),
      form: () => ({ ...rt.form }),
      state: (c) => [customerState(c.pid), recordState(c)], ok: 303,
    })),
    {
      name: 'closure request', action: 'closure_request', other: 'deactivate',
      make: () => customer({ blocked: true }), url: (c) => `/customers/${c.pid}/closure`, subject: (c) => c.pid,
      form: () => ({ reason: 'account_closure', note: 'csrf test' }),
      state: (c) => [customerState(c.pid), sqlValue(`SELECT COUNT(*) FROM closure_requests WHERE customer_id = ${c.id}`)], ok: 303,
    },
    {
      name: 'closure withdraw', action: 'closure_withdraw', other: 'closure_request',
      make: () => {
        const c = customer({ blocked: true });
        return { ...c, clo: pendingClosure(c) };
      },
      url: (c) => `/closures/${c.clo}/withdraw`, subject: (c) => c.clo,
      form: () => ({}), state: (c) => sql(`SELECT state, withdrawn_by FROM closure_requests WHERE public_id = ${lit(c.clo)}`), ok: 303,
    },
    {
      name: 'bulk preview', action: 'bulk_preview', other: 'bulk_apply',
      make: () => customer(), url: () => '/bulk/preview', subject: () => '',
      form: (c) => ({ mode: 'paste', lines: c.pid }), state: (c) => customerState(c.pid), ok: 200,
    },
    {
      name: 'bulk apply', action: 'bulk_apply', other: 'bulk_preview',
      make: () => ({ ...customer(), nonce: randomBytes(16).toString('hex') }), url: () => '/bulk/apply', subject: () => '',
      form: (c) => ({ nonce: c.nonce, reason: 'data_cleanup', select: [c.pid] }),
      state: (c) => [customerState(c.pid), sqlValue(`SELECT COUNT(*) FROM bulk_runs WHERE form_nonce = ${lit(c.nonce)}`)], ok: 303,
    },
    {
      name: 'bulk merge', action: 'bulk_merge', other: 'bulk_apply',
      make: () => ({ ...customer(), keep: customer().pid, nonce: randomBytes(16).toString('hex') }), url: () => '/bulk/merge', subject: () => '',
      form: (c) => ({ nonce: c.nonce, pair: [`${c.pid}>${c.keep}`] }),
      state: (c) => [customerState(c.pid), sqlValue(`SELECT COUNT(*) FROM bulk_runs WHERE form_nonce = ${lit(c.nonce)}`)], ok: 303,
    },
    {
      name: 'merge', action: 'merge', other: 'deactivate',
      make: () => ({ ...customer(), keep: customer().pid }), url: (c) => `/customers/${c.pid}/merge`, subject: (c) => c.pid,
      form: (c) => ({ into: c.keep }),
      state: (c) => [customerState(c.pid), sqlValue(`SELECT COALESCE(merged_into, 0) FROM customers WHERE public_id = ${lit(c.pid)}`)], ok: 303,
    },
    // erasing personal data and the legal hold (issue 18): admins only; erasure cannot be
    // undone, so each case has a customer of its own that may be erased
    {
      name: 'erase', action: 'erase', other: 'legal_hold', user: 'admin',
      make: () => erasable(), url: (c) => `/customers/${c.pid}/erase`, subject: (c) => c.pid,
      form: () => ({ confirm: '1', note: 'csrf test' }),
      state: (c) => [customerState(c.pid), erasureState(c)], ok: 303,
      changed: (c) => sqlValue(`SELECT erased_at IS NOT NULL FROM customers WHERE id = ${c.id}`) === '1',
    },
    {
      name: 'legal hold', action: 'legal_hold', other: 'erase', user: 'admin',
      make: () => customer(), url: (c) => `/customers/${c.pid}/legal-hold`, subject: (c) => c.pid,
      form: () => ({ hold: '1', note: 'csrf test' }),
      state: (c) => [customerState(c.pid), erasureState(c)], ok: 303,
      changed: (c) => sqlValue(`SELECT legal_hold FROM customers WHERE id = ${c.id}`) === '1',
    },
    {
      // the tenant's retention policy: admins only, a token without a subject; the right
      // token sets a policy (100 years), taken off again after the test (cleanup)
      name: 'retention policy', action: 'retention_policy', other: 'legal_hold', user: 'admin',
      make: () => {
        resetPolicies();
        return { id: null };
      },
      url: () => '/retention/policy', subject: () => '',
      form: () => ({ ...POLICY_FORM }),
      state: () => [policyState(1), policyState(2)], ok: 303,
      changed: () => JSON.stringify(policyState(1)) === JSON.stringify([['1200', '3', '1', '10']]),
      cleanup: resetPolicies,
    },
    {
      // admins only: the token cases are an admin's (an operator is refused by role first)
      name: 'bulk undo', action: 'bulk_undo', other: 'bulk_apply', user: 'admin',
      make: async () => {
        const c = customer();
        const { run } = await bulkRun('admin', [c.pid], [c.pid]);
        return { ...c, run, id: null }; // the audit row names the run, no customer
      },
      url: (c) => `/bulk/${c.run}/undo`, subject: (c) => c.run,
      form: () => ({}),
      state: (c) => [customerState(c.pid), sqlValue(`SELECT COUNT(*) FROM bulk_runs u JOIN bulk_runs o ON o.id = u.undo_of WHERE o.public_id = ${lit(c.run)}`)], ok: 303,
    },
    // webhook endpoints: admins only; a refused write to an endpoint is audited under its id
    // (no customer), a refused creation names none and is not
    {
      name: 'webhook create', action: 'webhook_create', other: 'webhook_update', user: 'admin',
      make: () => ({ url: `http://127.0.0.1:9/csrf-${TAG}-${randomBytes(5).toString('hex')}` }), url: () => '/webhooks', subject: () => '',
      form: (c) => ({ url: c.url, event: ['*'] }),
      state: (c) => sqlValue(`SELECT COUNT(*) FROM webhook_endpoints WHERE url = ${lit(c.url)}`), ok: 200,
    },
    {
      name: 'webhook update', action: 'webhook_update', other: 'webhook_test', user: 'admin',
      make: () => ({ ...webhookEndpoint(), id: null }), url: (c) => `/webhooks/${c.pid}`, subject: (c) => c.pid,
      form: () => ({ url: `http://127.0.0.1:9/csrf-${TAG}-updated`, event: ['customer.updated', 'order.cancelled'] }),
      state: (c) => webhookState(c), ok: 303,
    },
    {
      name: 'webhook test', action: 'webhook_test', other: 'webhook_redeliver', user: 'admin',
      make: () => ({ ...webhookEndpoint(), id: null }), url: (c) => `/webhooks/${c.pid}/test`, subject: (c) => c.pid,
      form: () => ({}), state: (c) => webhookState(c), ok: 303,
    },
    {
      name: 'webhook redeliver', action: 'webhook_redeliver', other: 'webhook_test', user: 'admin',
      make: () => ({ ...webhookEndpoint(), id: null }), url: (c) => `/webhooks/${c.pid}/redeliver`, subject: (c) => c.pid,
      form: (c) => ({ delivery: c.delivery }), state: (c) => webhookState(c), ok: 303,
    },
    // API keys: admins only; a refused creation or revocation is audited ("new key", "key <id>")
    {
      name: 'api key create', action: 'api_key_create', other: 'api_key_revoke', user: 'admin',
      make: () => ({ label: `csrf-${TAG}-${randomBytes(5).toString('hex')}`, id: null }), url: () => '/api-keys', subject: () => '',
      form: (c) => ({ label: c.label, role: 'viewer' }),
      state: (c) => sqlValue(`SELECT COUNT(*) FROM api_keys WHERE label = ${lit(c.label)}`), ok: 200,
      changed: (c) => sqlValue(`SELECT COUNT(*) FROM api_keys WHERE label = ${lit(c.label)}`) === '1',
    },
    {
      name: 'api key revoke', action: 'api_key_revoke', other: 'api_key_create', user: 'admin',
      make: () => ({ key: apiKeyRow(), id: null }), url: (c) => `/api-keys/${c.key.id}/revoke`, subject: (c) => String(c.key.id),
      form: () => ({}), state: (c) => apiKeyState(c.key), ok: 303,
      changed: (c) => apiKeyState(c.key)[0][2] === '1',
    },
    // the Operators page (issue 19): admins only; a refused change is audited under the login
    // (no customer); a refused addition too, the token having no subject
    {
      name: 'operator add', action: 'operator_add', other: 'operator_role', user: 'admin',
      make: () => ({ login: `csrf${TAG}${randomBytes(4).toString('hex')}`, id: null }), url: () => '/operators', subject: () => '',
      form: (c) => ({ username: c.login, display_name: 'CSRF test', role: 'viewer' }), state: (c) => staffState(c.login), ok: 303,
      changed: (c) => staffState(c.login).length === 1,
    },
    {
      name: 'operator role', action: 'operator_role', other: 'operator_disable', user: 'admin',
      make: () => ({ login: staffLogin(), id: null }), url: (c) => `/operators/${c.login}/role`, subject: (c) => c.login,
      form: () => ({ role: 'operator' }), state: (c) => staffState(c.login), ok: 303,
      changed: (c) => staffState(c.login)[0][1] === 'operator',
    },
    {
      name: 'operator disable', action: 'operator_disable', other: 'operator_enable', user: 'admin',
      make: () => ({ login: staffLogin(), id: null }), url: (c) => `/operators/${c.login}/disable`, subject: (c) => c.login,
      form: () => ({}), state: (c) => staffState(c.login), ok: 303,
      changed: (c) => staffState(c.login)[0][3] !== null,
    },
    {
      name: 'operator enable', action: 'operator_enable', other: 'operator_disable', user: 'admin',
      make: () => ({ login: staffLogin({ disabled: true }), id: null }), url: (c) => `/operators/${c.login}/enable`, subject: (c) => c.login,
      form: () => ({}), state: (c) => staffState(c.login), ok: 303,
      changed: (c) => staffState(c.login)[0][3] === null,
    },
  ];
  /** The login a route's token cases are made for, and another one. */
  const U = (r) => r.user ?? 'operator';
  const OTHER = (r) => (U(r) === 'admin' ? 'operator' : 'admin');
  const future = () => nowSeconds() + 600;
  /** Token cases: [name, (route, target) => token, expected code]. The user is U(route). */
  const CASES = [
    ['missing', () => undefined, 'CSRF_MISSING'],
    ['empty', () => '', 'CSRF_MISSING'],
    ['missing, with Origin and Referer of the site itself', () => undefined, 'CSRF_MISSING', { origin: L.BASE_URL, referer: `${L.BASE_URL}/customers` }],
    ['malformed (short)', () => 'abc', 'CSRF_MALFORMED'],
    ['malformed (too long)', (r, c) => forgeCsrf({ user: U(r), action: r.action, subject: r.subject(c), expiry: future() }) + 'AA', 'CSRF_MALFORMED'],
    ['random bytes', () => b64(randomBytes(24)), 'CSRF_INVALID'],
    ['another user\'s (admin; operator for an admin\'s route)', (r, c) => forgeCsrf({ user: OTHER(r), action: r.action, subject: r.subject(c), expiry: future() }), 'CSRF_INVALID'],
    ['another tenant\'s user (globex)', (r, c) => forgeCsrf({ user: 'globex', action: r.action, subject: r.subject(c), expiry: future() }), 'CSRF_INVALID'],
    ['another action\'s', (r, c) => forgeCsrf({ user: U(r), action: r.other, subject: r.subject(c), expiry: future() }), 'CSRF_INVALID'],
    ['another customer\'s (another subject)', (r) => forgeCsrf({ user: U(r), action: r.action, subject: 'cus_fixture_clean', expiry: future() }), 'CSRF_INVALID'],
    ['another secret\'s', (r, c) => forgeCsrf({ user: U(r), action: r.action, subject: r.subject(c), expiry: future(), secret: 'not-the-secret' }), 'CSRF_INVALID'],
    ['a valid token with its expiry pushed forward', (r, c) => {
      const raw = Buffer.from(forgeCsrf({ user: U(r), action: r.action, subject: r.subject(c), expiry: nowSeconds() - 10 }), 'base64url');
      raw.writeBigUInt64BE(BigInt(nowSeconds() + 3600), 0);
      return b64(raw);
    }, 'CSRF_INVALID'],
    ['a valid token with one bit of its MAC flipped', (r, c) => {
      const raw = Buffer.from(forgeCsrf({ user: U(r), action: r.action, subject: r.subject(c), expiry: future() }), 'base64url');
      raw[20] ^= 1;
      return b64(raw);
    }, 'CSRF_INVALID'],
    ['expired a minute ago (real secret)', (r, c) => forgeCsrf({ user: U(r), action: r.action, subject: r.subject(c), expiry: nowSeconds() - 60 }), 'CSRF_EXPIRED'],
    ['expired in 1970 (real secret)', (r, c) => forgeCsrf({ user: U(r), action: r.action, subject: r.subject(c), expiry: 1 }), 'CSRF_EXPIRED'],
  ];
  let refusals = 0;

  after(() => say(`csrf: ${CASES.length} token cases × ${ROUTES.length} POST routes = ${refusals} refusals, + ${ROUTES.length} replays`));

  for (const route of ROUTES) {
    test(`${route.name}: every forged, missing or expired token is 403 with its code, changes nothing and (lifecycle) is audited`, async (t) => {
      if (route.cleanup) t.after(route.cleanup);
      const c = await route.make();
      for (const [name, make, code, headers] of CASES) {
        const before0 = route.state(c);
        const maxAudit = L.maxAuditId();
        const token = make(route, c);
        const form = { ...route.form(c) };
        if (token !== undefined) form.csrf = token;
        const r = await http(U(route), 'POST', route.url(c), { form, headers });
        assert.equal(r.status, 403, `${route.name}, ${name}: ${r.status} ${errorCode(r.text)}`);
        assert.equal(errorCode(r.text), code, `${route.name}, ${name}`);
        assert.deepEqual(route.state(c), before0, `${route.name}, ${name}: nothing changed`);
        if (route.subject(c)) {
          const rows = sql(`SELECT actor, action, outcome, customer_id FROM audit_log WHERE id > ${maxAudit} AND request_id = ${lit(r.headers['x-request-id'])}`);
          assert.deepEqual(rows, [[U(route), route.action, code, c.id]], `${route.name}, ${name}: one audit row`);
        }
        refusals++;
      }
      // and the right token works (the cases above fail for their reason only)
      const ok = await http(U(route), 'POST', route.url(c), {
        form: { ...route.form(c), csrf: forgeCsrf({ user: U(route), action: route.action, subject: route.subject(c), expiry: future() }) },
      });
      assert.equal(ok.status, route.ok, `${route.name}: the right token is accepted (${errorCode(ok.text)})`);
      if (route.changed) assert.ok(route.changed(c), `${route.name}: the right token made the change`);
    });
  }

  test('a refused bulk apply (missing or forged token, viewer) is audited like a refused page POST (SPEC §4.7, README "Audit log")', async () => {
    const c = customer();
    const nonce = randomBytes(16).toString('hex');
    for (const [user, csrf, code] of [
      ['operator', undefined, 'CSRF_MISSING'],
      ['operator', forgeCsrf({ user: 'admin', action: 'bulk_apply', subject: '', expiry: nowSeconds() + 600 }), 'CSRF_INVALID'],
      ['operator', forgeCsrf({ user: 'operator', action: 'bulk_apply', subject: '', expiry: nowSeconds() - 60 }), 'CSRF_EXPIRED'],
      ['viewer', tokenFor('viewer', 'bulk_apply'), 'FORBIDDEN'],
    ]) {
      const form = { nonce, reason: 'data_cleanup', select: [c.pid] };
      if (csrf) form.csrf = csrf;
      const r = await http(user, 'POST', '/bulk/apply', { form });
      assert.equal(r.status, 403);
      assert.equal(errorCode(r.text), code);
      assert.equal(sqlValue(`SELECT COUNT(*) FROM bulk_runs WHERE form_nonce = ${lit(nonce)}`), '0');
      const rows = sql(`SELECT actor, outcome FROM audit_log WHERE request_id = ${lit(r.headers['x-request-id'])}`);
      assert.ok(rows.length >= 1 && rows.every((x) => x[0] === user && x[1] === code),
        `a bulk apply refused with ${code} leaves an audit row, as the same refusal on /customers/{id}/deactivate does; found ${JSON.stringify(rows)}`);
    }
  });

  test('replay, deactivate: the same page token twice; the second is the documented no-op (303, already inactive) and changes nothing', async () => {
    const c = customer();
    const form = await http('operator', 'GET', `/customers/${c.pid}/deactivate`);
    const token = L.csrfFrom(form.text);
    const expiry = Number(Buffer.from(token, 'base64url').readBigUInt64BE(0));
    assert.ok(expiry > nowSeconds() && expiry <= nowSeconds() + 86400, `the page token expires within a day (${expiry - nowSeconds()} s)`);
    const first = await http('operator', 'POST', `/customers/${c.pid}/deactivate`, { form: { csrf: token, reason: 'data_cleanup', note: 'first' } });
    assert.equal(first.status, 303);
    assert.ok(first.headers['set-cookie'].some((x) => x.startsWith('flash=deactivated;')));
    const mid = customerState(c.pid);
    assert.equal(mid.status, 'inactive');
    const second = await http('operator', 'POST', `/customers/${c.pid}/deactivate`, { form: { csrf: token, reason: 'fraud_prevention', note: 'replayed' } });
    assert.equal(second.status, 303);
    assert.equal(second.headers.location, `/customers/${c.pid}/retention`);
    assert.ok(second.headers['set-cookie'].some((x) => x.startsWith('flash=already_inactive;')));
    assert.deepEqual(customerState(c.pid), mid, 'the replay changed nothing');
    assert.deepEqual(sql(`SELECT outcome, note FROM audit_log WHERE customer_id = ${c.id} ORDER BY id`), [['ok', 'first'], ['ALREADY_INACTIVE', 'replayed']]);
  });

  test('replay, reactivate: the second use is a no-op (303, already active)', async () => {
    const c = customer({ status: 'inactive' });
    const token = L.csrfFrom((await http('operator', 'GET', `/customers/${c.pid}/reactivate`)).text);
    const first = await http('operator', 'POST', `/customers/${c.pid}/reactivate`, { form: { csrf: token } });
    assert.equal(first.status, 303);
    const mid = customerState(c.pid);
    assert.equal(mid.status, 'active');
    const second = await http('operator', 'POST', `/customers/${c.pid}/reactivate`, { form: { csrf: token } });
    assert.equal(second.status, 303);
    assert.ok(second.headers['set-cookie'].some((x) => x.startsWith('flash=already_active;')));
    assert.deepEqual(customerState(c.pid), mid);
    assert.deepEqual(sql(`SELECT outcome FROM audit_log WHERE customer_id = ${c.id} ORDER BY id`), [['ok'], ['ALREADY_ACTIVE']]);
  });

  test('replay, erase: the page token twice; the second is the documented no-op (303, already erased) and changes nothing', async () => {
    const c = erasable();
    const token = L.csrfFrom((await http('admin', 'GET', `/customers/${c.pid}/erase`)).text);
    const first = await http('admin', 'POST', `/customers/${c.pid}/erase`, { form: { csrf: token, confirm: '1', note: 'first' } });
    assert.equal(first.status, 303, errorCode(first.text));
    assert.equal(first.headers.location, `/customers/${c.pid}`);
    assert.ok(first.headers['set-cookie'].some((x) => x.startsWith('flash=erased;')));
    const mid = [customerState(c.pid), erasureState(c)];
    assert.notEqual(mid[1][0][3], null, 'erased');
    const second = await http('admin', 'POST', `/customers/${c.pid}/erase`, { form: { csrf: token, confirm: '1', art17: '1', note: 'replayed' } });
    assert.equal(second.status, 303, errorCode(second.text));
    assert.equal(second.headers.location, `/customers/${c.pid}`);
    assert.ok(second.headers['set-cookie'].some((x) => x.startsWith('flash=already_erased;')));
    assert.deepEqual([customerState(c.pid), erasureState(c)], mid, 'the replay changed nothing');
    assert.deepEqual(sql(`SELECT action, outcome, note FROM audit_log WHERE customer_id = ${c.id} ORDER BY id`), [['erase', 'ok', 'first'], ['erase', 'ALREADY_ERASED', 'replayed']]);
  });

  test('replay, retention policy: the page token twice; the second is the documented no-op (303, NO_CHANGE); one shorter than the minimum retention is 400 and changes nothing', async (t) => {
    t.after(resetPolicies);
    resetPolicies();
    const token = L.csrfFrom((await http('admin', 'GET', '/retention/policy')).text);
    const maxAudit = L.maxAuditId();
    const first = await http('admin', 'POST', '/retention/policy', { form: { csrf: token, ...POLICY_FORM, financial_years: '12' } });
    assert.equal(first.status, 303, errorCode(first.text));
    assert.equal(first.headers.location, '/retention/policy');
    assert.ok(first.headers['set-cookie'].some((x) => x.startsWith('flash=policy_saved;')));
    const mid = [policyState(1), policyState(2)];
    assert.deepEqual(mid, [[['1200', '3', '1', '12']], [[null, '3', '1', '10']]], 'tenant 1\'s policy set, tenant 2\'s not');
    const second = await http('admin', 'POST', '/retention/policy', { form: { csrf: token, ...POLICY_FORM, financial_years: '12' } });
    assert.equal(second.status, 303, errorCode(second.text));
    assert.equal(second.headers.location, '/retention/policy');
    assert.ok(second.headers['set-cookie'].some((x) => x.startsWith('flash=nothing_changed;')));
    assert.deepEqual([policyState(1), policyState(2)], mid, 'the replay changed nothing');
    // erase_after_months under erase_min_months: refused with the form, nothing written
    const short = await http('admin', 'POST', '/retention/policy', { form: { csrf: token, ...POLICY_FORM, erase_after_months: '2', erase_min_months: '3' } });
    assert.equal(short.status, 400, errorCode(short.text));
    assert.match(L.textOf(L.mainOf(short.text)), /erase_after_months/);
    assert.deepEqual([policyState(1), policyState(2)], mid, 'the refused policy changed nothing');
    const rows = sql(`SELECT actor, tenant_id, action, outcome, changes FROM audit_log WHERE id > ${maxAudit} AND action = 'retention_policy' ORDER BY id`);
    assert.deepEqual(rows.map((r) => r.slice(0, 4)), [['admin', '1', 'retention_policy', 'ok'], ['admin', '1', 'retention_policy', 'NO_CHANGE']]);
    assert.deepEqual(JSON.parse(rows[0][4]), [{ field: 'eraseAfterMonths', old: null, new: '1200' }, { field: 'financialYears', old: '10', new: '12' }], 'the change is audited');
  });

  test('replay, bulk preview: the token twice gives the same preview and writes nothing', async () => {
    const c = customer();
    await allRunsDone();
    const fp = S.fingerprint();
    const token = tokenFor('operator', 'bulk_preview');
    const a = await http('operator', 'POST', '/bulk/preview', { form: { csrf: token, mode: 'paste', lines: c.pid } });
    const b = await http('operator', 'POST', '/bulk/preview', { form: { csrf: token, mode: 'paste', lines: c.pid } });
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.deepEqual(S.fingerprint(), fp, 'previews write nothing');
  });

  test('replay, bulk apply: the same form twice makes one run; the second answer shows it (bulk_resubmitted)', async () => {
    const c = customer();
    const form = { csrf: tokenFor('operator', 'bulk_apply'), nonce: randomBytes(16).toString('hex'), reason: 'data_cleanup', select: [c.pid] };
    const first = await http('operator', 'POST', '/bulk/apply', { form });
    const second = await http('operator', 'POST', '/bulk/apply', { form });
    assert.equal(first.status, 303);
    assert.equal(second.status, 303);
    assert.equal(second.headers.location, first.headers.location);
    assert.ok(second.headers['set-cookie'].some((x) => x.startsWith('flash=bulk_resubmitted;')));
    assert.equal(sqlValue(`SELECT COUNT(*) FROM bulk_runs WHERE form_nonce = ${lit(form.nonce)}`), '1');
    await runDone(first.headers.location.slice('/bulk/'.length));
    assert.equal(sqlValue(`SELECT COUNT(*) FROM audit_log WHERE customer_id = ${c.id}`), '1', 'the customer was processed once');
  });
});

// =================================================================================================
// Role matrix
// =================================================================================================

describe('roles: every route × method × login against the README\'s rules', () => {
  const LOGINS = ['none', 'viewer', 'operator', 'admin', 'key:viewer', 'key:operator', 'key:admin'];
  const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'];
  const ROUTES = S.routeTable();
  const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'];
  let cells = 0;
  let extra = 0;
  const tally = {};

  after(() => say(`roles: ${ROUTES.length} routes × ${METHODS.length} methods × ${LOGINS.length} logins = ${cells} cells (${Object.entries(tally).sort().map(([k, v]) => `${k}:${v}`).join(' ')}), + ${extra} OPTIONS/TRACE/PROPFIND/CONNECT`));

  const RANK = { viewer: 1, operator: 2, admin: 3, ROLE_VIEWER: 1, ROLE_OPERATOR: 2, ROLE_ADMIN: 3 };

  /** The status the rules give. */
  function expected(route, method, login) {
    const allowed = route.methods.has(method);
    const isKey = login.startsWith('key:');
    const role = login.replace(/^key:/, '');
    if (route.area === 'AREA_HTML') {
      if (login === 'none' || isKey) return 401; // nginx asks for basic auth first
      if (!allowed) return 405;
      const reads = method === 'GET' || method === 'HEAD';
      if (RANK[role] < RANK[reads ? route.read : route.write]) return 403;
      if (reads) return route.pattern === '/' ? 303 : 200;
      // (a preview, and a new webhook endpoint's answer with its secret, are pages of their own)
      // (and a new API key's, with the key)
      return ['bulk-preview', 'webhooks', 'api-keys'].includes(route.name) ? 200 : 303;
    }
    // (/metrics: the public site's nginx answers 404 itself; tests/http/metrics.test.mjs)
    if (route.area === 'AREA_OPEN') return route.name === 'metrics' ? 404 : allowed ? 200 : 405;
    // AREA_API: the route table answers 405 before authentication
    if (!allowed) return 405;
    if (!isKey) return 401;
    if (method === 'GET' || method === 'HEAD') return 200;
    // (an erasure's write is an admin key's)
    return RANK[role] < RANK[route.write] ? 403 : 200;
  }

  test('the route table is the one this matrix knows', () => {
    assert.deepEqual(ROUTES.map((r) => r.pattern), ['/', '/customers', '/customers/{}', '/customers/{}/deactivate', '/customers/{}/reactivate',
      '/customers/{}/edit', '/customers/{}/notes', '/orders/{}/cancel', '/subscriptions/{}/cancel',
      '/subscriptions/{}/early-return', '/devices/{}/status', '/customers/{}/retention', '/retention', '/retention/policy', '/audit', '/bulk', '/bulk/preview', '/bulk/apply', '/bulk/merge', '/bulk/{}', '/bulk/{}/undo', '/healthz', '/metrics', '/status',
      '/customers/{}/closure', '/closures', '/closures/{}/withdraw', '/customers/{}/merge', '/customers/{}/erase', '/customers/{}/legal-hold',
      '/webhooks', '/webhooks/{}', '/webhooks/{}/test', '/webhooks/{}/redeliver', '/api-keys', '/api-keys/{}/revoke',
      '/operators', '/operators/{}/role', '/operators/{}/disable', '/operators/{}/enable', '/v1/customers',
      '/v1/customers/{}', '/v1/orders', '/v1/orders/{}', '/v1/orders/{}/cancel', '/v1/subscriptions', '/v1/subscriptions/{}',
      '/v1/subscriptions/{}/cancel', '/v1/subscriptions/{}/early-return', '/v1/assets', '/v1/assets/{}', '/v1/payments', '/v1/payments/{}',
      '/v1/customers/{}/merge', '/v1/customers/{}/erase']);
    // the erasure's routes: admins only, the confirmation page too; any key reads, only an admin key erases
    const byName = Object.fromEntries(ROUTES.map((r) => [r.name, r]));
    assert.deepEqual(ERASURE_ROUTES.map((n) => [byName[n].read, byName[n].write, [...byName[n].methods].join(' ')]),
      [['ROLE_ADMIN', 'ROLE_ADMIN', 'GET HEAD POST'], ['ROLE_ADMIN', 'ROLE_ADMIN', 'POST'], ['ROLE_VIEWER', 'ROLE_ADMIN', 'POST']]);
    // the API keys: admins only, the list too
    assert.deepEqual(['api-keys', 'api-key-revoke'].map((n) => [byName[n].arg, byName[n].read, byName[n].write, [...byName[n].methods].join(' ')]),
      [['ARG_NONE', 'ROLE_ADMIN', 'ROLE_ADMIN', 'GET HEAD POST'], ['ARG_API_KEY', 'ROLE_ADMIN', 'ROLE_ADMIN', 'GET HEAD POST']]);
    // the retention policy: admins only, its page too
    const policy = byName['retention-policy'];
    assert.deepEqual([policy.pattern, policy.area, policy.arg, policy.read, policy.write, [...policy.methods].join(' ')],
      ['/retention/policy', 'AREA_HTML', 'ARG_NONE', 'ROLE_ADMIN', 'ROLE_ADMIN', 'GET HEAD POST']);
  });

  // The records' routes (issue 14), pages and API: the id of the route's kind,
  // the body of its write (JSON, or the form and its CSRF action), and what a
  // write that succeeds must have done.
  const RECORD_ARGS = ['ARG_ORDER', 'ARG_SUBSCRIPTION', 'ARG_SERIAL', 'ARG_PAYMENT'];
  function recordTarget(route, rec, changes) {
    switch (route.arg) {
      case 'ARG_ORDER':
        return { id: rec.order, json: {}, action: 'order_cancel', form: { reason_text: 'role matrix' },
          after: () => [sqlValue(`SELECT status FROM orders WHERE public_id = ${lit(rec.order)}`), 'cancelled'] };
      case 'ARG_SUBSCRIPTION': {
        const early = route.pattern.endsWith('/early-return');
        return {
          id: rec.sub,
          json: early ? { rentalId: rec.sub, reason: 'role matrix', returnCondition: 'good' } : { rentalId: rec.sub, reason: 'other' },
          action: early ? 'early_return' : 'subscription_cancel',
          form: early ? { condition: 'good', reason_text: 'role matrix' } : { cancel_reason: 'other' },
          after: () => [sqlValue(`SELECT status FROM subscriptions WHERE public_id = ${lit(rec.sub)}`), early ? 'ended_early_return' : 'cancelled'],
        };
      }
      case 'ARG_SERIAL':
        // a device can change status once no active rental has it
        if (changes) sql(`UPDATE subscriptions SET status = 'cancelled' WHERE public_id = ${lit(rec.sub)}`);
        return { id: rec.serial, json: { status: 'unavailable' }, action: 'device_status', form: { device_status: 'unavailable' }, after: () => [sqlValue(`SELECT status FROM assets WHERE serial_number = ${lit(rec.serial)}`), 'unavailable'] };
      default:
        return { id: rec.payment, json: {}, after: () => [1, 1] };
    }
  }

  for (const route of ROUTES) {
    test(`${route.pattern} (${[...route.methods].join(', ')})`, async (t) => {
      // the admin's POST sets a policy (100 years): taken off again after the test
      const policing = route.name === 'retention-policy';
      if (policing) {
        t.after(resetPolicies);
        resetPolicies();
      }
      // an erasure's victim is one that may be erased: a refused call that got through would erase it
      const erasing = ERASURE_ROUTES.includes(route.name);
      const victim = erasing ? erasable() : customer();
      const victimErasure = erasureState(victim);
      const victimBefore = customerState(victim.pid);
      const isRecord = RECORD_ARGS.includes(route.arg);
      const shared = isRecord ? records() : null;
      const sharedBefore = isRecord ? recordTarget(route, shared, false).after()[0] : null;
      // a withdrawal's path names a closure request: the victim's is another (blocked) customer's
      const victimClosure = route.arg === 'ARG_CLOSURE' ? pendingClosure(customer({ blocked: true })) : null;
      // a merge's calls merge into this customer (the duplicate is the path's)
      const merging = route.name === 'customer-merge' || route.name === 'api-customer-merge' || route.name === 'bulk-merge';
      const mergeKeep = merging ? customer() : null;
      // an undo's path names a finished run of its own (its one admin POST undoes it)
      const undoCustomer = route.name === 'bulk-undo' ? customer() : null;
      const undoRun = undoCustomer ? (await bulkRun('admin', [undoCustomer.pid], [undoCustomer.pid])).run : null;
      // a webhook endpoint's path names one of tenant 1 (with a failed delivery to redeliver)
      const hooking = route.name in WEBHOOK_ACTIONS;
      const victimHook = route.arg === 'ARG_WEBHOOK' ? webhookEndpoint() : null;
      const victimHookBefore = victimHook ? webhookState(victimHook) : null;
      // an API key's path names one of tenant 1
      const victimKey = route.arg === 'ARG_API_KEY' ? apiKeyRow() : null;
      const victimKeyBefore = victimKey ? apiKeyState(victimKey) : null;
      // an Operators route's path names an operator of tenant 1 (a disabled one to enable)
      const staffing = route.name in OPERATOR_ACTIONS;
      const victimStaff = route.arg === 'ARG_LOGIN' ? staffLogin({ disabled: route.name === 'operator-enable' }) : null;
      const victimStaffBefore = victimStaff ? staffState(victimStaff) : null;
      const jobs = [];
      for (const method of METHODS) {
        for (const login of LOGINS) {
          const want = expected(route, method, login);
          const who = login === 'none' ? null : login.startsWith('key:') ? KEYS[login.slice(4)] : login;
          const user = typeof who === 'string' ? who : 'operator';
          // a success that changes something gets a customer of its own
          const changes = [200, 303].includes(want) && !['GET', 'HEAD'].includes(method) && route.name !== 'bulk-preview';
          let target = victim;
          // (a closure filed or withdrawn: a blocked customer, whose request no job worker completes)
          const closing = route.name === 'closure-file' || route.name === 'closure-withdraw';
          let rec = null;
          if (isRecord) rec = recordTarget(route, changes ? records() : shared, changes);
          else if (changes && erasing) target = route.name === 'customer-legal-hold' ? customer() : erasable();
          else if (changes) target = customer({ status: (route.name === 'reactivate' || method === 'PUT') ? 'inactive' : 'active', blocked: closing });
          if (changes && route.arg === 'ARG_CLOSURE') target = { ...target, clo: pendingClosure(target) };
          // (a webhook write that succeeds: an endpoint of its own, a URL of its own)
          const hook = route.arg === 'ARG_WEBHOOK' ? (changes ? webhookEndpoint() : victimHook) : null;
          const hookUrl = hooking ? `http://127.0.0.1:9/roles-${TAG}-${randomBytes(5).toString('hex')}` : null;
          // (an Operators write that succeeds: an operator of its own, a new login of its own)
          const staff = route.arg === 'ARG_LOGIN' ? (changes ? staffLogin({ disabled: route.name === 'operator-enable' }) : victimStaff) : null;
          const newLogin = staffing ? `roles${TAG}${randomBytes(4).toString('hex')}` : null;
          const clo = target.clo ?? victimClosure;
          // (a revocation that succeeds: a key of its own; a creation: a label of its own)
          const apiKey = route.arg === 'ARG_API_KEY' ? (changes ? apiKeyRow() : victimKey) : null;
          const keyLabel = route.name === 'api-keys' ? `roles-${TAG}-${randomBytes(5).toString('hex')}` : null;
          const pathname = route.pattern === '/bulk/{}' ? `/bulk/${NW_RUN}` : route.pattern === '/bulk/{}/undo' ? `/bulk/${undoRun}/undo`
            : hook ? route.pattern.replace('{}', hook.pid)
            : apiKey ? route.pattern.replace('{}', apiKey.id)
            : staff ? route.pattern.replace('{}', staff)
            : rec ? route.pattern.replace('{}', rec.id)
              : route.arg === 'ARG_CLOSURE' ? route.pattern.replace('{}', clo) : route.pattern.replace('{}', target.pid);
          const opts = {};
          if (route.area === 'AREA_API') {
            if (method === 'PUT' || method === 'PATCH' || method === 'POST')
              opts.json = rec ? rec.json : merging ? { intoCustomerId: mergeKeep.pid } : erasing ? { note: 'role matrix' } : { status: 'active' };
          } else if (method !== 'GET' && method !== 'HEAD') {
            const action = staffing ? OPERATOR_ACTIONS[route.name] : hooking ? WEBHOOK_ACTIONS[route.name] : route.pattern.endsWith('/reactivate') ? 'reactivate' : route.name === 'bulk-apply' ? 'bulk_apply'
              : route.name === 'bulk-preview' ? 'bulk_preview' : route.name === 'customer-edit' ? 'edit' : route.name === 'notes' ? 'note'
                : route.name === 'closure-file' ? 'closure_request' : route.name === 'closure-withdraw' ? 'closure_withdraw'
                  : route.name === 'customer-merge' ? 'merge' : route.name === 'bulk-undo' ? 'bulk_undo'
                    : route.name === 'bulk-merge' ? 'bulk_merge' : route.name === 'customer-erase' ? 'erase'
                      : route.name === 'customer-legal-hold' ? 'legal_hold' : policing ? 'retention_policy'
                        : route.name === 'api-keys' ? 'api_key_create' : route.name === 'api-key-revoke' ? 'api_key_revoke' : 'deactivate';
            const subject = staff ? staff : rec ? rec.id : hook ? hook.pid : apiKey ? String(apiKey.id) : route.arg === 'ARG_CUSTOMER' ? target.pid : route.arg === 'ARG_CLOSURE' ? clo
              : route.name === 'bulk-undo' ? undoRun : '';
            opts.form = { csrf: tokenFor(user, rec ? rec.action : action, subject), reason: 'data_cleanup', mode: 'paste', lines: target.pid,
              nonce: randomBytes(16).toString('hex'), select: [target.pid], kind: 'phone', date: '2025-01-31', summary: 'role matrix',
              ...(rec ? rec.form : {}), ...(merging ? { into: mergeKeep.pid, pair: [`${target.pid}>${mergeKeep.pid}`] } : {}),
              ...(hooking ? { url: hookUrl, event: ['*'], delivery: hook?.delivery } : {}),
              ...(staffing ? { username: newLogin, display_name: 'Role Matrix', role: 'operator' } : {}),
              ...(erasing ? { confirm: '1', hold: '1', note: 'role matrix' } : {}),
              ...(policing ? { ...POLICY_FORM, financial_years: '11' } : {}),
              ...(keyLabel ? { label: keyLabel, role: 'operator' } : {}) };
            if (route.name === 'customer-edit') Object.assign(opts.form, { firstName: 'Roles', lastName: `Matrix ${login}`, customerType: 'individual' });
          }
          jobs.push(http(who, method, pathname, opts).then((r) => ({ r, method, login, want, target, changes, rec, hook, hookUrl, apiKey, keyLabel, staff, newLogin })));
        }
      }
      const results = await Promise.all(jobs);
      for (const { r, method, login, want, target, changes, rec, hook, hookUrl, apiKey, keyLabel, staff, newLogin } of results) {
        const what = `${method} ${route.pattern} as ${login}`;
        cells++;
        tally[want] = (tally[want] || 0) + 1;
        assert.equal(r.status, want, `${what}: ${r.status} (${errorCode(r.text) || r.json?.error?.code || r.text.slice(0, 80)})`);
        if (method === 'HEAD') assert.equal(r.text, '', `${what}: no body`);
        if (want === 405) {
          const allow = ORDER.filter((m) => route.methods.has(m)).join(', ');
          assert.equal(r.headers.allow, allow, `${what}: Allow`);
        }
        if (want === 401) {
          if (route.area === 'AREA_API') {
            assert.match(r.headers['www-authenticate'] || '', /^Bearer/, `${what}: a Bearer challenge`);
            if (method !== 'HEAD') assert.equal(r.json.error.code, 'AUTH_REQUIRED');
          } else assert.match(r.headers['www-authenticate'] || '', /^Basic realm=/, `${what}: a Basic challenge`);
          assert.ok(!/cus_fixture|cus_sec/.test(r.text), `${what}: no data without a login`);
        }
        if (want === 403 && method !== 'HEAD') {
          if (route.area === 'AREA_API') assert.equal(r.json.error.code, 'INSUFFICIENT_PERMISSIONS', what);
          else assert.equal(errorCode(r.text), 'FORBIDDEN', what);
        }
        if (changes && r.status === want && rec) {
          const [now, shouldBe] = rec.after();
          assert.equal(now, shouldBe, `${what}: the change was made`);
        } else if (changes && r.status === want && route.name === 'customer-edit') {
          assert.deepEqual(sql(`SELECT status, first_name, last_name FROM customers WHERE public_id = ${lit(target.pid)}`),
            [['active', 'Roles', `Matrix ${login}`]], `${what}: the edit was made, the status kept`);
        } else if (changes && r.status === want && route.name === 'notes') {
          assert.equal(sqlValue(`SELECT COUNT(*) FROM customer_notes WHERE customer_id = ${target.id}`), '1', `${what}: the note was written`);
        } else if (changes && r.status === want && route.name === 'closure-file') {
          assert.deepEqual(sql(`SELECT state, requested_by FROM closure_requests WHERE customer_id = ${target.id}`), [['pending', login]], `${what}: the request was filed`);
          assert.equal(customerState(target.pid).status, 'active', `${what}: still blocked, still active`);
        } else if (changes && r.status === want && route.name === 'closure-withdraw') {
          assert.deepEqual(sql(`SELECT state, withdrawn_by FROM closure_requests WHERE public_id = ${lit(target.clo)}`), [['withdrawn', login]], `${what}: withdrawn`);
        } else if (changes && r.status === want && route.name === 'bulk-undo') {
          assert.equal(r.headers.location, `/bulk/${sqlValue(`SELECT u.public_id FROM bulk_runs u JOIN bulk_runs o ON o.id = u.undo_of WHERE o.public_id = ${lit(undoRun)}`)}`,
            `${what}: the undo run was made`);
          await runDone(r.headers.location.slice('/bulk/'.length));
          assert.equal(customerState(undoCustomer.pid).status, 'active', `${what}: the run's customer is active again`);
        } else if (changes && r.status === want && route.name === 'bulk-merge') {
          await runDone(r.headers.location.slice('/bulk/'.length));
          assert.equal(sqlValue(`SELECT k.public_id FROM customers c JOIN customers k ON k.id = c.merged_into WHERE c.id = ${target.id}`),
            mergeKeep.pid, `${what}: the run merged the customer`);
        } else if (changes && r.status === want && route.name === 'webhooks') {
          assert.deepEqual(sql(`SELECT tenant_id, events, enabled, created_by FROM webhook_endpoints WHERE url = ${lit(hookUrl)}`), [['1', '*', '0', login]], `${what}: the endpoint was made`);
          assert.match(r.text, /id="webhook-secret">whsec_[0-9a-f]{48}</, `${what}: its secret shown`);
        } else if (changes && r.status === want && route.name === 'api-keys') {
          assert.deepEqual(sql(`SELECT tenant_id, role, created_by, revoked_at FROM api_keys WHERE label = ${lit(keyLabel)}`), [['1', 'operator', login, null]], `${what}: the key was made`);
          assert.match(r.text, /<input id="api-key"[^>]* value="cust_[A-Za-z0-9_-]{43}"/, `${what}: the key shown`);
        } else if (changes && r.status === want && route.name === 'api-key-revoke') {
          assert.equal(apiKeyState(apiKey)[0][2], '1', `${what}: the key was revoked`);
          assert.equal(r.headers.location, '/api-keys', `${what}: back to the list`);
        } else if (changes && r.status === want && route.name === 'operators') {
          assert.deepEqual(staffState(newLogin).map((x) => x.slice(0, 4)), [['1', 'operator', 'Role Matrix', null]], `${what}: the operator was added`);
        } else if (changes && r.status === want && route.name === 'operator-role') {
          assert.equal(staffState(staff)[0][1], 'operator', `${what}: the role was changed`);
        } else if (changes && r.status === want && (route.name === 'operator-disable' || route.name === 'operator-enable')) {
          assert.equal(staffState(staff)[0][3] === null, route.name === 'operator-enable', `${what}: disabled or enabled`);
        } else if (changes && r.status === want && route.name === 'webhook') {
          assert.deepEqual(webhookState(hook)[0].slice(0, 3), [hookUrl, '*', '0'], `${what}: the endpoint was changed`);
        } else if (changes && r.status === want && route.name === 'webhook-test') {
          assert.equal(sqlValue(`SELECT COUNT(*) FROM webhook_deliveries d JOIN outbox_events v ON v.id = d.event_id
                                  WHERE d.endpoint_id = ${hook.id} AND v.event = 'webhook.test'`), '1', `${what}: a test event for it`);
        } else if (changes && r.status === want && route.name === 'webhook-redeliver') {
          assert.equal(sqlValue(`SELECT state FROM webhook_deliveries WHERE id = ${hook.delivery}`), 'pending', `${what}: redelivered`);
        } else if (changes && r.status === want && (route.name === 'customer-erase' || route.name === 'api-customer-erase')) {
          const by = login.startsWith('key:') ? `api:${KEYS[login.slice(4)].label}` : login;
          assert.deepEqual(sql(`SELECT status, email, first_name, erased_at IS NOT NULL, erased_by, legal_hold FROM customers WHERE id = ${target.id}`),
            [['inactive', `erased-${target.pid}@erased.invalid`, 'Erased', '1', by, '0']], `${what}: the personal data was erased`);
          if (route.area === 'AREA_API') assert.deepEqual([r.json.success, r.json.customerId], [true, target.pid], `${what}: the answer`);
          else assert.equal(r.headers.location, `/customers/${target.pid}`, `${what}: back to the customer`);
        } else if (changes && r.status === want && policing) {
          assert.equal(r.headers.location, '/retention/policy', `${what}: back to the policy`);
          assert.deepEqual([policyState(1), policyState(2)], [[['1200', '3', '1', '11']], [[null, '3', '1', '10']]], `${what}: tenant 1's policy was set, tenant 2's not`);
          const [[actor, action, outcome, changes]] = sql(`SELECT actor, action, outcome, changes FROM audit_log WHERE request_id = ${lit(r.headers['x-request-id'])}`);
          assert.deepEqual([actor, action, outcome], [login, 'retention_policy', 'ok'], `${what}: audited`);
          assert.deepEqual(JSON.parse(changes).map((x) => x.field), ['eraseAfterMonths', 'financialYears'], `${what}: with its changes`);
        } else if (changes && r.status === want && route.name === 'customer-legal-hold') {
          assert.deepEqual(sql(`SELECT status, legal_hold, erased_at FROM customers WHERE id = ${target.id}`), [['active', '1', null]], `${what}: the hold was set`);
        } else if (changes && r.status === want && route.arg === 'ARG_CUSTOMER') {
          const st = customerState(target.pid).status;
          const shouldBe = route.name === 'reactivate' || method === 'PUT' ? 'active' : 'inactive';
          assert.equal(st, shouldBe, `${what}: the change was made`);
        }
      }
      assert.deepEqual(customerState(victim.pid), victimBefore, `${route.pattern}: no refused or read-only call changed the customer`);
      assert.deepEqual(erasureState(victim), victimErasure, `${route.pattern}: no refused or read-only call erased or held the customer`);
      if (isRecord) assert.equal(recordTarget(route, shared, false).after()[0], sharedBefore, `${route.pattern}: no refused or read-only call changed the record`);
      if (victimClosure) assert.equal(sqlValue(`SELECT state FROM closure_requests WHERE public_id = ${lit(victimClosure)}`), 'pending', `${route.pattern}: no refused call withdrew it`);
      if (victimHook) assert.deepEqual(webhookState(victimHook), victimHookBefore, `${route.pattern}: no refused or read-only call changed the endpoint`);
      if (victimKey) assert.deepEqual(apiKeyState(victimKey), victimKeyBefore, `${route.pattern}: no refused or read-only call revoked the key`);
      if (victimStaff) assert.deepEqual(staffState(victimStaff), victimStaffBefore, `${route.pattern}: no refused or read-only call changed the operator`);
      // (only the admin's POST set a policy: checked above)
      if (!policing) assert.deepEqual([policyState(1), policyState(2)], [[[null, '3', '1', '10']], [[null, '3', '1', '10']]], `${route.pattern}: no call set a policy`);
    });
  }

  test('a viewer\'s refused POST is audited as FORBIDDEN, a viewer key\'s refused DELETE as INSUFFICIENT_PERMISSIONS', async () => {
    const c = customer();
    const maxAudit = L.maxAuditId();
    const r = await http('viewer', 'POST', `/customers/${c.pid}/deactivate`, { form: { csrf: tokenFor('viewer', 'deactivate', c.pid), reason: 'data_cleanup' } });
    assert.equal(r.status, 403);
    const k = await http(KEYS.viewer, 'DELETE', `/v1/customers/${c.pid}`);
    assert.equal(k.status, 403);
    assert.deepEqual(sql(`SELECT actor, action, channel, outcome FROM audit_log WHERE id > ${maxAudit} AND customer_id = ${c.id} ORDER BY id`),
      [['viewer', 'deactivate', 'page', 'FORBIDDEN'], [`api:${KEYS.viewer.label}`, 'deactivate', 'api', 'INSUFFICIENT_PERMISSIONS']]);
    assert.equal(customerState(c.pid).status, 'active');
  });

  test('other methods (OPTIONS, TRACE, PROPFIND, CONNECT) and method-override headers change nothing and echo nothing', async () => {
    const c = customer();
    const before0 = customerState(c.pid);
    for (const m of ['OPTIONS', 'TRACE', 'PROPFIND', 'CONNECT']) {
      for (const p of ['/customers', `/customers/${c.pid}/deactivate`, `/v1/customers/${c.pid}`, '/healthz']) {
        const r = await S.raw(m, p, { user: p.startsWith('/v1/') ? undefined : 'admin', headers: { 'X-Probe': 'probe-7f3a', Cookie: 'flash=probe-7f3a' } });
        assert.equal(r.status, 405, `${m} ${p}`);
        assert.ok(!r.text.includes('probe-7f3a') && !r.text.includes('Basic '), `${m} ${p}: the request is not echoed`);
        extra++;
      }
    }
    for (const h of ['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override']) {
      const page = await http('admin', 'POST', `/customers/${c.pid}/retention`, { form: { _method: 'DELETE' }, headers: { [h]: 'GET' } });
      assert.equal(page.status, 405, `${h}: a POST stays a POST`);
      const api = await http(KEYS.admin, 'POST', `/v1/customers/${c.pid}`, { json: {}, headers: { [h]: 'DELETE' } });
      assert.equal(api.status, 405, `${h}: no DELETE through an override`);
    }
    assert.deepEqual(customerState(c.pid), before0);
  });

  test('viewers are shown no forms or action buttons', async () => {
    const c = customer();
    const h = webhookEndpoint();
    for (const p of [`/customers/${c.pid}`, `/customers/${c.pid}/deactivate`, '/bulk', '/webhooks', `/webhooks/${h.pid}`]) {
      const r = await http('viewer', 'GET', p);
      assert.equal(r.status, 200);
      assert.ok(!/<form[^>]*method="post"/.test(r.text), `${p}: no POST form for a viewer`);
      assert.ok(!/name="csrf"/.test(r.text), `${p}: no token for a viewer`);
    }
  });

  test('the erasure is offered to admins only: the erase link and the legal-hold form of the customer page', async () => {
    const c = erasable();
    for (const [user, shown] of [['viewer', false], ['operator', false], ['admin', true]]) {
      const r = await http(user, 'GET', `/customers/${c.pid}`);
      assert.equal(r.status, 200);
      assert.equal(r.text.includes(`href="/customers/${c.pid}/erase"`), shown, `${user}: the erase link`);
      assert.equal(r.text.includes(`action="/customers/${c.pid}/legal-hold"`), shown, `${user}: the legal-hold form`);
    }
  });

  test('the retention policy is offered to admins only: its link on /retention', async () => {
    for (const [user, shown] of [['viewer', false], ['operator', false], ['admin', true]]) {
      const r = await http(user, 'GET', '/retention');
      assert.equal(r.status, 200);
      assert.equal(r.text.includes('href="/retention/policy"'), shown, `${user}: the policy link`);
      assert.ok(!/<form[^>]*method="post"/.test(r.text) && !/name="csrf"/.test(r.text), `${user}: no form on /retention`);
    }
  });
});

// =================================================================================================
// Tenant isolation
// =================================================================================================

describe('tenants: tenant 2\'s customers, runs and keys are invisible to tenant 1 (and back)', () => {
  let routes = 0;
  after(() => say(`tenants: ${routes} route × method × caller checks on another tenant's ids`));

  /** The answer for another tenant's id must be the answer for a missing one. */
  function sameAsMissing(r, missing, what) {
    assert.equal(r.status, missing.status, `${what}: ${r.status}, a missing id gives ${missing.status}`);
    if (r.json || missing.json) assert.deepEqual(r.json?.error?.code, missing.json?.error?.code, what);
    else assert.equal(errorCode(r.text), errorCode(missing.text), what);
    routes++;
  }

  test('pages: tenant 2\'s customer is 404 on every customer route and method, exactly as a missing id; nothing changes', async () => {
    const before0 = customerState(GLOBEX);
    const audit0 = sqlValue(`SELECT COUNT(*) FROM audit_log WHERE customer_id = ${before0.id}`);
    const missing = `cus_nosuch${TAG}`;
    for (const user of ['viewer', 'operator', 'admin']) {
      for (const [method, suffix] of [['GET', ''], ['HEAD', ''], ['GET', '/deactivate'], ['GET', '/reactivate'], ['GET', '/retention'], ['HEAD', '/retention'],
        ['POST', '/deactivate'], ['POST', '/reactivate']]) {
        const form = (id) => (method === 'POST' ? { form: { csrf: tokenFor(user, suffix.slice(1), id), reason: 'data_cleanup' } } : {});
        const r = await http(user, method, `/customers/${GLOBEX}${suffix}`, form(GLOBEX));
        const m = await http(user, method, `/customers/${missing}${suffix}`, form(missing));
        const want = method === 'POST' && user === 'viewer' ? 403 : 404;
        assert.equal(r.status, want, `${user} ${method} ${suffix}`);
        sameAsMissing(r, m, `${user} ${method} /customers/{globex}${suffix}`);
        if (method !== 'HEAD') assert.ok(!/Gina|Globex|gina\.globex/.test(r.text), `${user} ${method} ${suffix}: nothing of the customer shown`);
      }
    }
    assert.deepEqual(customerState(GLOBEX), before0, 'tenant 2\'s customer is unchanged');
    assert.equal(sqlValue(`SELECT COUNT(*) FROM audit_log WHERE customer_id = ${before0.id}`), audit0, 'no audit row of tenant 1 names it');
    const a = await http('admin', 'GET', `/audit?customer=${GLOBEX}`);
    assert.match(a.text, /No audit entries match/);
  });

  test('erasure: tenant 2\'s customer (one that may be erased) is 404 on the erase page, its POST, the legal hold and the API, exactly as a missing id; nothing changes', async () => {
    const g = erasable({ tenant: 2 });
    const before0 = [customerState(g.pid), erasureState(g)];
    const audit0 = sqlValue(`SELECT COUNT(*) FROM audit_log WHERE customer_id = ${g.id}`);
    const missing = `cus_nosuch${TAG}`;
    for (const user of ['viewer', 'operator', 'admin']) {
      for (const [method, suffix, action, form] of [['GET', '/erase'], ['HEAD', '/erase'],
        ['POST', '/erase', 'erase', { confirm: '1', art17: '1', note: 'stolen' }], ['POST', '/legal-hold', 'legal_hold', { hold: '1' }]]) {
        const opts = (id) => (method === 'POST' ? { form: { ...form, csrf: tokenFor(user, action, id) } } : {});
        const r = await http(user, method, `/customers/${g.pid}${suffix}`, opts(g.pid));
        const m = await http(user, method, `/customers/${missing}${suffix}`, opts(missing));
        // (admins only: a viewer's or an operator's call is refused by role first, for any id)
        assert.equal(r.status, user === 'admin' ? 404 : 403, `${user} ${method} ${suffix}`);
        sameAsMissing(r, m, `${user} ${method} /customers/{globex}${suffix}`);
        if (method !== 'HEAD') assert.ok(!r.text.includes(g.email), `${user} ${method} ${suffix}: nothing of the customer shown`);
      }
    }
    for (const role of ['viewer', 'operator', 'admin']) {
      for (const json of [{}, { gdprArticle17: true, note: 'stolen' }]) {
        const r = await http(KEYS[role], 'POST', `/v1/customers/${g.pid}/erase`, { json });
        const m = await http(KEYS[role], 'POST', `/v1/customers/${missing}/erase`, { json });
        sameAsMissing(r, m, `${role} key POST /v1/customers/{globex}/erase ${JSON.stringify(json)}`);
        assert.equal(r.status, role === 'admin' ? 404 : 403, `${role} key POST /v1/customers/{globex}/erase`);
        if (role === 'admin') assert.equal(r.json.error.code, 'CUSTOMER_NOT_FOUND');
      }
    }
    assert.deepEqual([customerState(g.pid), erasureState(g)], before0, 'tenant 2\'s customer is neither erased nor held');
    assert.equal(sqlValue(`SELECT COUNT(*) FROM audit_log WHERE customer_id = ${g.id}`), audit0, 'no audit row names it');
    // the ids above exist: tenant 2 sees its own customer, erasable
    const own = await http('globex', 'GET', `/customers/${g.pid}/erase`);
    assert.equal(own.status, 200);
    assert.ok(/name="confirm"/.test(own.text), 'globex is offered the erasure');
    const ownApi = await http({ key: KEYS.globex.key, tenant: 'globex' }, 'GET', `/v1/customers/${g.pid}`);
    assert.deepEqual([ownApi.status, ownApi.json.erasedAt, ownApi.json.legalHold], [200, null, false]);
  });

  test('retention policy: each tenant\'s admin reads and sets its own tenant\'s policy only; the other\'s is neither shown nor changed nor audited to it', async (t) => {
    t.after(resetPolicies);
    resetPolicies();
    // tenant 2 with a policy of its own (1199 months: nobody is that long inactive)
    sql('UPDATE tenants SET erase_after_months = 1199, erase_min_months = 7, erase_keep_location = 0, financial_years = 77 WHERE id = 2');
    const g0 = policyState(2);
    const shown = (html) => ['erase_after_months', 'erase_min_months', 'financial_years'].map((n) => S.inputValue(html, n))
      .concat(/id="keep_location"[^>]*\bchecked/.test(html));
    const a = await http('admin', 'GET', '/retention/policy');
    assert.equal(a.status, 200);
    assert.deepEqual(shown(a.text), ['0', '3', '10', true], 'admin: tenant 1\'s policy (none)');
    const g = await http('globex', 'GET', '/retention/policy');
    assert.equal(g.status, 200);
    assert.deepEqual(shown(g.text), ['1199', '7', '77', false], 'globex: tenant 2\'s own');
    routes += 2;
    // the admin of tenant 1 sets tenant 1's
    const maxAudit = L.maxAuditId();
    const r = await http('admin', 'POST', '/retention/policy', { form: { csrf: tokenFor('admin', 'retention_policy'), ...POLICY_FORM } });
    assert.equal(r.status, 303, errorCode(r.text));
    assert.deepEqual(policyState(1), [['1200', '3', '1', '10']], 'tenant 1\'s policy set');
    assert.deepEqual(policyState(2), g0, 'tenant 2\'s policy unchanged');
    // globex's, with globex's values, sets tenant 2's only
    const gr = await http('globex', 'POST', '/retention/policy', { form: { csrf: tokenFor('globex', 'retention_policy'), ...POLICY_FORM, financial_years: '70' } });
    assert.equal(gr.status, 303, errorCode(gr.text));
    assert.deepEqual(policyState(2), [['1200', '3', '1', '70']], 'tenant 2\'s policy set');
    assert.deepEqual(policyState(1), [['1200', '3', '1', '10']], 'tenant 1\'s policy unchanged');
    // (an admin of tenant 1 with globex's token is refused: the CSRF cases' "another tenant's user")
    assert.deepEqual(sql(`SELECT actor, tenant_id, outcome FROM audit_log WHERE id > ${maxAudit} AND action = 'retention_policy' ORDER BY id`),
      [['admin', '1', 'ok'], ['globex', '2', 'ok']], 'each audited to its own tenant');
    assert.match((await http('admin', 'GET', '/audit?action=retention_policy&actor=globex')).text, /No audit entries match/, 'tenant 1 does not see tenant 2\'s row');
    assert.doesNotMatch((await http('globex', 'GET', '/audit?action=retention_policy&actor=globex')).text, /No audit entries match/, 'tenant 2 sees its own');
    routes += 2;
  });

  test('pages: tenant 2\'s webhook endpoint is 404 on every route and method, exactly as a missing id; not listed; nothing changes', async () => {
    const g = webhookEndpoint({ tenant: 2 });
    const before0 = webhookState(g);
    const missing = `whk_nosuch${TAG}`;
    for (const user of ['viewer', 'operator', 'admin']) {
      for (const [method, suffix, action, form] of [['GET', ''], ['HEAD', ''],
        ['POST', '', 'webhook_update', { url: `http://127.0.0.1:9/stolen-${TAG}`, event: ['*'], enabled: '1' }],
        ['POST', '/test', 'webhook_test', {}], ['POST', '/redeliver', 'webhook_redeliver', { delivery: g.delivery }]]) {
        const opts = (id) => (method === 'POST' ? { form: { ...form, csrf: tokenFor(user, action, id) } } : {});
        const r = await http(user, method, `/webhooks/${g.pid}${suffix}`, opts(g.pid));
        const m = await http(user, method, `/webhooks/${missing}${suffix}`, opts(missing));
        assert.equal(r.status, method === 'POST' && user !== 'admin' ? 403 : 404, `${user} ${method} ${suffix}`);
        sameAsMissing(r, m, `${user} ${method} /webhooks/{globex}${suffix}`);
        assert.ok(!r.text.includes('127.0.0.1:9/sec-'), `${user} ${method} ${suffix}: nothing of the endpoint shown`);
      }
    }
    assert.deepEqual(webhookState(g), before0, 'tenant 2\'s endpoint is unchanged');
    for (const user of ['viewer', 'admin']) assert.ok(!(await http(user, 'GET', '/webhooks')).text.includes(g.pid), `${user}: not listed`);
    assert.ok((await http('globex', 'GET', '/webhooks')).text.includes(g.pid), 'listed for its own tenant');
  });

  test('pages: tenant 2\'s bulk run is 404 (page, CSV, items) and not listed; tenant 1\'s run likewise for globex', async () => {
    for (const [user, run, other] of [['admin', GLOBEX_RUN, NW_RUN], ['viewer', GLOBEX_RUN, NW_RUN], ['globex', NW_RUN, GLOBEX_RUN]]) {
      for (const q of ['', '?format=csv', '?items_after=0']) {
        const r = await http(user, 'GET', `/bulk/${run}${q}`);
        const m = await http(user, 'GET', `/bulk/run_nosuch${TAG}${q}`);
        sameAsMissing(r, m, `${user} /bulk/{other tenant's run}${q}`);
        assert.equal(r.status, 404);
        const own = await http(user, 'GET', `/bulk/${other}${q}`);
        assert.equal(own.status, 200, `${user}: its own run ${q}`);
      }
      const list = await http(user, 'GET', '/bulk');
      assert.ok(!list.text.includes(run), `${user}: the other tenant's run is not listed`);
      const listed = [...list.text.matchAll(/href="\/bulk\/(run_[0-9a-f]+)"/g)].map((m) => m[1]);
      assert.ok(listed.length > 0, `${user}: runs are listed`);
      const tenant = user === 'globex' ? '2' : '1';
      for (const id of listed) assert.equal(sqlValue(`SELECT tenant_id FROM bulk_runs WHERE public_id = ${lit(id)}`), tenant, `${user}: ${id} is of its tenant`);
    }
  });

  test('bulk: tenant 2\'s ids and e-mails are not found by preview or filter; a tampered apply records NOT_FOUND and changes nothing', async () => {
    const t2 = sql('SELECT public_id, email, SUBSTRING_INDEX(email, \'@\', -1) FROM customers WHERE tenant_id = 2 AND status = \'active\' ORDER BY id LIMIT 10');
    const pv = await http('operator', 'POST', '/bulk/preview', {
      form: { csrf: tokenFor('operator', 'bulk_preview'), mode: 'paste', lines: t2.flatMap((r) => [r[0], r[1]]).join('\n') },
    });
    assert.equal(pv.status, 200);
    assert.ok(!/name="select"/.test(pv.text), 'no tenant 2 customer proposed');
    assert.match(pv.text, new RegExp(`<dd id="n-not-found">${t2.length * 2}</dd>`));
    // a filter on a domain both tenants use proposes tenant 1's customers only
    const shared = sqlValue("SELECT email_domain FROM customers WHERE tenant_id = 2 AND status = 'active' GROUP BY email_domain ORDER BY COUNT(*) DESC LIMIT 1");
    const f = await http('operator', 'POST', '/bulk/preview', { form: { csrf: tokenFor('operator', 'bulk_preview'), mode: 'filter', domain: shared } });
    assert.equal(f.status, 200, `filter ${shared}: ${errorCode(f.text)}`);
    const proposed = [...f.text.matchAll(/name="select" value="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(proposed.length > 0, `tenant 1 has customers at ${shared}`);
    const tenants = sql(`SELECT DISTINCT tenant_id FROM customers WHERE public_id IN (${proposed.map(lit).join(',')})`);
    assert.deepEqual(tenants, [['1']], `filter ${shared}: only tenant 1 proposed`);
    // and a domain only tenant 2 uses proposes nothing
    const only2 = customer({ tenant: 2, email: `only2.${TAG}@t2only-${TAG}.invalid` });
    const f2 = await http('operator', 'POST', '/bulk/preview', { form: { csrf: tokenFor('operator', 'bulk_preview'), mode: 'filter', domain: `t2only-${TAG}.invalid` } });
    assert.ok([200, 400].includes(f2.status), `filter on tenant 2's domain: ${f2.status}`);
    assert.ok(!f2.text.includes(only2.pid) && !/name="select"/.test(f2.text), 'nothing of tenant 2 proposed');
    routes += 2;
    const g0 = sql(`SELECT public_id, status, updated_at FROM customers WHERE public_id IN (${t2.map((r) => lit(r[0])).join(',')}) ORDER BY id`);
    const ap = await http('operator', 'POST', '/bulk/apply', {
      form: { csrf: tokenFor('operator', 'bulk_apply'), nonce: randomBytes(16).toString('hex'), reason: 'data_cleanup', select: t2.map((r) => r[0]) },
    });
    assert.equal(ap.status, 303);
    const run = ap.headers.location.slice('/bulk/'.length);
    await runDone(run);
    assert.deepEqual(sql(`SELECT DISTINCT outcome FROM bulk_items i JOIN bulk_runs r ON r.id = i.run_id WHERE r.public_id = ${lit(run)}`), [['NOT_FOUND']]);
    assert.deepEqual(sql(`SELECT public_id, status, updated_at FROM customers WHERE public_id IN (${t2.map((r) => lit(r[0])).join(',')}) ORDER BY id`), g0);
    routes++;
  });

  test('API: northwind keys get 404 for tenant 2\'s customer on every method, as for a missing id; orders of it are empty as for a missing id', async () => {
    const before0 = customerState(GLOBEX);
    const missing = `cus_nosuch${TAG}`;
    for (const role of ['viewer', 'operator', 'admin']) {
      for (const [method, json] of [['GET'], ['HEAD'], ['PUT', { status: 'inactive' }], ['PUT', { status: 'active' }], ['DELETE']]) {
        const r = await http(KEYS[role], method, `/v1/customers/${GLOBEX}`, json ? { json } : {});
        const m = await http(KEYS[role], method, `/v1/customers/${missing}`, json ? { json } : {});
        sameAsMissing(r, m, `${role} key ${method} /v1/customers/{globex}`);
        assert.equal(r.status, role === 'viewer' && method !== 'GET' && method !== 'HEAD' ? 403 : 404, `${role} ${method}`);
      }
      const o = await http(KEYS[role], 'GET', `/v1/orders?customerId=${GLOBEX}`);
      const om = await http(KEYS[role], 'GET', `/v1/orders?customerId=${missing}`);
      assert.equal(o.status, 200);
      assert.deepEqual(o.json, om.json, `${role}: the orders of tenant 2's customer answer as a missing one's`);
      assert.deepEqual(o.json.orders, []);
      routes++;
      const e = await http(KEYS[role], 'GET', '/v1/customers?status=all&email=gina.globex%40fixture.example');
      assert.deepEqual([e.status, e.json.count], [200, 0], 'the e-mail filter does not reach tenant 2');
    }
    assert.deepEqual(customerState(GLOBEX), before0);
    const own = await http({ key: KEYS.globex.key }, 'GET', `/v1/customers/${GLOBEX}`);
    assert.equal(own.status, 403, 'a globex key with the default Tenant-ID (northwind) is a mismatch');
    const ok = await http({ key: KEYS.globex.key, tenant: 'globex' }, 'GET', `/v1/customers/${GLOBEX}`);
    assert.equal(ok.status, 200, 'tenant 2 sees its own customer (the ids above exist)');
  });

  test('API: northwind keys get 404 for tenant 2\'s records (order, subscription, device, payment) on every route and method, as for missing ids; nothing changes', async () => {
    const g = records({ tenant: 2 });
    const state = () => sql(`SELECT (SELECT status FROM orders WHERE public_id = ${lit(g.order)}),
      (SELECT status FROM subscriptions WHERE public_id = ${lit(g.sub)}), (SELECT status FROM assets WHERE serial_number = ${lit(g.serial)}),
      (SELECT COUNT(*) FROM audit_log WHERE tenant_id = 2 AND subject IN (${[g.order, g.sub, g.serial].map(lit).join(', ')}))`);
    const before0 = state();
    const missing = { order: `ord_nosuch${TAG}`, sub: `sub_nosuch${TAG}`, serial: `SN-NOSUCH-${TAG}`, payment: `pay_nosuch${TAG}` };
    const calls = (ids) => [['GET', `/v1/orders/${ids.order}`], ['HEAD', `/v1/orders/${ids.order}`], ['POST', `/v1/orders/${ids.order}/cancel`, {}],
      ['GET', `/v1/subscriptions/${ids.sub}`], ['POST', `/v1/subscriptions/${ids.sub}/cancel`, { rentalId: ids.sub, reason: 'fraud' }],
      ['POST', `/v1/subscriptions/${ids.sub}/early-return`, { rentalId: ids.sub, reason: 'tenants', returnCondition: 'good' }],
      ['GET', `/v1/assets/${ids.serial}`], ['PUT', `/v1/assets/${ids.serial}`, { status: 'unavailable' }], ['GET', `/v1/payments/${ids.payment}`]];
    for (const role of ['viewer', 'operator', 'admin']) {
      const theirs = calls(g);
      const none = calls(missing);
      for (const [i, [method, url, json]] of theirs.entries()) {
        const r = await http(KEYS[role], method, url, json ? { json } : {});
        const m = await http(KEYS[role], none[i][0], none[i][1], json ? { json: { ...json, ...(json.rentalId ? { rentalId: missing.sub } : {}) } } : {});
        sameAsMissing(r, m, `${role} key ${method} ${url}`);
        assert.equal(r.status, role === 'viewer' && !['GET', 'HEAD'].includes(method) ? 403 : 404, `${role} ${method} ${url}`);
      }
      for (const url of [`/v1/subscriptions?serialNumber=${g.serial}`, `/v1/subscriptions?customerId=${g.c.pid}`, `/v1/assets?rentalId=${g.sub}`,
        `/v1/assets?customerId=${g.c.pid}`, `/v1/payments?rentalId=${g.sub}`, `/v1/payments?customerId=${g.c.pid}`]) {
        const r = await http(KEYS[role], 'GET', url);
        assert.deepEqual([r.status, r.json.count], [200, 0], `${role} ${url}`);
        routes++;
      }
    }
    assert.deepEqual(state(), before0, 'tenant 2\'s records are unchanged, and no audit row of tenant 2 names them');
    const own = await http({ key: KEYS.globex.key, tenant: 'globex' }, 'GET', `/v1/subscriptions/${g.sub}`);
    assert.equal(own.status, 200, 'tenant 2 sees its own subscription (the ids above exist)');
  });

  test('API: a Tenant-ID naming another tenant, or none, is 403 NO_TENANT_ACCESS on every route and method', async () => {
    for (const [key, tenant] of [[KEYS.admin.key, 'globex'], [KEYS.viewer.key, 'globex'], [KEYS.globex.key, 'northwind'], [KEYS.admin.key, 'Northwind'], [KEYS.admin.key, 'northwind,globex']]) {
      for (const [method, url, json] of [['GET', '/v1/customers'], ['GET', `/v1/customers/${GLOBEX}`], ['GET', '/v1/customers/cus_fixture_clean'],
        ['DELETE', '/v1/customers/cus_fixture_clean'], ['PUT', `/v1/customers/${GLOBEX}`, { status: 'inactive' }], ['GET', '/v1/orders'],
        ['GET', '/v1/orders/ord_fixture_pending'], ['POST', '/v1/orders/ord_fixture_pending/cancel', {}], ['GET', '/v1/subscriptions'],
        ['POST', '/v1/subscriptions/sub_fixture_all/cancel', { rentalId: 'sub_fixture_all', reason: 'fraud' }], ['GET', '/v1/assets'],
        ['PUT', '/v1/assets/SN-FIXTURE-ALL', { status: 'returned' }], ['GET', '/v1/payments'],
        ['POST', '/v1/customers/cus_fixture_clean/erase', { gdprArticle17: true }]]) {
        const r = await http({ key, tenant }, method, url, json ? { json } : {});
        assert.equal(r.status, 403, `${tenant} ${method} ${url}`);
        assert.equal(r.json.error.code, 'NO_TENANT_ACCESS');
        routes++;
      }
    }
    const none = await http({ key: KEYS.admin.key, tenant: null }, 'GET', '/v1/customers');
    assert.equal(none.status, 403);
    assert.equal(none.json.error.code, 'NO_TENANT_ACCESS');
  });

  test('API: the whole customer list of a northwind key holds only northwind; a globex cursor does not open tenant 2', async () => {
    const t2 = new Set(sql('SELECT public_id FROM customers WHERE tenant_id = 2').map((r) => r[0]));
    let url = '/v1/customers?status=all&limit=100';
    let seen = 0;
    for (let pages = 0; url; pages++) {
      assert.ok(pages < 500);
      const r = await http(KEYS.viewer, 'GET', url);
      assert.equal(r.status, 200);
      for (const c of r.json.customers) {
        assert.equal(c.tenantId, 'northwind');
        assert.ok(!t2.has(c.customerId), `${c.customerId} is tenant 2's`);
      }
      seen += r.json.customers.length;
      url = r.json.nextCursor ? `/v1/customers?status=all&limit=100&startAfter=${r.json.nextCursor}` : null;
    }
    assert.equal(seen, Number(sqlValue('SELECT COUNT(*) FROM customers WHERE tenant_id = 1')));
    const g = await http({ key: KEYS.globex.key, tenant: 'globex' }, 'GET', '/v1/customers?status=all&limit=5');
    assert.ok(g.json.customers.every((c) => t2.has(c.customerId)));
    const reuse = await http(KEYS.viewer, 'GET', `/v1/customers?status=all&limit=100&startAfter=${g.json.nextCursor}`);
    assert.ok([200, 400].includes(reuse.status));
    if (reuse.status === 200) assert.ok(reuse.json.customers.every((c) => !t2.has(c.customerId)), 'a cursor of tenant 2 shows tenant 1 only');
    const orders = await http(KEYS.viewer, 'GET', '/v1/orders?limit=100');
    const t2orders = new Set(sql('SELECT public_id FROM orders WHERE tenant_id = 2').map((r) => r[0]));
    assert.ok(orders.json.orders.every((o) => !t2orders.has(o.orderId) && o.tenantId === 'northwind'));
  });

  test('pages: search, lists, audit (page and CSV) and retention of tenant 1 never show tenant 2', async () => {
    await allRunsDone();
    const t2 = sql("SELECT public_id, email, last_name FROM customers WHERE tenant_id = 2 AND status = 'active' ORDER BY id DESC LIMIT 15");
    for (const [pid, email] of t2) {
      const r = await http('admin', 'GET', `/customers?status=all&q=${encodeURIComponent(email)}`);
      assert.ok(!listIds(r.text).includes(pid), `admin finds ${pid} by ${email}`);
      const own = await http('globex', 'GET', `/customers?status=all&q=${encodeURIComponent(email)}`);
      assert.ok(listIds(own.text).includes(pid), `globex finds its own ${pid} (the search can find it)`);
    }
    const all = await http('admin', 'GET', '/customers?status=all&sort=email&dir=asc');
    assert.ok(listIds(all.text).every((id) => !t2.some((r) => r[0] === id)));
    const t2audit = new Set(sql('SELECT id FROM audit_log WHERE tenant_id = 2').map((r) => r[0]));
    assert.ok(t2audit.size > 0, 'tenant 2 has audit rows (its bulk run)');
    const csv = parseCsv((await http('admin', 'GET', '/audit?format=csv')).text).slice(1);
    assert.ok(csv.length > 0);
    assert.ok(csv.every((r) => !t2audit.has(r[0])), 'the audit CSV holds no tenant 2 row');
    assert.equal(csv.length, Number(sqlValue('SELECT COUNT(*) FROM audit_log WHERE tenant_id = 1')));
    const page = await http('admin', 'GET', '/audit?actor=globex');
    assert.match(page.text, /No audit entries match/);
    const gpage = await http('globex', 'GET', '/audit?actor=globex');
    assert.doesNotMatch(gpage.text, /No audit entries match/, 'globex sees its own rows');
    for (const [user, tenant] of [['admin', 1], ['globex', 2]]) {
      const ret = await http(user, 'GET', '/retention');
      assert.equal(L.parseCount(L.definition(ret.text, 'Inactive customers')),
        Number(sqlValue(`SELECT COUNT(*) FROM customers WHERE tenant_id = ${tenant} AND status = 'inactive'`)), `${user}: retention counts its tenant only`);
    }
  });
});

// =================================================================================================
// Path traversal
// =================================================================================================

describe('path traversal: nothing outside static/ is served, ids and template-like names are refused', () => {
  const secret = L.appSecret();
  const dbPassword = L.appPassword();
  const TARGETS = [
    ['conf/custodian.conf.sample', 'db_password_file'],
    ['templates/layout.tpl', '{{/NAV_CUSTOMERS}}'],
    ['README.md', 'scripts/check --asan'],
    ['src/worker.c', 'worker_handle'],
    [path.relative(ROOT, path.join(L.CONF_DIR, 'app-secret')), secret],
    [path.relative(ROOT, path.join(L.CONF_DIR, 'htpasswd')), '$apr1$'],
    [path.relative(ROOT, '/etc/passwd'), 'root:x:0:0'],
  ];
  const MARKERS = [...TARGETS.map((t) => t[1]), dbPassword, '{{/FORM}}', '[mysqld]'];
  let requests = 0;
  after(() => say(`traversal: ${requests} requests (${TARGETS.length} targets × encodings × logins, ids and parameters)`));

  function noLeak(r, what) {
    for (const m of MARKERS) assert.ok(!r.text.includes(m), `${what}: the answer holds ${JSON.stringify(m.slice(0, 20))}`);
    requests++;
  }

  test('the targets exist and hold their markers (so a leak would be seen)', () => {
    for (const [rel, marker] of TARGETS) assert.ok(readFileSync(path.resolve(ROOT, rel), 'utf8').includes(marker), `${rel} holds ${marker.slice(0, 20)}`);
  });

  test('a static file is served as it is (the control)', async () => {
    const r = await S.raw('GET', '/static/app.css');
    assert.equal(r.status, 200);
    assert.equal(r.text, readFileSync(path.join(ROOT, 'static', 'app.css'), 'utf8'));
  });

  test('/static/ with "..", encoded, double-encoded, backslashed, overlong and alias variants: refused', async () => {
    const up = (rel, n = 1) => '../'.repeat(n) + rel;
    for (const [rel] of TARGETS) {
      const e = rel.replace(/\//g, '%2f');
      const variants = [
        `/static/${up(rel)}`,
        `/static/${up(rel, 12)}`,
        `/static/%2e%2e/${rel}`,
        `/static/%2E%2E%2F${e}`,
        `/static/..%2f${e}`,
        `/static/..%252f${rel.replace(/\//g, '%252f')}`,
        `/static/%252e%252e/${rel}`,
        `/static/%252e%252e%252f${rel.replace(/\//g, '%252f')}`,
        `/static/....//${rel}`,
        `/static/..\\${rel.replace(/\//g, '\\')}`,
        `/static/..%5c${rel.replace(/\//g, '%5c')}`,
        `/static../${rel}`,
        `/static..%2f${e}`,
        `/static/%c0%ae%c0%ae/${rel}`,
        `/static/%c0%ae%c0%ae%c0%af${e}`,
        `/static/./../${rel}`,
        `/static/app.css/../../${rel}`,
        `/static/..;/${rel}`,
        `/static/%2e%2e%00/${rel}`,
        `/static//..//${rel}`,
        `/${rel}`,
        `/v1/../${rel}`,
        `/healthz/../${rel}`,
      ];
      for (const v of variants) {
        for (const user of [null, 'admin']) {
          const r = await S.raw('GET', v, { user });
          assert.ok([400, 401, 403, 404].includes(r.status), `${v} (${user ?? 'no login'}): ${r.status}`);
          noLeak(r, `${v} (${user ?? 'no login'})`);
        }
      }
    }
  });

  test('ids in the path that look like files or templates: 400 or 404, never a file', async () => {
    const ids = [
      '..%2f..%2ftemplates%2flayout.tpl', '%2e%2e%2f%2e%2e%2ftemplates%2flayout.tpl', '..%252f..%252ftemplates%252flayout.tpl',
      'cus_..%2f..%2fetc%2fpasswd', 'cus_fixture_clean%2f..%2f..%2f..%2fREADME.md', '..%5c..%5ctemplates%5clayout.tpl', 'layout.tpl',
      'cus_layout.tpl', '%00', 'cus_x%00.tpl',
    ];
    for (const id of ids) {
      for (const [who, p] of [['admin', `/customers/${id}`], ['admin', `/customers/${id}/deactivate`], ['admin', `/customers/${id}/retention`],
        ['admin', `/bulk/${id}`], ['admin', `/bulk/run_${id}`], [null, `/v1/customers/${id}`]]) {
        const headers = who ? {} : { Authorization: `Bearer ${KEYS.admin.key}`, 'Tenant-ID': 'northwind' };
        const r = await S.raw('GET', p, { user: who, headers });
        // 401: nginx decoded and resolved the ".." out of /v1/ into a page that needs a login
        assert.ok([400, 404].includes(r.status) || (r.status === 401 && !who), `${p}: ${r.status}`);
        noLeak(r, p);
      }
    }
    for (const p of ['/customers/cus_fixture_clean/../../templates/layout.tpl', '/bulk/../conf/custodian.conf.sample', '/customers/../etc/passwd']) {
      const r = await S.raw('GET', p, { user: 'admin' });
      assert.ok([400, 404].includes(r.status), `${p}: ${r.status}`);
      noLeak(r, p);
    }
  });

  test('template and file names in parameters, forms and cookies: refused or taken as plain text', async () => {
    const bad = [
      '/customers?format=layout.tpl', '/audit?format=..%2f..%2ftemplates%2flayout.tpl', '/audit?format=csv%2f..%2f..%2fREADME.md',
      `/bulk/${NW_RUN}?format=..%2fbulk_run.tpl`, '/customers?sort=..%2ftemplates%2flayout', '/customers?after=..%2f..%2ftemplates%2flayout.tpl',
      '/audit?customer=..%2f..%2fetc%2fpasswd', '/customers/cus_fixture_clean?orders_before=..%2f..',
    ];
    for (const p of bad) {
      const r = await http('admin', 'GET', p);
      assert.equal(r.status, 400, p);
      noLeak(r, p);
    }
    for (const p of ['/customers?q=..%2F..%2Ftemplates%2Flayout.tpl', '/audit?actor=..%2F..%2Fetc%2Fpasswd']) {
      const r = await http('admin', 'GET', p);
      assert.equal(r.status, 200, p);
      noLeak(r, p);
    }
    const api = await http(KEYS.viewer, 'GET', '/v1/customers?sortBy=..%2F..%2Fetc%2Fpasswd');
    assert.equal(api.status, 400);
    noLeak(api, 'sortBy');
    const mode = await http('operator', 'POST', '/bulk/preview', { form: { csrf: tokenFor('operator', 'bulk_preview'), mode: '../../templates/bulk.tpl' } });
    assert.equal(mode.status, 400);
    noLeak(mode, 'mode');
    const lines = await http('operator', 'POST', '/bulk/preview', {
      form: { csrf: tokenFor('operator', 'bulk_preview'), mode: 'paste', lines: '../../templates/layout.tpl\n/etc/passwd\nfile:///etc/passwd' },
    });
    assert.equal(lines.status, 200);
    assert.match(lines.text, /<dd id="n-not-found">3<\/dd>/);
    noLeak(lines, 'lines');
    const cookie = await http('admin', 'GET', '/customers', { cookie: 'flash=../../templates/layout.tpl' });
    assert.equal(cookie.status, 200);
    noLeak(cookie, 'flash cookie');
  });
});

// =================================================================================================
// Headers: last, so that every answer of this file is checked
// =================================================================================================

describe('headers: every answer carries CSP, frame-deny and nosniff; pages no-store; cookies HttpOnly, SameSite=Strict', () => {
  test('one answer of each kind: every status the stack gives, from the app and from nginx', async () => {
    const fresh = customer();
    const blocked = customer({ blocked: true });
    const limited = makeKey('northwind', 'viewer', 1);
    const kinds = [
      [200, 'page', () => http('admin', 'GET', '/customers')],
      [200, 'HEAD', () => http('admin', 'HEAD', `/customers/${fresh.pid}`)],
      [303, 'redirect', () => http('admin', 'GET', '/')],
      [303, 'POST with its flash cookie', () => http('operator', 'POST', `/customers/${fresh.pid}/deactivate`, { form: { csrf: tokenFor('operator', 'deactivate', fresh.pid), reason: 'data_cleanup' } })],
      [200, 'page clearing the flash cookie', () => http('operator', 'GET', `/customers/${fresh.pid}/retention`, { cookie: 'flash=deactivated' })],
      [200, 'audit CSV', () => http('admin', 'GET', `/audit?format=csv&customer=${fresh.pid}`)],
      [200, 'run CSV', () => http('admin', 'GET', `/bulk/${NW_RUN}?format=csv`)],
      [200, 'API JSON', () => http(KEYS.viewer, 'GET', '/v1/customers?limit=1')],
      [200, 'healthz', () => http(null, 'GET', '/healthz')],
      [400, 'page', () => http('admin', 'GET', '/customers?sort=nope')],
      [400, 'API', () => http(KEYS.viewer, 'GET', '/v1/customers?limit=0')],
      [401, 'nginx basic auth', () => http(null, 'GET', '/customers')],
      [401, 'wrong password', () => http(null, 'GET', '/audit', { headers: { authorization: 'Basic ' + Buffer.from('admin:wrong').toString('base64') } })],
      [401, 'API', () => http({ key: 'nope', tenant: 'northwind' }, 'GET', '/v1/customers')],
      [403, 'CSRF', () => http('operator', 'POST', `/customers/${blocked.pid}/deactivate`, { form: { reason: 'data_cleanup' } })],
      [403, 'viewer', () => http('viewer', 'POST', `/customers/${blocked.pid}/deactivate`, { form: { csrf: tokenFor('viewer', 'deactivate', blocked.pid), reason: 'data_cleanup' } })],
      [403, 'API viewer', () => http(KEYS.viewer, 'DELETE', `/v1/customers/${blocked.pid}`)],
      [403, 'API tenant', () => http({ key: KEYS.viewer.key, tenant: 'globex' }, 'GET', '/v1/customers')],
      [404, 'page', () => http('admin', 'GET', '/no/such/page')],
      [404, 'customer', () => http('admin', 'GET', `/customers/cus_nosuch${TAG}`)],
      [404, 'API', () => http(KEYS.viewer, 'GET', '/v1/nothing')],
      [404, 'static', () => http(null, 'GET', '/static/nothing.css')],
      [405, 'page', () => http('admin', 'DELETE', '/customers')],
      [405, 'API', () => http(KEYS.viewer, 'POST', '/v1/customers', { json: {} })],
      [405, 'healthz', () => http(null, 'POST', '/healthz', { form: {} })],
      [409, 'page', () => http('operator', 'POST', `/customers/${blocked.pid}/deactivate`, { form: { csrf: tokenFor('operator', 'deactivate', blocked.pid), reason: 'data_cleanup' } })],
      [409, 'API', () => http(KEYS.operator, 'DELETE', `/v1/customers/${blocked.pid}`)],
      [413, 'app (over 4 MiB)', () => http('operator', 'POST', '/bulk/preview', { body: `csrf=${tokenFor('operator', 'bulk_preview')}&mode=paste&lines=${'a'.repeat(4 * 1024 * 1024)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })],
      [413, 'nginx (over 8 MiB, announced)', () => S.raw('POST', '/bulk/preview', { user: 'operator', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(9 * 1024 * 1024) } })],
      [415, 'page', () => http('operator', 'POST', `/customers/${blocked.pid}/deactivate`, { body: 'reason=data_cleanup', headers: { 'content-type': 'text/plain' } })],
      [415, 'API', () => http(KEYS.operator, 'PUT', `/v1/customers/${blocked.pid}`, { body: '{"status":"active"}', headers: { 'content-type': 'text/plain' } })],
      [400, 'API (VALIDATION_ERROR)', () => http(KEYS.operator, 'PUT', `/v1/customers/${blocked.pid}`, { json: { status: 'active', email: 'x@y.z' } })],
      [429, 'API rate limit', async () => {
        await http({ key: limited.key, tenant: 'northwind' }, 'GET', '/v1/customers?limit=1');
        return http({ key: limited.key, tenant: 'northwind' }, 'GET', '/v1/customers?limit=1');
      }],
      [200, 'static CSS', () => http(null, 'GET', '/static/app.css')],
      [200, 'static JS', () => http(null, 'GET', '/static/app.js')],
      [204, 'favicon', () => http(null, 'GET', '/favicon.ico')],
      [400, 'nginx (bad request line)', () => S.raw('GET', '/customers%00')],
    ];
    kinds.push([200, 'API with a foreign Origin', () => http(KEYS.viewer, 'GET', '/v1/customers?limit=1', { headers: { origin: 'http://evil.example' } })]);
    kinds.push([405, 'API CORS preflight', () => S.raw('OPTIONS', '/v1/customers', { headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'DELETE' } })]);
    for (const [status, what, run] of kinds) {
      const r = await run();
      assert.equal(r.status, status, `${status} ${what}: got ${r.status}`);
      assert.deepEqual(S.headerProblems(r), [], `${status} ${what}`);
      if (!what.startsWith('static')) assert.ok(S.noStore(r), `${status} ${what}: Cache-Control no-store (${r.headers['cache-control']})`);
    }
    say(`headers: ${kinds.length} kinds of answer (statuses ${[...new Set(kinds.map((k) => k[0]))].sort().join(', ')})`);
  });

  test('cookies: the flash cookie of a POST and its clearing are HttpOnly, SameSite=Strict, Path=/', async () => {
    const c = customer();
    const r = await http('operator', 'POST', `/customers/${c.pid}/deactivate`, { form: { csrf: tokenFor('operator', 'deactivate', c.pid), reason: 'data_cleanup' } });
    assert.equal(r.status, 303);
    assert.equal(r.headers['set-cookie'].length, 1);
    assert.match(r.headers['set-cookie'][0], /^flash=deactivated; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    const g = await http('operator', 'GET', r.headers.location, { cookie: 'flash=deactivated' });
    assert.match(g.headers['set-cookie'][0], /^flash=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict$/);
    const cookies = S.RESPONSES.flatMap((x) => x.headers['set-cookie'] || []);
    assert.ok(cookies.length > 10, 'this file saw cookies');
    for (const ck of cookies) assert.match(ck, /; HttpOnly(;|$)/, ck);
  });

  test('every answer this file received carries the headers; no answer holds a secret', () => {
    let pages = 0;
    const problems = [];
    for (const r of S.RESPONSES) {
      for (const p of S.headerProblems(r)) problems.push(`${r.what} -> ${r.status}: ${p}`);
      // nginx's static location: files may be cached, its 404s carry no Cache-Control
      const isStatic = /^(raw )?GET \/static\//.test(r.what);
      if (!isStatic && !S.noStore(r)) problems.push(`${r.what} -> ${r.status}: Cache-Control ${r.headers['cache-control']}`);
      if (r.page) pages++;
      if (r.leak) problems.push(`${r.what}: holds a secret`);
    }
    assert.deepEqual(problems.slice(0, 40), [], `${problems.length} answers without the headers`);
    assert.ok(S.RESPONSES.length > 1000);
    say(`headers: every one of ${S.RESPONSES.length} answers checked (${pages} app pages)`);
  });
});
