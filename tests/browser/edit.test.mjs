// Editing a customer's profile in Chromium, as an operator does it: from the
// customer page's "Edit" to the form, a change of phone and billing city, the
// flash, the new values and the history entry; then an invalid form, whose
// errors are announced (an alert summary that takes the focus and links to
// each field, aria-invalid and aria-describedby at the field). axe-clean in
// both states. Writes docs/screenshots/customer-edit.png. Makes its own
// customer.
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


describe('the edit form', () => {
  let context, page, c;

  before(async () => {
    ({ context, page } = await B.signIn(browser, 'operator'));
    c = B.makeCustomer({ company: 'Edit Test BV' });
  });
  after(async () => {
    await context?.close();
  });

  test('Edit from the customer page, change phone and billing city, save: flash, new values, history', async (t) => {
    assert.equal(await B.open(page, `/customers/${c.publicId}`), 200);
    await Promise.all([page.waitForURL(`**/customers/${c.publicId}/edit`), page.getByRole('link', { name: 'Edit', exact: true }).click()]);
    assert.equal(await B.text(page.getByRole('heading', { level: 1 })), `Edit ${c.name} (${c.publicId})`);
    assert.equal(await page.getByLabel('Phone').inputValue(), '+31 20 555 0142', 'pre-filled');
    const billing = page.getByRole('group', { name: 'Billing address' });
    assert.equal(await billing.getByLabel('City').inputValue(), 'Utrecht');
    assert.equal(await page.getByLabel('E-mail').getAttribute('readonly'), '', 'the e-mail is read-only');
    await B.assertAxeClean(t, page, 'edit form');
    await B.screenshot(page, 'customer-edit', { fullPage: true });

    await page.getByLabel('Phone').fill('+31 6 1234 5678');
    await billing.getByLabel('City').fill('Groningen');
    await Promise.all([page.waitForURL(`**/customers/${c.publicId}`), page.getByRole('button', { name: 'Save changes' }).click()]);
    assert.match(await B.text(page.getByRole('status')), /Customer updated/);
    assert.match(await B.text(page.locator('section[aria-labelledby="profile-title"]')), /\+31 6 1234 5678/);
    assert.match(await B.text(page.locator('section[aria-labelledby="addr-title"]')), /Groningen/);
    const history = await B.text(page.locator('section#history'));
    assert.match(history, /operator edit page/);
    assert.match(history, /Phone: \+31 20 555 0142 → \+31 6 1234 5678/);
    assert.match(history, /Billing address, city: Utrecht → Groningen/);
    assert.equal(B.sqlValue(`SELECT phone FROM customers WHERE id = ${c.id}`), '+31 6 1234 5678');
    B.assertClean(page);
  });

  test('an invalid form: the errors are announced, linked and tied to their fields; nothing saved', async (t) => {
    const before0 = B.sql(`SELECT first_name, phone FROM customers WHERE id = ${c.id}`);
    assert.equal(await B.open(page, `/customers/${c.publicId}/edit`), 200);
    await page.getByLabel('First name').fill('');
    await page.getByLabel('Phone').fill('call me maybe');
    const [res] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save changes' }).click()]);
    assert.equal(res.status(), 400);
    assert.match(await page.title(), /^Error: Edit /);
    const alert = page.getByRole('alert');
    assert.match(await B.text(alert), /Nothing was saved: 2 fields need attention/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary', 'the summary has the focus');
    for (const [name, message] of [['firstName', /First name: is required/], ['phone', /Phone: digits, spaces/]]) {
      const field = page.locator(`form.edit-form [name="${name}"]`);
      const label = name;
      assert.equal(await field.getAttribute('aria-invalid'), 'true', `${label}: aria-invalid`);
      const described = (await field.getAttribute('aria-describedby')).split(' ');
      const errorText = await B.text(page.locator(`[id="${described[0]}"]`));
      assert.match(errorText, message, `${label}: its error is tied to it`);
      await expectAccessibleDescription(field, message);
    }
    assert.equal(await page.getByLabel('Phone').inputValue(), 'call me maybe', 'the submitted value is kept');
    // the summary's link takes the focus to the field
    await alert.getByRole('link', { name: /Phone/ }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'phone');
    await B.assertAxeClean(t, page, 'edit form with errors');
    assert.deepEqual(B.sql(`SELECT first_name, phone FROM customers WHERE id = ${c.id}`), before0, 'nothing saved');
    B.assertClean(page);
  });
});

/** The field's accessible description (what a screen reader reads after its name) matches. */
async function expectAccessibleDescription(locator, re) {
  const description = await locator.evaluate((el) =>
    (el.getAttribute('aria-describedby') || '').split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' '));
  assert.match(description, re);
}
