// The customer list and a customer's page in Chromium, as a person uses them:
// signing in, searching, paging, sorting, filters kept across pages, the
// empty state, dates and money, "copy id", the CSV export, and a narrow window.
// Writes docs/screenshots/customers.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as B from './lib.mjs';

let browser;
before(async () => {
  browser = await B.launch();
});
after(async () => {
  await browser?.close();
});

/** The names and ids of the list's rows, in order. */
async function rows(page) {
  return page.locator('table.list tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      name: tr.querySelector('td a').textContent.trim(),
      id: tr.querySelector('code.id').textContent.trim(),
      email: tr.cells[1].textContent.trim(),
    })),
  );
}

describe('signing in', () => {
  test('basic auth lets a demo login in; the header names the tenant, the person and the role', async () => {
    const { context, page } = await B.signIn(browser, 'operator');
    assert.equal(await B.open(page, '/'), 200);
    assert.match(new URL(page.url()).pathname, /^\/customers$/, '/ leads to the customer list');
    assert.equal(await page.title(), 'Customers · Custodian');
    const who = await B.text(page.locator('header .who'));
    assert.match(who, /^Northwind Devices · .+ operator$/);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Customers');
    assert.equal(await page.getByRole('link', { name: 'Customers', exact: true }).first().getAttribute('aria-current'), 'page');
    B.assertClean(page);
    await context.close();
  });

  test('a wrong password gets no page', async () => {
    const { context, page } = await B.signIn(browser, 'admin', { password: 'wrong-' + B.uid() });
    assert.equal(await B.open(page, '/customers'), 401);
    assert.equal(await page.locator('table.list').count(), 0, 'no customer data without a login');
    await context.close();
  });
});

describe('the customer list', () => {
  let context, page, made;
  before(async () => {
    // 52 businesses and 13 individuals sharing a unique last name: two
    // pages of businesses.
    made = B.makeMany(65, { mixTypes: true });
    ({ context, page } = await B.signIn(browser, 'admin'));
  });
  after(async () => {
    await context?.close();
  });

  test('shows active customers by default, with counts, status badges and the page size', async () => {
    assert.equal(await B.open(page, '/customers'), 200);
    const active = page.locator('nav.tabs a[aria-current="page"]');
    assert.match(await B.text(active), /^Active [\d,]+$/);
    const count = await B.text(page.locator('#result-count'));
    assert.match(count, /^[\d,]+ customers$/);
    assert.equal(await page.locator('table.list tbody tr').count(), 50);
    const badges = await page.locator('table.list tbody .badge').allInnerTexts();
    assert.ok(badges.length === 50 && badges.every((b) => b.trim() === 'active'), 'every row is badged active');
    // money in the tenant's currency, two decimals, thousands separated
    const mrr = await page.locator('table.list tbody tr td.num:nth-child(5)').allInnerTexts();
    assert.ok(mrr.every((m) => /^€\d{1,3}(,\d{3})*\.\d\d$/.test(m.trim())), `MRR in euros: ${mrr.slice(0, 3)}`);
    B.assertClean(page);
  });

  test('the screenshot of the list (docs/screenshots/customers.png)', async () => {
    // Sorted by name, Z first: the demo customers whatever other tests have
    // added (test customers are the newest, so they lead the default order).
    assert.equal(await B.open(page, '/customers?status=active&sort=name&dir=desc'), 200);
    await B.screenshot(page, 'customers');
  });

  test('search and filters are kept while paging, sorting and switching tabs', async () => {
    assert.equal(await B.open(page, '/customers'), 200);
    await page.getByLabel('Search', { exact: true }).fill(made.lastName.toLowerCase());
    await page.getByLabel('Type', { exact: true }).selectOption({ label: 'Businesses' });
    await Promise.all([page.waitForURL(/[?&]q=/), page.getByLabel('Search', { exact: true }).press('Enter')]);
    assert.equal(await B.text(page.locator('#result-count')), '52 customers');
    const first = await rows(page);
    assert.equal(first.length, 50);
    assert.ok(first.every((r) => r.id.startsWith(`cus_${made.tag}_`)), 'only the searched customers');

    // page 2: the same search, the same filter, the rest of the rows
    await Promise.all([page.waitForURL(/after=/), page.getByRole('link', { name: /Next page/ }).click()]);
    assert.equal(await page.getByLabel('Search', { exact: true }).inputValue(), made.lastName.toLowerCase(), 'the search box keeps the term');
    assert.equal(await page.getByLabel('Type', { exact: true }).inputValue(), 'business', 'the type filter is kept');
    assert.equal(await page.getByLabel('Status', { exact: true }).inputValue(), 'active');
    assert.equal(await B.text(page.locator('#result-count')), '52 customers');
    const second = await rows(page);
    assert.equal(second.length, 2);
    assert.deepEqual(new Set([...first, ...second].map((r) => r.id)).size, 52, 'no row twice');
    assert.equal(await page.getByRole('link', { name: /Next page/ }).count(), 0, 'no third page');
    await Promise.all([page.waitForURL((u) => !/after=/.test(u)), page.getByRole('link', { name: /First page/ }).click()]);
    assert.deepEqual((await rows(page)).map((r) => r.id), first.map((r) => r.id));

    // sortable headers: Name ascending, then descending; the search stays
    const nameHeader = page.locator('table.list thead th', { hasText: 'Name' });
    await Promise.all([page.waitForURL(/sort=name/), nameHeader.getByRole('link').click()]);
    assert.equal(await nameHeader.getAttribute('aria-sort'), 'ascending');
    const asc = (await rows(page)).map((r) => r.name);
    assert.deepEqual(asc, [...asc].sort((a, b) => a.localeCompare(b)), 'sorted by name, A first');
    assert.equal(await page.getByLabel('Search', { exact: true }).inputValue(), made.lastName.toLowerCase());
    await Promise.all([page.waitForURL(/dir=desc/), nameHeader.getByRole('link').click()]);
    assert.equal(await nameHeader.getAttribute('aria-sort'), 'descending');
    const desc = (await rows(page)).map((r) => r.name);
    assert.deepEqual(desc, [...desc].sort((a, b) => b.localeCompare(a)), 'sorted by name, Z first');
    assert.equal(await page.locator('table.list thead th[aria-sort="none"]').count(), 4, 'the other sortable headers say so');

    // the status tabs keep the search and the type
    await Promise.all([page.waitForURL(/status=all/), page.locator('nav.tabs').getByRole('link', { name: /^All/ }).click()]);
    assert.equal(await page.getByLabel('Search', { exact: true }).inputValue(), made.lastName.toLowerCase());
    assert.equal(await page.getByLabel('Type', { exact: true }).inputValue(), 'business');
    assert.equal(await B.text(page.locator('#result-count')), '52 customers');
    B.assertClean(page);
  });

  test('an inactive customer leaves the default list and shows under Inactive', async () => {
    const c = B.makeCustomer({ status: 'inactive', lastName: `Gone${B.uid(3)}` });
    assert.equal(await B.open(page, `/customers?q=${encodeURIComponent(c.lastName)}`), 200);
    assert.equal(await page.locator('table.list').count(), 0);
    assert.match(await B.text(page.locator('p.empty')), /^No customer matches this search\./);
    await page.locator('nav.tabs').getByRole('link', { name: /^Inactive/ }).click();
    await page.waitForURL(/status=inactive/);
    const r = await rows(page);
    assert.deepEqual(r.map((x) => x.id), [c.publicId]);
    assert.equal(await B.text(page.locator('table.list tbody .badge')), 'inactive');
  });

  test('an empty result says so and how search works', async () => {
    assert.equal(await B.open(page, `/customers?q=zz${B.uid()}`), 200);
    assert.equal(await B.text(page.locator('#result-count')), '0 customers');
    const empty = await B.text(page.locator('main p.empty'));
    assert.match(empty, /No customer matches this search/);
    assert.match(empty, /beginning of the e-mail/);
    assert.equal(await page.locator('table.list').count(), 0, 'no empty table');
    B.assertClean(page);
  });

  test('dates read relative, with the absolute time in the markup and on hover', async () => {
    const c = B.makeCustomer({ lastName: `Dated${B.uid(3)}` });
    assert.equal(await B.open(page, `/customers?q=${encodeURIComponent(c.lastName)}`), 200);
    const time = page.locator('table.list tbody time');
    assert.equal(await B.text(time), '3 days ago');
    assert.match(await time.getAttribute('datetime'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(await time.getAttribute('title'), /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    const cell = await B.text(time.locator('xpath=..'));
    assert.match(cell, /^3 days ago \d{4}-\d\d-\d\d \d\d:\d\d UTC$/, 'the absolute date is also shown');
  });
});

describe('the export', () => {
  test('Download CSV gives every customer of the list, with its filters and order, as a file', async () => {
    const { context, page } = await B.signIn(browser, 'viewer');
    assert.equal(await B.open(page, '/customers?status=inactive&type=individual&sort=name&dir=asc'), 200);
    const shown = await rows(page);
    assert.ok(shown.length > 0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    assert.match(download.suggestedFilename(), /^customers-northwind-\d{8}-\d{4}\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'id,name,email,company,type,status,created_at,mrr,devices_out,orders');
    assert.equal(lines.at(-1), '', 'the last record ends with CRLF');
    const ids = B.sql(`SELECT public_id FROM customers WHERE tenant_id = 1 AND status = 'inactive' AND customer_type = 'individual'
                        ORDER BY sort_name, id`).map((x) => x[0]);
    // the ids are never quoted; the first rows are the page's, in its order
    const exported = lines.slice(1, -1).map((l) => l.split(',')[0]).filter((x) => /^cus_/.test(x));
    assert.deepEqual(exported, ids);
    assert.deepEqual(exported.slice(0, shown.length), shown.map((x) => x.id));
    assert.equal(page.url(), `${B.BASE_URL}/customers?status=inactive&type=individual&sort=name&dir=asc`, 'the list stays where it was');
    B.assertClean(page);
    await context.close();
  });
});

describe("a customer's page", () => {
  let context, page;
  before(async () => {
    ({ context, page } = await B.signIn(browser, 'admin'));
  });
  after(async () => {
    await context?.close();
  });

  test('profile, money in euros, dates absolute and relative, paginated history sections', async () => {
    const c = B.makeCustomer({ history: true, company: 'Copy & Paste BV' });
    assert.equal(await B.open(page, '/customers'), 200);
    await page.getByLabel('Search', { exact: true }).fill(c.lastName);
    await Promise.all([page.waitForURL(/q=/), page.getByRole('button', { name: 'Apply' }).click()]);
    await Promise.all([page.waitForURL(`**/customers/${c.publicId}`), page.getByRole('link', { name: c.name }).click()]);
    assert.equal(await page.title(), `${c.name} · Custodian`);
    assert.equal(await B.text(page.getByRole('heading', { level: 1 })), `${c.name} active`);
    const profile = page.locator('section', { has: page.getByRole('heading', { name: 'Profile' }) });
    assert.match(await B.text(profile), /Customer since \d{4}-\d\d-\d\d \d\d:\d\d UTC \(3 days ago\)/);
    const profit = page.locator('section', { has: page.getByRole('heading', { name: 'Profitability' }) });
    assert.match(await B.text(profit), /Lifetime collected €2,499\.00/);
    assert.match(await B.text(profit), /Acquisition cost of devices €1,100\.00/);
    const orders = page.locator('section#orders');
    assert.match(await B.text(orders), /ord_\w+_h fulfilled €1,249\.50/);
    assert.match(await B.text(page.locator('section#open')), /Nothing open/);
    assert.match(await B.text(page.locator('section#history')), /No deactivations or reactivations yet/);
    B.assertClean(page);
  });

  test('"Copy id" puts the customer id on the clipboard', async () => {
    const c = B.makeCustomer();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: B.BASE_URL });
    assert.equal(await B.open(page, `/customers/${c.publicId}`), 200);
    const button = page.getByRole('button', { name: 'Copy id' });
    assert.ok(await button.isVisible(), 'the button is shown when JavaScript and the clipboard are there');
    await button.click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), c.publicId);
    B.assertClean(page);
  });

  test('without JavaScript there is no dead "Copy id" button, and the page still works', async () => {
    const { context: ctx, page: p } = await B.signIn(browser, 'admin', { context: { javaScriptEnabled: false } });
    assert.equal(await B.open(p, '/customers/cus_fixture_clean'), 200);
    assert.equal(await p.getByRole('button', { name: 'Copy id' }).count(), 0);
    assert.equal(await B.text(p.locator('#customer-id')), 'cus_fixture_clean');
    await Promise.all([p.waitForURL(/\/deactivate$/), p.getByRole('link', { name: /^Deactivate/ }).click()]);
    assert.equal(await p.getByRole('button', { name: /^Deactivate / }).isEnabled(), true);
    await ctx.close();
  });

  test("another tenant's login sees its own currency and not Northwind's customers", async () => {
    const { context: ctx, page: p } = await B.signIn(browser, 'globex');
    assert.equal(await B.open(p, '/customers'), 200);
    assert.match(await B.text(p.locator('header .who')), /^Globex Rentals/);
    const mrr = await p.locator('table.list tbody tr td.num:nth-child(5)').allInnerTexts();
    assert.ok(mrr.length > 0 && mrr.every((m) => /^\$\d{1,3}(,\d{3})*\.\d\d$/.test(m.trim())), `MRR in dollars: ${mrr.slice(0, 3)}`);
    assert.equal(await B.open(p, '/customers/cus_fixture_clean'), 404);
    assert.equal(await B.text(p.getByRole('heading', { level: 1 })), '404 Not Found');
    assert.equal(await B.text(p.locator('.error-code')), 'NOT_FOUND');
    await ctx.close();
  });
});

describe('a narrow window (390 px)', () => {
  let context, page;
  before(async () => {
    ({ context, page } = await B.signIn(browser, 'admin', { viewport: B.NARROW }));
  });
  after(async () => {
    await context?.close();
  });

  for (const path of ['/customers', '/customers/cus_fixture_all_three', '/customers/cus_fixture_all_three/deactivate', '/bulk', '/audit', '/retention']) {
    test(`${path} fits without scrolling sideways`, async () => {
      assert.equal(await B.open(page, path), 200);
      assert.equal(await B.overflowsHorizontally(page), false, `sticking out: ${(await B.widestElements(page)).join('; ')}`);
      // the main navigation and the page heading are on screen
      assert.ok(await page.getByRole('navigation', { name: 'Main' }).isVisible());
      const h1 = await page.getByRole('heading', { level: 1 }).boundingBox();
      assert.ok(h1 && h1.x >= 0 && h1.x + h1.width <= B.NARROW.width + 1, 'the heading fits');
    });
  }

  test('list rows stack into readable cards, each with its status badge', async () => {
    assert.equal(await B.open(page, '/customers?status=active&sort=name&dir=desc'), 200);
    const first = page.locator('table.list tbody tr').first();
    const box = await first.boundingBox();
    assert.ok(box.width <= B.NARROW.width, 'a row is no wider than the window');
    assert.ok(await first.locator('.badge').isVisible());
    // each value is labelled by its column, since the header row is hidden
    const labels = await first.locator('td[data-label]').evaluateAll((tds) => tds.map((td) => getComputedStyle(td, '::before').content));
    assert.deepEqual(labels, ['"E-mail"', '"Type"', '"Status"', '"MRR"', '"Devices"', '"Orders"', '"Created"']);
    await B.screenshot(page, 'customers-narrow');
  });
});
