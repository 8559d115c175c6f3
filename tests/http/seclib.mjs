// Helpers for tests/http/security.test.mjs: one HTTP client that records
// every answer (so that the headers of every response can be checked at the
// end), a raw-socket client for paths that fetch() would normalise, the
// checks that decide whether a page renders hostile data escaped, a
// fingerprint of the database, and cursor forging with the real secret.
// Node built-ins only; the SQL, CSRF and key helpers come from lib.mjs and
// apilib.mjs.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { BASE_URL, PASSWORD, sql, attrsOf, decodeEntities, appSecret, appPassword } from './lib.mjs';
import { ROOT } from './apilib.mjs';
// fetch() is checked by the module itself; raw() below hands its /v1 answers to observe().
import { observe } from './conformance.mjs';

// ---- HTTP ---------------------------------------------------------------------

/**
 * Every answer seen, for the checks at the end: {what, status, headers,
 * page (an app HTML page), leak (the body holds the app secret or the
 * database password)}.
 */
export const RESPONSES = [];
const SECRETS = [appSecret(), appPassword()];

const basic = (user) => 'Basic ' + Buffer.from(`${user}:${PASSWORD}`).toString('base64');

function record(what, status, headers, body) {
  RESPONSES.push({
    what, status, headers,
    page: /^text\/html/.test(headers['content-type'] || '') && body.startsWith('<!DOCTYPE html>'),
    leak: SECRETS.some((x) => x && body.includes(x)),
  });
}

/** Headers as a plain object (lower-case names; set-cookie as an array). */
function plainHeaders(h) {
  const out = {};
  for (const [k, v] of h) if (k !== 'set-cookie') out[k] = v;
  out['set-cookie'] = h.getSetCookie ? h.getSetCookie() : [];
  return out;
}

/**
 * One request. who: null (no credentials), a login name (basic auth), or
 * {key, tenant} (bearer key; tenant null = no Tenant-ID). opts: form
 * (object or [[k, v]], urlencoded), json, body, headers, cookie.
 * Returns {status, headers (plain object), text, json, ms}.
 */
export async function http(who, method, pathname, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  if (typeof who === 'string') headers.authorization = basic(who);
  else if (who && who.key !== undefined) {
    headers.authorization = `Bearer ${who.key}`;
    if (who.tenant !== null) headers['tenant-id'] = who.tenant ?? 'northwind';
  }
  if (opts.cookie) headers.cookie = opts.cookie;
  let body = opts.body;
  if (opts.form !== undefined) {
    const p = new URLSearchParams();
    const pairs = Array.isArray(opts.form) ? opts.form : Object.entries(opts.form);
    for (const [k, v] of pairs) {
      if (Array.isArray(v)) for (const x of v) p.append(k, x);
      else if (v !== undefined && v !== null) p.append(k, String(v));
    }
    body = p.toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  if (opts.json !== undefined) {
    body = typeof opts.json === 'string' ? opts.json : JSON.stringify(opts.json);
    headers['content-type'] ??= 'application/json';
  }
  const t0 = performance.now();
  const res = await fetch(BASE_URL + pathname, { method, headers, body, redirect: 'manual' });
  const text = method === 'HEAD' ? '' : await res.text();
  const ms = performance.now() - t0;
  const h = plainHeaders(res.headers);
  record(`${method} ${pathname.length > 160 ? pathname.slice(0, 160) + '…' : pathname}`, res.status, h, text);
  let json;
  if (/^application\/json/.test(h['content-type'] || '')) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, headers: h, text, json, ms };
}

/**
 * A request written byte for byte on a socket (HTTP/1.0, so the answer is
 * neither chunked nor kept alive): the path is sent as given, without the
 * normalisation fetch() applies to "..", "%2e" and backslashes.
 */
export function raw(method, rawPath, { user, headers = {}, body = '' } = {}) {
  const u = new URL(BASE_URL);
  return new Promise((resolve, reject) => {
    const chunks = [];
    const s = net.connect(Number(u.port), u.hostname, () => {
      let head = `${method} ${rawPath} HTTP/1.0\r\nHost: ${u.host}\r\n`;
      if (user) head += `Authorization: ${basic(user)}\r\n`;
      for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
      if (body) head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
      s.write(head + '\r\n' + body);
    });
    s.setTimeout(15000, () => s.destroy(new Error(`raw ${method} ${rawPath}: timeout`)));
    s.on('data', (c) => chunks.push(c));
    s.on('error', reject);
    s.on('close', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const split = all.indexOf('\r\n\r\n');
      const head = split < 0 ? all : all.slice(0, split);
      const text = split < 0 ? '' : all.slice(split + 4);
      const lines = head.split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] || '');
      if (!m) return reject(new Error(`raw ${method} ${rawPath}: no status line in ${JSON.stringify(all.slice(0, 200))}`));
      const h = { 'set-cookie': [] };
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i < 0) continue;
        const k = l.slice(0, i).trim().toLowerCase();
        const v = l.slice(i + 1).trim();
        if (k === 'set-cookie') h[k].push(v);
        else h[k] = h[k] === undefined ? v : `${h[k]}, ${v}`;
      }
      const status = Number(m[1]);
      record(`raw ${method} ${rawPath}`, status, h, text);
      observe({ method, path: rawPath, status, headers: h, text: method === 'HEAD' ? '' : text, body });
      resolve({ status, headers: h, text });
    });
  });
}

// ---- what a safe page looks like --------------------------------------------------

/** ctemplate's HTML escaping (what the templates' auto-escape does to text and attribute values). */
export function ctEscape(s) {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/[\r\n\t\v\f]/g, ' ');
}

/**
 * True when a value could change markup if it were printed as is. ("&"
 * alone cannot: a value such as "&lt;b&gt;" printed raw would read wrong,
 * which assertShown catches, and its raw text is also the escaped form of
 * other data on the same page.)
 */
export const hasMarkup = (v) => /[<>"']/.test(String(v));

/**
 * The element and attribute names the templates themselves use: tags and
 * attrs those of the HTML, svgTags and svgAttrs (tag -> its attributes) those
 * met inside an <svg> element (templates/chart.tpl), the <svg> itself
 * included. An SVG element's attributes (viewBox, x, y, width, text-anchor...)
 * are allowed on that SVG element only, not on any HTML element of the page.
 */
function templateVocabulary() {
  const dir = path.join(ROOT, 'templates');
  const tags = new Set();
  const attrs = new Set();
  const svgTags = new Set();
  const svgAttrs = new Map();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.tpl'))) {
    const src = readFileSync(path.join(dir, f), 'utf8').replace(/\{\{![\s\S]*?\}\}/g, '');
    // markers become neutral text so that the tags around them parse
    const plain = src.replace(/\{\{[\s\S]*?\}\}/g, ' ');
    let svg = 0; // the depth of <svg> elements
    for (const m of plain.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g)) {
      const tag = m[2].toLowerCase();
      if (m[1]) {
        (svg > 0 ? svgTags : tags).add(tag);
        if (tag === 'svg' && svg > 0) svg--;
        continue;
      }
      const inSvg = svg > 0 || tag === 'svg';
      if (tag === 'svg') svg++;
      (inSvg ? svgTags : tags).add(tag);
      if (inSvg && !svgAttrs.has(tag)) svgAttrs.set(tag, new Set());
      for (const a of Object.keys(attrsOf(`<${m[2]}${m[3]}>`))) (inSvg ? svgAttrs.get(tag) : attrs).add(a);
    }
  }
  return { tags, attrs, svgTags, svgAttrs };
}

export const VOCABULARY = templateVocabulary();
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'data', 'poster', 'background', 'cite', 'xlink:href']);

/**
 * The structure of an app HTML page is the templates' own: only elements
 * and attributes the templates use, no event handler attribute, one script
 * element (the same-origin app.js), no comment or CDATA from data, and every
 * URL attribute a same-origin path or fragment. Returns the number of tags seen.
 */
export function assertSafeHtml(html, what) {
  assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/, `${what}: an app page`);
  const rest = html.replace(/^<!DOCTYPE html>/, '');
  assert.ok(!/<!(?!DOCTYPE)/i.test(rest), `${what}: a comment, CDATA or declaration in the page`);
  assert.ok(!/<\?/.test(rest), `${what}: a processing instruction in the page`);
  const scripts = rest.match(/<script\b[^>]*>/gi) || [];
  assert.deepEqual(scripts, ['<script src="/static/app.js" defer>'], `${what}: the only script is /static/app.js`);
  let n = 0;
  let svg = 0; // the depth of <svg> elements: inside one, the SVG vocabulary of the templates
  for (const m of rest.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)(>|$)/g)) {
    n++;
    const tag = m[2].toLowerCase();
    const inSvg = svg > 0 || (tag === 'svg' && !m[1]);
    assert.ok((inSvg ? VOCABULARY.svgTags : VOCABULARY.tags).has(tag),
      `${what}: <${m[1]}${tag}> is no ${inSvg ? 'SVG ' : ''}element of the templates${inSvg ? ' inside an <svg>' : ''} (markup from data?): ${m[0].slice(0, 120)}`);
    if (m[1]) {
      if (tag === 'svg') svg--;
      continue;
    }
    if (tag === 'svg') svg++;
    assert.ok(m[4] === '>', `${what}: an unterminated tag ${m[0].slice(0, 80)}`);
    const allowed = inSvg ? VOCABULARY.svgAttrs.get(tag) : VOCABULARY.attrs;
    const attrs = attrsOf(`<${m[2]}${m[3]}>`);
    for (const [name, value] of Object.entries(attrs)) {
      assert.ok(!/^on/i.test(name), `${what}: event handler attribute ${name}= in ${m[0].slice(0, 120)}`);
      assert.ok(allowed.has(name), `${what}: attribute ${name}= is none of the templates' on <${tag}> (attribute break-out?) in ${m[0].slice(0, 160)}`);
      if (name === 'style') assert.fail(`${what}: style attribute`);
      if (URL_ATTRS.has(name)) {
        const v = value.replace(/[\s\u0000-\u001f]/g, '');
        assert.ok(/^(\/(?![/\\])|#|\?)/.test(v) || v === '', `${what}: ${name}="${value}" is not a same-origin path`);
        assert.ok(!/^[a-z][a-z0-9+.-]*:/i.test(v), `${what}: ${name}="${value}" has a scheme`);
      }
      if (tag === 'meta' && name === 'content' && /refresh/i.test(attrs['http-equiv'] || attrs.name || ''))
        assert.match(value, /^\d+$/, `${what}: a refresh that goes elsewhere`);
    }
  }
  return n;
}

/**
 * None of the values that hold markup characters is in html unescaped
 * (values under 6 characters, such as a 2-letter country cut from a
 * payload, occur in any markup and are left to assertSafeHtml).
 */
export function assertNotRaw(html, values, what) {
  for (const v of values) {
    if (v == null || !hasMarkup(v) || [...String(v)].length < 6) continue;
    assert.ok(!html.includes(v), `${what}: ${JSON.stringify(v)} appears unescaped`);
  }
}

/** Each value is shown, escaped exactly as the auto-escape does it. */
export function assertShown(html, values, what) {
  for (const v of values) {
    if (v == null || v === '') continue;
    assert.ok(html.includes(ctEscape(v)), `${what}: ${JSON.stringify(v)} is not shown (escaped as ${JSON.stringify(ctEscape(v))})`);
  }
}

/** The decoded value of the first <input> (or <textarea>) with this id or name. */
export function inputValue(html, name) {
  for (const m of html.matchAll(/<input\b((?:[^>"']|"[^"]*"|'[^']*')*)>/g)) {
    const a = attrsOf(`<input${m[1]}>`);
    if (a.id === name || a.name === name) return a.value ?? '';
  }
  const t = new RegExp(`<textarea\\b[^>]*\\b(?:id|name)="${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  return t ? decodeEntities(t[1]) : null;
}

// ---- headers --------------------------------------------------------------------------

/** CSP directives as {name: [values]}. */
export function cspDirectives(csp) {
  return Object.fromEntries(
    String(csp)
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...vals] = d.split(/\s+/);
        return [name.toLowerCase(), vals];
      }),
  );
}

/** The headers every answer must carry. Returns a list of problems. */
export function headerProblems(r) {
  const p = [];
  const h = r.headers;
  const csp = h['content-security-policy'];
  if (!csp) p.push('no Content-Security-Policy');
  else {
    const d = cspDirectives(csp);
    const scripts = d['script-src'] ?? d['default-src'];
    if (!scripts) p.push(`CSP without script-src or default-src: ${csp}`);
    else {
      for (const bad of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:'])
        if (scripts.includes(bad)) p.push(`CSP script-src allows ${bad}: ${csp}`);
    }
    const frames = d['frame-ancestors'];
    if (frames && !(frames.length === 1 && frames[0] === "'none'")) p.push(`CSP frame-ancestors ${frames.join(' ')}`);
  }
  if (h['x-frame-options'] !== 'DENY') p.push(`X-Frame-Options ${h['x-frame-options']}`);
  if (h['x-content-type-options'] !== 'nosniff') p.push(`X-Content-Type-Options ${h['x-content-type-options']}`);
  // no cross-origin read grant (the API's keys are for scripts, not for other sites' pages)
  if (h['access-control-allow-origin']) p.push(`Access-Control-Allow-Origin ${h['access-control-allow-origin']}`);
  if (/\d/.test(h.server || '')) p.push(`Server header discloses a version: ${h.server}`);
  for (const c of h['set-cookie'] || []) {
    const parts = c.split(';').map((x) => x.trim().toLowerCase());
    if (!parts.includes('httponly')) p.push(`cookie without HttpOnly: ${c}`);
    if (!parts.includes('samesite=strict')) p.push(`cookie without SameSite=Strict: ${c}`);
    if (!parts.includes('path=/')) p.push(`cookie without Path=/: ${c}`);
  }
  return p;
}

export const noStore = (r) => /(^|,\s*)no-store(\s*,|$)/.test(r.headers['cache-control'] || '');

// ---- the database ---------------------------------------------------------------------------

const CHECKSUMMED = ['tenants', 'operators', 'customers', 'customer_counts', 'addresses', 'orders', 'order_items', 'assets', 'customer_notes',
  'subscriptions', 'payments', 'bulk_runs', 'bulk_items', 'audit_log'];

/**
 * A fingerprint of the whole database: the list of tables, triggers and
 * accounts, CHECKSUM TABLE and row count of every business table, and the
 * API keys without their rate-limit counters (every API call moves those).
 * except: tables left out.
 */
export function fingerprint(except = []) {
  const tables = CHECKSUMMED.filter((t) => !except.includes(t));
  const out = {};
  out.tables = sql("SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'custodian'")[0][0];
  out.triggers = sql("SELECT GROUP_CONCAT(trigger_name ORDER BY trigger_name) FROM information_schema.triggers WHERE trigger_schema = 'custodian'")[0][0];
  out.accounts = sql("SELECT GROUP_CONCAT(CONCAT(user, '@', host) ORDER BY user, host) FROM mysql.user")[0][0];
  for (const [t, sum] of sql(`CHECKSUM TABLE ${tables.join(', ')}`)) out[t.replace(/^custodian\./, '')] = sum;
  for (const t of tables) out[`${t}.rows`] = sql(`SELECT COUNT(*) FROM ${t}`)[0][0];
  out.api_keys = sql(`SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('|', id, tenant_id, role, label, HEX(key_hash),
                        COALESCE(revoked_at, ''), COALESCE(rate_limit, '')))), 0) FROM api_keys`)[0].join('/');
  return out;
}

// ---- cursors ----------------------------------------------------------------------------------

const b64url = (buf) => Buffer.from(buf).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * A cursor made as src/util/cursor.c makes it: base64url("id:key") "."
 * base64url(first 12 bytes of HMAC-SHA-256 over "cursor\0scope\0id:key\0").
 * With secret = the real one it is a cursor the app accepts.
 */
export function forgeCursor(scope, id, key, secret = appSecret()) {
  const payload = `${id}:${key}`;
  const mac = createHmac('sha256', secret);
  for (const part of ['cursor', scope, payload]) {
    mac.update(Buffer.from(part, 'utf8'));
    mac.update(Buffer.from([0]));
  }
  return `${b64url(Buffer.from(payload, 'utf8'))}.${b64url(mac.digest().subarray(0, 12))}`;
}

// ---- misc ---------------------------------------------------------------------------------------

/**
 * The src/route.c table: [{pattern, name, area, arg, methods: Set('GET', 'HEAD', ...),
 * read, write}], read and write being the least role for GET and HEAD and for the
 * writes ('ROLE_VIEWER' and 'ROLE_OPERATOR' for STAFF routes).
 */
export function routeTable() {
  const src = readFileSync(path.join(ROOT, 'src', 'route.c'), 'utf8');
  const out = [];
  for (const m of src.matchAll(/\{\s*"(\/[^"]*)"\s*,\s*"([^"]*)"\s*,\s*(AREA_\w+)\s*,\s*(ARG_\w+)\s*,\s*\{((?:[^{}]|\{[^{}]*\})*)\}/g)) {
    const methods = new Set();
    if (/\bGET\(/.test(m[5])) methods.add('GET').add('HEAD');
    for (const x of m[5].matchAll(/\[METHOD_(\w+)\]/g)) methods.add(x[1]);
    // the rest of the entry, up to the next one
    const rest = src.slice(m.index + m[0].length).split(/\[PAGE_\w+\]\s*=/)[0];
    const read = /\.read\s*=\s*(ROLE_\w+)/.exec(rest)?.[1] ?? 'ROLE_VIEWER';
    const write = /\.write\s*=\s*(ROLE_\w+)/.exec(rest)?.[1] ?? 'ROLE_OPERATOR';
    out.push({ pattern: m[1], name: m[2], area: m[3], arg: m[4], methods, read, write });
  }
  return out;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
