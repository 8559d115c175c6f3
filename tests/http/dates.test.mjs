// The date rules at month and year boundaries, through the real pages:
// the bulk filters "created before" and "no activity since", the
// tenant-wide retention summary by month, and the customer list's cursor
// when many customers share a created_at. Every customer here is made by
// this file with fixed timestamps (unique ids, names and e-mail domains,
// so the file runs after any other, in any order), and every expected
// value is computed from those timestamps, in JS or in SQL: never from
// the machine's clock.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { completeOrder } from '../sql.mjs';
import { get, post, sql, lit, listIds, nextHref, between, tableRows, textOf, parseCount, label, uid } from './lib.mjs';
import { hiddenFields, previewRows, errorOf } from './apilib.mjs';

const TAG = uid(4); // 8 hex characters, for this run's ids, names and domains
const domain = (part) => `${part}.dates-${TAG}.example`;

/**
 * Inserts customers of tenant 1 as root, with the columns the other tests
 * use, then their orders and payments (while active: the order trigger
 * refuses inactive customers), then deactivates those that should be
 * inactive (the triggers keep the counters and total_orders). part: a
 * short name of the caller, in the public ids. specs:
 * [{ key, created, email, last?, type?, orders?: [ts], payments?: [ts],
 *    deactivated?: { at, reason, by? } }]. Returns { key: { ...spec, pid, id } }.
 */
function insertCustomers(part, specs) {
  const pid = (s) => `cus_dt${TAG}_${part}_${s.key}`;
  sql(`INSERT INTO customers (public_id, tenant_id, email, first_name, last_name, customer_type,
         company, phone, status, created_at, updated_at)
       VALUES ${specs.map((s) => `(${lit(pid(s))}, 1, ${lit(s.email)}, 'Dates', ${lit(s.last ?? `Dd${TAG}`)},
         ${lit(s.type ?? 'individual')}, ${lit(s.type === 'business' ? `Dt${TAG} BV` : null)}, '+31 20 555 0142',
         'active', ${lit(s.created)}, ${lit(s.created)})`).join(',\n')}`);
  const ids = Object.fromEntries(sql(`SELECT public_id, id FROM customers WHERE public_id LIKE ${lit(`cus\\_dt${TAG}\\_${part}\\_%`)}`));
  const out = {};
  for (const s of specs) {
    assert.ok(ids[pid(s)], `${pid(s)} was inserted`);
    out[s.key] = { ...s, pid: pid(s), id: Number(ids[pid(s)]) };
  }
  const stmts = [];
  let n = 0;
  for (const c of Object.values(out)) {
    for (const at of c.orders ?? [])
      stmts.push(`INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
                  VALUES (${lit(`ord_dt${TAG}_${part}${n++}`)}, 1, ${c.id}, 'fulfilled', 10.00, 'EUR', ${lit(at)})`, completeOrder());
    for (const at of c.payments ?? [])
      stmts.push(`INSERT INTO payments (public_id, tenant_id, customer_id, amount, currency, status, paid_at, created_at)
                  VALUES (${lit(`pay_dt${TAG}_${part}${n++}`)}, 1, ${c.id}, 10.00, 'EUR', 'paid', ${lit(at)}, ${lit(at)})`);
    if (c.deactivated)
      stmts.push(`UPDATE customers SET status = 'inactive', deactivated_at = ${lit(c.deactivated.at)},
                    deactivated_by = ${lit(c.deactivated.by ?? 'admin')}, deactivation_reason = ${lit(c.deactivated.reason)},
                    updated_at = ${lit(c.deactivated.at)} WHERE id = ${c.id}`);
  }
  if (stmts.length) sql(stmts.join(';\n'));
  return out;
}

/** "2026-01-01" -> "2026-01-01 00:00:00": the first second of a day, as DATETIME text. */
const midnight = (day) => `${day} 00:00:00`;

// ---- bulk filters ------------------------------------------------------------------

async function filterPreview(form) {
  const page = await get('admin', '/bulk');
  assert.equal(page.status, 200);
  const csrf = hiddenFields(page.text, '/bulk/preview')?.csrf;
  assert.ok(csrf, 'the preview form carries a CSRF token');
  const r = await post('admin', '/bulk/preview', { csrf, mode: 'filter', ...form });
  r.rows = previewRows(r.text);
  return r;
}

/** The customers a filter preview proposes, sorted. */
async function proposed(form) {
  const r = await filterPreview(form);
  assert.equal(r.status, 200, `${JSON.stringify(form)}: ${errorOf(r.text)?.message ?? r.text.slice(0, 300)}`);
  return r.rows.map((x) => x.customer).sort();
}

const sorted = (a) => [...a].sort();

describe('bulk filter "created before": customers created before the first second of the day', () => {
  const D = domain('created');
  const specs = [
    ['year_prev_day', '2025-12-31 00:00:00'],
    ['year_last', '2025-12-31 23:59:59'],
    ['year_first', '2026-01-01 00:00:00'],
    ['year_second', '2026-01-01 00:00:01'],
    ['month_last', '2026-02-28 23:59:59'],
    ['month_first', '2026-03-01 00:00:00'],
    ['leap_eve', '2024-02-28 23:59:59'],
    ['leap_first', '2024-02-29 00:00:00'],
    ['leap_last', '2024-02-29 23:59:59'],
    ['leap_next', '2024-03-01 00:00:00'],
  ].map(([key, created], i) => ({ key, created, email: `c${i}@${D}` }));
  // created at a year's last second but already inactive: never proposed
  specs.push({ key: 'year_last_inactive', created: '2025-12-31 23:59:59', email: `ci@${D}`,
    deactivated: { at: '2026-02-01 10:00:00', reason: 'data_cleanup' } });
  let C;
  before(() => { C = insertCustomers('cb', specs); });

  /** From the fixed timestamps alone: active and created strictly before midnight of day. */
  const expected = (day) => sorted(Object.values(C).filter((c) => !c.deactivated && c.created < midnight(day)).map((c) => c.pid));

  test('a year end: 2025-12-31 23:59:59 is before 2026-01-01, 2026-01-01 00:00:00 is not', async () => {
    const got = await proposed({ domain: D, created_before: '2026-01-01' });
    assert.deepEqual(got, expected('2026-01-01'));
    assert.ok(got.includes(C.year_last.pid) && got.includes(C.year_prev_day.pid));
    assert.ok(!got.includes(C.year_first.pid) && !got.includes(C.year_second.pid));
    assert.ok(!got.includes(C.year_last_inactive.pid), 'an inactive customer is never proposed');
    // the day before and the day after move the line by exactly one day
    const before31 = await proposed({ domain: D, created_before: '2025-12-31' });
    assert.deepEqual(before31, expected('2025-12-31'));
    assert.ok(!before31.includes(C.year_prev_day.pid), '2025-12-31 00:00:00 is not before 2025-12-31');
    const before02 = await proposed({ domain: D, created_before: '2026-01-02' });
    assert.deepEqual(before02, expected('2026-01-02'));
    assert.ok(before02.includes(C.year_first.pid) && before02.includes(C.year_second.pid));
  });

  test('a month end: 2026-02-28 23:59:59 is before 2026-03-01, 2026-03-01 00:00:00 is not', async () => {
    const got = await proposed({ domain: D, created_before: '2026-03-01' });
    assert.deepEqual(got, expected('2026-03-01'));
    assert.ok(got.includes(C.month_last.pid));
    assert.ok(!got.includes(C.month_first.pid));
    const feb28 = await proposed({ domain: D, created_before: '2026-02-28' });
    assert.deepEqual(feb28, expected('2026-02-28'));
    assert.ok(!feb28.includes(C.month_last.pid));
  });

  test('a leap day: 2024-02-29 is a date, and splits 2024-02-28 23:59:59 from 2024-02-29 00:00:00', async () => {
    const leap = await proposed({ domain: D, created_before: '2024-02-29' });
    assert.deepEqual(leap, expected('2024-02-29'));
    assert.deepEqual(leap, [C.leap_eve.pid]);
    const march = await proposed({ domain: D, created_before: '2024-03-01' });
    assert.deepEqual(march, expected('2024-03-01'));
    assert.deepEqual(march, sorted([C.leap_eve.pid, C.leap_first.pid, C.leap_last.pid]));
    assert.deepEqual(await proposed({ domain: D, created_before: '2024-02-28' }), []);
    // 2025 has no 29 February, 2026 no 30 February
    for (const bad of ['2025-02-29', '2026-02-30', '2026-04-31', '2026-13-01', '2026-00-10']) {
      const r = await filterPreview({ domain: D, created_before: bad });
      assert.equal(r.status, 400, bad);
      assert.match(errorOf(r.text).message, /^created_before/, bad);
    }
  });

  test("the previews agree with the database's own comparison", async () => {
    for (const day of ['2024-02-29', '2024-03-01', '2025-12-31', '2026-01-01', '2026-03-01']) {
      const want = sql(`SELECT public_id FROM customers WHERE tenant_id = 1 AND email_domain = ${lit(D)}
                          AND status = 'active' AND created_at < DATE ${lit(day)}`).map((r) => r[0]);
      assert.deepEqual(await proposed({ domain: D, created_before: day }), sorted(want), day);
    }
  });
});

describe('bulk filter "no activity since": no order and no payment at or after the first second of the day', () => {
  const D = domain('idle');
  const specs = [
    { key: 'none' },
    { key: 'order_year_last', orders: ['2025-12-31 23:59:59'] },
    { key: 'order_year_first', orders: ['2026-01-01 00:00:00'] },
    { key: 'pay_year_last', payments: ['2025-12-31 23:59:59'] },
    { key: 'pay_year_first', payments: ['2026-01-01 00:00:00'] },
    { key: 'order_last_pay_first', orders: ['2025-12-31 23:59:59'], payments: ['2026-01-01 00:00:00'] },
    { key: 'both_year_last', orders: ['2025-06-30 12:00:00', '2025-12-31 23:59:59'], payments: ['2025-12-31 23:59:59'] },
    { key: 'order_month_last', orders: ['2026-02-28 23:59:59'] },
    { key: 'pay_month_first', payments: ['2026-03-01 00:00:00'] },
    { key: 'order_leap_last', orders: ['2024-02-29 23:59:59'] },
    { key: 'pay_leap_first', payments: ['2024-02-29 00:00:00'] },
    { key: 'pay_leap_next', payments: ['2024-03-01 00:00:00'] },
  ].map((s, i) => ({ ...s, created: '2023-06-01 00:00:00', email: `i${i}@${D}` }));
  let C;
  before(() => { C = insertCustomers('is', specs); });

  /** From the fixed timestamps alone: every order and payment strictly before midnight of day. */
  const expected = (day) => sorted(Object.values(C)
    .filter((c) => [...(c.orders ?? []), ...(c.payments ?? [])].every((at) => at < midnight(day)))
    .map((c) => c.pid));

  test('a year end: activity at 2025-12-31 23:59:59 keeps a customer idle since 2026-01-01, at 2026-01-01 00:00:00 it does not', async () => {
    const got = await proposed({ domain: D, idle_since: '2026-01-01' });
    assert.deepEqual(got, expected('2026-01-01'));
    for (const k of ['none', 'order_year_last', 'pay_year_last', 'both_year_last']) assert.ok(got.includes(C[k].pid), k);
    for (const k of ['order_year_first', 'pay_year_first', 'order_last_pay_first']) assert.ok(!got.includes(C[k].pid), k);
    // a day earlier, the last second of the year is activity on that day
    const dec31 = await proposed({ domain: D, idle_since: '2025-12-31' });
    assert.deepEqual(dec31, expected('2025-12-31'));
    assert.ok(!dec31.includes(C.order_year_last.pid) && !dec31.includes(C.pay_year_last.pid));
    assert.deepEqual(await proposed({ domain: D, idle_since: '2026-01-02' }), expected('2026-01-02'));
  });

  test('a month end and a leap day', async () => {
    const march = await proposed({ domain: D, idle_since: '2026-03-01' });
    assert.deepEqual(march, expected('2026-03-01'));
    assert.ok(march.includes(C.order_month_last.pid));
    assert.ok(!march.includes(C.pay_month_first.pid));
    const leap = await proposed({ domain: D, idle_since: '2024-02-29' });
    assert.deepEqual(leap, expected('2024-02-29'));
    assert.deepEqual(leap, [C.none.pid], 'on 2024-02-29 every other customer has activity on or after it');
    const march24 = await proposed({ domain: D, idle_since: '2024-03-01' });
    assert.deepEqual(march24, expected('2024-03-01'));
    assert.ok(march24.includes(C.order_leap_last.pid) && march24.includes(C.pay_leap_first.pid));
    assert.ok(!march24.includes(C.pay_leap_next.pid));
  });

  test("the previews agree with the database's own comparison", async () => {
    for (const day of ['2024-02-29', '2024-03-01', '2025-12-31', '2026-01-01', '2026-03-01']) {
      const want = sql(`SELECT public_id FROM customers c WHERE tenant_id = 1 AND email_domain = ${lit(D)} AND status = 'active'
                          AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.created_at >= DATE ${lit(day)})
                          AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.customer_id = c.id AND p.created_at >= DATE ${lit(day)})`)
        .map((r) => r[0]);
      assert.deepEqual(await proposed({ domain: D, idle_since: day }), sorted(want), day);
    }
  });
});

// ---- the tenant-wide retention summary by month -----------------------------------------

/** The "by month" rows of /retention: { "YYYY-MM|Reason label": { customers, orders } }. */
async function retentionMonths() {
  const r = await get('admin', '/retention');
  assert.equal(r.status, 200);
  const section = between(r.text, '<section class="panel" aria-labelledby="month-title">', '</section>');
  assert.ok(section, 'the month section is on the page');
  const out = {};
  for (const cells of tableRows(section)) {
    const [month, reason, customers, orders] = cells.map(textOf);
    assert.match(month, /^\d{4}-\d{2}$/);
    const key = `${month}|${reason}`;
    assert.ok(!(key in out), `${key} is shown once`);
    out[key] = { customers: parseCount(customers), orders: parseCount(orders) };
  }
  return out;
}

/** "2025-12" -> "2026-01". */
function nextMonth(ym) {
  const [y, m] = ym.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

describe('/retention groups deactivations by the month they happened in', () => {
  const D = domain('retention');
  const specs = [
    { key: 'year_last', deactivated: { at: '2025-12-31 23:59:59', reason: 'compliance' }, orders: ['2024-05-01 10:00:00'] },
    { key: 'year_first', deactivated: { at: '2026-01-01 00:00:00', reason: 'compliance' }, orders: ['2024-05-01 10:00:00', '2024-06-01 10:00:00'] },
    { key: 'year_first_fraud', deactivated: { at: '2026-01-01 00:00:00', reason: 'fraud_prevention' } },
    { key: 'month_last', deactivated: { at: '2026-02-28 23:59:59', reason: 'account_closure' }, orders: ['2024-05-01 10:00:00'] },
    { key: 'month_first', deactivated: { at: '2026-03-01 00:00:00', reason: 'account_closure' } },
    { key: 'leap_last', deactivated: { at: '2024-02-29 23:59:59', reason: 'data_cleanup' }, orders: ['2023-09-01 10:00:00'] },
    { key: 'leap_next', deactivated: { at: '2024-03-01 00:00:00', reason: 'data_cleanup' } },
  ].map((s, i) => ({ ...s, created: '2023-06-01 00:00:00', email: `r${i}@${D}` }));
  let before_, after_, C;
  before(async () => {
    before_ = await retentionMonths();
    C = insertCustomers('rt', specs);
    after_ = await retentionMonths();
  });

  /** What these customers add per "month|reason", from their fixed timestamps. */
  function added() {
    const out = {};
    for (const c of Object.values(C)) {
      const key = `${c.deactivated.at.slice(0, 7)}|${label(c.deactivated.reason)}`;
      out[key] ??= { customers: 0, orders: 0 };
      out[key].customers++;
      out[key].orders += (c.orders ?? []).length;
    }
    return out;
  }

  test('each deactivation adds to its own month: 2025-12-31 23:59:59 to 2025-12, 2026-01-01 00:00:00 to 2026-01', () => {
    const add = added();
    assert.deepEqual(Object.keys(add).sort(), [
      '2024-02|Data cleanup', '2024-03|Data cleanup', '2025-12|Compliance', '2026-01|Compliance',
      '2026-01|Fraud prevention', '2026-02|Account closure', '2026-03|Account closure',
    ]);
    const zero = { customers: 0, orders: 0 };
    for (const key of new Set([...Object.keys(before_), ...Object.keys(after_)])) {
      const b = before_[key] ?? zero;
      const a = after_[key] ?? zero;
      const d = add[key] ?? zero;
      assert.deepEqual({ customers: a.customers - b.customers, orders: a.orders - b.orders }, d, key);
    }
    for (const key of Object.keys(add)) assert.ok(after_[key], `${key} is on the page`);
  });

  test("every month row of the touched months equals the database's count over that month's range", async () => {
    const months = [...new Set(Object.values(C).map((c) => c.deactivated.at.slice(0, 7)))].sort();
    const page = await retentionMonths();
    for (const m of months) {
      const from = `${m}-01 00:00:00`;
      const to = `${nextMonth(m)}-01 00:00:00`;
      const want = Object.fromEntries(sql(`SELECT c.deactivation_reason, COUNT(*),
              (SELECT COUNT(*) FROM orders o JOIN customers c2 ON c2.id = o.customer_id
                WHERE c2.tenant_id = 1 AND c2.status = 'inactive' AND c2.deactivation_reason = c.deactivation_reason
                  AND c2.deactivated_at >= ${lit(from)} AND c2.deactivated_at < ${lit(to)})
            FROM customers c WHERE c.tenant_id = 1 AND c.status = 'inactive'
             AND c.deactivated_at >= ${lit(from)} AND c.deactivated_at < ${lit(to)}
           GROUP BY c.deactivation_reason`).map(([r, n, o]) => [`${m}|${label(r)}`, { customers: Number(n), orders: Number(o) }]));
      const shown = Object.fromEntries(Object.entries(page).filter(([k]) => k.startsWith(`${m}|`)));
      assert.deepEqual(shown, want, m);
    }
  });
});

// ---- the customer list's cursor over a tie at a year's last second -------------------------

/** Follows rel="next" from path; returns the ids of every page and the pages' sizes. */
async function walk(path) {
  const ids = [];
  const sizes = [];
  let url = path;
  while (url) {
    const r = await get('admin', url);
    assert.equal(r.status, 200, `GET ${url}`);
    const page = listIds(r.text);
    ids.push(...page);
    sizes.push(page.length);
    url = nextHref(r.text);
    if (url) assert.match(url, /[?&]after=/, 'the next link carries a cursor');
    assert.ok(sizes.length <= 500, 'the cursor advances');
  }
  sizes.slice(0, -1).forEach((n, i) => assert.equal(n, 50, `page ${i + 1} is full`));
  return { ids, sizes };
}

function dupes(ids) {
  const seen = new Set();
  return ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
}

describe('the customer list pages through customers sharing a created_at at a year\'s last second', () => {
  const D = domain('list');
  const LAST = `Dt${TAG}`; // the search term: a last name only these customers have
  const TIE = '2025-12-31 23:59:59';
  const groups = [
    [TIE, 60],
    ['2026-01-01 00:00:00', 15],
    ['2025-12-31 23:59:58', 15],
    ['2024-12-31 23:59:59', 10],
    ['2024-02-29 23:59:59', 10],
    ['2024-03-01 00:00:00', 10],
  ];
  const specs = [];
  for (const [created, n] of groups) for (let i = 0; i < n; i++) specs.push({ created });
  // Ids must not follow the timestamps: insert in a fixed shuffled order
  // (a multiplicative permutation of 0..119), so the tie-break by id is tested.
  const order = specs.map((_, i) => (i * 77) % specs.length);
  assert.equal(new Set(order).size, specs.length);
  const shuffled = order.map((j, k) => ({
    ...specs[j], key: `l${k}`, email: `l${k}@${D}`, last: LAST,
    type: k % 7 === 0 ? 'business' : 'individual',
    deactivated: k % 6 === 0 ? { at: '2026-02-01 09:00:00', reason: 'data_cleanup' } : undefined,
  }));
  let C;
  before(() => { C = insertCustomers('ls', shuffled); });

  /** The expected order from the fixed timestamps and the ids the database gave. */
  function expected(filter, desc) {
    const s = Object.values(C).filter(filter).sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.id - b.id));
    return (desc ? s.reverse() : s).map((c) => c.pid);
  }
  const byPid = () => Object.fromEntries(Object.values(C).map((c) => [c.pid, c]));

  /** True when some page ends and the next begins inside the tie: the case under test. */
  function boundaryInTie(ids) {
    const m = byPid();
    for (let i = 50; i < ids.length; i += 50) if (m[ids[i - 1]].created === TIE && m[ids[i]].created === TIE) return true;
    return false;
  }

  const cases = [
    ['status=all&sort=createdAt&dir=desc', () => true, true, '1'],
    ['status=all&sort=createdAt&dir=asc', () => true, false, '1'],
    ['sort=createdAt&dir=desc', (c) => !c.deactivated, true, "status = 'active'"],
    ['status=active&sort=createdAt&dir=asc', (c) => !c.deactivated, false, "status = 'active'"],
    ['status=all&type=individual&sort=createdAt&dir=desc', (c) => c.type === 'individual', true, "customer_type = 'individual'"],
  ];
  for (const [query, filter, desc, where] of cases) {
    test(`q=${LAST.slice(0, 2)}…&${query}: every customer once, in (created_at, id) order`, async () => {
      const want = expected(filter, desc);
      const { ids, sizes } = await walk(`/customers?q=${LAST}&${query}`);
      assert.deepEqual(dupes(ids), [], 'no customer twice');
      assert.equal(ids.length, want.length, `no customer lost (${sizes.length} pages)`);
      assert.deepEqual(ids, want);
      assert.ok(sizes.length >= 2 && boundaryInTie(want), 'a page boundary falls inside the tie');
      const fromSql = sql(`SELECT public_id FROM customers WHERE tenant_id = 1 AND last_name = ${lit(LAST)} AND ${where}
                            ORDER BY created_at ${desc ? 'DESC' : 'ASC'}, id ${desc ? 'DESC' : 'ASC'}`).map((r) => r[0]);
      assert.deepEqual(ids, fromSql, 'the same as ORDER BY created_at, id in the database');
    });
  }

  for (const dir of ['desc', 'asc']) {
    test(`the whole tenant, status=all&sort=createdAt&dir=${dir} (the index, no search): every customer once, the tie in id order`, async () => {
      const { ids } = await walk(`/customers?status=all&sort=createdAt&dir=${dir}`);
      const want = sql(`SELECT public_id FROM customers WHERE tenant_id = 1
                         ORDER BY created_at ${dir.toUpperCase()}, id ${dir.toUpperCase()}`).map((r) => r[0]);
      assert.deepEqual(dupes(ids), [], 'no customer twice');
      assert.equal(ids.length, want.length, 'no customer lost');
      assert.deepEqual(ids, want);
      const mine = new Set(Object.values(C).map((c) => c.pid));
      assert.deepEqual(ids.filter((id) => mine.has(id)), expected(() => true, dir === 'desc'), 'ours, in their own order');
      // the tie (ours and any other customer created at that second) spans a page boundary
      const tie = new Set(sql(`SELECT public_id FROM customers WHERE tenant_id = 1 AND created_at = ${lit(TIE)}`).map((r) => r[0]));
      assert.ok(tie.size >= 60);
      let inTie = false;
      for (let i = 50; i < ids.length; i += 50) if (tie.has(ids[i - 1]) && tie.has(ids[i])) inTie = true;
      assert.ok(inTie, 'a page boundary falls inside the tie');
    });
  }
});
