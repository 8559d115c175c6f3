// Sums what the HTTP test processes recorded in CONFORMANCE_DIR (see
// conformance.mjs) and prints it as TAP, one test line per operation
// ("METHOD /v1/template"), for scripts/check's conformance group:
//
//   ok - GET /v1/customers (listCustomers): validated N answers (200 ×a, 400 ×b)
//   not ok - PUT /v1/customers/{customerId} (updateCustomer): validated N answers, F violate FlexPortal's schema (...)
//
// An operation fails when any of its answers violated the schema; each
// operation Custodian serves must have at least one validated 200. Before
// them, a self-test feeds the harness known-good and known-bad answers, so a
// harness that can no longer fail fails here. For every failing operation
// and status the distinct violations (with how many answers had each) and
// the first requests (with the ajv errors) are printed as "#" lines.
//
//   node tests/http/conformance-summary.mjs DIR
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadFlexPortal, selfTest, OPENAPI_PATH, UNDEFINED_PATH } from './conformance.mjs';

/** The operations Custodian serves: each needs a validated 200. */
export const SERVED = [
  'GET /v1/customers',
  'GET /v1/customers/{customerId}',
  'PUT /v1/customers/{customerId}',
  'DELETE /v1/customers/{customerId}',
  'GET /v1/orders',
  'GET /v1/orders/{orderId}',
  'POST /v1/orders/{orderId}/cancel',
  'GET /v1/subscriptions',
  'GET /v1/subscriptions/{subscriptionId}',
  'POST /v1/subscriptions/{subscriptionId}/cancel',
  'POST /v1/subscriptions/{subscriptionId}/early-return',
  'GET /v1/assets',
  'GET /v1/assets/{serialNumber}',
  'PUT /v1/assets/{serialNumber}',
  'GET /v1/payments',
  'GET /v1/payments/{paymentId}',
];

const lines = [];
let n = 0;
const out = (s) => lines.push(s);
const tap = (ok, what) => out(`${ok ? 'ok' : 'not ok'} ${++n} - ${what}`);

// ---- sum the files ---------------------------------------------------------------------

function sum(dir) {
  const all = {};
  const internal = [];
  let files = 0;
  let names = [];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    names = [];
  }
  for (const f of names) {
    const d = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
    files++;
    for (const x of d.internal || []) internal.push(`${(d.argv || []).join(' ')}: ${x}`);
    for (const [key, r] of Object.entries(d.results || {})) {
      const e = (all[key] ??= { ...r, validated: 0, head: 0, failed: 0, sigs: {}, samples: [], examples: [] });
      e.validated += r.validated;
      e.head += r.head;
      e.failed += r.failed;
      for (const [s, k] of Object.entries(r.sigs)) e.sigs[s] = (e.sigs[s] || 0) + k;
      for (const s of r.samples) if (e.samples.length < 3) e.samples.push(s);
      for (const x of r.examples || []) if (e.examples.length < 4 && !e.examples.includes(x)) e.examples.push(x);
    }
  }
  return { all, internal, files };
}

function main() {
  const dir = process.argv[2] || process.env.CONFORMANCE_DIR;
  if (!dir) {
    console.error('usage: conformance-summary.mjs DIR');
    process.exit(2);
  }
  out('TAP version 13');
  out(`# FlexPortal's contract: ${OPENAPI_PATH}`);
  const doc = loadFlexPortal();
  const st = selfTest(doc);
  for (const b of st) out(`#   self-test: ${b}`);
  tap(st.length === 0, 'harness self-test: conforming answers pass; a null company, a missing orderIds, success:false, empty VALIDATION_ERROR details, text/html, a 429 without Retry-After, an Error without message and an answer of one extension in the shape of another are each refused');

  const { all, internal, files } = sum(dir);
  out(`# ${files} test processes recorded answers`);
  for (const x of internal) out(`#   harness error: ${x}`);
  tap(internal.length === 0 && files > 0, files > 0 ? 'the harness ran without internal errors' : `no answers recorded in ${dir}`);

  const ops = new Map();
  for (const [key, r] of Object.entries(all)) {
    if (!ops.has(r.operation)) ops.set(r.operation, []);
    ops.get(r.operation).push(r);
  }
  for (const s of SERVED) if (!ops.has(s)) ops.set(s, []);
  const order = [...ops.keys()].sort((a, b) => {
    const ia = SERVED.indexOf(a), ib = SERVED.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });

  const summary = [];
  let total = 0;
  let violations = 0;
  for (const opName of order) {
    const rs = ops.get(opName).sort((a, b) => a.status - b.status);
    const validated = rs.reduce((s, r) => s + r.validated, 0);
    const failed = rs.reduce((s, r) => s + r.failed, 0);
    const head = rs.reduce((s, r) => s + r.head, 0);
    total += validated;
    violations += failed;
    const id = rs.find((r) => r.operationId)?.operationId || doc.paths?.[opName.split(' ')[1]]?.[opName.split(' ')[0].toLowerCase()]?.operationId;
    const examples = [...new Set(rs.flatMap((r) => r.examples || []))].slice(0, 4);
    const label = opName.endsWith(UNDEFINED_PATH)
      ? `${opName} (paths FlexPortal does not define, e.g. ${examples.map((x) => (x.length > 60 ? x.slice(0, 60) + '…' : x)).join(', ')})`
      : `${opName} (${id || `FlexPortal defines no ${opName.split(' ')[0]} here`})`;
    const statuses = rs.filter((r) => r.validated).map((r) => `${r.status} ×${r.validated}${r.failed ? ` (${r.failed} bad)` : ''}`).join(', ');
    const ok200 = rs.some((r) => r.status === 200 && r.validated > 0);
    const served = SERVED.includes(opName);
    const problems = [];
    if (failed) problems.push(`${failed} violate FlexPortal's schema`);
    if (served && !ok200) problems.push('no validated 200');
    for (const r of rs.filter((x) => x.failed)) {
      out(`# ${opName} ${r.status}: ${r.failed} of ${r.validated} answers violate; distinct violations (answers):`);
      for (const [s, k] of Object.entries(r.sigs).sort((a, b) => b[1] - a[1])) out(`#     ${s}  (${k})`);
      for (const x of r.samples) {
        out(`#   request: ${x.request}`);
        out(`#   status:  ${x.status}`);
        for (const e of x.errors) out(`#     ajv: ${e}`);
        if (x.more) out(`#     ajv: ... and ${x.more} more`);
      }
    }
    const counted = validated || !head ? `validated ${validated} answers${statuses ? ` (${statuses})` : ''}${head ? ', ' : ''}` : '';
    const line = `${label}: ${counted}${head ? `${head} HEAD answers (no body, not checked)` : ''}${problems.length ? ` — ${problems.join(', ')}` : ''}`;
    summary.push([problems.length === 0, line]);
  }
  for (const [ok, line] of summary) tap(ok, line);
  out(`1..${n}`);
  out(`# conformance: ${total} /v1 answers validated against FlexPortal's openapi.json, ${violations} violate it`);
  console.log(lines.join('\n'));
  process.exitCode = lines.some((l) => l.startsWith('not ok')) ? 1 : 0;
}

main();
