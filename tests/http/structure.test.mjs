// What issue 12 made true, through the real stack: public ids are exact, a
// CSRF token counts only in the body, and the pages keep to their budget of
// database statements (the per-request log line counts them).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as L from './lib.mjs';
import { createKey } from './apilib.mjs';

const { get, post, request, csrfFrom, errorCode, createCustomer, customerState, auditRows } = L;

const LOG_DIR = process.env.LOG_DIR ?? '';
/** The request lines of every app instance (app.log, or app1.log and
 * app2.log behind the cluster's nginx). */
const appLogs = () => readdirSync(LOG_DIR).filter((f) => /^app\d*\.log$/.test(f)).map((f) => path.join(LOG_DIR, f));

/** The statements the app logged for a request id ("db=N/ms"). The worker
 * writes its line once the answer is sent, so it is waited for (at most 5 s). */
async function statementsOf(requestId) {
  assert.ok(requestId, 'the answer carries X-Request-Id');
  let line;
  for (let i = 0; i < 100 && !line; i++) {
    for (const f of appLogs())
      line ??= readFileSync(f, 'utf8').split('\n').find((l) => l.includes(` rid=${requestId} `));
    if (!line) await new Promise((res) => setTimeout(res, 50));
  }
  assert.ok(line, `a log line for request ${requestId}`);
  const m = / db=(\d+)\//.exec(line);
  assert.ok(m, `the log line counts statements: ${line}`);
  return Number(m[1]);
}

describe('public ids are exact', () => {
  test('another case of an id is another (missing) id: pages, API and bulk', async () => {
    const c = createCustomer({ lastName: 'Exact' });
    const upper = 'cus_' + c.publicId.slice(4).toUpperCase();
    assert.notEqual(upper, c.publicId);
    assert.equal((await get('admin', `/customers/${c.publicId}`)).status, 200);
    for (const p of [`/customers/${upper}`, `/customers/${upper}/deactivate`, `/customers/${upper}/retention`])
      assert.equal((await get('admin', p)).status, 404, p);
    assert.equal((await get('admin', '/customers/cus_FIXTURE_CLEAN')).status, 404);
    const key = process.env.API_KEY;
    const api = await fetch(`${L.BASE_URL}/v1/customers/${upper}`, {
      headers: { authorization: `Bearer ${key}`, 'tenant-id': 'northwind' },
    });
    assert.equal(api.status, 404);
    // a pasted id in another case matches nothing; the exact one matches
    const page = await get('operator', '/bulk');
    const pre = await post('operator', '/bulk/preview', {
      csrf: csrfFrom(page.text), mode: 'paste', lines: `${upper}\n${c.publicId}`,
    });
    assert.equal(pre.status, 200);
    assert.match(pre.text, /<dd id="n-not-found">1<\/dd>/);
    assert.match(pre.text, /<dd id="n-eligible">1<\/dd>/);
    // a deactivation POSTed to the other case changes nothing
    const form = await get('operator', `/customers/${c.publicId}/deactivate`);
    const r = await post('operator', `/customers/${upper}/deactivate`, { csrf: csrfFrom(form.text), reason: 'data_cleanup' });
    assert.ok([403, 404].includes(r.status), `${r.status}`);
    assert.equal(customerState(c.publicId).status, 'active');
  });
});

describe('CSRF tokens are read from the body only', () => {
  test('a valid token in the query string of a POST is refused (403) and audited; nothing changes', async () => {
    const c = createCustomer({ lastName: 'Querytoken' });
    const form = await get('operator', `/customers/${c.publicId}/deactivate`);
    const token = csrfFrom(form.text);
    assert.ok(token);
    const r = await request('operator', 'POST', `/customers/${c.publicId}/deactivate?csrf=${encodeURIComponent(token)}`, {
      form: { reason: 'data_cleanup' },
    });
    assert.equal(r.status, 403);
    assert.equal(errorCode(r.text), 'CSRF_MISSING');
    assert.equal(customerState(c.publicId).status, 'active');
    const rows = auditRows(c.publicId);
    assert.deepEqual(rows.map((x) => [x.action, x.outcome]), [['deactivate', 'CSRF_MISSING']]);
    // the same token in the body works
    const ok = await post('operator', `/customers/${c.publicId}/deactivate`, { csrf: token, reason: 'data_cleanup' });
    assert.equal(ok.status, 303);
    assert.equal(customerState(c.publicId).status, 'inactive');
  });
});

describe('statements per page (the log line counts them)', () => {
  // The operator lookup is cached for 10 s per worker, and a worker that
  // (re)connects sets its session up first, so a request may cost a few
  // statements more than its page: the budget holds for the cheapest of
  // several requests.
  async function budget(user, pagePath, max) {
    const counts = [];
    for (let i = 0; i < 6; i++) {
      const r = await get(user, pagePath);
      assert.equal(r.status, 200, pagePath);
      counts.push(await statementsOf(r.requestId));
    }
    assert.ok(Math.min(...counts) <= max, `${pagePath}: ${counts.join(', ')} statements, at most ${max} wanted`);
    return Math.min(...counts);
  }

  test('customer page <= 4, deactivation form <= 3, other customer pages <= 2, list <= 2', async () => {
    const busy = L.sqlValue(`SELECT public_id FROM customers WHERE tenant_id = 1 AND total_orders > 0
                               ORDER BY total_orders DESC, id LIMIT 1`);
    const seen = {
      customer: await budget('admin', `/customers/${busy}`, 4),
      customerAll: await budget('admin', '/customers/cus_fixture_all_three', 4),
      deactivate: await budget('operator', '/customers/cus_fixture_all_three/deactivate', 3),
      reactivate: await budget('operator', '/customers/cus_fixture_inactive/reactivate', 2),
      retention: await budget('admin', '/customers/cus_fixture_inactive/retention', 2),
      list: await budget('admin', '/customers', 2),
      listSorted: await budget('admin', '/customers?sort=name&dir=asc&status=all', 2),
      search: await budget('admin', '/customers?q=anna', 2),
    };
    console.log(`# statements: ${JSON.stringify(seen)}`);
  });

  // README "API keys": a key's last use is written by the rate limit's own
  // UPDATE; without a limit, once a minute per key and worker, so a call
  // then costs one statement less than a rate-limited one's.
  test('an API call: its last use costs no statement of its own (the rate limit\'s UPDATE, or once a minute without a limit)', async () => {
    const limited = createKey({ role: 'viewer', rateLimit: 100000 });
    const free = createKey({ role: 'viewer' });
    L.sql(`UPDATE api_keys SET rate_limit = 0 WHERE id = ${free.id}`); // 0: no limit at all
    async function costs(key) {
      const counts = [];
      for (let i = 0; i < 8; i++) {
        const r = await fetch(`${L.BASE_URL}/v1/customers?limit=1`, { headers: { Authorization: `Bearer ${key}`, 'Tenant-ID': 'northwind' } });
        assert.equal(r.status, 200);
        await r.arrayBuffer();
        counts.push(await statementsOf(r.headers.get('x-request-id')));
      }
      return counts;
    }
    const a = await costs(limited.key);
    const b = await costs(free.key);
    assert.equal(Math.min(...b), Math.min(...a) - 1, `limited ${a.join(', ')}; without a limit ${b.join(', ')}`);
    assert.ok(L.sql(`SELECT last_used_at IS NOT NULL FROM api_keys WHERE id IN (${limited.id}, ${free.id})`).every((x) => x[0] === '1'), 'both have their last use');
    console.log(`# statements of an API call: rate-limited ${a.join(',')}, without a limit ${b.join(',')}`);
  });

  test('API keys page and a key\'s revoke confirmation <= 1 (the tenant\'s keys, one statement)', async () => {
    const id = L.sqlValue('SELECT MAX(id) FROM api_keys WHERE tenant_id = 1');
    const seen = { apiKeys: await budget('admin', '/api-keys', 1), revoke: await budget('admin', `/api-keys/${id}/revoke`, 1) };
    console.log(`# statements: ${JSON.stringify(seen)}`);
  });

  test('the Operators page <= 1 (the tenant\'s operators; who is asking comes from the cache)', async () => {
    console.log(`# statements: ${JSON.stringify({ operators: await budget('admin', '/operators', 1) })}`);
  });
});
