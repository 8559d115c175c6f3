// Issue 18, items 1 and 3: erasing an inactive customer's personal data.
// The confirmation page lists what is erased and kept (against SQL); the
// erasure leaves no erased value anywhere a viewer, the API, a CSV export
// or the audit page can reach, nor anywhere in the database (every text
// column of every table searched); the books stay whole (orders, payments,
// audit rows counted before and after). Every refusal changes nothing and
// is audited; an erased customer cannot be edited or reactivated. The API's
// POST /v1/customers/{id}/erase is the same erasure.
//
// Dates: a deactivation "long ago" is set 200 days back and a recent one 10
// days back, against the tenant's default erase_min_months of 3, so the
// expectations hold whatever today's date is.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, sql, sqlValue, lit, createCustomer, uid, csrfFrom, textOf, errorCode, flashCookie,
  forgeCsrf, nowSeconds,
} from './lib.mjs';
import * as L from './apilib.mjs';

let ADMIN_KEY, OPERATOR_KEY;
before(() => {
  ADMIN_KEY = L.createKey({ role: 'admin' }).key;
  OPERATOR_KEY = L.createKey({ role: 'operator' }).key;
});

const eraseUrl = (pid) => `/customers/${pid}/erase`;
/** The page's form token, or null when it shows no form. */
const tokenOf = (html) => /name="csrf" value="([^"]*)"/.exec(html)?.[1] ?? null;

/**
 * An inactive customer full of personal data, each value unique to it: names,
 * e-mail, phone, company, custom fields, addresses, a note, a deactivation
 * note, an edit's changes and a closure request's note in the audit log.
 */
function person({ daysAgo = 200, history = true } = {}) {
  const t = uid(5);
  const v = {
    first: `Erasable${t}`, last: `Person${t}`, email: `gone${t}@erase-test.invalid`,
    phone: `+31 6 4${t.replace(/[a-f]/g, '7').slice(0, 7)}`, company: `Secretco${t}`,
    street: `${t} Hidden Lane`, contact: `Contactname${t}`, noteText: `private note ${t}`,
    deactNote: `deactivation words ${t}`, oldName: `Formername${t}`, custom: `customvalue${t}`,
    closureNote: `closure words ${t}`,
  };
  const c = createCustomer({ firstName: v.oldName, lastName: v.last, email: v.email, history, company: v.company });
  sql(`UPDATE customers SET phone = ${lit(v.phone)}, custom_fields = JSON_OBJECT('loyalty', ${lit(v.custom)}) WHERE id = ${c.id};
       UPDATE addresses SET street_address = ${lit(v.street)}, contact_name = ${lit(v.contact)}, building_info = 'Flat 9${t}'
        WHERE customer_id = ${c.id};
       INSERT INTO customer_notes (tenant_id, customer_id, noted_on, kind, summary, created_at, created_by)
       VALUES (1, ${c.id}, '2025-03-03', 'phone', ${lit(v.noteText)}, UTC_TIMESTAMP(), 'operator');`);
  return { c, v, t };
}

/** Renames (an edit with its changes in the audit log, through the API) and
 * deactivates it through the page, then dates the deactivation. */
async function throughThePages({ c, v }, daysAgo) {
  const edit = await L.api(`/v1/customers/${c.publicId}`, { key: ADMIN_KEY, method: 'PUT', json: { firstName: v.first } });
  assert.equal(edit.status, 200, `edit: ${edit.status} ${edit.text.slice(0, 300)}`);
  const d = await get('operator', `/customers/${c.publicId}/deactivate`);
  const deact = await L.page(`/customers/${c.publicId}/deactivate`, {
    user: 'operator', form: { csrf: csrfFrom(d.text), reason: 'account_closure', note: v.deactNote },
  });
  assert.equal(deact.status, 303, `deactivate: ${deact.status}`);
  // a withdrawn closure request's note, as the closures feature keeps it
  sql(`INSERT INTO closure_requests (public_id, tenant_id, customer_id, state, reason, note, channel, requested_by,
         requested_at, withdrawn_at, withdrawn_by)
       VALUES ('clo_er${uid(4)}', 1, ${c.id}, 'withdrawn', 'account_closure', ${lit(v.closureNote)}, 'page', 'operator',
         UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), 'operator')`);
  sql(`UPDATE customers SET deactivated_at = UTC_TIMESTAMP() - INTERVAL ${daysAgo} DAY WHERE id = ${c.id}`);
}

/** A valid token of the erase form (the page shows none when a check fails). */
const eraseToken = (pid) => forgeCsrf({ user: 'admin', action: 'erase', subject: pid, expiry: nowSeconds() + 600 });

async function erase(user, pid, form = {}) {
  const page = await get(user, eraseUrl(pid));
  return L.page(eraseUrl(pid), { user, form: { csrf: tokenOf(page.text) ?? '', confirm: '1', ...form } });
}

/** Every row of every text column in the database that still holds one of the values (case-insensitive). */
function dbHits(values) {
  const cols = sql(`SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS
                     WHERE TABLE_SCHEMA = DATABASE() AND DATA_TYPE IN ('varchar','char','text','mediumtext','longtext','json','tinytext')
                       AND TABLE_NAME IN (SELECT TABLE_NAME FROM information_schema.TABLES
                                           WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE')`);
  const hits = [];
  for (const [table, col] of cols) {
    const where = values.map((x) => `LOWER(\`${col}\`) LIKE ${lit(`%${x.toLowerCase()}%`)}`).join(' OR ');
    const n = Number(sqlValue(`SELECT COUNT(*) FROM \`${table}\` WHERE ${where}`));
    if (n > 0) hits.push(`${table}.${col}: ${n}`);
  }
  return hits;
}

/** What an erasure must keep, counted in SQL. */
function books(id) {
  const [[o, i, s, p, amount, a, x]] = sql(`SELECT (SELECT COUNT(*) FROM orders WHERE customer_id = ${id}),
      (SELECT COUNT(*) FROM order_items t JOIN orders o ON o.id = t.order_id WHERE o.customer_id = ${id}),
      (SELECT COUNT(*) FROM subscriptions WHERE customer_id = ${id}),
      (SELECT COUNT(*) FROM payments WHERE customer_id = ${id}),
      (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE customer_id = ${id}),
      (SELECT COUNT(*) FROM addresses WHERE customer_id = ${id}),
      (SELECT COUNT(*) FROM audit_log WHERE customer_id = ${id})`);
  return { orders: +o, lines: +i, subscriptions: +s, payments: +p, amount: String(amount), addresses: +a, audit: +x };
}

const erasedValues = (v) => [v.first, v.last, v.email, v.phone, v.company, v.street, v.contact, v.noteText, v.deactNote, v.oldName, v.custom, v.closureNote];

describe('the confirmation page', () => {
  test('lists what is erased and what is kept, as SQL counts them, and changes nothing', async () => {
    const p = person();
    await throughThePages(p, 200);
    const before = books(p.c.id);
    const res = await get('admin', eraseUrl(p.c.publicId));
    assert.equal(res.status, 200);
    const erased = textOf(L.blockById(res.text, 'erase-list', 'ul'));
    const kept = textOf(L.blockById(res.text, 'keep-list', 'ul'));
    assert.match(erased, new RegExp(`erased-${p.c.publicId}@erased\\.invalid`));
    assert.match(erased, new RegExp(`Addresses \\(${before.addresses}\\)`));
    assert.match(erased, /Notes \(1\): their text/);
    const texts = Number(sqlValue(`SELECT COUNT(*) FROM audit_log WHERE customer_id = ${p.c.id} AND (note IS NOT NULL OR changes IS NOT NULL)`));
    assert.ok(texts >= 2, 'the edit and the deactivation wrote texts');
    assert.match(erased, new RegExp(`recorded changes \\(${texts}\\)`));
    assert.match(kept, new RegExp(`Orders \\(${before.orders}\\) with their lines, subscriptions \\(${before.subscriptions}\\), payments \\(${before.payments}\\)`));
    assert.match(kept, new RegExp(`Audit rows \\(${before.audit}\\)`));
    // ten years after the deactivation, computed here from the stored date
    const until = sqlValue(`SELECT DATE_FORMAT(deactivated_at + INTERVAL 10 YEAR, '%Y-%m-%d') FROM customers WHERE id = ${p.c.id}`);
    assert.match(kept, new RegExp(`kept until ${until}`));
    assert.ok(tokenOf(res.text), 'the form is there');
    assert.deepEqual(books(p.c.id), before);
    assert.equal(sqlValue(`SELECT erased_at IS NULL FROM customers WHERE id = ${p.c.id}`), '1');
  });

  test('viewers and operators cannot see it; another tenant\'s customer is 404', async () => {
    const p = person();
    for (const user of ['viewer', 'operator']) assert.equal((await get(user, eraseUrl(p.c.publicId))).status, 403, user);
    assert.equal((await get('globex', eraseUrl(p.c.publicId))).status, 404);
  });
});

describe('erasing', () => {
  test('leaves no erased value in any page, export, API answer, audit page or database column; the books stay whole', async () => {
    const p = person();
    await throughThePages(p, 200);
    const values = erasedValues(p.v);
    assert.ok(dbHits(values).length >= 8, `the values are in the database before: ${dbHits(values)}`);
    const before = books(p.c.id);
    const city = sqlValue(`SELECT city FROM addresses WHERE customer_id = ${p.c.id} LIMIT 1`);
    const res = await erase('admin', p.c.publicId, { note: 'Art. 17 request by letter' });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 400));
    assert.equal(res.headers.get('location'), `/customers/${p.c.publicId}`);
    assert.equal(flashCookie(res)?.code, 'erased');

    // the database: every text column of every table
    assert.deepEqual(dbHits(values), [], 'no erased value left anywhere in the database');
    const after = books(p.c.id);
    assert.deepEqual({ ...after, audit: before.audit }, before, 'orders, lines, subscriptions, payments, amounts and addresses kept');
    assert.equal(after.audit, before.audit + 1, 'one audit row more: the erasure');
    const [[email, first, last, status, erasedBy]] = sql(`SELECT email, first_name, last_name, status, erased_by FROM customers WHERE id = ${p.c.id}`);
    assert.deepEqual([email, first, last, status, erasedBy], [`erased-${p.c.publicId}@erased.invalid`, 'Erased', 'Customer', 'inactive', 'admin']);
    assert.equal(sqlValue(`SELECT COUNT(*) FROM addresses WHERE customer_id = ${p.c.id} AND city = ${lit(city)}`), String(before.addresses),
      'the city is kept (the tenant keeps the location by default)');
    const [[action, outcome, note, changes]] = sql(`SELECT action, outcome, note, changes FROM audit_log WHERE customer_id = ${p.c.id} ORDER BY id DESC LIMIT 1`);
    assert.deepEqual([action, outcome, note], ['erase', 'ok', 'Art. 17 request by letter']);
    assert.match(changes, /gdprArticle17/);
    assert.equal(sqlValue(`SELECT COUNT(*) FROM outbox_events WHERE customer_id = ${p.c.id} AND event = 'customer.erased'`), '1');

    // everything a viewer, an admin, the API and an export can reach
    const pages = [
      ['viewer', `/customers/${p.c.publicId}`], ['admin', `/customers/${p.c.publicId}`],
      ['viewer', `/customers/${p.c.publicId}/retention`], ['viewer', `/audit?customer=${p.c.publicId}`],
      ['viewer', `/customers?q=${encodeURIComponent(p.c.publicId)}&status=all`],
      ['viewer', `/customers?status=inactive&format=csv`], ['viewer', `/closures?state=withdrawn`],
      ['admin', eraseUrl(p.c.publicId)],
    ];
    for (const [user, path] of pages) {
      const r = await get(user, path);
      assert.ok([200, 303].includes(r.status), `${path}: ${r.status}`);
      for (const x of values) assert.ok(!r.text.toLowerCase().includes(x.toLowerCase()), `${path} (as ${user}) shows ${x}`);
    }
    const cust = await get('viewer', `/customers/${p.c.publicId}`);
    const erasedAt = sqlValue(`SELECT DATE_FORMAT(erased_at, '%Y-%m-%d') FROM customers WHERE id = ${p.c.id}`);
    const until = sqlValue(`SELECT DATE_FORMAT(deactivated_at + INTERVAL 10 YEAR, '%Y-%m-%d') FROM customers WHERE id = ${p.c.id}`);
    const notice = textOf(L.blockById(cust.text, 'erased', 'section'));
    assert.match(notice, new RegExp(`Personal data erased on ${erasedAt}.* by admin; financial records kept until ${until}`));
    assert.doesNotMatch(cust.text, /href="[^"]*\/(edit|reactivate)"/, 'no way to edit or reactivate');
    const ret = await get('viewer', `/customers/${p.c.publicId}/retention`);
    assert.match(textOf(L.blockById(ret.text, 'erased', 'section')), new RegExp(`erased on ${erasedAt}.* by admin; financial records kept until ${until}`));
    assert.doesNotMatch(ret.text, /href="[^"]*\/reactivate"/);
    const search = await get('viewer', `/customers?q=${encodeURIComponent(p.v.last)}&status=all`);
    assert.ok(!search.text.includes(p.c.publicId), 'the old surname finds nothing');
    assert.equal(sqlValue(`SELECT COUNT(*) FROM customer_words WHERE customer_id = ${p.c.id}`), '0', 'nor do the placeholders: no words left');
    const byId = await get('viewer', `/customers?q=${encodeURIComponent(p.c.publicId)}&status=all`);
    assert.ok(byId.status === 303 ? byId.headers.get('location').includes(p.c.publicId) : byId.text.includes(p.c.publicId), 'its id still finds it');

    for (const path of [`/v1/customers/${p.c.publicId}`, `/v1/customers?status=inactive&search=${encodeURIComponent(p.c.publicId)}`,
      `/v1/customers?search=${encodeURIComponent(p.v.last)}`, `/v1/orders?customerId=${p.c.publicId}`]) {
      const r = await L.api(path, { key: ADMIN_KEY });
      assert.equal(r.status, 200, path);
      for (const x of values) assert.ok(!r.text.toLowerCase().includes(x.toLowerCase()), `${path} shows ${x}`);
    }
    const api = await L.api(`/v1/customers/${p.c.publicId}`, { key: ADMIN_KEY });
    assert.equal(api.json.data?.email ?? api.json.email ?? api.json.customer?.email, `erased-${p.c.publicId}@erased.invalid`);
    assert.match(JSON.stringify(api.json), /"erasedAt":"\d{4}-\d\d-\d\dT/);
  });

  test('an erased customer cannot be edited or reactivated, by page or API; each attempt is audited', async () => {
    const p = person({ history: false });
    await throughThePages(p, 200);
    assert.equal((await erase('admin', p.c.publicId)).status, 303);
    const audits = () => Number(sqlValue(`SELECT COUNT(*) FROM audit_log WHERE customer_id = ${p.c.id}`));
    const n0 = audits();
    const react = await get('operator', `/customers/${p.c.publicId}/reactivate`);
    assert.equal(react.status, 409);
    assert.equal(errorCode(react.text), 'ERASED');
    const edit = await get('operator', `/customers/${p.c.publicId}/edit`);
    assert.equal(edit.status, 409);
    const put = await L.api(`/v1/customers/${p.c.publicId}`, { key: ADMIN_KEY, method: 'PUT', json: { status: 'active' } });
    assert.equal(put.status, 409);
    assert.equal(put.json.error?.code ?? put.json.code, 'CUSTOMER_ERASED');
    const noteForm = await get('operator', `/customers/${p.c.publicId}`);
    assert.ok(!noteForm.text.includes(`/customers/${p.c.publicId}/notes"`), 'no note form on an erased customer');
    const note = await L.page(`/customers/${p.c.publicId}/notes`, {
      user: 'operator',
      form: { csrf: forgeCsrf({ user: 'operator', action: 'note', subject: p.c.publicId, expiry: nowSeconds() + 600 }), kind: 'phone', date: '2026-01-05', summary: 'new words about them' },
    });
    assert.equal(note.status, 409);
    assert.equal(sqlValue(`SELECT COUNT(*) FROM customer_notes WHERE customer_id = ${p.c.id} AND summary <> ''`), '0');
    const rename = await L.api(`/v1/customers/${p.c.publicId}`, { key: ADMIN_KEY, method: 'PUT', json: { firstName: 'Back' } });
    assert.equal(rename.status, 409);
    assert.equal(sqlValue(`SELECT CONCAT(status, '/', first_name) FROM customers WHERE id = ${p.c.id}`), 'inactive/Erased');
    const rows = sql(`SELECT action, outcome FROM audit_log WHERE customer_id = ${p.c.id} AND id > (SELECT MAX(id) FROM audit_log WHERE customer_id = ${p.c.id} AND action = 'erase') ORDER BY id`);
    assert.deepEqual(rows.map((r) => r.join(':')), ['reactivate:ERASED', 'note:ERASED', 'edit:ERASED'], `audited: ${JSON.stringify(rows)} (${audits() - n0} rows)`);
    // a second erasure changes nothing: the page says so, and a POST is a no-op
    const again = await get('admin', eraseUrl(p.c.publicId));
    assert.equal(again.status, 200);
    assert.match(textOf(again.text), /There is nothing left to erase/);
    assert.equal(tokenOf(again.text), null, 'no form');
    const snap = sql(`SELECT erased_at, erased_by, email FROM customers WHERE id = ${p.c.id}`);
    const post = await L.page(eraseUrl(p.c.publicId), { user: 'admin', form: { csrf: eraseToken(p.c.publicId), confirm: '1' } });
    assert.equal(post.status, 303);
    assert.equal(flashCookie(post)?.code, 'already_erased');
    assert.deepEqual(sql(`SELECT erased_at, erased_by, email FROM customers WHERE id = ${p.c.id}`), snap);
    assert.equal(sqlValue(`SELECT outcome FROM audit_log WHERE customer_id = ${p.c.id} AND action = 'erase' ORDER BY id DESC LIMIT 1`), 'ALREADY_ERASED');
  });
});

describe('refusals change nothing and are audited', () => {
  const snapshot = (id) => sql(`SELECT first_name, last_name, email, phone, erased_at, legal_hold FROM customers WHERE id = ${id}`)[0].join('|') +
    sql(`SELECT GROUP_CONCAT(summary) FROM customer_notes WHERE customer_id = ${id}`)[0][0];

  for (const [name, setup, code, art17Helps] of [
    ['an active customer', (p) => {}, 'CUSTOMER_ACTIVE', false],
    ['a legal hold', (p) => sql(`UPDATE customers SET status = 'inactive', deactivation_reason = 'data_cleanup', deactivated_by = 'admin', deactivated_at = UTC_TIMESTAMP() - INTERVAL 200 DAY, legal_hold = 1 WHERE id = ${p.c.id}`), 'LEGAL_HOLD', false],
    ['a pending payment', (p) => sql(`UPDATE customers SET status = 'inactive', deactivation_reason = 'data_cleanup', deactivated_by = 'admin', deactivated_at = UTC_TIMESTAMP() - INTERVAL 200 DAY WHERE id = ${p.c.id};
        INSERT INTO payments (public_id, tenant_id, customer_id, subscription_id, amount, currency, status, created_at)
        VALUES ('pay_er${uid(4)}', 1, ${p.c.id}, NULL, 9.00, 'EUR', 'processing', UTC_TIMESTAMP())`), 'PAYMENT_PENDING', false],
    ['a deactivation inside the retention period', (p) => sql(`UPDATE customers SET status = 'inactive', deactivation_reason = 'data_cleanup', deactivated_by = 'admin', deactivated_at = UTC_TIMESTAMP() - INTERVAL 10 DAY WHERE id = ${p.c.id}`), 'RETENTION_PERIOD', true],
  ]) {
    test(`${name}: 409 ${code}`, async () => {
      const p = person({ history: false });
      setup(p);
      const before = snapshot(p.c.id);
      const page = await get('admin', eraseUrl(p.c.publicId));
      assert.equal(page.status, 200);
      assert.match(textOf(page.text), new RegExp(code), 'the checks show it');
      // the page's form is shown only when an Art. 17 request can pass the check
      assert.equal(Boolean(tokenOf(page.text)), art17Helps, 'a form only when the erasure can go ahead');
      const res = await L.page(eraseUrl(p.c.publicId), { user: 'admin', form: { csrf: eraseToken(p.c.publicId), confirm: '1' } });
      assert.equal(res.status, 409, `${code}: ${res.status}`);
      assert.match(textOf(res.text), new RegExp(code));
      assert.equal(sqlValue(`SELECT outcome FROM audit_log WHERE customer_id = ${p.c.id} AND action = 'erase' ORDER BY id DESC LIMIT 1`), code);
      const api = await L.api(`/v1/customers/${p.c.publicId}/erase`, { key: ADMIN_KEY, method: 'POST', json: {} });
      assert.equal(api.status, 409, JSON.stringify(api.json));
      assert.equal(api.json.error?.code ?? api.json.code, code);
      assert.equal(sqlValue(`SELECT actor FROM audit_log WHERE customer_id = ${p.c.id} AND action = 'erase' ORDER BY id DESC LIMIT 1`).startsWith('api:'), true);
      assert.equal(snapshot(p.c.id), before, 'nothing changed');
      if (art17Helps) {
        const ok = await L.api(`/v1/customers/${p.c.publicId}/erase`, { key: ADMIN_KEY, method: 'POST', json: { gdprArticle17: true } });
        assert.equal(ok.status, 200, JSON.stringify(ok.json));
        assert.match(ok.json.erasedAt, /^\d{4}-\d\d-\d\dT/);
        assert.equal(sqlValue(`SELECT erased_at IS NOT NULL FROM customers WHERE id = ${p.c.id}`), '1');
      }
    });
  }

  test('without the confirmation tick: 400, nothing changed; an Art. 17 tick on the page erases inside the period', async () => {
    const p = person({ history: false });
    sql(`UPDATE customers SET status = 'inactive', deactivation_reason = 'data_cleanup', deactivated_by = 'admin', deactivated_at = UTC_TIMESTAMP() - INTERVAL 10 DAY WHERE id = ${p.c.id}`);
    const before = snapshot(p.c.id);
    const page = await get('admin', eraseUrl(p.c.publicId));
    assert.match(textOf(page.text), /GDPR Art\. 17/);
    const res = await L.page(eraseUrl(p.c.publicId), { user: 'admin', form: { csrf: tokenOf(page.text), art17: '1' } });
    assert.equal(res.status, 400);
    assert.equal(snapshot(p.c.id), before);
    const ok = await erase('admin', p.c.publicId, { art17: '1' });
    assert.equal(ok.status, 303);
    assert.equal(sqlValue(`SELECT changes FROM audit_log WHERE customer_id = ${p.c.id} AND action = 'erase' AND outcome = 'ok'`).includes('"new": "true"') ||
      sqlValue(`SELECT JSON_VALUE(changes, '$[0].new') FROM audit_log WHERE customer_id = ${p.c.id} AND action = 'erase' AND outcome = 'ok'`) === 'true', true);
  });

  test('operator and viewer keys are refused 403 and audited; nothing changes', async () => {
    const p = person({ history: false });
    sql(`UPDATE customers SET status = 'inactive', deactivation_reason = 'data_cleanup', deactivated_by = 'admin', deactivated_at = UTC_TIMESTAMP() - INTERVAL 200 DAY WHERE id = ${p.c.id}`);
    const before = snapshot(p.c.id);
    const r = await L.api(`/v1/customers/${p.c.publicId}/erase`, { key: OPERATOR_KEY, method: 'POST', json: {} });
    assert.equal(r.status, 403);
    assert.equal(snapshot(p.c.id), before);
    const bad = await L.api(`/v1/customers/${p.c.publicId}/erase`, { key: ADMIN_KEY, method: 'POST', json: { gdprArticle17: 'yes' } });
    assert.equal(bad.status, 400);
    assert.equal(snapshot(p.c.id), before);
  });
});

describe('the legal hold', () => {
  test('an admin sets and lifts it on the customer page; while set, the erasure is refused', async () => {
    const p = person({ history: false });
    sql(`UPDATE customers SET status = 'inactive', deactivation_reason = 'data_cleanup', deactivated_by = 'admin', deactivated_at = UTC_TIMESTAMP() - INTERVAL 200 DAY WHERE id = ${p.c.id}`);
    const hold = async (value) => {
      const page = await get('admin', `/customers/${p.c.publicId}`);
      const f = L.hiddenFields(page.text, `/customers/${p.c.publicId}/legal-hold`);
      assert.equal(f.hold, value);
      return L.page(`/customers/${p.c.publicId}/legal-hold`, { user: 'admin', form: f });
    };
    const set = await hold('1');
    assert.equal(set.status, 303);
    assert.equal(flashCookie(set)?.code, 'legal_hold');
    assert.equal(sqlValue(`SELECT legal_hold FROM customers WHERE id = ${p.c.id}`), '1');
    const viewer = await get('viewer', `/customers/${p.c.publicId}`);
    assert.ok(L.byId(viewer.text, 'legal-hold'), 'everyone sees the hold');
    assert.ok(!viewer.text.includes('/legal-hold"'), 'viewers get no form');
    const refused = await L.api(`/v1/customers/${p.c.publicId}/erase`, { key: ADMIN_KEY, method: 'POST', json: {} });
    assert.equal(refused.json.error?.code ?? refused.json.code, 'LEGAL_HOLD');
    const lift = await hold('0');
    assert.equal(lift.status, 303);
    assert.equal(sqlValue(`SELECT legal_hold FROM customers WHERE id = ${p.c.id}`), '0');
    assert.deepEqual(sql(`SELECT action, outcome FROM audit_log WHERE customer_id = ${p.c.id} AND action LIKE 'legal_hold%' ORDER BY id`).map((r) => r.join(':')),
      ['legal_hold:ok', 'legal_hold_lift:ok']);
    const op = await L.page(`/customers/${p.c.publicId}/legal-hold`, { user: 'operator', form: { hold: '1', csrf: 'x' } });
    assert.equal(op.status, 403);
    assert.equal(sqlValue(`SELECT legal_hold FROM customers WHERE id = ${p.c.id}`), '0');
  });
});
