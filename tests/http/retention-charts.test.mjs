// Issue 18, item 4: retention at a glance. /retention draws its charts as
// SVG on the server (no script), each with a real table beside it, and
// both say what SQL counts: deactivations per month stacked by reason (the
// newest 24 months with any), erasures per month, records kept by kind. A
// bar's parts are as tall as their share of the tallest month. The
// customer's retention page has its timeline, oldest first.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { get, sql, sqlValue, lit, createCustomer, textOf, tableRows } from './lib.mjs';
import * as L from './apilib.mjs';

const PLOT = 240 - 14 - 36; // the chart's plot height (src/pages/retention.c)
const REASONS = [['data_cleanup', 'Data cleanup'], ['account_closure', 'Account closure'], ['compliance', 'Compliance'], ['fraud_prevention', 'Fraud prevention']];

/** The <rect>s of a chart: class key, height and tooltip. */
function rects(html, id) {
  const fig = new RegExp(`<figure class="chart" id="${id}">([\\s\\S]*?)</figure>`).exec(html);
  assert.ok(fig, `chart ${id}`);
  return [...fig[1].matchAll(/<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" class="seg seg-([a-z_]+)"><title>([^<]*)<\/title><\/rect>/g)]
    .map((m) => ({ x: +m[1], y: +m[2], w: +m[3], h: +m[4], key: m[5], tip: L.decodeEntities(m[6]) }));
}

/** The body rows of the table with this id. */
function rowsOf(html, id) {
  const t = new RegExp(`<table[^>]*id="${id}"[^>]*>([\\s\\S]*?)</table>`).exec(html);
  assert.ok(t, `table ${id}`);
  return [...t[1].matchAll(/<tr><th scope="row">([^<]*)<\/th>([\s\S]*?)<\/tr>/g)]
    .map((m) => [m[1], ...[...m[2].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => Number(c[1].replace(/,/g, '')))]);
}

describe('the retention page', () => {
  test('deactivations per month by reason: the table and the bars say what SQL counts', async () => {
    const page = await get('viewer', '/retention');
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /<script(?![^>]*src=)/, 'no inline script');
    // the newest 24 months with any deactivation, by reason, from SQL
    const groups = sql(`SELECT DATE_FORMAT(deactivated_at, '%Y-%m') m, deactivation_reason, COUNT(*) FROM customers
                         WHERE tenant_id = 1 AND status = 'inactive' GROUP BY m, deactivation_reason ORDER BY m DESC`);
    const months = [...new Set(groups.map((g) => g[0]))].slice(0, 24).reverse();
    const want = months.map((m) => [m, ...REASONS.map(([k]) => Number(groups.find((g) => g[0] === m && g[1] === k)?.[2] ?? 0)),
      Number(groups.find((g) => g[0] === m && g[1] === 'NULL')?.[2] ?? 0)]).map((r) => [...r, r.slice(1).reduce((x, y) => x + y, 0)]);
    assert.deepEqual(rowsOf(page.text, 'deact-chart-table'), want);
    const bars = rects(page.text, 'deact-chart');
    const parts = want.flatMap((r) => REASONS.map(([k, label], i) => ({ m: r[0], k, label, n: r[i + 1] })).filter((p) => p.n > 0));
    assert.equal(bars.length, parts.length, 'one part per month and reason with any');
    for (const p of parts) assert.ok(bars.some((b) => b.key === p.k && b.tip === `${p.m}, ${p.label}: ${p.n.toLocaleString('en-US')}`), `${p.m} ${p.k}`);
    // the tallest month fills the plot; every bar's parts add up to its share
    const max = Math.max(...want.map((r) => r.at(-1)));
    const byX = new Map();
    for (const b of bars) byX.set(b.x, (byX.get(b.x) ?? 0) + b.h);
    const heights = [...byX.keys()].sort((x, y) => x - y).map((x) => byX.get(x));
    heights.forEach((h, i) => {
      const total = want.filter((r) => r.at(-1) > 0)[i].at(-1);
      assert.ok(Math.abs(h - (total * PLOT) / max) <= 5, `month ${i}: ${h} px for ${total} of ${max}`);
    });
    assert.equal(Math.max(...heights) >= PLOT - 5 && Math.max(...heights) <= PLOT + 5, true);
    // the chart names itself for screen readers
    assert.match(page.text, /<svg[^>]*role="img" aria-labelledby="deact-chart-title deact-chart-desc"/);
    assert.match(page.text, /<title id="deact-chart-title">Deactivations per month, by reason<\/title>/);
  });

  test('erasures per month and records kept by kind, against SQL', async () => {
    // one more erasure this month, so the chart has a bar
    const c = createCustomer({ status: 'inactive', history: true });
    sql(`UPDATE customers SET deactivated_at = UTC_TIMESTAMP() - INTERVAL 200 DAY WHERE id = ${c.id}`);
    const key = L.createKey({ role: 'admin' }).key;
    assert.equal((await L.api(`/v1/customers/${c.publicId}/erase`, { key, method: 'POST', json: {} })).status, 200);
    const page = await get('viewer', '/retention');
    const want = sql(`SELECT DATE_FORMAT(erased_at, '%Y-%m') m, COUNT(*) FROM customers WHERE tenant_id = 1 AND erased_at IS NOT NULL
                       GROUP BY m ORDER BY m DESC LIMIT 24`).reverse().map(([m, n]) => [m, Number(n)]);
    assert.ok(want.length >= 1);
    assert.deepEqual(rowsOf(page.text, 'erase-chart-table'), want);
    const bars = rects(page.text, 'erase-chart');
    assert.deepEqual(bars.map((b) => b.tip), want.map(([m, n]) => `${m}: ${n.toLocaleString('en-US')} erased`));
    assert.ok(bars.every((b) => b.key === 'erased'));

    const [[orders, subs, payments, addresses]] = sql(`SELECT
        (SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.tenant_id = 1 AND c.status = 'inactive'),
        (SELECT COUNT(*) FROM subscriptions s JOIN customers c ON c.id = s.customer_id WHERE c.tenant_id = 1 AND c.status = 'inactive'),
        (SELECT COUNT(*) FROM payments p JOIN customers c ON c.id = p.customer_id WHERE c.tenant_id = 1 AND c.status = 'inactive'),
        (SELECT COUNT(*) FROM addresses x JOIN customers c ON c.id = x.customer_id WHERE c.tenant_id = 1 AND c.status = 'inactive')`);
    assert.deepEqual(rowsOf(page.text, 'kept-chart-table'),
      [['Orders', +orders], ['Subscriptions', +subs], ['Payments', +payments], ['Addresses', +addresses]]);
    assert.equal(rects(page.text, 'kept-chart').length, [orders, subs, payments, addresses].filter((n) => +n > 0).length);
  });
});

describe('a customer\'s timeline', () => {
  test('created, orders, deactivation, the policy\'s erasure to come, the end of the financial records\' retention, oldest first', async () => {
    const c = createCustomer({ status: 'inactive', history: true, tenant: 2 });
    sql(`UPDATE customers SET created_at = '2020-01-15 10:00:00', deactivated_at = '2024-03-10 09:00:00' WHERE id = ${c.id};
         UPDATE orders SET created_at = '2021-06-01 08:00:00' WHERE customer_id = ${c.id}`);
    // a policy far beyond now for tenant 2, so nothing is erased by it here
    sql('UPDATE tenants SET erase_after_months = 1200 WHERE id = 2');
    try {
      const page = await get('globex', `/customers/${c.publicId}/retention`);
      assert.equal(page.status, 200);
      const ol = /<ol class="timeline">([\s\S]*?)<\/ol>/.exec(page.text);
      assert.ok(ol, 'the timeline');
      const items = [...ol[1].matchAll(/<li( class="future")?><span class="when">([^<]*)<\/span> ([^<]*)/g)]
        .map((m) => [m[2], L.decodeEntities(m[3]).trim(), Boolean(m[1])]);
      assert.deepEqual(items, [
        ['2020-01-15', 'Customer created', false],
        ['2021-06-01', 'Order placed', false],
        ['2024-03-10', 'Deactivated', false],
        ['2034-03-10', "Financial records' retention ends", true],
        ['2124-03-10', 'Personal data to be erased (the retention policy)', true],
      ]);
    } finally {
      sql('UPDATE tenants SET erase_after_months = NULL WHERE id = 2');
    }
  });
});
