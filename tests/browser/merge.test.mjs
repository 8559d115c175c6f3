// Issue 16: merging a duplicate in Chromium, keyboard and mouse as a person
// would: from the duplicate's page ("Merge into…"), naming the customer to
// keep, reading what moves, ticking the duplicate's e-mail, merging; then
// the customer kept lists the moved records and the duplicate's page says
// where it went; and possible duplicates merged through a bulk run from the
// duplicates preview. axe-clean; docs/screenshots/merge.png, bulk-merge.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as B from './lib.mjs';

let browser, context, page;
before(async () => {
  browser = await B.launch();
  ({ context, page } = await B.signIn(browser, 'operator'));
});
after(async () => {
  await context?.close();
  await browser?.close();
});

describe('merging a duplicate', () => {
  test('from its page, into the customer named, with a field taken from it', async (t) => {
    const keep = B.makeCustomer({ firstName: 'Marta', lastName: `Keep${B.uid()}` });
    const dup = B.makeCustomer({ firstName: 'Marta', lastName: keep.lastName, history: true, subscription: true });
    assert.equal(await B.open(page, `/customers/${dup.publicId}`), 200);
    await Promise.all([page.waitForURL(/\/merge$/), page.getByRole('link', { name: 'Merge into…' }).click()]);
    await page.getByLabel(/Customer to keep/).fill(keep.publicId);
    await Promise.all([page.waitForURL(/\?into=/), page.getByLabel(/Customer to keep/).press('Enter')]);
    const main = page.locator('main');
    for (const id of [`ord_${dup.tag}_h`, `sub_${dup.tag}_h`, `sub_${dup.tag}_a`, `pay_${dup.tag}_1`, `pay_${dup.tag}_2`])
      assert.ok((await B.text(main)).includes(id), `${id} is listed as moving`);
    const take = page.getByRole('checkbox', { name: "Take the duplicate's E-mail" });
    assert.equal(await take.isChecked(), false, 'the kept value is the default');
    await take.check();
    await B.assertAxeClean(t, page, 'merge confirmation');
    await B.screenshot(page, 'merge', { fullPage: true });
    await Promise.all([
      page.waitForURL(new RegExp(`/customers/${keep.publicId}$`)),
      page.getByRole('button', { name: `Merge ${dup.publicId} into ${keep.publicId}` }).click(),
    ]);
    assert.match(await B.text(page.locator('.flash, [role=status]').first()), /merged into this customer/);
    assert.ok((await B.text(main)).includes(`sub_${dup.tag}_a`), 'the moved rental is on the customer kept');
    assert.ok((await B.text(main)).includes(dup.email), 'the e-mail taken from the duplicate');
    B.assertClean(page);
    await B.assertAxeClean(t, page, 'customer kept after the merge');
    assert.equal(await B.open(page, `/customers/${dup.publicId}`), 200);
    assert.match(await B.text(page.locator('#merged')), new RegExp(`Merged into ${keep.publicId}`));
    await Promise.all([page.waitForURL(new RegExp(`/customers/${keep.publicId}$`)), page.locator('#merged a').first().click()]);
  });

  test('possible duplicates, merged through a bulk run from the duplicates preview', async (t) => {
    const email = `bm${B.uid()}@browser-test.invalid`;
    const keep = B.makeCustomer({ firstName: 'Jonas', email });
    const dup = B.makeCustomer({ firstName: 'Jonas', email: email.toUpperCase(), history: true, subscription: true });
    assert.equal(await B.open(page, '/bulk'), 200);
    await Promise.all([page.waitForURL(/\/bulk\/preview$/), page.getByRole('button', { name: 'Preview duplicates' }).click()]);
    const mine = page.getByRole('checkbox', { name: `Merge ${dup.publicId} into ${keep.publicId} in the merge run` });
    assert.equal(await mine.isChecked(), true, 'ticked for the merge run by default');
    // only this test's duplicate goes into the run: the demo's own stay as they are
    for (const box of await page.locator('input[name=pair]').all())
      if ((await box.getAttribute('value')) !== `${dup.publicId}>${keep.publicId}`) await box.uncheck();
    await B.assertAxeClean(t, page, 'duplicates preview with the merge form');
    await Promise.all([page.waitForURL(/\/bulk\/run_[0-9a-f]{10}$/), page.getByRole('button', { name: /Merge the ticked duplicates/ }).click()]);
    assert.match(await B.text(page.locator('.flash, [role=status]').first()), /merge run has started/);
    await B.until(async () => /1 of 1 processed \(100%\): 1 merged, 0 refused/.test(await B.text(page.locator('#progress-text'))), 'the run merged the duplicate');
    assert.ok((await B.text(page.locator('#run-items'))).includes(`into ${keep.publicId}`));
    B.assertClean(page);
    await B.assertAxeClean(t, page, 'merge run');
    await B.screenshot(page, 'bulk-merge', { fullPage: true });
    assert.equal(await B.open(page, `/customers/${dup.publicId}`), 200);
    assert.match(await B.text(page.locator('#merged')), new RegExp(`Merged into ${keep.publicId}`));
    assert.equal(await B.open(page, `/customers/${keep.publicId}`), 200);
    assert.ok((await B.text(page.locator('main'))).includes(`sub_${dup.tag}_a`), 'the rental moved to the customer kept');
  });
});
