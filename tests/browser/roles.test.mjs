// What each role sees in Chromium: a viewer sees every page without a
// single action button or form that changes something; an operator sees
// them. Read-only: this file changes nothing but a customer of its own.
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

/** Buttons and links that would change something, by their visible names. */
async function actions(page) {
  const names = await page
    .locator('main a.button, main button, main form[method="post"] [type="submit"]')
    .evaluateAll((els) => els.filter((e) => e.offsetParent !== null).map((e) => e.textContent.replace(/\s+/g, ' ').trim()));
  return names.filter((n) => /deactivate|reactivate|preview|apply|delete/i.test(n));
}

describe('a viewer', () => {
  let context, page, inactive;
  before(async () => {
    ({ context, page } = await B.signIn(browser, 'viewer'));
    inactive = B.makeCustomer({ status: 'inactive' });
  });
  after(async () => {
    await context?.close();
  });

  test('is named a viewer in the header and can read the list', async () => {
    assert.equal(await B.open(page, '/customers'), 200);
    assert.match(await B.text(page.locator('header .who')), / viewer$/);
    assert.equal(await page.locator('table.list tbody tr').count(), 50);
    B.assertClean(page);
  });

  test("sees a customer's page without Deactivate or Reactivate", async () => {
    for (const pid of ['cus_fixture_clean', inactive.publicId]) {
      assert.equal(await B.open(page, `/customers/${pid}`), 200);
      assert.deepEqual(await actions(page), [], `no action on ${pid}`);
      assert.equal(await page.getByRole('link', { name: /Deactivate|Reactivate/ }).count(), 0);
      assert.ok(await page.getByRole('link', { name: 'Retention summary' }).isVisible(), 'reading what is kept is fine');
    }
  });

  test('typing the confirmation URLs shows the record and says the role cannot act', async () => {
    assert.equal(await B.open(page, '/customers/cus_fixture_clean/deactivate'), 200);
    assert.equal(await B.text(page.locator('main .notice')), 'Your role can look but not deactivate customers.');
    assert.equal(await page.locator('main form[method="post"]').count(), 0);
    assert.deepEqual(await actions(page), []);
    assert.ok(await page.locator('ol.checklist').isVisible(), 'the checklist is still there to read');
    assert.equal(await B.open(page, `/customers/${inactive.publicId}/reactivate`), 200);
    assert.equal(await B.text(page.locator('main .notice')), 'Your role can look but not reactivate customers.');
    assert.equal(await page.locator('main form[method="post"]').count(), 0);
    assert.equal(await B.open(page, `/customers/${inactive.publicId}/retention`), 200);
    assert.equal(await page.getByRole('link', { name: /Reactivate/ }).count(), 0);
  });

  test('sees past bulk runs but no form to start one', async () => {
    assert.equal(await B.open(page, '/bulk'), 200);
    assert.equal(await B.text(page.locator('main .notice')), 'Your role can look at past runs but not start one.');
    assert.equal(await page.locator('main form').count(), 0);
    assert.deepEqual(await actions(page), []);
  });

  test('reads the audit log and the retention summary', async () => {
    assert.equal(await B.open(page, '/audit'), 200);
    assert.equal(await B.text(page.getByRole('heading', { level: 1 })), 'Audit log');
    assert.equal(await B.open(page, '/retention'), 200);
    assert.equal(await B.text(page.getByRole('heading', { level: 1 })), 'Retention');
    B.assertClean(page);
  });
});

describe('an operator', () => {
  let context, page;
  before(async () => {
    ({ context, page } = await B.signIn(browser, 'operator'));
  });
  after(async () => {
    await context?.close();
  });

  test('sees the action buttons the viewer does not', async () => {
    assert.equal(await B.open(page, '/customers/cus_fixture_clean'), 200);
    assert.deepEqual(await actions(page), ['Deactivate…']);
    assert.equal(await B.open(page, '/customers/cus_fixture_inactive'), 200);
    assert.deepEqual(await actions(page), ['Reactivate…']);
    assert.equal(await B.open(page, '/bulk'), 200);
    assert.deepEqual(await actions(page), ['Preview', 'Preview file', 'Preview', 'Preview duplicates', 'Preview search']);
  });
});
