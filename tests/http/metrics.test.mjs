// Watching Custodian (issue 19, part 2; README "Watching Custodian"):
// /metrics in Prometheus' text format on the loopback-only server of the
// nginx configuration (127.0.0.2, the same port), never through the public
// site; its counters summed across the worker processes by the
// supervisor's shared area add up to the requests sent, exactly; workers,
// restarts, the listen queue, the database's events, lifecycle outcomes,
// bulk runs and webhook deliveries; the admins' /status page shows the
// same figures; log_format = json writes one JSON object per request.
//
// Every expected figure is computed here, from the requests this file sends
// and from SQL, never copied from the app. The suites run one at a time, so
// between two scrapes only this file's requests reach the app (the job
// workers make no HTTP requests).
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as L from './apilib.mjs';

const { sql, sqlOne, sleep } = L;
const PORT = new URL(L.BASE_URL).port;
const METRICS_URL = `http://127.0.0.2:${PORT}/metrics`;
const RUN_DIR = process.env.RUN_DIR;
const LOG_DIR = process.env.LOG_DIR;
const CONFIG = path.join(L.CONF_DIR, 'custodian.conf');
// One app behind nginx (scripts/check). scripts/cluster runs two app
// instances behind one nginx with a load loop beside the suites: each
// scrape sees one instance, and other requests arrive between two scrapes,
// so the exact sums are checked here only; the cluster's hosts are watched
// one by one (README "Watching Custodian").
const SKIP = existsSync(path.join(RUN_DIR, 'app.pid')) ? false
  : 'not a single app (scripts/cluster): the metrics are per host, checked on the single stack';
const test = (name, fn) => nodeTest(name, { skip: SKIP }, fn);

/** Parses the text format: { samples: Map("name{labels}" -> number), types: Map(name -> type), help }. */
function parse(text) {
  const samples = new Map();
  const types = new Map();
  const help = new Set();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m;
    if ((m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line))) {
      types.set(m[1], m[2]);
      continue;
    }
    if ((m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S/.exec(line))) {
      help.add(m[1]);
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.eE+-]+|\+Inf|NaN)$/.exec(line);
    assert.ok(m, `a line that is not in the text format: ${JSON.stringify(line)}`);
    const key = m[1] + (m[2] || '');
    assert.ok(!samples.has(key), `sample given twice: ${key}`);
    samples.set(key, Number(m[3]));
  }
  return { samples, types, help };
}

async function scrape() {
  const res = await fetch(METRICS_URL);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return { res, text, ...parse(text) };
}

/** A sample's value (0 when absent: a counter not yet incremented). */
const v = (s, key) => s.samples.get(key) ?? 0;
const reqs = (s, route, status) => v(s, `custodian_http_requests_total{route="${route}",status="${status}"}`);
const hcount = (s, route) => v(s, `custodian_http_request_duration_seconds_count{route="${route}"}`);
const bucket = (s, route, le) => v(s, `custodian_http_request_duration_seconds_bucket{route="${route}",le="${le}"}`);

/** n requests, c at a time; returns their statuses. */
async function load(n, c, one) {
  const statuses = [];
  let next = 0;
  await Promise.all(Array.from({ length: c }, async () => {
    while (next < n) {
      next++;
      statuses.push(await one());
    }
  }));
  return statuses;
}

const supervisor = () => Number(readFileSync(path.join(RUN_DIR, 'app.pid'), 'utf8').trim());
const children = () => execFileSync('pgrep', ['-P', String(supervisor())], { encoding: 'utf8' })
  .trim().split('\n').filter(Boolean).map(Number);

test('/metrics answers the text format on the loopback server, and not through the public site', async () => {
  const s = await scrape();
  assert.match(s.res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  for (const [name, type] of [['custodian_http_requests_total', 'counter'],
    ['custodian_http_request_duration_seconds', 'histogram'], ['custodian_db_statements_total', 'counter'],
    ['custodian_db_seconds_total', 'counter'], ['custodian_db_retries_total', 'counter'],
    ['custodian_db_lock_timeouts_total', 'counter'], ['custodian_db_reconnects_total', 'counter'],
    ['custodian_workers', 'gauge'], ['custodian_worker_restarts_total', 'counter'],
    ['custodian_listen_queue', 'gauge'], ['custodian_lifecycle_outcomes_total', 'counter'],
    ['custodian_bulk_runs', 'gauge'], ['custodian_bulk_items', 'gauge'],
    ['custodian_webhook_deliveries', 'gauge'], ['custodian_db_up', 'gauge']]) {
    assert.equal(s.types.get(name), type, `${name} is a ${type}`);
    assert.ok(s.help.has(name), `${name} has its HELP`);
  }
  assert.equal(v(s, 'custodian_db_up'), 1);

  // the public site: nginx answers 404 itself, the app never sees it
  const before = reqs(s, 'metrics', 200);
  for (const p of ['/metrics', '/metrics?x=1']) {
    const r = await fetch(L.BASE_URL + p);
    assert.equal(r.status, 404, p);
    assert.doesNotMatch(await r.text(), /custodian_/);
  }
  const r = await L.page('/metrics', { user: 'admin' });
  assert.equal(r.status, 404, 'not for a signed-in admin either');
  const after = await scrape();
  assert.equal(reqs(after, 'metrics', 200), before + 1, 'only the scrape itself reached the app');
});

test('under load the counters add up to the requests sent, by route and status, with their histograms', async () => {
  const key = L.createKey({ role: 'viewer' }).key;
  const a = await scrape();
  const N_PAGE = 300, N_API = 120, N_MISSING = 40;
  const pages = load(N_PAGE, 6, async () => (await L.page('/customers', { user: 'admin' })).status);
  const apis = load(N_API, 4, async () => (await L.api('/v1/customers?limit=5', { key })).status);
  const missing = load(N_MISSING, 2, async () => (await L.page(`/nothing-here-${L.uid()}`, { user: 'viewer' })).status);
  const [sp, sa, sm] = await Promise.all([pages, apis, missing]);
  assert.deepEqual([...new Set(sp)], [200]);
  assert.deepEqual([...new Set(sa)], [200]);
  assert.deepEqual([...new Set(sm)], [404]);
  const b = await scrape();

  assert.equal(reqs(b, 'customers', 200) - reqs(a, 'customers', 200), N_PAGE);
  assert.equal(reqs(b, 'api-customers', 200) - reqs(a, 'api-customers', 200), N_API);
  assert.equal(reqs(b, 'unknown', 404) - reqs(a, 'unknown', 404), N_MISSING);
  // the scrape in between: one, counted after its own answer was made
  assert.equal(reqs(b, 'metrics', 200) - reqs(a, 'metrics', 200), 1);

  for (const [route, n] of [['customers', N_PAGE], ['api-customers', N_API], ['unknown', N_MISSING]]) {
    assert.equal(hcount(b, route) - hcount(a, route), n, `${route}: histogram count`);
    assert.equal(bucket(b, route, '+Inf'), hcount(b, route), `${route}: +Inf bucket = count`);
    let prev = 0;
    for (const le of ['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf']) {
      const x = bucket(b, route, le);
      assert.ok(x >= prev, `${route}: buckets are cumulative (le=${le})`);
      prev = x;
    }
    const sum = v(b, `custodian_http_request_duration_seconds_sum{route="${route}"}`) -
      v(a, `custodian_http_request_duration_seconds_sum{route="${route}"}`);
    assert.ok(sum > 0 && sum < n * 5, `${route}: the time summed is plausible (${sum} s for ${n})`);
  }
  // every list page reads the database at least twice (the customers and their count)
  const stmts = v(b, 'custodian_db_statements_total{route="customers"}') - v(a, 'custodian_db_statements_total{route="customers"}');
  assert.ok(stmts >= 2 * N_PAGE, `statements for the list pages: ${stmts}`);
  assert.ok(v(b, 'custodian_db_seconds_total{route="customers"}') > v(a, 'custodian_db_seconds_total{route="customers"}'));
  // a path that matched nothing reads no customer data
  assert.equal(v(b, 'custodian_db_statements_total{route="unknown"}') - v(a, 'custodian_db_statements_total{route="unknown"}') <= 2 * N_MISSING, true);
});

test('workers by state, job workers and the listen queue', async () => {
  const s = await scrape();
  const workers = Number(process.env.WORKERS || 2);
  const busy = v(s, 'custodian_workers{state="busy"}');
  const idle = v(s, 'custodian_workers{state="idle"}');
  assert.equal(busy + idle, workers, `busy ${busy} + idle ${idle}`);
  assert.ok(busy >= 1, 'the worker answering the scrape is busy');
  const conf = readFileSync(CONFIG, 'utf8');
  const jobs = Number((/^job_workers = (\d+)/m.exec(conf) || [0, 2])[1]);
  assert.equal(v(s, 'custodian_job_workers'), jobs);
  const backlog = Number((/^backlog = (\d+)/m.exec(conf) || [0, 1024])[1]);
  const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  assert.equal(v(s, 'custodian_listen_queue_max'), Math.min(backlog, somaxconn));
  assert.ok(v(s, 'custodian_listen_queue') >= 0);
});

test('a killed worker is counted as a restart, and no counter goes back', async () => {
  const a = await scrape();
  const kids = children();
  // a request worker (the job workers do not hold the listen socket):
  // the one with the fewest open files is not sure to be one, so kill by
  // what the supervisor restarts as a worker: the restart counter says
  const before = v(a, 'custodian_worker_restarts_total{kind="worker"}') + v(a, 'custodian_worker_restarts_total{kind="jobs"}');
  process.kill(kids[0], 'SIGKILL');
  let b;
  for (let i = 0; i < 100; i++) {
    await sleep(100);
    b = await scrape();
    const after = v(b, 'custodian_worker_restarts_total{kind="worker"}') + v(b, 'custodian_worker_restarts_total{kind="jobs"}');
    if (after === before + 1 && children().length === kids.length) break;
  }
  assert.equal(v(b, 'custodian_worker_restarts_total{kind="worker"}') + v(b, 'custodian_worker_restarts_total{kind="jobs"}'), before + 1);
  for (const [k, x] of a.samples) {
    if (!/_total\{|_total$|_bucket\{|_count\{|_sum\{/.test(k)) continue;
    assert.ok(v(b, k) >= x, `${k} went back from ${x} to ${v(b, k)}`);
  }
});

test('lifecycle outcomes by action and code: a refused and a done deactivation', async () => {
  const key = L.createKey({ role: 'admin' }).key;
  const blocked = L.makeCustomer();
  L.addBlockers(blocked, { subscription: true });
  const clean = L.makeCustomer();
  const a = await scrape();
  const r1 = await L.api(`/v1/customers/${blocked.pid}`, { method: 'DELETE', key });
  assert.equal(r1.status, 409, r1.text);
  const code = r1.json.error.code;
  const r2 = await L.api(`/v1/customers/${clean.pid}`, { method: 'DELETE', key });
  assert.ok(r2.status < 300, r2.text);
  const b = await scrape();
  const o = (s, c) => v(s, `custodian_lifecycle_outcomes_total{action="deactivate",code="${c}"}`);
  assert.equal(o(b, code) - o(a, code), 1, `deactivate ${code}`);
  assert.equal(o(b, 'OK') - o(a, 'OK'), 1, 'deactivate OK');
});

test('bulk runs and webhook deliveries are what the database holds', async () => {
  for (let attempt = 0; ; attempt++) {
    const s = await scrape();
    const runs = new Map(sql("SELECT status, COUNT(*) FROM bulk_runs GROUP BY status").map(([k, n]) => [k, Number(n)]));
    const failed = Number(sqlOne("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'failed'"));
    const ok = ['queued', 'running', 'done'].every((st) => v(s, `custodian_bulk_runs{state="${st}"}`) === (runs.get(st) ?? 0)) &&
      v(s, 'custodian_webhook_deliveries{state="failed"}') === failed;
    if (ok) break;
    // the job workers may finish a run or give a delivery up in between
    assert.ok(attempt < 5, `the gauges do not match the database: ${s.text.match(/^custodian_(bulk_runs|webhook_deliveries)\{.*$/gm)}`);
    await sleep(300);
  }
});

test('/status shows the same figures to admins, and to nobody else', async () => {
  for (const user of ['viewer', 'operator']) {
    const r = await L.page('/status', { user });
    assert.equal(r.status, 403, user);
  }
  const s = await scrape();
  const r = await L.page('/status', { user: 'admin' });
  assert.equal(r.status, 200);
  const row = /<tr id="route-customers">([\s\S]*?)<\/tr>/.exec(r.text);
  assert.ok(row, 'a row for the customer list');
  const cells = [...row[1].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1].trim());
  // requests, 2xx, 3xx, 4xx, 5xx: nothing reached the customer list in between
  const total = hcount(s, 'customers');
  assert.equal(Number(cells[0]), total);
  const twoxx = [200, 201, 202, 204].reduce((n, st) => n + reqs(s, 'customers', st), 0);
  assert.equal(Number(cells[1]), twoxx);
  assert.equal(L.byId(r.text, 'db-lock-timeouts'), String(v(s, 'custodian_db_lock_timeouts_total')));
  assert.equal(L.byId(r.text, 'restarts'), `${v(s, 'custodian_worker_restarts_total{kind="worker"}')} / ${v(s, 'custodian_worker_restarts_total{kind="jobs"}')}`);
});

test('log_format = json: one JSON object per request, with the text line\'s fields', async () => {
  const original = readFileSync(CONFIG, 'utf8');
  const pids = children();
  const reload = async (conf) => {
    writeFileSync(CONFIG, conf);
    const old = new Set(children());
    process.kill(supervisor(), 'SIGHUP');
    // the old generation finishes, the new one answers
    for (let i = 0; i < 100 && children().some((p) => old.has(p)); i++) await sleep(100);
    await L.page('/customers', { user: 'admin' });
  };
  try {
    await reload(original.replace(/^log_format = .*\n/m, '') + 'log_format = json\n');
    assert.ok(!children().some((p) => pids.includes(p)), 'new workers');
    const r = await L.page(`/customers?q=${encodeURIComponent('json "log" \\ test')}`, { user: 'admin' });
    assert.equal(r.status, 200);
    const rid = r.headers.get('x-request-id');
    let line;
    for (let i = 0; i < 20 && !line; i++) {
      line = readFileSync(path.join(LOG_DIR, 'app.log'), 'utf8').split('\n').find((l) => l.includes(rid));
      if (!line) await sleep(50);
    }
    assert.ok(line, 'the request is in the log');
    const o = JSON.parse(line);
    assert.deepEqual(Object.keys(o), ['time', 'rid', 'user', 'method', 'route', 'status', 'ms', 'db_statements', 'db_ms', 'pid']);
    assert.equal(o.rid, rid);
    assert.equal(o.user, 'admin');
    assert.equal(o.method, 'GET');
    assert.equal(o.route, 'customers');
    assert.equal(o.status, 200);
    assert.match(o.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(o.ms > 0 && o.db_statements >= 1 && o.db_ms >= 0 && Number.isInteger(o.pid));
  } finally {
    await reload(original);
  }
  // text again
  const r = await L.page('/customers', { user: 'admin' });
  const rid = r.headers.get('x-request-id');
  await sleep(50);
  const line = readFileSync(path.join(LOG_DIR, 'app.log'), 'utf8').split('\n').find((l) => l.includes(rid));
  assert.match(line, /^\d{4}-\d\d-\d\dT\S+ rid=\S+ user=admin GET customers status=200 /);
});
