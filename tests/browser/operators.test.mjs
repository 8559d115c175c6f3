// Issue 19: the Operators page in Chromium, as an admin uses it: reached
// from the navigation, an operator added through the form by keyboard,
// demoted with its row's role select, disabled and enabled again with its
// buttons; the last admin's own demotion refused with a page that says
// why; an operator has no link and a 403; every page axe-clean and no
// wider than a phone. docs/screenshots/operators.png. The operators made
// here are disabled at the end (nothing may delete them).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as B from './lib.mjs';

let browser, context, page;
const made = [];

/** Does what submits a form and waits for the page its POST answers with. */
async function submit(p, path, act) {
  await Promise.all([
    p.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === 'POST'),
    p.waitForEvent('load'),
    act(),
  ]);
}
const opRow = (login) => B.sql(`SELECT role, display_name, disabled_at IS NOT NULL, created_by FROM operators WHERE username = ${B.lit(login)}`);

before(async () => {
  browser = await B.launch();
  ({ context, page } = await B.signIn(browser, 'admin'));
});
after(async () => {
  if (made.length) B.sql(`UPDATE operators SET disabled_at = UTC_TIMESTAMP(), disabled_by = 'tests' WHERE disabled_at IS NULL AND username IN (${made.map((l) => B.lit(l)).join(', ')})`);
  await context?.close();
  await browser?.close();
});

describe('operators', () => {
  const login = `br${B.uid()}`;
  const row = () => page.locator(`tr[data-username="${login}"]`);

  test('an admin adds an operator from the navigation, by keyboard', async (t) => {
    assert.equal(await B.open(page, '/customers'), 200);
    await Promise.all([page.waitForURL(/\/operators$/), page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Operators' }).click()]);
    assert.equal(await page.getByRole('link', { name: 'Operators' }).getAttribute('aria-current'), 'page');
    assert.match(await B.text(page.locator('h1')), /^Operators$/);
    await B.assertAxeClean(t, page, 'operators list with the add form');
    await page.getByLabel(/^Login/).focus();
    await page.keyboard.type(login);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Browser Tester');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'role', 'Tab reaches the role');
    await page.getByLabel('Role', { exact: true }).selectOption('operator');
    await page.getByRole('button', { name: 'Add operator' }).focus();
    await submit(page, '/operators', () => page.keyboard.press('Enter'));
    made.push(login);
    assert.match(page.url(), /\/operators$/, 'back on the list (303)');
    assert.match(await B.text(page.locator('.flash')), /The operator was added/);
    assert.deepEqual(opRow(login), [['operator', 'Browser Tester', '0', 'admin']]);
    assert.match(await B.text(row()), new RegExp(`^${login} Browser Tester .*enabled since `));
    assert.equal(await row().getByRole('combobox', { name: `Role of ${login}` }).inputValue(), 'operator');
    B.assertClean(page);
    await B.assertAxeClean(t, page, 'operators list after an addition');
  });

  test('demoted with its row\'s role select, disabled and enabled again with its buttons', async (t) => {
    assert.equal(await B.open(page, '/operators'), 200);
    await row().getByRole('combobox', { name: `Role of ${login}` }).selectOption('viewer');
    await submit(page, `/operators/${login}/role`, () => row().getByRole('button', { name: `Change role of ${login}` }).click());
    assert.match(await B.text(page.locator('.flash')), /The role was changed/);
    assert.equal(opRow(login)[0][0], 'viewer');
    assert.equal(await row().getByRole('combobox', { name: `Role of ${login}` }).inputValue(), 'viewer');
    await submit(page, `/operators/${login}/disable`, () => row().getByRole('button', { name: `Disable ${login}` }).click());
    assert.match(await B.text(page.locator('.flash')), /The operator was disabled/);
    assert.equal(opRow(login)[0][2], '1');
    assert.match(await B.text(row()), /disabled since .*, by admin/);
    B.assertClean(page);
    await B.assertAxeClean(t, page, 'operators list with a disabled operator');
    await B.screenshot(page, 'operators', { fullPage: true });
    await submit(page, `/operators/${login}/enable`, () => row().getByRole('button', { name: `Re-enable ${login}` }).click());
    assert.match(await B.text(page.locator('.flash')), /enabled again/);
    assert.equal(opRow(login)[0][2], '0');
    B.assertClean(page);
  });

  test('the last admin demoting themselves: a page that says why, nothing changed', async (t) => {
    assert.equal(await B.open(page, '/operators'), 200);
    const me = page.locator('tr[data-username="admin"]');
    assert.match(await B.text(me), /\(you\)/);
    await me.getByRole('combobox', { name: 'Role of admin' }).selectOption('viewer');
    const [res] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/operators/admin/role' && r.request().method() === 'POST'),
      page.waitForEvent('load'),
      me.getByRole('button', { name: 'Change role of admin' }).click(),
    ]);
    assert.equal(res.status(), 409);
    assert.match(await B.text(page.locator('main')), /LAST_ADMIN/);
    assert.match(await B.text(page.locator('main')), /only enabled admin/);
    assert.equal(B.sqlValue("SELECT role FROM operators WHERE username = 'admin'"), 'admin');
    await B.assertAxeClean(t, page, 'the LAST_ADMIN refusal');
    B.assertClean(page);
  });

  test('an operator has no link to the page and is refused it', async () => {
    const o = await B.signIn(browser, 'operator');
    try {
      assert.equal(await B.open(o.page, '/customers'), 200);
      assert.equal(await o.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Operators' }).count(), 0);
      assert.equal(await B.open(o.page, '/operators'), 403);
      B.assertClean(o.page);
    } finally {
      await o.context.close();
    }
  });

  test('in a narrow window: nothing wider than the screen', async () => {
    const n = await B.signIn(browser, 'admin', { viewport: B.NARROW });
    try {
      assert.equal(await B.open(n.page, '/operators'), 200);
      assert.equal(await B.overflowsHorizontally(n.page), false, `/operators sticking out: ${(await B.widestElements(n.page)).join('; ')}`);
      B.assertClean(n.page);
    } finally {
      await n.context.close();
    }
  });
});
