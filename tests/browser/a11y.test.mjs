// Accessibility in Chromium: axe-core on every page (no serious or critical
// violation; every violation found is printed per page), the page
// structure (lang, title, landmarks, one h1), no inline script or style
// under the CSP, and the keyboard alone: skip link, visible focus, sorting,
// and a whole deactivation without a mouse. Makes its own customers.
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

const SEVERE = new Set(['serious', 'critical']);

/** axe on the page as it is; prints every violation, fails on serious or critical. */
async function checkAxe(t, page, label) {
  const violations = await B.axe(page);
  const byImpact = {};
  for (const v of violations) byImpact[v.impact] = (byImpact[v.impact] || 0) + 1;
  const counts = ['critical', 'serious', 'moderate', 'minor'].map((i) => `${i} ${byImpact[i] || 0}`).join(', ');
  t.diagnostic(`axe ${label}: ${violations.length} violation(s) (${counts})`);
  for (const line of B.describeViolations(violations)) t.diagnostic(`  ${line}`);
  const severe = violations.filter((v) => SEVERE.has(v.impact));
  assert.deepEqual(B.describeViolations(severe), [], `no serious or critical accessibility violations on ${label}`);
}

/** lang, title, landmarks, one h1, no inline script or style. */
async function checkStructure(page, label) {
  const s = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    title: document.title,
    h1: document.querySelectorAll('h1').length,
    main: document.querySelectorAll('main').length,
    banner: document.querySelectorAll('body > header').length,
    nav: !!document.querySelector('header nav[aria-label="Main"]'),
    footer: document.querySelectorAll('body > footer').length,
    skip: document.querySelector('body > a.skip')?.getAttribute('href'),
    inlineScripts: document.querySelectorAll('script:not([src])').length,
    styleAttrs: document.querySelectorAll('[style]').length,
    styleTags: document.querySelectorAll('style').length,
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
  }));
  assert.equal(s.lang, 'en', `${label}: <html lang="en">`);
  assert.match(s.title, /^\S.* · Custodian$/, `${label}: a title naming the page`);
  assert.equal(s.h1, 1, `${label}: one h1`);
  assert.equal(s.main, 1, `${label}: one main`);
  assert.equal(s.banner, 1, `${label}: a header`);
  assert.ok(s.nav, `${label}: the main navigation`);
  assert.equal(s.footer, 1, `${label}: a footer`);
  assert.equal(s.skip, '#main', `${label}: a skip link to the content`);
  assert.equal(s.inlineScripts + s.styleAttrs + s.styleTags + s.handlers, 0, `${label}: no inline script, style or handler`);
}

/** The pages, reached the way a person reaches them. Each entry: [label, async (page) => status]. */
function pages(fx) {
  const go = (path) => async (page) => B.open(page, path);
  return [
    ['customer list', go('/customers')],
    ['customer list, searched and sorted', go('/customers?q=a&status=all&sort=name&dir=asc')],
    ['customer list, empty', go(`/customers?q=zz${B.uid()}`)],
    ['customer page', go(`/customers/${fx.history.publicId}`)],
    ['customer page, blocked', go(`/customers/${fx.blocked.publicId}`)],
    ['customer page, inactive', go(`/customers/${fx.inactive.publicId}`)],
    ['deactivate form, blocked', go(`/customers/${fx.blocked.publicId}/deactivate`)],
    ['deactivate form, clear', go(`/customers/${fx.history.publicId}/deactivate`)],
    [
      'deactivate form, missing reason (400)',
      async (page) => {
        await B.open(page, `/customers/${fx.history.publicId}/deactivate`);
        await page.locator('form.danger-zone').evaluate((f) => { f.noValidate = true; });
        const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.locator('form.danger-zone button[type="submit"]').click()]);
        await page.waitForLoadState('load');
        return res.status();
      },
    ],
    ['reactivate form', go(`/customers/${fx.inactive.publicId}/reactivate`)],
    ['retention summary, inactive customer', go(`/customers/${fx.inactive.publicId}/retention`)],
    ['retention summary, active customer', go(`/customers/${fx.history.publicId}/retention`)],
    ['retention, tenant-wide', go('/retention')],
    ['bulk clean-up', go('/bulk')],
    [
      'bulk preview',
      async (page) => {
        await B.open(page, '/bulk');
        await page.getByLabel(/One customer id .* per line/).fill([fx.bulk1.publicId, fx.blocked.publicId, 'cus_nobody_here', fx.bulk1.email].join('\n'));
        await Promise.all([page.waitForURL('**/bulk/preview'), page.getByRole('button', { name: 'Preview', exact: true }).first().click()]);
        return 200;
      },
    ],
    [
      'bulk run',
      async (page) => {
        await page.getByLabel('Data cleanup').check();
        await Promise.all([page.waitForURL(/\/bulk\/run_/), page.getByRole('button', { name: /^Deactivate the selected customers/ }).click()]);
        return 200;
      },
    ],
    [
      'bulk undo confirmation (the run above, once done)',
      async (page) => {
        const run = new URL(page.url()).pathname.split('/').pop();
        for (let i = 0; i < 300 && B.sqlValue(`SELECT status FROM bulk_runs WHERE public_id = ${B.lit(run)}`) !== 'done'; i++) await new Promise((r) => setTimeout(r, 100));
        return B.open(page, `/bulk/${run}/undo`);
      },
    ],
    [
      'customer page, closure pending (filed through its form)',
      async (page) => {
        await B.open(page, `/customers/${fx.closing.publicId}/deactivate`);
        await page.getByLabel(/Reason for closing when clear/).selectOption('account_closure');
        await Promise.all([page.waitForURL(/#closure$/), page.getByRole('button', { name: 'Close when clear' }).click()]);
        await page.locator('#closure-id').waitFor();
        return 200;
      },
    ],
    ['closure requests', go('/closures?state=all')],
    ['audit log', go('/audit')],
    ['audit log, filtered', go('/audit?action=deactivate&outcome=ok')],
    ['operators (admins)', go('/operators')],
    ['error page (404)', go(`/customers/cus_nobody_${B.uid()}`)],
    ['error page (400)', go('/customers?status=bogus')],
  ];
}

describe('axe-core and the page structure on every page', () => {
  let context, page, fx;
  before(async () => {
    ({ context, page } = await B.signIn(browser, 'admin'));
    fx = {
      history: B.makeCustomer({ history: true, company: 'Axe & Co' }),
      blocked: B.makeCustomer({ subscription: true, order: 'confirmed', device: true }),
      inactive: B.makeCustomer({ status: 'inactive', history: true }),
      bulk1: B.makeCustomer(),
      closing: B.makeCustomer({ order: 'pending' }),
    };
  });
  after(async () => {
    await context?.close();
  });

  for (const [i, [label]] of pages({ history: {}, blocked: {}, inactive: {}, bulk1: {}, closing: {} }).entries()) {
    test(label, async (t) => {
      const [, reach] = pages(fx)[i];
      const status = await reach(page);
      if (/^error page \((\d+)\)$/.test(label)) assert.equal(status, Number(/\((\d+)\)/.exec(label)[1]));
      else if (/\((\d+)\)$/.test(label)) assert.equal(status, Number(/\((\d+)\)$/.exec(label)[1]));
      else assert.equal(status, 200, label);
      await checkStructure(page, label);
      await checkAxe(t, page, label);
      B.assertClean(page, label);
    });
  }

  for (const path of ['/customers', '/customers/cus_fixture_clean', '/bulk']) {
    test(`${path} in a narrow window`, async (t) => {
      const { context: ctx, page: p } = await B.signIn(browser, 'admin', { viewport: B.NARROW });
      assert.equal(await B.open(p, path), 200);
      await checkAxe(t, p, `${path} at 390 px`);
      await ctx.close();
    });
  }

  test('the pages are served with a Content-Security-Policy that allows no inline script or style', async () => {
    const res = await page.goto('/customers');
    const csp = res.headers()['content-security-policy'];
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /style-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(res.headers()['x-frame-options'], 'DENY');
  });
});

/** The focused element: tag, text, and whether its focus is visible. */
function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    const s = getComputedStyle(e);
    const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow && s.boxShadow !== 'none');
    return {
      tag: e.tagName.toLowerCase(),
      id: e.id,
      name: e.getAttribute('name'),
      type: e.getAttribute('type'),
      text: (e.textContent || '').replace(/\s+/g, ' ').trim(),
      label: e.labels && e.labels[0] ? e.labels[0].textContent.replace(/\s+/g, ' ').trim() : '',
      ring,
      inView: (() => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.left < innerWidth;
      })(),
    };
  });
}

/** Presses Tab until the focused element matches; fails after max presses. */
async function tabTo(page, match, what, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (match(f)) return f;
  }
  throw new Error(`Tab never reached ${what}`);
}

describe('the keyboard alone', () => {
  let context, page;
  before(async () => {
    ({ context, page } = await B.signIn(browser, 'admin'));
  });
  after(async () => {
    await context?.close();
  });

  test('the first Tab shows a skip link; Enter moves to the content', async () => {
    assert.equal(await B.open(page, '/customers'), 200);
    await page.keyboard.press('Tab');
    const f = await focused(page);
    assert.equal(f.text, 'Skip to content');
    assert.ok(f.inView && f.ring, 'the skip link appears, with a focus ring');
    await page.keyboard.press('Enter');
    assert.equal((await focused(page)).id, 'main');
    // the next Tab goes into the page, not back to the navigation
    const next = await tabTo(page, () => true, 'anything');
    assert.equal(next.id, 'q', 'the search box is the first thing in the content');
  });

  test('every focusable element on the list shows where the focus is', async () => {
    assert.equal(await B.open(page, '/customers'), 200);
    const seen = [];
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      seen.push(f);
      assert.ok(f.ring, `visible focus on ${f.tag} "${f.text || f.label || f.id}"`);
      assert.ok(f.inView, `the focused ${f.tag} "${f.text || f.id}" is on screen`);
    }
    const kinds = new Set(seen.map((f) => f.tag));
    for (const k of ['a', 'input', 'select', 'button']) assert.ok(kinds.has(k), `Tab reaches ${k} elements`);
  });

  test('search and sort by keyboard', async () => {
    assert.equal(await B.open(page, '/customers'), 200);
    await tabTo(page, (f) => f.id === 'q', 'the search box');
    await page.keyboard.type('clara');
    await Promise.all([page.waitForURL(/q=clara/), page.keyboard.press('Enter')]);
    assert.ok((await page.locator('table.list tbody tr').count()) >= 1);
    await tabTo(page, (f) => f.tag === 'a' && /^E-mail/.test(f.text), 'the E-mail column header');
    await Promise.all([page.waitForURL(/sort=email/), page.keyboard.press('Enter')]);
    assert.equal(await page.locator('thead th', { hasText: 'E-mail' }).getAttribute('aria-sort'), 'ascending');
    assert.equal(await page.getByLabel('Search', { exact: true }).inputValue(), 'clara');
  });

  test('a whole deactivation without a mouse', async () => {
    const c = B.makeCustomer({ history: true });
    assert.equal(await B.open(page, `/customers/${c.publicId}`), 200);
    await tabTo(page, (f) => f.text === 'Deactivate…', 'the Deactivate… button');
    await Promise.all([page.waitForURL(/\/deactivate$/), page.keyboard.press('Enter')]);
    const radio = await tabTo(page, (f) => f.type === 'radio', 'the reasons');
    assert.ok(radio.ring, 'the radio button shows its focus');
    await page.keyboard.press('ArrowDown'); // moves to and chooses the second reason
    assert.equal(await page.getByLabel('Account closure').isChecked(), true);
    const note = await tabTo(page, (f) => f.tag === 'textarea', 'the note');
    assert.equal(note.label, 'Note (optional, up to 500 characters)');
    await page.keyboard.type('by keyboard');
    const button = await tabTo(page, (f) => f.tag === 'button', 'the submit button');
    assert.equal(button.text, `Deactivate ${c.name}`);
    assert.ok(button.ring, 'the danger button shows its focus');
    await Promise.all([page.waitForURL(/\/retention$/), page.keyboard.press('Enter')]);
    assert.equal(B.customerStatus(c.publicId), 'inactive');
    assert.match(await B.text(page.locator('section.deactivated')), /Reason Account closure Note by keyboard/);
  });
});
