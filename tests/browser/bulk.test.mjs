// Bulk clean-up in Chromium: a small preview by filter, select-all, apply
// with a reason, the run's progress followed on its page, the outcomes and
// their CSV; then the same without JavaScript (paste, apply, a page that
// reloads itself). Every customer here is made by the test, under an e-mail
// domain of its own. Writes docs/screenshots/bulk-run.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as B from './lib.mjs';

let browser;
before(async () => {
  browser = await B.launch();
});
after(async () => {
  await browser?.close();
});

/**
 * Holds shared locks on these customers' rows (internal ids) for ms, the
 * way a long report elsewhere might: applying a run can still record its
 * items, but the job worker, which locks each customer for update, waits,
 * so the run is seen in progress. Resolves once the locks are held; .done
 * resolves when they are released.
 */
function holdLocks(ids, ms) {
  const query = `BEGIN; SELECT id FROM customers WHERE id IN (${ids.map(Number).join(',')}) LOCK IN SHARE MODE;
                 SELECT 'locked'; DO SLEEP(${ms / 1000}); COMMIT;`;
  const child = spawn('mariadb', ['--no-defaults', '-S', B.DB_SOCK, '-u', 'root', 'custodian', '-N', '-B', '--unbuffered', '-e', query], { stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise((resolve) => child.on('exit', resolve));
  const held = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('locked')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the lock holder exited (${code}) before locking`)));
  });
  return Object.assign(held, { done });
}

/** Polls fn until it returns a truthy value (navigation in between is fine). */
const until = B.until;

describe('a small bulk run, with JavaScript', () => {
  let context, page, domain, a, b, c, e, runUrl;
  before(async () => {
    ({ context, page } = await B.signIn(browser, 'admin'));
    domain = `${B.uid(4)}.bulk-browser.invalid`;
    a = B.makeCustomer({ domain, firstName: 'Anna', lastName: 'Bulkeligible', history: true });
    b = B.makeCustomer({ domain, firstName: 'Bram', lastName: 'Bulkeligible' });
    c = B.makeCustomer({ domain, firstName: 'Cato', lastName: 'Bulkblocked', device: true });
    e = B.makeCustomer({ domain, firstName: 'Eli', lastName: 'Bulklate' });
  });
  after(async () => {
    await context?.close();
  });

  test('preview by e-mail domain: eligibility per row, blocked rows cannot be ticked', async () => {
    assert.equal(await B.open(page, '/bulk'), 200);
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Choose by filter' }) });
    await form.getByLabel('E-mail domain').fill(domain);
    await Promise.all([page.waitForURL('**/bulk/preview'), form.getByRole('button', { name: 'Preview' }).click()]);
    assert.equal(await B.text(page.getByRole('heading', { level: 1 })), 'Preview: nothing has changed yet');
    assert.equal(await B.text(page.locator('#n-eligible')), '3');
    assert.equal(await B.text(page.locator('#n-blocked')), '1');
    const blocked = page.locator('#preview tbody tr', { hasText: c.publicId });
    assert.match(await B.text(blocked.locator('.badge')), /^CUSTOMER_HAS_UNRETURNED_DEVICES \(1\)$/);
    assert.equal(await blocked.locator('input[type="checkbox"]').count(), 0);
    for (const x of [a, b, e]) assert.equal(await page.getByRole('checkbox', { name: `Deactivate ${x.publicId}` }).isChecked(), true);
    B.assertClean(page);
  });

  test('select-all (JavaScript) ticks and unticks every eligible row, and says how many are chosen', async () => {
    const all = page.getByRole('checkbox', { name: 'Select all eligible' });
    const count = page.locator('#selection');
    const submit = page.getByRole('button', { name: /^Deactivate the selected customers/ });
    assert.ok(await all.isVisible(), 'select-all is offered');
    assert.equal(await all.isChecked(), true);
    assert.equal(await B.text(count), '3 of 3 eligible customers selected.');
    await all.uncheck();
    assert.equal(await page.locator('input[name="select"]:checked').count(), 0);
    assert.equal(await B.text(count), '0 of 3 eligible customers selected.');
    assert.equal(await submit.isDisabled(), true, 'nothing to apply');
    await page.getByRole('checkbox', { name: `Deactivate ${a.publicId}` }).check();
    assert.equal(await all.evaluate((x) => x.indeterminate), true, 'select-all shows a partial selection');
    assert.equal(await B.text(count), '1 of 3 eligible customers selected.');
    assert.equal(await submit.isEnabled(), true);
    await all.check();
    assert.equal(await page.locator('input[name="select"]:checked').count(), 3);
    assert.equal(await B.text(count), '3 of 3 eligible customers selected.');
  });

  test('apply: the run page follows the progress in place until it is done', async () => {
    // Between the preview and the apply, one customer gets an order.
    B.sql(`INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
           VALUES ('ord_${e.tag}_late', 1, ${e.id}, 'pending', 20.00, 'EUR', UTC_TIMESTAMP())`);
    await page.getByLabel('Data cleanup').check();
    await page.getByLabel('Note').fill('browser test run');
    const locks = holdLocks([a.id, b.id, e.id], 3000);
    await locks;
    await Promise.all([page.waitForURL(/\/bulk\/run_[0-9a-f]+$/), page.getByRole('button', { name: /^Deactivate the selected customers \(3 eligible\)$/ }).click()]);
    runUrl = page.url();
    assert.equal(await B.text(page.getByRole('status').filter({ hasText: 'bulk run' })), 'The bulk run has started; this page follows its progress.');
    assert.match(await B.text(page.getByRole('heading', { level: 1 })), /^Bulk run run_[0-9a-f]+ (queued|running)$/);
    assert.match(await B.text(page.locator('#progress-text')), /^0 of 3 processed \(0%\): 0 deactivated, 0 refused\.$/);
    assert.match(await B.text(page.locator('#worker-state')), /follows the run by itself/);
    assert.equal(await page.locator('progress').getAttribute('max'), '3');
    await page.evaluate(() => { window.stillTheSamePage = true; });
    await locks.done;
    await until(async () => (await B.text(page.locator('#run-status'))) === 'done', 'the run to finish');
    assert.equal(await page.evaluate(() => window.stillTheSamePage), true, 'updated in place, not reloaded');
    assert.equal(await B.text(page.locator('#progress-text')), '3 of 3 processed (100%): 2 deactivated, 1 refused.');
    assert.equal(await page.locator('#worker-state').count(), 0);
    await until(async () => /^Finished\. 3 of 3 processed/.test(await page.getByRole('status').filter({ hasText: 'Finished' }).innerText()), 'the finish to be announced');
    const outcome = async (x) => B.text(page.locator('#run-items tr', { hasText: x.publicId }).locator('.badge'));
    assert.equal(await outcome(a), 'deactivated');
    assert.equal(await outcome(b), 'deactivated');
    assert.equal(await outcome(e), 'CUSTOMER_HAS_PENDING_ORDERS');
    assert.equal(B.customerStatus(a.publicId), 'inactive');
    assert.equal(B.customerStatus(e.publicId), 'active');
    await B.screenshot(page, 'bulk-run');
    B.assertClean(page);
  });

  test('the outcomes download as CSV', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download outcomes (CSV)' }).click()]);
    assert.match(download.suggestedFilename(), /^run_[0-9a-f]+\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'seq,customer_id,email,first_name,last_name,outcome,done_at');
    const byId = Object.fromEntries(lines.slice(1).map((l) => l.split(',')).map((f) => [f[1], f]));
    assert.deepEqual(Object.keys(byId).sort(), [a.publicId, b.publicId, e.publicId].sort());
    assert.equal(byId[a.publicId][5], 'ok');
    assert.equal(byId[b.publicId][5], 'ok');
    assert.equal(byId[e.publicId][5], 'CUSTOMER_HAS_PENDING_ORDERS');
    assert.equal(byId[a.publicId][2], a.email);
  });

  test('the run is listed on the bulk page, and its customers are gone from the default list', async () => {
    assert.equal(await B.open(page, '/bulk'), 200);
    const runId = runUrl.split('/').pop();
    const row = page.locator('#runs tbody tr', { hasText: runId });
    assert.match(await B.text(row), new RegExp(`^${runId} done admin Data cleanup filter.* 3 2 `));
    assert.equal(await B.open(page, `/customers?q=${encodeURIComponent('Bulkeligible')}`), 200);
    assert.equal(await page.getByRole('link', { name: a.name }).count(), 0);
  });
});

describe('the same without JavaScript', () => {
  let context, page;
  before(async () => {
    ({ context, page } = await B.signIn(browser, 'operator', { context: { javaScriptEnabled: false } }));
  });
  after(async () => {
    await context?.close();
  });

  test('paste, preview, apply; the run page reloads itself until the run is done', async () => {
    const x = B.makeCustomer({ firstName: 'Noor', lastName: 'Noscript' });
    assert.equal(await B.open(page, '/bulk'), 200);
    await page.getByLabel(/One customer id .* per line/).fill(`${x.publicId}\n\ncus_nobody_${B.uid()}\n`);
    await Promise.all([page.waitForURL('**/bulk/preview'), page.getByRole('button', { name: 'Preview', exact: true }).first().click()]);
    assert.equal(await B.text(page.locator('#n-eligible')), '1');
    assert.equal(await B.text(page.locator('#n-not-found')), '1');
    assert.equal(await page.getByRole('checkbox', { name: 'Select all eligible' }).count(), 0, 'no select-all without JavaScript');
    assert.equal(await page.getByRole('checkbox', { name: `Deactivate ${x.publicId}` }).isChecked(), true, 'eligible rows come ticked');
    await page.getByLabel('Fraud prevention').check();
    const locks = holdLocks([x.id], 3000);
    await locks;
    await Promise.all([page.waitForURL(/\/bulk\/run_/), page.getByRole('button', { name: /^Deactivate the selected customers/ }).click()]);
    assert.notEqual(await B.text(page.locator('#run-status')), 'done');
    // the page reloads itself (a meta refresh inside <noscript>)
    const reloaded = page.waitForEvent('load', { timeout: 10_000 });
    await reloaded;
    await locks.done;
    await until(async () => (await B.text(page.locator('#run-status'))) === 'done', 'the run to finish');
    assert.equal(await B.text(page.locator('#progress-text')), '1 of 1 processed (100%): 1 deactivated, 0 refused.');
    assert.equal(B.customerStatus(x.publicId), 'inactive');
  });
});
