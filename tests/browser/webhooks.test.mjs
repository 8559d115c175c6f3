// Issue 17: the webhook admin pages in Chromium, keyboard and mouse as a
// person would: an admin reaches Webhooks from the navigation, makes an
// endpoint (its URL typed, one event ticked instead of all, by keyboard),
// sees its secret once, opens the endpoint, sends a test event and finds
// its delivery in the log; a viewer sees the endpoint and the log, no form
// and no secret; every page axe-clean and no wider than a phone.
// docs/screenshots/webhooks.png. The endpoint points at a port nothing
// listens on (its deliveries fail and are retried; nothing here waits for
// them) and is disabled at the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as B from './lib.mjs';

let browser, context, page;
const made = [];

/** Does what submits a form and waits for the page its POST answers with (which may have the same address). */
async function submit(p, path, act) {
  await Promise.all([
    p.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === 'POST'),
    p.waitForEvent('load'),
    act(),
  ]);
}
before(async () => {
  browser = await B.launch();
  ({ context, page } = await B.signIn(browser, 'admin'));
});
after(async () => {
  if (made.length) B.sql(`UPDATE webhook_endpoints SET enabled = 0 WHERE public_id IN (${made.map((p) => B.lit(p)).join(', ')})`);
  await context?.close();
  await browser?.close();
});

describe('webhook endpoints', () => {
  let pid, secret;
  const url = `http://127.0.0.1:9/browser-hook-${B.uid()}`;

  test('an admin makes an endpoint from the navigation and sees its secret once', async (t) => {
    assert.equal(await B.open(page, '/customers'), 200);
    await Promise.all([page.waitForURL(/\/webhooks$/), page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click()]);
    assert.equal(await page.getByRole('link', { name: 'Webhooks' }).getAttribute('aria-current'), 'page');
    await B.assertAxeClean(t, page, 'webhooks list with the new endpoint form');
    // by keyboard: the URL, then "All events" off and one event on, then submit
    await page.getByLabel(/^URL/).focus();
    await page.keyboard.type(url);
    await page.getByRole('checkbox', { name: /^All events/ }).focus();
    assert.equal(await page.getByRole('checkbox', { name: /^All events/ }).isChecked(), true, 'all events by default');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.value), 'customer.deactivated', 'Tab moves to the first event');
    await page.keyboard.press('Space');
    assert.equal(await page.getByRole('checkbox', { name: 'Enabled: send events to it from now on' }).isChecked(), true, 'enabled by default');
    await page.getByRole('button', { name: 'Create endpoint' }).focus();
    await submit(page, '/webhooks', () => page.keyboard.press('Enter'));
    assert.match(await B.text(page.locator('h1')), /^Endpoint whk_[0-9a-f]{12} created$/);
    secret = await B.text(page.locator('#webhook-secret'));
    assert.match(secret, /^whsec_[0-9a-f]{48}$/);
    assert.match(await B.text(page.locator('main')), /Copy it now: it is not shown again/);
    assert.match(await B.text(page.locator('#signature-format')), /^Custodian-Signature: t=<unix time>,v1=<hex HMAC-SHA-256>$/);
    pid = /whk_[0-9a-f]{12}/.exec(await B.text(page.locator('h1')))[0];
    made.push(pid);
    assert.deepEqual(B.sql(`SELECT url, events, enabled, secret FROM webhook_endpoints WHERE public_id = ${B.lit(pid)}`),
      [[url, 'customer.deactivated', '1', secret]]);
    B.assertClean(page);
    await B.assertAxeClean(t, page, 'endpoint created, with its secret');
    // the way on, and the secret is gone
    await Promise.all([page.waitForURL(new RegExp(`/webhooks/${pid}$`)), page.getByRole('link', { name: 'Open the endpoint and its delivery log' }).click()]);
    assert.ok(!(await page.content()).includes(secret), 'the endpoint page does not show the secret');
    await page.goto('/webhooks');
    assert.ok(!(await page.content()).includes(secret), 'nor does the list');
    assert.match(await B.text(page.locator(`#endpoint-${pid}`)), new RegExp(`${pid} .*customer\\.deactivated enabled 0 0 0`));
  });

  test('a test event from the endpoint page, in its delivery log', async (t) => {
    assert.ok(pid, 'the endpoint of the first test');
    assert.equal(await B.open(page, '/webhooks'), 200);
    await Promise.all([page.waitForURL(new RegExp(`/webhooks/${pid}$`)), page.getByRole('link', { name: pid }).click()]);
    assert.equal(await B.text(page.locator('#no-deliveries')), 'No deliveries yet.');
    await submit(page, `/webhooks/${pid}/test`, () => page.getByRole('button', { name: 'Send a test event' }).click());
    assert.match(await B.text(page.locator('.flash')), /test event \(webhook\.test\) was queued for this endpoint only/);
    const rows = page.locator('#delivery-log tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match(await B.text(rows.first()), /^webhook\.test evt_[0-9a-f]+ /);
    const event = B.sqlValue(`SELECT v.public_id FROM webhook_deliveries d JOIN outbox_events v ON v.id = d.event_id
                                JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE e.public_id = ${B.lit(pid)}`);
    assert.ok((await B.text(rows.first())).includes(event), 'the row names its event');
    B.assertClean(page);
    await B.assertAxeClean(t, page, 'endpoint page with its delivery log');
    await B.screenshot(page, 'webhooks', { fullPage: true });
    // a delivery that failed for good can be sent again
    B.sql(`UPDATE webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id SET d.state = 'failed', d.attempts = 3,
             d.last_code = 500, d.last_ms = 41, d.last_response = 'Internal Server Error', d.claimed_by = NULL, d.claim_until = NULL
           WHERE e.public_id = ${B.lit(pid)}`);
    await page.reload();
    assert.match(await B.text(rows.first()), /failed .*HTTP 500 41 ms Internal Server Error/);
    await submit(page, `/webhooks/${pid}/redeliver`, () => page.getByRole('button', { name: `Redeliver ${event}` }).click());
    assert.match(await B.text(page.locator('.flash')), /pending again/);
    assert.equal(await rows.first().getAttribute('data-state'), 'pending');
    B.assertClean(page);
  });

  test('an edit by keyboard: disabled, and another event', async (t) => {
    assert.equal(await B.open(page, `/webhooks/${pid}`), 200);
    await page.getByRole('checkbox', { name: 'Enabled: send events to it' }).focus();
    await page.keyboard.press('Space');
    await page.getByRole('checkbox', { name: 'order.cancelled' }).check();
    await page.getByRole('button', { name: 'Save the endpoint' }).focus();
    await submit(page, `/webhooks/${pid}`, () => page.keyboard.press('Enter'));
    assert.match(await B.text(page.locator('.flash')), /The endpoint was saved/);
    assert.equal(await B.text(page.locator('#endpoint-state')), 'disabled');
    assert.equal(await B.text(page.locator('#endpoint-events')), 'customer.deactivated order.cancelled');
    B.assertClean(page);
    await B.assertAxeClean(t, page, 'endpoint page after an edit');
  });

  test('a viewer sees the endpoint and its log, no form and no secret', async (t) => {
    const v = await B.signIn(browser, 'viewer');
    try {
      assert.equal(await B.open(v.page, '/webhooks'), 200);
      assert.equal(await v.page.locator('form[method=post]').count(), 0);
      assert.match(await B.text(v.page.locator('#webhooks-read-only')), /Only an admin can/);
      await B.assertAxeClean(t, v.page, 'webhooks list, viewer');
      await Promise.all([v.page.waitForURL(new RegExp(`/webhooks/${pid}$`)), v.page.getByRole('link', { name: pid }).click()]);
      assert.equal(await v.page.locator('form[method=post]').count(), 0, 'no edit, test or redeliver form');
      assert.equal(await v.page.locator('#delivery-log tbody tr').count(), 1, 'the log');
      assert.ok(!(await v.page.content()).includes('whsec_'), 'no secret');
      B.assertClean(v.page);
      await B.assertAxeClean(t, v.page, 'endpoint page, viewer');
    } finally {
      await v.context.close();
    }
  });

  test('in a narrow window: nothing wider than the screen', async () => {
    const n = await B.signIn(browser, 'admin', { viewport: B.NARROW });
    try {
      for (const path of ['/webhooks', `/webhooks/${pid}`]) {
        assert.equal(await B.open(n.page, path), 200);
        assert.equal(await B.overflowsHorizontally(n.page), false, `${path} sticking out: ${(await B.widestElements(n.page)).join('; ')}`);
      }
      B.assertClean(n.page);
    } finally {
      await n.context.close();
    }
  });
});
