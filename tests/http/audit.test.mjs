// The audit log page: order, filters, cursor pagination and the CSV export.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, get, post, sql, sqlValue, lit, csrfFrom, errorCode, mainOf, textOf, tableRows, nextHref, links,
  createCustomer, customerState, parseCsv, uid,
} from './lib.mjs';

const HEADER = ['id', 'at', 'actor', 'action', 'channel', 'customer', 'subject', 'reason', 'note', 'outcome', 'request_id', 'bulk_run_id'];

/** One audit page row as the page shows it. */
function pageRows(html) {
  return tableRows(html).map((cells) => {
    const t = cells.map(textOf);
    return { date: t[0], actor: t[1], action: t[2], channel: t[3], subject: t[4], reason: t[5], note: t[6], outcome: t[7], requestId: t[8] };
  });
}

/** Walks /audit?query along rel="next"; returns every row and the page count. */
async function walk(query, user = 'admin') {
  const rows = [];
  let url = `/audit${query ? '?' + query : ''}`;
  let pages = 0;
  while (url) {
    const r = await get(user, url);
    assert.equal(r.status, 200, url);
    const page = pageRows(r.text);
    rows.push(...page);
    pages++;
    url = nextHref(r.text);
    if (url) assert.equal(page.length, 50, 'a page with a next link is full');
    assert.ok(pages < 200, 'the cursor advances');
  }
  return { rows, pages };
}

const label = (code) => (code ? code[0].toUpperCase() + code.slice(1).replace(/_/g, ' ') : '');

/** The rows of tenant 1 matching a WHERE clause, as the page shows them, newest first. */
function expectedRows(where, tenant = 1) {
  return sql(`SELECT l.at, l.actor, l.action, l.channel, COALESCE(c.public_id, l.subject), l.reason, l.note, l.outcome, l.request_id
                FROM audit_log l LEFT JOIN customers c ON c.id = l.customer_id
               WHERE l.tenant_id = ${tenant} AND (${where}) ORDER BY l.id DESC`).map(
    ([at, actor, action, channel, subject, reason, note, outcome, requestId]) => ({
      date: `${at.slice(0, 16)} UTC`, actor, action, channel, subject, reason: label(reason),
      note: (note ?? '').replace(/\s+/g, ' ').trim(), outcome, requestId: requestId ?? '',
    }),
  );
}

function neutralised(v) {
  if (v == null) return '';
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

async function token(user, pid, action) {
  const r = await get(user, `/customers/${pid}/${action}`);
  assert.equal(r.status, 200);
  return csrfFrom(r.text);
}

async function deactivate(pid, note, user = 'operator', reason = 'data_cleanup') {
  const r = await post(user, `/customers/${pid}/deactivate`, { csrf: await token(user, pid, 'deactivate'), reason, note });
  return r;
}

async function reactivate(pid, note, user = 'operator') {
  return post(user, `/customers/${pid}/reactivate`, { csrf: await token(user, pid, 'reactivate'), note });
}

// Activity made here: real page actions, plus synthetic rows (a unique
// actor) for pagination and the date filters.
const actor = `audit-t${uid(4)}`;
const blocked = createCustomer({ subscription: true, order: 'pending' });
const csvCustomer = createCustomer({ history: true });
const plain = createCustomer();
let blockedRes;

before(async () => {
  blockedRes = await deactivate(blocked.publicId, 'blocked on purpose');
  assert.equal(blockedRes.status, 409);
  assert.equal((await deactivate(plain.publicId, 'plain one', 'admin', 'compliance')).status, 303);
  assert.equal((await reactivate(plain.publicId, 'and back', 'admin')).status, 303);
  // 120 rows today, and four on fixed days around 2025-01-11
  const values = [];
  for (let i = 0; i < 120; i++)
    values.push(`(UTC_TIMESTAMP(3), ${lit(actor)}, 1, NULL, 'cus_synthetic${i}', '${i % 3 ? 'deactivate' : 'reactivate'}', 'page', NULL, ${lit('row ' + i)}, '${i % 2 ? 'ok' : 'NOT_FOUND'}', ${lit(`rq-${actor}-${i}`)})`);
  for (const [i, at] of ['2025-01-10 23:59:59.999', '2025-01-11 00:00:00.000', '2025-01-11 23:59:59.999', '2025-01-12 00:00:00.000'].entries())
    values.push(`(${lit(at)}, ${lit(actor + '-dated')}, 1, NULL, 'cus_dated${i}', 'deactivate', 'page', NULL, NULL, 'ok', ${lit(`rq-dated-${actor}-${i}`)})`);
  // and one of the other tenant, which tenant 1 must never see
  values.push(`(UTC_TIMESTAMP(3), ${lit(actor)}, 2, NULL, 'cus_othertenant', 'deactivate', 'page', NULL, 'tenant two', 'ok', ${lit(`rq-${actor}-tenant2`)})`);
  sql(`INSERT INTO audit_log (at, actor, tenant_id, customer_id, subject, action, channel, reason, note, outcome, request_id)
       VALUES ${values.join(',\n')}`);
});

describe('the audit page', () => {
  test('lists newest first, as the database holds it', async () => {
    const r = await get('admin', '/audit');
    assert.equal(r.status, 200);
    const rows = pageRows(r.text);
    assert.equal(rows.length, 50);
    assert.deepEqual(rows, expectedRows('1').slice(0, 50));
    // real activity (one actor, written as it happened) reads newest first
    const { rows: op } = await walk('actor=operator');
    const dates = op.map((x) => x.date);
    assert.deepEqual(dates, [...dates].sort().reverse(), 'dates descend');
  });

  test('cursor pagination walks every row once', async () => {
    const all = await walk('');
    const want = expectedRows('1');
    assert.ok(want.length > 100, 'at least three pages');
    assert.equal(all.pages, Math.ceil(want.length / 50));
    assert.deepEqual(all.rows, want);
    // (a request may write two rows: an API edit with a status change
    // writes the edit's and the change's)
    const ids = all.rows.filter((x) => x.requestId).map((x) => `${x.requestId} ${x.action}`);
    assert.equal(new Set(ids).size, ids.length, 'no row twice');
    const mine = await walk(`actor=${actor}`);
    assert.equal(mine.rows.length, 120);
    assert.equal(mine.pages, 3);
    assert.deepEqual(mine.rows.map((x) => x.requestId), Array.from({ length: 120 }, (_, i) => `rq-${actor}-${119 - i}`));
    const later = await get('admin', `/audit?actor=${actor}`);
    const next = nextHref(later.text);
    assert.match(next, new RegExp(`actor=${actor}`), 'the next link keeps the filters');
    const second = await get('admin', next);
    assert.ok(links(second.text).some((l) => /Newest/.test(l.text) && /^\/audit\?actor=/.test(l.href) && !/after=/.test(l.href)), 'page 2 links back to the newest');
  });

  test("another tenant's rows are never shown", async () => {
    const { rows } = await walk(`actor=${actor}`);
    assert.ok(!rows.some((x) => x.subject === 'cus_othertenant'));
    const g = await walk(`actor=${actor}`, 'globex');
    assert.deepEqual(g.rows.map((x) => x.subject), ['cus_othertenant']);
  });
});

describe('filters', () => {
  const cases = [
    ['actor=operator', "l.actor = 'operator'"],
    ['actor=admin', "l.actor = 'admin'"],
    ['action=reactivate', "l.action = 'reactivate'"],
    ['action=edit', "l.action = 'edit'"],
    ['action=deactivate&outcome=ok', "l.action = 'deactivate' AND FIND_IN_SET('ok', l.outcome)"],
    ['outcome=CUSTOMER_HAS_PENDING_ORDERS', "FIND_IN_SET('CUSTOMER_HAS_PENDING_ORDERS', l.outcome)"],
    ['outcome=CUSTOMER_HAS', "FIND_IN_SET('CUSTOMER_HAS', l.outcome)"],
    ['outcome=NOT_FOUND', "FIND_IN_SET('NOT_FOUND', l.outcome)"],
  ];
  for (const [query, where] of cases) {
    test(`${query} shows exactly the matching rows`, async () => {
      const { rows } = await walk(query);
      assert.deepEqual(rows, expectedRows(where));
    });
  }

  test('outcome matches one code of a multi-code refusal', async () => {
    const { rows } = await walk('outcome=CUSTOMER_HAS_PENDING_ORDERS');
    const row = rows.find((x) => x.requestId === blockedRes.requestId);
    assert.ok(row, 'the refused attempt is found by one of its codes');
    assert.equal(row.outcome, 'CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS,CUSTOMER_HAS_PENDING_ORDERS');
    assert.equal(row.subject, blocked.publicId);
    const subs = await walk('outcome=CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS');
    assert.ok(subs.rows.some((x) => x.requestId === blockedRes.requestId), 'and by the other');
    const none = await walk('outcome=CUSTOMER_HAS_UNRETURNED_DEVICES');
    assert.ok(!none.rows.some((x) => x.requestId === blockedRes.requestId), 'not by a code it lacks');
  });

  test('customer= shows that customer\'s rows only', async () => {
    const { rows } = await walk(`customer=${plain.publicId}`);
    assert.deepEqual(rows.map((x) => [x.actor, x.action, x.note, x.outcome, x.subject]), [
      ['admin', 'reactivate', 'and back', 'ok', plain.publicId],
      ['admin', 'deactivate', 'plain one', 'ok', plain.publicId],
    ]);
    assert.equal(rows[1].reason, 'Compliance');
    const other = await walk('customer=cus_fixture_globex');
    assert.deepEqual(other.rows, [], "another tenant's customer has no rows here");
    const combined = await walk(`actor=admin&action=deactivate&outcome=ok&customer=${plain.publicId}`);
    assert.deepEqual(combined.rows.map((x) => x.note), ['plain one']);
  });

  test('from/to take whole UTC days, both ends included', async () => {
    const dated = `actor=${actor}-dated`;
    const subjects = async (q) => (await walk(`${dated}&${q}`)).rows.map((x) => x.subject);
    assert.deepEqual(await subjects('from=2025-01-11&to=2025-01-11'), ['cus_dated2', 'cus_dated1']);
    assert.deepEqual(await subjects('from=2025-01-11'), ['cus_dated3', 'cus_dated2', 'cus_dated1']);
    assert.deepEqual(await subjects('to=2025-01-10'), ['cus_dated0']);
    assert.deepEqual(await subjects('from=2025-01-12&to=2025-01-10'), []);
    // The days of the rows written earlier in this file, as the database
    // dated them (not the machine's today: a run may cross midnight).
    const [first, last] = sql(`SELECT DATE_FORMAT(MIN(at), '%Y-%m-%d'), DATE_FORMAT(MAX(at), '%Y-%m-%d')
      FROM audit_log WHERE subject = ${lit(plain.publicId)}`)[0];
    const day = (d, n) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);
    const onFirst = Number(sqlValue(`SELECT COUNT(*) FROM audit_log
      WHERE subject = ${lit(plain.publicId)} AND at >= '${first}' AND at < '${day(first, 1)}'`));
    const t = await walk(`customer=${plain.publicId}&from=${first}&to=${first}`);
    assert.equal(t.rows.length, onFirst, 'the rows of a day are in that day');
    assert.ok(onFirst >= 1);
    assert.equal((await walk(`customer=${plain.publicId}&from=${first}&to=${last}`)).rows.length, 2);
    assert.equal((await walk(`customer=${plain.publicId}&to=${day(first, -1)}`)).rows.length, 0);
    assert.equal((await walk(`customer=${plain.publicId}&from=${day(last, 1)}`)).rows.length, 0);
    const range = await walk(`from=2025-01-01&to=${last}`);
    assert.deepEqual(range.rows, expectedRows(`l.at >= '2025-01-01' AND l.at < '${day(last, 1)}'`));
  });

  test('the filter form shows the values, escaped', async () => {
    const r = await get('admin', `/audit?actor=${encodeURIComponent('"><script>alert(1)</script>')}&action=reactivate&outcome=ok&from=2025-01-01`);
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes('<script>alert(1)</script>'));
    assert.match(r.text, /id="actor" name="actor" value="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
    assert.match(r.text, /<option value="reactivate" selected>/);
    assert.match(r.text, /id="outcome" name="outcome" value="ok"/);
    assert.match(r.text, /id="from" name="from" type="date" value="2025-01-01"/);
    assert.match(r.text, /No audit entries match/);
  });

  test('bad filter values are 400 naming the field', async () => {
    const bad = [
      ['from=2026-13-01', 'from'], ['from=2026-02-30', 'from'], ['to=2025-02-29', 'to'], ['to=29-11-2026', 'to'],
      ['from=2026-1-1', 'from'], ['from=yesterday', 'from'], ['to=2026-11-29T00:00', 'to'],
      ['action=delete', 'action'], ['outcome=ok%2Cx', 'outcome'], ['customer=bad!', 'customer'],
      ['customer=ord_fixture_pending', 'customer'], ['actor=' + 'a'.repeat(101), 'actor'], ['format=xlsx', 'format'],
      ['after=not*a*cursor', 'after'],
    ];
    for (const [q, field] of bad) {
      const r = await get('admin', `/audit?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(errorCode(r.text), 'INVALID_PARAMETER', q);
      assert.match(textOf(mainOf(r.text)), new RegExp(`\\b${field}:`), `${q} names ${field}`);
    }
    assert.equal((await get('admin', '/audit?from=2024-02-29')).status, 200, 'a leap day is a date');
    // a tampered cursor, and a customer-list cursor, are no audit cursors
    const first = await get('admin', '/audit');
    const after = new URL(nextHref(first.text), BASE_URL).searchParams.get('after');
    const flipped = after.slice(0, 2) + (after[2] === 'A' ? 'B' : 'A') + after.slice(3);
    for (const c of [flipped]) {
      const r = await get('admin', `/audit?after=${c}`);
      assert.equal(r.status, 400);
      assert.equal(errorCode(r.text), 'INVALID_CURSOR');
    }
    const list = await get('admin', '/customers');
    const listAfter = new URL(nextHref(list.text), BASE_URL).searchParams.get('after');
    const r = await get('admin', `/audit?after=${listAfter}`);
    assert.equal(r.status, 400);
    assert.equal(errorCode(r.text), 'INVALID_CURSOR');
  });
});

describe('CSV export', () => {
  const notes = [
    ['deactivate', '=HYPERLINK("x")'],
    ['reactivate', '+1,"two"\r\nthree'],
    ['deactivate', '@SUM(A1:A2)'],
    ['reactivate', '-5'],
    ['deactivate', '\tstarts with a tab'],
    ['reactivate', 'plain, with a comma'],
  ];

  before(async () => {
    for (const [action, note] of notes) {
      const r = action === 'deactivate' ? await deactivate(csvCustomer.publicId, note) : await reactivate(csvCustomer.publicId, note);
      assert.equal(r.status, 303, `${action} ${JSON.stringify(note)}`);
    }
    assert.equal(customerState(csvCustomer.publicId).status, 'active');
  });

  test('is RFC 4180 with a header row, and neutralises formula cells', async () => {
    const r = await get('admin', `/audit?format=csv&customer=${csvCustomer.publicId}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(r.headers.get('content-disposition') ?? '', /^attachment;\s*filename="?[^"]+\.csv"?/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    const rows = parseCsv(r.text);
    assert.deepEqual(rows[0], HEADER);
    for (const row of rows) assert.equal(row.length, HEADER.length, 'every record has every field');
    const body = rows.slice(1);
    assert.equal(body.length, notes.length);
    const want = sql(`SELECT l.id, l.at, l.actor, l.action, l.channel, c.public_id, l.subject, l.reason, l.note, l.outcome, l.request_id, l.bulk_run_id
                        FROM audit_log l LEFT JOIN customers c ON c.id = l.customer_id
                       WHERE l.tenant_id = 1 AND l.customer_id = ${Number(csvCustomer.id)} ORDER BY l.id DESC`)
      .map((row) => row.map(neutralised));
    assert.deepEqual(body, want);
    // the notes, newest first, as cells
    assert.deepEqual(body.map((x) => x[8]), [
      'plain, with a comma', "'\tstarts with a tab", "'-5", "'@SUM(A1:A2)", '\'+1,"two"\r\nthree', '\'=HYPERLINK("x")',
    ]);
    assert.ok(r.text.includes(`,"'=HYPERLINK(""x"")",`), 'the formula cell is quoted and starts with \'=');
    assert.ok(r.text.includes(`,"'+1,""two""\r\nthree",`), 'a cell with quotes and a line break is quoted');
    assert.ok(r.text.includes(',"plain, with a comma",'), 'a cell with a comma is quoted');
    assert.ok(r.text.startsWith(HEADER.join(',') + '\r\n'));
  });

  test('exports every row of the tenant, newest first, without the other tenant', async () => {
    const r = await get('admin', '/audit?format=csv');
    assert.equal(r.status, 200);
    const rows = parseCsv(r.text).slice(1);
    const ids = sql('SELECT id FROM audit_log WHERE tenant_id = 1 ORDER BY id DESC').map((x) => x[0]);
    assert.ok(ids.length > 50, 'more than one page');
    assert.deepEqual(rows.map((x) => x[0]), ids);
    assert.ok(!rows.some((x) => x[6] === 'cus_othertenant'));
  });

  test('the export follows the filters and the page links to it', async () => {
    const r = await get('admin', `/audit?format=csv&actor=${actor}&action=reactivate`);
    const rows = parseCsv(r.text).slice(1);
    const want = sql(`SELECT id FROM audit_log WHERE tenant_id = 1 AND actor = ${lit(actor)} AND action = 'reactivate' ORDER BY id DESC`).map((x) => x[0]);
    assert.equal(want.length, 40);
    assert.deepEqual(rows.map((x) => x[0]), want);
    const page = await get('admin', `/audit?actor=${actor}&action=reactivate`);
    const csvLink = links(page.text).find((l) => /Download CSV/.test(l.text));
    assert.ok(csvLink, 'the page links to the CSV');
    const viaLink = await get('admin', csvLink.href);
    assert.equal(viaLink.text, r.text, 'the link exports the filtered rows');
  });
});
