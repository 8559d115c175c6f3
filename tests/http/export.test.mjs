// The customer list as CSV (GET /customers?format=csv): every matching row
// with the list's filters and sort, RFC 4180 and formula-safe, one tenant
// only, streamed in bounded memory.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  BASE_URL, PASSWORD, get, sql, lit, links, listIds, nextHref, createCustomer, parseCsv, maxAuditId,
} from './lib.mjs';

const HEADER = ['id', 'name', 'email', 'company', 'type', 'status', 'created_at', 'mrr', 'devices_out', 'orders'];
const STATUSES = ['active', 'inactive', 'all'];
const TYPES = ['all', 'individual', 'business'];
// the list's sort names and the column each reads (src/db/customers.c sort_col)
const SORTS = { createdAt: 'created_at', name: 'sort_name', email: 'email', mrr: 'mrr_cents', devices: 'devices_out' };

/** A formula-safe cell, as src/util/csv.c writes it (NULL is empty). */
function neutralised(v) {
  if (v == null) return '';
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

async function exportCsv(user, query) {
  const r = await get(user, `/customers?${query ? query + '&' : ''}format=csv`);
  assert.equal(r.status, 200, query);
  assert.match(r.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
  const rows = parseCsv(r.text);
  assert.deepEqual(rows[0], HEADER, 'a header row');
  for (const row of rows) assert.equal(row.length, HEADER.length, 'every record has every field');
  return { res: r, rows: rows.slice(1) };
}

/** The ids SQL gives for a tenant, filters and sort (ties on the id, same direction). */
function sqlIds({ tenant = 1, status = 'active', type = 'all', sort = 'createdAt', dir = 'desc' }) {
  const where = [`tenant_id = ${tenant}`];
  if (status !== 'all') where.push(`status = ${lit(status)}`);
  if (type !== 'all') where.push(`customer_type = ${lit(type)}`);
  const d = dir === 'desc' ? 'DESC' : 'ASC';
  return sql(`SELECT public_id FROM customers WHERE ${where.join(' AND ')} ORDER BY ${SORTS[sort]} ${d}, id ${d}`).map((x) => x[0]);
}

/** Every field of a customer as the export writes it, from SQL. */
function sqlRecord(publicId) {
  const [row] = sql(`SELECT public_id, first_name, last_name, email, company, customer_type, status,
                            DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), mrr_cents, devices_out, total_orders
                       FROM customers WHERE public_id = ${lit(publicId)}`);
  const [pid, first, last, email, company, type, status, created, mrr, devices, orders] = row;
  const cents = Number(mrr);
  const name = [first, last].filter((x) => x !== '').join(' ');
  return [pid, name, email, company, type, status, created, `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`, devices, orders]
    .map(neutralised);
}

// Customers with hostile values in every text column the export writes.
const tag = `x${Date.now().toString(36)}`;
const hostile = [
  { firstName: '=cmd|\' /C calc\'!A0', lastName: `Doe, "Jr" ${tag}`, company: 'Acme, Inc.' },
  { firstName: '+SUM(1,2)', lastName: `Line\r\nBreak ${tag}`, company: '"Quoted" Co' },
  { firstName: '@import', lastName: `Tab${tag}`, company: '\tstarts with a tab' },
  { firstName: 'Minus', lastName: `-2 ${tag}`, company: '-1+1', email: `=hyperlink.${tag}@http-test.invalid` },
  { firstName: 'Plain', lastName: `Multi ${tag}`, company: 'first line\nsecond line, with a comma' },
].map((o, i) => createCustomer({ email: `${tag}.${i}@http-test.invalid`, ...o, type: 'business' }));

describe('GET /customers?format=csv', () => {
  test('a CSV attachment with a header row, for every role that sees the list, and no audit row', async () => {
    const audit0 = maxAuditId();
    for (const user of ['admin', 'operator', 'viewer']) {
      const { res, rows } = await exportCsv(user, '');
      assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="customers-northwind-\d{8}-\d{4}\.csv"$/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.ok(res.text.startsWith(HEADER.join(',') + '\r\n'), 'records end with CRLF');
      assert.deepEqual(rows.map((x) => x[0]), sqlIds({}), `${user}: the default list (active, newest first)`);
    }
    assert.equal(maxAuditId(), audit0, 'an export is a read and writes no audit row, like the audit CSV');
  });

  test('every filter and sort: the ids SQL gives, in its order (every row, not one page)', async () => {
    let compared = 0;
    for (const status of STATUSES)
      for (const type of TYPES)
        for (const sort of Object.keys(SORTS))
          for (const dir of ['asc', 'desc']) {
            const q = `status=${status}&type=${type}&sort=${sort}&dir=${dir}`;
            const { rows } = await exportCsv('admin', q);
            const want = sqlIds({ status, type, sort, dir });
            assert.deepEqual(rows.map((x) => x[0]), want, q);
            compared += want.length;
          }
    const all = sqlIds({ status: 'all' });
    assert.ok(all.length > 1000, `the demo's tenant 1 has more than a chunk of 1,000 (${all.length})`);
    console.log(`# compared ${compared} exported rows with SQL over ${STATUSES.length * TYPES.length * 10} filter and sort shapes`);
  });

  test('the fields are the database\'s, exactly', async () => {
    const { rows } = await exportCsv('admin', 'status=all');
    const byId = new Map(rows.map((x) => [x[0], x]));
    const some = ['cus_fixture_all_three', 'cus_fixture_inactive', 'cus_fixture_clean', 'cus_fixture_xss', 'cus_fixture_device_out',
      ...sql('SELECT public_id FROM customers WHERE tenant_id = 1 AND mrr_cents > 0 ORDER BY id LIMIT 5').map((x) => x[0])];
    for (const pid of some) assert.deepEqual(byId.get(pid), sqlRecord(pid), pid);
    assert.equal(byId.get('cus_fixture_inactive')[5], 'inactive');
  });

  test('RFC 4180 quoting and formula-safe cells with hostile values', async () => {
    const { res, rows } = await exportCsv('admin', `status=all&sort=name&dir=asc`);
    const mine = rows.filter((x) => hostile.some((h) => h.publicId === x[0]));
    assert.equal(mine.length, hostile.length);
    for (const h of hostile) assert.deepEqual(rows.find((x) => x[0] === h.publicId), sqlRecord(h.publicId), h.publicId);
    const cell = (pid, i) => rows.find((x) => x[0] === pid)[i];
    assert.equal(cell(hostile[0].publicId, 1), `'=cmd|' /C calc'!A0 Doe, "Jr" ${tag}`);
    assert.equal(cell(hostile[1].publicId, 1), `'+SUM(1,2) Line\r\nBreak ${tag}`);
    assert.equal(cell(hostile[2].publicId, 1), `'@import Tab${tag}`);
    assert.equal(cell(hostile[2].publicId, 3), "'\tstarts with a tab");
    assert.equal(cell(hostile[3].publicId, 2), `'=hyperlink.${tag}@http-test.invalid`);
    assert.equal(cell(hostile[3].publicId, 3), "'-1+1");
    assert.equal(cell(hostile[4].publicId, 3), 'first line\nsecond line, with a comma');
    // the raw bytes: quoted where needed, quotes doubled, a formula never bare
    assert.ok(res.text.includes(`,"'=cmd|' /C calc'!A0 Doe, ""Jr"" ${tag}",`));
    assert.ok(res.text.includes(`,"""Quoted"" Co",`));
    assert.ok(res.text.includes(`,"Acme, Inc.",`));
    assert.ok(!/(^|,)[=+\-@]/m.test(res.text.split('\r\n').filter((l) => l.includes(tag)).join('\n')), 'no cell starts with a formula character');
  });

  test('a search exports what the page pages through, in the same order', async () => {
    for (const term of [tag, 'an', 'smith']) {
      for (const extra of ['status=all', 'status=active&sort=name&dir=asc', 'type=business&sort=mrr&dir=desc']) {
        const q = `q=${encodeURIComponent(term)}&${extra}`;
        const pages = [];
        let url = `/customers?${q}`;
        for (let n = 0; url; n++) {
          const r = await get('admin', url);
          assert.equal(r.status, 200, url);
          pages.push(...listIds(r.text));
          url = nextHref(r.text);
          assert.ok(n < 200, 'the cursor advances');
        }
        const { rows } = await exportCsv('admin', q);
        assert.deepEqual(rows.map((x) => x[0]), pages, q);
        if (term === tag && extra === 'status=all') {
          const found = new Set(rows.map((x) => x[0]));
          const byPrefix = hostile.filter((h) => h.email.startsWith(tag));
          assert.equal(byPrefix.length, hostile.length - 1);
          for (const h of byPrefix) assert.ok(found.has(h.publicId), `${h.email} is found by the beginning of its e-mail`);
        }
      }
    }
  });

  test('another tenant\'s customers never appear', async () => {
    const globex = await exportCsv('globex', 'status=all');
    assert.deepEqual(globex.rows.map((x) => x[0]), sqlIds({ tenant: 2, status: 'all' }));
    assert.ok(globex.rows.some((x) => x[0] === 'cus_fixture_globex'));
    assert.match(globex.res.headers.get('content-disposition') ?? '', /filename="customers-globex-/);
    const tenant2 = new Set(sql('SELECT public_id FROM customers WHERE tenant_id <> 1').map((x) => x[0]));
    const nw = await exportCsv('admin', 'status=all');
    assert.deepEqual(nw.rows.filter((x) => tenant2.has(x[0])), []);
    // a search for the other tenant's fixture finds nothing
    const s = await exportCsv('admin', 'q=globex&status=all');
    assert.ok(!s.rows.some((x) => tenant2.has(x[0])));
  });

  test('the list links to the export with its filters and sort, for every role', async () => {
    const q = 'q=an&status=all&type=individual&sort=email&dir=asc';
    for (const user of ['admin', 'operator', 'viewer']) {
      const page = await get(user, `/customers?${q}`);
      const link = links(page.text).find((l) => /Download CSV/.test(l.text));
      assert.ok(link, `${user}: a Download CSV link`);
      assert.ok('download' in link.attrs);
      const p = new URL(link.href, BASE_URL).searchParams;
      assert.deepEqual(Object.fromEntries(p), { q: 'an', status: 'all', type: 'individual', sort: 'email', dir: 'asc', format: 'csv' });
      const viaLink = await get(user, link.href);
      const direct = await get(user, `/customers?${q}&format=csv`);
      assert.equal(viaLink.text, direct.text, 'the link exports the filtered, sorted rows');
    }
    // the cursor of a later page is not part of it: the export is every row
    const first = await get('admin', '/customers?status=all');
    const second = await get('admin', nextHref(first.text));
    const link = links(second.text).find((l) => /Download CSV/.test(l.text));
    assert.equal(new URL(link.href, BASE_URL).searchParams.get('after'), null);
    const after = new URL(nextHref(first.text), BASE_URL).searchParams.get('after');
    const withAfter = await exportCsv('admin', `status=all&after=${encodeURIComponent(after)}`);
    assert.deepEqual(withAfter.rows.map((x) => x[0]), sqlIds({ status: 'all' }), 'after is ignored by the export');
  });

  test('a bad filter is refused before anything is sent', async () => {
    for (const q of ['format=xlsx', 'format=csv&sort=bogus', 'format=csv&status=deleted', 'format=csv&dir=up']) {
      const r = await get('admin', `/customers?${q}`);
      assert.equal(r.status, 400, q);
      assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    }
  });
});

describe('streamed in bounded memory', () => {
  const auth = 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64');

  test('the body is sent in parts as it is made (chunked, first bytes before the last)', async () => {
    const res = await fetch(`${BASE_URL}/customers?status=all&format=csv`, { headers: { authorization: auth } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), null, 'no length known in advance');
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    const reader = res.body.getReader();
    const first = await reader.read();
    assert.ok(!first.done && first.value.length > 0, 'a first part');
    assert.ok(first.value.length < 200 * 1024, `the first part (${first.value.length} bytes) is not the whole file`);
    let total = first.value.length;
    let parts = 1;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      parts++;
    }
    assert.ok(parts > 1, `the body came in ${parts} parts`);
    assert.ok(total > first.value.length);
    console.log(`# export of ${total} bytes read in ${parts} parts, the first ${first.value.length} bytes`);
  });

  /** The supervisors' children (FastCGI and job workers) and their VmRSS in kB: of the one
   * app (run/app.pid), or of every app instance of the cluster (run/app1.pid, app2.pid). */
  function workerRss() {
    const dir = process.env.RUN_DIR;
    const pids = readdirSync(dir).filter((f) => /^app\d*\.pid$/.test(f))
      .flatMap((f) => spawnSync('pgrep', ['-P', readFileSync(join(dir, f), 'utf8').trim()], { encoding: 'utf8' }).stdout.split('\n'));
    const out = new Map();
    for (const pid of pids.filter(Boolean)) {
      try {
        const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) out.set(pid, Number(m[1]));
      } catch { /* gone */ }
    }
    return out;
  }

  test('exporting the whole demo tenant several times leaves every worker\'s RSS flat', async () => {
    // one export first, so each worker has prepared its statements and
    // grown its buffers once
    for (let i = 0; i < 4; i++) await exportCsv('admin', 'status=all');
    const base = workerRss();
    assert.ok(base.size >= 2, `found the workers (${[...base.keys()]})`);
    const peak = new Map(base);
    let stop = false;
    const sampler = (async () => {
      while (!stop) {
        for (const [pid, kb] of workerRss()) peak.set(pid, Math.max(peak.get(pid) ?? 0, kb));
        await new Promise((ok) => setTimeout(ok, 5));
      }
    })();
    let rows = 0;
    let bytes = 0;
    const t0 = performance.now();
    for (let i = 0; i < 8; i++) {
      const sort = Object.keys(SORTS)[i % 5];
      const { res, rows: r } = await exportCsv('admin', `status=all&sort=${sort}&dir=${i % 2 ? 'asc' : 'desc'}`);
      rows += r.length;
      bytes += res.text.length;
    }
    const ms = performance.now() - t0;
    stop = true;
    await sampler;
    const growth = [...base].map(([pid, kb]) => ({ pid, before: kb, peak: peak.get(pid), grew: (peak.get(pid) ?? kb) - kb }));
    console.log(`# worker RSS while exporting ${rows} rows (${bytes} bytes): ${growth.map((g) => `${g.pid} ${g.before}->${g.peak} kB`).join(', ')}`);
    console.log(`# export: ${rows} rows in ${ms.toFixed(0)} ms through nginx = ${Math.round(rows / (ms / 1000))} rows/s (demo data, test client)`);
    // A chunk is 1,000 rows, reset before the next. (An AddressSanitizer
    // build keeps freed memory in its quarantine, up to 256 MB, so its RSS
    // grows with every byte freed: there the figures are logged only.)
    if (/asan/.test(process.env.BUILD ?? '')) {
      console.log('# sanitizer build: RSS bound not asserted (freed memory is quarantined)');
      return;
    }
    for (const g of growth) assert.ok(g.grew <= 3 * 1024, `worker ${g.pid} grew by ${g.grew} kB (${g.before} -> ${g.peak})`);
  });
});
