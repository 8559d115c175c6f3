// Helpers for tests/http/api.test.mjs and tests/http/bulk.test.mjs: HTTP
// against nginx (pages with basic auth, the JSON API with bearer keys), root
// SQL against the test database, customers made for one test, API keys made
// with custodian-keys, and small HTML/CSV/OpenAPI readers. Node built-ins only (conformance.mjs
// loads ajv only when CONFORMANCE_DIR is set).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
// Every fetch to /v1 is checked against FlexPortal's schemas when CONFORMANCE_DIR is set.
import './conformance.mjs';
import { completeOrder } from '../sql.mjs';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests through scripts/check`);
  return v;
}

export const BASE_URL = need('BASE_URL').replace(/\/$/, '');
export const DB_SOCK = need('DB_SOCK');
export const CONF_DIR = need('CONF_DIR');
export const BUILD = need('BUILD');
export const DEMO_PASSWORD = process.env.DEMO_PASSWORD || 'custodian';
export const API_KEY = process.env.API_KEY || '';
export const ROOT =
  process.env.ROOT || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** 10 random hex characters, for unique public ids, e-mails and labels. */
export function uid(bytes = 5) {
  return randomBytes(bytes).toString('hex');
}

// ---- SQL (root, the test database) -------------------------------------------

function unescapeField(s) {
  if (s === 'NULL') return null;
  return s.replace(/\\(.)/g, (_, c) => ({ n: '\n', t: '\t', 0: '\0', '\\': '\\' })[c] ?? c);
}

/** Runs SQL as root; returns the rows of the last result sets as arrays of strings (NULL → null). */
export function sql(query) {
  const out = execFileSync(
    'mariadb',
    ['--no-defaults', '--default-character-set=utf8mb4', '-S', DB_SOCK, '-u', 'root',
      'custodian', '-N', '-B', '-e', query],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t').map(unescapeField));
}

/** The first column of the first row (or null). */
export function sqlOne(query) {
  const rows = sql(query);
  return rows.length ? rows[0][0] : null;
}

/** A SQL string literal (or NULL). */
export function q(v) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return String(v);
  return `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * Creates a customer in the database (through the triggers, like any write)
 * and optionally the records that block a deactivation. Returns
 * { id, pid, email, sub, order, asset } with the blockers' public ids.
 */
export function makeCustomer(o = {}) {
  const u = uid();
  const pid = o.pid || `cus_b${u}`;
  const tenant = o.tenant || 1;
  const email = o.email || `t.${u}@${o.domain || 'apitest.invalid'}`;
  const created = o.created || '2025-06-01 10:00:00';
  const inactive = o.status === 'inactive';
  const rows = sql(
    `INSERT INTO customers (public_id, tenant_id, email, first_name, last_name, customer_type,
       company, phone, status, created_at, updated_at, deactivated_at, deactivated_by,
       deactivation_reason)
     VALUES (${q(pid)}, ${tenant}, ${q(email)}, ${q(o.first ?? 'Test')}, ${q(o.last ?? `T${u}`)},
       ${q(o.type || 'individual')}, ${q(o.company ?? null)}, ${q(o.phone ?? null)},
       ${q(inactive ? 'inactive' : 'active')}, ${q(created)}, ${q(created)},
       ${inactive ? 'UTC_TIMESTAMP()' : 'NULL'}, ${inactive ? "'admin'" : 'NULL'},
       ${inactive ? "'data_cleanup'" : 'NULL'});
     SELECT LAST_INSERT_ID();`,
  );
  const id = rows[0][0];
  const c = { id, pid, email, tenant };
  addBlockers(c, o);
  return c;
}

/** Polls a bulk run's row until the job workers have finished it. */
export async function waitRunDone(run, timeoutMs = 30000) {
  const t0 = Date.now();
  for (;;) {
    if (sqlOne(`SELECT status FROM bulk_runs WHERE public_id = ${q(run)}`) === 'done') return;
    if (Date.now() - t0 >= timeoutMs) throw new Error(`run ${run} not done after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Adds blockers to a customer made by makeCustomer: { subscription, pendingOrder, device } (counts or true). */
export function addBlockers(c, o = {}) {
  const n = (v) => (v === true ? 1 : v || 0);
  const stmts = [];
  c.subs = c.subs || [];
  c.orders = c.orders || [];
  c.assets = c.assets || [];
  for (let i = 0; i < n(o.subscription); i++) {
    const s = `sub_b${uid()}`;
    c.subs.push(s);
    stmts.push(`INSERT INTO subscriptions (public_id, tenant_id, customer_id, status, monthly_amount,
        start_date, created_at) VALUES (${q(s)}, ${c.tenant}, ${c.id}, 'active', 19.00,
        UTC_DATE(), UTC_TIMESTAMP())`);
  }
  for (let i = 0; i < n(o.pendingOrder); i++) {
    const s = `ord_b${uid()}`;
    c.orders.push(s);
    stmts.push(`INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency,
        created_at) VALUES (${q(s)}, ${c.tenant}, ${c.id}, ${q(o.orderStatus || 'pending')},
        25.00, 'EUR', UTC_TIMESTAMP())`);
    stmts.push(`INSERT INTO order_items (order_id, sku, product_name, quantity, unit_price, contract_length)
        VALUES (LAST_INSERT_ID(), 'T-1', 'Test device', 1, 25.00, 12)`);
    stmts.push(completeOrder(`(SELECT id FROM orders WHERE public_id = ${q(s)})`));
  }
  for (let i = 0; i < n(o.device); i++) {
    const s = `SN-B${uid().toUpperCase()}`;
    c.assets.push(s);
    stmts.push(`INSERT INTO assets (serial_number, tenant_id, sku, product_name, status,
        customer_id, acquisition_cost) VALUES (${q(s)}, ${c.tenant}, 'T-1', 'Test device',
        'rented_out', ${c.id}, 500.00)`);
  }
  if (stmts.length) sql(stmts.join(';\n'));
  return c;
}

/** status of a customer by public id. */
export function statusOf(pid) {
  return sqlOne(`SELECT status FROM customers WHERE public_id = ${q(pid)}`);
}

// ---- HTTP ------------------------------------------------------------------------

export function basicAuth(user) {
  return 'Basic ' + Buffer.from(`${user}:${DEMO_PASSWORD}`).toString('base64');
}

/** application/x-www-form-urlencoded from an object (array values repeat) or [k, v] pairs. */
export function formBody(form) {
  const p = new URLSearchParams();
  const pairs = Array.isArray(form) ? form : Object.entries(form);
  for (const [k, v] of pairs) {
    if (Array.isArray(v)) for (const x of v) p.append(k, x);
    else if (v !== undefined && v !== null) p.append(k, v);
  }
  return p.toString();
}

/** A page request as a demo user (no redirects followed). */
export async function page(pathname, o = {}) {
  const headers = { ...(o.user === null ? {} : { Authorization: basicAuth(o.user || 'admin') }) };
  let body = o.body;
  if (o.form) {
    body = formBody(o.form);
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  if (o.cookie) headers.Cookie = o.cookie;
  Object.assign(headers, o.headers || {});
  const res = await fetch(BASE_URL + pathname, {
    method: o.method || (body !== undefined ? 'POST' : 'GET'),
    headers,
    body,
    redirect: 'manual',
  });
  const buf = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, text: buf.toString('utf8'), buf };
}

/** A JSON API call. o.key (default API_KEY; null = none), o.tenant (default northwind; null = none). */
export async function api(pathname, o = {}) {
  const headers = {};
  const key = o.key === undefined ? API_KEY : o.key;
  if (key !== null) headers.Authorization = `Bearer ${key}`;
  const tenant = o.tenant === undefined ? 'northwind' : o.tenant;
  if (tenant !== null) headers['Tenant-ID'] = tenant;
  let body = o.body;
  if (o.json !== undefined) {
    body = JSON.stringify(o.json);
    headers['Content-Type'] = 'application/json';
  }
  Object.assign(headers, o.headers || {});
  const res = await fetch(BASE_URL + pathname, {
    method: o.method || 'GET',
    headers,
    body,
    redirect: 'manual',
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// ---- API keys (custodian-keys) -------------------------------------------------------

/** Creates a key; returns { key, id, label }. */
export function createKey({ tenant = 'northwind', role = 'admin', label, rateLimit } = {}) {
  label = label || `apitest-${role}-${uid()}`;
  const args = ['--config', path.join(CONF_DIR, 'custodian.conf'), 'create', '--tenant', tenant,
    '--role', role, '--label', label];
  if (rateLimit) args.push('--rate-limit', String(rateLimit));
  const r = spawnSync(path.join(BUILD, 'custodian-keys'), args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`custodian-keys create failed: ${r.stderr}`);
  const key = r.stdout.trim();
  const m = /created key (\d+)/.exec(r.stderr);
  const id = m ? m[1] : sqlOne(`SELECT MAX(id) FROM api_keys WHERE label = ${q(label)}`);
  return { key, id, label };
}

export function revokeKey(id) {
  const r = spawnSync(path.join(BUILD, 'custodian-keys'),
    ['--config', path.join(CONF_DIR, 'custodian.conf'), 'revoke', String(id)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`custodian-keys revoke failed: ${r.stderr}`);
}

// ---- HTML ------------------------------------------------------------------------------

export function decodeEntities(s) {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function textOf(html) {
  return decodeEntities(html.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();
}

/** Text of the element with this id (first closing tag ends it: use on leaf elements). */
export function byId(html, id) {
  const m = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  return m ? textOf(m[1]) : null;
}

/** The text of the element with this id up to its closing tag (for elements with children). */
export function blockById(html, id, tag) {
  const m = new RegExp(`<${tag}[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</${tag}>`).exec(html);
  return m ? textOf(m[1]) : null;
}

/** The body rows of every table in html, each as the list of its cells' text. */
export function tableRows(html) {
  const rows = [];
  for (const tb of html.matchAll(/<tbody[^>]*>([\s\S]*?)<\/tbody>/g))
    for (const tr of tb[1].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g))
      rows.push([...tr[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((td) => textOf(td[1])));
  return rows;
}

/** True when the page asks to be fetched again (meta refresh, or the app's live-update marker). */
export function refreshes(html) {
  return /<meta (http-equiv="refresh"|name="custodian-refresh") content="\d+">/.test(html);
}

/** The hidden inputs of the first form posting to action, as an object. */
export function hiddenFields(html, action) {
  const m = new RegExp(`<form[^>]*action="${action}"[^>]*>([\\s\\S]*?)</form>`).exec(html);
  if (!m) return null;
  const out = {};
  for (const i of m[1].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    out[i[1]] = decodeEntities(i[2]);
  return out;
}

/** The error page's code and message. */
export function errorOf(html) {
  const code = /<p class="error-code"><code>([^<]*)<\/code><\/p>\s*<p>([\s\S]*?)<\/p>/.exec(html);
  return code ? { code: decodeEntities(code[1]), message: textOf(code[2]) } : null;
}

/** Rows of the bulk preview table. */
export function previewRows(html) {
  const t = /<table class="list" id="preview">([\s\S]*?)<\/table>/.exec(html);
  if (!t) return [];
  const rows = [];
  for (const m of t[1].matchAll(/<tr class="row-([a-z-]+)">([\s\S]*?)<\/tr>/g)) {
    const tds = [...m[2].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((x) => x[1]);
    const sel = /name="select" value="([^"]*)"/.exec(tds[0]);
    const cust = /<a href="\/customers\/([^"]+)"><code>/.exec(tds[3] || '');
    const badge = /<span class="badge[^"]*">([\s\S]*?)<\/span>\s*<span class="sub">([\s\S]*?)<\/span>/.exec(tds[4] || '');
    rows.push({
      state: m[1],
      select: sel ? decodeEntities(sel[1]) : null,
      line: textOf(tds[1] || ''),
      input: textOf(tds[2] || ''),
      customer: cust ? decodeEntities(cust[1]) : null,
      outcome: badge ? textOf(badge[1]) : null,
      note: badge ? textOf(badge[2]) : null,
    });
  }
  return rows;
}

/** The totals <dl> of the bulk preview: { label or code: number }. */
export function previewTotals(html) {
  const m = /<dl class="facts totals">([\s\S]*?)<\/dl>/.exec(html);
  const out = {};
  if (!m) return out;
  for (const x of m[1].matchAll(/<dt>([\s\S]*?)<\/dt><dd[^>]*>([\s\S]*?)<\/dd>/g))
    out[textOf(x[1])] = Number(textOf(x[2]).replace(/,/g, ''));
  return out;
}

// ---- CSV (RFC 4180) ----------------------------------------------------------------------

/**
 * Parses RFC 4180 text strictly: records end with CRLF, fields with a
 * quote, comma or line break are quoted, quotes inside are doubled.
 * Throws on anything else.
 */
export function parseCsv(text) {
  const records = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const rec = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw new Error('unterminated quoted field');
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
            } else {
              i++;
              break;
            }
          } else field += text[i++];
        }
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
          if (text[i] === '"') throw new Error(`bare quote at ${i}`);
          field += text[i++];
        }
      }
      rec.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r' && text[i + 1] === '\n') {
        i += 2;
        break;
      }
      throw new Error(`expected , or CRLF at ${i}, found ${JSON.stringify(text.slice(i, i + 10))}`);
    }
    records.push(rec);
  }
  return records;
}

// ---- OpenAPI: a small validator for the schemas of docs/openapi.json --------------------

export function resolveRef(doc, s) {
  while (s && s.$ref) {
    const parts = s.$ref.replace(/^#\//, '').split('/');
    s = parts.reduce((o, k) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    if (!s) throw new Error('unresolvable $ref');
  }
  return s;
}

/** Every property a schema declares (through $ref and allOf). */
export function declaredProperties(doc, schema) {
  const s = resolveRef(doc, schema);
  const props = { ...(s.properties || {}) };
  for (const part of s.allOf || []) Object.assign(props, declaredProperties(doc, part));
  return props;
}

function requiredOf(doc, schema) {
  const s = resolveRef(doc, schema);
  let req = [...(s.required || [])];
  for (const part of s.allOf || []) req = req.concat(requiredOf(doc, part));
  return req;
}

/** Validates value against an OpenAPI 3.0 schema; returns a list of problems ([] when valid). */
export function validate(doc, schema, value, where = '$') {
  const s = resolveRef(doc, schema);
  const errs = [];
  if (value === null) {
    if (!s.nullable) errs.push(`${where}: null but not nullable`);
    return errs;
  }
  if (s.anyOf) {
    const each = s.anyOf.map((part) => validate(doc, part, value, where));
    if (each.some((e) => e.length === 0)) return [];
    errs.push(`${where}: matches none of anyOf (${each.map((e) => e[0]).join(' | ')})`);
    return errs;
  }
  if (s.allOf) {
    for (const part of s.allOf) errs.push(...validate(doc, { ...resolveRef(doc, part), additionalProperties: true }, value, where));
    if (s.additionalProperties === false || s.allOf.some((p) => resolveRef(doc, p).additionalProperties === false)) {
      const props = declaredProperties(doc, s);
      for (const k of Object.keys(value)) if (!(k in props)) errs.push(`${where}.${k}: not declared`);
    }
    return errs;
  }
  const type = s.type;
  const isType = {
    object: (v) => typeof v === 'object' && !Array.isArray(v),
    array: Array.isArray,
    string: (v) => typeof v === 'string',
    integer: Number.isInteger,
    number: (v) => typeof v === 'number',
    boolean: (v) => typeof v === 'boolean',
  };
  if (type && !isType[type](value)) {
    errs.push(`${where}: expected ${type}, got ${JSON.stringify(value)}`);
    return errs;
  }
  if (s.enum && !s.enum.includes(value)) errs.push(`${where}: ${JSON.stringify(value)} not in enum`);
  if (type === 'string') {
    if (s.format === 'date-time' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value))
      errs.push(`${where}: not an ISO 8601 date-time: ${value}`);
    if (s.pattern && !new RegExp(s.pattern).test(value)) errs.push(`${where}: does not match ${s.pattern}`);
    if (s.maxLength !== undefined && [...value].length > s.maxLength) errs.push(`${where}: too long`);
    if (s.minLength !== undefined && [...value].length < s.minLength) errs.push(`${where}: too short`);
  }
  if ((type === 'integer' || type === 'number')) {
    if (s.minimum !== undefined && value < s.minimum) errs.push(`${where}: below minimum`);
    if (s.maximum !== undefined && value > s.maximum) errs.push(`${where}: above maximum`);
  }
  if (type === 'array' && s.items) value.forEach((v, i) => errs.push(...validate(doc, s.items, v, `${where}[${i}]`)));
  if (type === 'object') {
    const props = s.properties || {};
    for (const r of requiredOf(doc, s)) if (!(r in value)) errs.push(`${where}.${r}: required but missing`);
    for (const [k, v] of Object.entries(value)) {
      if (k in props) errs.push(...validate(doc, props[k], v, `${where}.${k}`));
      else if (s.additionalProperties === false) errs.push(`${where}.${k}: not declared`);
      else if (typeof s.additionalProperties === 'object') errs.push(...validate(doc, s.additionalProperties, v, `${where}.${k}`));
    }
  }
  return errs;
}
