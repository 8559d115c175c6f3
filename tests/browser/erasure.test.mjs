// Issue 18: erasing a customer's personal data in Chromium, as an admin
// would: from the inactive customer's page ("Erase personal data…"), reading
// what is erased and what is kept, ticking the confirmation, erasing; then the
// customer page says when and by whom, and offers no edit or reactivation.
// A legal hold set from the customer page takes the erasure away until it is
// lifted. The retention charts, the policy page and a customer's timeline
// are axe-clean too. docs/screenshots/erase.png, erased.png,
// retention-charts.png and retention-policy.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as B from './lib.mjs';

let browser, context, page;
before(async () => {
  browser = await B.launch();
  ({ context, page } = await B.signIn(browser, 'admin'));
});
after(async () => {
  await context?.close();
  await browser?.close();
});

/** An inactive customer deactivated 200 days ago (past the tenant's 3 months). */
function inactiveLongAgo(opts = {}) {
  const c = B.makeCustomer({ status: 'inactive', history: true, ...opts });
  B.sql(`UPDATE customers SET deactivated_at = UTC_TIMESTAMP() - INTERVAL 200 DAY WHERE public_id = ${B.lit(c.publicId)}`);
  return c;
}

describe('erasing personal data', () => {
  test('from the customer page, confirmed, and the page after it', async (t) => {
    const c = inactiveLongAgo({ firstName: 'Greta', lastName: `Forget${B.uid()}` });
    assert.equal(await B.open(page, `/customers/${c.publicId}`), 200);
    await Promise.all([page.waitForURL(/\/erase$/), page.getByRole('link', { name: 'Erase personal data…' }).click()]);
    const main = page.locator('main');
    assert.match(await B.text(page.locator('#erase-list')), new RegExp(`erased-${c.publicId}@erased\\.invalid`));
    assert.match(await B.text(page.locator('#keep-list')), /Orders \(1\) with their lines/);
    await B.assertAxeClean(t, page, 'erase confirmation');
    await B.screenshot(page, 'erase', { fullPage: true });
    // the browser itself refuses the form without the tick
    await page.getByRole('button', { name: 'Erase the personal data' }).click();
    assert.match(page.url(), /\/erase$/, 'not sent without the confirmation');
    await page.getByLabel('I understand that this cannot be undone').check();
    await Promise.all([
      page.waitForURL(new RegExp(`/customers/${c.publicId}$`)),
      page.getByRole('button', { name: 'Erase the personal data' }).click(),
    ]);
    assert.match(await B.text(page.locator('[role=status]').first()), /personal data was erased/);
    assert.match(await B.text(page.locator('#erased')), /Personal data erased on .* by admin; financial records kept until \d{4}-\d\d-\d\d/);
    assert.ok(!(await B.text(main)).includes(c.lastName), 'the name is gone');
    assert.equal(await page.getByRole('link', { name: 'Reactivate…' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Edit' }).count(), 0);
    B.assertClean(page);
    await B.assertAxeClean(t, page, 'customer page after the erasure');
    await B.screenshot(page, 'erased', { fullPage: true });
  });

  test('a legal hold takes the erasure away until it is lifted', async (t) => {
    const c = inactiveLongAgo();
    assert.equal(await B.open(page, `/customers/${c.publicId}`), 200);
    await Promise.all([page.waitForURL(new RegExp(`/customers/${c.publicId}$`)), page.getByRole('button', { name: 'Set a legal hold' }).click()]);
    await page.locator('#legal-hold').waitFor();
    assert.equal(await page.getByRole('link', { name: 'Erase personal data…' }).count(), 0, 'no erasure while held');
    await B.assertAxeClean(t, page, 'customer page with a legal hold');
    assert.equal(await B.open(page, `/customers/${c.publicId}/erase`), 200);
    assert.match(await B.text(page.locator('#erase-checks')), /LEGAL_HOLD/);
    assert.equal(await page.getByRole('button', { name: 'Erase the personal data' }).count(), 0);
    assert.equal(await B.open(page, `/customers/${c.publicId}`), 200);
    await Promise.all([page.waitForURL(new RegExp(`/customers/${c.publicId}$`)), page.getByRole('button', { name: 'Lift the legal hold' }).click()]);
    assert.equal(await page.getByRole('link', { name: 'Erase personal data…' }).count(), 1);
  });

  test('the retention charts and the policy page, axe-clean', async (t) => {
    assert.equal(await B.open(page, '/retention'), 200);
    await page.locator('#deact-chart svg').waitFor();
    assert.equal(await page.locator('#deact-chart-table tbody tr').count() > 0, true, 'the table beside the chart');
    B.assertClean(page);
    await B.assertAxeClean(t, page, 'retention with its charts');
    await B.screenshot(page, 'retention-charts', { fullPage: true });
    assert.equal(await B.open(page, '/retention/policy'), 200);
    await B.assertAxeClean(t, page, 'retention policy');
    await B.screenshot(page, 'retention-policy', { fullPage: true });
    const c = B.makeCustomer({ status: 'inactive', history: true });
    assert.equal(await B.open(page, `/customers/${c.publicId}/retention`), 200);
    await page.locator('#timeline').waitFor();
    await B.assertAxeClean(t, page, 'a customer\'s retention with its timeline');
  });
});
