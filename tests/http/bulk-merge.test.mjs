// Merging possible duplicates through a bulk run (issue 16, deliverable 3,
// "through bulk"; README "Merging duplicates"). The duplicates preview ticks
// each duplicate for a merge run into the customer kept; the run's items are
// worked by the job workers through the same merge transaction as the
// customer page's, each item's outcome recorded in it. Afterwards every
// record, aggregate and counter is compared with SQL; refusals (kept
// customer inactive, another tenant's customer, a customer merged into
// itself) are items with their code and change nothing; bad forms change
// nothing at all. Every customer a test uses is made by that test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './apilib.mjs';
import { forgeCsrf, nowSeconds } from './lib.mjs';
import { insertRecords, recordsOf } from '../sql.mjs';

const { sql, sqlOne, q } = L;
const tok = (user, action, subject = '') => forgeCsrf({ user, action, subject, expiry: nowSeconds() + 600 });

/** The duplicates preview as user: the page, its merge form's hidden fields and its pairs. */
async function duplicatesPreview(user = 'operator') {
  const r = await L.page('/bulk/preview', { user, form: { csrf: tok(user, 'bulk_preview'), mode: 'duplicates' } });
  assert.equal(r.status, 200, L.errorOf(r.text)?.message);
  r.mergeForm = L.hiddenFields(r.text, '/bulk/merge');
  r.pairs = [...r.text.matchAll(/<input type="checkbox" name="pair" form="merge-form" value="([^"]*)"/g)].map((m) => L.decodeEntities(m[1]));
  return r;
}

/** POST /bulk/merge; returns the response (303 to the run on success). */
function postMerge(form, user = 'operator') {
  return L.page('/bulk/merge', { user, form });
}

const runOf = (r) => r.headers.get('location').slice('/bulk/'.length);
const runRow = (run) => {
  const [x] = sql(`SELECT id, kind, reason, total, status, source, note FROM bulk_runs WHERE public_id = ${q(run)}`);
  return { id: x[0], kind: x[1], reason: x[2], total: Number(x[3]), status: x[4], source: x[5], note: x[6] };
};
const items = (run) => sql(`SELECT subject, COALESCE(target, ''), COALESCE(outcome, '') FROM bulk_items
                             WHERE run_id = ${runRow(run).id} ORDER BY subject`);

const union = (...rs) => Object.fromEntries(Object.keys(rs[0]).map((k) => [k, rs.flatMap((r) => r[k]).sort()]));
const sorted = (r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, [...v].sort()]));

/** The aggregates the triggers keep against the same computed from the rows. */
function aggregatesExact(id) {
  const [[o, m, d]] = sql(`SELECT total_orders, mrr_cents, devices_out FROM customers WHERE id = ${id}`);
  const [[co, cm, cd]] = sql(`SELECT (SELECT COUNT(*) FROM orders WHERE customer_id = ${id}),
      (SELECT COALESCE(SUM(ROUND(monthly_amount * 100)), 0) FROM subscriptions WHERE customer_id = ${id} AND status = 'active'),
      (SELECT COUNT(*) FROM assets WHERE customer_id = ${id} AND status = 'rented_out')`);
  assert.deepEqual([o, m, d].map(Number), [co, cm, cd].map(Number), `aggregates of customer ${id}`);
}
function countersExact() {
  const kept = sql(`SELECT status, customer_type, SUM(n) FROM customer_counts WHERE tenant_id = 1 GROUP BY 1, 2 ORDER BY 1, 2`);
  const counted = sql(`SELECT status, customer_type, COUNT(*) FROM customers WHERE tenant_id = 1 GROUP BY 1, 2 ORDER BY 1, 2`);
  assert.deepEqual(kept, counted, 'customer_counts = COUNT(*)');
}

/** A group of one kept customer and two duplicates by e-mail (any case): one with an
 * active rental (its deactivation is blocked), one with a note. */
function group() {
  const u = L.uid();
  const email = `merge.${u}@bulkmerge.invalid`;
  const keep = L.makeCustomer({ email, created: '2019-01-01 00:00:00', first: 'Kept', last: `K${u}` });
  const rented = L.makeCustomer({ email: email.toUpperCase(), created: '2021-01-01 00:00:00', first: 'Dup', last: `R${u}` });
  const noted = L.makeCustomer({ email: `Merge.${u}@BulkMerge.invalid`, created: '2022-01-01 00:00:00', first: 'Dup', last: `N${u}`, pendingOrder: 1 });
  insertRecords(keep.id, 1, `bk${u}`, { orderStatus: 'fulfilled' });
  insertRecords(rented.id, 1, `br${u}`);
  sql(`INSERT INTO customer_notes (tenant_id, customer_id, noted_on, kind, summary, created_at, created_by)
       VALUES (1, ${noted.id}, '2025-03-03', 'phone', 'A duplicate account', UTC_TIMESTAMP(), 'operator')`);
  return { keep, rented, noted };
}

test('the duplicates preview ticks each duplicate for a merge run into the customer kept', async () => {
  const g = group();
  const p = await duplicatesPreview();
  for (const d of [g.rented, g.noted]) assert.ok(p.pairs.includes(`${d.pid}>${g.keep.pid}`), `${d.pid} is offered for a merge into ${g.keep.pid}`);
  assert.ok(!p.pairs.some((x) => x.startsWith(`${g.keep.pid}>`)), 'the kept customer is not merged away');
  assert.ok(p.mergeForm?.csrf && /^[0-9a-f]{32}$/.test(p.mergeForm.nonce), 'the merge form has its token and nonce');
  const apply = L.hiddenFields(p.text, '/bulk/apply');
  assert.notEqual(p.mergeForm.nonce, apply.nonce, 'the merge form has a nonce of its own');
  const row = L.previewRows(p.text).find((r) => r.customer === g.rented.pid);
  assert.equal(row.state, 'blocked', 'the rented duplicate cannot be deactivated, yet can be merged');
  // viewers see no merge form
  const v = await duplicatesPreview('viewer').catch(() => null);
  if (v) assert.equal(v.mergeForm, null, 'no merge form for a viewer');
});

test('a merge run moves every record to the kept customer; counters, aggregates and audit stay exact', async () => {
  const g = group();
  const before = { keep: recordsOf(g.keep.id), rented: recordsOf(g.rented.id), noted: recordsOf(g.noted.id) };
  const p = await duplicatesPreview();
  const pairs = [`${g.rented.pid}>${g.keep.pid}`, `${g.noted.pid}>${g.keep.pid}`];
  const r = await postMerge({ ...p.mergeForm, note: 'bulk merge test', pair: pairs });
  assert.equal(r.status, 303, L.errorOf(r.text)?.message);
  const run = runOf(r);
  assert.match(run, /^run_[0-9a-f]{10}$/);
  await L.waitRunDone(run);
  const row = runRow(run);
  assert.deepEqual([row.kind, row.reason, row.total, row.source, row.note], ['merge', 'data_cleanup', 2, 'possible duplicates', 'bulk merge test']);
  assert.deepEqual(items(run), [[g.rented.pid, g.keep.pid, 'ok'], [g.noted.pid, g.keep.pid, 'ok']].sort((a, b) => a[0].localeCompare(b[0])));
  // every record moved, nothing left behind
  assert.deepEqual(sorted(recordsOf(g.keep.id)), union(before.keep, before.rented, before.noted));
  for (const d of [g.rented, g.noted]) {
    assert.deepEqual(Object.values(recordsOf(d.id)).flat(), [], `${d.pid} has no records left`);
    const [[status, into, reason, by]] = sql(`SELECT c.status, k.public_id, c.deactivation_reason, c.deactivated_by
        FROM customers c JOIN customers k ON k.id = c.merged_into WHERE c.id = ${d.id}`);
    assert.deepEqual([status, into, reason, by], ['inactive', g.keep.pid, 'data_cleanup', 'operator']);
    aggregatesExact(d.id);
  }
  aggregatesExact(g.keep.id);
  countersExact();
  // the audit rows belong to the run: one per moved record and one per customer
  const moved = Object.values(before.rented).flat().length + Object.values(before.noted).flat().length;
  const audits = Number(sqlOne(`SELECT COUNT(*) FROM audit_log WHERE action = 'merge' AND outcome = 'ok' AND bulk_run_id = ${row.id}`));
  assert.equal(audits, moved + 4, 'an audit row per moved record, per duplicate and per merge into the kept customer');
  assert.equal(sqlOne(`SELECT COUNT(DISTINCT channel) FROM audit_log WHERE bulk_run_id = ${row.id}`), '1');
  assert.equal(sqlOne(`SELECT channel FROM audit_log WHERE bulk_run_id = ${row.id} LIMIT 1`), 'bulk');
  // the run's page and CSV say where each went; a merge run offers no undo
  const page = await L.page(`/bulk/${run}`, { user: 'admin' });
  assert.equal(page.status, 200);
  assert.match(page.text, /id="merge-run"/);
  assert.match(L.textOf(page.text), /2 of 2 processed \(100%\): 2 merged, 0 refused/);
  assert.ok(page.text.includes(`into <a href="/customers/${g.keep.pid}"><code>${g.keep.pid}</code></a>`));
  assert.doesNotMatch(page.text, /id="undo-link"/);
  const csv = L.parseCsv((await L.page(`/bulk/${run}?format=csv`, { user: 'admin' })).text);
  assert.deepEqual(csv[0], ['seq', 'customer_id', 'email', 'first_name', 'last_name', 'outcome', 'done_at', 'merged_into']);
  assert.deepEqual(csv.slice(1).filter((x) => x.length > 1).map((x) => [x[1], x[5], x[7]]).sort(),
    [[g.rented.pid, 'ok', g.keep.pid], [g.noted.pid, 'ok', g.keep.pid]].sort());
  const undo = await L.page(`/bulk/${run}/undo`, { user: 'admin' });
  assert.equal(undo.status, 409, undo.text.slice(0, 200));
  assert.equal(L.errorOf(undo.text).code, 'RUN_IS_MERGE');
  // the same form again finds the same run, and merges nothing twice
  const again = await postMerge({ ...p.mergeForm, pair: pairs });
  assert.equal(again.status, 303);
  assert.equal(runOf(again), run);
});

test('refusals are items with their code and change nothing', async () => {
  const u = L.uid();
  const keepGone = L.makeCustomer({ email: `gone.${u}@bulkmerge.invalid`, status: 'inactive' });
  const dup = L.makeCustomer({ email: `dup.${u}@bulkmerge.invalid` });
  const self = L.makeCustomer({ email: `self.${u}@bulkmerge.invalid` });
  const other = L.makeCustomer({ tenant: 2, email: `other.${u}@bulkmerge.invalid` });
  const dupB = L.makeCustomer({ email: `dupb.${u}@bulkmerge.invalid` });
  const snap = () => sql(`SELECT id, status, COALESCE(merged_into, 0), total_orders FROM customers
                          WHERE id IN (${[keepGone, dup, self, other, dupB].map((c) => c.id).join(',')}) ORDER BY id`);
  const before = snap();
  const p = await duplicatesPreview();
  const r = await postMerge({
    ...p.mergeForm,
    pair: [`${dup.pid}>${keepGone.pid}`, `${self.pid}>${self.pid}`, `${dupB.pid}>${other.pid}`],
  });
  assert.equal(r.status, 303, L.errorOf(r.text)?.message);
  const run = runOf(r);
  await L.waitRunDone(run);
  const got = Object.fromEntries(items(run).map(([s, , o]) => [s, o]));
  assert.deepEqual(got, { [dup.pid]: 'KEEP_INACTIVE', [self.pid]: 'SAME_CUSTOMER', [dupB.pid]: 'NOT_FOUND' });
  assert.deepEqual(snap(), before, 'nothing changed');
  const page = await L.page(`/bulk/${run}`, { user: 'operator' });
  assert.match(L.textOf(page.text), /3 of 3 processed \(100%\): 0 merged, 3 refused/);
  for (const c of [dup, self, dupB]) {
    assert.equal(sqlOne(`SELECT COUNT(*) FROM audit_log WHERE action = 'merge' AND subject = ${q(c.pid)} AND bulk_run_id = ${runRow(run).id}`), '1', `one audit row for ${c.pid}`);
  }
});

test('bad forms are refused with a clear error and create no run', async () => {
  const u = L.uid();
  const a = L.makeCustomer({ email: `a.${u}@bulkmerge.invalid` });
  const b = L.makeCustomer({ email: `b.${u}@bulkmerge.invalid` });
  const c = L.makeCustomer({ email: `c.${u}@bulkmerge.invalid` });
  const runs = () => sqlOne('SELECT COUNT(*) FROM bulk_runs');
  const n0 = runs();
  const p = await duplicatesPreview();
  const cases = [
    [{ ...p.mergeForm, pair: [`${a.pid}>${b.pid}`, `${a.pid}>${c.pid}`] }, 400, 'INVALID_PARAMETER', /merged into two customers/],
    [{ ...p.mergeForm, pair: [`${a.pid}`] }, 400, 'INVALID_PARAMETER', /pair/],
    [{ ...p.mergeForm, pair: [`${a.pid}>ord_x`] }, 400, 'INVALID_PARAMETER', /pair/],
    [{ ...p.mergeForm }, 400, 'INVALID_PARAMETER', /tick at least one/],
    [{ ...p.mergeForm, nonce: 'short', pair: [`${a.pid}>${b.pid}`] }, 400, 'INVALID_PARAMETER', /nonce/],
  ];
  for (const [form, status, code, message] of cases) {
    const r = await postMerge(form);
    assert.equal(r.status, status, `${JSON.stringify(form.pair)}: ${r.text.slice(0, 200)}`);
    const e = L.errorOf(r.text);
    assert.equal(e.code, code);
    assert.match(e.message, message);
  }
  // no CSRF token, or a viewer: refused before anything
  const noCsrf = await postMerge({ nonce: p.mergeForm.nonce, pair: [`${a.pid}>${b.pid}`] });
  assert.equal(noCsrf.status, 403);
  const viewer = await postMerge({ ...p.mergeForm, csrf: tok('viewer', 'bulk_merge'), pair: [`${a.pid}>${b.pid}`] }, 'viewer');
  assert.equal(viewer.status, 403);
  assert.equal(runs(), n0, 'no run was created');
  assert.equal(sqlOne(`SELECT COUNT(*) FROM customers WHERE id IN (${a.id}, ${b.id}, ${c.id}) AND merged_into IS NOT NULL`), '0');
});
