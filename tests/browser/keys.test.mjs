// Issue 19, part 3: the API keys page in Chromium, as an admin would use it:
// API keys from the navigation, a key made through the form (label typed,
// role chosen by keyboard), the key shown once in a field to select and
// with a copy button that works under the site's CSP (static/app.js), the
// curl example's call made, the key on the list without its text, then
// revoked through the confirmation and refused by the API at once. Every
// page axe-clean and no wider than a phone; an operator has no link and
// gets 403. docs/screenshots/api-keys.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as B from './lib.mjs';

let browser, context, page;

/** Does what submits a form and waits for the page its POST answers with. */
async function submit(p, path, act) {
  await Promise.all([
    p.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === 'POST'),
    p.waitForEvent('load'),
    act(),
  ]);
}
const call = (key) => fetch(`${B.BASE_URL}/v1/customers?limit=5`, { headers: { Authorization: `Bearer ${key}`, 'Tenant-ID': 'northwind' } });

before(async () => {
  browser = await B.launch();
  ({ context, page } = await B.signIn(browser, 'admin'));
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: B.BASE_URL });
});
after(async () => {
  await context?.close();
  await browser?.close();
});

describe('API keys', () => {
  const label = `browser key ${B.uid()}`;
  let id, key;

  test('an admin makes a key from the navigation and sees it once, with a working copy button and curl example', async (t) => {
    assert.equal(await B.open(page, '/customers'), 200);
    await Promise.all([page.waitForURL(/\/api-keys$/), page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click()]);
    assert.equal(await page.getByRole('link', { name: 'API keys' }).getAttribute('aria-current'), 'page');
    await B.assertAxeClean(t, page, 'API keys list with the new key form');
    // by keyboard: the label, then the role (arrow keys move a radio group), then submit
    await page.getByLabel(/^Label/).focus();
    await page.keyboard.type(label);
    await page.getByRole('radio', { name: /^viewer/ }).focus();
    assert.equal(await page.getByRole('radio', { name: /^viewer/ }).isChecked(), true, 'viewer by default');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getByRole('radio', { name: /^operator/ }).isChecked(), true, 'the arrow chose operator');
    await page.getByLabel(/^Rate limit/).fill('250');
    await page.getByRole('button', { name: 'Create key' }).focus();
    await submit(page, '/api-keys', () => page.keyboard.press('Enter'));
    assert.equal(await B.text(page.locator('h1')), `API key “${label}” created`);
    assert.match(await B.text(page.locator('main')), /Copy it now: it is not shown again/);
    key = await page.getByLabel(/^Key \(#\d+, role operator\)/).inputValue();
    assert.match(key, /^cust_[A-Za-z0-9_-]{43}$/);
    id = /#(\d+)/.exec(await B.text(page.locator('label[for="api-key"]')))[1];
    assert.deepEqual(B.sql(`SELECT label, role, rate_limit, created_by, LOWER(HEX(key_hash)) = SHA2(${B.lit(key)}, 256) FROM api_keys WHERE id = ${id}`),
      [[label, 'operator', '250', 'admin', '1']]);
    // the field is readonly, and selecting it selects the whole key
    assert.equal(await page.locator('#api-key').getAttribute('readonly'), '');
    await page.locator('#api-key').focus();
    await page.locator('#api-key').selectText();
    assert.equal(await page.evaluate(() => { const i = document.getElementById('api-key'); return i.value.slice(i.selectionStart, i.selectionEnd); }), key);
    // the copy button: shown by static/app.js (no inline script under the CSP), copies the key
    assert.equal(await page.getByRole('button', { name: 'Copy key' }).isVisible(), true, 'the copy button is shown where the clipboard works');
    const copy = page.locator('button.copy').first(); // (its name becomes "Copied")
    await copy.click();
    await B.until(async () => (await B.text(copy)) === 'Copied', 'the button says it copied');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key, 'the clipboard holds the key');
    // the curl example, copied the same way, names this site, the key and the tenant
    const curl = await page.getByLabel(/^A first call/).inputValue();
    assert.equal(curl, `curl -H "Authorization: Bearer ${key}" -H "Tenant-ID: northwind" ${B.BASE_URL}/v1/customers?limit=5`);
    await page.getByRole('button', { name: 'Copy command' }).click();
    await B.until(async () => (await page.evaluate(() => navigator.clipboard.readText())) === curl, 'the clipboard holds the command');
    const r = await call(key);
    assert.equal(r.status, 200, 'the key works on the API');
    B.assertClean(page);
    await B.assertAxeClean(t, page, 'key created, shown once');
    // the way back, and the key is gone
    await Promise.all([page.waitForURL(/\/api-keys$/), page.getByRole('link', { name: 'Back to the API keys' }).click()]);
    assert.ok(!(await page.content()).includes(key), 'the list does not show the key');
    const row = page.locator(`#key-${id}`);
    assert.match(await B.text(row), new RegExp(`^${label} #${id} operator ${key.slice(0, 12)}… .* by admin \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC active 250 Revoke…$`), 'the call is its last use');
  });

  test('revoked through the confirmation: the API refuses it at once', async (t) => {
    assert.ok(id, 'the key of the first test');
    assert.equal(await B.open(page, '/api-keys'), 200);
    await Promise.all([page.waitForURL(new RegExp(`/api-keys/${id}/revoke$`)), page.getByRole('link', { name: `Revoke ${label}` }).click()]);
    assert.equal(await B.text(page.locator('h1')), `Revoke the API key “${label}”?`);
    await B.assertAxeClean(t, page, 'revoke confirmation');
    await submit(page, `/api-keys/${id}/revoke`, () => page.getByRole('button', { name: 'Revoke the key' }).click());
    assert.equal(new URL(page.url()).pathname, '/api-keys');
    assert.match(await B.text(page.locator('.flash')), /The API key is revoked/);
    assert.equal(await page.locator(`#key-${id}`).getAttribute('data-state'), 'revoked');
    assert.equal(await page.locator(`#key-${id} a`).count(), 0, 'no revoke link any more');
    assert.equal((await call(key)).status, 401);
    assert.deepEqual(B.sql(`SELECT actor, action, outcome FROM audit_log WHERE subject = ${B.lit(`key ${id} (${label})`)} ORDER BY id`),
      [['admin', 'api_key_create', 'ok'], ['admin', 'api_key_revoke', 'ok']]);
    B.assertClean(page);
    await B.assertAxeClean(t, page, 'API keys list after a revocation');
    await B.screenshot(page, 'api-keys');
  });

  test('an operator has no link and is refused the page', async () => {
    const o = await B.signIn(browser, 'operator');
    try {
      assert.equal(await B.open(o.page, '/customers'), 200);
      assert.equal(await o.page.getByRole('link', { name: 'API keys' }).count(), 0);
      assert.equal(await B.open(o.page, '/api-keys'), 403);
    } finally {
      await o.context.close();
    }
  });

  test('in a narrow window: nothing wider than the screen', async () => {
    const n = await B.signIn(browser, 'admin', { viewport: B.NARROW });
    try {
      for (const path of ['/api-keys', `/api-keys/${id}/revoke`]) {
        assert.equal(await B.open(n.page, path), 200);
        assert.equal(await B.overflowsHorizontally(n.page), false, `${path} sticking out: ${(await B.widestElements(n.page)).join('; ')}`);
      }
    } finally {
      await n.context.close();
    }
  });
});
