// Issue 16: merging a duplicate in Chromium, keyboard and mouse as a person
// would: from the duplicate's page ("Merge into…"), naming the customer to
// keep, reading what moves, ticking the duplicate's e-mail, merging; then
// the customer kept lists the moved records and the duplicate's page says
// where it went. axe-clean; docs/screenshots/merge.png.
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
});
