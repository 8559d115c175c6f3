// Undoing a bulk run in Chromium, as an admin walks it: a small run applied
// from a pasted list, one of its customers reactivated by hand since, then
// "Undo this run…" on the run's page, the confirmation (what will be
// reactivated, who is left alone and why), the undo run followed on its own
// page until done, and the links both ways. axe-core on both new pages; an
// operator sees no undo control and is refused the page. Writes
// docs/screenshots/bulk-undo.png.
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

/** Polls fn until it returns a truthy value. */
const until = B.until;

describe('undo a bulk run from its page', () => {
  let context, page, cs, woken, runUrl, runId, undoId;
  before(async () => {
    ({ context, page } = await B.signIn(browser, 'admin'));
    const domain = `${B.uid(4)}.undo-browser.invalid`;
    cs = ['Ada', 'Bo', 'Cor'].map((firstName) => B.makeCustomer({ domain, firstName, lastName: 'Undone' }));
    woken = B.makeCustomer({ domain, firstName: 'Wim', lastName: 'Wokeup' });
  });
  after(async () => {
    await context?.close();
  });

  test('a run deactivates four customers; one of them is reactivated by hand afterwards', async () => {
    assert.equal(await B.open(page, '/bulk'), 200);
    await page.getByLabel(/One customer id .* per line/).fill([...cs, woken].map((c) => c.publicId).join('\n'));
    await Promise.all([page.waitForURL('**/bulk/preview'), page.getByRole('button', { name: 'Preview', exact: true }).first().click()]);
    assert.equal(await B.text(page.locator('#n-eligible')), '4');
    await page.getByLabel('Data cleanup').check();
    await Promise.all([page.waitForURL(/\/bulk\/run_[0-9a-f]+$/), page.getByRole('button', { name: /^Deactivate the selected customers/ }).click()]);
    runUrl = page.url();
    runId = runUrl.split('/').pop();
    await until(async () => (await B.text(page.locator('#run-status'))) === 'done', 'the run to finish');
    assert.equal(await B.text(page.locator('#progress-text')), '4 of 4 processed (100%): 4 deactivated, 0 refused.');
    // the undo is offered once the run is done (the page updates in place)
    await until(async () => (await page.getByRole('link', { name: 'Undo this run…' }).count()) === 1, 'the undo link');

    assert.equal(await B.open(page, `/customers/${woken.publicId}/reactivate`), 200);
    await Promise.all([page.waitForURL((u) => u.pathname === `/customers/${woken.publicId}`), page.getByRole('button', { name: /^Reactivate / }).click()]);
    assert.equal(B.customerStatus(woken.publicId), 'active');
    B.assertClean(page);
  });

  test('the confirmation says how many will be reactivated and who is left alone, and why', async (t) => {
    assert.equal(await B.open(page, runUrl), 200);
    await Promise.all([page.waitForURL(`**/bulk/${runId}/undo`), page.getByRole('link', { name: 'Undo this run…' }).click()]);
    assert.equal(await B.text(page.getByRole('heading', { level: 1 })), `Undo bulk run ${runId}?`);
    assert.match(await B.text(page.locator('#undo-summary')), /^3 of the 4 customers this run deactivated will be reactivated: .* 1 changed since and will be left alone\.$/);
    const left = page.locator('#left-alone tbody tr');
    assert.equal(await left.count(), 1);
    assert.match(await B.text(left), new RegExp(`^${woken.publicId} Wim Wokeup .* ALREADY_ACTIVE Reactivated since: active now\\.$`));
    assert.ok(await page.getByRole('button', { name: 'Reactivate 3 customers' }).isEnabled());
    for (const c of cs) assert.equal(B.customerStatus(c.publicId), 'inactive', 'the confirmation changes nothing');
    await B.assertAxeClean(t, page, 'the undo confirmation');
    await B.screenshot(page, 'bulk-undo', { fullPage: true });
    B.assertClean(page);
  });

  test('confirming starts the undo run; its page follows it to the end and links back to the run it undoes', async (t) => {
    await Promise.all([page.waitForURL(/\/bulk\/run_[0-9a-f]+$/), page.getByRole('button', { name: 'Reactivate 3 customers' }).click()]);
    undoId = page.url().split('/').pop();
    assert.notEqual(undoId, runId);
    assert.equal(await B.text(page.getByRole('status').filter({ hasText: 'undo' })), 'The undo has started: a new bulk run reactivates the customers; this page follows it.');
    await until(async () => (await B.text(page.locator('#run-status'))) === 'done', 'the undo run to finish');
    assert.equal(await B.text(page.locator('#progress-text')), '3 of 3 processed (100%): 3 reactivated, 0 refused.');
    for (const c of cs) {
      assert.equal(await B.text(page.locator('#run-items tr', { hasText: c.publicId }).locator('.badge')), 'reactivated');
      assert.equal(B.customerStatus(c.publicId), 'active');
    }
    assert.equal(await page.locator('#run-items tr', { hasText: woken.publicId }).count(), 0, 'the customer left alone is not in the undo');
    assert.equal(await page.getByRole('link', { name: 'Undo this run…' }).count(), 0, 'an undo cannot be undone');
    await B.assertAxeClean(t, page, 'the undo run');
    await Promise.all([page.waitForURL(`**/bulk/${runId}`), page.locator('#undo-of').getByRole('link', { name: runId }).click()]);
    assert.equal(await B.text(page.locator('#undone-by')), `This run was undone by ${undoId}.`);
    assert.equal(await page.getByRole('link', { name: 'Undo this run…' }).count(), 0, 'a run is undone once');
    await Promise.all([page.waitForURL(`**/bulk/${undoId}`), page.locator('#undone-by').getByRole('link', { name: undoId }).click()]);
    B.assertClean(page);
  });

  test('an operator sees no undo control and may not open the confirmation', async () => {
    const op = await B.signIn(browser, 'operator');
    try {
      assert.equal(await B.open(op.page, runUrl), 200);
      assert.equal(await op.page.getByRole('link', { name: 'Undo this run…' }).count(), 0);
      assert.equal(await B.open(op.page, `/bulk/${runId}/undo`), 403);
      B.assertClean(op.page);
    } finally {
      await op.context.close();
    }
  });
});
