// Issue 15, deliverables 1 and 2: the search box understands what it is
// given. An exact id of any kind jumps to its customer (303, the record
// highlighted), tenant-scoped; a phone number in any common formatting
// matches by its digits (a suffix of at least 6 too); words match anywhere
// in the names, company and e-mail, all of them required, accents and case
// ignored; exact matches first; the count is exact up to the cap and said
// honestly beyond it; GET /v1/customers?search= is the same search. On the
// fixtures and on customers made here (unique words, so the other suites'
// customers never change an answer).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, post, sql, sqlValue, lit, listIds, createCustomer, uid, csrfFrom, attrsOf, between,
  mainOf, textOf, nextHref, searchExpected,
} from './lib.mjs';
import * as L from './apilib.mjs';

const search = (term, extra = '', user = 'admin') =>
  get(user, `/customers?q=${encodeURIComponent(term)}${extra}`);

function resultCount(html) {
  const m = /<p class="result-count" id="result-count">\s*([\d,+]+)/.exec(html);
  return m ? m[1] : null;
}

/** Every id a search lists, following its pages. */
async function walkIds(term, extra = '') {
  const ids = [];
  let url = `/customers?q=${encodeURIComponent(term)}${extra}`;
  for (let pages = 0; url && pages < 40; pages++) {
    const r = await get('admin', url);
    assert.equal(r.status, 200, url);
    ids.push(...listIds(r.text));
    url = nextHref(r.text);
  }
  return ids;
}

/** The customer page the id jump answers, followed. */
async function jump(term, user = 'admin') {
  const r = await search(term, '', user);
  assert.equal(r.status, 303, `q=${term} jumps (got ${r.status})`);
  const to = r.headers.get('location');
  const page = await get(user, to.replace(/#.*$/, ''));
  assert.equal(page.status, 200, to);
  return { to, html: page.text };
}

/** The "Found" line's text. */
const foundLine = (html) => textOf(between(html, '<p class="notice found"', '</p>') ?? '').replace(/ ([,.])/g, '$1');

/** The rows marked as the search's find. */
const highlighted = (html) => [...html.matchAll(/<tr id="([^"]+)" class="highlight">/g)].map((m) => m[1]);

describe('an exact id jumps to its customer', () => {
  test('a customer id: 303 to its page (cus_fixture_clean)', async () => {
    const r = await search('cus_fixture_clean');
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/customers/cus_fixture_clean');
    const padded = await search('  cus_fixture_clean ');
    assert.equal(padded.headers.get('location'), '/customers/cus_fixture_clean', 'spaces around the id are ignored');
  });

  test('an order id: its customer, the order highlighted (ord_fixture_all_partial)', async () => {
    const { to, html } = await jump('ord_fixture_all_partial');
    assert.equal(to, '/customers/cus_fixture_all_three?highlight=ord_fixture_all_partial#found');
    assert.deepEqual(highlighted(html), ['order-ord_fixture_all_partial']);
    assert.match(foundLine(html), /Found: order ord_fixture_all_partial, highlighted below/);
  });

  test('a device serial: its customer, the device highlighted (SN-FIXTURE-ALL)', async () => {
    const { to, html } = await jump('SN-FIXTURE-ALL');
    assert.equal(to, '/customers/cus_fixture_all_three?highlight=SN-FIXTURE-ALL#found');
    assert.deepEqual(highlighted(html), ['rec-SN-FIXTURE-ALL']);
  });

  test('a subscription and a payment id: their customer', async () => {
    const { to } = await jump('sub_fixture_all');
    assert.match(to, /^\/customers\/cus_fixture_all_three\?highlight=sub_fixture_all#found$/);
    const c = createCustomer({ history: true });
    const pay = `pay_${c.tag}_1`;
    const { to: pto, html } = await jump(pay);
    assert.equal(pto, `/customers/${c.publicId}?highlight=${pay}#found`);
    assert.deepEqual(highlighted(html), [`rec-${pay}`]);
    // a returned device (no longer with anyone) belongs to its rental's customer
    const { to: dto } = await jump(`SN-${c.tag.toUpperCase()}-H`);
    assert.equal(dto, `/customers/${c.publicId}?highlight=SN-${c.tag.toUpperCase()}-H#found`);
  });

  test('a record older than the rows its section shows is named in the "Found" line', async () => {
    const c = createCustomer({ history: true });
    const oldest = `pay_${c.tag}_1`;
    // ten newer payments push the oldest off the first page of its section
    const rows = Array.from({ length: 10 }, (_, i) =>
      `(${lit(`pay_${c.tag}_n${i}`)}, 1, ${c.id}, (SELECT id FROM subscriptions WHERE public_id = ${lit(`sub_${c.tag}_hist`)}),
        25.00, 'EUR', 'pending', NULL, UTC_TIMESTAMP() - INTERVAL ${i} DAY)`);
    sql(`INSERT INTO payments (public_id, tenant_id, customer_id, subscription_id, amount, currency, status, paid_at, created_at)
         VALUES ${rows.join(', ')}`);
    const { html } = await jump(oldest);
    assert.deepEqual(highlighted(html), [], 'not among the rows shown');
    assert.match(foundLine(html), new RegExp(`Found: payment ${oldest}, older than the rows shown`));
    // one on the page is highlighted and linked instead
    const { html: shown } = await jump(`pay_${c.tag}_n0`);
    assert.deepEqual(highlighted(shown), [`rec-pay_${c.tag}_n0`]);
    assert.match(foundLine(shown), /highlighted below/);
  });

  test("another tenant's id, or none: the normal search, nothing found, nothing leaked", async () => {
    const [gOrder] = sql("SELECT public_id FROM orders WHERE tenant_id = 2 ORDER BY id LIMIT 1")[0];
    const [gSerial] = sql("SELECT serial_number FROM assets WHERE tenant_id = 2 AND customer_id IS NOT NULL ORDER BY serial_number LIMIT 1")[0];
    for (const term of ['cus_fixture_globex', gOrder, gSerial, 'ord_nosuch_order', 'SN-NO-SUCH-1', 'cus_FIXTURE_CLEAN']) {
      const r = await search(term);
      assert.equal(r.status, 200, `q=${term} is searched, not jumped`);
      assert.deepEqual(listIds(r.text), [], `q=${term} finds nothing`);
      assert.equal(resultCount(r.text), '0');
      assert.doesNotMatch(r.text, /Gina|Globex Rentals|gina\.globex/);
    }
    // and their own tenant jumps to them
    const g = await search('cus_fixture_globex', '', 'globex');
    assert.equal(g.status, 303);
    assert.equal(g.headers.get('location'), '/customers/cus_fixture_globex');
    // a highlight of another customer's record on a page is ignored
    const other = await get('admin', '/customers/cus_fixture_clean?highlight=ord_fixture_all_partial');
    assert.equal(other.status, 200);
    assert.deepEqual(highlighted(other.text), []);
    assert.doesNotMatch(other.text, /notice found/);
  });
});

describe('a phone number matches by its digits', () => {
  test('every formatting of the fixtures\' number finds them (+31 20 555 0100)', async () => {
    const want = searchExpected('+31 20 555 0100', { where: 'TRUE' });
    assert.ok(want.includes('cus_fixture_clean') && want.includes('cus_fixture_inactive'));
    for (const term of ['+31 20 555 0100', '+31205550100', '0031 20 555 0100', '+31-20-555-0100', '(020) 555 0100', '020.555.0100', '555 0100', '5550100', '(+31) 20 555 0100', '+31 (0)20 555 0100']) {
      const ids = await walkIds(term, '&status=all');
      for (const f of ['cus_fixture_clean', 'cus_fixture_all_three', 'cus_fixture_inactive'])
        assert.ok(ids.includes(f), `${term} finds ${f}`);
      assert.ok(!ids.includes('cus_fixture_globex'), `${term}: not another tenant's`);
    }
    assert.deepEqual(await walkIds('+31 20 555 0100', '&status=all'), want);
  });

  test('a new number is found at once by exact digits and by a suffix of 6, not by its first 6', async () => {
    // unique digits; the first six start with 9 and the last six with 7 (never
    // a trunk 0, which a term drops), so the two are never the same
    const rnd = (n) => String(Math.floor(Math.random() * 10 ** n)).padStart(n, '0');
    const digits = `9${rnd(5)}7${rnd(5)}`;
    const c = createCustomer();
    sql(`UPDATE customers SET phone = ${lit(`+44 (0) ${digits.slice(0, 3)}-${digits.slice(3, 6)} ${digits.slice(6)}`)} WHERE id = ${c.id}`);
    const stored = `440${digits}`;
    const found = async (t) => listIds((await search(t, '&status=all')).text).includes(c.publicId);
    assert.ok(await found(`+${stored}`), 'its own digits');
    assert.ok(await found(`+44 0 ${digits}`), 'spaced as stored');
    assert.ok(await found(digits), 'the national number');
    assert.ok(await found(digits.slice(-6)), 'the last six digits');
    assert.ok(!(await found(digits.slice(0, 6))), 'six digits from the start are no suffix');
    assert.equal(sqlValue(`SELECT phone_rev FROM customers WHERE id = ${c.id}`), [...stored].reverse().join(''));
    // an exact phone match ranks first
    const r = await search(`+${stored}`, '&status=all');
    assert.equal(listIds(r.text)[0], c.publicId);
  });
});

describe('words match anywhere', () => {
  test('an e-mail domain (fixture.example) and a local part', async () => {
    const want = searchExpected('fixture.example');
    assert.ok(want.includes('cus_fixture_clean'), 'the database has it');
    assert.deepEqual(await walkIds('fixture.example'), want);
    assert.ok(!want.includes('cus_fixture_globex'));
    const tag = uid(4);
    const c = createCustomer({ email: `zq${tag}.local@ex${tag}.example` });
    for (const t of [`ex${tag}.example`, `ex${tag}`, `local@ex${tag}`]) {
      assert.ok(listIds((await search(t)).text).includes(c.publicId), `found by ${t}`);
    }
  });

  test('a surname inside a double-barrelled name', async () => {
    const w = `Qv${uid(4)}`;
    const c = createCustomer({ firstName: 'Harriet', lastName: `Ashby-${w}` });
    const r = await search(w.toLowerCase());
    assert.deepEqual(listIds(r.text), [c.publicId], `"${w.toLowerCase()}" finds Ashby-${w}`);
  });

  test('several words must all match', async () => {
    const w = `Orbx${uid(4)}`;
    const both = createCustomer({ firstName: 'Wilhelmina', lastName: 'Stone', company: `${w} Logistics` });
    const one = createCustomer({ firstName: 'Bartholomew', lastName: 'Stone', company: `${w} Freight` });
    assert.deepEqual(listIds((await search(`${w} wilhelmina`)).text), [both.publicId]);
    assert.deepEqual(listIds((await search(`wilhelmina ${w}`)).text), [both.publicId], 'in any order');
    assert.deepEqual(new Set(listIds((await search(w)).text)), new Set([both.publicId, one.publicId]));
    assert.deepEqual(listIds((await search(`${w} logistics freight`)).text), [], 'a word neither has');
  });

  test('accents and case are ignored', async () => {
    const w = uid(4);
    const c = createCustomer({ firstName: 'Éloïse', lastName: `Brontë${w}` });
    for (const t of [`eloise bronte${w}`, `ÉLOÏSE BRONTË${w.toUpperCase()}`, `Bronte${w}`]) {
      assert.ok(listIds((await search(t)).text).includes(c.publicId), `found by ${t}`);
    }
  });

  test('exact matches come first, then the chosen sort', async () => {
    const w = `Rnk${uid(4)}`;
    const exact = createCustomer({ firstName: 'Ada', lastName: w });
    const word = createCustomer({ firstName: 'Ada', lastName: `${w}son`, company: `${w} Labs` });
    for (const extra of ['', '&sort=email&dir=desc', '&sort=name&dir=asc', '&sort=createdAt&dir=asc']) {
      const ids = listIds((await search(`Ada ${w}`, extra)).text);
      assert.equal(ids[0], exact.publicId, `the exact full name first (${extra || 'default sort'})`);
      assert.ok(ids.includes(word.publicId));
    }
  });

  test('a renamed customer is found by the new name at once, and not by the old', async () => {
    const key = L.createKey({ role: 'admin', label: `search-${uid()}`, rateLimit: 100000 });
    const oldName = `Oldnm${uid(4)}`;
    const newName = `Newnm${uid(4)}`;
    const c = createCustomer({ firstName: 'Rena', lastName: `Kent-${oldName}` });
    assert.deepEqual(listIds((await search(oldName)).text), [c.publicId]);
    const put = await L.api(`/v1/customers/${c.publicId}`, { key: key.key, method: 'PUT', json: { lastName: `Kent-${newName}` } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(listIds((await search(newName)).text), [c.publicId], 'the new name, at once');
    assert.deepEqual(listIds((await search(oldName)).text), [], 'not the old');
    const api = await L.api(`/v1/customers?search=${newName}`, { key: key.key });
    assert.deepEqual(api.json.customers.map((x) => x.customerId), [c.publicId], 'the API sees the same');
    // and through the edit form
    const third = `Thrd${uid(4)}`;
    const form = await get('operator', `/customers/${c.publicId}/edit`);
    const values = {};
    for (const tag of between(form.text, '<form class="panel edit-form"', '</form>').match(/<input\b[^>]*>/gi) || []) {
      const a = attrsOf(tag);
      if (a.name && a.name !== 'csrf') values[a.name] = a.value ?? '';
    }
    values.customerType = 'individual';
    const saved = await post('operator', `/customers/${c.publicId}/edit`, { ...values, lastName: third, csrf: csrfFrom(form.text) });
    assert.equal(saved.status, 303, saved.text.slice(0, 300));
    assert.deepEqual(listIds((await search(third)).text), [c.publicId]);
    assert.deepEqual(listIds((await search(newName)).text), []);
    // deactivated: gone from the default list at once, still under "all"
    sql(`UPDATE customers SET status = 'inactive' WHERE id = ${c.id}`);
    assert.deepEqual(listIds((await search(third)).text), []);
    assert.deepEqual(listIds((await search(third, '&status=all')).text), [c.publicId]);
  });
});

describe('the word index under concurrent writes', () => {
  test('parallel renames, deactivations and reactivations leave every customer findable by exactly its words', async () => {
    const key = L.createKey({ role: 'admin', label: `search-race-${uid()}`, rateLimit: 1000000 });
    const tag = uid(4);
    // the words the customers trade: each name is one of them, or two joined
    const pool = ['Alder', 'Birch', 'Cedar', 'Damson', 'Elm'].map((w) => `${w}${tag}`);
    const cs = [];
    for (let i = 0; i < 8; i++) cs.push(createCustomer({ firstName: 'Race', lastName: pool[i % pool.length] }));
    const writes = [];
    for (let round = 0; round < 12; round++) {
      for (const [i, c] of cs.entries()) {
        const a = pool[(i + round) % pool.length];
        const b = pool[(i * 3 + round) % pool.length];
        writes.push(L.api(`/v1/customers/${c.publicId}`, { key: key.key, method: 'PUT',
          json: { lastName: round % 3 === 0 ? `${a}-${b}` : a, company: round % 2 ? `${b} Holdings` : "" } }));
        if ((i + round) % 4 === 0) {
          writes.push(L.api(`/v1/customers/${c.publicId}`, { key: key.key, method: 'DELETE', json: { reason: 'data_cleanup' } }));
          writes.push(L.api(`/v1/customers/${c.publicId}`, { key: key.key, method: 'PUT', json: { status: 'active' } }));
        }
      }
    }
    const answers = await Promise.all(writes);
    for (const r of answers) assert.ok(r.status < 500, `${r.status} ${r.text.slice(0, 200)}`);
    assert.ok(answers.filter((r) => r.status === 200).length >= cs.length * 12, 'every rename was answered 200');
    // the index holds exactly each customer's words as its row has them now
    const ids = cs.map((c) => c.id).join(',');
    const rows = sql(`SELECT id, words FROM customers WHERE id IN (${ids})`);
    const indexed = sql(`SELECT customer_id, word FROM customer_words WHERE customer_id IN (${ids}) ORDER BY customer_id, word`);
    for (const [id, words] of rows) {
      const want = [...new Set(words.trim().split(' ').filter((w) => [...w].length >= 2))].sort();
      const got = indexed.filter((x) => x[0] === id).map((x) => x[1]).sort();
      assert.deepEqual(got, want, `customer ${id}: the index has its words`);
    }
    // and the search box finds by each word exactly the customers that have it now
    for (const w of pool) {
      assert.deepEqual(new Set(await walkIds(w.toLowerCase(), '&status=all')),
        new Set(searchExpected(w.toLowerCase(), { where: 'TRUE' })), w);
    }
  });
});

describe('the count', () => {
  test('exact up to the cap, said honestly beyond it', async () => {
    // 1,001 inactive customers sharing a word (inactive: the default lists stay as they were)
    const w = `Capw${uid(4)}`;
    sql(`INSERT INTO customers (public_id, tenant_id, email, first_name, last_name, customer_type, status, created_at, updated_at)
         SELECT CONCAT('cus_', ${lit(w.toLowerCase())}, '_', seq), 1, CONCAT(${lit(w.toLowerCase())}, '.', seq, '@cap.invalid'),
                'Cap', ${lit(w)}, 'individual', 'inactive', UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM seq_1_to_1001`);
    const broad = await search(w, '&status=inactive');
    assert.equal(resultCount(broad.text), '1,000+');
    assert.match(textOf(mainOf(broad.text)), /More than 1,000 customers match/);
    assert.equal(listIds(broad.text).length, 50);
    // its words match all 1,001 too ("1" is too short to be a word), but a term that
    // begins e-mail addresses is an e-mail search: the one e-mail, counted exactly
    const one = await search(`${w}.1@cap.invalid`, '&status=inactive');
    assert.equal(resultCount(one.text), '1');
    assert.deepEqual(listIds(one.text), [`cus_${w.toLowerCase()}_1`], 'the exact e-mail');
    // and its beginning lists the e-mails that begin so (1, 10-19, 100-199, 1000-1001)
    const some = await search(`${w}.1`, '&status=inactive');
    assert.equal(resultCount(some.text), String(1 + 10 + 100 + 2));
    // while the same words in another order are a search by words, capped
    const words = await search(`cap.invalid ${w}`, '&status=inactive');
    assert.equal(resultCount(words.text), '1,000+');
    const v = `Cnt${uid(4)}`;
    for (let i = 0; i < 3; i++) createCustomer({ company: `${v} Branch ${i}` });
    assert.equal(resultCount((await search(v)).text), '3');
    assert.equal(resultCount((await search(v, '&type=individual')).text), '0', 'filters apply to the count');
  });
});

describe('a word with more than the cap', () => {
  test('is counted as 1,000+ and lists the first 250 of its entries, page after page', async () => {
    // 1,001 inactive customers sharing a surname their e-mails do not hold
    const w = `Vieww${uid(4)}`;
    sql(`INSERT INTO customers (public_id, tenant_id, email, first_name, last_name, customer_type, status, created_at, updated_at)
         SELECT CONCAT('cus_', ${lit(w.toLowerCase())}, '_', seq), 1, CONCAT('e', seq, '@vw', ${lit(w.slice(5).toLowerCase())}, '.invalid'),
                'View', ${lit(w)}, 'individual', 'inactive', UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM seq_1_to_1001`);
    const r = await search(w, '&status=inactive');
    assert.equal(resultCount(r.text), '1,000+');
    // the word index holds them by customer id: the first 250 are the oldest rows
    const first = sql(`SELECT public_id FROM customers WHERE last_name = ${lit(w)} ORDER BY id LIMIT 250`).map((x) => x[0]);
    const walked = await walkIds(w, '&status=inactive');
    assert.equal(walked.length, 250);
    assert.deepEqual(new Set(walked), new Set(first));
    // one customer fewer than the cap + 1: every one of them, exactly counted
    sql(`UPDATE customers SET last_name = 'Moved' WHERE last_name = ${lit(w)} ORDER BY id DESC LIMIT 2`);
    const all = await walkIds(w, '&status=inactive');
    assert.equal(all.length, 999);
    assert.equal(resultCount((await search(w, '&status=inactive')).text), '999');
  });
});

describe('GET /v1/customers?search= (an extension)', () => {
  let key;
  before(() => { key = L.createKey({ role: 'viewer', label: `search-api-${uid()}`, rateLimit: 100000 }); });
  const call = (p) => L.api(p, { key: key.key });

  test('the same search, walked with its cursor, in the same order', async () => {
    const want = searchExpected('fixture.example');
    const got = [];
    let url = '/v1/customers?search=fixture.example&limit=2&sortBy=createdAt&sortDir=desc';
    for (let i = 0; url && i < 50; i++) {
      const r = await call(url);
      assert.equal(r.status, 200, r.text);
      got.push(...r.json.customers.map((c) => c.customerId));
      url = r.json.hasMore ? `/v1/customers?search=fixture.example&limit=2&sortBy=createdAt&sortDir=desc&startAfter=${encodeURIComponent(r.json.nextCursor)}` : null;
    }
    assert.deepEqual(got, want);
    const phone = await call(`/v1/customers?search=${encodeURIComponent('020 555 0100')}&status=all&limit=100`);
    assert.ok(phone.json.customers.some((c) => c.customerId === 'cus_fixture_inactive'));
  });

  test('email= stays exact and cannot be mixed with search', async () => {
    const exact = await call('/v1/customers?email=clara.clean@fixture.example');
    assert.deepEqual(exact.json.customers.map((c) => c.customerId), ['cus_fixture_clean']);
    const none = await call('/v1/customers?email=fixture.example@x.y');
    assert.deepEqual(none.json.customers, []);
    const both = await call('/v1/customers?email=clara.clean@fixture.example&search=clara');
    assert.equal(both.status, 400);
    assert.equal(both.json.error.code, 'VALIDATION_ERROR');
    const long = await call(`/v1/customers?search=${'a'.repeat(101)}`);
    assert.equal(long.status, 400);
  });

  test("another tenant's customers are never found", async () => {
    const r = await call('/v1/customers?search=gina&status=all');
    assert.ok(!r.json.customers.some((c) => c.customerId === 'cus_fixture_globex'));
  });
});

describe('hostile terms are data', () => {
  test('search operators, quotes and SQL in the term', async () => {
    for (const term of ['+clara -clean', '"clara clean"', 'clara*', '~clara <clean >x', '(clara)', '@clara',
      "clara' OR '1'='1", 'clara\\', '%clara%', 'clara) AGAINST (\'*\' IN BOOLEAN MODE) OR (1']) {
      const r = await search(term, '&status=all');
      assert.equal(r.status, 200, term);
      assert.deepEqual(await walkIds(term, '&status=all'), searchExpected(term, { where: 'TRUE' }), term);
    }
  });
});

describe('bulk clean-up: a search as one more way to pick customers', () => {
  const preview = async (form) => {
    const page = await L.page('/bulk', { user: 'admin' });
    const { csrf } = L.hiddenFields(page.text, '/bulk/preview');
    const r = await L.page('/bulk/preview', { user: 'admin', form: { csrf, ...form } });
    r.rows = L.previewRows(r.text);
    r.apply = L.hiddenFields(r.text, '/bulk/apply');
    return r;
  };

  test('previewed with eligibility per row and applied like the others', async () => {
    const w = `Blk${uid(4)}`;
    const clean = createCustomer({ firstName: 'Bulk', lastName: `Ford-${w}` });
    const blocked = createCustomer({ firstName: 'Bulk', lastName: `Lane-${w}`, order: 'pending' });
    const gone = createCustomer({ firstName: 'Bulk', lastName: `Hale-${w}`, status: 'inactive' });
    const page = await L.page('/bulk', { user: 'admin' });
    assert.match(page.text, /name="mode" value="search"/, 'the /bulk page offers the search mode');
    const p = await preview({ mode: 'search', q: w.toLowerCase() });
    assert.equal(p.status, 200, L.errorOf(p.text)?.message || p.text.slice(0, 300));
    const by = Object.fromEntries(p.rows.map((x) => [x.customer, x]));
    assert.deepEqual(Object.keys(by).sort(), [clean.publicId, blocked.publicId].sort(), 'the active customers the search finds');
    assert.equal(by[clean.publicId].state, 'eligible');
    assert.match(by[blocked.publicId].outcome, /CUSTOMER_HAS_PENDING_ORDERS/);
    assert.ok(!by[gone.publicId]);
    assert.match(p.apply.source, new RegExp(`^search: ${w.toLowerCase()}$`));
    const run = await L.page('/bulk/apply', { user: 'admin', form: { ...p.apply, reason: 'data_cleanup', select: [clean.publicId] } });
    assert.equal(run.status, 303, L.errorOf(run.text)?.message || run.text.slice(0, 300));
    for (let i = 0; i < 100 && sqlValue(`SELECT status FROM customers WHERE id = ${clean.id}`) !== 'inactive'; i++)
      await L.sleep(100);
    assert.equal(sqlValue(`SELECT status FROM customers WHERE id = ${clean.id}`), 'inactive', 'the run deactivated the chosen customer');
    assert.equal(sqlValue(`SELECT status FROM customers WHERE id = ${blocked.id}`), 'active');
  });

  test('a search matching more than the cap is refused, asking for more letters; an empty one too', async () => {
    const broad = await preview({ mode: 'search', q: 'example' });
    if (searchExpected('example').length > 1000) {
      assert.equal(broad.status, 400);
      assert.match(L.errorOf(broad.text)?.message || broad.text, /more than 1,000/);
    } else {
      assert.equal(broad.status, 200, 'under the cap the preview lists them');
    }
    const none = await preview({ mode: 'search' });
    assert.equal(none.status, 400);
  });
});
