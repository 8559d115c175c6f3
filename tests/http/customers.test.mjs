// Issue "walking skeleton": the customer pages, their headers and their
// answers to bad input. Read-only except for a few customers made here.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, get, request, post, sql, sqlValue, lit, listIds, nextHref, links, errorCode, mainOf,
  textOf, tableRows, parseMoneyCents, parseCount, createCustomer, customerState, between,
  searchExpected,
} from './lib.mjs';

const FIXTURE_IDS = [
  'cus_fixture_clean', 'cus_fixture_subscription', 'cus_fixture_pending_order',
  'cus_fixture_device_out', 'cus_fixture_all_three', 'cus_fixture_inactive', 'cus_fixture_xss',
];

function assertSecurityHeaders(res, what) {
  const csp = res.headers.get('content-security-policy');
  assert.ok(csp, `${what}: Content-Security-Policy is missing`);
  const directives = Object.fromEntries(
    csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
      const [name, ...vals] = d.split(/\s+/);
      return [name.toLowerCase(), vals];
    }),
  );
  const scripts = directives['script-src'] ?? directives['default-src'];
  assert.ok(scripts, `${what}: CSP has neither script-src nor default-src: ${csp}`);
  assert.ok(!scripts.includes("'unsafe-inline'"), `${what}: CSP allows inline scripts: ${csp}`);
  assert.ok(!scripts.includes("'unsafe-eval'"), `${what}: CSP allows eval: ${csp}`);
  assert.ok(!scripts.includes('*'), `${what}: CSP allows scripts from anywhere: ${csp}`);
  assert.equal(res.headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
}

function assertNoStore(res, what) {
  assert.match(res.headers.get('cache-control') ?? '', /(^|,\s*)no-store(\s*,|$)/, `${what}: Cache-Control no-store`);
}

/** Follows rel="next" from path; returns the ids of every page and the page count. */
async function walk(user, path, { maxPages = 200 } = {}) {
  const ids = [];
  const sizes = [];
  let url = path;
  let first = true;
  while (url) {
    const r = await get(user, url);
    assert.equal(r.status, 200, `GET ${url}`);
    const page = listIds(r.text);
    ids.push(...page);
    sizes.push(page.length);
    const hasFirst = links(r.text).some((l) => /First page/.test(l.text));
    assert.equal(hasFirst, !first, `a "First page" link exactly on the later pages (${url})`);
    const next = nextHref(r.text);
    if (next) {
      assert.ok(next.startsWith('/customers?'), `next link stays on the list: ${next}`);
      assert.match(next, /[?&]after=/, 'the next link carries a cursor');
    }
    url = next;
    first = false;
    assert.ok(sizes.length <= maxPages, 'too many pages: the cursor does not advance');
  }
  sizes.slice(0, -1).forEach((n, i) => assert.equal(n, 50, `page ${i + 1} is full (50 rows)`));
  return { ids, pages: sizes.length, sizes };
}

function dupes(ids) {
  const seen = new Set();
  return ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
}

/** The counts on the status tabs of a list page: {Active, Inactive, All}. */
function tabCounts(html) {
  const tabs = between(html, '<nav class="tabs"', '</nav>');
  assert.ok(tabs, 'the status tabs are on the page');
  const out = {};
  for (const m of tabs.matchAll(/>\s*(Active|Inactive|All) <span class="count">([\d,]+)<\/span>/g))
    out[m[1]] = parseCount(m[2]);
  return out;
}

function resultCount(html) {
  const m = /<p class="result-count" id="result-count">\s*([\d,+]+)/.exec(html);
  return m ? m[1] : null;
}

describe('pages answer with the right status', () => {
  const pages = [
    ['GET', '/customers', 200],
    ['GET', '/customers?status=inactive', 200],
    ['GET', '/customers?status=all&type=business&sort=name&dir=asc', 200],
    ['GET', '/customers?q=clara', 200],
    ['GET', '/customers/cus_fixture_clean', 200],
    ['GET', '/customers/cus_fixture_inactive', 200],
    ['GET', '/customers/cus_fixture_clean/deactivate', 200],
    ['GET', '/customers/cus_fixture_inactive/reactivate', 200],
    ['GET', '/customers/cus_fixture_clean/retention', 200],
    ['GET', '/customers/cus_fixture_inactive/retention', 200],
    ['GET', '/retention', 200],
    ['GET', '/audit', 200],
    ['GET', '/bulk', 200],
    ['HEAD', '/customers', 200],
    ['GET', '/customers/cus_doesnotexist', 404],
    ['GET', '/customers/cus_doesnotexist/deactivate', 404],
    ['GET', '/customers/cus_doesnotexist/retention', 404],
    ['GET', '/no/such/page', 404],
    ['GET', '/customers/bad!', 400],
    ['DELETE', '/customers', 405],
  ];
  for (const [method, path, status] of pages) {
    test(`${method} ${path} -> ${status}, with the security headers`, async () => {
      const r = await request('admin', method, path);
      assert.equal(r.status, status, `${method} ${path}`);
      assertSecurityHeaders(r, `${method} ${path}`);
      assertNoStore(r, `${method} ${path}`);
      if (method === 'HEAD') assert.equal(r.text, '');
      else assert.match(r.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/i);
      if (method === 'GET' && status === 200) {
        assert.match(r.text, /^<!DOCTYPE html>/, 'a whole HTML page');
        assert.match(r.text, /Ada Admin/, 'the signed-in user is shown');
      }
      if (status >= 400) {
        const code = { 400: 'INVALID_ID', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED' }[status];
        assert.equal(errorCode(r.text), code, 'the error page names the code');
        assert.match(textOf(mainOf(r.text)), new RegExp(`^${status} `), 'the error page names the status');
      }
    });
  }

  test('GET / redirects (303) to the customer list, with the security headers', async () => {
    const r = await get('admin', '/');
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/customers');
    assertSecurityHeaders(r, 'GET /');
  });

  test('a POST refused for its CSRF token (403) and a refused lifecycle POST carry the headers', async () => {
    const c = createCustomer();
    const r = await post('operator', `/customers/${c.publicId}/deactivate`, { reason: 'data_cleanup' });
    assert.equal(r.status, 403);
    assertSecurityHeaders(r, 'POST without a token');
    assertNoStore(r, 'POST without a token');
    assert.equal(customerState(c.publicId).status, 'active');
  });

  test('/healthz answers 200 "ok" without a login, with the headers', async () => {
    const r = await get(null, '/healthz');
    assert.equal(r.status, 200);
    assert.equal(r.text.trim(), 'ok');
    assertSecurityHeaders(r, '/healthz');
    assertNoStore(r, '/healthz');
  });

  test('static files carry the headers (and may be cached)', async () => {
    const r = await get(null, '/static/app.css');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/css/);
    assertSecurityHeaders(r, '/static/app.css');
  });

  test('no login -> 401 from nginx with a Basic challenge', async () => {
    for (const path of ['/customers', '/customers/cus_fixture_clean', '/audit', '/retention']) {
      const r = await get(null, path);
      assert.equal(r.status, 401, path);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Basic realm=/, path);
      assert.doesNotMatch(r.text, /cus_fixture/, 'no customer data without a login');
    }
    const wrong = await get('admin', '/customers', { password: 'not-the-password' });
    assert.equal(wrong.status, 401, 'a wrong password is refused');
    const unknown = await get('mallory', '/customers');
    assert.equal(unknown.status, 401, 'an unknown login is refused');
  });

  test('the 401 answer carries the security headers too', async () => {
    const r = await get(null, '/customers');
    assert.equal(r.status, 401);
    assertSecurityHeaders(r, '401 from nginx');
  });
});

describe('escaping: the hostile fixture cus_fixture_xss', () => {
  const raw = [
    '<script>alert(1)</script>', '<img src=x onerror=alert(2)>', '<script>alert(3)</script>',
    '<svg onload=alert(4)>', '<script>alert(5)</script>', 'xss+<b>@',
  ];
  const check = (html, escaped) => {
    for (const r of raw) assert.ok(!html.includes(r), `raw ${r} must not appear`);
    assert.ok(!/<script>alert/i.test(html), 'no live script from data');
    for (const e of escaped) assert.ok(html.includes(e), `escaped ${e} appears`);
  };

  test('in the list (searched for) it renders escaped', async () => {
    const r = await get('admin', '/customers?q=xss');
    assert.equal(r.status, 200);
    assert.ok(listIds(r.text).includes('cus_fixture_xss'), 'the search finds the fixture');
    check(r.text, [
      '&lt;script&gt;alert(1)&lt;/script&gt;',
      '&quot;&gt;&lt;img src=x onerror=alert(2)&gt;',
      '&lt;/td&gt;&lt;script&gt;alert(3)&lt;/script&gt;',
      'xss+&lt;b&gt;@fixture.example',
    ]);
    const row = tableRows(r.text).find((cells) => cells.some((c) => c.includes('cus_fixture_xss')));
    assert.ok(row, 'its row is in the table');
    assert.equal(textOf(row[1]), 'xss+<b>@fixture.example', 'the e-mail reads as typed');
    // the search box keeps the term, escaped
    const searchTerm = await get('admin', '/customers?q=' + encodeURIComponent('"><script>alert(9)</script>'));
    assert.equal(searchTerm.status, 200);
    assert.ok(!searchTerm.text.includes('<script>alert(9)</script>'), 'the echoed search term is escaped');
    assert.ok(searchTerm.text.includes('&quot;&gt;&lt;script&gt;alert(9)&lt;/script&gt;'));
  });

  test('on its page, its forms and its retention page it renders escaped', async () => {
    for (const path of ['', '/deactivate', '/retention']) {
      const r = await get('admin', `/customers/cus_fixture_xss${path}`);
      assert.equal(r.status, 200, path);
      check(r.text, ['&lt;script&gt;alert(1)&lt;/script&gt;']);
    }
    const page = await get('admin', '/customers/cus_fixture_xss');
    check(page.text, [
      '&lt;svg onload=alert(4)&gt;',
      '&lt;script&gt;alert(5)&lt;/script&gt;',
      '&lt;/td&gt;&lt;script&gt;alert(3)&lt;/script&gt;',
    ]);
    const title = /<title>([\s\S]*?)<\/title>/.exec(page.text)[1];
    assert.ok(title.includes('&lt;script&gt;'), 'the title is escaped');
  });
});

describe('status filter', () => {
  test('inactive customers are absent from the default list and present with status=inactive and all', async () => {
    for (const q of ['ines.inactive', 'Ines']) {
      const def = await get('admin', `/customers?q=${q}`);
      assert.equal(def.status, 200);
      assert.ok(!listIds(def.text).includes('cus_fixture_inactive'), `default list (q=${q}) hides the inactive fixture`);
      const inactive = await get('admin', `/customers?q=${q}&status=inactive`);
      assert.ok(listIds(inactive.text).includes('cus_fixture_inactive'), `status=inactive (q=${q}) shows it`);
      const all = await get('admin', `/customers?q=${q}&status=all`);
      assert.ok(listIds(all.text).includes('cus_fixture_inactive'), `status=all (q=${q}) shows it`);
    }
    // the first page of the default list holds only active customers, and
    // the inactive filter only inactive ones (checked in the database)
    for (const [query, want] of [['', 'active'], ['?status=inactive', 'inactive']]) {
      const r = await get('admin', `/customers${query}`);
      const ids = listIds(r.text);
      assert.ok(ids.length > 0);
      const statuses = sql(`SELECT DISTINCT status FROM customers WHERE public_id IN (${ids.map(lit).join(',')})`);
      assert.deepEqual(statuses, [[want]], `/customers${query} shows only ${want} customers`);
    }
  });

  test('the tab counts match the database (all types, businesses, and for tenant 2)', async () => {
    const count = (tenant, where) => Number(sqlValue(`SELECT COUNT(*) FROM customers WHERE tenant_id = ${tenant} ${where}`));
    const r = await get('admin', '/customers');
    const want = {
      Active: count(1, "AND status = 'active'"),
      Inactive: count(1, "AND status = 'inactive'"),
      All: count(1, ''),
    };
    assert.deepEqual(tabCounts(r.text), want);
    assert.equal(parseCount(resultCount(r.text)), want.Active, 'the result count of the default list');
    const inactive = await get('admin', '/customers?status=inactive');
    assert.equal(parseCount(resultCount(inactive.text)), want.Inactive);
    const b = await get('admin', '/customers?type=business&status=all');
    assert.deepEqual(tabCounts(b.text), {
      Active: count(1, "AND status = 'active' AND customer_type = 'business'"),
      Inactive: count(1, "AND status = 'inactive' AND customer_type = 'business'"),
      All: count(1, "AND customer_type = 'business'"),
    });
    const g = await get('globex', '/customers');
    assert.deepEqual(tabCounts(g.text), {
      Active: count(2, "AND status = 'active'"),
      Inactive: count(2, "AND status = 'inactive'"),
      All: count(2, ''),
    });
  });

  test('the counts follow a new customer and its deactivation', async () => {
    const before = tabCounts((await get('admin', '/customers')).text);
    const c = createCustomer();
    const mid = tabCounts((await get('admin', '/customers')).text);
    assert.deepEqual(mid, { Active: before.Active + 1, Inactive: before.Inactive, All: before.All + 1 });
    sql(`UPDATE customers SET status = 'inactive', deactivated_at = UTC_TIMESTAMP(), deactivated_by = 'admin',
           deactivation_reason = 'data_cleanup' WHERE id = ${Number(c.id)}`);
    const after = tabCounts((await get('admin', '/customers')).text);
    assert.deepEqual(after, { Active: before.Active, Inactive: before.Inactive + 1, All: before.All + 1 });
  });
});

describe('cursor pagination walks every customer exactly once, in order', () => {
  const cases = [
    ['', "status = 'active'", 'created_at DESC, id DESC'],
    ['status=all&sort=name&dir=asc', '1', 'sort_name ASC, id ASC'],
    ['status=inactive&sort=mrr&dir=desc', "status = 'inactive'", 'mrr_cents DESC, id DESC'],
    ['type=business&sort=email', "status = 'active' AND customer_type = 'business'", 'email ASC, id ASC'],
    ['sort=devices', "status = 'active'", 'devices_out ASC, id ASC'],
    ['status=all&sort=createdAt&dir=asc', '1', 'created_at ASC, id ASC'],
    ['status=all&type=individual&sort=firstName&dir=desc', "customer_type = 'individual'", 'full_name DESC, id DESC'],
  ];
  for (const [query, where, order] of cases) {
    test(`/customers?${query} (ORDER BY ${order})`, async () => {
      const { ids, pages } = await walk('admin', `/customers${query ? '?' + query : ''}`);
      const want = sql(`SELECT public_id FROM customers WHERE tenant_id = 1 AND ${where} ORDER BY ${order}`).map((r) => r[0]);
      assert.ok(want.length > 0);
      assert.deepEqual(dupes(ids), [], 'no customer shown twice');
      assert.equal(ids.length, want.length, `every customer of the filter is shown (${pages} pages)`);
      assert.equal(pages, Math.max(1, Math.ceil(want.length / 50)), 'no empty trailing page');
      assert.deepEqual(ids, want, 'in the order of the sort, ties broken by id');
    });
  }

  test('the MRR and device columns are ordered as the sort says', async () => {
    const mrr = (await get('admin', '/customers?status=all&sort=mrr&dir=desc')).text;
    const mrrs = tableRows(mrr).map((cells) => parseMoneyCents(textOf(cells[4])));
    assert.equal(mrrs.length, 50);
    for (let i = 1; i < mrrs.length; i++) assert.ok(mrrs[i - 1] >= mrrs[i], `MRR descends at row ${i}`);
    assert.ok(mrrs[0] > 0, 'the highest MRR comes first');
    const dev = (await get('admin', '/customers?sort=devices&dir=desc')).text;
    const devs = tableRows(dev).map((cells) => parseCount(textOf(cells[5])));
    for (let i = 1; i < devs.length; i++) assert.ok(devs[i - 1] >= devs[i], `devices descend at row ${i}`);
    const maxDevices = Number(sqlValue("SELECT MAX(devices_out) FROM customers WHERE tenant_id = 1 AND status = 'active'"));
    assert.equal(devs[0], maxDevices);
  });

  test('clicking a sorted header flips its direction', async () => {
    const r = await get('admin', '/customers?sort=name&dir=asc');
    const header = links(r.text).find((l) => l.text.startsWith('Name'));
    assert.ok(header, 'the Name header links');
    assert.match(header.href, /sort=name&dir=desc/);
    assert.match(r.text, /aria-sort="ascending"/);
  });
});

describe('search', () => {
  // A customer of the demo data to search for, chosen in the database.
  const [pick] = sql(`SELECT public_id, email, first_name, last_name, company FROM customers
                       WHERE tenant_id = 1 AND status = 'active' AND customer_type = 'business'
                         AND company IS NOT NULL AND first_name <> '' AND last_name <> ''
                       ORDER BY id LIMIT 1`);
  const [pid, email, first, last, company] = pick;

  // what the search box finds (prefixes, phone digits, words anywhere; exact
  // matches first), computed in SQL from the rules (lib.mjs)
  const expected = (term) => searchExpected(term);

  const terms = [
    ['an e-mail prefix', email.slice(0, email.indexOf('@') - 1)],
    ['a whole e-mail', email],
    ['a last name', last],
    ['a first name', first],
    ['"first last"', `${first} ${last}`],
    ['a company prefix', company.split(' ')[0]],
    ['a lower-case last name', last.toLowerCase()],
  ];
  for (const [what, term] of terms) {
    test(`finds by ${what} (${term})`, async () => {
      const want = expected(term);
      assert.ok(want.includes(pid), `the database finds ${pid} for ${term}`);
      const { ids } = await walk('admin', `/customers?q=${encodeURIComponent(term)}`);
      assert.deepEqual(ids, want);
      const r = await get('admin', `/customers?q=${encodeURIComponent(term)}`);
      assert.equal(resultCount(r.text), want.length.toLocaleString('en-US'), 'the result count');
      assert.match(r.text, new RegExp(`value="${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`, 'i'), 'the box keeps the term');
    });
  }

  test('the last-name search matches by last name, not just by e-mail', async () => {
    const byLast = sql(`SELECT public_id FROM customers WHERE tenant_id = 1 AND status = 'active'
                          AND last_name = ${lit(last)} ORDER BY created_at DESC, id DESC`).map((r) => r[0]);
    const { ids } = await walk('admin', `/customers?q=${encodeURIComponent(last)}`);
    for (const id of byLast) assert.ok(ids.includes(id), `${id} (last name ${last}) is found`);
  });

  test('search with the status filter and a sort', async () => {
    const want = searchExpected('clara.', { where: 'TRUE', orderBy: 'email ASC, id ASC' });
    const { ids } = await walk('admin', '/customers?q=clara.&status=all&sort=email');
    assert.deepEqual(ids, want);
    assert.ok(ids.includes('cus_fixture_clean'));
  });

  test('LIKE wildcards in the term are taken literally', async () => {
    for (const term of ['%', '_', '%a', 'a_b\\']) {
      const r = await get('admin', `/customers?q=${encodeURIComponent(term)}`);
      assert.equal(r.status, 200, term);
      assert.deepEqual(listIds(r.text), expected(term).slice(0, 50), `q=${term}`);
    }
    const none = await get('admin', '/customers?q=%25');
    assert.deepEqual(listIds(none.text), [], 'q=% matches nothing');
    assert.match(none.text, /No customer matches this search/);
  });

  test('a search walks its pages with the cursor', async () => {
    // a term with more than one page and fewer than the 1,000-match cap
    const term = ['Will', 'Sam', 'Jonas', 'Carlos', 'Xenia', 'Fjord', 'Ma', 'Ja', 'Be']
      .find((t) => { const n = expected(t).length; return n > 50 && n <= 1000; });
    assert.ok(term, 'a term with 51..1000 matches');
    const want = expected(term);
    const { ids, pages } = await walk('admin', `/customers?q=${term}`);
    assert.ok(pages >= 2);
    assert.deepEqual(ids, want);
  });

  test('a new customer is found at once by e-mail, name and company', async () => {
    const c = createCustomer({ firstName: 'Zebulon', lastName: `Qx${Date.now().toString(36)}`, company: `Quuxcorp ${Date.now().toString(36)}` });
    for (const term of [c.email.slice(0, 8), c.lastName, `Zebulon ${c.lastName}`]) {
      const r = await get('admin', `/customers?q=${encodeURIComponent(term)}`);
      assert.ok(listIds(r.text).includes(c.publicId), `found by ${term}`);
    }
  });
});

describe('tenants', () => {
  test("another tenant's customer is 404 for admin and visible to its own tenant", async () => {
    for (const path of ['', '/deactivate', '/reactivate', '/retention']) {
      const r = await get('admin', `/customers/cus_fixture_globex${path}`);
      assert.equal(r.status, 404, `admin: ${path}`);
      assert.equal(errorCode(r.text), 'NOT_FOUND');
      assert.doesNotMatch(r.text, /Gina|Globex Rentals|gina\.globex/, 'nothing of the other tenant leaks');
    }
    const missing = await get('admin', '/customers/cus_fixture_nosuch');
    assert.equal(missing.status, 404);
    assert.equal(textOf(mainOf(missing.text)), textOf(mainOf((await get('admin', '/customers/cus_fixture_globex')).text)),
      "another tenant's customer reads exactly like a missing one");
    const g = await get('globex', '/customers/cus_fixture_globex');
    assert.equal(g.status, 200);
    assert.match(g.text, /Gina Globex/);
    assert.match(g.text, /Globex Rentals/);
    const gn = await get('globex', '/customers/cus_fixture_clean');
    assert.equal(gn.status, 404, "globex cannot see northwind's customers");
  });

  test("a tenant's lists and searches hold only its own customers", async () => {
    const r = await get('admin', '/customers?q=gina.globex&status=all');
    assert.deepEqual(listIds(r.text), []);
    const g = await get('globex', '/customers?q=gina.globex&status=all');
    assert.deepEqual(listIds(g.text), ['cus_fixture_globex']);
    const page = await get('globex', '/customers?status=all');
    const ids = listIds(page.text);
    assert.equal(ids.length, 50);
    const tenants = sql(`SELECT DISTINCT tenant_id FROM customers WHERE public_id IN (${ids.map(lit).join(',')})`);
    assert.deepEqual(tenants, [['2']]);
  });
});

describe('bad input', () => {
  async function bad(path, status, code, field) {
    const r = await get('admin', path);
    assert.equal(r.status, status, path);
    assert.equal(errorCode(r.text), code, `${path}: error code`);
    if (field) assert.match(textOf(mainOf(r.text)), field instanceof RegExp ? field : new RegExp(`\\b${field}:`), `${path}: names the field ${field}`);
    assertSecurityHeaders(r, path);
    return r;
  }

  test('malformed customer ids are 400 INVALID_ID', async () => {
    for (const id of ['bad!', 'cus_', 'x', 'cus_' + 'a'.repeat(37), 'cus-abc', 'ord_fixture_pending', 'cus_a%20b', 'cus_%C3%A9'])
      for (const suffix of ['', '/deactivate', '/retention'])
        await bad(`/customers/${id}${suffix}`, 400, 'INVALID_ID', /\b(id|customerId):/);
  });

  test('tampered cursors and cursors of another sort order are 400 INVALID_CURSOR', async () => {
    const first = await get('admin', '/customers?sort=name&dir=asc');
    const next = nextHref(first.text);
    assert.ok(next);
    const after = new URL(next, BASE_URL).searchParams.get('after');
    assert.ok(after && after.length > 10);
    const ok = await get('admin', `/customers?status=active&sort=name&dir=asc&after=${after}`);
    assert.equal(ok.status, 200, 'the cursor itself works');
    const flip = (s, i) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (const i of [0, Math.floor(after.indexOf('.') / 2), after.length - 2]) {
      await bad(`/customers?sort=name&dir=asc&after=${flip(after, i)}`, 400, 'INVALID_CURSOR', 'after');
    }
    await bad(`/customers?sort=name&dir=asc&after=${after.slice(0, after.indexOf('.'))}`, 400, 'INVALID_CURSOR', 'after');
    await bad(`/customers?sort=email&dir=asc&after=${after}`, 400, 'INVALID_CURSOR', 'after');
    await bad(`/customers?sort=name&dir=desc&after=${after}`, 400, 'INVALID_CURSOR', 'after');
    await bad(`/customers?after=${after}`, 400, 'INVALID_CURSOR', 'after');
    await bad('/customers?after=a*b', 400, 'INVALID_PARAMETER', 'after');
    // an audit cursor is no customer cursor
    const audit = await get('admin', '/audit');
    const auditNext = nextHref(audit.text);
    if (auditNext) {
      const a = new URL(auditNext, BASE_URL).searchParams.get('after');
      await bad(`/customers?after=${a}`, 400, 'INVALID_CURSOR', 'after');
    }
  });

  test('unknown sort key, direction, status and type are 400 naming the parameter', async () => {
    await bad('/customers?sort=password', 400, 'INVALID_PARAMETER', 'sort');
    await bad('/customers?sort=createdat', 400, 'INVALID_PARAMETER', 'sort');
    await bad('/customers?dir=up', 400, 'INVALID_PARAMETER', 'dir');
    await bad('/customers?status=deleted', 400, 'INVALID_PARAMETER', 'status');
    await bad('/customers?status=pending', 400, 'INVALID_PARAMETER', 'status');
    await bad('/customers?type=robot', 400, 'INVALID_PARAMETER', 'type');
  });

  test('q: 100 characters are fine, 101 are 400; invalid UTF-8 and control characters are 400', async () => {
    assert.equal((await get('admin', '/customers?q=' + 'a'.repeat(100))).status, 200);
    assert.equal((await get('admin', '/customers?q=' + encodeURIComponent('é'.repeat(100)))).status, 200,
      '100 two-byte characters are 100 characters');
    await bad('/customers?q=' + 'a'.repeat(101), 400, 'INVALID_PARAMETER', 'q');
    await bad('/customers?q=%ff', 400, 'INVALID_PARAMETER', 'q');
    await bad('/customers?q=ab%c3', 400, 'INVALID_PARAMETER', 'q');
    await bad('/customers?q=%ed%a0%80', 400, 'INVALID_PARAMETER', 'q');
    await bad('/customers?q=a%00b', 400, 'INVALID_PARAMETER', 'q');
    await bad('/customers?q=a%0ab', 400, 'INVALID_PARAMETER', 'q');
    const r = await bad('/customers?q=%ff', 400, 'INVALID_PARAMETER', 'q');
    assert.match(textOf(mainOf(r.text)), /UTF-8/);
  });

  test('a malformed query string is 400', async () => {
    await bad('/customers?q=%zz', 400, 'INVALID_QUERY', 'query');
    await bad('/customers?q=%4', 400, 'INVALID_QUERY', 'query');
  });

  test('unknown path is 404', async () => {
    for (const path of ['/nope', '/customers/cus_fixture_clean/delete', '/customers/cus_fixture_clean/', '/v2/customers']) {
      const r = await get('admin', path);
      assert.equal(r.status, 404, path);
      assert.equal(errorCode(r.text), 'NOT_FOUND', path);
    }
  });

  test('wrong method is 405 with an Allow header', async () => {
    const cases = [
      ['DELETE', '/customers', 'GET, HEAD'],
      ['POST', '/customers', 'GET, HEAD'],
      ['PUT', '/customers/cus_fixture_clean', 'GET, HEAD'],
      ['POST', '/customers/cus_fixture_clean/retention', 'GET, HEAD'],
      ['PUT', '/customers/cus_fixture_clean/deactivate', 'GET, HEAD, POST'],
      ['DELETE', '/customers/cus_fixture_clean/reactivate', 'GET, HEAD, POST'],
      ['POST', '/audit', 'GET, HEAD'],
      ['PATCH', '/customers', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const r = await request('admin', method, path, method === 'GET' || method === 'HEAD' ? {} : { form: {} });
      assert.equal(r.status, 405, `${method} ${path}`);
      const got = (r.headers.get('allow') ?? '').split(',').map((s) => s.trim()).sort();
      assert.deepEqual(got, allow.split(', ').sort(), `${method} ${path}: Allow`);
      assert.equal(errorCode(r.text), 'METHOD_NOT_ALLOWED');
    }
    assert.equal(customerState('cus_fixture_clean').status, 'active');
  });

  test('a POST body over 4 MiB is 413 and changes nothing', async () => {
    const c = createCustomer();
    const form = await get('operator', `/customers/${c.publicId}/deactivate`);
    const token = /name="csrf" value="([^"]+)"/.exec(form.text)[1];
    const body = `csrf=${token}&reason=data_cleanup&note=${'x'.repeat(4 * 1024 * 1024 + 16)}`;
    const r = await request('operator', 'POST', `/customers/${c.publicId}/deactivate`, {
      body, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(r.status, 413);
    assert.equal(errorCode(r.text), 'PAYLOAD_TOO_LARGE');
    assertSecurityHeaders(r, '413');
    assert.equal(customerState(c.publicId).status, 'active');
    // just under the limit is read (and refused for its over-long note)
    const under = `csrf=${token}&reason=data_cleanup&note=${'x'.repeat(4 * 1024 * 1024 - 200)}`;
    const u = await request('operator', 'POST', `/customers/${c.publicId}/deactivate`, {
      body: under, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(u.status, 400);
    assert.match(textOf(mainOf(u.text)), /note:/);
    assert.equal(customerState(c.publicId).status, 'active');
  });

  test('a form POST that is not urlencoded is 415', async () => {
    const c = createCustomer();
    const r = await request('operator', 'POST', `/customers/${c.publicId}/deactivate`, {
      body: JSON.stringify({ reason: 'data_cleanup' }), headers: { 'content-type': 'application/json' },
    });
    assert.equal(r.status, 415);
    assert.equal(customerState(c.publicId).status, 'active');
  });
});
