// Issue 18, item 2: the tenant's retention policy. An admin sets it on
// /retention/policy (audited with its changes); the job workers apply it
// once a day as a bulk run of its own (kind erase, actor "policy"), with the
// same outcomes, CSV and audit rows as other runs; a legal hold keeps a
// customer back; the page and the run page list what falls due in the next
// 30 days. scripts/check has the workers look every second
// (RETENTION_POLICY_SECONDS=1), so the day's run comes within seconds.
//
// Tenant 2 (login globex) with a policy of 600 months, and customers made
// here deactivated 601 months ago: the demo's own customers are never that
// old, so nothing else is erased. The policy is taken off again at the end.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { get, sql, sqlValue, lit, createCustomer, textOf, flashCookie, parseCsv } from './lib.mjs';
import * as L from './apilib.mjs';

const tokenOf = (html) => /name="csrf" value="([^"]*)"/.exec(html)?.[1] ?? null;
const MONTHS = 600;

/** YYYY-MM-DD of a UTC date. */
const ymd = (d) => d.toISOString().slice(0, 10);
/** The date `months` before d (its day kept: the tests use days up to 28). */
function monthsBefore(d, months) {
  const x = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 12));
  x.setUTCMonth(x.getUTCMonth() - months);
  return x;
}

function deactivatedOn(c, date) {
  sql(`UPDATE customers SET deactivated_at = ${lit(`${ymd(date)} 12:00:00`)} WHERE id = ${c.id}`);
}

async function setPolicy(user, form) {
  const page = await get(user, '/retention/policy');
  return L.page('/retention/policy', { user, form: { csrf: tokenOf(page.text) ?? '', ...form } });
}

let fx;
before(() => {
  const now = new Date();
  // a day of the month that exists in every month, 10 days ahead
  let soon = new Date(now.getTime() + 10 * 86400e3);
  if (soon.getUTCDate() > 28) soon = new Date(soon.getTime() + (33 - soon.getUTCDate()) * 86400e3);
  const longAgo = monthsBefore(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), MONTHS + 1);
  fx = {
    due: [1, 2, 3].map(() => createCustomer({ tenant: 2, status: 'inactive', history: true })),
    held: createCustomer({ tenant: 2, status: 'inactive' }),
    soon: createCustomer({ tenant: 2, status: 'inactive' }),
    recent: createCustomer({ tenant: 2, status: 'inactive' }),
    soonDue: ymd(soon),
  };
  for (const c of [...fx.due, fx.held]) deactivatedOn(c, longAgo);
  deactivatedOn(fx.soon, monthsBefore(soon, MONTHS));
  sql(`UPDATE customers SET legal_hold = 1 WHERE id = ${fx.held.id}`);
});
after(async () => {
  sql('UPDATE tenants SET erase_after_months = NULL, erase_min_months = 3, erase_keep_location = 1, financial_years = 10 WHERE id = 2');
});

const runsOfToday = () => sql(`SELECT public_id, status, total FROM bulk_runs WHERE tenant_id = 2 AND kind = 'erase' AND actor = 'policy'
                                 AND form_nonce = CONCAT('policy-', DATE_FORMAT(UTC_DATE(), '%Y-%m-%d'))`);

describe('the policy page', () => {
  test('admins only; its defaults; a policy shorter than the minimum retention is refused, nothing changed', async () => {
    for (const user of ['viewer', 'operator']) assert.equal((await get(user, '/retention/policy')).status, 403, user);
    const page = await get('globex', '/retention/policy');
    assert.equal(page.status, 200);
    assert.match(page.text, /id="erase_after_months"[^>]*value="0"/);
    assert.match(page.text, /id="erase_min_months"[^>]*value="3"/);
    assert.match(page.text, /id="financial_years"[^>]*value="10"/);
    assert.match(textOf(L.blockById(page.text, 'upcoming', 'section')), /No policy is set/);
    const bad = await setPolicy('globex', { erase_after_months: '2', erase_min_months: '3', financial_years: '7' });
    assert.equal(bad.status, 400);
    const junk = await setPolicy('globex', { erase_after_months: 'soon', erase_min_months: '3', financial_years: '7' });
    assert.equal(junk.status, 400);
    assert.equal(sqlValue('SELECT COALESCE(erase_after_months, 0) FROM tenants WHERE id = 2'), '0');
    assert.match(textOf((await get('globex', '/retention')).text), /Retention policy/);
  });
});

describe('the daily run', () => {
  test('erases exactly the customers due, as a bulk run of its own, once a day', async () => {
    const res = await setPolicy('globex', { erase_after_months: String(MONTHS), erase_min_months: '3', financial_years: '7' });
    assert.equal(res.status, 303);
    assert.equal(flashCookie(res)?.code, 'policy_saved');
    assert.deepEqual(sql('SELECT erase_after_months, erase_min_months, erase_keep_location, financial_years FROM tenants WHERE id = 2')[0], [String(MONTHS), '3', '0', '7']);
    const [[outcome, changes]] = sql(`SELECT outcome, changes FROM audit_log WHERE tenant_id = 2 AND action = 'retention_policy' ORDER BY id DESC LIMIT 1`);
    assert.equal(outcome, 'ok');
    for (const f of ['eraseAfterMonths', 'keepLocation', 'financialYears']) assert.match(changes, new RegExp(f));

    // the job workers look every second here
    let runs = [];
    for (let i = 0; i < 150 && !(runs.length === 1 && runs[0][1] === 'done'); i++) {
      await L.sleep(200);
      runs = runsOfToday();
    }
    assert.equal(runs.length, 1, 'one run for the day');
    const [run, status, total] = runs[0];
    assert.equal(status, 'done');
    const items = sql(`SELECT i.subject, i.outcome FROM bulk_items i JOIN bulk_runs r ON r.id = i.run_id WHERE r.public_id = ${lit(run)} ORDER BY i.subject`);
    assert.deepEqual(items, fx.due.map((c) => [c.publicId, 'ok']).sort(), 'the customers due, and only them (the held one is kept back)');
    assert.equal(Number(total), 3);
    for (const c of fx.due) {
      const [[email, first, city, by]] = sql(`SELECT c.email, c.first_name, (SELECT MAX(city) FROM addresses WHERE customer_id = c.id), c.erased_by FROM customers c WHERE c.id = ${c.id}`);
      assert.deepEqual([email, first, city, by], [`erased-${c.publicId}@erased.invalid`, 'Erased', '', 'policy'], 'erased, the city too (the tenant keeps no location)');
    }
    for (const c of [fx.held, fx.soon, fx.recent])
      assert.equal(sqlValue(`SELECT erased_at IS NULL FROM customers WHERE id = ${c.id}`), '1', `${c.publicId} kept`);
    const audits = sql(`SELECT l.actor, l.channel, l.outcome, r.public_id FROM audit_log l JOIN bulk_runs r ON r.id = l.bulk_run_id
                         WHERE l.action = 'erase' AND l.customer_id IN (${fx.due.map((c) => c.id).join(',')})`);
    assert.deepEqual(audits.map((x) => x.join(':')), fx.due.map(() => `policy:bulk:ok:${run}`));

    // the run's page, its CSV, and no undo
    const page = await get('globex', `/bulk/${run}`);
    assert.equal(page.status, 200);
    assert.ok(L.byId(page.text, 'erase-run'), 'the page says what the run is');
    const csv = parseCsv((await get('globex', `/bulk/${run}?format=csv`)).text);
    assert.deepEqual(csv.slice(1).map((r) => r[csv[0].indexOf('outcome')]), ['ok', 'ok', 'ok']);
    const undo = await get('globex', `/bulk/${run}/undo`);
    assert.equal(undo.status, 409);
    assert.match(textOf(undo.text), /RUN_IS_ERASE/);

    // a customer due later today waits for tomorrow's run: one run a day
    const late = createCustomer({ tenant: 2, status: 'inactive' });
    fx.late = late;
    deactivatedOn(late, monthsBefore(new Date(), MONTHS + 2));
    await L.sleep(2500);
    assert.equal(runsOfToday().length, 1);
    assert.equal(sqlValue(`SELECT erased_at IS NULL FROM customers WHERE id = ${late.id}`), '1');
  });

  test('the policy page and the run page list what falls due in the next 30 days', async () => {
    const page = await get('globex', '/retention/policy');
    const upcoming = L.blockById(page.text, 'upcoming', 'section');
    assert.match(upcoming, new RegExp(`${fx.soon.publicId}.*${fx.soonDue}`));
    assert.ok(!upcoming.includes(fx.recent.publicId) && !upcoming.includes(fx.held.publicId));
    // the one due since today's run (the next day's) is listed too
    assert.match(upcoming, new RegExp(fx.late.publicId));
    const want = Number(sqlValue(`SELECT COUNT(*) FROM customers WHERE tenant_id = 2 AND status = 'inactive' AND erased_at IS NULL AND legal_hold = 0
      AND deactivated_at < UTC_TIMESTAMP() - INTERVAL ${MONTHS} MONTH + INTERVAL 30 DAY`));
    assert.match(upcoming, new RegExp(`${want} customers fall due`));
    const [[run]] = runsOfToday();
    assert.match(L.blockById((await get('globex', `/bulk/${run}`)).text, 'upcoming', 'section'), new RegExp(fx.soon.publicId));
  });
});
