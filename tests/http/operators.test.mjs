// The Operators page (issue 19, part 3; README "Operators"): GET and POST
// /operators, POST /operators/{login}/role, /disable and /enable, for admins
// only. An admin adds an operator of their tenant, changes a role, disables
// one (who is then refused on every page within the cache's documented
// bound, OPERATOR_CACHE_TTL + 1 s) and enables them again; the last enabled
// admin of a tenant cannot demote or disable themselves, even when two
// admins disable each other at once; another tenant's operators are
// invisible and untouchable, and another tenant's login cannot be added;
// viewers and operators get 403; a missing or wrong CSRF token is refused
// and audited; bad input is 400 and changes nothing; every attempt has its
// audit row (no customer, no webhook event).
//
// New logins are also written to nginx's htpasswd (nginx reads it on every
// request), since the edge still authenticates every login. The last-admin
// cases use a tenant of their own, so that the demo's admin is never
// demoted or disabled.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  CONF_DIR, PASSWORD, errorCode, flashCookie, forgeCsrf, get, lit, mainOf, nowSeconds, post, sql, sqlValue, textOf, uid,
} from './lib.mjs';

/** OPERATOR_CACHE_TTL in src/domain/access.h: the bound the README documents. */
const TTL_S = 5;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tok = (user, action, subject = '') => forgeCsrf({ user, action, subject, expiry: nowSeconds() + 600 });
const rid = (r) => r.headers.get('x-request-id');
const flash = (r) => flashCookie(r)?.code ?? null;

/** Makes login known to nginx (basic auth, the demo password). */
function addLogin(login) {
  const h = spawnSync('openssl', ['passwd', '-apr1', PASSWORD], { encoding: 'utf8' });
  assert.equal(h.status, 0, h.stderr);
  appendFileSync(join(CONF_DIR, 'htpasswd'), `${login}:${h.stdout.trim()}\n`);
}

/** The operator's row: { tenant, role, display, disabledAt, disabledBy, createdBy, enabledAt } or null. */
function row(login) {
  const [x] = sql(`SELECT tenant_id, role, display_name, disabled_at, disabled_by, created_by, enabled_at
                     FROM operators WHERE username = ${lit(login)}`);
  return x ? { tenant: Number(x[0]), role: x[1], display: x[2], disabledAt: x[3], disabledBy: x[4], createdBy: x[5], enabledAt: x[6] } : null;
}
/** All operators, for "nothing changed". */
const everyone = () => sql('SELECT username, tenant_id, role, display_name, disabled_at, disabled_by FROM operators ORDER BY username');
const auditOf = (r) => sql(`SELECT actor, tenant_id, customer_id, subject, action, channel, outcome FROM audit_log WHERE request_id = ${lit(rid(r))} ORDER BY id`);
const eventsOf = (r) => Number(sqlValue(`SELECT COUNT(*) FROM outbox_events v JOIN audit_log l ON l.id = v.audit_id WHERE l.request_id = ${lit(rid(r))}`));

/** POST /operators (add) as user, with its token unless form.csrf says otherwise. */
function add(user, form) {
  return post(user, '/operators', { csrf: tok(user, 'operator_add'), role: 'viewer', ...form });
}
/** POST /operators/{login}/{what} as user with its token. */
function change(user, login, what, form = {}) {
  return post(user, `/operators/${login}/${what}`, { csrf: tok(user, `operator_${what}`, login), ...form });
}

/** A login of tenant 1 added through the page (and to htpasswd): its name. */
async function added(role = 'viewer', display = 'Test Operator') {
  const login = `t${uid(4)}`;
  addLogin(login);
  const r = await add('admin', { username: login, display_name: display, role });
  assert.equal(r.status, 303, `add ${login}: ${r.status} ${errorCode(r.text)}`);
  return login;
}

/** Waits until every one of n concurrent GETs of path by login answers want (at most ms). */
async function allAnswer(login, want, { n = 24, ms = (TTL_S + 1) * 1000, paths = ['/customers', '/audit', '/customers/cus_fixture_clean', '/retention'] } = {}) {
  const until = Date.now() + ms;
  let statuses;
  for (;;) {
    statuses = await Promise.all(Array.from({ length: n }, (_, i) => get(login, paths[i % paths.length]).then((r) => r.status)));
    if (statuses.every((s) => s === want) || Date.now() > until) return statuses;
    await sleep(200);
  }
}

describe('the page', () => {
  test('an admin sees the tenant\'s operators and the forms; the nav links it for admins only', async () => {
    const r = await get('admin', '/operators');
    assert.equal(r.status, 200);
    const main = mainOf(r.text);
    for (const login of ['admin', 'operator', 'viewer']) assert.match(main, new RegExp(`data-username="${login}"`), login);
    assert.doesNotMatch(main, /data-username="globex"/, 'another tenant\'s operator is not listed');
    assert.match(main, /<form class="panel" method="post" action="\/operators"/, 'the add form');
    assert.match(main, /action="\/operators\/viewer\/role"/);
    assert.match(main, /action="\/operators\/viewer\/disable"/);
    assert.match(r.text, /<a href="\/operators" aria-current="page">Operators<\/a>/);
    assert.match(main, /within 5 seconds/, 'the page says the bound');
    assert.match((await get('admin', '/customers')).text, /<a href="\/operators" ?>Operators<\/a>/, 'admins get the link everywhere');
    for (const user of ['operator', 'viewer']) assert.doesNotMatch((await get(user, '/customers')).text, /href="\/operators"/, `${user}: no link`);
  });

  test('globex sees only Globex\'s operators', async () => {
    const main = mainOf((await get('globex', '/operators')).text);
    assert.match(main, /data-username="globex"/);
    for (const login of ['admin', 'operator', 'viewer']) assert.doesNotMatch(main, new RegExp(`data-username="${login}"`));
  });

  test('a hostile display name is shown escaped', async () => {
    const p = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
    const login = await added('viewer', p);
    const main = mainOf((await get('admin', '/operators')).text);
    assert.ok(!main.includes(p), 'not as markup');
    assert.match(main, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;&gt;&lt;img src=x onerror=alert\(2\)&gt;/);
    assert.equal(row(login).display, p, 'stored as typed');
  });
});

describe('add, change the role, disable, enable again', () => {
  test('an added operator signs in with their role; the audit row has no customer and no webhook event', async () => {
    const login = `t${uid(4)}`;
    addLogin(login);
    assert.equal((await get(login, '/customers')).status, 403, 'not an operator yet');
    const r = await add('admin', { username: login, display_name: 'Nina New', role: 'viewer' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/operators');
    assert.equal(flash(r), 'operator_added');
    const x = row(login);
    assert.deepEqual([x.tenant, x.role, x.display, x.disabledAt, x.createdBy], [1, 'viewer', 'Nina New', null, 'admin']);
    assert.deepEqual(auditOf(r), [['admin', '1', null, login, 'operator_add', 'page', 'ok']]);
    assert.equal(eventsOf(r), 0, 'no customer event');
    assert.equal((await get(login, '/customers')).status, 200, 'they read');
    const form = await post(login, '/customers/cus_fixture_clean/deactivate', { csrf: tok(login, 'deactivate', 'cus_fixture_clean'), reason: 'data_cleanup' });
    assert.equal(form.status, 403, 'a viewer changes nothing');
    const listed = textOf(mainOf((await get('admin', '/operators')).text));
    assert.match(listed, new RegExp(`${login} Nina New`));
  });

  test('a role change applies within the bound; the same role again is NO_CHANGE', async () => {
    const login = await added('viewer');
    assert.equal((await get(login, '/customers/cus_fixture_clean/edit')).status, 403, 'a viewer has no edit form');
    const r = await change('admin', login, 'role', { role: 'operator' });
    assert.equal(r.status, 303, errorCode(r.text));
    assert.equal(flash(r), 'operator_role');
    assert.equal(row(login).role, 'operator');
    assert.deepEqual(auditOf(r).map((x) => x.slice(3)), [[login, 'operator_role', 'page', 'ok']]);
    assert.equal(sqlValue(`SELECT note FROM audit_log WHERE request_id = ${lit(rid(r))}`), 'viewer -> operator');
    assert.equal(eventsOf(r), 0);
    const st = await allAnswer(login, 200, { paths: ['/customers/cus_fixture_clean/edit'] });
    assert.ok(st.every((s) => s === 200), `the operator's role within ${TTL_S + 1} s: ${st}`);
    const same = await change('admin', login, 'role', { role: 'operator' });
    assert.equal(same.status, 303);
    assert.equal(flash(same), 'operator_role_unchanged');
    assert.deepEqual(auditOf(same).map((x) => x.slice(4)), [['operator_role', 'page', 'NO_CHANGE']]);
  });

  test(`a disabled operator gets 403 on every request within ${TTL_S + 1} s, on every worker; enabled again, they are back`, async () => {
    const login = await added('operator');
    // every worker reads and caches the login first
    const warm = await allAnswer(login, 200);
    assert.ok(warm.every((s) => s === 200), `warm: ${warm}`);
    const r = await change('admin', login, 'disable');
    const at = Date.now();
    assert.equal(r.status, 303, errorCode(r.text));
    assert.equal(flash(r), 'operator_disabled');
    const x = row(login);
    assert.ok(x.disabledAt, 'disabled_at set');
    assert.equal(x.disabledBy, 'admin');
    assert.deepEqual(auditOf(r), [['admin', '1', null, login, 'operator_disable', 'page', 'ok']]);
    assert.equal(eventsOf(r), 0);
    await sleep(Math.max(0, (TTL_S + 1) * 1000 - (Date.now() - at)));
    const paths = ['/customers', '/audit', '/customers/cus_fixture_clean', '/retention', '/closures', '/bulk', '/webhooks', '/nothing-here'];
    const after = await Promise.all(Array.from({ length: 48 }, (_, i) => get(login, paths[i % paths.length])));
    assert.deepEqual([...new Set(after.map((a) => a.status))], [403], `every request ${TTL_S + 1} s after the disable: ${after.map((a) => a.status)}`);
    assert.ok(after.every((a) => errorCode(a.text) === 'FORBIDDEN'));
    const write = await post(login, '/customers/cus_fixture_clean/notes', { csrf: tok(login, 'note', 'cus_fixture_clean'), kind: 'phone', date: '2025-01-31', summary: 'x' });
    assert.equal(write.status, 403, 'and no write');
    // the list says so
    const listed = mainOf((await get('admin', '/operators')).text);
    assert.match(listed, new RegExp(`data-username="${login}"[\\s\\S]*?badge-inactive">disabled</span> <span class="sub">since [^<]*, by admin`));
    assert.match(listed, new RegExp(`action="/operators/${login}/enable"`));
    // twice: refused, audited
    const again = await change('admin', login, 'disable');
    assert.equal(again.status, 409);
    assert.equal(errorCode(again.text), 'ALREADY_DISABLED');
    assert.deepEqual(auditOf(again).map((y) => y.slice(4)), [['operator_disable', 'page', 'ALREADY_DISABLED']]);
    // enabled again
    const en = await change('admin', login, 'enable');
    assert.equal(en.status, 303, errorCode(en.text));
    assert.equal(flash(en), 'operator_enabled');
    assert.equal(row(login).disabledAt, null);
    assert.ok(row(login).enabledAt);
    assert.deepEqual(auditOf(en).map((y) => y.slice(3)), [[login, 'operator_enable', 'page', 'ok']]);
    const back = await allAnswer(login, 200);
    assert.ok(back.every((s) => s === 200), `enabled again: ${back}`);
    const twice = await change('admin', login, 'enable');
    assert.equal(errorCode(twice.text), 'ALREADY_ENABLED');
  });

  test('an admin who disables themselves (not the last admin) is refused at once by their own worker', async () => {
    const login = await added('admin');
    assert.equal((await get(login, '/operators')).status, 200);
    const r = await change(login, login, 'disable');
    assert.equal(r.status, 303, errorCode(r.text));
    assert.ok(row(login).disabledAt);
    // the acting worker forgot the login: a request on it is refused; the others within the bound
    const st = await allAnswer(login, 403);
    assert.ok(st.every((s) => s === 403), `${st}`);
  });
});

describe('the last admin', () => {
  const T = 900 + Math.floor(Math.random() * 90);
  const A = `la${uid(3)}`;
  const B = `lb${uid(3)}`;
  const OP = `lo${uid(3)}`;
  before(() => {
    sql(`INSERT INTO tenants (id, slug, name, currency) VALUES (${T}, ${lit(`t${T}`)}, ${lit(`Test tenant ${T}`)}, 'EUR')`);
    sql(`INSERT INTO operators (username, tenant_id, role, display_name) VALUES (${lit(A)}, ${T}, 'admin', 'Alone Admin'), (${lit(OP)}, ${T}, 'operator', 'Otto')`);
    for (const l of [A, B, OP]) addLogin(l);
  });
  after(() => {
    // the tenant's operators stay (nothing may delete them), disabled
    sql(`UPDATE operators SET disabled_at = UTC_TIMESTAMP(), disabled_by = 'tests' WHERE tenant_id = ${T} AND disabled_at IS NULL`);
  });

  test('the only enabled admin cannot demote or disable themselves (409 LAST_ADMIN, nothing changed, audited)', async () => {
    const before0 = everyone();
    for (const [what, form] of [['role', { role: 'operator' }], ['role', { role: 'viewer' }], ['disable', {}]]) {
      const r = await change(A, A, what, form);
      assert.equal(r.status, 409, `${what} ${JSON.stringify(form)}: ${r.status}`);
      assert.equal(errorCode(r.text), 'LAST_ADMIN');
      assert.match(textOf(r.text), /only enabled admin/);
      assert.deepEqual(auditOf(r), [[A, String(T), null, A, `operator_${what}`, 'page', 'LAST_ADMIN']]);
    }
    assert.deepEqual(everyone(), before0, 'nothing changed');
    // a disabled admin does not count
    sql(`INSERT INTO operators (username, tenant_id, role, display_name, disabled_at, disabled_by) VALUES (${lit(B)}, ${T}, 'admin', 'Bea', UTC_TIMESTAMP(), 'tests')`);
    const r = await change(A, A, 'disable');
    assert.equal(errorCode(r.text), 'LAST_ADMIN', 'a disabled second admin is no admin');
    // with a second enabled admin, the first may step down; then the second is the last
    assert.equal((await change(A, B, 'enable')).status, 303);
    const down = await change(A, A, 'role', { role: 'operator' });
    assert.equal(down.status, 303, errorCode(down.text));
    assert.equal(row(A).role, 'operator');
    const last = await change(B, B, 'disable');
    assert.equal(errorCode(last.text), 'LAST_ADMIN');
    assert.equal((await change(B, A, 'role', { role: 'admin' })).status, 303);
  });

  test('two admins disabling each other at once: one wins, one enabled admin is left (20 rounds)', async () => {
    let wins = 0;
    for (let round = 0; round < 20; round++) {
      sql(`UPDATE operators SET role = 'admin', disabled_at = NULL, disabled_by = NULL WHERE username IN (${lit(A)}, ${lit(B)})`);
      await sleep(round === 0 ? (TTL_S + 1) * 1000 : 50); // every worker sees both as enabled admins again
      const [ab, ba] = await Promise.all([change(A, B, round % 2 ? 'disable' : 'role', { role: 'viewer' }), change(B, A, 'disable')]);
      const enabledAdmins = Number(sqlValue(`SELECT COUNT(*) FROM operators WHERE tenant_id = ${T} AND role = 'admin' AND disabled_at IS NULL`));
      assert.equal(enabledAdmins, 1, `round ${round}: ${ab.status} ${errorCode(ab.text)}, ${ba.status} ${errorCode(ba.text)}`);
      const ok = [ab, ba].filter((x) => x.status === 303).length;
      assert.equal(ok, 1, `round ${round}: exactly one change (${ab.status} ${errorCode(ab.text)}, ${ba.status} ${errorCode(ba.text)})`);
      for (const x of [ab, ba].filter((y) => y.status !== 303)) assert.ok(['NOT_ADMIN', 'FORBIDDEN', 'LAST_ADMIN'].includes(errorCode(x.text)), errorCode(x.text));
      wins += ok;
    }
    assert.equal(wins, 20);
  });
});

describe('tenants', () => {
  test('another tenant\'s operator cannot be changed: 404, nothing changed, audited under the admin\'s tenant', async () => {
    const before0 = everyone();
    for (const [what, form] of [['role', { role: 'admin' }], ['disable', {}], ['enable', {}]]) {
      const r = await change('globex', 'viewer', what, form);
      assert.equal(r.status, 404, `${what}: ${r.status}`);
      assert.equal(errorCode(r.text), 'NOT_FOUND');
      assert.deepEqual(auditOf(r), [['globex', '2', null, 'viewer', `operator_${what}`, 'page', 'NOT_FOUND']]);
    }
    const none = await change('globex', `nobody${uid(3)}`, 'disable');
    assert.equal(none.status, 404, 'the same answer as a login nobody has');
    assert.deepEqual(everyone(), before0);
  });

  test('a login of another tenant cannot be added: LOGIN_TAKEN, saying nothing more; one of the tenant: OPERATOR_EXISTS', async () => {
    const before0 = everyone();
    const taken = await add('admin', { username: 'globex', display_name: 'Mine now', role: 'admin' });
    assert.equal(taken.status, 409);
    assert.equal(errorCode(taken.text), 'LOGIN_TAKEN');
    const msg = textOf(mainOf(taken.text));
    assert.match(msg, /This login is taken/);
    assert.doesNotMatch(msg, /Globex|Gus|tenant 2|admin\b.*globex/i, 'nothing about the other tenant');
    assert.deepEqual(auditOf(taken), [['admin', '1', null, 'globex', 'operator_add', 'page', 'LOGIN_TAKEN']]);
    const upper = await add('admin', { username: 'GLOBEX', display_name: 'Mine now' });
    assert.equal(errorCode(upper.text), 'LOGIN_TAKEN', 'logins compare without case');
    const exists = await add('admin', { username: 'operator', display_name: 'Again' });
    assert.equal(exists.status, 409);
    assert.equal(errorCode(exists.text), 'OPERATOR_EXISTS');
    assert.deepEqual(everyone(), before0, 'nothing changed');
    assert.deepEqual(row('globex'), { tenant: 2, role: 'admin', display: 'Gus Globex', disabledAt: null, disabledBy: null, createdBy: null, enabledAt: null });
  });
});

describe('the migration', () => {
  test('sql/migrations/0001-operators-disabled.sql brings the tables of before to the schema, and does nothing run again', () => {
    const root = process.env.ROOT || resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
    const migration = readFileSync(join(root, 'sql', 'migrations', '0001-operators-disabled.sql'), 'utf8');
    assert.match(migration, /^-- \S.*\n/, 'a one-line comment on top');
    const db = `custodian_mig_${uid(4)}`;
    const columns = (t) => sql(`SELECT column_name, column_type, is_nullable, column_default FROM information_schema.columns
                                 WHERE table_schema = ${lit(db)} AND table_name = ${lit(t)} ORDER BY ordinal_position`);
    const want = (t) => sql(`SELECT column_name, column_type, is_nullable, column_default FROM information_schema.columns
                               WHERE table_schema = 'custodian' AND table_name = ${lit(t)} ORDER BY ordinal_position`);
    try {
      // the two tables as sql/schema.sql made them before issue 19, with a row each
      sql(`CREATE DATABASE ${db}; USE ${db};
        CREATE TABLE tenants (id INT UNSIGNED NOT NULL PRIMARY KEY, slug VARCHAR(40) NOT NULL, name VARCHAR(100) NOT NULL,
          currency CHAR(3) NOT NULL DEFAULT 'EUR', erase_min_months SMALLINT UNSIGNED NOT NULL DEFAULT 3,
          erase_keep_location BOOLEAN NOT NULL DEFAULT TRUE, financial_years SMALLINT UNSIGNED NOT NULL DEFAULT 10,
          erase_after_months SMALLINT UNSIGNED NULL, UNIQUE KEY ux_tenants_slug (slug)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
        CREATE TABLE operators (username VARCHAR(100) NOT NULL PRIMARY KEY, tenant_id INT UNSIGNED NOT NULL,
          role ENUM('viewer','operator','admin') NOT NULL, display_name VARCHAR(100) NOT NULL,
          CONSTRAINT fk_operators_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
        INSERT INTO tenants (id, slug, name) VALUES (1, 'n', 'N');
        INSERT INTO operators VALUES ('admin', 1, 'admin', 'Ada')`);
      for (let run = 1; run <= 2; run++) {
        sql(`USE ${db}; ${migration}`);
        for (const t of ['tenants', 'operators']) assert.deepEqual(columns(t), want(t), `run ${run}: ${t} as in sql/schema.sql`);
      }
      assert.deepEqual(sql(`SELECT username, role, disabled_at, created_at FROM ${db}.operators`), [['admin', 'admin', null, null]], 'the row kept, enabled');
      assert.deepEqual(sql(`SELECT operators_version FROM ${db}.tenants`), [['0']]);
    } finally {
      sql(`DROP DATABASE IF EXISTS ${db}`);
    }
  });
});

describe('refusals', () => {
  test('viewers and operators: 403 on the page and every POST, audited, nothing changed', async () => {
    const before0 = everyone();
    for (const user of ['viewer', 'operator']) {
      const g = await get(user, '/operators');
      assert.equal(g.status, 403);
      const login = `t${uid(4)}`;
      const a = await add(user, { username: login, display_name: 'X' });
      assert.equal(a.status, 403);
      assert.equal(errorCode(a.text), 'FORBIDDEN');
      assert.deepEqual(auditOf(a), [[user, '1', null, login, 'operator_add', 'page', 'FORBIDDEN']]);
      for (const [what, form] of [['role', { role: 'admin' }], ['disable', {}], ['enable', {}]]) {
        const r = await change(user, user, what, form);
        assert.equal(r.status, 403, `${user} ${what}`);
        assert.deepEqual(auditOf(r), [[user, '1', null, user, `operator_${what}`, 'page', 'FORBIDDEN']]);
      }
    }
    assert.deepEqual(everyone(), before0);
  });

  test('a missing, another subject\'s, another action\'s or expired token: 403, audited, nothing changed', async () => {
    const login = await added('viewer');
    const before0 = everyone();
    const cases = [
      ['missing', undefined, 'CSRF_MISSING'],
      ['another operator\'s', tok('admin', 'operator_disable', 'viewer'), 'CSRF_INVALID'],
      ['another action\'s', tok('admin', 'operator_role', login), 'CSRF_INVALID'],
      ['another user\'s', tok('globex', 'operator_disable', login), 'CSRF_INVALID'],
      ['expired', forgeCsrf({ user: 'admin', action: 'operator_disable', subject: login, expiry: nowSeconds() - 60 }), 'CSRF_EXPIRED'],
    ];
    for (const [name, csrf, code] of cases) {
      const r = await post('admin', `/operators/${login}/disable`, csrf === undefined ? {} : { csrf });
      assert.equal(r.status, 403, name);
      assert.equal(errorCode(r.text), code, name);
      assert.deepEqual(auditOf(r), [['admin', '1', null, login, 'operator_disable', 'page', code]], name);
    }
    const newLogin = `t${uid(4)}`;
    for (const [name, csrf, code] of [['missing', undefined, 'CSRF_MISSING'], ['another action\'s', tok('admin', 'webhook_create'), 'CSRF_INVALID']]) {
      const r = await post('admin', '/operators', { username: newLogin, display_name: 'X', role: 'admin', ...(csrf ? { csrf } : {}) });
      assert.equal(errorCode(r.text), code, `add, ${name}`);
      assert.deepEqual(auditOf(r), [['admin', '1', null, newLogin, 'operator_add', 'page', code]]);
    }
    assert.deepEqual(everyone(), before0, 'nothing changed');
    assert.equal(row(newLogin), null);
  });

  test('bad input: 400 naming the field, nothing changed', async () => {
    const before0 = everyone();
    const refusals = [
      [{ username: 'two words', display_name: 'X' }, 'INVALID_USERNAME'],
      [{ username: 'x'.repeat(101), display_name: 'X' }, 'INVALID_USERNAME'],
      [{ username: '.hidden', display_name: 'X' }, 'INVALID_USERNAME'],
      [{ username: 'a/b', display_name: 'X' }, 'INVALID_USERNAME'],
      [{ username: `ok${uid(3)}`, display_name: '   ' }, 'INVALID_DISPLAY_NAME'],
      [{ username: `ok${uid(3)}`, display_name: 'y'.repeat(101) }, 'INVALID_DISPLAY_NAME'],
      [{ username: `ok${uid(3)}`, display_name: 'X', role: 'root' }, 'INVALID_PARAMETER'],
      [{ username: `ok${uid(3)}`, display_name: 'X', role: '' }, 'INVALID_PARAMETER'],
      [{ display_name: 'X' }, 'INVALID_PARAMETER'],
    ];
    for (const [form, code] of refusals) {
      const r = await add('admin', form);
      assert.equal(r.status, 400, `${JSON.stringify(form)}: ${r.status}`);
      assert.equal(errorCode(r.text), code, JSON.stringify(form));
      if (code !== 'INVALID_PARAMETER') assert.deepEqual(auditOf(r).map((x) => x.slice(4)), [['operator_add', 'page', code]]);
    }
    // role: a role that is none; a login in the path that is none
    const bad = await change('admin', 'viewer', 'role', { role: 'superuser' });
    assert.equal(bad.status, 400);
    const path = await post('admin', '/operators/a%20b/role', { csrf: tok('admin', 'operator_role', 'a b'), role: 'viewer' });
    assert.equal(path.status, 400);
    assert.equal(errorCode(path.text), 'INVALID_ID');
    assert.deepEqual(everyone(), before0, 'nothing changed');
  });

  test('the audit log filters the four actions', async () => {
    const login = await added('viewer');
    await change('admin', login, 'role', { role: 'operator' });
    await change('admin', login, 'disable');
    await change('admin', login, 'enable');
    for (const action of ['operator_add', 'operator_role', 'operator_disable', 'operator_enable']) {
      const r = await get('admin', `/audit?action=${action}`);
      assert.equal(r.status, 200, action);
      assert.match(r.text, new RegExp(`<option value="${action}" selected>`), `${action}: an option of the filter`);
      assert.ok(textOf(mainOf(r.text)).includes(login), `${action}: the row is listed`);
    }
  });
});
