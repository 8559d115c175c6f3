// Issue 13, deliverable 5 (the HTML half): the profile edit form,
// GET and POST /customers/{id}/edit. Pre-filled from the database; a valid
// edit changes exactly the fields given, appends an address row only when the
// address changed and writes one audit row (action edit) with the old and new
// value of every changed field, which the customer page's history shows;
// invalid input is answered 400 on the form with an error at each bad field
// and nothing written; CSRF, roles, inactive customers, escaping, 404.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, post, sql, lit, csrfFrom, forgeCsrf, nowSeconds, errorCode, mainOf, textOf, links, between, attrsOf,
  decodeEntities, createCustomer, flashCookie,
} from './lib.mjs';

const PROFILE = ['firstName', 'lastName', 'company', 'phone', 'customerType'];
const MEMBERS = ['contactName', 'company', 'buildingInfo', 'streetAddress', 'locality', 'city', 'adminArea', 'postalCode', 'country'];
const COLUMNS = ['contact_name', 'company', 'building_info', 'street_address', 'locality', 'city', 'admin_area', 'postal_code', 'country'];
const KINDS = [['billing', 'billingAddress'], ['shipping', 'shippingAddress']];
const ALL = [...PROFILE, ...KINDS.flatMap(([, o]) => MEMBERS.map((m) => `${o}.${m}`))];

/** The named fields of the edit form: {name: value} (inputs and the select). */
function formValues(html) {
  const form = between(html, '<form class="panel edit-form"', '</form>');
  assert.ok(form, 'the page has the edit form');
  const out = {};
  for (const tag of form.match(/<input\b[^>]*>/gi) || []) {
    const a = attrsOf(tag);
    if (a.name && a.name !== 'csrf') out[a.name] = a.value ?? '';
  }
  for (const m of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
    const a = attrsOf(`<select${m[1]}>`);
    const sel = [...m[2].matchAll(/<option\b([^>]*)>/gi)].map((o) => attrsOf(`<option${o[1]}>`)).find((o) => 'selected' in o);
    out[a.name] = sel ? sel.value : null;
  }
  return out;
}

/** The start tag of the form control named name, as attributes. */
function control(html, name) {
  const form = between(html, '<form class="panel edit-form"', '</form>');
  for (const tag of form.match(/<(?:input|select)\b[^>]*>/gi) || []) {
    const a = attrsOf(tag);
    if (a.name === name) return a;
  }
  return null;
}

/** The error shown at a field (through its aria-describedby), or null. */
function fieldError(html, name) {
  const c = control(html, name);
  assert.ok(c, `a control named ${name}`);
  const ids = (c['aria-describedby'] || '').split(/\s+/).filter((x) => x.endsWith('-error'));
  if (ids.length === 0) return null;
  assert.equal(c['aria-invalid'], 'true', `${name}: aria-invalid with its error`);
  const m = new RegExp(`<p class="field-error" id="${ids[0]}">([\\s\\S]*?)</p>`).exec(html);
  assert.ok(m, `${name}: the error ${ids[0]} it points to exists`);
  const text = textOf(m[1]);
  assert.match(text, /^Error: /, 'screen readers hear "Error:" first');
  return text.slice('Error: '.length);
}

/** The error summary's links: [{href, text}]. */
function summary(html) {
  const box = between(html, '<div class="alert alert-danger error-summary"', '</div>');
  if (!box) return null;
  assert.match(box, /role="alert"/);
  return links(box).map((l) => ({ href: l.href, text: l.text }));
}

/** What the form should show, from the database. */
function expected(id) {
  const [[first, last, company, phone, type]] = sql(`SELECT first_name, last_name, COALESCE(company, ''), COALESCE(phone, ''), customer_type
                                                       FROM customers WHERE id = ${Number(id)}`);
  const out = { firstName: first, lastName: last, company, phone, customerType: type };
  for (const [kind, obj] of KINDS) {
    const rows = sql(`SELECT ${COLUMNS.map((c) => `COALESCE(${c}, '')`).join(', ')} FROM addresses
                       WHERE customer_id = ${Number(id)} AND kind = '${kind}' ORDER BY id DESC LIMIT 1`);
    MEMBERS.forEach((m, i) => { out[`${obj}.${m}`] = rows.length ? rows[0][i] : ''; });
  }
  return out;
}

/** Everything an edit could write about a customer. */
function snapshot(id) {
  return {
    customer: sql(`SELECT * FROM customers WHERE id = ${Number(id)}`),
    addresses: sql(`SELECT * FROM addresses WHERE customer_id = ${Number(id)} ORDER BY id`),
    audit: sql(`SELECT COUNT(*) FROM audit_log WHERE customer_id = ${Number(id)}`)[0][0],
  };
}

async function openForm(user, c) {
  const r = await get(user, `/customers/${c.publicId}/edit`);
  assert.equal(r.status, 200, `GET edit form as ${user}: ${errorCode(r.text)}`);
  return { html: r.text, csrf: csrfFrom(r.text), values: formValues(r.text) };
}

/** Opens the form, changes some fields, submits it. */
async function submit(c, changes = {}, user = 'operator') {
  const f = await openForm(user, c);
  return post(user, `/customers/${c.publicId}/edit`, { ...f.values, ...changes, csrf: f.csrf });
}

function auditOf(res) {
  const rows = sql(`SELECT action, channel, outcome, actor, changes FROM audit_log WHERE request_id = ${lit(res.requestId)}`);
  assert.equal(rows.length, 1, `one audit row for request ${res.requestId}`);
  const [action, channel, outcome, actor, changes] = rows[0];
  return { action, channel, outcome, actor, changes: changes === null ? null : JSON.parse(changes) };
}

/** Text of inline markup (tags dropped without adding spaces). */
const inline = (html) => decodeEntities(html.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();

function historyChanges(html) {
  const section = between(html, '<section class="panel" id="history"', '</section>');
  assert.ok(section, 'the customer page has a history');
  return [...section.matchAll(/<ul class="changes">([\s\S]*?)<\/ul>/g)].map((u) => [...u[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((l) => inline(l[1])));
}

describe('the edit form', () => {
  test('GET is pre-filled with the customer and its newest addresses, e-mail read-only', async () => {
    const c = createCustomer({ company: 'Acme <b>BV</b>' });
    sql(`INSERT INTO addresses (tenant_id, customer_id, kind, contact_name, street_address, building_info, locality, city, admin_area, postal_code, country, company, created_at)
           VALUES (1, ${c.id}, 'billing', 'Newer Contact', '9 New Street', 'Floor 3', 'Centrum', 'Amsterdam', 'Noord-Holland', '1011', 'NL', 'Acme Billing', UTC_TIMESTAMP())`);
    const f = await openForm('operator', c);
    assert.deepEqual(f.values, expected(c.id), 'every field shows the value on file');
    assert.equal(f.values['billingAddress.city'], 'Amsterdam', 'the newest billing address');
    const email = /<input type="email" id="f-email" value="([^"]*)" readonly/.exec(f.html);
    assert.ok(email, 'the e-mail is shown read-only');
    assert.equal(decodeEntities(email[1]), c.email);
    assert.equal(control(f.html, 'email'), null, 'the e-mail is not a form field');
    for (const name of ALL) {
      const ctl = control(f.html, name);
      const label = new RegExp(`<label for="${ctl.id}">`).test(f.html);
      assert.ok(label, `${name} has a label`);
    }
    assert.equal(summary(f.html), null, 'no error summary on a fresh form');
    assert.doesNotMatch(f.html, /id="inactive-note"/);
  });

  test('a valid edit changes exactly the given fields, appends an address row only for a changed address, audits old and new', async () => {
    const c = createCustomer();
    const before = expected(c.id);
    const addrBefore = sql(`SELECT id, kind, city FROM addresses WHERE customer_id = ${c.id} ORDER BY id`);
    const r = await submit(c, { lastName: 'Changed', phone: '+44 20 7946 0000', 'billingAddress.city': 'Rotterdam', company: '  Trimmed Co  ' });
    assert.equal(r.status, 303, errorCode(r.text));
    assert.equal(r.headers.get('location'), `/customers/${c.publicId}`);
    assert.equal(flashCookie(r)?.code, 'customer_updated');
    const after = expected(c.id);
    assert.deepEqual(after, { ...before, lastName: 'Changed', phone: '+44 20 7946 0000', 'billingAddress.city': 'Rotterdam', company: 'Trimmed Co' });
    const addr = sql(`SELECT id, kind, city FROM addresses WHERE customer_id = ${c.id} ORDER BY id`);
    assert.equal(addr.length, addrBefore.length + 1, 'one new address row');
    assert.deepEqual(addr.slice(0, addrBefore.length), addrBefore, 'the older rows are kept as they were');
    assert.deepEqual(addr[addr.length - 1].slice(1), ['billing', 'Rotterdam']);
    const a = auditOf(r);
    assert.deepEqual([a.action, a.channel, a.outcome, a.actor], ['edit', 'page', 'ok', 'operator']);
    assert.deepEqual(a.changes, [
      { field: 'lastName', old: before.lastName, new: 'Changed' },
      { field: 'company', old: null, new: 'Trimmed Co' },
      { field: 'phone', old: before.phone, new: '+44 20 7946 0000' },
      { field: 'billingAddress.city', old: 'Utrecht', new: 'Rotterdam' },
    ]);
    assert.equal(sql(`SELECT status FROM customers WHERE id = ${c.id}`)[0][0], 'active');
    // the customer page shows the flash, the new values and the history entry
    const page = await get('operator', `/customers/${c.publicId}`, { cookie: 'flash=customer_updated' });
    assert.equal(page.status, 200);
    assert.match(textOf(mainOf(page.text)), /Customer updated/);
    assert.match(textOf(page.text), /\+44 20 7946 0000/);
    assert.deepEqual(historyChanges(page.text), [[
      `Last name: ${before.lastName} → Changed`,
      'Company: (empty) → Trimmed Co',
      `Phone: ${before.phone} → +44 20 7946 0000`,
      'Billing address, city: Utrecht → Rotterdam',
    ]]);
    // and so does the audit page
    const audit = await get('admin', `/audit?customer=${c.publicId}`);
    assert.match(inline(mainOf(audit.text)), /Billing address, city: Utrecht → Rotterdam/);
  });

  test('empty company and phone clear them; customer type changes', async () => {
    const c = createCustomer({ company: 'Gone BV' });
    const r = await submit(c, { company: '', phone: '', customerType: 'individual' });
    assert.equal(r.status, 303, errorCode(r.text));
    assert.deepEqual(sql(`SELECT company, phone, customer_type FROM customers WHERE id = ${c.id}`), [[null, null, 'individual']]);
    assert.deepEqual(auditOf(r).changes.map((x) => [x.field, x.new]), [['company', null], ['phone', null], ['customerType', 'individual']]);
  });

  test('submitting the form unchanged writes nothing but a NO_CHANGE audit row', async () => {
    const c = createCustomer();
    const s0 = snapshot(c.id);
    const r = await submit(c);
    assert.equal(r.status, 303, errorCode(r.text));
    assert.equal(flashCookie(r)?.code, 'nothing_changed');
    const a = auditOf(r);
    assert.deepEqual([a.action, a.outcome, a.changes], ['edit', 'NO_CHANGE', null]);
    const s1 = snapshot(c.id);
    assert.deepEqual(s1.customer, s0.customer, 'the customer row is unchanged');
    assert.deepEqual(s1.addresses, s0.addresses, 'no address row');
    assert.equal(Number(s1.audit), Number(s0.audit) + 1);
  });

  test('an address left empty is not created; a filled one is', async () => {
    const c = createCustomer({ addresses: false });
    let r = await submit(c, { phone: '020 123' });
    assert.equal(r.status, 303, errorCode(r.text));
    assert.equal(sql(`SELECT COUNT(*) FROM addresses WHERE customer_id = ${c.id}`)[0][0], '0', 'no empty address was made');
    r = await submit(c, { 'shippingAddress.contactName': 'Ship To', 'shippingAddress.streetAddress': '5 Dock', 'shippingAddress.city': 'Delft', 'shippingAddress.country': 'NL' });
    assert.equal(r.status, 303, errorCode(r.text));
    assert.deepEqual(sql(`SELECT kind, contact_name, street_address, city, country, postal_code FROM addresses WHERE customer_id = ${c.id}`),
      [['shipping', 'Ship To', '5 Dock', 'Delft', 'NL', null]]);
    // a half-filled address names its missing members
    r = await submit(c, { 'billingAddress.city': 'Leiden' });
    assert.equal(r.status, 400);
    for (const m of ['contactName', 'streetAddress', 'country']) assert.ok(fieldError(r.text, `billingAddress.${m}`), `billingAddress.${m} is named`);
    assert.equal(fieldError(r.text, 'billingAddress.city'), null);
  });

  test('an address on file cannot be emptied (it is replaced, never removed)', async () => {
    const c = createCustomer();
    const s0 = snapshot(c.id);
    const blank = Object.fromEntries(MEMBERS.map((m) => [`shippingAddress.${m}`, '']));
    const r = await submit(c, blank);
    assert.equal(r.status, 400);
    assert.match(fieldError(r.text, 'shippingAddress.city'), /^Shipping address, city: is required/);
    assert.deepEqual(snapshot(c.id), s0);
  });

  describe('invalid input: 400, the form again with an error at each bad field, nothing written', () => {
    const CASES = [
      ['empty first name', { firstName: '   ' }, { firstName: /^First name: is required/ }],
      ['101-character last name', { lastName: 'x'.repeat(101) }, { lastName: /^Last name: at most 100 characters/ }],
      ['a phone with letters', { phone: 'call me' }, { phone: /^Phone: digits, spaces/ }],
      ['an unknown customer type', { customerType: 'government' }, { customerType: /^Customer type: must be "individual" or "business"/ }],
      ['a billing address without a city', { 'billingAddress.city': '' }, { 'billingAddress.city': /^Billing address, city: is required/ }],
      ['control characters', { firstName: 'Ann\u0007e', 'shippingAddress.locality': 'a\u001bb' }, {
        firstName: /^First name: one line of text/, 'shippingAddress.locality': /^Shipping address, locality: one line of text/,
      }],
      ['all of them at once', {
        firstName: '', lastName: 'y'.repeat(101), phone: 'abc', customerType: 'x', 'billingAddress.city': '', company: 'c'.repeat(201),
      }, {
        firstName: /required/, lastName: /at most 100/, company: /at most 200/, phone: /digits/, customerType: /must be/, 'billingAddress.city': /required/,
      }],
    ];
    for (const [name, changes, errors] of CASES) {
      test(name, async () => {
        const c = createCustomer();
        const s0 = snapshot(c.id);
        const r = await submit(c, changes);
        assert.equal(r.status, 400, `${name}: ${r.status}`);
        assert.match(r.text, /<title>Error: /, 'the title says there is an error');
        const got = {};
        for (const field of ALL) {
          const e = fieldError(r.text, field);
          if (e !== null) got[field] = e;
        }
        assert.deepEqual(Object.keys(got).sort(), Object.keys(errors).sort(), `${name}: exactly the bad fields carry an error`);
        for (const [field, re] of Object.entries(errors)) assert.match(got[field], re, field);
        const s = summary(r.text);
        assert.deepEqual(s.map((x) => x.href).sort(), Object.keys(errors).map((f) => `#${control(r.text, f).id}`).sort(),
          'the summary links to each bad field');
        assert.match(between(r.text, '<div class="alert alert-danger error-summary"', '</h2>'), /Nothing was saved/);
        // the submitted values come back (control characters shown as U+FFFD)
        const shown = formValues(r.text);
        for (const [field, v] of Object.entries(changes))
          if (field !== 'customerType') assert.equal(shown[field], v.replace(/[\u0000-\u001f\u007f]/g, '\ufffd'), `${field} as submitted`);
        assert.ok(csrfFrom(r.text), 'a token to try again');
        assert.deepEqual(snapshot(c.id), s0, `${name}: nothing written`);
      });
    }
  });

  test('a missing or forged CSRF token is refused (403) and changes nothing', async () => {
    const c = createCustomer();
    const f = await openForm('operator', c);
    const s0 = snapshot(c.id).customer;
    const body = { ...f.values, lastName: 'Forged' };
    for (const [csrf, code] of [
      [undefined, 'CSRF_MISSING'],
      [forgeCsrf({ user: 'operator', action: 'deactivate', subject: c.publicId, expiry: nowSeconds() + 600 }), 'CSRF_INVALID'],
      [forgeCsrf({ user: 'admin', action: 'edit', subject: c.publicId, expiry: nowSeconds() + 600 }), 'CSRF_INVALID'],
      [forgeCsrf({ user: 'operator', action: 'edit', subject: 'cus_fixture_clean', expiry: nowSeconds() + 600 }), 'CSRF_INVALID'],
      [forgeCsrf({ user: 'operator', action: 'edit', subject: c.publicId, expiry: nowSeconds() - 60 }), 'CSRF_EXPIRED'],
    ]) {
      const r = await post('operator', `/customers/${c.publicId}/edit`, csrf ? { ...body, csrf } : body);
      assert.equal(r.status, 403, code);
      assert.equal(errorCode(r.text), code);
      assert.deepEqual(snapshot(c.id).customer, s0, `${code}: nothing changed`);
      assert.deepEqual(sql(`SELECT action, outcome FROM audit_log WHERE request_id = ${lit(r.requestId)}`), [['edit', code]], 'the refusal is audited');
    }
    const ok = await post('operator', `/customers/${c.publicId}/edit`, { ...body, csrf: f.csrf });
    assert.equal(ok.status, 303, 'the page token works');
  });

  test('viewers: no Edit link, 403 on GET and POST; operators and admins see the link', async () => {
    const c = createCustomer();
    const s0 = snapshot(c.id).customer;
    const page = await get('viewer', `/customers/${c.publicId}`);
    assert.ok(!links(page.text).some((l) => l.href === `/customers/${c.publicId}/edit`), 'no Edit link for a viewer');
    const g = await get('viewer', `/customers/${c.publicId}/edit`);
    assert.equal(g.status, 403);
    assert.equal(errorCode(g.text), 'FORBIDDEN');
    const p = await post('viewer', `/customers/${c.publicId}/edit`, {
      firstName: 'Viewer', lastName: 'Was here', customerType: 'individual',
      csrf: forgeCsrf({ user: 'viewer', action: 'edit', subject: c.publicId, expiry: nowSeconds() + 600 }),
    });
    assert.equal(p.status, 403);
    assert.equal(errorCode(p.text), 'FORBIDDEN');
    assert.deepEqual(snapshot(c.id).customer, s0);
    for (const user of ['operator', 'admin']) {
      const r = await get(user, `/customers/${c.publicId}`);
      const edit = links(r.text).find((l) => l.href === `/customers/${c.publicId}/edit`);
      assert.ok(edit, `${user} has the Edit link`);
      assert.equal(edit.text, 'Edit');
      await openForm(user, c);
    }
  });

  test('an inactive customer can be edited, says so, and stays inactive', async () => {
    const c = createCustomer({ status: 'inactive' });
    const f = await openForm('admin', c);
    assert.match(textOf(between(f.html, '<div class="alert alert-info" id="inactive-note">', '</div>')), /inactive.*stays inactive/);
    const deact = sql(`SELECT status, deactivated_at, deactivated_by, deactivation_reason FROM customers WHERE id = ${c.id}`);
    const r = await post('admin', `/customers/${c.publicId}/edit`, { ...f.values, firstName: 'Still', csrf: f.csrf });
    assert.equal(r.status, 303, errorCode(r.text));
    assert.deepEqual(sql(`SELECT status, deactivated_at, deactivated_by, deactivation_reason FROM customers WHERE id = ${c.id}`), deact);
    assert.equal(sql(`SELECT first_name FROM customers WHERE id = ${c.id}`)[0][0], 'Still');
    const page = await get('admin', `/customers/${c.publicId}`);
    assert.match(page.text, /badge-inactive/);
  });

  test('hostile text in every field comes back escaped on the form, the customer page and the 400 form', async () => {
    const c = createCustomer();
    const X = (i) => `<script>alert(${i})</script>"'><img src=x onerror=alert(${i})>&amp;`;
    const changes = {};
    ALL.forEach((f, i) => { if (f !== 'phone' && f !== 'customerType') changes[f] = f.endsWith('.postalCode') ? `"'><svg/onload=${i}>` : X(i); });
    const r = await submit(c, changes);
    assert.equal(r.status, 303, errorCode(r.text));
    const f = await openForm('operator', c);
    for (const [field, v] of Object.entries(changes)) assert.equal(f.values[field], v, `${field} round-trips`);
    const page = await get('operator', `/customers/${c.publicId}`);
    for (const html of [f.html, page.text]) {
      assert.doesNotMatch(html, /<script>alert|<img src=x|<svg\/onload/, 'no payload markup');
      assert.match(html, /&lt;script&gt;alert\(/, 'the payload is shown escaped');
    }
    assert.ok(historyChanges(page.text)[0].includes(`First name: Test → ${X(0)}`), 'the history shows the payload as text');
    const bad = await submit(c, { phone: X('p') });
    assert.equal(bad.status, 400);
    assert.doesNotMatch(bad.text, /<script>alert|<img src=x/);
    assert.equal(formValues(bad.text).phone, X('p'));
  });

  test('an unknown customer is 404 on GET and POST', async () => {
    const pid = 'cus_doesnotexist42';
    const g = await get('operator', `/customers/${pid}/edit`);
    assert.equal(g.status, 404);
    assert.equal(errorCode(g.text), 'NOT_FOUND');
    const p = await post('operator', `/customers/${pid}/edit`, {
      firstName: 'A', lastName: 'B', customerType: 'individual',
      csrf: forgeCsrf({ user: 'operator', action: 'edit', subject: pid, expiry: nowSeconds() + 600 }),
    });
    assert.equal(p.status, 404);
    assert.deepEqual(sql(`SELECT action, outcome, customer_id FROM audit_log WHERE request_id = ${lit(p.requestId)}`), [['edit', 'NOT_FOUND', null]],
      'the attempt is audited');
    const other = createCustomer({ tenant: 2 });
    assert.equal((await get('operator', `/customers/${other.publicId}/edit`)).status, 404, "another tenant's customer is not found");
  });
});
