// A FlexPortal client written from FlexPortal's public documentation alone
// (../shared/flexportal/: api-reference/overview.md for the base URL, the
// Bearer key, the Tenant-ID header, Content-Type on PUT, cursor pagination
// and Retry-After; customers/{get,list,update,delete}.md and orders/list.md
// for the calls), pointed at Custodian by changing nothing but the base URL.
// Issue 13's "Done when": the seed's canDeleteCustomer, a cursor walk with
// startAfter = nextCursor until nextCursor is null, a profile edit and a
// reactivation work unchanged.
//
// Only the setup (customers this file makes) and the counts it compares
// with come from the database; nothing here is taken from Custodian's docs
// or code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCustomer } from './apilib.mjs';
import { sql, sqlValue, lit } from '../sql.mjs';
import { randomBytes } from 'node:crypto';
// Its answers are checked against FlexPortal's openapi.json like every other /v1 answer.
import './conformance.mjs';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests through scripts/check`);
  return v;
}

const BASE_URL = need('BASE_URL').replace(/\/$/, '');
const API_KEY = need('API_KEY');
const TENANT = 'northwind';

/** An error answer, as FlexPortal's overview gives it: {error: {code, message, details?}}. */
class FlexPortalError extends Error {
  constructor(status, body, text) {
    super(`FlexPortal ${status} ${body?.error?.code ?? ''}: ${body?.error?.message ?? text}`);
    this.status = status;
    this.code = body?.error?.code;
    this.details = body?.error?.details;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The tiny client: base URL, Bearer key and Tenant-ID, as the overview says. */
function flexportal({ baseUrl, apiKey, tenantId }) {
  async function call(method, path, body) {
    const headers = { Authorization: `Bearer ${apiKey}`, 'Tenant-ID': tenantId };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    // "When rate limited, you'll receive a 429 ... with a Retry-After header
    // indicating when to retry."
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (res.status === 429 && attempt < 3) {
        const wait = Number(res.headers.get('retry-after'));
        await sleep(1000 * (Number.isFinite(wait) ? Math.min(Math.max(wait, 1), 60) : 5));
        continue;
      }
      if (!res.ok) throw new FlexPortalError(res.status, json, text);
      return json;
    }
  }
  const query = (params) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null) p.set(k, String(v));
    const s = p.toString();
    return s ? `?${s}` : '';
  };
  const id = (x) => encodeURIComponent(x);
  return {
    listCustomers: (params) => call('GET', `/v1/customers${query(params)}`),
    getCustomer: (customerId) => call('GET', `/v1/customers/${id(customerId)}`),
    updateCustomer: (customerId, fields) => call('PUT', `/v1/customers/${id(customerId)}`, fields),
    deleteCustomer: (customerId) => call('DELETE', `/v1/customers/${id(customerId)}`),
    listOrders: (params) => call('GET', `/v1/orders${query(params)}`),
  };
}

const fp = flexportal({ baseUrl: BASE_URL, apiKey: API_KEY, tenantId: TENANT });
const getCustomer = fp.getCustomer;
const listOrders = fp.listOrders;

// ---- the seed's canDeleteCustomer (customers/delete.md, "Prerequisites") -------------

async function canDeleteCustomer(customerId) {
  const customer = await getCustomer(customerId);

  // Check for active subscriptions
  if (customer.profitability.activeDevices > 0) {
    return false;
  }

  // Check for pending orders
  const { orders } = await listOrders({
    customerId,
    status: 'pending',
  });

  if (orders.length > 0) {
    return false;
  }

  return true;
}

test('canDeleteCustomer (delete.md): an active subscription → false', async () => {
  assert.equal(await canDeleteCustomer('cus_fixture_subscription'), false);
});

test('canDeleteCustomer (delete.md): a pending order → false', async () => {
  assert.equal(await canDeleteCustomer('cus_fixture_pending_order'), false);
});

test('canDeleteCustomer (delete.md): history only → true', async () => {
  assert.equal(await canDeleteCustomer('cus_fixture_clean'), true);
});

// ---- getCustomerSummary (customers/get.md, "Customer Summary for Support") ---------------

async function getCustomerSummary(customerId) {
  const customer = await getCustomer(customerId);

  return {
    name: `${customer.firstName} ${customer.lastName}`,
    email: customer.email,
    company: customer.company || 'Individual',
    activeSubscriptions: customer.profitability.activeDevices,
    monthlyRevenue: customer.profitability.averageMonthlyRevenue,
    lifetimeValue: customer.profitability.lifetimeCollected,
    isProfitable: customer.profitability.costRecoveryPercent >= 100,
  };
}

test('getCustomerSummary (get.md): activeDevices counts the active subscriptions', async () => {
  const s = await getCustomerSummary('cus_fixture_subscription');
  assert.equal(s.name, 'Sam Subscribed');
  assert.equal(s.email, 'sam.subscribed@fixture.example');
  assert.equal(s.company, 'Individual');
  const active = Number(sqlValue(`SELECT COUNT(*) FROM subscriptions s JOIN customers c ON c.id = s.customer_id
    WHERE c.public_id = 'cus_fixture_subscription' AND s.status = 'active'`));
  assert.equal(active, 1);
  assert.equal(s.activeSubscriptions, active);
  assert.equal(typeof s.monthlyRevenue, 'number');
  assert.equal(typeof s.lifetimeValue, 'number');
  assert.equal(typeof s.isProfitable, 'boolean');
});

// ---- the overview's cursor loop (startAfter = nextCursor until null) ---------------------

/** Every record of a list, page by page as overview.md "Iterating Through Pages" does. */
async function walk(list, field, params = {}) {
  let cursor = null;
  const all = [];
  let pages = 0;
  do {
    const page = { limit: '100', ...params };
    if (cursor) page.startAfter = cursor;
    const data = await list(page);
    assert.ok(Array.isArray(data[field]), `page ${pages + 1} has ${field}`);
    assert.ok(data[field].length <= 100, 'at most limit records a page');
    all.push(...data[field]);
    cursor = data.nextCursor;
    pages++;
    assert.ok(pages <= 1000, 'the walk ends');
  } while (cursor);
  return { all, pages };
}

const tenantId = () => sqlValue(`SELECT id FROM tenants WHERE slug = ${lit(TENANT)}`);

function assertEveryOnce(ids, expected, what) {
  const seen = new Set(ids);
  assert.equal(ids.length, seen.size, `${what}: no record twice (${ids.length - seen.size} repeats)`);
  assert.equal(ids.length, expected.length, `${what}: as many records as the database has`);
  const missing = expected.filter((x) => !seen.has(x));
  assert.deepEqual(missing.slice(0, 10), [], `${what}: ${missing.length} records never visited`);
}

test('cursor walk over customers: every active customer exactly once (the default list hides inactive ones)', async () => {
  const { all, pages } = await walk(fp.listCustomers, 'customers');
  const expected = sql(`SELECT public_id FROM customers WHERE tenant_id = ${tenantId()} AND status = 'active'`).map((r) => r[0]);
  assert.ok(expected.length > 100, 'more than one page of customers');
  assert.ok(pages > 1);
  assertEveryOnce(all.map((c) => c.customerId), expected, 'customers');
  assert.ok(all.every((c) => c.status === 'active'));
});

test('cursor walk over customers with status=inactive: every inactive customer exactly once', async () => {
  const { all } = await walk(fp.listCustomers, 'customers', { status: 'inactive' });
  const expected = sql(`SELECT public_id FROM customers WHERE tenant_id = ${tenantId()} AND status = 'inactive'`).map((r) => r[0]);
  assert.ok(expected.length > 0);
  assertEveryOnce(all.map((c) => c.customerId), expected, 'inactive customers');
  assert.ok(all.every((c) => c.status === 'inactive'));
});

test('cursor walk over orders: every order exactly once', async () => {
  const { all, pages } = await walk(fp.listOrders, 'orders');
  const expected = sql(`SELECT public_id FROM orders WHERE tenant_id = ${tenantId()}`).map((r) => r[0]);
  assert.ok(expected.length > 100, 'more than one page of orders');
  assert.ok(pages > 1);
  assertEveryOnce(all.map((o) => o.orderId), expected, 'orders');
});

test('cursor walk over one status of orders (orders/list.md "Fetch all pending orders")', async () => {
  const { all } = await walk(fp.listOrders, 'orders', { status: 'pending', limit: '50' });
  const expected = sql(`SELECT public_id FROM orders WHERE tenant_id = ${tenantId()} AND status = 'pending'`).map((r) => r[0]);
  assert.ok(expected.length > 0);
  assertEveryOnce(all.map((o) => o.orderId), expected, 'pending orders');
  assert.ok(all.every((o) => o.status === 'pending'));
});

// ---- a profile edit (customers/update.md) -------------------------------------------------

const ADDRESS_FIELDS = ['contactName', 'company', 'buildingInfo', 'streetAddress', 'locality', 'city', 'adminArea', 'postalCode', 'country'];
const pick = (a) => Object.fromEntries(ADDRESS_FIELDS.filter((k) => a && a[k] !== undefined).map((k) => [k, a[k]]));

test('profile edit (update.md "Update for Company Merger"): PUT names, company, phone and both addresses; GET shows them', async () => {
  const c = makeCustomer({ first: 'Marta', last: 'Before', company: 'Old Company B.V.', type: 'business' });
  const u = randomBytes(3).toString('hex');
  const billingAddress = {
    contactName: 'Finance Department',
    company: 'Acquiring Company B.V.',
    streetAddress: '100 Corporate Plaza',
    city: 'Amsterdam',
    postalCode: '1000 AA',
    country: 'Netherlands',
  };
  const shippingAddress = {
    contactName: 'John Smith',
    company: 'Acme Corp',
    streetAddress: '456 Office Park',
    city: 'Rotterdam',
    postalCode: '3011 AA',
    country: 'Netherlands',
  };
  const fields = {
    customerId: c.pid,
    firstName: 'Marta',
    lastName: `Merged-${u}`,
    company: 'Acquiring Company B.V.',
    phone: '+31687654321',
    billingAddress,
    shippingAddress,
  };
  const r = await fp.updateCustomer(c.pid, fields);
  assert.equal(r.success, true, `the PUT answer: ${JSON.stringify(r).slice(0, 300)}`);
  assert.equal(typeof r.message, 'string');
  assert.equal(r.customerId, c.pid);
  assert.equal(r.customer.customerId, c.pid);
  assert.equal(r.customer.lastName, `Merged-${u}`);
  assert.equal(r.customer.company, 'Acquiring Company B.V.');
  assert.equal(r.customer.phone, '+31687654321');

  const g = await fp.getCustomer(c.pid);
  assert.equal(g.customerId, c.pid);
  assert.equal(g.firstName, 'Marta');
  assert.equal(g.lastName, `Merged-${u}`);
  assert.equal(g.company, 'Acquiring Company B.V.');
  assert.equal(g.phone, '+31687654321');
  assert.equal(g.email, c.email, 'e-mail untouched');
  assert.equal(g.status, 'active', 'an edit changes no status');
  // get.md's prose names them billingAddress/shippingAddress, the schema
  // lastBillingAddress/lastShippingAddress: a client may read either.
  assert.deepEqual(pick(g.billingAddress), billingAddress, 'billingAddress (get.md)');
  assert.deepEqual(pick(g.shippingAddress), shippingAddress, 'shippingAddress (get.md)');
  assert.deepEqual(pick(g.lastBillingAddress), billingAddress, 'lastBillingAddress (openapi.json)');
  assert.deepEqual(pick(g.lastShippingAddress), shippingAddress, 'lastShippingAddress (openapi.json)');
});

test('partial update (update.md "Partial Updates"): only phone and company change', async () => {
  const c = makeCustomer({ first: 'Pat', last: 'Partial', company: 'Before B.V.', phone: '+31 20 000 0000', type: 'business' });
  const before = await fp.getCustomer(c.pid);
  const r = await fp.updateCustomer(c.pid, { customerId: c.pid, phone: '+31612345678', company: 'New Company Name' });
  assert.equal(r.success, true, `the PUT answer: ${JSON.stringify(r).slice(0, 300)}`);
  const g = await fp.getCustomer(c.pid);
  assert.equal(g.phone, '+31612345678');
  assert.equal(g.company, 'New Company Name');
  assert.equal(g.firstName, before.firstName);
  assert.equal(g.lastName, before.lastName);
  assert.equal(g.email, before.email);
  assert.equal(g.customerType, before.customerType);
});

// ---- a reactivation (delete.md "Reactivating a Customer") -----------------------------------

test('reactivation (delete.md): DELETE soft-deletes, PUT {"status":"active"} brings the customer back', async () => {
  const c = makeCustomer({ first: 'Rita', last: `Reactivated${randomBytes(3).toString('hex')}` });
  const listed = async (params) => (await fp.listCustomers({ email: c.email, ...params })).customers.map((x) => x.customerId);
  assert.deepEqual(await listed(), [c.pid]);

  const d = await fp.deleteCustomer(c.pid);
  assert.equal(d.success, true, `the DELETE answer: ${JSON.stringify(d).slice(0, 300)}`);
  assert.equal(typeof d.message, 'string');
  assert.equal(d.customerId, c.pid);
  assert.equal((await fp.getCustomer(c.pid)).status, 'inactive', 'the record is kept, marked inactive');
  assert.deepEqual(await listed(), [], 'hidden from the default list');
  assert.deepEqual(await listed({ status: 'inactive' }), [c.pid]);

  const r = await fp.updateCustomer(c.pid, { status: 'active' });
  assert.equal(r.success, true, `the PUT answer: ${JSON.stringify(r).slice(0, 300)}`);
  assert.equal(r.customerId, c.pid);
  assert.equal(r.customer.status, 'active');
  const g = await fp.getCustomer(c.pid);
  assert.equal(g.status, 'active');
  assert.equal(g.email, c.email);
  assert.deepEqual(await listed(), [c.pid], 'listed again');
});

test('an unknown customer is NOT_FOUND (overview.md error codes)', async () => {
  await assert.rejects(fp.getCustomer('cus_does_not_exist_anywhere'), (e) => e.status === 404 && e.code === 'NOT_FOUND');
});
