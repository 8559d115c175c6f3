// Issue 16, deliverable 3: merging a duplicate into the customer kept. The
// confirmation page lists every record that moves and every field that
// differs; the merge moves them all in one transaction, takes the fields
// chosen, leaves the duplicate inactive with a link to where it went, and
// writes one audit row per moved record. Counters, aggregates and the
// retention figures stay exact (compared with SQL). Refusals change
// nothing. The API's POST /v1/customers/{id}/merge is the same merge.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, post, sql, sqlValue, lit, createCustomer, uid, csrfFrom, mainOf, textOf, errorCode,
  expectedRetention, retentionTable, flashCookie, forgeCsrf, nowSeconds,
} from './lib.mjs';
import { insertRecords, recordsOf } from '../sql.mjs';
import * as L from './apilib.mjs';

const mergeUrl = (dup, into) => `/customers/${dup}/merge${into ? `?into=${into}` : ''}`;

/** The aggregates the triggers keep, and the same computed from the rows. */
function aggregates(id) {
  const [[orders, mrr, devices]] = sql(`SELECT total_orders, mrr_cents, devices_out FROM customers WHERE id = ${id}`);
  const [[o, m, d]] = sql(`SELECT (SELECT COUNT(*) FROM orders WHERE customer_id = ${id}),
      (SELECT COALESCE(SUM(ROUND(monthly_amount * 100)), 0) FROM subscriptions WHERE customer_id = ${id} AND status = 'active'),
      (SELECT COUNT(*) FROM assets WHERE customer_id = ${id} AND status = 'rented_out')`);
  return { kept: [Number(orders), Number(mrr), Number(devices)], computed: [Number(o), Number(m), Number(d)] };
}

/** The list header's counters against COUNT(*) for tenant 1. */
function countersExact() {
  const kept = sql(`SELECT status, customer_type, SUM(n) FROM customer_counts WHERE tenant_id = 1 GROUP BY status, customer_type ORDER BY 1, 2`);
  const counted = sql(`SELECT status, customer_type, COUNT(*) FROM customers WHERE tenant_id = 1 GROUP BY status, customer_type ORDER BY 1, 2`);
  assert.deepEqual(kept, counted, 'customer_counts = COUNT(*)');
}

/** A duplicate pair: the customer kept (older), and a duplicate with a history, blockers and a note. */
function pair({ dupStatus = 'active' } = {}) {
  const keep = createCustomer({ firstName: 'Keeper', lastName: `Kp${uid(4)}`, history: true });
  const dup = createCustomer({ firstName: 'Dupli', lastName: keep.lastName, history: true, status: dupStatus });
  const t = uid(5);
  let ids = null;
  if (dupStatus === 'active') ids = insertRecords(dup.id, 1, `m${t}`);
  sql(`INSERT INTO customer_notes (tenant_id, customer_id, noted_on, kind, summary, created_at, created_by)
       VALUES (1, ${dup.id}, '2025-03-03', 'phone', 'Called about the duplicate account', UTC_TIMESTAMP(), 'operator')`);
  sql(`UPDATE customers SET phone = '+31 6 1111 ${t.slice(0, 4)}', company = NULL WHERE id = ${dup.id}`);
  return { keep, dup, ids };
}

async function preview(user, dup, into) {
  return get(user, mergeUrl(dup, into));
}

async function merge(user, dup, into, take = [], csrf) {
  const page = await preview(user, dup, into);
  const token = csrf ?? csrfFrom(page.text);
  return L.page(mergeUrl(dup), { user, form: { csrf: token ?? '', into, take } });
}

describe('the confirmation page', () => {
  test('lists every record that moves and every field that differs, and changes nothing', async () => {
    const { keep, dup } = pair();
    const before = recordsOf(dup.id);
    const r = await preview('operator', dup.publicId, keep.publicId);
    assert.equal(r.status, 200, r.text.slice(0, 300));
    const main = mainOf(r.text);
    for (const [kind, ids] of Object.entries(before)) {
      assert.ok(ids.length > 0, `the pair has ${kind}`);
      for (const id of ids) assert.ok(main.includes(`<code>${id}</code>`), `${kind} ${id} is listed`);
    }
    const total = Object.values(before).reduce((n, l) => n + l.length, 0);
    assert.match(textOf(main), new RegExp(`Records that move \\(${total}\\)`));
    // the fields that differ, each with its choice: first name, e-mail, phone
    for (const f of ['firstName', 'email', 'phone']) assert.match(main, new RegExp(`name="take" value="${f}"`), f);
    assert.doesNotMatch(main, /name="take" value="lastName"/, 'the same last name is no choice');
    assert.deepEqual(recordsOf(dup.id), before, 'nothing moved');
  });

  test('without a customer to keep, it asks for one; viewers do not see the form', async () => {
    const c = createCustomer();
    const r = await preview('operator', c.publicId);
    assert.equal(r.status, 200);
    assert.match(r.text, /name="into"/);
    assert.equal((await preview('viewer', c.publicId)).status, 403);
    assert.equal((await preview('operator', 'cus_nosuchmerge')).status, 404);
  });
});

describe('merging', () => {
  test('moves every record, takes the fields chosen, leaves the duplicate inactive with a link, and keeps the counts exact', async () => {
    const { keep, dup } = pair();
    const moved = recordsOf(dup.id);
    const keptBefore = recordsOf(keep.id);
    const dupRow = sql(`SELECT email, phone FROM customers WHERE id = ${dup.id}`)[0];
    const auditBefore = Number(sqlValue('SELECT COALESCE(MAX(id), 0) FROM audit_log'));
    const r = await merge('operator', dup.publicId, keep.publicId, ['email', 'phone']);
    assert.equal(r.status, 303, r.text.slice(0, 400));
    assert.equal(r.headers.get('location'), `/customers/${keep.publicId}`);
    assert.equal(flashCookie(r).code, 'merged');
    // every record is on the kept customer now, none left behind
    const after = recordsOf(keep.id);
    for (const kind of Object.keys(moved)) {
      assert.deepEqual([...after[kind]].sort(), [...keptBefore[kind], ...moved[kind]].sort(), kind);
    }
    assert.deepEqual(Object.values(recordsOf(dup.id)).flat(), [], 'nothing left on the duplicate');
    // the fields: e-mail and phone taken from the duplicate, the first name kept
    const [[first, email, phone]] = sql(`SELECT first_name, email, phone FROM customers WHERE id = ${keep.id}`);
    assert.deepEqual([first, email, phone], ['Keeper', dupRow[0], dupRow[1]]);
    // the duplicate: inactive, data_cleanup, merged into the kept one
    const [[status, reason, into, by]] = sql(`SELECT c.status, c.deactivation_reason, k.public_id, c.deactivated_by
      FROM customers c JOIN customers k ON k.id = c.merged_into WHERE c.id = ${dup.id}`);
    assert.deepEqual([status, reason, into, by], ['inactive', 'data_cleanup', keep.publicId, 'operator']);
    // aggregates and counters
    for (const id of [keep.id, dup.id]) {
      const a = aggregates(id);
      assert.deepEqual(a.kept, a.computed, `customer ${id}: total_orders, mrr_cents, devices_out`);
    }
    countersExact();
    // the retention figures of both, as the database has them
    for (const c of [keep, dup]) {
      const page = await get('viewer', `/customers/${c.publicId}/retention`);
      assert.equal(page.status, 200);
      assert.deepEqual(retentionTable(page.text), expectedRetention(c.id), c.publicId);
    }
    // the audit trail: one row per moved record, one per customer, all 'merge' ok
    const rows = sql(`SELECT subject, customer_id, outcome, JSON_UNQUOTE(JSON_EXTRACT(changes, '$[0].new')) FROM audit_log
                       WHERE id > ${auditBefore} AND action = 'merge' ORDER BY id`);
    const subjects = rows.map((x) => x[0]);
    for (const [kind, ids] of Object.entries(moved)) {
      for (const id of ids) {
        const subject = kind === 'addresses' ? `address ${id}` : kind === 'notes' ? `note ${id}` : id;
        const row = rows.find((x) => x[0] === subject);
        assert.ok(row, `an audit row for ${subject}`);
        assert.deepEqual([row[1], row[2], row[3]], [String(keep.id), 'ok', keep.publicId], subject);
      }
    }
    assert.equal(rows.length, Object.values(moved).flat().length + 2);
    assert.ok(subjects.includes(dup.publicId) && subjects.includes(keep.publicId));
    // the pages say where it went
    const dupPage = await get('viewer', `/customers/${dup.publicId}`);
    assert.match(textOf(mainOf(dupPage.text)), new RegExp(`Merged into ${keep.publicId}`));
    assert.doesNotMatch(dupPage.text, /Reactivate…/, 'a merged duplicate offers no reactivation');
    const keepPage = await get('viewer', `/customers/${keep.publicId}`);
    assert.match(textOf(mainOf(keepPage.text)), /One duplicate was merged into this customer/);
  });

  test('an inactive duplicate keeps its deactivation; a duplicate with a rental moves it (the checks apply to the customer kept)', async () => {
    const { keep, dup } = pair({ dupStatus: 'inactive' });
    const [[at, reason]] = sql(`SELECT deactivated_at, deactivation_reason FROM customers WHERE id = ${dup.id}`);
    assert.equal((await merge('admin', dup.publicId, keep.publicId)).status, 303);
    const [[at2, reason2, into]] = sql(`SELECT deactivated_at, deactivation_reason, merged_into FROM customers WHERE id = ${dup.id}`);
    assert.deepEqual([at2, reason2, into], [at, reason, String(keep.id)]);
    // a duplicate whose rental blocks its deactivation can still be merged
    const k2 = createCustomer();
    const d2 = createCustomer({ subscription: true, device: true, order: 'pending' });
    assert.equal((await merge('operator', d2.publicId, k2.publicId)).status, 303);
    const a = aggregates(k2.id);
    assert.deepEqual(a.kept, a.computed);
    assert.ok(a.kept[1] > 0 && a.kept[2] === 1, 'the rental and the device count on the customer kept');
    countersExact();
  });
});

describe('a merged duplicate stays merged', () => {
  test('its reactivation is refused (page and API), and the undo of the run that deactivated it leaves it alone', async () => {
    const keep = createCustomer();
    const dup = createCustomer();
    const other = createCustomer();
    // a bulk run deactivates the duplicate and another customer
    const tok = (action) => forgeCsrf({ user: 'admin', action, subject: '', expiry: nowSeconds() + 600 });
    const p = await L.page('/bulk/preview', { form: { csrf: tok('bulk_preview'), mode: 'paste', lines: `${dup.publicId}\n${other.publicId}` } });
    const apply = await L.page('/bulk/apply', { form: { ...L.hiddenFields(p.text, '/bulk/apply'), reason: 'data_cleanup', select: [dup.publicId, other.publicId] } });
    assert.equal(apply.status, 303);
    const run = apply.headers.get('location').slice('/bulk/'.length);
    for (let i = 0; i < 300 && sqlValue(`SELECT status FROM bulk_runs WHERE public_id = ${lit(run)}`) !== 'done'; i++) await L.sleep(100);
    assert.equal(sqlValue(`SELECT status FROM customers WHERE id = ${dup.id}`), 'inactive');
    // merged (an inactive duplicate: it keeps its deactivation, but is no run's any more)
    assert.equal((await merge('operator', dup.publicId, keep.publicId)).status, 303);
    assert.equal(sqlValue(`SELECT COALESCE(deactivated_run_id, 0) FROM customers WHERE id = ${dup.id}`), '0');
    const page = await get('operator', `/customers/${dup.publicId}/reactivate`);
    const r = await post('operator', `/customers/${dup.publicId}/reactivate`, { csrf: csrfFrom(page.text) });
    assert.equal(r.status, 409);
    assert.equal(errorCode(r.text), 'MERGED');
    const key = L.createKey({ role: 'operator', label: `merged-${uid()}` });
    const api = await L.api(`/v1/customers/${dup.publicId}`, { key: key.key, method: 'PUT', json: { status: 'active' } });
    assert.equal(api.status, 409);
    assert.equal(api.json.error.code, 'CUSTOMER_MERGED');
    assert.equal(sqlValue(`SELECT status FROM customers WHERE id = ${dup.id}`), 'inactive', 'still inactive');
    // the undo of the run: the other customer comes back, the merged one is listed as merged
    const conf = await L.page(`/bulk/${run}/undo`, { user: 'admin' });
    assert.equal(conf.status, 200);
    assert.match(L.textOf(conf.text), new RegExp(`Merged into ${keep.publicId} since`));
    const u = await L.page(`/bulk/${run}/undo`, { user: 'admin', form: L.hiddenFields(conf.text, `/bulk/${run}/undo`) });
    assert.equal(u.status, 303);
    const undoRun = u.headers.get('location').slice('/bulk/'.length);
    for (let i = 0; i < 300 && sqlValue(`SELECT status FROM bulk_runs WHERE public_id = ${lit(undoRun)}`) !== 'done'; i++) await L.sleep(100);
    assert.equal(sqlValue(`SELECT status FROM customers WHERE id = ${other.id}`), 'active');
    assert.equal(sqlValue(`SELECT status FROM customers WHERE id = ${dup.id}`), 'inactive');
  });
});

describe('refusals change nothing and are audited', () => {
  test('itself, into an inactive or merged-away customer, an already merged one, another tenant, a pending closure', async () => {
    const a = createCustomer({ history: true });
    const b = createCustomer();
    const inactive = createCustomer({ status: 'inactive' });
    const other = createCustomer({ tenant: 2 });
    const cases = [
      [a.publicId, a.publicId, 409, 'SAME_CUSTOMER'],
      [a.publicId, inactive.publicId, 409, 'KEEP_INACTIVE'],
      [a.publicId, other.publicId, 404, null],
    ];
    for (const [dup, into, status, code] of cases) {
      const before = recordsOf(a.id);
      const audit = Number(sqlValue('SELECT COALESCE(MAX(id), 0) FROM audit_log'));
      const page = await preview('operator', dup, into);
      if (status === 409) {
        assert.equal(page.status, 200, 'the confirmation page says it would be refused');
        assert.match(page.text, new RegExp(`<code>${code}</code>`));
        assert.doesNotMatch(page.text, /name="take"|type="submit" class="danger"/, 'and offers no merge');
      }
      const csrf = csrfFrom((await get('operator', mergeUrl(a.publicId, b.publicId))).text);
      const r = await L.page(mergeUrl(dup), { user: 'operator', form: { csrf, into } });
      assert.equal(r.status, status, `${dup} into ${into}: ${r.text.slice(0, 200)}`);
      assert.deepEqual(recordsOf(a.id), before, 'nothing moved');
      const rows = sql(`SELECT outcome FROM audit_log WHERE id > ${audit} AND action = 'merge'`).map((x) => x[0]);
      assert.deepEqual(rows, [code ?? 'NOT_FOUND'], 'one audit row for the attempt');
    }
    // merged away: neither merged again nor merged into
    assert.equal((await merge('operator', a.publicId, b.publicId)).status, 303);
    const c = createCustomer();
    const again = await preview('operator', a.publicId, c.publicId);
    assert.equal(again.status, 200);
    assert.match(again.text, /<code>ALREADY_MERGED<\/code>/);
    assert.doesNotMatch(again.text, /name="csrf"/, 'the confirmation of an already merged duplicate offers no merge');
    const token = forgeCsrf({ user: 'operator', action: 'merge', subject: a.publicId, expiry: nowSeconds() + 600 });
    const posted = await merge('operator', a.publicId, c.publicId, [], token);
    assert.equal(posted.status, 409);
    assert.match(posted.text, /<code>ALREADY_MERGED<\/code>/);
    assert.equal(sqlValue(`SELECT merged_into FROM customers WHERE id = ${a.id}`), String(b.id), 'still merged where it went');
    const into = await preview('operator', c.publicId, a.publicId);
    assert.match(into.text, /<code>KEEP_MERGED<\/code>/);
    // a duplicate with a pending closure request
    const d = createCustomer({ subscription: true });
    sql(`INSERT INTO closure_requests (public_id, tenant_id, customer_id, reason, requested_by, requested_at, channel)
         VALUES ('cls_m${uid(6)}', 1, ${d.id}, 'account_closure', 'operator', UTC_TIMESTAMP(3), 'page')`);
    assert.match((await preview('operator', d.publicId, c.publicId)).text, /<code>CLOSURE_PENDING<\/code>/);
  });

  test('roles and CSRF: a viewer may not merge, a form without its token is refused', async () => {
    const a = createCustomer();
    const b = createCustomer();
    const noToken = await L.page(mergeUrl(a.publicId), { user: 'operator', form: { into: b.publicId } });
    assert.equal(noToken.status, 403);
    const viewer = await L.page(mergeUrl(a.publicId), { user: 'viewer', form: { into: b.publicId, csrf: 'x' } });
    assert.equal(viewer.status, 403);
    assert.equal(sqlValue(`SELECT merged_into IS NULL FROM customers WHERE id = ${a.id}`), '1');
  });
});

describe('POST /v1/customers/{id}/merge (an extension)', () => {
  let key;
  before(() => { key = L.createKey({ role: 'operator', label: `merge-api-${uid()}`, rateLimit: 100000 }); });
  const call = (p, json) => L.api(p, { key: key.key, method: 'POST', json });

  test('answers the moved ids, and GET says where it went', async () => {
    const { keep, dup } = pair();
    const moved = recordsOf(dup.id);
    const r = await call(`/v1/customers/${dup.publicId}/merge`, { intoCustomerId: keep.publicId, takeFields: ['phone'] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.mergedInto, keep.publicId);
    assert.deepEqual(r.json.moved, moved);
    const g = await L.api(`/v1/customers/${dup.publicId}`, { key: key.key });
    assert.equal(g.json.mergedInto ?? g.json.customer?.mergedInto, keep.publicId);
    assert.equal(sqlValue(`SELECT COUNT(*) FROM audit_log WHERE action = 'merge' AND channel = 'api' AND customer_id = ${keep.id}`),
      String(Object.values(moved).flat().length + 1));
  });

  test('refusals with their codes; bad bodies are 400', async () => {
    const a = createCustomer();
    const inactive = createCustomer({ status: 'inactive' });
    let r = await call(`/v1/customers/${a.publicId}/merge`, { intoCustomerId: inactive.publicId });
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'KEEP_INACTIVE');
    r = await call(`/v1/customers/${a.publicId}/merge`, { intoCustomerId: 'cus_nosuchkeep' });
    assert.equal(r.status, 404);
    for (const body of [{}, { intoCustomerId: 'x' }, { intoCustomerId: a.publicId, takeFields: ['status'] }, { intoCustomerId: a.publicId, extra: 1 }]) {
      r = await call(`/v1/customers/${a.publicId}/merge`, body);
      assert.equal(r.status, 400, JSON.stringify(body));
    }
    const viewer = L.createKey({ role: 'viewer', label: `merge-viewer-${uid()}` });
    r = await L.api(`/v1/customers/${a.publicId}/merge`, { key: viewer.key, method: 'POST', json: { intoCustomerId: inactive.publicId } });
    assert.equal(r.status, 403);
  });
});

describe('from the possible duplicates finder', () => {
  test('each duplicate row links to its merge into the record kept', async () => {
    const email = `dupe${uid(5)}@merge-test.invalid`;
    const old = createCustomer({ email });
    const young = createCustomer({ email: email.toUpperCase() });
    const page = await L.page('/bulk', { user: 'admin' });
    const { csrf } = L.hiddenFields(page.text, '/bulk/preview');
    const r = await L.page('/bulk/preview', { user: 'admin', form: { csrf, mode: 'duplicates' } });
    assert.equal(r.status, 200);
    assert.ok(r.text.includes(`href="/customers/${young.publicId}/merge?into=${old.publicId}"`), 'the merge link');
  });
});
