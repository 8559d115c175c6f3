// The API keys page (issue 19, part 3; README "API keys"): GET and POST
// /api-keys, GET and POST /api-keys/{id}/revoke. An admin makes a key and
// sees it once (the answer to the POST: never again, never in a URL, the
// app's log or the audit log), with a curl example whose headers work on
// /v1/customers; the list shows the tenant's keys newest first with their
// last use; a revoked key is refused at once; another tenant's key is 404;
// viewers and operators are refused; CSRF; bad input is 400 and changes
// nothing; one audit row per attempt, and no webhook event. custodian-keys
// keeps working, through the same rules, audited as the tool.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import * as L from './apilib.mjs';
import { forgeCsrf, nowSeconds } from './lib.mjs';

const { sql, sqlOne, q } = L;
const KEY = /cust_[A-Za-z0-9_-]{43}/;
const tok = (user, action, subject = '') => forgeCsrf({ user, action, subject, expiry: nowSeconds() + 600 });
const rid = (r) => r.headers.get('x-request-id');
const audit = (r) => sql(`SELECT actor, action, subject, outcome, customer_id, channel FROM audit_log WHERE request_id = ${q(rid(r))} ORDER BY id`);
const keyCount = () => Number(sqlOne('SELECT COUNT(*) FROM api_keys'));
const keyRow = (id) => {
  const [x] = sql(`SELECT tenant_id, role, label, key_prefix, HEX(key_hash), rate_limit, revoked_at IS NOT NULL, last_used_at, created_by FROM api_keys WHERE id = ${Number(id)}`);
  return x && { tenant: x[0], role: x[1], label: x[2], prefix: x[3], hash: x[4].toLowerCase(), rate: x[5], revoked: x[6] === '1', lastUsed: x[7], createdBy: x[8] };
};
const sha256 = (s) => createHash('sha256').update(s).digest('hex');

/** POST /api-keys as user with its own token (form.csrf wins). */
const postCreate = (form, user = 'admin') => L.page('/api-keys', { user, form: { csrf: tok(user, 'api_key_create'), ...form } });

/** A key made through the page: { id, key, label, res }. */
async function create({ user = 'admin', label = `keys-${L.uid()}`, role = 'viewer', rate } = {}) {
  const res = await postCreate({ label, role, ...(rate !== undefined ? { rate_limit: String(rate) } : {}) }, user);
  assert.equal(res.status, 200, `create: ${res.status} ${JSON.stringify(L.errorOf(res.text))}`);
  const key = /<input id="api-key"[^>]* value="([^"]+)"/.exec(res.text)?.[1];
  assert.match(key ?? '', new RegExp(`^${KEY.source}$`), 'the answer shows the key');
  const id = /Key \(#(\d+), role/.exec(res.text)?.[1];
  assert.ok(id, 'the answer names the key\'s id');
  return { id, key, label, res };
}
const revokeUrl = (id) => `/api-keys/${id}/revoke`;
const postRevoke = (id, user = 'admin', form = { csrf: tok(user, 'api_key_revoke', String(id)) }) => L.page(revokeUrl(id), { user, form });
/** The list's row of key id: its text, or undefined. */
function listRow(html, id) {
  const m = new RegExp(`<tr id="key-${id}" data-state="([a-z]+)">([\\s\\S]*?)</tr>`).exec(html);
  return m && { state: m[1], text: L.textOf(m[2]), html: m[2] };
}
const call = (key, tenant = 'northwind') => L.api('/v1/customers?limit=5', { key, tenant });

describe('creating a key', () => {
  test('the answer shows the key once, with a curl example whose headers work; only its SHA-256 is stored; audited; no event', async () => {
    const label = `billing sync ${L.uid()}`;
    const { id, key, res } = await create({ label, role: 'operator', rate: 100000 });
    assert.match(res.headers.get('cache-control') ?? '', /no-store/, 'not kept by any cache');
    // the curl example: the key, the tenant, this very host
    const host = new URL(L.BASE_URL).host;
    const curl = L.decodeEntities(/<textarea id="curl-example"[^>]*>([^<]*)<\/textarea>/.exec(res.text)?.[1] ?? '');
    assert.equal(curl, `curl -H "Authorization: Bearer ${key}" -H "Tenant-ID: northwind" http://${host}/v1/customers?limit=5`);
    // run it as it says (its headers and its address)
    const [, auth, tenant, url] = /^curl -H "Authorization: ([^"]+)" -H "Tenant-ID: ([^"]+)" (\S+)$/.exec(curl);
    const r = await fetch(url, { headers: { Authorization: auth, 'Tenant-ID': tenant } });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).customers.length, 5);
    // stored: hash and prefix only, the admin as its maker
    const row = keyRow(id);
    assert.deepEqual({ ...row, lastUsed: undefined }, { tenant: '1', role: 'operator', label, prefix: key.slice(0, 12), hash: sha256(key), rate: '100000', revoked: false, lastUsed: undefined, createdBy: 'admin' });
    assert.equal(Number(sqlOne(`SELECT COUNT(*) FROM api_keys WHERE key_prefix = ${q(key)} OR label = ${q(key)}`)), 0);
    // one audit row, no customer, no webhook event
    assert.deepEqual(audit(res), [['admin', 'api_key_create', `key ${id} (${label})`, 'ok', null, 'page']]);
    const auditId = sqlOne(`SELECT id FROM audit_log WHERE request_id = ${q(rid(res))}`);
    assert.equal(sqlOne(`SELECT COUNT(*) FROM outbox_events WHERE audit_id = ${auditId}`), '0', 'no outbox event for a key');
    // the key is nowhere else: not on the list, not in any URL of the answer
    const list = await L.page('/api-keys');
    assert.ok(!list.text.includes(key), 'the list does not show the key');
    assert.ok(![...res.text.matchAll(/(?:href|action|src)="([^"]*)"/g)].some((m) => m[1].includes(key)), 'no URL holds the key');
    assert.ok(res.headers.get('location') === null, 'no redirect that could carry it');
  });

  test('the list: the tenant\'s keys newest first, label, role, prefix, maker, state and rate, never the key', async () => {
    const a = await create({ role: 'admin' });
    const b = await create({ role: 'viewer', rate: 42 });
    const res = await L.page('/api-keys');
    assert.equal(res.status, 200);
    const ids = [...res.text.matchAll(/<tr id="key-(\d+)"/g)].map((m) => Number(m[1]));
    assert.deepEqual(ids, [...ids].sort((x, y) => y - x), 'newest first');
    assert.ok(ids.indexOf(Number(b.id)) < ids.indexOf(Number(a.id)));
    const rb = listRow(res.text, b.id);
    assert.equal(rb.state, 'active');
    assert.match(rb.text, new RegExp(`^${b.label} #${b.id} viewer ${b.key.slice(0, 12)}… \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC by admin never active 42 Revoke…$`));
    assert.match(listRow(res.text, a.id).text, /admin .* never active default \(600\) Revoke…$/);
    for (const k of [a, b]) assert.ok(!res.text.includes(k.key), 'no key on the list');
    // only tenant 1's keys
    const tenantIds = sql('SELECT id FROM api_keys WHERE tenant_id = 1 ORDER BY id DESC').map((x) => Number(x[0]));
    assert.deepEqual(ids, tenantIds);
  });

  test('a label of 100 characters of UTF-8 is taken as typed; the page escapes it', async () => {
    const label = `<b>"x"</b> & ü€😀 ${'é'.repeat(80)}`.slice(0, 100);
    const { id, res } = await create({ label });
    assert.equal(keyRow(id).label, label);
    assert.ok(!res.text.includes('<b>"x"</b>'), 'escaped on the answer');
    const list = await L.page('/api-keys');
    assert.ok(!list.text.includes('<b>"x"</b>'), 'escaped on the list');
    assert.ok(L.textOf(listRow(list.text, id).html).startsWith(label));
  });

  test('bad label, role or rate limit: 400 naming the field, nothing made', async () => {
    const before = keyCount();
    const cases = [
      [{ role: 'viewer' }, /label: is required/],
      [{ label: '', role: 'viewer' }, /label: is required/],
      [{ label: 'x'.repeat(101), role: 'viewer' }, /label: is too long/],
      [{ label: 'tab\there', role: 'viewer' }, /label: contains control characters/],
      [{ label: '   ', role: 'viewer' }, /label: give the key a name/],
      [{ label: 'no role' }, /role: is required/],
      [{ label: 'bad role', role: 'root' }, /role: is not one of the allowed values/],
      [{ label: 'bad role', role: 'ROLE_ADMIN' }, /role: is not one of the allowed values/],
      [{ label: 'rate 0', role: 'viewer', rate_limit: '0' }, /rate_limit: is out of range/],
      [{ label: 'rate big', role: 'viewer', rate_limit: '1000001' }, /rate_limit: is out of range/],
      [{ label: 'rate text', role: 'viewer', rate_limit: 'ten' }, /rate_limit: is not a number/],
      [{ label: 'rate neg', role: 'viewer', rate_limit: '-5' }, /rate_limit: is not a number/],
    ];
    for (const [form, message] of cases) {
      const r = await postCreate(form);
      assert.equal(r.status, 400, `${JSON.stringify(form)}: ${r.status}`);
      assert.match(L.textOf(r.text), message, JSON.stringify(form));
    }
    assert.equal(keyCount(), before, 'nothing made');
    // the rule's own refusal (the label of spaces) is audited
    const r = await postCreate({ label: '   ', role: 'viewer' });
    assert.deepEqual(audit(r), [['admin', 'api_key_create', 'new key', 'INVALID_LABEL', null, 'page']]);
  });
});

describe('using and revoking a key', () => {
  test('a call shows on the page as the key\'s last use, to the minute (with a rate limit, and without one)', async () => {
    for (const rate of [100000, 0]) {
      const { id, key } = await create({ rate: rate || undefined });
      if (rate === 0) sql(`UPDATE api_keys SET rate_limit = 0 WHERE id = ${id}`); // 0: no limit at all
      assert.match(listRow((await L.page('/api-keys')).text, id).text, / never active /, 'never used yet');
      assert.equal(keyRow(id).lastUsed, null);
      assert.equal((await call(key)).status, 200);
      const used = keyRow(id).lastUsed;
      assert.ok(used, `rate ${rate}: last_used_at written`);
      assert.ok(Math.abs(Date.parse(`${used.replace(' ', 'T')}Z`) - Date.now()) < 120_000, `rate ${rate}: now`);
      const row = listRow((await L.page('/api-keys')).text, id).text;
      assert.ok(row.includes(`${used.slice(0, 16)} UTC active`), `rate ${rate}: shown on the list: ${row}`);
    }
  });

  test('revoke: a confirmation, then 303 to the list; the key gets 401 at once; audited; a second revocation changes nothing', async () => {
    const { id, key, label } = await create({ role: 'admin', rate: 100000 });
    assert.equal((await call(key)).status, 200);
    const form = await L.page(revokeUrl(id));
    assert.equal(form.status, 200);
    assert.match(L.textOf(form.text), new RegExp(`Revoke the API key “?${label}”?`));
    assert.ok(form.text.includes(`action="/api-keys/${id}/revoke"`));
    assert.ok(!form.text.includes(key));
    // the page's own token works
    const csrf = L.hiddenFields(form.text, `/api-keys/${id}/revoke`).csrf;
    assert.ok(csrf, 'the form carries its token');
    const res = await L.page(revokeUrl(id), { form: { csrf } });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/api-keys');
    assert.equal(keyRow(id).revoked, true);
    assert.deepEqual(audit(res), [['admin', 'api_key_revoke', `key ${id} (${label})`, 'ok', null, 'page']]);
    // at once, on every call
    for (let i = 0; i < 4; i++) {
      const r = await call(key);
      assert.equal(r.status, 401);
      assert.equal(r.json.error.code, 'INVALID_TOKEN');
    }
    const list = await L.page('/api-keys', { cookie: 'flash=api_key_revoked' });
    const row = listRow(list.text, id);
    assert.equal(row.state, 'revoked');
    assert.match(row.text, /revoked \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    assert.ok(!row.html.includes('/revoke'), 'no revoke button for a revoked key');
    assert.match(L.textOf(list.text), /The API key is revoked/);
    // again: nothing changes, and it says so
    const again = await postRevoke(id);
    assert.equal(again.status, 303);
    assert.match(again.headers.getSetCookie().join(';'), /flash=api_key_already_revoked/);
    assert.deepEqual(audit(again), [['admin', 'api_key_revoke', `key ${id} (${label})`, 'ALREADY_REVOKED', null, 'page']]);
    const page2 = await L.page(revokeUrl(id));
    assert.match(L.textOf(page2.text), /This key was revoked on/);
    assert.ok(!page2.text.includes('<form class="panel" method="post"'), 'no form for a revoked key');
  });

  test('another tenant\'s key is 404 to see or revoke, as a missing one; it is not listed and stays valid', async () => {
    const other = L.createKey({ tenant: 'globex', role: 'admin', label: `keys-globex-${L.uid()}`, rateLimit: 100000 });
    const missing = Number(sqlOne('SELECT MAX(id) FROM api_keys')) + 1000;
    for (const id of [other.id, missing]) {
      const g = await L.page(revokeUrl(id));
      assert.equal(g.status, 404, `GET ${id}`);
      const p = await postRevoke(id);
      assert.equal(p.status, 404, `POST ${id}`);
      assert.equal(L.errorOf(p.text).code, 'NOT_FOUND');
      assert.deepEqual(audit(p), [['admin', 'api_key_revoke', `key ${id}`, 'NOT_FOUND', null, 'page']]);
    }
    assert.equal(keyRow(other.id).revoked, false);
    assert.equal((await call(other.key, 'globex')).status, 200);
    assert.ok(!(await L.page('/api-keys')).text.includes(`key-${other.id}"`), 'not on northwind\'s list');
    // and globex's admin sees it, not northwind's
    const g = await L.page('/api-keys', { user: 'globex' });
    assert.ok(g.text.includes(`id="key-${other.id}"`));
    assert.deepEqual([...g.text.matchAll(/<tr id="key-(\d+)"/g)].map((m) => m[1]), sql('SELECT id FROM api_keys WHERE tenant_id = 2 ORDER BY id DESC').map((x) => x[0]));
    // malformed ids: 400
    for (const bad of ['0', '01', 'abc', '12a', '99999999999999999999']) {
      const r = await L.page(revokeUrl(bad));
      assert.equal(r.status, 400, `id ${bad}`);
    }
  });
});

describe('who may', () => {
  test('viewers and operators: 403 on the page and on every write, audited, nothing changes; no nav link', async () => {
    const { id } = await create({ rate: 100000 });
    const before = keyCount();
    for (const user of ['viewer', 'operator']) {
      assert.equal((await L.page('/api-keys', { user })).status, 403, `${user}: list`);
      assert.equal((await L.page(revokeUrl(id), { user })).status, 403, `${user}: confirmation`);
      const c = await postCreate({ label: `by ${user}`, role: 'admin' }, user);
      assert.equal(c.status, 403);
      assert.equal(L.errorOf(c.text).code, 'FORBIDDEN');
      assert.deepEqual(audit(c), [[user, 'api_key_create', 'new key', 'FORBIDDEN', null, 'page']]);
      const r = await postRevoke(id, user);
      assert.equal(r.status, 403);
      assert.deepEqual(audit(r), [[user, 'api_key_revoke', `key ${id}`, 'FORBIDDEN', null, 'page']]);
      const home = await L.page('/customers', { user });
      assert.ok(!home.text.includes('href="/api-keys"'), `${user}: no nav link`);
    }
    assert.equal(keyCount(), before);
    assert.equal(keyRow(id).revoked, false);
    const home = await L.page('/customers');
    assert.match(home.text, /<li><a href="\/api-keys" >API keys<\/a><\/li>/, 'the admin\'s nav link');
    assert.match((await L.page('/api-keys')).text, /<a href="\/api-keys" aria-current="page">API keys<\/a>/);
  });

  test('missing, forged or another action\'s CSRF token: 403, nothing changes, audited', async () => {
    const { id } = await create({ rate: 100000 });
    const before = keyCount();
    const tokens = [
      [undefined, 'CSRF_MISSING'],
      [forgeCsrf({ user: 'operator', action: 'api_key_create', subject: '', expiry: nowSeconds() + 600 }), 'CSRF_INVALID'],
      [tok('admin', 'webhook_create'), 'CSRF_INVALID'],
      [forgeCsrf({ user: 'admin', action: 'api_key_create', subject: '', expiry: nowSeconds() - 60 }), 'CSRF_EXPIRED'],
    ];
    for (const [csrf, code] of tokens) {
      const c = await L.page('/api-keys', { form: { label: 'csrf', role: 'admin', ...(csrf ? { csrf } : {}) } });
      assert.equal(c.status, 403, code);
      assert.equal(L.errorOf(c.text).code, code);
      assert.deepEqual(audit(c), [['admin', 'api_key_create', 'new key', code, null, 'page']]);
    }
    for (const [csrf, code] of [[undefined, 'CSRF_MISSING'], [tok('admin', 'api_key_revoke', String(Number(id) + 1)), 'CSRF_INVALID'], [tok('admin', 'api_key_create'), 'CSRF_INVALID']]) {
      const r = await L.page(revokeUrl(id), { form: csrf ? { csrf } : { x: '1' } });
      assert.equal(r.status, 403, code);
      assert.equal(L.errorOf(r.text).code, code);
      assert.deepEqual(audit(r), [['admin', 'api_key_revoke', `key ${id}`, code, null, 'page']]);
    }
    assert.equal(keyCount(), before);
    assert.equal(keyRow(id).revoked, false);
  });
});

describe('the key stays secret, the tool keeps working', () => {
  test('no key made on the page is in the app\'s log or the audit log', async () => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await create({ rate: 100000 })).key);
    await call(made[0]);
    const logDir = process.env.LOG_DIR;
    assert.ok(logDir, 'LOG_DIR is set');
    const logs = readdirSync(logDir).filter((f) => /\.log$/.test(f)).map((f) => readFileSync(path.join(logDir, f), 'utf8')).join('\n');
    assert.ok(logs.length > 0, 'there are logs');
    for (const key of made) {
      assert.ok(!logs.includes(key), 'not in any log under LOG_DIR');
      assert.ok(!logs.includes(key.slice(5)), 'nor its random part');
      assert.equal(sqlOne(`SELECT COUNT(*) FROM audit_log WHERE subject LIKE ${q(`%${key.slice(5, 20)}%`)} OR note LIKE ${q(`%${key.slice(5, 20)}%`)} OR actor LIKE ${q(`%${key.slice(5, 20)}%`)}`), '0');
    }
  });

  test('custodian-keys: create, list and revoke still work, through the same rules, audited as the tool', async () => {
    const label = `keys-cli-${L.uid()}`;
    const k = L.createKey({ role: 'viewer', label, rateLimit: 100000 });
    assert.match(k.key, new RegExp(`^${KEY.source}$`));
    const row = keyRow(k.id);
    assert.equal(row.hash, sha256(k.key));
    assert.match(row.createdBy, /^custodian-keys:\S+$/);
    const [[actor, action, subject, outcome, customer]] = sql(`SELECT actor, action, subject, outcome, customer_id FROM audit_log WHERE action = 'api_key_create' AND subject = ${q(`key ${k.id} (${label})`)}`);
    assert.deepEqual([actor, action, outcome, customer], [row.createdBy, 'api_key_create', 'ok', null]);
    assert.equal(subject, `key ${k.id} (${label})`);
    assert.equal((await call(k.key)).status, 200);
    const bin = path.join(L.BUILD, 'custodian-keys');
    const conf = ['--config', path.join(L.CONF_DIR, 'custodian.conf')];
    const list = spawnSync(bin, [...conf, 'list'], { encoding: 'utf8' });
    assert.equal(list.status, 0);
    const line = list.stdout.split('\n').find((l) => l.startsWith(`${k.id} `));
    assert.ok(line && line.includes(label) && line.includes(k.key.slice(0, 12)) && !line.includes(k.key), 'listed, without the key');
    assert.match(line, /last used|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    // refused by the same rules
    const bad = spawnSync(bin, [...conf, 'create', '--tenant', 'northwind', '--role', 'root', '--label', 'x'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /role: choose viewer, operator or admin/);
    const spaces = spawnSync(bin, [...conf, 'create', '--tenant', 'northwind', '--role', 'viewer', '--label', '  '], { encoding: 'utf8' });
    assert.equal(spaces.status, 2);
    const nobody = spawnSync(bin, [...conf, 'create', '--tenant', 'nosuch', '--role', 'viewer', '--label', 'x'], { encoding: 'utf8' });
    assert.equal(nobody.status, 1);
    assert.match(nobody.stderr, /no tenant 'nosuch'/);
    // revoke: at once, audited under the key's tenant
    L.revokeKey(k.id);
    assert.equal((await call(k.key)).status, 401);
    assert.deepEqual(sql(`SELECT actor, tenant_id, outcome FROM audit_log WHERE action = 'api_key_revoke' AND subject = ${q(`key ${k.id} (${label})`)}`), [[row.createdBy, '1', 'ok']]);
    const twice = spawnSync(bin, [...conf, 'revoke', String(k.id)], { encoding: 'utf8' });
    assert.equal(twice.status, 1);
    assert.match(twice.stderr, /no active key/);
  });

  test('the audit page filters by the two actions', async () => {
    await create({ rate: 100000 });
    const r = await L.page('/audit?action=api_key_create');
    assert.equal(r.status, 200);
    assert.match(r.text, /<option value="api_key_create" selected>API key created<\/option>/);
    assert.match(r.text, /<option value="api_key_revoke"\s*>API key revoked<\/option>/);
    assert.match(L.textOf(r.text), /api_key_create/);
  });
});
