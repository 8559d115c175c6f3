// Shared helpers for the HTTP integration tests (tests/http/*.test.mjs).
//
// scripts/check starts MariaDB, the app and nginx and passes:
//   BASE_URL       http://127.0.0.1:<port>
//   DB_SOCK        MariaDB socket (root, no password)
//   CONF_DIR       app-secret (HMAC secret), db-password (app account), htpasswd
//   DEMO_PASSWORD  basic-auth password of admin, operator, viewer, globex
//
// Only Node built-ins are used (conformance.mjs loads ajv only when
// CONFORMANCE_DIR is set).
import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { completeOrder, lit, parseBatch, sql, sqlValue } from '../sql.mjs';
// Every fetch to /v1 is checked against FlexPortal's schemas when CONFORMANCE_DIR is set.
import './conformance.mjs';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests through scripts/check`);
  return v;
}

export const BASE_URL = need('BASE_URL').replace(/\/$/, '');
export const DB_SOCK = need('DB_SOCK');
export const CONF_DIR = need('CONF_DIR');
export const PASSWORD = process.env.DEMO_PASSWORD || 'custodian';

/** The logins of the demo: tenant 1 (northwind) and tenant 2 (globex). */
export const USERS = ['admin', 'operator', 'viewer', 'globex'];

// ---- HTTP -----------------------------------------------------------------

function basic(user, password = PASSWORD) {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

function formBody(form) {
  if (typeof form === 'string') return form;
  const p = new URLSearchParams();
  const pairs = Array.isArray(form) ? form : Object.entries(form);
  for (const [k, v] of pairs) if (v !== undefined && v !== null) p.append(k, String(v));
  return p.toString();
}

/**
 * One request. user: a login name, or null for no credentials. Redirects
 * are not followed. Returns {status, headers, text, requestId}.
 *   opts.form     object / [[k, v]] / string: sent urlencoded
 *   opts.body     raw body (with opts.headers['content-type'])
 *   opts.password another password for user
 *   opts.cookie   a Cookie header
 */
export async function request(user, method, path, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  if (user) headers.authorization = basic(user, opts.password);
  if (opts.cookie) headers.cookie = opts.cookie;
  let body = opts.body;
  if (opts.form !== undefined) {
    body = formBody(opts.form);
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  const res = await fetch(BASE_URL + path, { method, headers, body, redirect: 'manual' });
  const text = method === 'HEAD' ? '' : await res.text();
  return { status: res.status, headers: res.headers, text, requestId: res.headers.get('x-request-id') };
}

export const get = (user, path, opts) => request(user, 'GET', path, opts);
export const post = (user, path, form, opts = {}) => request(user, 'POST', path, { ...opts, form });

/** The flash cookie a response sets ("flash=<code>"), or null. */
export function flashCookie(res) {
  const all = res.headers.getSetCookie ? res.headers.getSetCookie() : [res.headers.get('set-cookie')];
  for (const c of all) {
    const m = /^flash=([^;]*)/.exec(c || '');
    if (m && m[1]) return { code: m[1], header: c };
  }
  return null;
}

// ---- HTML -----------------------------------------------------------------

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return String.fromCodePoint(cp);
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Visible text of an HTML fragment: tags removed, entities decoded, spaces collapsed. */
export function textOf(html) {
  return decodeEntities(html.replace(/<script[\s\S]*?<\/script>/gi, ' ').replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The attributes of one start tag's source ("<a href=.. rel=..>"). */
export function attrsOf(tag) {
  const out = {};
  const re = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  const inner = tag.replace(/^<\s*[a-zA-Z0-9]+/, '').replace(/\/?>$/, '');
  let m;
  while ((m = re.exec(inner))) out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  return out;
}

/** Every <a> with its decoded href, rel and text. */
export function links(html) {
  const out = [];
  const re = /<a\b([^>]*)>([\s\S]*?)<\/a>/gi;
  let m;
  while ((m = re.exec(html))) {
    const a = attrsOf('<a' + m[1] + '>');
    out.push({ href: a.href, rel: a.rel, text: textOf(m[2]), attrs: a });
  }
  return out;
}

/** The href of the link with rel="next", or null. */
export function nextHref(html) {
  const l = links(html).filter((x) => (x.rel || '').split(/\s+/).includes('next'));
  if (l.length > 1) throw new Error('more than one rel="next" link');
  return l.length ? l[0].href : null;
}

/** The part of html between the first start and the matching end marker. */
export function between(html, start, end) {
  const i = html.indexOf(start);
  if (i < 0) return null;
  const j = html.indexOf(end, i + start.length);
  return j < 0 ? null : html.slice(i, j + end.length);
}

/** The <main> of a page. */
export function mainOf(html) {
  return between(html, '<main', '</main>') ?? '';
}

/** The hidden CSRF input of a form page. */
export function csrfFrom(html) {
  const tags = html.match(/<input\b[^>]*>/gi) || [];
  const found = tags.map(attrsOf).filter((a) => a.name === 'csrf' && a.type === 'hidden');
  if (found.length === 0) throw new Error('no hidden csrf input on the page');
  return found[0].value;
}

/** The error code of an error page (<p class="error-code"><code>X</code>). */
export function errorCode(html) {
  const m = /<p class="error-code"><code>([^<]*)<\/code><\/p>/.exec(html);
  return m ? decodeEntities(m[1]) : null;
}

/** The customer ids of the rows of a customer list page, in order. */
export function listIds(html) {
  const body = between(html, '<tbody>', '</tbody>');
  if (body == null) return [];
  return [...body.matchAll(/<code class="id">(cus_[A-Za-z0-9_]+)<\/code>/g)].map((m) => m[1]);
}

/** The rows (<tr>…</tr>) of the first <tbody> of html, as arrays of cell HTML. */
export function tableRows(html) {
  const body = between(html, '<tbody>', '</tbody>');
  if (body == null) return [];
  return [...body.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<t[dh]\b[^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]),
  );
}

/** "€1,234.56" -> 123456 (cents); "1,234" -> 1234. */
export function parseMoneyCents(s) {
  const m = /(-?)[^\d-]*([\d,]+)\.(\d\d)/.exec(s);
  if (!m) throw new Error(`not an amount: ${s}`);
  return (m[1] ? -1 : 1) * (parseInt(m[2].replace(/,/g, ''), 10) * 100 + parseInt(m[3], 10));
}

export function parseCount(s) {
  const t = String(s).trim();
  if (!/^[\d,]+$/.test(t)) throw new Error(`not a count: ${s}`);
  return parseInt(t.replace(/,/g, ''), 10);
}

/** A money amount as the app prints it for EUR: 1234.5 -> "€1,234.50". */
export function euros(amount) {
  const cents = Math.round(Number(amount) * 100);
  const whole = Math.floor(Math.abs(cents) / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${cents < 0 ? '-' : ''}€${whole}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
}

/** The <dd> after a <dt> with this text, as text. */
export function definition(html, term) {
  const re = /<dt>([\s\S]*?)<\/dt>\s*<dd\b[^>]*>([\s\S]*?)<\/dd>/g;
  let m;
  while ((m = re.exec(html))) if (textOf(m[1]) === term) return textOf(m[2]);
  return null;
}

// ---- SQL ------------------------------------------------------------------

export { lit, sql, sqlValue };

export function appPassword() {
  return readFileSync(join(CONF_DIR, 'db-password'), 'utf8').split('\n')[0];
}

/** Runs SQL as the application's account (custodian_app); never throws. */
export function sqlAsApp(query) {
  const r = spawnSync(
    'mariadb',
    ['--no-defaults', '--default-character-set=utf8mb4', '-S', DB_SOCK, '-u', 'custodian_app', 'custodian', '-N', '-B', '-e', query],
    { encoding: 'utf8', env: { ...process.env, MYSQL_PWD: appPassword() } },
  );
  return { ok: r.status === 0, status: r.status, stdout: r.stdout, stderr: r.stderr, rows: r.status === 0 ? parseBatch(r.stdout) : [] };
}

// ---- tokens ---------------------------------------------------------------

export function appSecret() {
  return readFileSync(join(CONF_DIR, 'app-secret'), 'utf8').split('\n')[0];
}

function b64url(buf) {
  return buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A CSRF token made exactly as src/util/csrf.c does: HMAC-SHA-256 over
 * "csrf\0user\0action\0subject\0expiry\0", token = base64url(expiry as 8
 * big-endian bytes || first 16 bytes of the MAC). expiry: Unix seconds.
 */
export function forgeCsrf({ user, action, subject, expiry, secret = appSecret() }) {
  const mac = createHmac('sha256', secret);
  for (const part of ['csrf', user, action, subject, String(expiry)]) {
    mac.update(Buffer.from(part, 'utf8'));
    mac.update(Buffer.from([0]));
  }
  const raw = Buffer.alloc(24);
  raw.writeBigUInt64BE(BigInt(expiry), 0);
  mac.digest().copy(raw, 8, 0, 16);
  return b64url(raw);
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

// ---- test data --------------------------------------------------------------

export function uid(n = 6) {
  return randomBytes(n).toString('hex');
}

/**
 * Inserts a customer of tenant 1 (or opts.tenant) through SQL and returns
 * {publicId, id, email, firstName, lastName, tag, blockers}. Triggers keep
 * the aggregates and counters. Options:
 *   status: 'active' | 'inactive'      (inactive: with a deactivation record)
 *   type, company, firstName, lastName, email
 *   subscription: true                 an active subscription (sub_<tag>_a)
 *   order: 'pending'|'confirmed'|'partial'   an order in flight (ord_<tag>_open)
 *   device: true                       an asset rented out (SN-<TAG>-OUT)
 *   history: true                      a fulfilled order, ended subscription,
 *                                      returned device and two paid + one failed payment
 *   addresses: true                    billing and shipping addresses (default true)
 */
export function createCustomer(opts = {}) {
  const tag = 't' + uid(6);
  const publicId = `cus_${tag}`;
  const tenant = opts.tenant ?? 1;
  const firstName = opts.firstName ?? 'Test';
  const lastName = opts.lastName ?? `T${tag}`;
  const email = opts.email ?? `${tag}@http-test.invalid`;
  const type = opts.type ?? (opts.company ? 'business' : 'individual');
  const cur = tenant === 2 ? 'USD' : 'EUR';
  const s = [];
  s.push(`INSERT INTO customers (public_id, tenant_id, email, first_name, last_name, customer_type,
            company, phone, status, created_at, updated_at)
          VALUES (${lit(publicId)}, ${tenant}, ${lit(email)}, ${lit(firstName)}, ${lit(lastName)},
            ${lit(type)}, ${lit(opts.company ?? null)}, '+31 20 555 0199', 'active',
            UTC_TIMESTAMP(), UTC_TIMESTAMP());`);
  s.push('SET @c = LAST_INSERT_ID();');
  if (opts.addresses !== false) {
    s.push(`INSERT INTO addresses (tenant_id, customer_id, kind, contact_name, street_address, city,
              postal_code, country, created_at)
            VALUES (${tenant}, @c, 'billing', 'Test Contact', '1 Test Street', 'Utrecht', '3511', 'NL', UTC_TIMESTAMP()),
                   (${tenant}, @c, 'shipping', 'Test Contact', '2 Test Street', 'Utrecht', '3512', 'NL', UTC_TIMESTAMP());`);
  }
  const blockers = { subscriptions: [], orders: [], devices: [] };
  if (opts.history) {
    s.push(`INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
            VALUES ('ord_${tag}_hist', ${tenant}, @c, 'fulfilled', 25.00, '${cur}', UTC_TIMESTAMP() - INTERVAL 400 DAY);`);
    s.push('SET @o = LAST_INSERT_ID();');
    s.push(`INSERT INTO order_items (order_id, sku, product_name, quantity, unit_price, contract_length)
            VALUES (@o, 'FW-TST-1', 'Test phone', 1, 25.00, 12);`);
    s.push(`${completeOrder('@o')};`);
    s.push(`INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
            VALUES ('SN-${tag.toUpperCase()}-H', ${tenant}, 'FW-TST-1', 'Test phone', 'returned', NULL, 300.00);`);
    s.push(`INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, asset_serial, status,
              monthly_amount, start_date, end_date, created_at)
            VALUES ('sub_${tag}_hist', ${tenant}, @c, @o, 'SN-${tag.toUpperCase()}-H', 'ended_completed', 25.00,
              UTC_DATE() - INTERVAL 400 DAY, UTC_DATE() - INTERVAL 35 DAY, UTC_TIMESTAMP() - INTERVAL 400 DAY);`);
    s.push('SET @s = LAST_INSERT_ID();');
    s.push(`INSERT INTO payments (public_id, tenant_id, customer_id, subscription_id, amount, currency, status, paid_at, created_at)
            VALUES ('pay_${tag}_1', ${tenant}, @c, @s, 25.00, '${cur}', 'paid', UTC_TIMESTAMP() - INTERVAL 370 DAY, UTC_TIMESTAMP() - INTERVAL 370 DAY),
                   ('pay_${tag}_2', ${tenant}, @c, @s, 25.00, '${cur}', 'paid', UTC_TIMESTAMP() - INTERVAL 340 DAY, UTC_TIMESTAMP() - INTERVAL 340 DAY),
                   ('pay_${tag}_3', ${tenant}, @c, @s, 25.00, '${cur}', 'failed', NULL, UTC_TIMESTAMP() - INTERVAL 310 DAY);`);
  }
  if (opts.subscription) {
    const id = `sub_${tag}_a`;
    s.push(`INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, asset_serial, status,
              monthly_amount, start_date, end_date, created_at)
            VALUES (${lit(id)}, ${tenant}, @c, NULL, NULL, 'active', 19.00, UTC_DATE() - INTERVAL 30 DAY, NULL,
              UTC_TIMESTAMP() - INTERVAL 30 DAY);`);
    blockers.subscriptions.push(id);
  }
  if (opts.order) {
    const id = `ord_${tag}_open`;
    s.push(`INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
            VALUES (${lit(id)}, ${tenant}, @c, ${lit(opts.order === true ? 'pending' : opts.order)}, 49.00, '${cur}', UTC_TIMESTAMP());`);
    s.push(`INSERT INTO order_items (order_id, sku, product_name, quantity, unit_price, contract_length)
            VALUES (LAST_INSERT_ID(), 'FW-TST-2', 'Test tablet', 1, 49.00, 24);`);
    s.push(`${completeOrder(`(SELECT id FROM orders WHERE public_id = ${lit(id)})`)};`);
    blockers.orders.push(id);
  }
  if (opts.device) {
    const id = `SN-${tag.toUpperCase()}-OUT`;
    s.push(`INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
            VALUES (${lit(id)}, ${tenant}, 'FW-TST-2', 'Test tablet', 'rented_out', @c, 450.00);`);
    blockers.devices.push(id);
  }
  if (opts.status === 'inactive') {
    s.push(`UPDATE customers SET status = 'inactive', deactivated_at = UTC_TIMESTAMP(), deactivated_by = 'admin',
              deactivation_reason = 'data_cleanup', deactivation_note = 'made inactive by the test factory',
              updated_at = UTC_TIMESTAMP() WHERE id = @c;`);
  }
  s.push('SELECT @c;');
  const id = sqlValue(s.join('\n'));
  return { publicId, id, email, firstName, lastName, tag, tenant, blockers };
}

/** Cancels, ends and returns every blocker of a customer (by internal id). */
export function clearBlockers(customerId) {
  sql(`UPDATE subscriptions SET status = 'cancelled', end_date = UTC_DATE()
         WHERE customer_id = ${Number(customerId)} AND status = 'active';
       UPDATE orders SET status = 'cancelled'
         WHERE customer_id = ${Number(customerId)} AND status IN ('pending', 'confirmed', 'partial');
       UPDATE assets SET status = 'returned', customer_id = NULL
         WHERE customer_id = ${Number(customerId)} AND status = 'rented_out';`);
}

/** The customer row's lifecycle columns, by public id. */
export function customerState(publicId) {
  const rows = sql(`SELECT id, status, deactivated_at, deactivated_by, deactivation_reason, deactivation_note, updated_at
                      FROM customers WHERE public_id = ${lit(publicId)}`);
  if (rows.length !== 1) throw new Error(`no customer ${publicId}`);
  const [id, status, at, by, reason, note, updated] = rows[0];
  return { id, status, deactivatedAt: at, deactivatedBy: by, reason, note, updatedAt: updated };
}

/** The audit rows of a subject (public id as typed), oldest first. */
export function auditRows(subject, where = '') {
  return sql(`SELECT id, actor, tenant_id, customer_id, subject, action, channel, reason, note, outcome, request_id
                FROM audit_log WHERE subject = ${lit(subject)} ${where} ORDER BY id`).map(
    ([id, actor, tenant, customerId, subj, action, channel, reason, note, outcome, requestId]) => ({
      id: Number(id), actor, tenant: Number(tenant), customerId, subject: subj, action, channel, reason, note, outcome, requestId,
    }),
  );
}

export function maxAuditId() {
  return Number(sqlValue('SELECT COALESCE(MAX(id), 0) FROM audit_log'));
}

// ---- CSV --------------------------------------------------------------------

/**
 * Parses RFC 4180 CSV strictly: records end with CRLF, quoted fields may
 * hold commas, CRLF and doubled quotes; a quote inside an unquoted field is
 * an error. Returns arrays of strings.
 */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let i = 0;
  const n = text.length;
  if (n === 0) return rows;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) throw new Error('CSV: unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`CSV: quote inside an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (i >= n) throw new Error('CSV: the last record does not end with CRLF');
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r' && text[i + 1] === '\n') {
      rows.push(row);
      row = [];
      i += 2;
      if (i >= n) return rows;
      continue;
    }
    throw new Error(`CSV: bare line break or stray character at ${i}`);
  }
}

// ---- retention ----------------------------------------------------------------

/**
 * The retention table (templates/retention_table.tpl) of a page:
 * {profile, orders: {total, by}, subscriptions, payments: {total, collected, by},
 *  addresses, notes, devicesEver, devicesOut}; by = {"Ended completed": 1, ...}.
 */
export function retentionTable(html) {
  const table = between(html, '<table class="retention">', '</table>');
  if (!table) throw new Error('no retention table on the page');
  const rows = {};
  for (const m of table.matchAll(/<tr><th scope="row">([\s\S]*?)<\/th><td>([\s\S]*?)<\/td><td>([\s\S]*?)<\/td><\/tr>/g)) {
    const kept = m[3];
    const by = {};
    for (const b of kept.matchAll(/<span class="break">([\d,]+) ([^<]*)<\/span>/g)) by[decodeEntities(b[2])] = parseCount(b[1]);
    rows[textOf(m[1])] = { status: textOf(m[2]), kept: textOf(kept.replace(/<span class="break">[\s\S]*?<\/span>/g, '')), by };
  }
  const lead = (label, re) => {
    const r = rows[label];
    if (!r) throw new Error(`no "${label}" row in the retention table`);
    const m = re.exec(r.kept);
    if (!m) throw new Error(`"${label}" row reads "${r.kept}"`);
    return m;
  };
  const pay = lead('Payment history', /^([\d,]+) payments?, (\S+) collected$/);
  const dev = lead('Devices', /^([\d,]+) ever rented, ([\d,]+) still out$/);
  return {
    profile: rows['Customer profile']?.status,
    orders: { total: parseCount(lead('Order history', /^([\d,]+) orders?$/)[1]), by: rows['Order history'].by },
    subscriptions: { total: parseCount(lead('Subscription history', /^([\d,]+) subscriptions?$/)[1]), by: rows['Subscription history'].by },
    payments: { total: parseCount(pay[1]), collected: pay[2], by: rows['Payment history'].by },
    addresses: parseCount(lead('Addresses', /^([\d,]+) address(?:es)?$/)[1]),
    notes: parseCount(lead('Notes', /^([\d,]+) notes?$/)[1]),
    devicesEver: parseCount(dev[1]),
    devicesOut: parseCount(dev[2]),
  };
}

/** "ended_completed" -> "Ended completed" (as the pages label codes). */
export function label(code) {
  const s = code.replace(/_/g, ' ');
  return s[0].toUpperCase() + s.slice(1);
}

/** What retentionTable() should read for a customer (internal id), from the database. */
export function expectedRetention(customerId) {
  const id = Number(customerId);
  const by = (table) =>
    Object.fromEntries(sql(`SELECT status, COUNT(*) FROM ${table} WHERE customer_id = ${id} GROUP BY status`).map(([s, n]) => [label(s), Number(n)]));
  const total = (o) => Object.values(o).reduce((a, b) => a + b, 0);
  const orders = by('orders');
  const subs = by('subscriptions');
  const pays = by('payments');
  const [[status, collected, addresses, notes, ever, out]] = sql(`SELECT
      (SELECT status FROM customers WHERE id = ${id}),
      (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE customer_id = ${id} AND status = 'paid'),
      (SELECT COUNT(*) FROM addresses WHERE customer_id = ${id}),
      (SELECT COUNT(*) FROM customer_notes WHERE customer_id = ${id}),
      (SELECT COUNT(DISTINCT asset_serial) FROM subscriptions WHERE customer_id = ${id}),
      (SELECT COUNT(*) FROM assets WHERE customer_id = ${id} AND status = 'rented_out')`);
  return {
    profile: status === 'inactive' ? 'Preserved, marked inactive' : 'Preserved, active',
    orders: { total: total(orders), by: orders },
    subscriptions: { total: total(subs), by: subs },
    payments: { total: total(pays), collected: euros(collected), by: pays },
    addresses: Number(addresses),
    notes: Number(notes),
    devicesEver: Number(ever),
    devicesOut: Number(out),
  };
}

/**
 * The search box's rules (README, "Search") written again from the
 * description, for tests to compute what a search must find:
 * phoneKey() is the reversed digits of a phone-shaped term (or null),
 * searchWords() the term's words and phrases.
 */
export function phoneKey(term) {
  // "(+31) …" is "+31 …"; "+31 (0)20 …" drops the (0)
  const m = /^ *(\+|\(\+)?([0-9 ().-]*)$/.exec(term);
  if (!m) return null;
  let rest = m[2];
  if (m[1]) rest = rest.replace(/\(0\)/g, '');
  let digits = rest.replace(/[^0-9]/g, '');
  if (digits.length > 20) return null;
  if (!m[1]) digits = digits.startsWith('00') ? digits.slice(2) : digits.startsWith('0') ? digits.slice(1) : digits;
  return digits.length >= 6 ? [...digits].reverse().join('') : null;
}

// Words: runs of letters, marks and digits of 2 to 64 characters (at most
// 8, each once); phrases: the space-separated chunks holding a separator
// between two of their words.
export function searchWords(term) {
  const words = [];
  const phrases = [];
  for (const chunk of term.split(/\s+/).filter(Boolean)) {
    const runs = chunk.match(/[\p{L}\p{M}\p{N}]+/gu) || [];
    for (const w of runs) {
      const n = [...w].length;
      if (n >= 2 && n <= 64 && words.length < 8 && !words.includes(w)) words.push(w);
    }
    if (runs.length > 1) {
      const p = chunk.replace(/^[^\p{L}\p{M}\p{N}]+|[^\p{L}\p{M}\p{N}]+$/gu, '');
      if (phrases.length < 8 && !phrases.includes(p)) phrases.push(p);
    }
  }
  return { words, phrases };
}

// Case and accents folded, as the collation compares them.
const fold = (s) => (s ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * The public ids a search for term must list, in the list's order:
 * exact matches first (e-mail, full name either way round, company, the
 * phone's digits), then orderBy; where is the filter (status, type). The
 * matching is computed here, from the customers' columns: a customer
 * matches when its e-mail begins with the term; or, for a term of several
 * chunks, its "first last", "last first" or company does; or its phone's
 * digits end with the term's; or each word of the term begins one of its
 * words (of the names, company and e-mail) and its text holds each phrase.
 */
export function searchExpected(term, { tenant = 1, where = "status = 'active'", orderBy = 'created_at DESC, id DESC' } = {}) {
  const phone = phoneKey(term);
  // a punctuated phone number is searched by its digits only
  const phoneOnly = phone !== null && /[^0-9]/.test(term);
  let { words, phrases } = phoneOnly ? { words: [], phrases: [] } : searchWords(term);
  const t = fold(term);
  // one chunk with separators inside that begins e-mail addresses (any
  // status) is an e-mail search: by the e-mail's prefix only
  let emailOnly = false;
  if (words.length && !/\s/.test(term) && phrases.length === 1 &&
      sql(`SELECT email FROM customers WHERE tenant_id = ${tenant}`).some(([e]) => fold(e).startsWith(t))) {
    words = [];
    emailOnly = true;
  }
  const rows = sql(`SELECT public_id, email, full_name, sort_name, company, phone_rev,
                           CONCAT_WS(' ', first_name, last_name, company, email)
                      FROM customers WHERE tenant_id = ${tenant} AND ${where}
                     ORDER BY ${orderBy}`);
  const several = /\s/.test(term);
  const matched = [];
  for (const [id, email, full, sortName, company, phoneRev, text] of rows) {
    const f = fold(text);
    const own = (f.match(/[\p{L}\p{N}]+/gu) || []);
    const byWords = words.length > 0 &&
      words.every((w) => own.some((o) => o.startsWith(fold(w)))) &&
      phrases.every((p) => f.includes(fold(p)));
    const byPrefix = !phoneOnly && (fold(email).startsWith(t) ||
      !emailOnly && (several || words.length === 0) && [full, sortName, company].some((v) => v && fold(v).startsWith(t)));
    const byPhone = phone !== null && (phoneRev ?? '').startsWith(phone);
    if (!byWords && !byPrefix && !byPhone) continue;
    const exact = [email, full, sortName, company].some((v) => v && fold(v) === t) ||
      (phone !== null && phoneRev === phone);
    matched.push({ id, exact });
  }
  return [...matched.filter((m) => m.exact), ...matched.filter((m) => !m.exact)].map((m) => m.id);
}
