// The outbox on the Galera cluster (issue 17; run by scripts/cluster with both
// app instances up): N customers deactivated through nginx, whose requests go
// to either app; every event is delivered exactly once to a receiver on
// loopback whichever app host's job worker claims it, and the deliveries
// were made by the workers of both apps. Prints "ok - ..." or "not ok - ..."
// and exits non-zero on failure.
// Environment: BASE_URL, DB_SOCK (a node's socket), CONF_DIR, DEMO_PASSWORD.
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startReceiver } from '../http/receiver.mjs';

const N = Number(process.env.CLUSTER_WEBHOOK_N || 300);
const BASE = process.env.BASE_URL;
const sql = (q) => execFileSync('mariadb', ['--no-defaults', '-S', process.env.DB_SOCK, '-u', 'root', 'custodian', '-N', '-B', '-e', q], { encoding: 'utf8' })
  .split('\n').filter(Boolean).map((l) => l.split('\t'));
const secretKey = readFileSync(join(process.env.CONF_DIR, 'app-secret'), 'utf8').split('\n')[0];
function csrf(user, action, subject) {
  const expiry = Math.floor(Date.now() / 1000) + 600;
  const mac = createHmac('sha256', secretKey);
  for (const part of ['csrf', user, action, subject, String(expiry)]) mac.update(Buffer.from(part, 'utf8')).update(Buffer.from([0]));
  const raw = Buffer.alloc(24);
  raw.writeBigUInt64BE(BigInt(expiry), 0);
  mac.digest().copy(raw, 8, 0, 16);
  return raw.toString('base64url');
}
const auth = `Basic ${Buffer.from(`operator:${process.env.DEMO_PASSWORD || 'custodian'}`).toString('base64')}`;
const fail = (why) => {
  console.log(`not ok - webhooks on the cluster: ${why}`);
  process.exit(1);
};

const tag = randomBytes(4).toString('hex');
const secret = `whsec_${randomBytes(24).toString('hex')}`;
const r = await startReceiver({ secret });
// Each answer takes 300 ms, so a worker's batch keeps it busy while events
// keep coming, and the other app's worker claims the next ones: one fast
// worker alone could otherwise deliver the whole trickle (CI saw it once).
r.mode = 'slow';
r.delayMs = 300;
const endpoint = `whk_c${tag}`;
sql(`INSERT INTO webhook_endpoints (public_id, tenant_id, url, secret, events, enabled, created_at, created_by, updated_at)
     VALUES ('${endpoint}', 1, '${r.url}', '${secret}', 'customer.deactivated', 1, UTC_TIMESTAMP(3), 'cluster', UTC_TIMESTAMP(3))`);
const [[eid]] = sql(`SELECT id FROM webhook_endpoints WHERE public_id = '${endpoint}'`);
sql(`INSERT INTO customers (public_id, tenant_id, email, first_name, last_name, status, created_at, updated_at)
     SELECT CONCAT('cus_cw${tag}_', seq), 1, CONCAT('c', seq, '@${tag}.cluster-webhooks.invalid'), 'Cluster', CONCAT('Hook', seq),
            'active', UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM seq_1_to_${N}`);
const ids = Array.from({ length: N }, (_, i) => `cus_cw${tag}_${i + 1}`);
let bad = 0;
const t0 = Date.now();
for (let i = 0; i < N; i += 8) {
  await Promise.all(ids.slice(i, i + 8).map(async (pid) => {
    const body = new URLSearchParams({ csrf: csrf('operator', 'deactivate', pid), reason: 'data_cleanup', note: 'cluster' });
    const res = await fetch(`${BASE}/customers/${pid}/deactivate`, { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' }, body, redirect: 'manual' });
    if (res.status !== 303) bad++;
    await res.arrayBuffer();
  }));
}
if (bad) fail(`${bad} of ${N} deactivations not answered 303`);
const mine = () => [...r.seen.values()].filter((e) => e.data.customerId?.startsWith(`cus_cw${tag}_`));
while (mine().length < N) {
  if (Date.now() - t0 > 120000) fail(`${mine().length} of ${N} events received after 120 s`);
  await new Promise((ok) => setTimeout(ok, 200));
}
await new Promise((ok) => setTimeout(ok, 1000)); // a duplicate, if any, would come now
const got = r.requests.filter((x) => x.env?.data?.customerId?.startsWith(`cus_cw${tag}_`));
const per = new Map();
for (const x of got) per.set(x.id, (per.get(x.id) || 0) + 1);
const twice = [...per.values()].filter((n) => n > 1).length;
const workers = sql(`SELECT COUNT(DISTINCT last_by) FROM webhook_deliveries WHERE endpoint_id = ${eid} AND state = 'delivered'`)[0][0];
const apps = sql(`SELECT COUNT(DISTINCT SUBSTRING_INDEX(last_by, ':', -1)) FROM webhook_deliveries WHERE endpoint_id = ${eid}`)[0][0];
sql(`UPDATE webhook_endpoints SET enabled = 0 WHERE id = ${eid}`);
await r.stop();
if (r.bad.length) fail(`${r.bad.length} requests with a bad signature`);
if (per.size !== N) fail(`${per.size} distinct events, want ${N}`);
if (twice) fail(`${twice} events delivered more than once`);
if (Number(workers) < 2) fail(`all deliveries made by ${workers} job worker(s): the test wants both apps' workers`);
console.log(`ok - webhooks on the cluster: ${N} deactivations through both apps, ${N} events each delivered once, by ${workers} job workers (${apps} processes), in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
