// Issue 15: the search box in Chromium, typed and submitted with the
// keyboard, on the fixtures and a customer made here: an id of each kind lands on its customer's
// page with the record highlighted and announced in the "Found" line; a
// phone number, an e-mail domain and a surname inside a double-barrelled
// name list their customers; another tenant's id finds nothing. axe-clean.
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

/** Types term into the search box and presses Enter; waits for the next page. */
async function searchFor(term) {
  assert.equal(await B.open(page, '/customers'), 200);
  const box = page.getByLabel('Search', { exact: true });
  await box.fill(term);
  await Promise.all([page.waitForLoadState('load'), page.waitForURL((u) => !u.href.endsWith('/customers')), box.press('Enter')]);
}

const listed = () => page.locator('table.list tbody code.id').allTextContents();

describe('the search box', () => {
  test('an id jumps to its customer, the record highlighted', async (t) => {
    for (const [term, customer, row] of [
      ['cus_fixture_clean', 'cus_fixture_clean', null],
      ['ord_fixture_all_partial', 'cus_fixture_all_three', 'order-ord_fixture_all_partial'],
      ['SN-FIXTURE-ALL', 'cus_fixture_all_three', 'rec-SN-FIXTURE-ALL'],
      ['sub_fixture_all', 'cus_fixture_all_three', 'rec-sub_fixture_all'],
    ]) {
      await searchFor(term);
      assert.equal(new URL(page.url()).pathname, `/customers/${customer}`, term);
      if (!row) continue;
      const tr = page.locator('tr.highlight');
      assert.equal(await tr.count(), 1, `${term}: one highlighted row`);
      assert.equal(await tr.getAttribute('id'), row);
      assert.ok(await tr.isVisible());
      assert.match(await B.text(page.locator('#found')), new RegExp(`^Found: \\w+ ${term}, highlighted below`));
      const bg = await tr.locator('td').first().evaluate((td) => getComputedStyle(td).backgroundColor);
      assert.notEqual(bg, 'rgba(0, 0, 0, 0)', `${term}: the highlight is visible`);
      B.assertClean(page);
      await B.assertAxeClean(t, page, `customer page, ${term} highlighted`);
    }
  });

  test('a phone number, a domain and a surname list their customers', async (t) => {
    const w = B.uid();
    const c = B.makeCustomer({ firstName: 'Harriet', lastName: `Ashby-Qz${w}`, domain: `qd${w}.example` });
    // unique digits whose last six start with 7 (a term's leading 0 is a trunk prefix)
    const digits = `9${String(Date.now() % 1e6).padStart(6, '1')}7${w.replace(/\D/g, '').padEnd(5, '3').slice(0, 5)}`;
    B.sql(`UPDATE customers SET phone = ${B.lit(`+44 ${digits}`)} WHERE public_id = ${B.lit(c.publicId)}`);
    for (const term of [`+44 ${digits}`, `(0${digits.slice(0, 4)}) ${digits.slice(4)}`, digits.slice(-6), `qd${w}.example`, `qz${w}`]) {
      await searchFor(term);
      assert.equal(new URL(page.url()).pathname, '/customers', term);
      const ids = await listed();
      if (term === digits.slice(-6)) assert.ok(ids.includes(c.publicId), `${term} lists the customer`);
      else assert.deepEqual(ids, [c.publicId], `${term} lists the customer`);
      assert.equal(await page.getByLabel('Search', { exact: true }).inputValue(), term, 'the box keeps the term');
    }
    await B.assertAxeClean(t, page, 'customer list, searched by a surname');
  });

  test("another tenant's id finds nothing and says so", async () => {
    await searchFor('cus_fixture_globex');
    assert.equal(new URL(page.url()).pathname, '/customers');
    assert.deepEqual(await listed(), []);
    assert.match(await B.text(page.locator('main')), /No customer matches this search/);
    assert.doesNotMatch(await B.text(page.locator('main')), /Gina|Globex Rentals/);
  });
});
