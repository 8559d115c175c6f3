// Deactivating and reactivating in Chromium, as an operator does it.
//
// The first suite walks one fixture, cus_fixture_all_three (blocked by an
// active subscription, orders in flight and a device out), through the
// whole story in a fixed order: its page, the blocked confirmation, each
// blocker cleared from its line on the checklist (cancel the subscription,
// record the device's return, cancel both orders), the deactivation with a reason, the
// retention summary, the default list without it, and the reactivation.
// The fixture's blockers are put back at the end. Writes
// docs/screenshots/customer.png, deactivate-blocked.png, action-*.png,
// deactivate-cleared.png and retention.png.
// The other tests make their own customers.
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

/** The checklist of a confirmation page: [{state, title, code, blockers}]. */
async function checklist(page) {
  return page.locator('ol.checklist > li').evaluateAll((lis) =>
    lis.map((li) => ({
      state: li.className,
      title: li.querySelector('strong').textContent.trim(),
      code: (li.querySelector(':scope > code') || { textContent: '' }).textContent.trim(),
      blockers: [...li.querySelectorAll('.blockers a code')].map((c) => c.textContent.trim()),
    })),
  );
}

/** "Account closure" → the count in the tenant-wide retention page's "By reason" table. */
async function byReason(page, reason) {
  assert.equal(await B.open(page, '/retention'), 200);
  const row = page.locator('section[aria-labelledby="reason-title"] tbody tr', { has: page.locator('th', { hasText: reason }) });
  return Number((await row.locator('td').first().innerText()).replace(/,/g, ''));
}

describe('the fixture with all three blockers, from blocked to deactivated to active again', () => {
  const PID = 'cus_fixture_all_three';
  const NAME = 'Alba Allthree';
  let context, page, saved, closuresBefore;

  before(async () => {
    ({ context, page } = await B.signIn(browser, 'operator'));
    const id = Number(B.sqlValue(`SELECT id FROM customers WHERE public_id = ${B.lit(PID)}`));
    saved = {
      id,
      subs: B.sql(`SELECT public_id FROM subscriptions WHERE customer_id = ${id} AND status = 'active'`).map((r) => r[0]),
      orders: B.sql(`SELECT public_id, status FROM orders WHERE customer_id = ${id} AND status IN ('pending','confirmed','partial')`),
      devices: B.sql(`SELECT serial_number FROM assets WHERE customer_id = ${id} AND status = 'rented_out'`).map((r) => r[0]),
      maxAudit: Number(B.sqlValue('SELECT COALESCE(MAX(id), 0) FROM audit_log')),
    };
    assert.equal(B.customerStatus(PID), 'active', 'the fixture starts active');
  });

  after(async () => {
    await context?.close();
    // Put the fixture back as sql/fixtures.sql made it (active, all three blockers).
    if (!saved) return;
    const { id } = saved;
    B.sql(`UPDATE customers SET status = 'active', deactivated_at = NULL, deactivated_by = NULL,
             deactivation_reason = NULL, deactivation_note = NULL WHERE id = ${id} AND status = 'inactive';
           ${saved.subs.map((s) => `UPDATE subscriptions SET status = 'active', end_date = NULL, ended_at = NULL, ended_by = NULL,
             cancel_reason = NULL, end_notes = NULL WHERE public_id = ${B.lit(s)};`).join('\n')}
           ${saved.orders.map(([o, st]) => `UPDATE orders SET status = ${B.lit(st)}, cancelled_at = NULL, cancelled_by = NULL,
             cancel_reason = NULL WHERE public_id = ${B.lit(o)};`).join('\n')}
           ${saved.devices.map((d) => `UPDATE assets SET status = 'rented_out', customer_id = ${id}, returned_on = NULL,
             return_condition = NULL, return_expected_at = NULL WHERE serial_number = ${B.lit(d)};`).join('\n')}
           SELECT 1;`);
  });

  test('its page shows what is open; "Deactivate…" leads to a confirmation that names it', async () => {
    closuresBefore = await byReason(page, 'Account closure');
    assert.equal(await B.open(page, '/customers?q=allthree'), 200);
    await Promise.all([page.waitForURL(`**/customers/${PID}`), page.getByRole('link', { name: NAME }).click()]);
    assert.equal(await B.text(page.getByRole('heading', { level: 1 })), `${NAME} active`);
    const open = await B.text(page.locator('section#open'));
    assert.match(open, /These would block a deactivation/);
    for (const id of ['sub_fixture_all', 'ord_fixture_all_confirmed', 'ord_fixture_all_partial', 'SN-FIXTURE-ALL'])
      assert.ok(open.includes(id), `open items name ${id}`);
    await B.screenshot(page, 'customer');
    await Promise.all([page.waitForURL(`**/customers/${PID}/deactivate`), page.getByRole('link', { name: 'Deactivate…' }).click()]);
    assert.equal(await B.text(page.getByRole('heading', { level: 1 })), `Deactivate ${NAME} (${PID})?`);
    assert.equal(await page.title(), `Deactivate ${NAME} · Custodian`);
    B.assertClean(page);
  });

  test('the blocked confirmation: every failed check with its blocking records, and a disabled button saying why', async () => {
    const checks = await checklist(page);
    assert.deepEqual(checks, [
      { state: 'failed', title: 'No active subscriptions', code: 'CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS', blockers: ['sub_fixture_all'] },
      { state: 'failed', title: 'No pending orders', code: 'CUSTOMER_HAS_PENDING_ORDERS', blockers: ['ord_fixture_all_confirmed', 'ord_fixture_all_partial'] },
      { state: 'failed', title: 'All devices returned', code: 'CUSTOMER_HAS_UNRETURNED_DEVICES', blockers: ['SN-FIXTURE-ALL'] },
    ]);
    const button = page.getByRole('button', { name: `Deactivate ${NAME}` });
    assert.equal(await button.isDisabled(), true, 'the submit button is disabled');
    const why = await B.text(page.locator('#blocked-why'));
    assert.match(why, /blocked until every prerequisite above passes/);
    assert.equal(await button.getAttribute('aria-describedby'), 'blocked-why', 'the reason is tied to the button');
    // What will be preserved is shown before anything is done.
    assert.match(await B.text(page.locator('table.retention')), /Order history Preserved 4 orders/);
    await B.screenshot(page, 'deactivate-blocked', { fullPage: true });
    // A blocking record links to it on the customer's page.
    await Promise.all([page.waitForURL(/#open-SN-FIXTURE-ALL$/), page.getByRole('link', { name: 'SN-FIXTURE-ALL', exact: true }).click()]);
    assert.ok(await page.locator('#open-SN-FIXTURE-ALL').isVisible());
    assert.match(await B.text(page.locator('#open-SN-FIXTURE-ALL')), /Device SN-FIXTURE-ALL not returned/);
    B.assertClean(page);
  });

  /** Follows a blocker's action link from the checklist, checks its confirmation page, submits it, and is back. */
  async function clearFromChecklist(t, linkName, heading, fill, shot) {
    await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/deactivate')), page.getByRole('link', { name: linkName }).click()]);
    assert.equal(await B.text(page.getByRole('heading', { level: 1 })), heading);
    const plan = await B.text(page.locator('ul.changes.plan'));
    assert.ok(plan.length > 0, `${heading}: the page says what will change`);
    await fill();
    if (shot) await B.screenshot(page, shot, { fullPage: true });
    await B.assertAxeClean(t, page, heading);
    B.assertClean(page);
    const submit = page.locator('form button[type="submit"]');
    await Promise.all([page.waitForURL(`**/customers/${PID}/deactivate`), submit.click()]);
    assert.match(await B.text(page.getByRole('status').first()), /checklist below is checked again/);
    return plan;
  }

  test('each blocker is cleared from its line on the checklist, and the line passes', async (t) => {
    assert.equal(await B.open(page, `/customers/${PID}/deactivate`), 200);
    // the subscription: cancelled, its device marked as coming back
    const plan = await clearFromChecklist(t, 'Cancel subscription sub_fixture_all', 'Cancel subscription sub_fixture_all?', async () => {
      assert.match(await B.text(page.locator('main')), /SN-FIXTURE-ALL stays with the customer until you record its return/);
      await page.getByLabel('Customer request').check();
      await page.getByLabel('Notes').fill('Closing the account (browser test).');
    }, 'action-subscription-cancel');
    assert.match(plan, /status: active → cancelled/);
    let checks = await checklist(page);
    assert.deepEqual(checks.map((c) => c.state), ['passed', 'failed', 'failed']);
    // the device: its return recorded
    await clearFromChecklist(t, 'Record return, sale or loss SN-FIXTURE-ALL', 'Record what happened to device SN-FIXTURE-ALL?', async () => {
      assert.equal(await page.getByLabel('Returned: it is back with us').isChecked(), true, 'a return is the default');
      await page.getByLabel('Condition').selectOption('good');
    }, 'action-device-return');
    checks = await checklist(page);
    assert.deepEqual(checks.map((c) => c.state), ['passed', 'failed', 'passed']);
    // the two orders in flight: cancelled
    await clearFromChecklist(t, 'Cancel order ord_fixture_all_confirmed', 'Cancel order ord_fixture_all_confirmed?', async () => {
      await page.getByLabel(/^Reason/).fill('The account is being closed.');
    }, 'action-order-cancel');
    await clearFromChecklist(t, 'Cancel order ord_fixture_all_partial', 'Cancel order ord_fixture_all_partial?', async () => {});
    checks = await checklist(page);
    assert.deepEqual(checks.map((c) => c.state), ['passed', 'passed', 'passed']);
    assert.equal(await page.locator('#blocked-why').count(), 0);
    assert.equal(await page.getByRole('button', { name: `Deactivate ${NAME}` }).isEnabled(), true);
    await B.screenshot(page, 'deactivate-cleared', { fullPage: true });
    // each step is in the database as the pages said, and audited once
    assert.deepEqual(B.sql(`SELECT status, cancel_reason FROM subscriptions WHERE public_id = 'sub_fixture_all'`), [['cancelled', 'customer_request']]);
    assert.deepEqual(B.sql(`SELECT status, customer_id IS NULL, return_condition FROM assets WHERE serial_number = 'SN-FIXTURE-ALL'`), [['returned', '1', 'good']]);
    assert.deepEqual(B.sql(`SELECT public_id, status FROM orders WHERE public_id IN ('ord_fixture_all_confirmed', 'ord_fixture_all_partial') ORDER BY public_id`),
      [['ord_fixture_all_confirmed', 'cancelled'], ['ord_fixture_all_partial', 'cancelled']]);
    assert.deepEqual(B.sql(`SELECT subject, action, outcome FROM audit_log WHERE customer_id = ${saved.id} AND id > ${saved.maxAudit} ORDER BY id`), [
      ['sub_fixture_all', 'subscription_cancel', 'ok'], ['SN-FIXTURE-ALL', 'device_returned', 'ok'],
      ['ord_fixture_all_confirmed', 'order_cancel', 'ok'], ['ord_fixture_all_partial', 'order_cancel', 'ok'],
    ]);
  });

  test('no reason: the browser asks first, and the server answers next to the field', async () => {
    await page.getByLabel('Note').fill('kept across the error');
    await page.getByRole('button', { name: `Deactivate ${NAME}` }).click();
    // The required radio group stops the submit in the browser.
    assert.match(page.url(), /\/deactivate$/);
    assert.equal(await page.locator('input[name="reason"]:invalid').count(), 4);
    assert.ok((await page.locator('input[name="reason"]').first().evaluate((e) => e.validationMessage)).length > 0);
    // A browser without validation: the server says what is missing, in the form.
    await page.locator('form.danger-zone').evaluate((f) => { f.noValidate = true; });
    const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: `Deactivate ${NAME}` }).click()]);
    await page.waitForLoadState('load');
    assert.equal(res.status(), 400);
    const error = page.locator('fieldset #reason-error');
    assert.match(await B.text(error), /^reason: choose why this customer is deactivated\.$/);
    assert.equal(await error.getAttribute('role'), 'alert');
    const fieldsetText = await B.text(page.locator('form.danger-zone fieldset'));
    assert.ok(fieldsetText.startsWith('Reason (required) reason: choose why'), 'the error sits with the reason, under its legend');
    assert.equal(await page.getByLabel('Note').inputValue(), 'kept across the error');
    assert.equal(B.customerStatus(PID), 'active', 'nothing changed');
  });

  test('deactivating with a reason lands on the retention summary with a notice', async () => {
    await page.getByLabel('Account closure').check();
    await page.getByLabel('Note').fill('Closed at the customer’s request (browser test).');
    await Promise.all([page.waitForURL(`**/customers/${PID}/retention`), page.getByRole('button', { name: `Deactivate ${NAME}` }).click()]);
    assert.equal(B.customerStatus(PID), 'inactive');
    const flash = page.getByRole('status').filter({ hasText: 'deactivated' });
    assert.equal(await B.text(flash), 'The customer was deactivated. Everything below is preserved.');
    assert.equal(await B.text(page.getByRole('heading', { level: 1 })), `${NAME} inactive`);
    const record = await B.text(page.locator('section.deactivated'));
    assert.match(record, /By operator/);
    assert.match(record, /Reason Account closure/);
    assert.match(record, /Note Closed at the customer’s request \(browser test\)\./);
    const kept = await B.text(page.locator('table.retention'));
    assert.match(kept, /Customer profile Preserved, marked inactive 1 profile/);
    assert.match(kept, /Order history Preserved 4 orders/);
    assert.match(kept, /Payment history Preserved 3 payments, €78\.00 collected/);
    assert.match(kept, /Devices Preserved 2 ever rented, 0 still out/);
    await B.screenshot(page, 'retention');
    B.assertClean(page);
    // Post/redirect/get: reloading shows the page again, without the notice and without re-posting.
    const reload = await page.reload();
    assert.equal(reload.request().method(), 'GET');
    assert.equal(await page.locator('.flash').count(), 0, 'the notice shows once');
  });

  test('it is gone from the default list, is found under Inactive, and the tenant summary counts it', async () => {
    assert.equal(await B.open(page, '/customers?q=allthree'), 200);
    assert.equal(await page.locator('table.list').count(), 0);
    assert.match(await B.text(page.locator('main p.empty')), /No customer matches this search/);
    await Promise.all([page.waitForURL(/status=inactive/), page.locator('nav.tabs').getByRole('link', { name: /^Inactive/ }).click()]);
    assert.equal(await B.text(page.locator('table.list tbody tr').first().locator('td').first()), `${NAME} Threefold BV ${PID}`);
    assert.equal(await byReason(page, 'Account closure'), closuresBefore + 1);
  });

  test('reactivating from the retention summary brings it back, with a notice and its history', async () => {
    assert.equal(await B.open(page, `/customers/${PID}/retention`), 200);
    await Promise.all([page.waitForURL(`**/customers/${PID}/reactivate`), page.getByRole('link', { name: 'Reactivate…' }).click()]);
    assert.equal(await B.text(page.getByRole('heading', { level: 1 })), `Reactivate ${NAME} (${PID})?`);
    assert.match(await B.text(page.locator('section', { has: page.getByRole('heading', { name: 'Deactivation record' }) })), /Reason Account closure/);
    await Promise.all([page.waitForURL(`**/customers/${PID}`), page.getByRole('button', { name: `Reactivate ${NAME}` }).click()]);
    assert.equal(B.customerStatus(PID), 'active');
    assert.equal(await B.text(page.getByRole('status').filter({ hasText: 'active again' })), 'The customer is active again.');
    assert.equal(await B.text(page.getByRole('heading', { level: 1 })), `${NAME} active`);
    const history = await B.text(page.locator('section#history'));
    assert.match(history, /operator reactivate page/);
    assert.match(history, /operator deactivate page Account closure Closed at the customer’s request/);
    assert.ok(await page.getByRole('link', { name: 'Deactivate…' }).isVisible(), 'it can be deactivated again');
    assert.equal(await B.open(page, '/customers?q=allthree'), 200);
    assert.equal(await page.getByRole('link', { name: NAME }).count(), 1, 'back in the default list');
    assert.equal(await byReason(page, 'Account closure'), closuresBefore);
    B.assertClean(page);
  });
});

describe('refusals a person can understand', () => {
  let context, page;
  before(async () => {
    ({ context, page } = await B.signIn(browser, 'admin'));
  });
  after(async () => {
    await context?.close();
  });

  test('an order placed while the form was open: 409, nothing changed, the page says why and keeps the choice', async () => {
    const c = B.makeCustomer({ history: true });
    assert.equal(await B.open(page, `/customers/${c.publicId}/deactivate`), 200);
    await page.getByLabel('Compliance').check();
    await page.getByLabel('Note').fill('race');
    // Meanwhile, elsewhere, an order comes in.
    B.sql(`INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
           VALUES ('ord_${c.tag}_race', 1, ${c.id}, 'pending', 10.00, 'EUR', UTC_TIMESTAMP())`);
    const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: `Deactivate ${c.name}` }).click()]);
    await page.waitForLoadState('load');
    assert.equal(res.status(), 409);
    const alert = page.getByRole('alert');
    assert.match(await B.text(alert), /^Refused: nothing was changed .* CUSTOMER_HAS_PENDING_ORDERS$/);
    const checks = await checklist(page);
    assert.deepEqual(checks.map((x) => x.state), ['passed', 'failed', 'passed']);
    assert.deepEqual(checks[1].blockers, [`ord_${c.tag}_race`]);
    assert.equal(await page.getByLabel('Compliance').isChecked(), true, 'the chosen reason is kept');
    assert.equal(await page.getByLabel('Note').inputValue(), 'race');
    assert.equal(await page.getByRole('button', { name: `Deactivate ${c.name}` }).isDisabled(), true);
    assert.equal(B.customerStatus(c.publicId), 'active');
  });

  test('an already inactive customer: the confirmation says so and offers the way back', async () => {
    const c = B.makeCustomer({ status: 'inactive' });
    assert.equal(await B.open(page, `/customers/${c.publicId}/deactivate`), 200);
    assert.match(await B.text(page.getByRole('status')), /already inactive; there is nothing to deactivate/);
    assert.equal(await page.locator('form[method="post"]').count(), 0);
    await Promise.all([page.waitForURL(/\/reactivate$/), page.getByRole('link', { name: 'reactivate' }).click()]);
    assert.equal(await page.getByRole('button', { name: `Reactivate ${c.name}` }).count(), 1);
  });

  test('an unknown customer: a 404 page in the layout with the error code and a way back', async () => {
    assert.equal(await B.open(page, `/customers/cus_missing${B.uid()}/deactivate`), 404);
    assert.equal(await page.title(), '404 Not Found · Custodian');
    assert.equal(await B.text(page.locator('.error-code')), 'NOT_FOUND');
    await Promise.all([page.waitForURL(/\/customers$/), page.getByRole('link', { name: 'Back to the customer list' }).click()]);
  });
});
