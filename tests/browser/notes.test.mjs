// Notes on a customer in Chromium, as an operator adds one: the form on the
// customer page, the redirect back to the notes with the flash, the note in
// the list (newest first) and in the database, the retention count, and
// axe on the page before and after. A viewer sees the notes, not the form.
// Makes its own customers. Writes docs/screenshots/notes.png.
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


/** The notes table's rows as the page shows them. */
async function noteRows(page) {
  return page.locator('#notes tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const td = [...tr.querySelectorAll('td')];
      return {
        date: td[0].textContent.trim(),
        kind: td[1].textContent.trim(),
        summary: [...td[2].querySelectorAll('.line')].map((l) => l.textContent).join('\n'),
        followUp: td[3].textContent.trim(),
        by: td[4].childNodes[0].textContent.trim(),
      };
    }),
  );
}

describe('adding a note through the form', () => {
  let context, page;
  before(async () => {
    ({ context, page } = await B.signIn(browser, 'operator'));
  });
  after(async () => {
    await context?.close();
  });

  test('an operator fills the form; the page comes back to the notes with the note on top, the database has it', async (t) => {
    const c = B.makeCustomer({ history: true });
    B.sql(`INSERT INTO customer_notes (tenant_id, customer_id, noted_on, kind, summary, follow_up, created_at, created_by)
           VALUES (1, ${c.id}, '2024-05-01', 'email', 'An older note', NULL, UTC_TIMESTAMP(3), 'admin')`);
    assert.equal(await B.open(page, `/customers/${c.publicId}`), 200);
    await B.assertAxeClean(t, page, 'customer page with a note and the form');
    const form = page.locator('form.note-form');
    assert.ok(await form.isVisible(), 'the operator gets the form');
    // today's date (UTC) is preset; the test sets its own
    assert.match(await page.getByLabel('Date of the contact').inputValue(), /^\d{4}-\d{2}-\d{2}$/);
    await page.getByLabel('Date of the contact').fill('2025-11-28');
    await page.getByLabel('Kind').selectOption('meeting');
    await page.getByLabel('Summary').fill('Met at the office.\nWants a quote for <five> laptops & docks.');
    await page.getByLabel(/Follow up on/).fill('2025-12-12');
    await Promise.all([page.waitForURL(`**/customers/${c.publicId}#notes`), form.getByRole('button', { name: 'Add note' }).click()]);
    await page.waitForLoadState('load');
    assert.match(await B.text(page.locator('.flash[role="status"]')), /The note was added/);
    const rows = await noteRows(page);
    assert.deepEqual(rows[0], {
      date: '2025-11-28', kind: 'Meeting', summary: 'Met at the office.\nWants a quote for <five> laptops & docks.', followUp: '2025-12-12', by: 'operator',
    });
    assert.equal(rows[1].summary, 'An older note', 'newest first');
    assert.deepEqual(B.sql(`SELECT noted_on, kind, summary, follow_up, created_by FROM customer_notes WHERE customer_id = ${c.id} ORDER BY id DESC LIMIT 1`),
      [['2025-11-28', 'meeting', 'Met at the office.\nWants a quote for <five> laptops & docks.', '2025-12-12', 'operator']]);
    assert.match(await B.text(page.locator('#notes-title')), /Notes \(2 kept\)/);
    await B.assertAxeClean(t, page, 'customer page after adding a note');
    await page.locator('#notes').scrollIntoViewIfNeeded();
    await B.screenshot(page, 'notes');
    // the retention summary counts them
    assert.equal(await B.open(page, `/customers/${c.publicId}/retention`), 200);
    const kept = await B.text(page.locator('table.retention tr', { has: page.locator('th', { hasText: /^Notes$/ }) }).locator('td').last());
    assert.equal(kept, '2 notes');
    B.assertClean(page);
  });

  test('the browser refuses an empty summary before sending; no note is written', async () => {
    const c = B.makeCustomer();
    assert.equal(await B.open(page, `/customers/${c.publicId}`), 200);
    await page.locator('form.note-form button[type="submit"]').click();
    assert.equal(await page.getByLabel('Summary').evaluate((el) => el.validity.valueMissing), true);
    assert.equal(page.url().endsWith(`/customers/${c.publicId}`), true, 'still on the page');
    assert.equal(B.sqlValue(`SELECT COUNT(*) FROM customer_notes WHERE customer_id = ${c.id}`), '0');
  });
});

describe('a viewer', () => {
  test('sees the notes but no form', async (t) => {
    const c = B.makeCustomer();
    B.sql(`INSERT INTO customer_notes (tenant_id, customer_id, noted_on, kind, summary, follow_up, created_at, created_by)
           VALUES (1, ${c.id}, '2025-01-02', 'phone', 'Called about a delivery', '2025-01-09', UTC_TIMESTAMP(3), 'operator')`);
    const { context, page } = await B.signIn(browser, 'viewer');
    try {
      assert.equal(await B.open(page, `/customers/${c.publicId}`), 200);
      assert.deepEqual(await noteRows(page), [{ date: '2025-01-02', kind: 'Phone', summary: 'Called about a delivery', followUp: '2025-01-09', by: 'operator' }]);
      assert.equal(await page.locator('form.note-form').count(), 0);
      await B.assertAxeClean(t, page, 'customer page as a viewer');
      B.assertClean(page);
    } finally {
      await context.close();
    }
  });
});
