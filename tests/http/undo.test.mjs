// Undoing a bulk run (issue 16, README "Undo a run"): the confirmation page
// says what will happen, the POST makes an undo run of its own (items,
// outcomes, audit rows, CSV, links both ways) that the job workers carry out
// through the one reactivation rule; customers changed since the run, before
// the confirmation or between it and the work, are left alone and say why;
// admins only, CSRF, refusals audited; a run not finished, an undo of an
// undo, a second undo, another tenant's run. Every customer a test changes
// is made by that test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as L from './apilib.mjs';
import { forgeCsrf, nowSeconds } from './lib.mjs';

const { sql, sqlOne, q } = L;

// ---- helpers -----------------------------------------------------------------------

const tok = (user, action, subject = '') => forgeCsrf({ user, action, subject, expiry: nowSeconds() + 600 });

/** A finished deactivation run of these customers (an admin's paste, preview and apply). */
async function deactivationRun(customers, reason = 'data_cleanup') {
  const pids = customers.map((c) => c.pid);
  const p = await L.page('/bulk/preview', { form: { csrf: tok('admin', 'bulk_preview'), mode: 'paste', lines: pids.join('\n') } });
  assert.equal(p.status, 200, L.errorOf(p.text)?.message);
  const form = L.hiddenFields(p.text, '/bulk/apply');
  const r = await L.page('/bulk/apply', { form: { ...form, reason, select: pids } });
  assert.equal(r.status, 303, L.errorOf(r.text)?.message);
  const run = r.headers.get('location').slice('/bulk/'.length);
  await L.waitRunDone(run);
  return run;
}

/** The confirmation page: status, counts, left-alone rows { customer, outcome, why }, token. */
async function confirmation(run, user = 'admin') {
  const r = await L.page(`/bulk/${run}/undo`, { user });
  r.counts = { reactivate: L.byId(r.text, 'n-reactivate'), deactivated: L.byId(r.text, 'n-deactivated'), left: L.byId(r.text, 'n-left-alone') };
  const table = /<table class="list" id="left-alone">([\s\S]*?)<\/table>/.exec(r.text);
  r.left = table
    ? [...table[1].matchAll(/<tr><td[^>]*><a href="\/customers\/([^"]+)">[\s\S]*?<span class="badge[^"]*">([^<]*)<\/span> <span class="sub">([^<]*)<\/span><\/td><\/tr>/g)]
      .map((m) => ({ customer: m[1], outcome: m[2], why: L.decodeEntities(m[3]) }))
    : [];
  r.form = L.hiddenFields(r.text, `/bulk/${run}/undo`);
  return r;
}

/** POST /bulk/{run}/undo with the confirmation page's token (or the form given). */
async function undo(run, { user = 'admin', form } = {}) {
  const f = form ?? (await confirmation(run, user)).form;
  return L.page(`/bulk/${run}/undo`, { user, form: f ?? {} });
}

/** Starts the undo and returns its run id (303 to its page). */
async function startUndo(run) {
  const r = await undo(run);
  assert.equal(r.status, 303, L.errorOf(r.text)?.message);
  assert.match(r.headers.get('location'), /^\/bulk\/run_[0-9a-f]{10}$/);
  return { undoRun: r.headers.get('location').slice('/bulk/'.length), res: r };
}

const runRow = (run) => {
  const [x] = sql(`SELECT id, kind, undo_of, reason, actor, total, status, note, source FROM bulk_runs WHERE public_id = ${q(run)}`);
  return x && { id: x[0], kind: x[1], undoOf: x[2], reason: x[3], actor: x[4], total: Number(x[5]), status: x[6], note: x[7], source: x[8] };
};
const outcomes = (run) => Object.fromEntries(sql(`SELECT subject, outcome FROM bulk_items WHERE run_id = ${runRow(run).id}`));
const flash = (r) => (r.headers.getSetCookie().find((c) => /^flash=/.test(c)) || '').replace(/;.*/, '');
const state = (c) => sql(`SELECT status, COALESCE(deactivated_by, ''), COALESCE(deactivation_reason, ''), COALESCE(deactivated_run_id, '')
                            FROM customers WHERE id = ${c.id}`)[0].join('|');

/** A customer's reactivation or deactivation through its page, as user. */
async function byHand(c, change, user = 'operator') {
  const form = change === 'deactivate' ? { reason: 'compliance', note: 'by hand' } : {};
  const r = await L.page(`/customers/${c.pid}/${change}`, { user, form: { ...form, csrf: tok(user, change, c.pid) } });
  assert.equal(r.status, 303, `${change} ${c.pid}: ${L.errorOf(r.text)?.code}`);
}

/**
 * Holds the customers' rows FOR UPDATE in a session of its own for ms, then
 * runs change (SQL) and commits: a job worker that reaches one of them waits,
 * then finds the change. Resolves once the locks are held; .done on exit.
 */
function holdThenChange(ids, ms, change = 'DO 0') {
  const query = `BEGIN; SELECT id FROM customers WHERE id IN (${ids.map(Number).join(',')}) FOR UPDATE;
                 SELECT 'locked'; DO SLEEP(${ms / 1000}); ${change}; COMMIT;`;
  const child = spawn('mariadb', ['--no-defaults', '-S', L.DB_SOCK, '-u', 'root', 'custodian', '-N', '-B', '--unbuffered', '-e', query],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise((resolve) => child.on('exit', resolve));
  const held = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('locked')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the lock holder exited (${code}) before locking`)));
  });
  return Object.assign(held, { done });
}

const domain = () => `${L.uid()}.undo.invalid`;

// ---- the undo ---------------------------------------------------------------------------

test('an undo reactivates exactly what the run deactivated, as a run of its own: items, outcomes, audit rows, CSV, links both ways', async () => {
  const d = domain();
  const cs = [1, 2, 3, 4, 5].map(() => L.makeCustomer({ domain: d }));
  const blocked = L.makeCustomer({ domain: d });
  const p = await L.page('/bulk/preview', { form: { csrf: tok('admin', 'bulk_preview'), mode: 'paste', lines: [...cs, blocked].map((c) => c.pid).join('\n') } });
  const apply = L.hiddenFields(p.text, '/bulk/apply');
  L.addBlockers(blocked, { device: 1 }); // blocked between preview and apply: refused by the run
  const a = await L.page('/bulk/apply', { form: { ...apply, reason: 'account_closure', select: [...cs, blocked].map((c) => c.pid) } });
  assert.equal(a.status, 303);
  const run = a.headers.get('location').slice('/bulk/'.length);
  await L.waitRunDone(run);
  const orig = runRow(run);
  assert.equal(Object.values(outcomes(run)).filter((o) => o === 'ok').length, 5);
  for (const c of cs) assert.equal(state(c), `inactive|admin|account_closure|${orig.id}`, 'the deactivation names its run');

  // the finished run's page offers the undo to admins only
  const page = await L.page(`/bulk/${run}`);
  assert.match(page.text, new RegExp(`<a class="button secondary" href="/bulk/${run}/undo" id="undo-link">Undo this run…</a>`));
  for (const user of ['operator', 'viewer']) {
    const other = await L.page(`/bulk/${run}`, { user });
    assert.equal(other.status, 200);
    assert.ok(!other.text.includes(`/bulk/${run}/undo`), `${user}: no undo control`);
  }

  // the confirmation says exactly what will happen, and changes nothing
  const before = sqlOne(`SELECT COUNT(*) FROM audit_log WHERE customer_id IN (${cs.map((c) => c.id).join(',')})`);
  const conf = await confirmation(run);
  assert.equal(conf.status, 200);
  assert.deepEqual(conf.counts, { reactivate: '5', deactivated: '5', left: '0' });
  assert.deepEqual(conf.left, []);
  assert.match(L.textOf(conf.text), /5 of the 5 customers this run deactivated will be reactivated/);
  assert.ok(conf.form?.csrf, 'a form with its token');
  assert.match(conf.text, /<button type="submit">Reactivate 5 customers<\/button>/);
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_runs WHERE undo_of = ${orig.id}`), '0');
  assert.equal(sqlOne(`SELECT COUNT(*) FROM audit_log WHERE customer_id IN (${cs.map((c) => c.id).join(',')})`), before);

  const { undoRun, res } = await startUndo(run);
  assert.equal(flash(res), 'flash=bulk_undo_started');
  await L.waitRunDone(undoRun);

  // exactly those reactivated; the refused one was never touched
  for (const c of cs) assert.equal(state(c), 'active|||', c.pid);
  assert.equal(state(blocked), 'active|||');
  const u = runRow(undoRun);
  assert.deepEqual([u.kind, u.undoOf, u.reason, u.actor, u.total, u.status, u.note], ['undo', orig.id, null, 'admin', 5, 'done', `Undo of bulk run ${run}`]);
  assert.equal(u.source, `undo of ${run}: 5 of 5 deactivations still in place`);
  assert.deepEqual(outcomes(undoRun), Object.fromEntries(cs.map((c) => [c.pid, 'ok'])));
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_items WHERE run_id = ${u.id} AND done_at IS NULL`), '0');

  // one reactivate row per customer with the undo run's id, and the undo's own row
  assert.deepEqual(sql(`SELECT subject, actor, channel, action, COALESCE(reason, ''), outcome, note, request_id = ${q(res.headers.get('x-request-id'))}
                          FROM audit_log WHERE bulk_run_id = ${u.id} ORDER BY subject`),
    [...cs.map((c) => [c.pid, 'admin', 'bulk', 'reactivate', '', 'ok', `Undo of bulk run ${run}`, '1']),
      [run, 'admin', 'bulk', 'bulk_undo', '', 'ok', null, '1']].sort((x, y) => (x[0] < y[0] ? -1 : 1)));
  // the run's deactivations stay on record
  assert.equal(sqlOne(`SELECT COUNT(*) FROM audit_log WHERE bulk_run_id = ${orig.id} AND action = 'deactivate' AND outcome = 'ok'`), '5');
  for (const c of cs) {
    assert.deepEqual(sql(`SELECT action, outcome, bulk_run_id FROM audit_log WHERE customer_id = ${c.id} ORDER BY id`),
      [['deactivate', 'ok', orig.id], ['reactivate', 'ok', u.id]]);
  }

  // links both ways, and the undo's own page, progress and CSV
  const undone = await L.page(`/bulk/${run}`);
  assert.match(undone.text, new RegExp(`<p id="undone-by">This run was undone by <a href="/bulk/${undoRun}"><code>${undoRun}</code></a>.</p>`));
  assert.ok(!undone.text.includes(`/bulk/${run}/undo`), 'an undone run offers no second undo');
  const up = await L.page(`/bulk/${undoRun}`, { user: 'viewer' });
  assert.equal(up.status, 200);
  assert.match(up.text, new RegExp(`<p id="undo-of">This run undoes <a href="/bulk/${run}"><code>${run}</code></a>`));
  assert.equal(L.byId(up.text, 'run-status'), 'done');
  assert.match(L.blockById(up.text, 'progress-text', 'p'), /^5 of 5 processed \(100%\): 5 reactivated, 0 refused\.$/);
  assert.equal((up.text.match(/<span class="badge badge-ok">reactivated<\/span>/g) || []).length, 5);
  assert.ok(!up.text.includes(`/bulk/${undoRun}/undo`), 'an undo offers no undo');
  const csv = await L.page(`/bulk/${undoRun}?format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-disposition'), new RegExp(`filename="${undoRun}\\.csv"`));
  const rec = L.parseCsv(csv.text);
  assert.deepEqual(rec[0], ['seq', 'customer_id', 'email', 'first_name', 'last_name', 'outcome', 'done_at']);
  assert.deepEqual(rec.slice(1).map((x) => [x[1], x[2], x[5]]).sort(), cs.map((c) => [c.pid, c.email, 'ok']).sort());
  // the run list names it an undo
  const list = L.tableRows((await L.page('/bulk')).text).find((cells) => cells[0] === undoRun);
  assert.deepEqual(list.slice(0, 7), [undoRun, 'done', 'admin', 'Undo', u.source, '5', '5']);
  // and the audit log's filter finds the undo
  const au = await L.page(`/audit?action=bulk_undo&actor=admin`);
  assert.equal(au.status, 200);
  assert.ok(au.text.includes(run));
});

test('customers changed since the run are listed on the confirmation and left alone: reactivated, reactivated and deactivated again by someone else; an edit is not a change', async () => {
  const d = domain();
  const [kept, reactivated, again, edited] = [1, 2, 3, 4].map(() => L.makeCustomer({ domain: d }));
  const run = await deactivationRun([kept, reactivated, again, edited]);
  const orig = runRow(run);

  await byHand(reactivated, 'reactivate');
  await byHand(again, 'reactivate');
  await byHand(again, 'deactivate', 'operator');
  // an edit through the API's PUT (the profile rules' one path) while inactive
  const key = L.createKey({ role: 'operator' });
  const put = await L.api(`/v1/customers/${edited.pid}`, { key: key.key, method: 'PUT', json: { firstName: 'Edited' } });
  assert.equal(put.status, 200, put.text);
  assert.equal(state(edited), `inactive|admin|data_cleanup|${orig.id}`, 'an edit keeps the deactivation');

  const conf = await confirmation(run);
  assert.deepEqual(conf.counts, { reactivate: '2', deactivated: '4', left: '2' });
  const left = Object.fromEntries(conf.left.map((x) => [x.customer, x]));
  assert.deepEqual(Object.keys(left).sort(), [reactivated.pid, again.pid].sort());
  assert.equal(left[reactivated.pid].outcome, 'ALREADY_ACTIVE');
  assert.equal(left[reactivated.pid].why, 'Reactivated since: active now.');
  assert.equal(left[again.pid].outcome, 'DEACTIVATED_SINCE');
  assert.match(left[again.pid].why, /^Reactivated since, then deactivated again by operator on \d{4}-\d{2}-\d{2}/);
  assert.match(conf.text, /Reactivate 2 customers/);

  const againBefore = state(again);
  const reactivatedAudit = sqlOne(`SELECT COUNT(*) FROM audit_log WHERE customer_id = ${reactivated.id}`);
  const { undoRun } = await startUndo(run);
  await L.waitRunDone(undoRun);
  assert.deepEqual(outcomes(undoRun), { [kept.pid]: 'ok', [edited.pid]: 'ok' }, 'only the unchanged ones are items');
  assert.equal(runRow(undoRun).source, `undo of ${run}: 2 of 4 deactivations still in place`);
  assert.equal(state(kept), 'active|||');
  assert.equal(state(edited), 'active|||');
  assert.equal(sqlOne(`SELECT first_name FROM customers WHERE id = ${edited.id}`), 'Edited', 'the edit stays');
  assert.equal(state(again), againBefore, 'deactivated again by someone else: left alone');
  assert.equal(againBefore, 'inactive|operator|compliance|');
  assert.equal(state(reactivated), 'active|||');
  assert.equal(sqlOne(`SELECT COUNT(*) FROM audit_log WHERE customer_id = ${reactivated.id}`), reactivatedAudit, 'a customer left alone gets no attempt');
  L.revokeKey(key.id);
});

test('a customer whose state changes between the confirmation and the work gets an outcome saying so, and is not touched', async () => {
  const d = domain();
  const [p1, moved, p3, woken] = [1, 2, 3, 4].map(() => L.makeCustomer({ domain: d }));
  const run = await deactivationRun([p1, moved, p3, woken]);
  const conf = await confirmation(run);
  assert.deepEqual(conf.counts, { reactivate: '4', deactivated: '4', left: '0' });

  // While the undo is made and the workers reach them, another program
  // holds two of the customers; it reactivates one and re-deactivates the
  // other as someone else (a new deactivation, not the run's), then commits.
  const hold = holdThenChange([moved.id, woken.id], 2500, `
    UPDATE customers SET deactivated_at = UTC_TIMESTAMP(), deactivated_by = 'elsewhere', deactivation_reason = 'fraud_prevention',
           deactivation_note = NULL, deactivated_run_id = NULL, updated_at = UTC_TIMESTAMP() WHERE id = ${moved.id};
    UPDATE customers SET status = 'active', deactivated_at = NULL, deactivated_by = NULL, deactivation_reason = NULL,
           deactivation_note = NULL, deactivated_run_id = NULL, updated_at = UTC_TIMESTAMP() WHERE id = ${woken.id}`);
  await hold;
  const r = await undo(run, { form: conf.form });
  assert.equal(r.status, 303, L.errorOf(r.text)?.message);
  const undoRun = r.headers.get('location').slice('/bulk/'.length);
  assert.equal(runRow(undoRun).total, 4, 'all four qualified when the undo was made');
  await hold.done;
  await L.waitRunDone(undoRun);
  assert.deepEqual(outcomes(undoRun), { [p1.pid]: 'ok', [p3.pid]: 'ok', [moved.pid]: 'DEACTIVATED_SINCE', [woken.pid]: 'ALREADY_ACTIVE' });
  assert.equal(state(moved), 'inactive|elsewhere|fraud_prevention|', 'the new deactivation is left as it is');
  assert.equal(state(woken), 'active|||');
  assert.equal(state(p1), 'active|||');
  const u = runRow(undoRun);
  assert.deepEqual(sql(`SELECT subject, action, outcome FROM audit_log WHERE bulk_run_id = ${u.id} AND action = 'reactivate' ORDER BY subject`),
    [[p1.pid, 'reactivate', 'ok'], [moved.pid, 'reactivate', 'DEACTIVATED_SINCE'], [p3.pid, 'reactivate', 'ok'], [woken.pid, 'reactivate', 'ALREADY_ACTIVE']]
      .sort((x, y) => (x[0] < y[0] ? -1 : 1)));
  const page = await L.page(`/bulk/${undoRun}`);
  assert.match(L.blockById(page.text, 'progress-text', 'p'), /^4 of 4 processed \(100%\): 2 reactivated, 2 refused\.$/);
  assert.match(page.text, /<span class="badge badge-refused">DEACTIVATED_SINCE<\/span>/);
});

// ---- who may, and when -----------------------------------------------------------------

test('admins only: operators and viewers get 403 for the page and the POST, refusals are audited; CSRF is checked; another tenant\'s run is 404', async () => {
  const c = L.makeCustomer({ domain: domain() });
  const run = await deactivationRun([c]);
  const noUndo = () => assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_runs u JOIN bulk_runs o ON o.id = u.undo_of WHERE o.public_id = ${q(run)}`), '0');
  for (const user of ['operator', 'viewer']) {
    const g = await L.page(`/bulk/${run}/undo`, { user });
    assert.equal(g.status, 403, user);
    assert.equal(L.errorOf(g.text).code, 'FORBIDDEN');
    const r = await undo(run, { user, form: { csrf: tok(user, 'bulk_undo', run) } });
    assert.equal(r.status, 403, user);
    assert.equal(L.errorOf(r.text).code, 'FORBIDDEN');
    const rid = r.headers.get('x-request-id');
    assert.deepEqual(sql(`SELECT actor, action, channel, subject, outcome, customer_id, bulk_run_id FROM audit_log WHERE request_id = ${q(rid)}`),
      [[user, 'bulk_undo', 'bulk', run, 'FORBIDDEN', null, null]], `${user}: the refusal is audited`);
  }
  for (const [what, csrf, code] of [
    ['missing', undefined, 'CSRF_MISSING'],
    ['another run\'s', tok('admin', 'bulk_undo', 'run_0000000000'), 'CSRF_INVALID'],
    ['another action\'s', tok('admin', 'bulk_apply', run), 'CSRF_INVALID'],
    ['another user\'s', tok('operator', 'bulk_undo', run), 'CSRF_INVALID'],
    ['expired', forgeCsrf({ user: 'admin', action: 'bulk_undo', subject: run, expiry: nowSeconds() - 60 }), 'CSRF_EXPIRED'],
  ]) {
    const r = await undo(run, { form: csrf === undefined ? { x: '1' } : { csrf } });
    assert.equal(r.status, 403, what);
    assert.equal(L.errorOf(r.text).code, code, what);
    assert.deepEqual(sql(`SELECT actor, action, outcome FROM audit_log WHERE request_id = ${q(r.headers.get('x-request-id'))}`), [['admin', 'bulk_undo', code]], what);
  }
  noUndo();
  assert.equal(L.statusOf(c.pid), 'inactive');

  // another tenant's run is a missing one, for the page and the POST
  for (const method of ['GET', 'POST']) {
    const opts = method === 'POST' ? { form: { csrf: tok('globex', 'bulk_undo', run) } } : {};
    const r = await L.page(`/bulk/${run}/undo`, { user: 'globex', method, ...opts });
    const missing = await L.page('/bulk/run_00000000ff/undo', { user: 'globex', method, ...(method === 'POST' ? { form: { csrf: tok('globex', 'bulk_undo', 'run_00000000ff') } } : {}) });
    assert.equal(r.status, 404, method);
    assert.equal(missing.status, 404);
    assert.equal(L.errorOf(r.text).code, L.errorOf(missing.text).code);
  }
  noUndo();
  assert.equal(L.statusOf(c.pid), 'inactive');
  let r = await L.page('/bulk/not-a-run/undo');
  assert.equal(r.status, 400);
  r = await L.page(`/bulk/${run}/undo`, { method: 'PUT' });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, HEAD, POST');

  // and an admin may
  const { undoRun } = await startUndo(run);
  await L.waitRunDone(undoRun);
  assert.equal(L.statusOf(c.pid), 'active');
});

test('a run that is not finished cannot be undone (409, audited); an undo cannot be undone; nothing to undo is refused', async () => {
  const c = L.makeCustomer({ domain: domain() });
  // the job worker waits on this customer's row while we try
  const hold = holdThenChange([c.id], 3000);
  await hold;
  const p = await L.page('/bulk/preview', { form: { csrf: tok('admin', 'bulk_preview'), mode: 'paste', lines: c.pid } });
  const a = await L.page('/bulk/apply', { form: { ...L.hiddenFields(p.text, '/bulk/apply'), reason: 'data_cleanup', select: [c.pid] } });
  const run = a.headers.get('location').slice('/bulk/'.length);
  const g = await L.page(`/bulk/${run}/undo`);
  assert.equal(g.status, 409);
  assert.equal(L.errorOf(g.text).code, 'RUN_NOT_FINISHED');
  const r = await undo(run, { form: { csrf: tok('admin', 'bulk_undo', run) } });
  assert.equal(r.status, 409);
  assert.equal(L.errorOf(r.text).code, 'RUN_NOT_FINISHED');
  assert.deepEqual(sql(`SELECT action, outcome, subject FROM audit_log WHERE request_id = ${q(r.headers.get('x-request-id'))}`), [['bulk_undo', 'RUN_NOT_FINISHED', run]]);
  assert.ok(!(await L.page(`/bulk/${run}`)).text.includes(`/bulk/${run}/undo`), 'no undo control while it runs');
  await hold.done;
  await L.waitRunDone(run);

  const { undoRun } = await startUndo(run);
  await L.waitRunDone(undoRun);
  for (const method of ['GET', 'POST']) {
    const x = method === 'GET' ? await L.page(`/bulk/${undoRun}/undo`) : await undo(undoRun, { form: { csrf: tok('admin', 'bulk_undo', undoRun) } });
    assert.equal(x.status, 409, method);
    assert.equal(L.errorOf(x.text).code, 'RUN_IS_UNDO');
  }
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_runs WHERE undo_of = ${runRow(undoRun).id}`), '0');

  // a run whose every customer changed since: nothing to undo
  const z = L.makeCustomer({ domain: domain() });
  const zrun = await deactivationRun([z]);
  await byHand(z, 'reactivate');
  const conf = await confirmation(zrun);
  assert.equal(conf.status, 200);
  assert.deepEqual(conf.counts, { reactivate: '0', deactivated: '1', left: '1' });
  assert.equal(conf.form, null, 'no form');
  assert.match(conf.text, /id="nothing-to-undo"/);
  const n = await undo(zrun, { form: { csrf: tok('admin', 'bulk_undo', zrun) } });
  assert.equal(n.status, 409);
  assert.equal(L.errorOf(n.text).code, 'NOTHING_TO_UNDO');
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_runs WHERE undo_of = ${runRow(zrun).id}`), '0');
});

test('a second undo of a run finds the first (one after the other, or at once): one undo run, each customer reactivated once', async () => {
  const cs = [1, 2, 3].map(() => L.makeCustomer({ domain: domain() }));
  const run = await deactivationRun(cs);
  const conf = await confirmation(run);
  // three submissions at once
  const answers = await Promise.all([1, 2, 3].map(() => undo(run, { form: conf.form })));
  for (const x of answers) assert.equal(x.status, 303, L.errorOf(x.text)?.message);
  assert.equal(new Set(answers.map((x) => x.headers.get('location'))).size, 1, 'the same undo for all');
  assert.deepEqual(answers.map(flash).sort(), ['flash=bulk_undo_exists', 'flash=bulk_undo_exists', 'flash=bulk_undo_started']);
  const undoRun = answers[0].headers.get('location').slice('/bulk/'.length);
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_runs WHERE undo_of = ${runRow(run).id}`), '1');
  await L.waitRunDone(undoRun);
  // and later again: the page says it was undone, the POST finds it
  const again = await confirmation(run);
  assert.equal(again.status, 200);
  assert.match(again.text, new RegExp(`This run has already been undone by <a href="/bulk/${undoRun}"><code>${undoRun}</code></a>`));
  assert.equal(again.form, null);
  const r = await undo(run, { form: conf.form });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/bulk/${undoRun}`);
  assert.equal(flash(r), 'flash=bulk_undo_exists');
  const shown = await L.page(r.headers.get('location'), { cookie: flash(r) });
  assert.match(shown.text, /This run was already undone; here is its undo\./);
  assert.equal(sqlOne(`SELECT COUNT(*) FROM bulk_runs WHERE undo_of = ${runRow(run).id}`), '1');
  for (const c of cs) {
    assert.equal(L.statusOf(c.pid), 'active');
    assert.equal(sqlOne(`SELECT COUNT(*) FROM audit_log WHERE customer_id = ${c.id} AND action = 'reactivate'`), '1', 'reactivated once');
  }
  assert.deepEqual(sql(`SELECT outcome, COUNT(*) FROM audit_log WHERE action = 'bulk_undo' AND subject = ${q(run)} GROUP BY outcome ORDER BY outcome`),
    [['ALREADY_UNDONE', '3'], ['ok', '1']]);
});
