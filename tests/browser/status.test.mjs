// Issue 19, part 2: the admins' Status page in Chromium. An admin reaches
// it from the navigation and finds the figures of /metrics (workers, the
// database's events, requests by route, changes by outcome, the work in
// the database); it is axe-clean and no wider than a phone; a viewer has
// no Status link and gets 403. docs/screenshots/status.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as B from './lib.mjs';

let browser;
before(async () => {
  browser = await B.launch();
});
after(async () => {
  await browser?.close();
});

describe('the Status page', () => {
  test('an admin reaches it from the navigation and reads the figures', async (t) => {
    const { context, page } = await B.signIn(browser, 'admin');
    try {
      assert.equal(await B.open(page, '/customers'), 200);
      await Promise.all([page.waitForURL(/\/status$/), page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Status' }).click()]);
      assert.equal(await page.getByRole('link', { name: 'Status' }).getAttribute('aria-current'), 'page');
      assert.equal(await B.text(page.locator('h1')), 'Status');
      // the list page this test opened is counted, with its 2xx
      const row = page.locator('#route-customers');
      const cells = await row.locator('td').allInnerTexts();
      assert.ok(Number(cells[0]) >= 1 && Number(cells[1]) >= 1, `customers row: ${cells}`);
      assert.match(await B.text(page.locator('#workers-busy')), /^[1-9]\d*$/, 'the worker answering is busy');
      assert.match(await B.text(page.locator('#listen-queue')), /^\d+ \/ \d+$/);
      assert.equal(await page.locator('#work').count(), 1, 'the work in the database');
      B.assertClean(page);
      await B.assertAxeClean(t, page, 'status page');
      await B.screenshot(page, 'status', { fullPage: true });
      await page.setViewportSize(B.NARROW);
      assert.equal(await B.overflowsHorizontally(page), false, 'no wider than a phone');
      await B.assertAxeClean(t, page, 'status page, narrow');
    } finally {
      await context.close();
    }
  });

  test('a viewer has no Status link, and the page refuses them', async () => {
    const { context, page } = await B.signIn(browser, 'viewer');
    try {
      assert.equal(await B.open(page, '/customers'), 200);
      assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Status' }).count(), 0);
      assert.equal(await B.open(page, '/status'), 403);
    } finally {
      await context.close();
    }
  });
});
