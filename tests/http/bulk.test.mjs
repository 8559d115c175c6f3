// Bulk clean-up (SPEC §5, issue "bulk clean-up"): preview, apply, the run
// processed by the job worker, CSV, filters, duplicates, bad input, roles,
// and a connection killed while a run is going on. Every customer a test
// changes is made by that test (unique ids and e-mail domains).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeOrder } from '../sql.mjs';
import net from 'node:net';
import * as L from './apilib.mjs';

const { sql, sqlOne, q } = L;

// ---- helpers -----------------------------------------------------------------------

/** csrf of the preview forms on GET /bulk, for a user. */
async function previewCsrf(user = 'admin') {
  const r = await L.page('/bulk', { user });
  assert.equal(r.status, 200, r.text);
  const f = L.hiddenFields(r.text, '/bulk/preview');
  assert.ok(f && f.csrf, 'the preview form carries a CSRF token');
  return f.csrf;
}

/** POST /bulk/preview; returns the response with rows, totals and the apply form's hidden fields. */
async function preview(form, user = 'admin') {
  const csrf = await previewCsrf(user);
  const r = await L.page('/bulk/preview', { user, form: { csrf, ...form } });
  r.rows = L.previewRows(r.text);
  r.totals = L.previewTotals(r.text);
  r.apply = L.hiddenFields(r.text, '/bulk/apply');
  return r;
}

async function pastePreview(lines, user = 'admin') {
  const r = await preview({ mode: 'paste', lines: Array.isArray(lines) ? lines.join('\n') : lines }, user);
  assert.equal(r.status, 200, L.errorOf(r.text)?.message || r.text.slice(0, 300));
  return r;
}

async function filterPreview(filter) {
  const r = await preview({ mode: 'filter', ...filter });
  assert.equal(r.status, 200, L.errorOf(r.text)?.message || r.text.slice(0, 300));
  return r;
}

/** POST /bulk/apply with the preview's hidden fields, a reason and the chosen ids. */
function applyForm(p, select, reason = 'data_cleanup', note) {
  assert.ok(p.apply && p.apply.csrf && p.apply.nonce, 'the preview has an apply form');
  return { ...p.apply, reason, note, select };
}

async function apply(form, user = 'admin') {
  return L.page('/bulk/apply', { user, form });
}

/** Starts a run; returns { run, location, res }. */
async function startRun(p, select, reason, note) {
  const r = await apply(applyForm(p, select, reason, note));
  assert.equal(r.status, 303, L.errorOf(r.text)?.message || r.text.slice(0, 300));
  const location = r.headers.get('location');
  assert.match(location, /^\/bulk\/run_[0-9a-f]+$/);
  return { run: location.slice('/bulk/'.length), location, res: r };
}

/** Polls GET /bulk/{run} until #run-status says done; returns the final page. */
async function waitDone(run, timeoutMs = 30000) {
  const t0 = Date.now();
  for (;;) {
    const r = await L.page(`/bulk/${run}`);
    assert.equal(r.status, 200, r.text.slice(0, 300));
    const status = L.byId(r.text, 'run-status');
    assert.ok(['queued', 'running', 'done'].includes(status), `run status ${status}`);
    const refresh = L.refreshes(r.text);
    if (status === 'done') {
      assert.ok(!refresh, 'a finished run does not refresh itself');
      return r;
    }
    assert.ok(refresh, 'a run in progress refreshes itself');
    assert.ok(Date.now() - t0 < timeoutMs, `run ${run} not done after ${timeoutMs} ms (status ${status})`);
    await L.sleep(200);
  }
}

function runRow(run) {
  const [r] = sql(`SELECT id, status, total, actor, reason, COALESCE(note, ''), source,
                          started_at IS NOT NULL, finished_at IS NOT NULL
                     FROM bulk_runs WHERE public_id = ${q(run)}`);
  return r && { id: r[0], status: r[1], total: Number(r[2]), actor: r[3], reason: r[4], note: r[5], source: r[6], started: r[7] === '1', finished: r[8] === '1' };
}

/** { subject: outcome } of a run's items. */
function itemOutcomes(runId) {
  return Object.fromEntries(sql(`SELECT subject, outcome FROM bulk_items WHERE run_id = ${runId}`));
}

/** An e-mail domain of a test's own, so that filters see only its customers. */
function domainOf(tag) {
  return `${tag}.bulk.invalid`;
}

function snapshot(customers) {
  const ids = customers.map((c) => c.id).join(',');
  return {
    customers: sql(`SELECT id, status, updated_at, deactivated_at, deactivated_by FROM customers WHERE id IN (${ids}) ORDER BY id`),
    audit: sqlOne(`SELECT COUNT(*) FROM audit_log WHERE customer_id IN (${ids})`),
    runs: sqlOne('SELECT COUNT(*) FROM bulk_runs'),
    items: sqlOne('SELECT COUNT(*) FROM bulk_items'),
  };
}

const rowOf = (p, pid) => p.rows.filter((r) => r.customer === pid);

// ---- preview --------------------------------------------------------------------------

test('paste preview classifies every line (eligible, blocked with codes and counts, not found, already inactive), merges repeats, changes nothing', async () => {
  const u = L.uid();
  const d = domainOf(u);
  const clean = L.makeCustomer({ domain: d });
  const byMail = L.makeCustomer({ email: `Mixed.Case.${u}@Paste.Invalid` });
  const sub = L.makeCustomer({ domain: d, subscription: 1 });
  const ord = L.makeCustomer({ domain: d, pendingOrder: 2 });
  const dev = L.makeCustomer({ domain: d, device: 1 });
  const all = L.makeCustomer({ domain: d, subscription: 1, pendingOrder: 1, device: 2 });
  L.addBlockers(all, { pendingOrder: 1, orderStatus: 'confirmed' });
  const gone = L.makeCustomer({ domain: d, status: 'inactive' });
  const twinA = L.makeCustomer({ email: `twin.${u}@paste.invalid` });
  const twinB = L.makeCustomer({ email: `TWIN.${u}@paste.invalid` });
  const mine = [clean, byMail, sub, ord, dev, all, gone, twinA, twinB];
  const before = snapshot(mine);

  const lines = [
    '',
    `   ${clean.pid}   `,
    `\t${byMail.email.toUpperCase()}\t`,
    sub.pid,
    ord.pid,
    dev.pid,
    all.pid,
    gone.pid,
    'cus_fixture_globex',
    'gina.globex@fixture.example',
    `cus_bnothere${u}`,
    `nobody.${u}@paste.invalid`,
    'not an id',
    '   ',
    clean.pid,
    ` ${clean.pid}`,
    byMail.email.toLowerCase(),
    `twin.${u}@paste.invalid`,
    '<script>alert(1)</script>',
    '',
  ].join('\r\n');
  const p = await pastePreview(lines);

  const expect = [
    [clean.pid, 'eligible', 'eligible', '2'],
    [byMail.pid, 'eligible', 'eligible', '3'],
    [sub.pid, 'blocked', 'CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS (1)', '4'],
    [ord.pid, 'blocked', 'CUSTOMER_HAS_PENDING_ORDERS (2)', '5'],
    [dev.pid, 'blocked', 'CUSTOMER_HAS_UNRETURNED_DEVICES (1)', '6'],
    [all.pid, 'blocked', 'CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS (1), CUSTOMER_HAS_PENDING_ORDERS (2), CUSTOMER_HAS_UNRETURNED_DEVICES (2)', '7'],
    [gone.pid, 'inactive', 'ALREADY_INACTIVE', '8'],
  ];
  for (const [pid, state, outcome, line] of expect) {
    const rows = rowOf(p, pid);
    assert.equal(rows.length, 1, `${pid} listed once`);
    assert.equal(rows[0].state, state, pid);
    assert.equal(rows[0].outcome, outcome, pid);
    assert.equal(rows[0].line, line, `${pid}: line number`);
    assert.equal(rows[0].select, state === 'eligible' ? pid : null, `${pid}: selectable only when eligible`);
  }
  assert.equal(rowOf(p, byMail.pid)[0].input, byMail.email.toUpperCase(), 'e-mails match whatever their case');
  assert.equal(rowOf(p, clean.pid)[0].input, clean.pid, 'surrounding spaces are trimmed');
  // an e-mail shared (in any case) by two customers proposes both
  for (const t of [twinA, twinB]) {
    assert.deepEqual(rowOf(p, t.pid).map((r) => [r.state, r.line]), [['eligible', '18']], t.pid);
  }
  // typed text comes back escaped
  assert.ok(!p.text.includes('<script>alert(1)</script>'));
  assert.ok(p.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));

  const notFound = p.rows.filter((r) => r.state === 'not-found');
  assert.deepEqual(notFound.map((r) => [r.input, r.outcome, r.customer]), [
    ['cus_fixture_globex', 'NOT_FOUND', null],
    ['gina.globex@fixture.example', 'NOT_FOUND', null],
    [`cus_bnothere${u}`, 'NOT_FOUND', null],
    [`nobody.${u}@paste.invalid`, 'NOT_FOUND', null],
    ['not an id', 'NOT_FOUND', null],
    ['<script>alert(1)</script>', 'NOT_FOUND', null],
  ]);
  assert.match(notFound[4].note, /not a customer id or e-mail/);
  assert.ok(!p.text.includes('Gina'), "another tenant's customer is not shown");
  assert.equal(p.rows.length, 15);

  assert.deepEqual(p.totals, {
    Candidates: 15,
    Eligible: 4,
    Blocked: 4,
    CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS: 2,
    CUSTOMER_HAS_PENDING_ORDERS: 2,
    CUSTOMER_HAS_UNRETURNED_DEVICES: 2,
    'Not found': 6,
    'Already inactive': 1,
    'Repeats merged': 3,
  });
  assert.match(p.text, /Preview: nothing has changed yet/);
  assert.match(p.apply.nonce, /^[0-9a-f]{32}$/);
  assert.ok(p.apply.csrf);
  assert.match(p.apply.source, /pasted list of 17 lines/);

  assert.deepEqual(snapshot(mine), before, 'a preview changes nothing');
});

test('apply deactivates exactly the selected eligible customers; a blocker added after the preview is honoured; run page, audit and run list', async () => {
  const u = L.uid();
  const d = domainOf(u);
  const [e1, e2, e3, late, elsewhere] = [1, 2, 3, 4, 5].map(() => L.makeCustomer({ domain: d }));
  const p = await pastePreview([e1.pid, e2.pid, e3.pid, late.pid, elsewhere.pid]);
  assert.deepEqual(p.rows.map((r) => r.state), ['eligible', 'eligible', 'eligible', 'eligible', 'eligible']);

  // between preview and apply, the business places an order for one of
  // them, and someone deactivates another on its own page
  L.addBlockers(late, { pendingOrder: 1 });
  sql(`UPDATE customers SET status = 'inactive', deactivated_at = UTC_TIMESTAMP(), deactivated_by = 'operator',
         deactivation_reason = 'compliance' WHERE id = ${elsewhere.id}`);
  const note = `bulk test ${u}: “clean-up” ✓`;
  // e2 is not ticked; e1 is ticked twice; a tampered form adds another tenant's customer
  const { run, res } = await startRun(p, [e1.pid, e3.pid, late.pid, elsewhere.pid, e1.pid, 'cus_fixture_globex'], 'account_closure', note);
  assert.ok(res.headers.getSetCookie().some((c) => /^flash=bulk_started;/.test(c)));

  const page = await waitDone(run);
  assert.equal(L.byId(page.text, 'run-status'), 'done');
  assert.equal(L.byId(page.text, 'n-ok'), '2');
  assert.equal(L.byId(page.text, 'n-refused'), '3');
  assert.match(L.blockById(page.text, 'progress-text', 'p'), /^5 of 5 processed \(100%\): 2 deactivated, 3 refused\.$/);
  assert.match(page.text, /CUSTOMER_HAS_PENDING_ORDERS/);
  assert.match(page.text, /<code>cus_fixture_globex<\/code>/);
  assert.ok(page.text.includes(note), 'the note is shown');
  assert.match(page.text, new RegExp(`href="/bulk/${run}\\?format=csv"`));

  // exactly the selected eligible customers became inactive
  const st = Object.fromEntries(sql(`SELECT public_id, CONCAT_WS('|', status, COALESCE(deactivation_reason, ''), COALESCE(deactivated_by, ''), COALESCE(deactivation_note, ''))
                                       FROM customers WHERE id IN (${[e1, e2, e3, late, elsewhere].map((c) => c.id).join(',')})`));
  assert.deepEqual(st, {
    [e1.pid]: `inactive|account_closure|admin|${note}`,
    [e2.pid]: 'active|||',
    [e3.pid]: `inactive|account_closure|admin|${note}`,
    [late.pid]: 'active|||',
    [elsewhere.pid]: 'inactive|compliance|operator|',
  });
  assert.equal(L.statusOf('cus_fixture_globex'), 'active');

  const row = runRow(run);
  assert.deepEqual([row.status, row.total, row.actor, row.reason, row.note, row.started, row.finished],
    ['done', 5, 'admin', 'account_closure', note, true, true]);
  assert.equal(row.source, p.apply.source);
  assert.deepEqual(itemOutcomes(row.id), {
    [e1.pid]: 'ok',
    [e3.pid]: 'ok',
    [late.pid]: 'CUSTOMER_HAS_PENDING_ORDERS',
    [elsewhere.pid]: 'ALREADY_INACTIVE',
    cus_fixture_globex: 'NOT_FOUND',
  });
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_items WHERE run_id = ${row.id}`), '5', 'a customer ticked twice is one item');
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_items WHERE run_id = ${row.id} AND (outcome IS NULL OR done_at IS NULL)`), '0');

  // one audit row per item, tied to the run, channel bulk
  const audit = sql(`SELECT subject, actor, channel, action, reason, outcome, COALESCE(note, '') FROM audit_log
                      WHERE bulk_run_id = ${row.id} ORDER BY subject`);
  assert.deepEqual(audit, [
    [e1.pid, 'admin', 'bulk', 'deactivate', 'account_closure', 'ok', note],
    [e3.pid, 'admin', 'bulk', 'deactivate', 'account_closure', 'ok', note],
    [late.pid, 'admin', 'bulk', 'deactivate', 'account_closure', 'CUSTOMER_HAS_PENDING_ORDERS', note],
    [elsewhere.pid, 'admin', 'bulk', 'deactivate', 'account_closure', 'ALREADY_INACTIVE', note],
    ['cus_fixture_globex', 'admin', 'bulk', 'deactivate', 'account_closure', 'NOT_FOUND', note],
  ].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  assert.equal(sqlOne(`SELECT COUNT(*) FROM audit_log WHERE customer_id = ${e2.id}`), '0', 'an unselected customer is not touched');
  // the run and its audit rows carry the id of the request that applied it
  const rid = res.headers.get('x-request-id');
  assert.match(rid || '', /^[0-9a-f]{16,}$/);
  assert.equal(sqlOne(`SELECT request_id FROM bulk_runs WHERE id = ${row.id}`), rid);
  assert.deepEqual(sql(`SELECT DISTINCT request_id FROM audit_log WHERE bulk_run_id = ${row.id}`), [[rid]]);
  assert.equal(sqlOne(`SELECT COUNT(*) FROM audit_log WHERE bulk_run_id = ${row.id} AND customer_id = (SELECT id FROM customers WHERE public_id = 'cus_fixture_globex')`), '0',
    "the refusal is not tied to another tenant's customer");

  // GET /bulk lists the run
  const list = await L.page('/bulk');
  assert.ok(list.text.includes(`href="/bulk/${run}"`), 'the run links to its page');
  const listed = L.tableRows(list.text).find((cells) => cells[0] === run);
  assert.ok(listed, 'GET /bulk lists the run');
  // run, status, started by, reason, chosen by, customers, deactivated, created
  assert.deepEqual(listed.slice(0, 7), [run, 'done', 'admin', 'Account closure', p.apply.source, '5', '2']);

  // a viewer may look; another tenant may not even see it
  assert.equal((await L.page(`/bulk/${run}`, { user: 'viewer' })).status, 200);
  const other = await L.page(`/bulk/${run}`, { user: 'globex' });
  assert.equal(other.status, 404);
  assert.equal(L.errorOf(other.text).code, 'NOT_FOUND');
  assert.ok(!(await L.page('/bulk', { user: 'globex' })).text.includes(run));
  assert.equal((await L.page(`/bulk/${run}?format=csv`, { user: 'globex' })).status, 404);
});

test('the same apply form submitted twice (one after the other, or at once) makes one run', async () => {
  const u = L.uid();
  const cs = [1, 2].map(() => L.makeCustomer({ domain: domainOf(u) }));
  const p = await pastePreview(cs.map((c) => c.pid));
  const form = applyForm(p, cs.map((c) => c.pid));
  const first = await apply(form);
  const second = await apply(form);
  assert.equal(first.status, 303);
  assert.equal(second.status, 303);
  assert.equal(second.headers.get('location'), first.headers.get('location'));
  assert.ok(first.headers.getSetCookie().some((c) => /^flash=bulk_started;/.test(c)));
  const flash = second.headers.getSetCookie().find((c) => /^flash=/.test(c));
  assert.match(flash || '', /^flash=bulk_resubmitted;/);
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_runs WHERE form_nonce = ${q(form.nonce)}`), '1');
  const run = first.headers.get('location').slice('/bulk/'.length);
  const row = runRow(run);
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_items WHERE run_id = ${row.id}`), '2');
  // the page after the second submission says so
  const shown = await L.page(second.headers.get('location'), { cookie: flash.split(';')[0] });
  assert.match(shown.text, /already applied/);
  await waitDone(run);
  assert.equal(sqlOne(`SELECT COUNT(*) FROM audit_log WHERE bulk_run_id = ${row.id}`), '2', 'each customer processed once');

  // two submissions racing each other
  const more = [1, 2, 3].map(() => L.makeCustomer({ domain: domainOf(u) }));
  const p2 = await pastePreview(more.map((c) => c.pid));
  const form2 = applyForm(p2, more.map((c) => c.pid));
  const answers = await Promise.all([apply(form2), apply(form2), apply(form2)]);
  for (const a of answers) assert.equal(a.status, 303, L.errorOf(a.text)?.message);
  assert.equal(new Set(answers.map((a) => a.headers.get('location'))).size, 1);
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_runs WHERE form_nonce = ${q(form2.nonce)}`), '1');
  const run2 = answers[0].headers.get('location').slice('/bulk/'.length);
  await waitDone(run2);
  assert.equal(sqlOne(`SELECT COUNT(*) FROM audit_log WHERE bulk_run_id = ${runRow(run2).id}`), '3');
});

test('CSV of a run: RFC 4180 with a header, every item, quoting, and formula cells neutralised', async () => {
  const u = L.uid();
  const d = domainOf(u);
  const f1 = L.makeCustomer({ domain: d, first: '=HYPERLINK("http://evil.example","x")', last: 'Doe, Jr.' });
  const f2 = L.makeCustomer({ domain: d, first: '@SUM(A1:A9)', last: '+1-2' });
  const f3 = L.makeCustomer({ domain: d, first: 'Plain', last: '-minus' });
  const f4 = L.makeCustomer({ domain: d, first: 'Line\nBreak', last: 'O"Quote' });
  const p = await pastePreview([f1, f2, f3, f4].map((c) => c.pid));
  assert.equal(p.totals.Eligible, 4);
  L.addBlockers(f3, { device: 1 });
  const { run } = await startRun(p, [f1, f2, f3, f4].map((c) => c.pid));
  await waitDone(run);

  const r = await L.page(`/bulk/${run}?format=csv`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.match(r.headers.get('content-disposition') || '', new RegExp(`^attachment; filename="${run}\\.csv"$`));
  const records = L.parseCsv(r.text); // throws unless strictly RFC 4180 (CRLF, quoting)
  assert.deepEqual(records[0], ['seq', 'customer_id', 'email', 'first_name', 'last_name', 'outcome', 'done_at']);
  assert.equal(records.length, 5);
  for (const rec of records) assert.equal(rec.length, 7);
  const by = Object.fromEntries(records.slice(1).map((x) => [x[1], x]));
  assert.deepEqual(by[f1.pid].slice(2, 6), [f1.email, `'=HYPERLINK("http://evil.example","x")`, 'Doe, Jr.', 'ok']);
  assert.deepEqual(by[f2.pid].slice(2, 6), [f2.email, "'@SUM(A1:A9)", "'+1-2", 'ok']);
  assert.deepEqual(by[f3.pid].slice(2, 6), [f3.email, 'Plain', "'-minus", 'CUSTOMER_HAS_UNRETURNED_DEVICES']);
  assert.deepEqual(by[f4.pid].slice(2, 6), [f4.email, 'Line\nBreak', 'O"Quote', 'ok']);
  assert.deepEqual(records.slice(1).map((x) => x[0]).sort(), ['1', '2', '3', '4']);
  for (const rec of records.slice(1)) assert.match(rec[6], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/, 'done_at');
  // the raw cells, as a spreadsheet reads them
  assert.ok(r.text.includes(`,"'=HYPERLINK(""http://evil.example"",""x"")","Doe, Jr.",ok,`));
  assert.ok(r.text.includes(`,"'@SUM(A1:A9)","'+1-2",ok,`));
  for (const rec of records) for (const cell of rec) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `cell ${JSON.stringify(cell)} would be a formula`);
});

// ---- filters and duplicates ------------------------------------------------------------

test('filter by e-mail domain: active customers of that domain, case-insensitive; bad filters are 400', async () => {
  const u = L.uid();
  const d = domainOf(u);
  const a = L.makeCustomer({ domain: d });
  const b = L.makeCustomer({ domain: d, pendingOrder: 1 });
  const c = L.makeCustomer({ domain: d, status: 'inactive' });
  const e = L.makeCustomer({ email: `upper.${u}@${d.toUpperCase()}` });
  const other = L.makeCustomer({ domain: `x${d}` });
  const p = await filterPreview({ domain: d.toUpperCase() });
  assert.deepEqual(p.rows.map((r) => [r.customer, r.state]).sort(), [
    [a.pid, 'eligible'], [b.pid, 'blocked'], [e.pid, 'eligible'],
  ].sort());
  assert.equal(rowOf(p, b.pid)[0].outcome, 'CUSTOMER_HAS_PENDING_ORDERS (1)');
  assert.ok(!p.rows.some((r) => r.customer === c.pid || r.customer === other.pid));
  assert.equal(p.totals.Candidates, 3);
  assert.equal(p.totals.Eligible, 2);
  assert.equal(p.totals.Blocked, 1);
  assert.match(p.apply.source, new RegExp(`domain=${d.toUpperCase().replace(/\./g, '\\.')}`));

  for (const [form, name] of [
    [{ domain: 'bad domain!' }, 'domain'],
    [{ created_before: '2025-02-30' }, 'created_before'],
    [{ created_before: '01/02/2025' }, 'created_before'],
    [{ idle_since: 'yesterday' }, 'idle_since'],
    [{ no_orders: 'yes' }, 'no_orders'],
  ]) {
    const r = await preview({ mode: 'filter', ...form });
    assert.equal(r.status, 400, JSON.stringify(form));
    assert.match(L.errorOf(r.text).message, new RegExp(`^${name}`));
  }
  const none = await preview({ mode: 'filter' });
  assert.equal(none.status, 400);
  assert.equal(L.errorOf(none.text).code, 'NO_FILTER');
  const nomode = await preview({ lines: a.pid });
  assert.equal(nomode.status, 400);
  assert.match(L.errorOf(nomode.text).message, /^mode/);
});

test('filter created_before: exactly the active customers created before the date', async () => {
  const u = L.uid();
  const d = domainOf(u);
  const p1 = L.makeCustomer({ domain: d, created: '2003-05-01 10:00:00' });
  const p2 = L.makeCustomer({ domain: d, created: '2003-12-31 23:59:59' });
  const p3 = L.makeCustomer({ domain: d, created: '2004-01-01 00:00:00' });
  const p4 = L.makeCustomer({ domain: d, created: '2003-06-01 00:00:00', status: 'inactive' });
  const p = await filterPreview({ created_before: '2004-01-01' });
  const want = sql("SELECT public_id FROM customers WHERE tenant_id = 1 AND status = 'active' AND created_at < '2004-01-01'").map((r) => r[0]);
  assert.deepEqual(p.rows.map((r) => r.customer).sort(), want.sort());
  assert.ok(want.includes(p1.pid) && want.includes(p2.pid));
  assert.ok(!p.rows.some((r) => r.customer === p3.pid || r.customer === p4.pid));
  // with a domain: only ours
  const pd = await filterPreview({ created_before: '2004-01-01', domain: d });
  assert.deepEqual(pd.rows.map((r) => r.customer).sort(), [p1.pid, p2.pid].sort());
  assert.ok(pd.rows.every((r) => r.state === 'eligible' && r.select === r.customer));
});

test('filter no_orders: customers who never ordered (an order in any status counts)', async () => {
  const u = L.uid();
  const d = domainOf(u);
  const n1 = L.makeCustomer({ domain: d });
  const n2 = L.makeCustomer({ domain: d, pendingOrder: 1, orderStatus: 'fulfilled' });
  const n3 = L.makeCustomer({ domain: d, pendingOrder: 1, orderStatus: 'cancelled' });
  const n4 = L.makeCustomer({ domain: d });
  sql(`INSERT INTO payments (public_id, tenant_id, customer_id, amount, currency, status, paid_at, created_at)
       VALUES (${q(`pay_b${L.uid()}`)}, 1, ${n4.id}, 5.00, 'EUR', 'paid', '2025-01-02', '2025-01-02')`);
  const p = await filterPreview({ domain: d, no_orders: '1' });
  assert.deepEqual(p.rows.map((r) => r.customer).sort(), [n1.pid, n4.pid].sort());
  assert.ok(!p.rows.some((r) => [n2.pid, n3.pid].includes(r.customer)));
  // alone, compared with the orders table itself
  const all = await filterPreview({ no_orders: '1' });
  const want = sql(`SELECT public_id FROM customers c WHERE tenant_id = 1 AND status = 'active'
                       AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)`).map((r) => r[0]);
  assert.deepEqual(all.rows.map((r) => r.customer).sort(), want.sort());
  assert.ok(all.rows.length > 1);
});

test('filter idle_since: no order and no payment on or after the date', async () => {
  const u = L.uid();
  const d = domainOf(u);
  const order = (c, at) => sql(`INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
                                 VALUES (${q(`ord_b${L.uid()}`)}, 1, ${c.id}, 'fulfilled', 10.00, 'EUR', ${q(at)});
                                 ${completeOrder()}`);
  const pay = (c, at) => sql(`INSERT INTO payments (public_id, tenant_id, customer_id, amount, currency, status, paid_at, created_at)
                               VALUES (${q(`pay_b${L.uid()}`)}, 1, ${c.id}, 10.00, 'EUR', 'paid', ${q(at)}, ${q(at)})`);
  const [i1, i2, i3, i4, i5, i6] = [1, 2, 3, 4, 5, 6].map(() => L.makeCustomer({ domain: d, created: '2023-01-01 00:00:00' }));
  order(i1, '2024-06-01 00:00:00');
  order(i2, '2025-06-01 00:00:00');
  pay(i3, '2025-03-01 00:00:00');
  pay(i5, '2024-01-01 00:00:00');
  order(i5, '2024-02-01 00:00:00');
  order(i6, '2025-01-01 00:00:00');
  const p = await filterPreview({ domain: d, idle_since: '2025-01-01' });
  assert.deepEqual(p.rows.map((r) => r.customer).sort(), [i1.pid, i4.pid, i5.pid].sort());
  // combined with no_orders: only the one with no order at all
  const p2 = await filterPreview({ domain: d, idle_since: '2025-01-01', no_orders: '1' });
  assert.deepEqual(p2.rows.map((r) => r.customer), [i4.pid]);
});

test('a filter matching more than 10,000 customers is refused with a clear message', async (t) => {
  const matching = Number(sqlOne("SELECT COUNT(*) FROM customers WHERE tenant_id = 1 AND status = 'active' AND created_at < '2999-12-31'"));
  if (matching <= 10000) {
    // The demo data of scripts/check (CUSTOMERS=2000) has fewer active
    // customers than the limit, and making 10,000 more here would disturb
    // the other test files sharing the database: this case runs only on a
    // larger data set (e.g. CUSTOMERS=20000).
    t.skip(`only ${matching} active customers: the 10,000 limit cannot be exceeded by a filter`);
    return;
  }
  const r = await preview({ mode: 'filter', created_before: '2999-12-31' });
  assert.equal(r.status, 400);
  assert.equal(L.errorOf(r.text).code, 'TOO_MANY_MATCHES');
  assert.match(L.errorOf(r.text).message, /more than 10,000/);
});

test('duplicates: grouped by e-mail (any case) and by name + phone; the oldest of each group is kept and named', async () => {
  const u = L.uid();
  const d = 'dup.invalid';
  const phone = `+00 ${u}`;
  const name = { first: 'Dupe', last: `Name${u}` };
  const mk = (o) => L.makeCustomer({ first: `F${L.uid(3)}`, last: `L${L.uid(3)}`, ...o });
  const eA = mk({ email: `dup.${u}@${d}`, created: '2021-01-01 00:00:00' });
  const eB = mk({ email: `DUP.${u}@${d}`, created: '2019-06-01 00:00:00' }); // oldest: kept
  const eC = mk({ email: `Dup.${u}@Dup.Invalid`, created: '2022-01-01 00:00:00', ...name, phone }); // in both groups
  const eD = mk({ email: `dup.${u}@DUP.invalid`, created: '2023-01-01 00:00:00', status: 'inactive' });
  const eE = mk({ email: `dUp.${u}@${d}`, created: '2024-01-01 00:00:00', pendingOrder: 1 });
  const nA = mk({ email: `na.${u}@${d}`, created: '2022-05-01 00:00:00', ...name, phone });
  const nB = mk({ email: `nb.${u}@${d}`, created: '2018-01-01 00:00:00', ...name, phone }); // oldest: kept
  const nC = mk({ email: `nc.${u}@${d}`, created: '2020-01-01 00:00:00', ...name, phone, status: 'inactive' });
  const single = mk({ email: `single.${u}@${d}`, ...name, phone: `+01 ${u}` });

  const p = await preview({ mode: 'duplicates' });
  assert.equal(p.status, 200, L.errorOf(p.text)?.message);
  const mine = new Set([eA, eB, eC, eD, eE, nA, nB, nC, single].map((c) => c.pid));
  const got = p.rows.filter((r) => mine.has(r.customer));
  assert.deepEqual(got.map((r) => r.customer).sort(), [eA.pid, eC.pid, eE.pid, nA.pid].sort(), 'proposed: the younger active members');
  const by = Object.fromEntries(got.map((r) => [r.customer, r]));
  for (const c of [eA, eC, eE]) assert.equal(by[c.pid].note, `same e-mail as ${eB.pid} (oldest, kept)`);
  assert.equal(by[nA.pid].note, `same name and phone as ${nB.pid} (oldest, kept)`);
  assert.equal(by[eA.pid].state, 'eligible');
  assert.equal(by[eE.pid].state, 'blocked');
  assert.equal(by[eE.pid].outcome, 'CUSTOMER_HAS_PENDING_ORDERS (1)');
  assert.equal(p.apply.source, 'possible duplicates');
  // every proposal of the whole tenant has its kept customer, which is older and not proposed
  const proposed = new Set(p.rows.map((r) => r.customer));
  for (const r of p.rows) {
    const kept = /as (cus_\w+) \(oldest, kept\)/.exec(r.note)?.[1];
    assert.ok(kept, `note of ${r.customer}: ${r.note}`);
    assert.ok(!proposed.has(kept), `${kept} is kept, not proposed`);
    const [older] = sql(`SELECT (k.created_at, k.id) < (c.created_at, c.id) FROM customers k, customers c
                          WHERE k.public_id = ${q(kept)} AND c.public_id = ${q(r.customer)}`)[0];
    assert.equal(older, '1', `${kept} is older than ${r.customer}`);
  }
});

// ---- bad input, roles ------------------------------------------------------------------

test('bad pasted input: over 10,000 lines 413, a line over 254 characters 400 naming it, invalid UTF-8 or binary 400, empty 400', async () => {
  const lines = (n) => Array.from({ length: n }, (_, i) => `nobody${i}@lines.invalid`);
  let r = await preview({ mode: 'paste', lines: lines(10001).join('\n') });
  assert.equal(r.status, 413);
  let e = L.errorOf(r.text);
  assert.equal(e.code, 'TOO_MANY_LINES');
  assert.match(e.message, /10,000/);
  assert.match(e.message, /line 10001/);
  // blank lines do not count
  r = await preview({ mode: 'paste', lines: ['', ...lines(10000), '', '  '].join('\n') });
  assert.equal(r.status, 200, L.errorOf(r.text)?.message);
  assert.equal(r.totals.Candidates, 10000);
  assert.equal(r.totals['Not found'], 10000);

  r = await preview({ mode: 'paste', lines: ['cus_fixture_clean', '', `${'y'.repeat(251)}@a.b`].join('\n') });
  assert.equal(r.status, 400);
  e = L.errorOf(r.text);
  assert.equal(e.code, 'LINE_TOO_LONG');
  assert.match(e.message, /line 3\b/);
  assert.match(e.message, /254/);
  r = await preview({ mode: 'paste', lines: ['cus_fixture_clean', `  ${'y'.repeat(250)}@a.b  `].join('\n') });
  assert.equal(r.status, 200, 'a 254-character line (after trimming) is fine');

  const csrf = await previewCsrf();
  const rawPost = (body) => L.page('/bulk/preview', { body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  for (const junk of ['%FF%FE%FD', 'cus_fixture_clean%0A%C3%28', '%ED%A0%80', '%C0%AF', 'abc%00def', '%1B%5B31m']) {
    r = await rawPost(`csrf=${csrf}&mode=paste&lines=${junk}`);
    assert.equal(r.status, 400, junk);
    assert.match(L.errorOf(r.text).message, /^lines: /, junk);
  }
  r = await rawPost(Buffer.concat([Buffer.from(`csrf=${csrf}&mode=paste&lines=`), Buffer.from([0xff, 0x00, 0x81, 0xc3, 0x28, 0x0a, 0x41])]));
  assert.equal(r.status, 400);
  r = await rawPost(`csrf=${csrf}&mode=paste&lines=%zz`);
  assert.equal(r.status, 400);
  r = await L.page('/bulk/preview', { body: `csrf=${csrf}&mode=paste&lines=x@y.z`, headers: { 'Content-Type': 'text/plain' } });
  assert.equal(r.status, 415);
  r = await preview({ mode: 'paste', lines: '\n  \n\t\n' });
  assert.equal(r.status, 400);
  assert.equal(L.errorOf(r.text).code, 'NO_LINES');
  r = await L.page('/bulk/preview', { body: `csrf=${csrf}&mode=paste&lines=${'a'.repeat(5 * 1024 * 1024)}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 413);
});

test('roles and forms: a viewer sees runs but cannot preview or apply (403); forms need the right CSRF token', async () => {
  const c = L.makeCustomer({ domain: domainOf(L.uid()) });
  const v = await L.page('/bulk', { user: 'viewer' });
  assert.equal(v.status, 200);
  assert.match(v.text, /can look at past runs but not start one/);
  assert.equal(L.hiddenFields(v.text, '/bulk/preview'), null, 'no preview form for a viewer');

  const adminCsrf = await previewCsrf('admin');
  let r = await L.page('/bulk/preview', { user: 'viewer', form: { csrf: adminCsrf, mode: 'paste', lines: c.pid } });
  assert.equal(r.status, 403);
  assert.equal(L.errorOf(r.text).code, 'FORBIDDEN');

  const p = await pastePreview([c.pid]);
  const form = applyForm(p, [c.pid]);
  r = await apply(form, 'viewer');
  assert.equal(r.status, 403);
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_runs WHERE form_nonce = ${q(form.nonce)}`), '0');

  // CSRF: missing, another user's, or another form's token
  r = await L.page('/bulk/preview', { form: { mode: 'paste', lines: c.pid } });
  assert.equal(r.status, 403);
  r = await L.page('/bulk/preview', { user: 'operator', form: { csrf: adminCsrf, mode: 'paste', lines: c.pid } });
  assert.equal(r.status, 403);
  r = await apply({ ...form, csrf: undefined });
  assert.equal(r.status, 403);
  r = await apply({ ...form, csrf: adminCsrf });
  assert.equal(r.status, 403, 'the preview form\'s token is not the apply form\'s');
  const last = form.csrf.slice(-1);
  r = await apply({ ...form, csrf: form.csrf.slice(0, -1) + (last === 'A' ? 'B' : 'A') });
  assert.equal(r.status, 403);
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_runs WHERE form_nonce = ${q(form.nonce)}`), '0');
  assert.equal(L.statusOf(c.pid), 'active');

  // an operator may
  const op = await pastePreview([c.pid], 'operator');
  assert.equal(op.rows[0].state, 'eligible');
});

test('incomplete apply forms are 400 and start nothing; run addresses are checked', async () => {
  const c = L.makeCustomer({ domain: domainOf(L.uid()) });
  const p = await pastePreview([c.pid]);
  const base = applyForm(p, [c.pid]);
  for (const [form, name] of [
    [{ ...base, reason: undefined }, 'reason'],
    [{ ...base, reason: 'because' }, 'reason'],
    [{ ...base, select: undefined }, 'select'],
    [{ ...base, select: ['not-a-customer'] }, 'select'],
    [{ ...base, nonce: undefined }, 'nonce'],
    [{ ...base, nonce: 'abc' }, 'nonce'],
    [{ ...base, note: 'x'.repeat(501) }, 'note'],
  ]) {
    const r = await apply(form);
    assert.equal(r.status, 400, `${name}: ${r.status}`);
    assert.match(L.errorOf(r.text).message, new RegExp(`^${name}`), name);
  }
  // more than 10,000 ticked
  const tooMany = await apply({ ...base, select: Array.from({ length: 10001 }, (_, i) => `cus_nobody${i}`) });
  assert.equal(tooMany.status, 413);
  assert.match(L.errorOf(tooMany.text).message, /^select: at most 10,?000/);
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_runs WHERE form_nonce = ${q(base.nonce)}`), '0');
  assert.equal(L.statusOf(c.pid), 'active');

  let r = await L.page('/bulk/run_0000000000');
  assert.equal(r.status, 404);
  assert.equal(L.errorOf(r.text).code, 'NOT_FOUND');
  r = await L.page('/bulk/not-a-run');
  assert.equal(r.status, 400);
  r = await L.page('/bulk/run_0000000000', { method: 'POST', form: { x: '1' } });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, HEAD');
  r = await L.page('/bulk/apply');
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'POST');
});

// ---- a connection killed while a run goes on --------------------------------------------

/** Sends a raw POST and closes the connection as soon as the request is written. */
function postAndHangUp(pathname, body, delayMs) {
  const u = new URL(L.BASE_URL);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(u.port), u.hostname, () => {
      const head = `POST ${pathname} HTTP/1.1\r\nHost: ${u.host}\r\nAuthorization: ${L.basicAuth('admin')}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
      s.write(head + body, () => setTimeout(() => { s.destroy(); resolve(); }, delayMs));
    });
    s.on('error', reject);
  });
}

test('a connection killed right after apply leaves a complete run: every item gets an outcome and the run finishes', async () => {
  const u = L.uid(4);
  const d = domainOf(`kill${u}`);
  const N = 300;
  sql(`INSERT INTO customers (public_id, tenant_id, email, first_name, last_name, status, created_at, updated_at)
       SELECT CONCAT('cus_bk${u}_', seq), 1, CONCAT('k', seq, '@${d}'), 'Kill', CONCAT('K', seq), 'active',
              '2025-01-01 00:00:00', '2025-01-01 00:00:00' FROM seq_1_to_${N}`);
  // a few of them get blocked between preview and apply
  const blocked = sql(`SELECT id, public_id FROM customers WHERE email_domain = ${q(d)} ORDER BY id LIMIT 3`);
  for (const [id] of blocked) L.addBlockers({ id, tenant: 1 }, { device: 1 });
  const p = await filterPreview({ domain: d });
  assert.equal(p.totals.Candidates, N);
  assert.equal(p.totals.Eligible, N - 3);
  const selected = p.rows.filter((r) => r.select).map((r) => r.select);
  L.addBlockers({ id: sqlOne(`SELECT id FROM customers WHERE public_id = ${q(selected[100])}`), tenant: 1 }, { pendingOrder: 1 });
  const form = applyForm(p, selected, 'compliance');

  // Hang up as soon as the request is written. nginx may drop a request
  // whose client is gone before it reaches the app: then nothing at all
  // must have happened, and the next attempt waits a little longer.
  let run = null;
  for (const delay of [0, 0, 5, 20, 50]) {
    await postAndHangUp('/bulk/apply', L.formBody(form), delay);
    for (let i = 0; i < 30 && !run; i++) {
      run = sql(`SELECT id, total FROM bulk_runs WHERE form_nonce = ${q(form.nonce)}`)[0] || null;
      if (!run) await L.sleep(100);
    }
    if (run) break;
    assert.equal(sqlOne(`SELECT COUNT(*) FROM customers WHERE email_domain = ${q(d)} AND status = 'inactive'`), '0');
  }
  assert.ok(run, 'the apply reached the app');
  const [runId, total] = run;
  assert.equal(Number(total), N - 3);
  // the run and all its items exist from the start (one transaction)
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_items WHERE run_id = ${runId}`), String(N - 3));

  const t0 = Date.now();
  for (;;) {
    const [status, pending] = sql(`SELECT status, (SELECT COUNT(*) FROM bulk_items WHERE run_id = r.id AND outcome IS NULL)
                                     FROM bulk_runs r WHERE r.id = ${runId}`)[0];
    if (status === 'done') {
      assert.equal(pending, '0', 'a finished run has no pending item');
      break;
    }
    assert.ok(Date.now() - t0 < 60000, `run not done after 60 s (${pending} pending)`);
    await L.sleep(250);
  }
  assert.deepEqual(sql(`SELECT outcome, COUNT(*) FROM bulk_items WHERE run_id = ${runId} GROUP BY outcome ORDER BY outcome`),
    [['CUSTOMER_HAS_PENDING_ORDERS', '1'], ['ok', String(N - 4)]]);
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_items WHERE run_id = ${runId} AND done_at IS NULL`), '0');
  assert.deepEqual(sql(`SELECT status, COUNT(*) FROM customers WHERE email_domain = ${q(d)} GROUP BY status ORDER BY status`),
    [['active', '4'], ['inactive', String(N - 4)]]);
  // one audit row per item, each tied to the run
  assert.equal(sqlOne(`SELECT COUNT(*) FROM audit_log WHERE bulk_run_id = ${runId} AND channel = 'bulk'`), String(N - 3));
  assert.equal(sqlOne(`SELECT COUNT(DISTINCT subject) FROM audit_log WHERE bulk_run_id = ${runId}`), String(N - 3));
  assert.equal(sqlOne(`SELECT COUNT(*) FROM customers c WHERE email_domain = ${q(d)} AND status = 'inactive'
                         AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.customer_id = c.id AND a.bulk_run_id = ${runId} AND a.outcome = 'ok')`), '0');
  // and the run's page agrees
  const publicId = sqlOne(`SELECT public_id FROM bulk_runs WHERE id = ${runId}`);
  const page = await L.page(`/bulk/${publicId}`);
  assert.equal(L.byId(page.text, 'run-status'), 'done');
  assert.equal(L.byId(page.text, 'n-ok'), String(N - 4));
  assert.equal(L.byId(page.text, 'n-refused'), '1');
  const next = /<a href="([^"]+)" rel="next">/.exec(page.text);
  assert.ok(next, 'items are paged');
  const page2 = await L.page(L.decodeEntities(next[1]));
  assert.equal(page2.status, 200);
  const seqs = L.tableRows(page2.text).map((cells) => Number(cells[0])).filter((n) => n > 0);
  assert.equal(seqs[0], 101, 'the second page starts after the first hundred');
  assert.equal(seqs.length, 100);
  // the CSV has every item
  const csv = L.parseCsv((await L.page(`/bulk/${publicId}?format=csv`)).text);
  assert.equal(csv.length, 1 + N - 3);
  assert.deepEqual(csv.slice(1).map((x) => Number(x[0])), Array.from({ length: N - 3 }, (_, i) => i + 1));
  assert.equal(csv.filter((x) => x[5] === 'ok').length, N - 4);
});
