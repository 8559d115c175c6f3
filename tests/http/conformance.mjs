// The conformance harness of issue 13: every /v1 answer an HTTP test
// receives is validated against the schema FlexPortal's own OpenAPI document
// (../shared/flexportal/openapi.json, OpenAPI 3.1 = JSON Schema 2020-12)
// gives for that operation and status, with ajv and ajv-formats.
//
//   - the schema of responses[status] of the operation (method + path
//     template) when FlexPortal declares it;
//   - otherwise, for every status >= 400 and for paths or methods FlexPortal
//     does not define (405, /v1/nothing), components.schemas.Error;
//   - when error.code is VALIDATION_ERROR, also LOCAL_VALIDATION_DETAILS
//     (the overview's details: [{path, message, code}], non-empty);
//   - 429 and 503 carry a numeric Retry-After; every checked answer is
//     Content-Type application/json; HEAD answers are counted, not checked.
//
// Which answers are /v1 answers: those whose path, as nginx normalises it
// (percent-decoded, slashes merged, dot segments resolved), starts with
// /v1/ — nginx's `location /v1/` that reaches the API.
//
// It is switched on by CONFORMANCE_DIR (scripts/check sets it for the http
// group). Then importing this module wraps globalThis.fetch, so every fetch
// to /v1 in a test process is checked (lib.mjs, apilib.mjs and seclib.mjs
// import it; seclib's raw-socket client calls observe() itself), and on exit
// the process writes its counts to CONFORMANCE_DIR/<pid>-<random>.json, which
// tests/http/conformance-summary.mjs sums. Without CONFORMANCE_DIR (e.g.
// scripts/cluster) nothing is wrapped, loaded or written.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = process.env.ROOT || path.resolve(HERE, '..', '..');

/**
 * FlexPortal's OpenAPI document: $FLEXPORTAL_OPENAPI, else shared/ beside
 * the work tree, else shared/ beside the repository this one was cloned
 * from (a clone in /tmp of the work tree). The first that exists; the
 * first candidate when none does (reading it then says which path).
 */
function findOpenApi() {
  if (process.env.FLEXPORTAL_OPENAPI) return process.env.FLEXPORTAL_OPENAPI;
  const rel = path.join('shared', 'flexportal', 'openapi.json');
  const candidates = [path.resolve(ROOT, '..', rel)];
  try {
    const origin = execFileSync('git', ['-C', ROOT, 'config', '--get', 'remote.origin.url'], { encoding: 'utf8' }).trim();
    if (origin && !/^[a-z+]+:\/\/|^[^/]+@/.test(origin)) candidates.push(path.resolve(ROOT, origin, '..', rel));
  } catch {
    // not a clone, or no git: the first candidate stands
  }
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}
export const OPENAPI_PATH = findOpenApi();

export const DIR = process.env.CONFORMANCE_DIR || '';
export const ENABLED = DIR !== '';

/** FlexPortal's overview: a VALIDATION_ERROR names each bad field in details. */
export const LOCAL_VALIDATION_DETAILS = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['path', 'message', 'code'],
            properties: {
              path: { type: 'string' },
              message: { type: 'string' },
              code: { type: 'string' },
            },
          },
        },
      },
    },
  },
};

/**
 * Custodian's extensions FlexPortal does not document, each named in the
 * README and docs/openapi.json, by "METHOD template status", the template
 * being Custodian's path (docs/openapi.json): the 202 of
 * DELETE /v1/customers/{customerId}?whenClear=true ("close when clear"),
 * which files a closure request instead of deactivating now, and the
 * successes of the /v1 paths FlexPortal does not define (their answers are
 * counted under UNDEFINED_PATH, each checked against its own schema).
 * An answer FlexPortal gives a schema for is checked against that one.
 */
export const LOCAL_EXTENSIONS = {
  // merging a duplicate (issue 16)
  'POST /v1/customers/{customerId}/merge 200': {
    type: 'object',
    required: ['success', 'message', 'customerId', 'mergedInto', 'moved'],
    additionalProperties: false,
    properties: {
      success: { const: true },
      message: { type: 'string' },
      customerId: { type: 'string', pattern: '^cus_' },
      mergedInto: { type: 'string', pattern: '^cus_' },
      moved: {
        type: 'object',
        required: ['orders', 'subscriptions', 'payments', 'devices', 'addresses', 'notes'],
        additionalProperties: false,
        properties: Object.fromEntries(['orders', 'subscriptions', 'payments', 'devices', 'addresses', 'notes']
          .map((k) => [k, { type: 'array', items: { type: 'string' } }])),
      },
    },
  },
  // erasing a customer's personal data (issue 18): now, or the earlier erasure's time
  'POST /v1/customers/{customerId}/erase 200': {
    type: 'object',
    required: ['success', 'message', 'customerId', 'erasedAt'],
    additionalProperties: false,
    properties: {
      success: { const: true },
      message: { type: 'string' },
      customerId: { type: 'string', pattern: '^cus_' },
      erasedAt: { type: 'string', format: 'date-time' },
    },
  },
  'DELETE /v1/customers/{customerId} 202': {
    type: 'object',
    required: ['success', 'message', 'closure'],
    additionalProperties: false,
    properties: {
      success: { const: true },
      message: { type: 'string' },
      closure: {
        type: 'object',
        required: ['closureId', 'customerId', 'status', 'reason', 'requestedAt', 'requestedBy', 'waitingFor'],
        additionalProperties: false,
        properties: {
          closureId: { type: 'string', pattern: '^clo_[0-9a-f]+$' },
          customerId: { type: 'string' },
          status: { enum: ['pending'] },
          reason: { enum: ['data_cleanup', 'account_closure', 'compliance', 'fraud_prevention'] },
          requestedAt: { type: 'string', format: 'date-time' },
          requestedBy: { type: 'string' },
          waitingFor: {
            type: 'array',
            items: { enum: ['CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS', 'CUSTOMER_HAS_PENDING_ORDERS', 'CUSTOMER_HAS_UNRETURNED_DEVICES'] },
          },
        },
      },
    },
  },
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
/** A path template ("/v1/customers/{customerId}") as a regular expression of one path. */
const templateRe = (t) => new RegExp('^' + t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$');
/** LOCAL_EXTENSIONS as [{method, re, status, key, schema}]. */
const EXTENSIONS = Object.entries(LOCAL_EXTENSIONS).map(([key, schema]) => {
  const [method, template, status] = key.split(' ');
  return { method, re: templateRe(template), status: Number(status), key, schema };
});
const COMPONENT_BASE = 'https://flexportal.invalid/openapi.json';
/** The template of every /v1 path FlexPortal does not define. */
export const UNDEFINED_PATH = '/v1/*';

/**
 * The path nginx matches its locations on: %XX decoded, // merged, . and ..
 * resolved. decode false: the same without decoding (the segments the
 * path template of an operation is matched against).
 */
export function nginxPath(p, decode = true) {
  let s = String(p).split(/[?#]/)[0];
  if (decode) s = s.replace(/%([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  s = s.replace(/\/+/g, '/');
  const out = [];
  const parts = s.split('/');
  for (let i = 1; i < parts.length; i++) {
    const seg = parts[i];
    const last = i === parts.length - 1;
    if (seg === '.') {
      if (last) out.push('');
    } else if (seg === '..') {
      out.pop();
      if (last) out.push('');
    } else out.push(seg);
  }
  return '/' + out.join('/');
}

/** True for an answer nginx sends through `location /v1/` (the API). */
export const isV1 = (p) => nginxPath(p).startsWith('/v1/');

function loadAjv() {
  const require = createRequire(import.meta.url);
  const Ajv2020 = require('ajv/dist/2020').default;
  const addFormats = require('ajv-formats').default;
  return { Ajv2020, addFormats };
}

/** A deep copy with refs to #/components/schemas/X pointed at the schema added under its own $id. */
function rewriteRefs(x) {
  if (Array.isArray(x)) return x.map(rewriteRefs);
  if (x && typeof x === 'object') {
    const o = {};
    for (const [k, v] of Object.entries(x)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/'))
        o[k] = `${COMPONENT_BASE}#/$defs/${v.slice('#/components/schemas/'.length)}`;
      else o[k] = rewriteRefs(v);
    }
    return o;
  }
  return x;
}

/** Value at an ajv instancePath (JSON pointer) of data. */
function at(data, pointer) {
  if (!pointer) return data;
  let v = data;
  for (const raw of pointer.split('/').slice(1)) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v === null || typeof v !== 'object') return undefined;
    v = v[k];
  }
  return v;
}

const kindOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const short = (v, n = 60) => {
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > n ? s.slice(0, n) + '…' : s;
};

/** One ajv error as text: "<pointer> <message>" with the params that say what was wrong. */
function describe(e, data) {
  let m = `${e.instancePath || '/'} ${e.message}`;
  if (e.keyword === 'enum') m += ` ${JSON.stringify(e.params.allowedValues)}`;
  if (e.keyword === 'type' || e.keyword === 'enum' || e.keyword === 'format' || e.keyword === 'minimum' ||
      e.keyword === 'minLength' || e.keyword === 'minItems' || e.keyword === 'const')
    m += ` (got ${short(at(data, e.instancePath))})`;
  return m;
}

/** The same error without array indices and with only the kind of value: one line per distinct violation. */
function signature(e, data) {
  let m = `${(e.instancePath || '/').replace(/\/\d+(?=\/|$)/g, '/*')} ${e.message}`;
  if (e.keyword === 'enum') m += ` ${JSON.stringify(e.params.allowedValues)}`;
  if (e.keyword === 'type') m += ` (got ${kindOf(at(data, e.instancePath))})`;
  if (e.keyword === 'format' || e.keyword === 'minimum' || e.keyword === 'minLength' || e.keyword === 'const' || e.keyword === 'minItems')
    m += ` (got ${short(at(data, e.instancePath), 40)})`;
  return m;
}

function header(headers, name) {
  if (!headers) return undefined;
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * A checker for one OpenAPI document. check({method, path, status, headers,
 * text}) returns null for an answer that is not a /v1 answer, else
 * {key, operation, status, checked (false for HEAD), problems: [{text, sig}]}.
 */
export function makeChecker(doc) {
  const { Ajv2020, addFormats } = loadAjv();
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addFormat('binary', true);
  ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
  ajv.addSchema({ $id: COMPONENT_BASE, $defs: rewriteRefs(doc.components?.schemas || {}) });
  const errorSchema = ajv.getSchema(`${COMPONENT_BASE}#/$defs/Error`);
  if (!errorSchema) throw new Error('FlexPortal openapi.json has no components.schemas.Error');
  const validationDetails = ajv.compile(LOCAL_VALIDATION_DETAILS);

  // Templates with fewer parameters first: /v1/products/variants before /v1/products/{productId}.
  const templates = Object.keys(doc.paths || {})
    .map((t) => ({
      t,
      params: (t.match(/\{[^}]+\}/g) || []).length,
      re: templateRe(t),
    }))
    .sort((a, b) => a.params - b.params);
  const compiled = new Map();

  function schemaFor(template, method, status) {
    const k = `${method} ${template} ${status}`;
    if (compiled.has(k)) return compiled.get(k);
    const op = doc.paths[template]?.[method.toLowerCase()];
    const r = op?.responses || {};
    const resp = r[String(status)] || r[`${String(status)[0]}XX`] || r.default;
    const schema = resp?.content?.['application/json']?.schema;
    const v = schema ? ajv.compile(rewriteRefs(schema)) : null;
    compiled.set(k, v);
    return v;
  }

  function extensionFor(k, schema) {
    if (!compiled.has(`ext ${k}`)) compiled.set(`ext ${k}`, ajv.compile(schema));
    return compiled.get(`ext ${k}`);
  }

  function check({ method, path: p, status, headers, text }) {
    method = String(method).toUpperCase();
    if (!isV1(p)) return null;
    // An id with an encoded "/" (%2F) is still one segment of the template.
    const np = nginxPath(p, false);
    const hit = templates.find((x) => x.re.test(np)) || templates.find((x) => x.re.test(nginxPath(p)));
    // Paths FlexPortal does not define share one template (their paths are kept as examples).
    const template = hit ? hit.t : UNDEFINED_PATH;
    const op = hit && METHODS.includes(method.toLowerCase()) ? doc.paths[hit.t][method.toLowerCase()] : undefined;
    const operation = `${method} ${template}`;
    const res = {
      key: `${method} ${template} ${status}`,
      operation,
      operationId: op?.operationId || null,
      defined: Boolean(op),
      status,
      checked: method !== 'HEAD',
      problems: [],
    };
    if (!res.checked) return res;
    const add = (t, sig = t) => res.problems.push({ text: t, sig });

    const ct = header(headers, 'content-type') || '';
    if (!/^application\/json\s*(;|$)/i.test(ct)) add(`Content-Type is ${JSON.stringify(ct)}, not application/json`,
      `Content-Type is ${JSON.stringify(ct.split(';')[0])}, not application/json`);
    if (status === 429 || status === 503) {
      const ra = header(headers, 'retry-after');
      if (ra === undefined || !/^\d+$/.test(String(ra).trim()))
        add(`${status} without a numeric Retry-After (${short(ra)})`, `${status} without a numeric Retry-After`);
    }
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      add(`body is not JSON: ${short(String(text ?? ''), 80)}`, 'body is not JSON');
      return res;
    }
    let validate = op ? schemaFor(template, method, status) : null;
    const extension = EXTENSIONS.find((x) => x.method === method && x.status === status && (x.re.test(np) || x.re.test(nginxPath(p))));
    if (!validate && extension) validate = extensionFor(extension.key, extension.schema);
    if (!validate) {
      if (status >= 400) validate = errorSchema;
      else if (!op) {
        add(`FlexPortal defines no ${method} ${template}, and ${status} is not an error`);
        return res;
      } else {
        add(`FlexPortal declares no ${status} for ${method} ${template} (${op.operationId})`);
        return res;
      }
    }
    if (!validate(body)) for (const e of validate.errors) add(describe(e, body), signature(e, body));
    if (body && typeof body === 'object' && body.error && body.error.code === 'VALIDATION_ERROR' &&
        !validationDetails(body))
      for (const e of validationDetails.errors)
        add(`VALIDATION_ERROR: ${describe(e, body)}`, `VALIDATION_ERROR: ${signature(e, body)}`);
    return res;
  }

  return { check, templates: templates.map((x) => x.t) };
}

export function loadFlexPortal(file = OPENAPI_PATH) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

// ---- self-test: the harness accepts a conforming answer and refuses broken ones --------

/**
 * Feeds the checker known-good and known-bad answers; returns what did not
 * come out as expected ([] when the harness works). Run by the summary.
 */
export function selfTest(doc = loadFlexPortal()) {
  const c = makeChecker(doc);
  const json = { 'content-type': 'application/json; charset=utf-8' };
  const good = {
    customerId: 'cus_1', tenantId: 'northwind', email: 'a@b.example', firstName: 'A', lastName: 'B',
    customerType: 'individual', totalOrders: 0, totalDevicesRented: 0, totalMonthlyRevenue: 0,
    status: 'active', orderIds: [], rentalIds: [], createdBy: 'admin',
  };
  const list = (cs) => JSON.stringify({ customers: cs, count: cs.length, limit: 50, hasMore: false, nextCursor: null });
  const probs = (a) => c.check({ headers: json, ...a }).problems.map((p) => p.text);
  const cases = [
    ['a conforming listCustomers page', probs({ method: 'GET', path: '/v1/customers', status: 200, text: list([good]) }), []],
    ['a customer with company null and no orderIds',
      probs({ method: 'GET', path: '/v1/customers?limit=1', status: 200, text: list([{ ...good, company: null, orderIds: undefined }]) }),
      ["/customers/0 must have required property 'orderIds'", '/customers/0/company must be string (got null)']],
    ['a conforming deleteCustomer answer',
      probs({ method: 'DELETE', path: '/v1/customers/cus_1', status: 200, text: '{"success":true,"message":"m","customerId":"cus_1"}' }), []],
    ['a deleteCustomer answer with success false',
      probs({ method: 'DELETE', path: '/v1/customers/cus_1', status: 200, text: '{"success":false,"message":"m","customerId":"cus_1"}' }),
      ['/success must be equal to one of the allowed values [true] (got false)']],
    ['a 202 of DELETE ?whenClear=true (Custodian\'s extension)',
      probs({ method: 'DELETE', path: '/v1/customers/cus_1?whenClear=true', status: 202,
        text: '{"success":true,"message":"m","closure":{"closureId":"clo_0a1b2c3d4e","customerId":"cus_1","status":"pending","reason":"data_cleanup","requestedAt":"2026-12-01T10:00:00Z","requestedBy":"admin","waitingFor":["CUSTOMER_HAS_PENDING_ORDERS"]}}' }), []],
    ['a 202 of DELETE without its closure',
      probs({ method: 'DELETE', path: '/v1/customers/cus_1?whenClear=true', status: 202, text: '{"success":true,"message":"m"}' }),
      ["/ must have required property 'closure'"]],
    ['a 200 of POST /v1/customers/{id}/erase (Custodian\'s extension)',
      probs({ method: 'POST', path: '/v1/customers/cus_1/erase', status: 200,
        text: '{"success":true,"message":"m","customerId":"cus_1","erasedAt":"2026-12-01T10:00:00.123Z"}' }), []],
    ['a 200 of the erase extension shaped as a merge\'s',
      probs({ method: 'POST', path: '/v1/customers/cus_1/erase', status: 200,
        text: '{"success":true,"message":"m","customerId":"cus_1","mergedInto":"cus_2","moved":{"orders":[],"subscriptions":[],"payments":[],"devices":[],"addresses":[],"notes":[]}}' }),
      ["/ must have required property 'erasedAt'", '/ must NOT have additional properties', '/ must NOT have additional properties']],
    ['a 200 of POST /v1/customers/{id}/merge (Custodian\'s extension)',
      probs({ method: 'POST', path: '/v1/customers/cus_1/merge', status: 200,
        text: '{"success":true,"message":"m","customerId":"cus_1","mergedInto":"cus_2","moved":{"orders":["ord_1"],"subscriptions":[],"payments":[],"devices":[],"addresses":["7"],"notes":[]}}' }), []],
    ['an undeclared 409 in the Error envelope',
      probs({ method: 'DELETE', path: '/v1/customers/cus_1', status: 409, text: '{"error":{"code":"CUSTOMER_HAS_PENDING_ORDERS","message":"m","details":[{"x":1}]}}' }), []],
    ['a 400 VALIDATION_ERROR with empty details, as text/html',
      probs({ method: 'GET', path: '/v1/orders?limit=0', status: 400, headers: { 'content-type': 'text/html' }, text: '{"error":{"code":"VALIDATION_ERROR","message":"m","details":[]}}' }),
      ['Content-Type is "text/html", not application/json', 'VALIDATION_ERROR: /error/details must NOT have fewer than 1 items (got [])']],
    ['a 429 without Retry-After',
      probs({ method: 'GET', path: '/v1/customers', status: 429, text: '{"error":{"code":"RATE_LIMITED","message":"m"}}' }),
      ['429 without a numeric Retry-After (undefined)']],
    ['a 405 on a path FlexPortal does not define, without a message',
      probs({ method: 'POST', path: '/v1/nothing', status: 405, text: '{"error":{"code":"METHOD_NOT_ALLOWED"}}' }),
      ["/error must have required property 'message'"]],
    ['an HTML 404 for a path nginx resolves out of /v1/ (not a /v1 answer)',
      c.check({ method: 'GET', path: '/v1/..%2fcustomers', status: 404, headers: {}, text: '<html>' }), null],
  ];
  const bad = [];
  for (const [what, got, want] of cases) {
    if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  return bad;
}

// ---- recording (one file per process) ------------------------------------------

const SAMPLES = 3;
const SIGS = 40;
/** key -> {operation, operationId, defined, status, validated, head, failed, sigs: {sig: n}, samples: [...]} */
const results = {};
const internal = [];
let checker = null;

function requestText(method, p, body) {
  let s = `${method} ${p.length > 200 ? p.slice(0, 200) + '…' : p}`;
  if (typeof body === 'string' && body !== '') s += ` body ${body.length > 300 ? body.slice(0, 300) + '…' : body}`;
  else if (body !== undefined && body !== null && body !== '') s += ' body <not a string>';
  return s;
}

/** Checks one answer (if it is a /v1 answer) and records the outcome. body: what was sent. */
export function observe({ method, path: p, status, headers, text, body }) {
  if (!ENABLED) return;
  try {
    checker ??= makeChecker(loadFlexPortal());
    const r = checker.check({ method, path: p, status, headers, text });
    if (!r) return;
    const e = (results[r.key] ??= {
      operation: r.operation, operationId: r.operationId, defined: r.defined, status: r.status,
      validated: 0, head: 0, failed: 0, sigs: {}, samples: [], examples: [],
    });
    const bare = String(p).split('?')[0];
    if (r.operation.endsWith(UNDEFINED_PATH) && e.examples.length < 4 && !e.examples.includes(bare)) e.examples.push(bare);
    if (!r.checked) {
      e.head++;
      return;
    }
    e.validated++;
    if (!r.problems.length) return;
    e.failed++;
    // how many answers had each distinct violation
    for (const sig of new Set(r.problems.map((x) => x.sig))) {
      if (sig in e.sigs || Object.keys(e.sigs).length < SIGS) e.sigs[sig] = (e.sigs[sig] || 0) + 1;
    }
    if (e.samples.length < SAMPLES)
      e.samples.push({
        request: requestText(method, p, body),
        status,
        errors: r.problems.slice(0, 12).map((x) => x.text),
        more: Math.max(0, r.problems.length - 12),
      });
  } catch (err) {
    if (internal.length < 5) internal.push(`${method} ${p}: ${err && err.stack ? err.stack : err}`);
  }
}

/** What this process has recorded (for the exit file and for tests of the harness). */
export const recorded = () => ({ results, internal });

if (ENABLED && !globalThis.__custodianConformance) {
  globalThis.__custodianConformance = true;
  const orig = globalThis.fetch;
  globalThis.fetch = async function conformanceFetch(input, init = {}) {
    const res = await orig(input, init);
    try {
      const url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
      if (isV1(url.pathname)) {
        const method = String(init.method || (typeof input === 'object' && input.method) || 'GET').toUpperCase();
        const text = method === 'HEAD' ? '' : await res.clone().text();
        observe({ method, path: url.pathname + url.search, status: res.status, headers: res.headers, text, body: init.body });
      }
    } catch (err) {
      if (internal.length < 5) internal.push(`fetch hook: ${err && err.stack ? err.stack : err}`);
    }
    return res;
  };
  process.on('exit', () => {
    if (!Object.keys(results).length && !internal.length) return;
    try {
      mkdirSync(DIR, { recursive: true });
      const file = path.join(DIR, `${process.pid}-${randomBytes(4).toString('hex')}.json`);
      writeFileSync(file, JSON.stringify({ argv: process.argv.slice(1), results, internal }));
    } catch (err) {
      process.stderr.write(`conformance: cannot write to ${DIR}: ${err}\n`);
    }
  });
}
