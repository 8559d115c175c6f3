// The retention pages: tenant-wide totals and one customer's record.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, post, sql, sqlValue, csrfFrom, between, textOf, tableRows, definition, parseCount, euros,
  retentionTable, expectedRetention, createCustomer, label,
} from './lib.mjs';

const REASONS = ['data_cleanup', 'account_closure', 'compliance', 'fraud_prevention'];

/** The figures of /retention as the page shows them. */
function pageFigures(html) {
  const totals = between(html, '<dl class="facts totals">', '</dl>');
  assert.ok(totals, 'the totals are on the page');
  const pay = /^([\d,]+) \((\S+) collected\)$/.exec(definition(totals, 'Payments kept'));
  assert.ok(pay, 'payments read "N (€x collected)"');
  const byReason = tableRows(between(html, '<section class="panel" aria-labelledby="reason-title">', '</section>'))
    .map((c) => [textOf(c[0]), parseCount(textOf(c[1])), parseCount(textOf(c[2]))]);
  const monthSection = between(html, '<section class="panel" aria-labelledby="month-title">', '</section>');
  const byMonth = tableRows(monthSection).map((c) => [textOf(c[0]), textOf(c[1]), parseCount(textOf(c[2])), parseCount(textOf(c[3]))]);
  return {
    customers: parseCount(definition(totals, 'Inactive customers')),
    orders: parseCount(definition(totals, 'Orders kept')),
    subscriptions: parseCount(definition(totals, 'Subscriptions kept')),
    payments: parseCount(pay[1]),
    collected: pay[2],
    addresses: parseCount(definition(totals, 'Addresses kept')),
    byReason,
    byMonth,
  };
}

/** The same figures counted in the database, from the rows themselves. */
function sqlFigures(tenant) {
  const inactive = `SELECT id FROM customers WHERE tenant_id = ${tenant} AND status = 'inactive'`;
  const [[customers, orders, subs, payments, collected, addresses]] = sql(`SELECT
      (SELECT COUNT(*) FROM customers WHERE tenant_id = ${tenant} AND status = 'inactive'),
      (SELECT COUNT(*) FROM orders WHERE customer_id IN (${inactive})),
      (SELECT COUNT(*) FROM subscriptions WHERE customer_id IN (${inactive})),
      (SELECT COUNT(*) FROM payments WHERE customer_id IN (${inactive})),
      (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE status = 'paid' AND customer_id IN (${inactive})),
      (SELECT COUNT(*) FROM addresses WHERE customer_id IN (${inactive}))`);
  const byReason = REASONS.map((r) => {
    const [[n, o]] = sql(`SELECT COUNT(*), (SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id
                                              WHERE c.tenant_id = ${tenant} AND c.status = 'inactive' AND c.deactivation_reason = '${r}')
                            FROM customers WHERE tenant_id = ${tenant} AND status = 'inactive' AND deactivation_reason = '${r}'`);
    return [label(r), Number(n), Number(o)];
  });
  const byMonth = sql(`SELECT DATE_FORMAT(c.deactivated_at, '%Y-%m') AS m, c.deactivation_reason AS r, COUNT(*),
                              (SELECT COUNT(*) FROM orders o JOIN customers c2 ON c2.id = o.customer_id
                                WHERE c2.tenant_id = ${tenant} AND c2.status = 'inactive'
                                  AND DATE_FORMAT(c2.deactivated_at, '%Y-%m') = m AND c2.deactivation_reason = r)
                         FROM customers c WHERE c.tenant_id = ${tenant} AND c.status = 'inactive'
                        GROUP BY m, r ORDER BY m DESC, r`).map(([m, r, n, o]) => [m, label(r), Number(n), Number(o)]);
  return {
    customers: Number(customers), orders: Number(orders), subscriptions: Number(subs), payments: Number(payments),
    collected: euros(collected), addresses: Number(addresses), byReason, byMonth,
  };
}

describe('/retention', () => {
  test("the totals equal the database's figures for tenant 1's inactive customers", async () => {
    const r = await get('admin', '/retention');
    assert.equal(r.status, 200);
    const want = sqlFigures(1);
    assert.ok(want.customers > 0 && want.orders > 0 && want.payments > 0);
    assert.deepEqual(pageFigures(r.text), want);
  });

  test('every inactive customer is counted under a reason', async () => {
    const f = pageFigures((await get('admin', '/retention')).text);
    assert.equal(f.byReason.reduce((a, x) => a + x[1], 0), f.customers);
    assert.equal(f.byMonth.reduce((a, x) => a + x[2], 0), f.customers);
  });

  test('no deactivation is dated in the future', async () => {
    const f = pageFigures((await get('admin', '/retention')).text);
    const thisMonth = new Date().toISOString().slice(0, 7);
    const future = f.byMonth.filter(([m]) => m > thisMonth).map(([m, r, n]) => `${m} ${r}: ${n}`);
    assert.deepEqual(future, [], `months after ${thisMonth} on the page`);
    assert.equal(Number(sqlValue('SELECT COUNT(*) FROM customers WHERE deactivated_at > UTC_TIMESTAMP()')), 0,
      'customers deactivated in the future');
  });

  test('tenant 2 sees its own figures', async () => {
    const r = await get('globex', '/retention');
    assert.equal(r.status, 200);
    const want = sqlFigures(2);
    const got = pageFigures(r.text);
    assert.deepEqual({ ...got, collected: undefined }, { ...want, collected: undefined });
    assert.equal(got.collected, want.collected.replace('€', '$'), 'in its own currency');
  });

  test('a deactivation adds exactly its own records to the totals', async () => {
    const before = pageFigures((await get('admin', '/retention')).text);
    const c = createCustomer({ history: true });
    const form = await get('operator', `/customers/${c.publicId}/deactivate`);
    const r = await post('operator', `/customers/${c.publicId}/deactivate`, { csrf: csrfFrom(form.text), reason: 'fraud_prevention' });
    assert.equal(r.status, 303);
    const after = pageFigures((await get('admin', '/retention')).text);
    assert.deepEqual(
      [after.customers, after.orders, after.subscriptions, after.payments, after.addresses],
      [before.customers + 1, before.orders + 1, before.subscriptions + 1, before.payments + 3, before.addresses + 2],
    );
    const cents = (s) => Math.round(Number(s.replace(/[^\d.]/g, '')) * 100);
    assert.equal(cents(after.collected) - cents(before.collected), 5000, 'two paid payments of €25.00');
    const fraud = (f) => f.byReason.find((x) => x[0] === 'Fraud prevention');
    assert.deepEqual(fraud(after), ['Fraud prevention', fraud(before)[1] + 1, fraud(before)[2] + 1]);
    const month = new Date().toISOString().slice(0, 7);
    const row = after.byMonth.find((x) => x[0] === month && x[1] === 'Fraud prevention');
    assert.ok(row, 'this month has a fraud prevention row');
  });
});

describe('/customers/{id}/retention', () => {
  test('cus_fixture_inactive shows its deactivation record and its counts', async () => {
    const r = await get('admin', '/customers/cus_fixture_inactive/retention');
    assert.equal(r.status, 200);
    const record = between(r.text, '<section class="panel deactivated"', '</section>');
    assert.ok(record, 'the deactivation record is shown');
    assert.equal(definition(record, 'When'), '2026-01-15 14:30 UTC');
    assert.equal(definition(record, 'By'), 'admin');
    assert.equal(definition(record, 'Reason'), 'Account closure');
    assert.equal(definition(record, 'Note'), 'Customer asked to close the account by e-mail.');
    const id = sqlValue("SELECT id FROM customers WHERE public_id = 'cus_fixture_inactive'");
    const table = retentionTable(r.text);
    assert.deepEqual(table, expectedRetention(id));
    // what sql/fixtures.sql gave it: one past rental
    assert.deepEqual(table, {
      profile: 'Preserved, marked inactive',
      orders: { total: 1, by: { Fulfilled: 1 } },
      subscriptions: { total: 1, by: { 'Ended completed': 1 } },
      payments: { total: 3, collected: '€78.00', by: { Paid: 2, Failed: 1 } },
      addresses: 2,
      notes: 2,
      devicesEver: 1,
      devicesOut: 0,
    });
    assert.match(textOf(r.text), /Ines Inactive inactive/);
  });

  test("the customer's own page shows the same deactivation record and profitability", async () => {
    const r = await get('admin', '/customers/cus_fixture_inactive');
    assert.equal(r.status, 200);
    const record = textOf(between(r.text, '<section class="panel deactivated"', '</section>'));
    assert.match(record, /2026-01-15 14:30 UTC by admin · reason: Account closure/);
    assert.match(record, /Customer asked to close the account by e-mail\./);
    assert.equal(definition(r.text, 'Lifetime collected'), '€78.00');
    assert.equal(definition(r.text, 'Acquisition cost of devices'), '€800.00');
    assert.match(definition(r.text, 'Cost recovered'), /^9\.8%/);
    assert.equal(definition(r.text, 'Devices ever rented'), '1');
    assert.equal(definition(r.text, 'Devices with the customer'), '0');
  });

  test('an active customer keeps everything too, and has no deactivation record', async () => {
    for (const pid of ['cus_fixture_all_three', 'cus_fixture_clean']) {
      const r = await get('admin', `/customers/${pid}/retention`);
      assert.equal(r.status, 200);
      assert.equal(between(r.text, '<section class="panel deactivated"', '</section>'), null);
      const id = sqlValue(`SELECT id FROM customers WHERE public_id = '${pid}'`);
      assert.deepEqual(retentionTable(r.text), expectedRetention(id));
      assert.equal(retentionTable(r.text).profile, 'Preserved, active');
    }
  });
});
