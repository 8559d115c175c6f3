// Issue "deactivate and reactivate": the confirmation pages, the POSTs, CSRF,
// roles, tenants and the rules the database enforces.
//
// This is the one file that changes the named fixtures, in a fixed order:
// checklist (read) -> refused POSTs -> blockers cleared in SQL -> deactivated
// -> cus_fixture_clean reactivated. At the end every fixture is put back as
// sql/fixtures.sql made it (its audit rows stay: the log is append-only).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { completeOrder } from '../sql.mjs';
import {
  get, post, request, sql, sqlValue, sqlAsApp, lit, csrfFrom, forgeCsrf, nowSeconds, errorCode, mainOf,
  textOf, links, listIds, between, createCustomer, clearBlockers, customerState, auditRows, flashCookie,
  retentionTable, expectedRetention, definition, uid,
} from './lib.mjs';

const CODES = {
  sub: 'CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS',
  order: 'CUSTOMER_HAS_PENDING_ORDERS',
  device: 'CUSTOMER_HAS_UNRETURNED_DEVICES',
};

// What each fixture's checklist must show (sql/fixtures.sql).
const FIXTURES = [
  ['cus_fixture_subscription', { [CODES.sub]: ['sub_fixture_active'] }],
  ['cus_fixture_pending_order', { [CODES.order]: ['ord_fixture_pending'] }],
  ['cus_fixture_device_out', { [CODES.device]: ['SN-FIXTURE-DEV'] }],
  ['cus_fixture_all_three', {
    [CODES.sub]: ['sub_fixture_all'],
    [CODES.order]: ['ord_fixture_all_confirmed', 'ord_fixture_all_partial'],
    [CODES.device]: ['SN-FIXTURE-ALL'],
  }],
  ['cus_fixture_clean', {}],
];
const ORDERED = [CODES.sub, CODES.order, CODES.device];

/** The prerequisite checklist of a deactivation page. */
function checklist(html) {
  const ol = between(html, '<ol class="checklist">', '</ol>');
  assert.ok(ol, 'the page has the prerequisite checklist');
  return ol.split(/<li class="(?=passed"|failed")/).slice(1).map((item) => {
    const state = item.slice(0, item.indexOf('"'));
    const code = /<code>([A-Z_]+)<\/code>/.exec(item.replace(/<ul class="blockers">[\s\S]*$/, ''));
    const blockers = [...item.matchAll(/<a href="([^"]*)"><code>([^<]*)<\/code><\/a>/g)].map((b) => ({ href: b[1], id: b[2] }));
    return { state, title: textOf(/<strong>([\s\S]*?)<\/strong>/.exec(item)[1]), code: code && code[1], blockers };
  });
}

function submitButton(html) {
  const form = between(html, '<form class="panel danger-zone" method="post"', '</form>');
  if (!form) return null;
  const m = /<button type="submit"[^>]*>/.exec(form);
  return m ? m[0] : null;
}

function refusedCodes(html) {
  const box = between(html, '<div class="alert alert-danger" role="alert">', '</div>');
  if (!box) return null;
  return [...box.matchAll(/<li><code>([^<]*)<\/code><\/li>/g)].map((m) => m[1]);
}

function assertUnchanged(publicId, before, what) {
  const now = customerState(publicId);
  assert.deepEqual(now, before, `${what}: the customer row is unchanged`);
}

/** The one audit row this request wrote (by its request id). */
function auditOf(res, subject) {
  assert.ok(res.requestId, 'the response has an X-Request-Id');
  const rows = auditRows(subject, `AND request_id = ${lit(res.requestId)}`);
  assert.equal(rows.length, 1, `exactly one audit row for request ${res.requestId} on ${subject}`);
  return rows[0];
}

async function formToken(user, publicId, action = 'deactivate') {
  const r = await get(user, `/customers/${publicId}/${action}`);
  assert.equal(r.status, 200, `GET ${action} form as ${user}`);
  return csrfFrom(r.text);
}

async function inList(publicId, email, status) {
  const r = await get('admin', `/customers?q=${encodeURIComponent(email)}${status ? `&status=${status}` : ''}`);
  assert.equal(r.status, 200);
  return listIds(r.text).includes(publicId);
}

// The fixtures as sql/fixtures.sql leaves them, restored at the end.
after(() => {
  sql(`UPDATE customers SET status = 'active', deactivated_at = NULL, deactivated_by = NULL,
         deactivation_reason = NULL, deactivation_note = NULL
       WHERE public_id IN ('cus_fixture_clean', 'cus_fixture_subscription', 'cus_fixture_pending_order',
                           'cus_fixture_device_out', 'cus_fixture_all_three');
       UPDATE subscriptions SET status = 'active', end_date = NULL WHERE public_id IN ('sub_fixture_active', 'sub_fixture_all');
       UPDATE orders SET status = 'pending' WHERE public_id = 'ord_fixture_pending';
       UPDATE orders SET status = 'confirmed' WHERE public_id = 'ord_fixture_all_confirmed';
       UPDATE orders SET status = 'partial' WHERE public_id = 'ord_fixture_all_partial';
       SET @dev = (SELECT id FROM customers WHERE public_id = 'cus_fixture_device_out');
       SET @all = (SELECT id FROM customers WHERE public_id = 'cus_fixture_all_three');
       UPDATE assets SET status = 'rented_out', customer_id = @dev WHERE serial_number = 'SN-FIXTURE-DEV';
       UPDATE assets SET status = 'rented_out', customer_id = @all WHERE serial_number = 'SN-FIXTURE-ALL';`);
});

describe('the fixtures, in order', () => {
  test('the deactivation page shows exactly the failed checks and their blocking records', async () => {
    for (const [pid, want] of FIXTURES) {
      for (const user of ['operator', 'admin']) {
        const r = await get(user, `/customers/${pid}/deactivate`);
        assert.equal(r.status, 200, `${pid} as ${user}`);
        const checks = checklist(r.text);
        assert.deepEqual(checks.map((c) => c.title), ['No active subscriptions', 'No pending orders', 'All devices returned']);
        const failed = Object.fromEntries(checks.filter((c) => c.state === 'failed').map((c) => [c.code, c.blockers.map((b) => b.id)]));
        assert.deepEqual(failed, want, `${pid}: the failed checks and their blockers`);
        for (const c of checks) {
          if (c.state === 'passed') {
            assert.equal(c.blockers.length, 0);
            assert.equal(c.code, null, `${pid}: a passed check shows no error code`);
          }
          for (const b of c.blockers) assert.equal(b.href, `/customers/${pid}#open-${b.id}`, 'each blocker links to it');
        }
        const button = submitButton(r.text);
        assert.ok(button, `${pid}: ${user} gets the form`);
        const blocked = Object.keys(want).length > 0;
        assert.equal(/\sdisabled[\s>]/.test(button), blocked, `${pid}: submit disabled exactly when blocked`);
        if (blocked) assert.match(r.text, /id="blocked-why"[^>]*>[^<]*blocked until every prerequisite/);
        else assert.doesNotMatch(r.text, /id="blocked-why"/);
      }
      // the anchors the blockers link to exist on the customer page
      const page = await get('operator', `/customers/${pid}`);
      for (const id of Object.values(want).flat()) assert.match(page.text, new RegExp(`<li id="open-${id}">`), `${pid}: #open-${id}`);
      if (Object.keys(want).length === 0) assert.match(page.text, /Nothing open/);
    }
  });

  test('a blocked POST is refused with 409 naming every code, changes nothing and is audited', async () => {
    for (const [pid, want] of FIXTURES) {
      const codes = ORDERED.filter((c) => want[c]);
      if (codes.length === 0) continue;
      const before = customerState(pid);
      const token = await formToken('operator', pid);
      const r = await post('operator', `/customers/${pid}/deactivate`, { csrf: token, reason: 'account_closure', note: 'blocked attempt' });
      assert.equal(r.status, 409, pid);
      assert.deepEqual(refusedCodes(r.text), codes, `${pid}: the 409 page lists every code`);
      const failed = Object.fromEntries(checklist(r.text).filter((c) => c.state === 'failed').map((c) => [c.code, c.blockers.map((b) => b.id)]));
      assert.deepEqual(failed, want, `${pid}: the blockers seen under lock`);
      assert.match(r.text, /<input type="radio" id="reason-account_closure" name="reason" value="account_closure" required checked>/, 'the chosen reason is kept');
      assert.match(r.text, /<textarea id="note"[^>]*>blocked attempt<\/textarea>/, 'the note is kept');
      assert.equal(flashCookie(r), null);
      assertUnchanged(pid, before, pid);
      const a = auditOf(r, pid);
      assert.deepEqual(
        [a.actor, a.tenant, a.action, a.channel, a.reason, a.note, a.outcome, a.customerId],
        ['operator', 1, 'deactivate', 'page', 'account_closure', 'blocked attempt', codes.join(','), before.id],
      );
    }
  });

  test('once the blockers are cancelled or returned the POST deactivates (303 to the retention page)', async () => {
    for (const [pid, want] of FIXTURES) {
      const before = customerState(pid);
      assert.equal(before.status, 'active');
      const email = sqlValue(`SELECT email FROM customers WHERE public_id = ${lit(pid)}`);
      assert.ok(await inList(pid, email), `${pid} is in the default list before`);
      clearBlockers(before.id);
      const form = await get('operator', `/customers/${pid}/deactivate`);
      assert.ok(checklist(form.text).every((c) => c.state === 'passed'), `${pid}: every check passes now`);
      assert.doesNotMatch(submitButton(form.text), /disabled/);
      const note = `closed by the http test (${Object.keys(want).length} blockers)`;
      const r = await post('operator', `/customers/${pid}/deactivate`, { csrf: csrfFrom(form.text), reason: 'compliance', note });
      assert.equal(r.status, 303, pid);
      assert.equal(r.headers.get('location'), `/customers/${pid}/retention`);
      const flash = flashCookie(r);
      assert.equal(flash?.code, 'deactivated');
      assert.match(flash.header, /HttpOnly/i);
      assert.match(flash.header, /SameSite=Strict/i);
      const now = customerState(pid);
      assert.equal(now.status, 'inactive');
      assert.equal(now.deactivatedBy, 'operator');
      assert.equal(now.reason, 'compliance');
      assert.equal(now.note, note);
      assert.ok(now.deactivatedAt, 'deactivated_at is set');
      const a = auditOf(r, pid);
      assert.deepEqual([a.actor, a.action, a.channel, a.reason, a.note, a.outcome, a.customerId],
        ['operator', 'deactivate', 'page', 'compliance', note, 'ok', before.id]);
      // lists: gone from the default one, in the inactive one
      assert.equal(await inList(pid, email), false, `${pid} left the default list`);
      assert.equal(await inList(pid, email, 'inactive'), true, `${pid} is in the inactive list`);
      assert.equal(await inList(pid, email, 'all'), true, `${pid} is in the list of all`);
      // the retention page the redirect leads to
      const ret = await get('operator', r.headers.get('location'), { cookie: `flash=${flash.code}` });
      assert.equal(ret.status, 200);
      assert.match(ret.text, /The customer was deactivated/, 'the flash message is shown');
      assert.deepEqual(retentionTable(ret.text), expectedRetention(before.id), `${pid}: retention counts`);
      assert.equal(retentionTable(ret.text).profile, 'Preserved, marked inactive');
      assert.equal(definition(ret.text, 'By'), 'operator');
      assert.equal(definition(ret.text, 'Reason'), 'Compliance');
      assert.equal(definition(ret.text, 'Note'), note);
      // nothing was deleted: every child row is still there
      for (const table of ['orders', 'subscriptions', 'payments', 'addresses'])
        assert.ok(Number(sqlValue(`SELECT COUNT(*) FROM ${table} WHERE customer_id = ${Number(before.id)}`)) > 0, `${pid}: ${table} kept`);
    }
  });

  test('reactivation round trip on cus_fixture_clean', async () => {
    const pid = 'cus_fixture_clean';
    const before = customerState(pid);
    assert.equal(before.status, 'inactive');
    const form = await get('operator', `/customers/${pid}/reactivate`);
    assert.equal(form.status, 200);
    assert.equal(definition(form.text, 'By'), 'operator', 'the form shows the deactivation record');
    assert.equal(definition(form.text, 'Reason'), 'Compliance');
    const r = await post('operator', `/customers/${pid}/reactivate`, { csrf: csrfFrom(form.text), note: 'back again' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), `/customers/${pid}`);
    assert.equal(flashCookie(r)?.code, 'reactivated');
    const now = customerState(pid);
    assert.equal(now.status, 'active');
    assert.deepEqual([now.deactivatedAt, now.deactivatedBy, now.reason, now.note], [null, null, null, null]);
    const a = auditOf(r, pid);
    assert.deepEqual([a.actor, a.action, a.channel, a.note, a.outcome, a.customerId], ['operator', 'reactivate', 'page', 'back again', 'ok', before.id]);
    const page = await get('operator', `/customers/${pid}`, { cookie: 'flash=reactivated' });
    assert.match(page.text, /The customer is active again/);
    assert.match(page.text, /href="\/customers\/cus_fixture_clean\/deactivate">Deactivate…/, 'the page offers deactivation again');
    const history = textOf(between(page.text, '<section class="panel" id="history"', '</section>'));
    assert.match(history, /operator reactivate page\s+back again ok/);
    assert.match(history, /operator deactivate page Compliance closed by the http test/);
    assert.ok(await inList(pid, 'clara.clean@fixture.example'), 'back in the default list');
    // reactivating an active customer changes nothing and says so
    const already = await get('operator', `/customers/${pid}/reactivate`);
    assert.match(already.text, /already active; there is nothing to reactivate/);
    assert.doesNotMatch(already.text, /name="csrf"/, 'no reactivation form for an active customer');
    const token = forgeCsrf({ user: 'operator', action: 'reactivate', subject: pid, expiry: nowSeconds() + 600 });
    const mid = customerState(pid);
    const again = await post('operator', `/customers/${pid}/reactivate`, { csrf: token });
    assert.equal(again.status, 303);
    assert.equal(flashCookie(again)?.code, 'already_active');
    assertUnchanged(pid, mid, 'reactivating an active customer');
    assert.equal(auditOf(again, pid).outcome, 'ALREADY_ACTIVE');
  });
});

describe('double submit', () => {
  test('the same token twice: the second POST says already inactive and changes nothing', async () => {
    const c = createCustomer({ history: true });
    const token = await formToken('operator', c.publicId);
    const first = await post('operator', `/customers/${c.publicId}/deactivate`, { csrf: token, reason: 'data_cleanup', note: 'first' });
    assert.equal(first.status, 303);
    assert.equal(flashCookie(first)?.code, 'deactivated');
    const mid = customerState(c.publicId);
    assert.equal(mid.status, 'inactive');
    const second = await post('operator', `/customers/${c.publicId}/deactivate`, { csrf: token, reason: 'fraud_prevention', note: 'second' });
    assert.equal(second.status, 303);
    assert.equal(second.headers.get('location'), `/customers/${c.publicId}/retention`);
    assert.equal(flashCookie(second)?.code, 'already_inactive');
    assertUnchanged(c.publicId, mid, 'the second submit');
    assert.equal(mid.reason, 'data_cleanup');
    assert.equal(mid.note, 'first');
    assert.equal(auditOf(first, c.publicId).outcome, 'ok');
    const a2 = auditOf(second, c.publicId);
    assert.equal(a2.outcome, 'ALREADY_INACTIVE');
    assert.equal(a2.action, 'deactivate');
    const ret = await get('operator', `/customers/${c.publicId}/retention`, { cookie: 'flash=already_inactive' });
    assert.match(ret.text, /already inactive; nothing changed/);
    const form = await get('operator', `/customers/${c.publicId}/deactivate`);
    assert.equal(form.status, 200);
    assert.match(form.text, /already inactive; there is nothing to deactivate/);
    assert.equal(submitButton(form.text), null, 'no deactivation form for an inactive customer');
  });
});

describe('CSRF', () => {
  const c = createCustomer();
  const other = createCustomer();
  const path = `/customers/${c.publicId}/deactivate`;

  async function refused(token, code, what, user = 'operator') {
    const before = customerState(c.publicId);
    const form = { reason: 'data_cleanup' };
    if (token !== undefined) form.csrf = token;
    const r = await post(user, path, form);
    assert.equal(r.status, 403, what);
    assert.equal(errorCode(r.text), code, what);
    assertUnchanged(c.publicId, before, what);
    const a = auditOf(r, c.publicId);
    assert.deepEqual([a.actor, a.action, a.outcome, a.customerId], [user, 'deactivate', code, c.id], `${what}: audited`);
  }

  test('a missing token is 403 CSRF_MISSING', () => refused(undefined, 'CSRF_MISSING', 'no token'));
  test('an empty token is 403 CSRF_MISSING', () => refused('', 'CSRF_MISSING', 'empty token'));
  test('a malformed token is 403', () => refused('abc', 'CSRF_MALFORMED', 'short token'));
  test('an expired token (real secret, past expiry) is 403 CSRF_EXPIRED', () =>
    refused(forgeCsrf({ user: 'operator', action: 'deactivate', subject: c.publicId, expiry: nowSeconds() - 60 }), 'CSRF_EXPIRED', 'expired'));
  test("a token made for admin, used by operator, is 403 CSRF_INVALID", async () =>
    refused(await formToken('admin', c.publicId), 'CSRF_INVALID', 'wrong user'));
  test('a token made for another customer is 403 CSRF_INVALID', async () =>
    refused(await formToken('operator', other.publicId), 'CSRF_INVALID', 'wrong customer'));
  test('a token made for another action is 403 CSRF_INVALID', () =>
    refused(forgeCsrf({ user: 'operator', action: 'reactivate', subject: c.publicId, expiry: nowSeconds() + 600 }), 'CSRF_INVALID', 'wrong action'));
  test('a token signed with another secret is 403 CSRF_INVALID', () =>
    refused(forgeCsrf({ user: 'operator', action: 'deactivate', subject: c.publicId, expiry: nowSeconds() + 600, secret: 'not-the-secret-' + uid() }), 'CSRF_INVALID', 'wrong secret'));
  test('a page token with its expiry pushed forward is 403 CSRF_INVALID', async () => {
    const t = await formToken('operator', c.publicId);
    const raw = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    raw.writeBigUInt64BE(raw.readBigUInt64BE(0) + 86400n, 0);
    const pushed = raw.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    await refused(pushed, 'CSRF_INVALID', 'expiry pushed');
  });
  test('a token in the query string instead of the form still binds to the user', async () => {
    const t = await formToken('admin', c.publicId);
    const before = customerState(c.publicId);
    const r = await request('operator', 'POST', `${path}?csrf=${t}`, { form: { reason: 'data_cleanup' } });
    assert.equal(r.status, 403);
    assertUnchanged(c.publicId, before, 'query-string token of another user');
  });
  test('the page token works, and a token forged with the real secret is accepted (the helper is right)', async () => {
    const forged = forgeCsrf({ user: 'operator', action: 'deactivate', subject: other.publicId, expiry: nowSeconds() + 600 });
    const r = await post('operator', `/customers/${other.publicId}/deactivate`, { csrf: forged, reason: 'data_cleanup' });
    assert.equal(r.status, 303);
    assert.equal(customerState(other.publicId).status, 'inactive');
    const t = await formToken('operator', c.publicId);
    const ok = await post('operator', path, { csrf: t, reason: 'data_cleanup' });
    assert.equal(ok.status, 303);
    assert.equal(customerState(c.publicId).status, 'inactive');
  });
});

describe('roles', () => {
  const active = createCustomer();
  const inactive = createCustomer({ status: 'inactive' });

  test("the viewer's pages offer no buttons or forms", async () => {
    const page = await get('viewer', `/customers/${active.publicId}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /Deactivate…|Reactivate…/);
    assert.doesNotMatch(page.text, /href="[^"]*\/(de|re)activate"/);
    const form = await get('viewer', `/customers/${active.publicId}/deactivate`);
    assert.equal(form.status, 200);
    assert.doesNotMatch(form.text, /<form[^>]*method="post"/i);
    assert.doesNotMatch(form.text, /name="csrf"/);
    assert.match(form.text, /Your role can look but not deactivate customers/);
    assert.equal(checklist(form.text).length, 3, 'the viewer still sees the checklist');
    const ipage = await get('viewer', `/customers/${inactive.publicId}`);
    assert.doesNotMatch(ipage.text, /Deactivate…|Reactivate…/);
    const rform = await get('viewer', `/customers/${inactive.publicId}/reactivate`);
    assert.equal(rform.status, 200);
    assert.doesNotMatch(rform.text, /<form[^>]*method="post"/i);
    assert.match(rform.text, /Your role can look but not reactivate customers/);
    const ret = await get('viewer', `/customers/${inactive.publicId}/retention`);
    assert.doesNotMatch(ret.text, /Reactivate…/);
    // ...while operator and admin get them
    for (const user of ['operator', 'admin']) {
      assert.match((await get(user, `/customers/${active.publicId}`)).text, /Deactivate…/, user);
      assert.match((await get(user, `/customers/${inactive.publicId}`)).text, /Reactivate…/, user);
      assert.match((await get(user, `/customers/${inactive.publicId}/retention`)).text, /Reactivate…/, user);
    }
  });

  test('a viewer POST is 403 FORBIDDEN, changes nothing and is audited', async () => {
    for (const [c, action] of [[active, 'deactivate'], [inactive, 'reactivate']]) {
      const before = customerState(c.publicId);
      for (const csrf of [undefined, forgeCsrf({ user: 'viewer', action, subject: c.publicId, expiry: nowSeconds() + 600 })]) {
        const r = await post('viewer', `/customers/${c.publicId}/${action}`, { csrf, reason: 'data_cleanup' });
        assert.equal(r.status, 403, action);
        assert.equal(errorCode(r.text), 'FORBIDDEN');
        assertUnchanged(c.publicId, before, `viewer ${action}`);
        const a = auditOf(r, c.publicId);
        assert.deepEqual([a.actor, a.action, a.outcome], ['viewer', action, 'FORBIDDEN']);
      }
    }
  });
});

describe('tenants and missing customers', () => {
  test("another tenant's customer is 404 NOT_FOUND for a POST too, and stays as it is", async () => {
    const before = customerState('cus_fixture_globex');
    for (const action of ['deactivate', 'reactivate']) {
      const get404 = await get('admin', `/customers/cus_fixture_globex/${action}`);
      assert.equal(get404.status, 404);
      const csrf = forgeCsrf({ user: 'admin', action, subject: 'cus_fixture_globex', expiry: nowSeconds() + 600 });
      const r = await post('admin', `/customers/cus_fixture_globex/${action}`, { csrf, reason: 'data_cleanup' });
      assert.equal(r.status, 404, action);
      assert.equal(errorCode(r.text), 'NOT_FOUND');
      assert.doesNotMatch(r.text, /Gina|Globex Rentals/);
      assertUnchanged('cus_fixture_globex', before, `admin ${action} of globex's customer`);
      const a = auditOf(r, 'cus_fixture_globex');
      assert.deepEqual([a.actor, a.tenant, a.customerId, a.action, a.outcome], ['admin', 1, null, action, 'NOT_FOUND']);
    }
  });

  test('a customer id that does not exist is 404 NOT_FOUND and audited', async () => {
    const pid = `cus_nosuch${uid(4)}`;
    const csrf = forgeCsrf({ user: 'operator', action: 'deactivate', subject: pid, expiry: nowSeconds() + 600 });
    const r = await post('operator', `/customers/${pid}/deactivate`, { csrf, reason: 'data_cleanup' });
    assert.equal(r.status, 404);
    assert.equal(errorCode(r.text), 'NOT_FOUND');
    assert.equal(auditOf(r, pid).outcome, 'NOT_FOUND');
  });
});

describe('form validation', () => {
  test('a missing reason is 400: the form comes back with the error next to the field', async () => {
    const c = createCustomer();
    const before = customerState(c.publicId);
    const token = await formToken('operator', c.publicId);
    for (const form of [{ csrf: token, note: 'kept note' }, { csrf: token, reason: '', note: 'kept note' }]) {
      const r = await post('operator', `/customers/${c.publicId}/deactivate`, form);
      assert.equal(r.status, 400);
      const fieldset = between(r.text, '<fieldset>', '</fieldset>');
      assert.ok(fieldset, 'the form is re-rendered');
      assert.match(fieldset, /<legend>Reason[\s\S]*<p class="field-error" id="reason-error" role="alert">reason: [^<]+<\/p>[\s\S]*name="reason"/,
        'the error sits in the reason fieldset, before the choices');
      assert.match(r.text, /<textarea id="note"[^>]*>kept note<\/textarea>/, 'the note is kept');
      assert.ok(csrfFrom(r.text), 'with a token to submit again');
      assertUnchanged(c.publicId, before, 'missing reason');
    }
  });

  test('an unknown reason is 400 naming the field', async () => {
    const c = createCustomer();
    const before = customerState(c.publicId);
    const r = await post('operator', `/customers/${c.publicId}/deactivate`, { csrf: await formToken('operator', c.publicId), reason: 'because' });
    assert.equal(r.status, 400);
    assert.match(textOf(mainOf(r.text)), /reason:/);
    assertUnchanged(c.publicId, before, 'unknown reason');
  });

  test('a note over 500 characters is 400; 500 characters (multi-byte) are kept whole', async () => {
    const c = createCustomer();
    const before = customerState(c.publicId);
    const token = await formToken('operator', c.publicId);
    const r = await post('operator', `/customers/${c.publicId}/deactivate`, { csrf: token, reason: 'data_cleanup', note: 'n'.repeat(501) });
    assert.equal(r.status, 400);
    assert.match(textOf(mainOf(r.text)), /note:/);
    assertUnchanged(c.publicId, before, 'note of 501 characters');
    const note = 'é'.repeat(499) + '€';
    const ok = await post('operator', `/customers/${c.publicId}/deactivate`, { csrf: token, reason: 'data_cleanup', note });
    assert.equal(ok.status, 303);
    assert.equal(customerState(c.publicId).note, note, 'the whole note is stored');
    assert.equal(auditOf(ok, c.publicId).note, note, 'and audited');
  });

  test('a note with control characters is 400; line breaks are fine', async () => {
    const c = createCustomer();
    const token = await formToken('operator', c.publicId);
    const bad = await post('operator', `/customers/${c.publicId}/deactivate`, { csrf: token, reason: 'data_cleanup', note: 'a\u0007b' });
    assert.equal(bad.status, 400);
    assert.match(textOf(mainOf(bad.text)), /note:/);
    assert.equal(customerState(c.publicId).status, 'active');
    const ok = await post('operator', `/customers/${c.publicId}/deactivate`, { csrf: token, reason: 'data_cleanup', note: 'line one\r\nline two' });
    assert.equal(ok.status, 303);
    assert.equal(customerState(c.publicId).note, 'line one\r\nline two');
  });
});

describe('rules in the database (application account)', () => {
  test('no order and no active subscription for an inactive customer: CUSTOMER_INACTIVE', () => {
    const active = createCustomer();
    const okOrder = sqlAsApp(`INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
                              VALUES ('ord_${active.tag}_ok', 1, ${Number(active.id)}, 'pending', 10.00, 'EUR', UTC_TIMESTAMP());
                              ${completeOrder()}`);
    assert.ok(okOrder.ok, `the app account may insert orders for an active customer: ${okOrder.stderr}`);

    const c = createCustomer({ status: 'inactive' });
    const ordersBefore = sqlValue(`SELECT COUNT(*) FROM orders WHERE customer_id = ${Number(c.id)}`);
    for (const status of ['pending', 'fulfilled']) {
      const r = sqlAsApp(`INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
                          VALUES ('ord_${c.tag}_${status}', 1, ${Number(c.id)}, '${status}', 10.00, 'EUR', UTC_TIMESTAMP())`);
      assert.equal(r.ok, false, `an ${status} order for an inactive customer is refused`);
      assert.match(r.stderr, /45000/);
      assert.match(r.stderr, /CUSTOMER_INACTIVE/);
    }
    assert.equal(sqlValue(`SELECT COUNT(*) FROM orders WHERE customer_id = ${Number(c.id)}`), ordersBefore);
    const sub = sqlAsApp(`INSERT INTO subscriptions (public_id, tenant_id, customer_id, status, monthly_amount, start_date, created_at)
                          VALUES ('sub_${c.tag}_x', 1, ${Number(c.id)}, 'active', 5.00, UTC_DATE(), UTC_TIMESTAMP())`);
    assert.equal(sub.ok, false, 'an active subscription for an inactive customer is refused');
    assert.match(sub.stderr, /CUSTOMER_INACTIVE/);
    const dev = sqlAsApp(`INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
                          VALUES ('SN-${c.tag.toUpperCase()}-X', 1, 'FW-X', 'X', 'rented_out', ${Number(c.id)}, 1.00)`);
    assert.equal(dev.ok, false, 'renting a device out to an inactive customer is refused');
    assert.match(dev.stderr, /CUSTOMER_INACTIVE/);
    assert.equal(sqlValue(`SELECT mrr_cents + devices_out FROM customers WHERE id = ${Number(c.id)}`), '0');
  });

  test('an order cannot move back into flight once the customer is inactive', async () => {
    const c = createCustomer({ history: true });
    const token = await formToken('operator', c.publicId);
    const r = await post('operator', `/customers/${c.publicId}/deactivate`, { csrf: token, reason: 'data_cleanup' });
    assert.equal(r.status, 303);
    const u = sqlAsApp(`UPDATE orders SET status = 'pending' WHERE public_id = 'ord_${c.tag}_hist'`);
    assert.equal(u.ok, false);
    assert.match(u.stderr, /CUSTOMER_INACTIVE/);
    assert.equal(sqlValue(`SELECT status FROM orders WHERE public_id = 'ord_${c.tag}_hist'`), 'fulfilled');
  });

  test('the application account cannot DELETE from any table', () => {
    const tables = sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'custodian' AND table_type = 'BASE TABLE' ORDER BY 1").map((r) => r[0]);
    for (const t of ['customers', 'orders', 'order_items', 'subscriptions', 'assets', 'payments', 'addresses', 'audit_log', 'customer_notes', 'operators', 'api_keys', 'tenants'])
      assert.ok(tables.includes(t), `table ${t} exists`);
    for (const t of tables) {
      const r = sqlAsApp(`DELETE FROM \`${t}\` WHERE 1 = 0`);
      assert.equal(r.ok, false, `DELETE on ${t} must be refused`);
      assert.match(r.stderr, /DELETE command denied/i, `${t}: ${r.stderr}`);
    }
  });

  test('the application account cannot UPDATE the audit log (but can read and append)', () => {
    const r = sqlAsApp('UPDATE audit_log SET note = note WHERE 1 = 0');
    assert.equal(r.ok, false);
    assert.match(r.stderr, /UPDATE command denied/i);
    const t = sqlAsApp('TRUNCATE TABLE audit_log');
    assert.equal(t.ok, false, 'nor truncate it');
    const d = sqlAsApp('DROP TABLE audit_log');
    assert.equal(d.ok, false, 'nor drop it');
    const s = sqlAsApp('SELECT COUNT(*) FROM audit_log');
    assert.ok(s.ok, 'it can read the audit log');
  });
});
