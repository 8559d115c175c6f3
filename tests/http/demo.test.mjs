// The demo data tells one story: every customer sql/demo.sql (and
// sql/fixtures.sql) made inactive has the audit row of its deactivation —
// who, when, why — so the audit log and the customers' histories are not
// empty on a fresh site. Read-only.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { get, sql, between, tableRows, textOf, label } from './lib.mjs';

// The demo's customers, by the formula of sql/demo.sql (id -> public id);
// customers made by tests have other public ids.
const DEMO = "c.public_id = CONCAT('cus_', LPAD(LOWER(HEX((c.id * 2654435761) % 1099511627776)), 10, '0'))";
// Rows written while loading (no request made them); a customer some
// request has touched since (a test deactivating or reactivating it) is
// left out: its story goes on in rows of its own.
const UNTOUCHED = 'NOT EXISTS (SELECT 1 FROM audit_log t WHERE t.customer_id = c.id AND t.request_id IS NOT NULL)';

/** Every load-time audit row of the demo's untouched customers, with the customer's columns. */
function demoRows() {
  return sql(`SELECT c.public_id, c.tenant_id, c.status, c.deactivated_at, c.deactivated_by, c.deactivation_reason,
                     c.deactivation_note, l.id, l.at, l.actor, l.tenant_id, l.subject, l.action, l.channel, l.reason,
                     l.note, l.outcome, l.bulk_run_id
                FROM customers c LEFT JOIN audit_log l ON l.customer_id = c.id AND l.request_id IS NULL
               WHERE ${DEMO} AND ${UNTOUCHED}
               ORDER BY c.id, l.id`).map((r) => ({
    pid: r[0], tenant: r[1], status: r[2], at: r[3], by: r[4], reason: r[5], note: r[6],
    row: r[7] === null ? null : { id: Number(r[7]), at: r[8], actor: r[9], tenant: r[10], subject: r[11], action: r[12],
      channel: r[13], reason: r[14], note: r[15], outcome: r[16], bulkRun: r[17] },
  }));
}

/** The expected audit row of a customer's deactivation, from its own columns. */
function deactivationRow(c) {
  return {
    at: `${c.at}.000`, actor: c.by, tenant: c.tenant, subject: c.pid, action: 'deactivate',
    channel: c.by.startsWith('api:') ? 'api' : 'page', reason: c.reason, note: c.note, outcome: 'ok', bulkRun: null,
  };
}

describe('the demo data', () => {
  const rows = demoRows();
  const byCustomer = new Map();
  for (const r of rows) {
    if (!byCustomer.has(r.pid)) byCustomer.set(r.pid, { ...r, rows: [] });
    if (r.row) byCustomer.get(r.pid).rows.push(r.row);
  }
  const customers = [...byCustomer.values()];
  const inactive = customers.filter((c) => c.status === 'inactive');

  test('has inactive customers in both tenants, deactivated by logins and by a script', () => {
    assert.ok(customers.length > 100, `${customers.length} demo customers`);
    assert.ok(inactive.length > customers.length / 40, `${inactive.length} of ${customers.length} inactive (about 5%)`);
    for (const t of ['1', '2']) assert.ok(inactive.some((c) => c.tenant === t), `tenant ${t} has inactive customers`);
    assert.ok(inactive.some((c) => c.by.startsWith('api:')) && inactive.some((c) => !c.by.startsWith('api:')));
    assert.ok(inactive.some((c) => c.note) && inactive.some((c) => !c.note), 'some with a note, some without');
  });

  test("every inactive customer has exactly one 'deactivate' 'ok' audit row: its deactivation, as its columns record it", () => {
    const wrong = [];
    for (const c of inactive) {
      const want = deactivationRow(c);
      const got = c.rows.map(({ id, ...rest }) => rest);
      if (got.length !== 1 || !isDeepStrictEqual(got[0], want))
        wrong.push(`${c.pid}: ${JSON.stringify(got)} instead of [${JSON.stringify(want)}]`);
    }
    assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of ${inactive.length} inactive customers`);
    // and no other attempt is recorded for them (by any request or at load)
    const others = sql(`SELECT COUNT(*) FROM customers c JOIN audit_log l ON l.customer_id = c.id
                         WHERE ${DEMO} AND ${UNTOUCHED} AND c.status = 'inactive'`)[0][0];
    assert.equal(Number(others), inactive.length);
  });

  test('active customers have no deactivation on record', () => {
    const active = customers.filter((c) => c.status === 'active' && c.rows.length > 0);
    assert.deepEqual(active.map((c) => c.pid).slice(0, 5), []);
  });

  test("who deactivated is a login of the customer's own tenant, or an API key; the rows were written in time order", () => {
    const logins = Object.fromEntries(sql('SELECT username, tenant_id, role FROM operators').map(([u, t, role]) => [u, { t, role }]));
    const foreign = inactive.filter((c) => !c.by.startsWith('api:') && logins[c.by]?.t !== c.tenant);
    assert.deepEqual(foreign.map((c) => `${c.pid} (tenant ${c.tenant}) by ${c.by}`).slice(0, 5), []);
    const viewers = inactive.filter((c) => logins[c.by]?.role === 'viewer');
    assert.deepEqual(viewers.map((c) => c.pid), [], 'a viewer deactivates nothing');
    const inIdOrder = inactive.map((c) => c.rows[0]).sort((a, b) => a.id - b.id);
    for (let i = 1; i < inIdOrder.length; i++)
      assert.ok(inIdOrder[i - 1].at <= inIdOrder[i].at, `audit row ${inIdOrder[i].id} is not older than ${inIdOrder[i - 1].id}`);
  });

  test('cus_fixture_inactive has the audit row of its deactivation', () => {
    const got = sql(`SELECT l.at, l.actor, l.tenant_id, l.subject, l.action, l.channel, l.reason, l.note, l.outcome
                       FROM audit_log l JOIN customers c ON c.id = l.customer_id
                      WHERE c.public_id = 'cus_fixture_inactive' AND l.request_id IS NULL ORDER BY l.id`);
    assert.deepEqual(got, [['2026-01-15 14:30:00.000', 'admin', '1', 'cus_fixture_inactive', 'deactivate', 'page',
      'account_closure', 'Customer asked to close the account by e-mail.', 'ok']]);
  });
});

/** The rows of the history section of a customer page, as text cells. */
function historyRows(html) {
  const section = between(html, '<section class="panel" id="history"', '</section>');
  assert.ok(section, 'the page has a history section');
  return tableRows(section).map((cells) => cells.map(textOf));
}

describe('the pages show the demo deactivations', () => {
  const pick = (tenant) => {
    const [r] = sql(`SELECT c.public_id, c.deactivated_at, c.deactivated_by, c.deactivation_reason, COALESCE(c.deactivation_note, '')
                       FROM customers c WHERE ${DEMO} AND ${UNTOUCHED} AND c.status = 'inactive' AND c.tenant_id = ${tenant}
                        AND c.deactivation_note IS NOT NULL ORDER BY c.id LIMIT 1`);
    assert.ok(r, `an inactive demo customer of tenant ${tenant}`);
    const [pid, at, by, reason, note] = r;
    return { pid, at, by, reason, note };
  };
  const shown = (c) => [`${c.at.slice(0, 16)} UTC`, c.by, 'deactivate', c.by.startsWith('api:') ? 'api' : 'page', label(c.reason), c.note, 'ok'];

  for (const [tenant, user] of [[1, 'admin'], [2, 'globex']]) {
    test(`tenant ${tenant}: an inactive customer's page has its deactivation in its history, and the audit log has it`, async () => {
      const c = pick(tenant);
      const r = await get(user, `/customers/${c.pid}`);
      assert.equal(r.status, 200);
      assert.deepEqual(historyRows(r.text), [shown(c)]);
      assert.doesNotMatch(r.text, /No deactivations or reactivations yet/);
      const audit = await get(user, `/audit?customer=${c.pid}`);
      assert.equal(audit.status, 200);
      const rows = tableRows(audit.text).map((cells) => cells.map(textOf));
      assert.equal(rows.length, 1);
      assert.deepEqual(rows[0].slice(0, 8), [`${c.at.slice(0, 16)} UTC`, c.by, 'deactivate', shown(c)[3], c.pid, label(c.reason), c.note, 'ok']);
    });
  }

  test("cus_fixture_inactive's page shows its deactivation in its history", async () => {
    const r = await get('admin', '/customers/cus_fixture_inactive');
    assert.equal(r.status, 200);
    const rows = historyRows(r.text);
    assert.deepEqual(rows[rows.length - 1], ['2026-01-15 14:30 UTC', 'admin', 'deactivate', 'page', 'Account closure',
      'Customer asked to close the account by e-mail.', 'ok']);
  });
});
