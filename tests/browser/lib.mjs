// Shared helpers for the browser tests (tests/browser/*.test.mjs).
//
// scripts/check starts MariaDB, the app and nginx and passes:
//   BASE_URL       http://127.0.0.1:<port>
//   DB_SOCK        MariaDB socket (root, no password)
//   DEMO_PASSWORD  basic-auth password of admin, operator, viewer (tenant 1), globex (tenant 2)
//   ROOT           the repository (screenshots go to $ROOT/docs/screenshots)
//
// Each test file launches Debian's Chromium once (launch()), through
// playwright-core, and opens one browser context per login. Playwright gives
// every launch a fresh, empty --user-data-dir under the temp directory and
// removes it on close, so nothing (cookies, cached credentials) leaks from
// one file to the next.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

import { lit, sql, sqlValue } from '../sql.mjs';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests through scripts/check --only browser`);
  return v;
}

export const BASE_URL = need('BASE_URL').replace(/\/$/, '');
export const DB_SOCK = need('DB_SOCK');
export const PASSWORD = process.env.DEMO_PASSWORD || 'custodian';
export const ROOT = process.env.ROOT || resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');

export const WIDE = { width: 1280, height: 900 };
export const NARROW = { width: 390, height: 844 };

// ---- the browser ------------------------------------------------------------

/** The flags of the issue; playwright adds its own automation switches. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Debian's Chromium (once per test file). */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    timeout: 60_000,
  });
}

/**
 * A browser context signed in (HTTP basic auth) as user, and a page in it.
 * The page records what a person would notice going wrong: JavaScript
 * errors, console errors (a CSP violation is one) and failed requests.
 * Returns {context, page, problems}; problems is an array of strings that
 * assertClean(page) checks.
 */
export async function signIn(browser, user = 'admin', opts = {}) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    httpCredentials: { username: user, password: opts.password ?? PASSWORD },
    viewport: opts.viewport ?? WIDE,
    locale: 'en-GB',
    timezoneId: 'UTC',
    acceptDownloads: true,
    reducedMotion: 'reduce',
    ...(opts.context || {}),
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    // A download, or a navigation the test started before this one ended, is not a fault.
    const why = r.failure()?.errorText || '';
    if (/ERR_ABORTED/.test(why)) return;
    problems.push(`request failed: ${r.method()} ${r.url()} ${why}`);
  });
  page.problems = problems;
  return { context, page, problems };
}

/** Fails with what went wrong in the page since the last call (and forgets it). */
export function assertClean(page, where = page.url()) {
  const p = page.problems.splice(0);
  // Expected: the console notes every HTTP error status it loads (4xx pages).
  const real = p.filter((x) => !/Failed to load resource: the server responded with a status of (4\d\d|503)/.test(x));
  assert.deepEqual(real, [], `no script errors, CSP violations or failed requests on ${where}`);
}

/** page.goto that returns the HTTP status. */
export async function open(page, path) {
  const res = await page.goto(path, { waitUntil: 'load' });
  return res ? res.status() : 0;
}

/** The visible text of a locator, spaces collapsed. */
export async function text(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** Writes a screenshot of the page to docs/screenshots/<name>.png. */
export async function screenshot(page, name, opts = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  // No caret or focus ring from the test's last click in the picture.
  await page.evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
  await page.screenshot({ path, fullPage: opts.fullPage ?? false, animations: 'disabled', caret: 'hide' });
  chmodSync(path, 0o644); // a file of the repository, whatever the umask of the test run
  return path;
}

/** True when the page is wider than the window (a horizontal scrollbar). */
export async function overflowsHorizontally(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}

/** The elements sticking out of the window on the right, for a failure message. */
export async function widestElements(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 1 && r.width > 0) {
        // skip elements inside a scroll container that is itself inside the window
        let p = el.parentElement, contained = false;
        while (p && p !== document.body) {
          const s = getComputedStyle(p);
          if (/(auto|scroll|hidden)/.test(s.overflowX) && p.getBoundingClientRect().right <= window.innerWidth + 1) { contained = true; break; }
          p = p.parentElement;
        }
        if (!contained) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(/\s+/).join('.') : ''} right=${Math.round(r.right)}`);
      }
    }
    return out.slice(0, 10);
  });
}

// ---- accessibility (axe-core) ---------------------------------------------

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(join(dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');
const AXE_PATH = '/static/__axe.min.js';

/**
 * Runs axe-core on the page as it is. The pages' CSP allows scripts from
 * 'self' only, so axe is served from a same-origin path that the test
 * intercepts (page.route): the page keeps its real CSP while being checked.
 * Returns the violations, each {id, impact, help, nodes: [target…]}.
 */
export async function axe(page) {
  if (!page.axeRouted) {
    await page.route(`**${AXE_PATH}`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: AXE_SOURCE }),
    );
    page.axeRouted = true;
  }
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ url: AXE_PATH });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  });
  return result;
}

/** One line per violation, for the report. */
export function describeViolations(violations) {
  return violations.map(
    (v) => `${v.impact}: ${v.id} (${v.help}) on ${v.nodes.length} element(s): ${v.nodes.slice(0, 3).map((n) => n.target).join(', ')}`,
  );
}

const SEVERE = new Set(['serious', 'critical']);

/** axe on the page as it is: every violation as a diagnostic of test t,
 * an assertion failure on a serious or critical one. */
export async function assertAxeClean(t, page, label) {
  const violations = await axe(page);
  for (const line of describeViolations(violations)) t.diagnostic(`axe ${label}: ${line}`);
  assert.deepEqual(describeViolations(violations.filter((v) => SEVERE.has(v.impact))), [], `no serious or critical violation on ${label}`);
}

// ---- SQL --------------------------------------------------------------------

export { lit, sql, sqlValue };

/** Polls fn until it returns something truthy (its value), or throws after timeoutMs. */
export async function until(fn, what, timeoutMs = 30_000) {
  const t0 = Date.now();
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function uid(n = 5) {
  return randomBytes(n).toString('hex');
}

/**
 * A customer of tenant 1 made through SQL, with a unique public id
 * (cus_b<hex>). The triggers keep the counters and aggregates. Options:
 *   firstName, lastName, email, company, domain (of the e-mail)
 *   history: a fulfilled order, an ended subscription, a returned device, two paid payments
 *   subscription / order ('pending'…) / device: one open item of that kind
 *   status: 'inactive' (with a deactivation record)
 * Returns {publicId, id, name, email, tag}.
 */
export function makeCustomer(opts = {}) {
  const tag = 'b' + uid(5);
  const publicId = `cus_${tag}`;
  const firstName = opts.firstName ?? 'Browser';
  const lastName = opts.lastName ?? `Test${tag.slice(1, 6)}`;
  const email = opts.email ?? `${tag}@${opts.domain ?? 'browser-test.invalid'}`;
  const type = opts.company ? 'business' : 'individual';
  const s = [];
  s.push(`INSERT INTO customers (public_id, tenant_id, email, first_name, last_name, customer_type, company, phone,
            status, created_at, updated_at)
          VALUES (${lit(publicId)}, 1, ${lit(email)}, ${lit(firstName)}, ${lit(lastName)}, ${lit(type)},
            ${lit(opts.company ?? null)}, '+31 20 555 0142', 'active',
            UTC_TIMESTAMP() - INTERVAL 3 DAY, UTC_TIMESTAMP() - INTERVAL 3 DAY);`);
  s.push('SET @c = LAST_INSERT_ID();');
  s.push(`INSERT INTO addresses (tenant_id, customer_id, kind, contact_name, street_address, city, postal_code, country, created_at)
          VALUES (1, @c, 'billing', ${lit(firstName + ' ' + lastName)}, '5 Browser Street', 'Utrecht', '3511', 'NL', UTC_TIMESTAMP());`);
  if (opts.history) {
    s.push(`INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
            VALUES ('ord_${tag}_h', 1, @c, 'fulfilled', 1249.50, 'EUR', UTC_TIMESTAMP() - INTERVAL 400 DAY);`);
    s.push('SET @o = LAST_INSERT_ID();');
    s.push(`INSERT INTO order_items (order_id, sku, product_name, quantity, unit_price, contract_length)
            VALUES (@o, 'FW-LAP-14', 'Laptop 14"', 1, 1249.50, 12);`);
    s.push(`INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
            VALUES ('SN-${tag.toUpperCase()}-H', 1, 'FW-LAP-14', 'Laptop 14"', 'returned', NULL, 1100.00);`);
    s.push(`INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, asset_serial, status, monthly_amount,
              start_date, end_date, created_at)
            VALUES ('sub_${tag}_h', 1, @c, @o, 'SN-${tag.toUpperCase()}-H', 'ended_completed', 1249.50,
              UTC_DATE() - INTERVAL 400 DAY, UTC_DATE() - INTERVAL 35 DAY, UTC_TIMESTAMP() - INTERVAL 400 DAY);`);
    s.push('SET @s = LAST_INSERT_ID();');
    s.push(`INSERT INTO payments (public_id, tenant_id, customer_id, subscription_id, amount, currency, status, paid_at, created_at)
            VALUES ('pay_${tag}_1', 1, @c, @s, 1249.50, 'EUR', 'paid', UTC_TIMESTAMP() - INTERVAL 370 DAY, UTC_TIMESTAMP() - INTERVAL 370 DAY),
                   ('pay_${tag}_2', 1, @c, @s, 1249.50, 'EUR', 'paid', UTC_TIMESTAMP() - INTERVAL 340 DAY, UTC_TIMESTAMP() - INTERVAL 340 DAY);`);
  }
  if (opts.subscription)
    s.push(`INSERT INTO subscriptions (public_id, tenant_id, customer_id, order_id, asset_serial, status, monthly_amount,
              start_date, end_date, created_at)
            VALUES ('sub_${tag}_a', 1, @c, NULL, NULL, 'active', 19.00, UTC_DATE() - INTERVAL 30 DAY, NULL, UTC_TIMESTAMP());`);
  if (opts.order) {
    s.push(`INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
            VALUES ('ord_${tag}_open', 1, @c, ${lit(opts.order === true ? 'pending' : opts.order)}, 49.00, 'EUR', UTC_TIMESTAMP());`);
    s.push(`INSERT INTO order_items (order_id, sku, product_name, quantity, unit_price, contract_length)
            VALUES (LAST_INSERT_ID(), 'FW-TAB-2', 'Tablet', 1, 49.00, 24);`);
  }
  if (opts.device)
    s.push(`INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
            VALUES ('SN-${tag.toUpperCase()}-OUT', 1, 'FW-TAB-2', 'Tablet', 'rented_out', @c, 450.00);`);
  if (opts.status === 'inactive')
    s.push(`UPDATE customers SET status = 'inactive', deactivated_at = UTC_TIMESTAMP(), deactivated_by = 'admin',
              deactivation_reason = 'data_cleanup', deactivation_note = 'made inactive by the browser tests',
              updated_at = UTC_TIMESTAMP() WHERE id = @c;`);
  s.push('SELECT @c;');
  const id = sqlValue(s.join('\n'));
  return { publicId, id, name: `${firstName} ${lastName}`, firstName, lastName, email, tag };
}

/**
 * n plain active customers of tenant 1 in one statement, named
 * "<First i> <lastName>" with e-mails e<i>.<tag>@<domain>, created i hours
 * ago; every fifth an individual when opts.mixTypes, else all opts.type.
 * Returns {tag, lastName, domain, ids: [public ids, newest first]}.
 */
export function makeMany(n, opts = {}) {
  const tag = 'b' + uid(4);
  const lastName = opts.lastName ?? `Pager${tag}`;
  const domain = opts.domain ?? `${tag}.browser-test.invalid`;
  const type = opts.type ?? 'individual';
  const firsts = ['Ada', 'Bea', 'Cas', 'Dirk', 'Eva', 'Finn', 'Gus', 'Hana', 'Ivo', 'Jet'];
  sql(`INSERT INTO customers (public_id, tenant_id, email, first_name, last_name, customer_type, company, phone,
         status, created_at, updated_at)
       SELECT CONCAT('cus_${tag}_', LPAD(seq, 3, '0')), 1, CONCAT('e', seq, '.${tag}@', ${lit(domain)}),
              ELT(1 + seq % 10, ${firsts.map(lit).join(', ')}), ${lit(lastName)},
              ${opts.mixTypes ? `IF(seq % 5 = 0, 'individual', 'business')` : lit(type)},
              ${opts.mixTypes || type === 'business' ? `CONCAT('Firm ', seq, ' BV')` : 'NULL'}, '+31 20 555 0000', 'active',
              UTC_TIMESTAMP() - INTERVAL seq HOUR, UTC_TIMESTAMP() - INTERVAL seq HOUR
         FROM seq_1_to_${Number(n)}`);
  const ids = [];
  for (let i = 1; i <= n; i++) ids.push(`cus_${tag}_${String(i).padStart(3, '0')}`);
  return { tag, lastName, domain, ids };
}

/** Cancels, ends and returns everything that blocks a customer's deactivation. */
export function clearBlockers(publicId) {
  const id = Number(sqlValue(`SELECT id FROM customers WHERE public_id = ${lit(publicId)}`));
  sql(`UPDATE subscriptions SET status = 'cancelled', end_date = UTC_DATE() WHERE customer_id = ${id} AND status = 'active';
       UPDATE orders SET status = 'cancelled' WHERE customer_id = ${id} AND status IN ('pending', 'confirmed', 'partial');
       UPDATE assets SET status = 'returned', customer_id = NULL WHERE customer_id = ${id} AND status = 'rented_out';`);
}

export function customerStatus(publicId) {
  return sqlValue(`SELECT status FROM customers WHERE public_id = ${lit(publicId)}`);
}
