// Bulk clean-up from a file in Chromium (issue 16, item 1): a CSV chosen with
// the file input, its columns shown with the e-mail column picked from the
// header, another column chosen (the form posts the file back), the preview
// of that column, a bad file's error page; axe on every page. Every customer
// here is made by the test, under an e-mail domain of its own.
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

describe('a CSV file uploaded, its column picked, the preview seen', () => {
  let context, page, a, b, c, x, y;
  before(async () => {
    ({ context, page } = await B.signIn(browser, 'operator'));
    const domain = `${B.uid(4)}.upload-browser.invalid`;
    a = B.makeCustomer({ domain, firstName: 'Ada', lastName: 'Uploaded' });
    b = B.makeCustomer({ domain, firstName: 'Bo', lastName: 'Uploaded', device: true });
    c = B.makeCustomer({ domain, firstName: 'Cy', lastName: 'Uploaded' });
    x = B.makeCustomer({ domain, firstName: 'Xi', lastName: 'Backup' });
    y = B.makeCustomer({ domain, firstName: 'Yu', lastName: 'Backup' });
  });
  after(async () => {
    await context?.close();
  });

  test('the file form: a file input with its label, then the columns with the e-mail column chosen from the header and its preview', async (t) => {
    assert.equal(await B.open(page, '/bulk'), 200);
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Upload a file' }) });
    assert.equal(await form.getAttribute('enctype'), 'multipart/form-data');
    await B.assertAxeClean(t, page, '/bulk');
    const csv = '\ufeffName;E-mail;Backup e-mail\r\n' +
      `"Uploaded; Ada";${a.email};${x.email}\r\n` +
      `"Bo ""the device"" Uploaded";${b.email};${y.email}\r\n` +
      `Cy;${c.email};\r\n`;
    await form.getByLabel(/A CSV or text file/).setInputFiles({ name: 'clean-up.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await Promise.all([page.waitForURL('**/bulk/preview'), form.getByRole('button', { name: 'Preview file' }).click()]);
    assert.equal(await B.text(page.getByRole('heading', { level: 1 })), 'Preview: nothing has changed yet');
    assert.equal(await B.text(page.getByRole('heading', { name: /^Columns of/ })), 'Columns of clean-up.csv');
    assert.equal(await B.text(page.locator('#file-facts')), '3 lines of values in 3 columns, separated by semicolons, UTF-8 with a byte order mark; the first line names the columns.');
    assert.equal(await page.getByRole('radio', { name: 'E-mail', exact: true }).isChecked(), true);
    assert.match(await B.text(page.locator('#column-chosen')), /^Using E-mail \(chosen from the header\)/);
    assert.match(await B.text(page.locator('#columns tbody tr').first()), /Uploaded; Ada/);
    assert.equal(await B.text(page.locator('#n-eligible')), '2');
    assert.equal(await B.text(page.locator('#n-blocked')), '1');
    assert.equal(await page.getByRole('checkbox', { name: `Deactivate ${a.publicId}` }).isChecked(), true);
    assert.equal(await page.locator('#preview tbody tr', { hasText: b.publicId }).locator('input[type="checkbox"]').count(), 0);
    await B.assertAxeClean(t, page, 'the file preview');
    B.assertClean(page);
  });

  test('choosing another column posts the file back and previews that column', async (t) => {
    await page.getByRole('radio', { name: 'Backup e-mail' }).check();
    await Promise.all([page.waitForURL('**/bulk/preview'), page.getByRole('button', { name: 'Preview with this column' }).click()]);
    assert.match(await B.text(page.locator('#column-chosen')), /^Using Backup e-mail \(chosen by you\)/);
    assert.equal(await page.getByRole('radio', { name: 'Backup e-mail' }).isChecked(), true);
    assert.equal(await B.text(page.locator('#n-eligible')), '2');
    const rows = page.locator('#preview tbody tr');
    assert.equal(await rows.count(), 2, 'the blank value of the last line is skipped');
    assert.match(await B.text(rows.nth(0)), new RegExp(x.publicId));
    assert.match(await B.text(rows.nth(1)), new RegExp(y.publicId));
    assert.match(await page.locator('input[name="source"]').inputValue(), /^file clean-up\.csv \(Backup e-mail\), 2 values$/);
    await B.assertAxeClean(t, page, 'the preview of another column');
    B.assertClean(page);
    assert.equal(B.customerStatus(x.publicId), 'active', 'a preview changes nothing');
  });

  test('a file without an obvious column: choose it first, by keyboard', async (t) => {
    assert.equal(await B.open(page, '/bulk'), 200);
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Upload a file' }) });
    await form.getByLabel(/A CSV or text file/).setInputFiles({ name: 'contacts.txt', mimeType: 'text/plain', buffer: Buffer.from(`who\tcontact\nAda\t${a.email}\nCy\t${c.email}\n`) });
    await Promise.all([page.waitForURL('**/bulk/preview'), form.getByRole('button', { name: 'Preview file' }).click()]);
    assert.match(await B.text(page.locator('#column-choose')), /^Choose the column/);
    assert.equal(await page.locator('#preview').count(), 0, 'no preview before a column is chosen');
    await B.assertAxeClean(t, page, 'the column choice');
    await page.getByRole('radio', { name: 'contact' }).focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await Promise.all([page.waitForURL('**/bulk/preview'), page.keyboard.press('Enter')]);
    assert.equal(await B.text(page.locator('#n-eligible')), '2');
    B.assertClean(page);
  });

  test('a bad file: a 400 page naming the line and the problem', async (t) => {
    assert.equal(await B.open(page, '/bulk'), 200);
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Upload a file' }) });
    await form.getByLabel(/A CSV or text file/).setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from(`email,name\n${a.email},"Ada\n${c.email},Cy\n`) });
    const [res] = await Promise.all([page.waitForResponse('**/bulk/preview'), form.getByRole('button', { name: 'Preview file' }).click()]);
    assert.equal(res.status(), 400);
    await page.waitForLoadState('load');
    assert.match(await B.text(page.locator('main')), /file: line 2: unterminated quoted field/);
    await B.assertAxeClean(t, page, 'the bad file page');
    B.assertClean(page);
    assert.equal(B.customerStatus(a.publicId), 'active');
  });
});
