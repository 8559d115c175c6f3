// The JSON API (SPEC §6, issue "JSON API"): every endpoint and error over
// HTTP through nginx, compared with the database, and docs/openapi.json
// checked against the route table and real responses.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { completeOrder } from '../sql.mjs';
import { OPENAPI_PATH } from './conformance.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as L from './apilib.mjs';

const { sql, sqlOne, q } = L;
const K = {}; // keys made for this file

before(() => {
  const u = L.uid();
  // A generous limit of its own, so that this file never meets the
  // default per-key limit whatever else used API_KEY this minute.
  K.admin = L.createKey({ role: 'admin', label: `apitest-admin-${u}`, rateLimit: 100000 });
  K.operator = L.createKey({ role: 'operator', label: `apitest-operator-${u}`, rateLimit: 100000 });
  K.viewer = L.createKey({ role: 'viewer', label: `apitest-viewer-${u}`, rateLimit: 100000 });
  K.globex = L.createKey({ tenant: 'globex', role: 'admin', label: `apitest-globex-${u}`, rateLimit: 100000 });
});

/** An API call with this file's admin key unless o.key says otherwise. */
const call = (p, o = {}) => L.api(p, { key: K.admin.key, ...o });

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function assertError(r, status, code, mention) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status}: ${r.text}`);
  assert.match(r.headers.get('content-type') || '', /^application\/json/);
  assert.ok(r.json && typeof r.json === 'object', `JSON body expected: ${r.text}`);
  assert.deepEqual(Object.keys(r.json), ['error'], r.text);
  if (code) assert.equal(r.json.error.code, code, r.text);
  assert.equal(typeof r.json.error.message, 'string');
  assert.ok(r.json.error.message.length > 0);
  if (mention) assert.match(r.json.error.message, mention, r.text);
  if (code === 'VALIDATION_ERROR') {
    // FlexPortal's shape: details[{path, message, code}] naming every bad field
    const d = r.json.error.details;
    assert.ok(Array.isArray(d) && d.length > 0, `details expected: ${r.text}`);
    for (const x of d) {
      assert.deepEqual(Object.keys(x).sort(), ['code', 'message', 'path'], r.text);
      for (const k of ['path', 'message', 'code']) assert.equal(typeof x[k], 'string', r.text);
    }
    if (mention) assert.ok(d.some((x) => mention.test(x.message) || mention.test(x.path)), `a detail names ${mention}: ${r.text}`);
  }
}

// ---- the database's view ---------------------------------------------------------

const SORT_COL = {
  createdAt: 'created_at',
  firstName: 'full_name',
  lastName: 'sort_name',
  email: 'email',
  totalMonthlyRevenue: 'mrr_cents',
  totalDevicesRented: 'devices_out',
};

/** Public ids of tenant 1 customers, in the database's order. */
function dbIds(where, sortBy = 'createdAt', dir = 'DESC', limit) {
  const col = SORT_COL[sortBy];
  return sql(
    `SELECT public_id FROM customers WHERE tenant_id = 1 AND ${where}
      ORDER BY ${col} ${dir}, id ${dir}${limit ? ` LIMIT ${limit}` : ''}`,
  ).map((r) => r[0]);
}

const ISO_SQL = (c) => `DATE_FORMAT(${c}, '%Y-%m-%dT%H:%i:%sZ')`;

/**
 * The customers as the API should show them, by public id. The totals are
 * counted from the orders, assets and subscriptions themselves, not read
 * from the aggregates the triggers keep, so that a drifting aggregate shows.
 */
function dbCustomers(pids) {
  if (pids.length === 0) return {};
  const rows = sql(
    `SET SESSION group_concat_max_len = 1000000;
     SELECT public_id, email, first_name, last_name, customer_type, company, phone, status,
            (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id),
            (SELECT COUNT(*) FROM assets a WHERE a.customer_id = c.id AND a.status = 'rented_out'),
            (SELECT COALESCE(SUM(ROUND(s.monthly_amount * 100)), 0) FROM subscriptions s
              WHERE s.customer_id = c.id AND s.status = 'active'),
            ${ISO_SQL('created_at')}, ${ISO_SQL('updated_at')},
            ${ISO_SQL('deactivated_at')}, deactivated_by, deactivation_reason, t.slug,
            c.created_by,
            (SELECT GROUP_CONCAT(o.public_id ORDER BY o.id) FROM orders o WHERE o.customer_id = c.id),
            (SELECT GROUP_CONCAT(s.public_id ORDER BY s.id) FROM subscriptions s WHERE s.customer_id = c.id),
            (SELECT COALESCE(SUM(ROUND(p.amount * 100)), 0) FROM payments p
              WHERE p.customer_id = c.id AND p.status = 'paid'),
            (SELECT COALESCE(SUM(ROUND(a.acquisition_cost * 100)), 0) FROM assets a
              WHERE a.serial_number IN (SELECT s.asset_serial FROM subscriptions s WHERE s.customer_id = c.id)),
            (SELECT COUNT(*) FROM subscriptions s WHERE s.customer_id = c.id)
       FROM customers c JOIN tenants t ON t.id = c.tenant_id
      WHERE public_id IN (${pids.map(q).join(',')})`,
  );
  const out = {};
  for (const r of rows) {
    out[r[0]] = {
      customerId: r[0],
      email: r[1],
      firstName: r[2],
      lastName: r[3],
      customerType: r[4],
      // FlexPortal types company and phone as strings: absent, never null
      company: r[5] ?? undefined,
      phone: r[6] ?? undefined,
      status: r[7],
      totalOrders: Number(r[8]),
      totalDevicesRented: Number(r[9]),
      totalMonthlyRevenue: Number(r[10]) / 100,
      createdAt: r[11],
      updatedAt: r[12],
      deactivatedAt: r[13],
      deactivatedBy: r[14],
      deactivationReason: r[15],
      tenantId: r[16],
      createdBy: r[17],
      orderIds: r[18] ? r[18].split(',') : [],
      rentalIds: r[19] ? r[19].split(',') : [],
      collectedCents: Number(r[20]),
      acquisitionCents: Number(r[21]),
      subscriptionsTracked: Number(r[22]),
    };
  }
  return out;
}

/** Asserts that an API customer object shows exactly what the database holds. */
function assertMatchesDb(c, db) {
  assert.ok(db, `customer ${c.customerId} not in the database`);
  for (const k of ['customerId', 'tenantId', 'email', 'firstName', 'lastName', 'customerType',
    'company', 'phone', 'status', 'totalOrders', 'totalDevicesRented', 'createdAt', 'updatedAt',
    'createdBy', 'orderIds', 'rentalIds', 'subscriptionsTracked'])
    assert.deepEqual(c[k], db[k], `${c.customerId}.${k}`);
  // the flat figures (README "Decisions": margin = collected - acquisition,
  // its percent of the acquisition cost, 0 without one)
  const cents = (v) => Math.round(v * 100);
  assert.equal(cents(c.lifetimeCollected), db.collectedCents, `${c.customerId}.lifetimeCollected`);
  assert.equal(cents(c.totalAcquisitionCost), db.acquisitionCents, `${c.customerId}.totalAcquisitionCost`);
  assert.equal(cents(c.customerMargin), db.collectedCents - db.acquisitionCents, `${c.customerId}.customerMargin`);
  const pct = db.acquisitionCents > 0
    ? Math.round(((db.collectedCents - db.acquisitionCents) * 10000) / db.acquisitionCents) / 100 : 0;
  assert.ok(Math.abs(c.customerMarginPercent - pct) < 0.011, `${c.customerId}.customerMarginPercent ${c.customerMarginPercent} vs ${pct}`);
  for (const [k, v] of Object.entries(c))
    if (!['deactivatedAt', 'deactivatedBy', 'deactivationReason', 'erasedAt'].includes(k))
      assert.notEqual(v, null, `${c.customerId}.${k} is null (FlexPortal's schema types it)`);
  assert.ok(Math.abs(c.totalMonthlyRevenue - db.totalMonthlyRevenue) < 0.001, `${c.customerId}.totalMonthlyRevenue`);
  assert.match(c.createdAt, ISO);
  assert.match(c.updatedAt, ISO);
  assert.ok(!Number.isNaN(Date.parse(c.createdAt)));
  assert.equal(typeof c.customFields, 'object');
  if (db.status === 'inactive') {
    assert.equal(c.deactivatedAt, db.deactivatedAt, `${c.customerId}.deactivatedAt`);
    if (c.deactivatedAt !== null) assert.match(c.deactivatedAt, ISO);
    assert.equal(c.deactivatedBy, db.deactivatedBy);
    assert.equal(c.deactivationReason, db.deactivationReason);
  } else {
    assert.ok(!('deactivatedAt' in c) || c.deactivatedAt === null);
  }
}

function auditRows(customerDbId, extra = '') {
  return sql(
    `SELECT actor, channel, action, COALESCE(reason, ''), outcome, COALESCE(note, '')
       FROM audit_log WHERE customer_id = ${customerDbId} ${extra} ORDER BY id`,
  );
}

/** Follows nextCursor from the first page; returns { ids, pages }. */
async function walk(query, key = K.admin.key) {
  const ids = [];
  let pages = 0;
  let cursor = null;
  for (;;) {
    const p = `/v1/customers?${query}${cursor ? `&startAfter=${encodeURIComponent(cursor)}` : ''}`;
    const r = await call(p, { key });
    assert.equal(r.status, 200, r.text);
    pages++;
    assert.ok(r.json.count <= r.json.limit);
    assert.equal(r.json.count, r.json.customers.length);
    ids.push(...r.json.customers.map((c) => c.customerId));
    if (!r.json.hasMore) {
      assert.equal(r.json.nextCursor, null);
      break;
    }
    assert.equal(typeof r.json.nextCursor, 'string');
    cursor = r.json.nextCursor;
    assert.ok(pages < 1000, 'the walk does not end');
  }
  return { ids, pages };
}

// ---- GET /v1/customers --------------------------------------------------------------

test('GET /v1/customers: 50 active customers by default, newest first, every field as in the database', async () => {
  const r = await call('/v1/customers');
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(Object.keys(r.json).sort(), ['count', 'customers', 'hasMore', 'limit', 'nextCursor']);
  assert.equal(r.json.limit, 50);
  assert.equal(r.json.count, 50);
  assert.equal(r.json.customers.length, 50);
  assert.equal(r.json.hasMore, true);
  assert.equal(typeof r.json.nextCursor, 'string');
  const want = dbIds("status = 'active'", 'createdAt', 'DESC', 50);
  assert.deepEqual(r.json.customers.map((c) => c.customerId), want);
  const db = dbCustomers(want);
  for (const c of r.json.customers) {
    assert.equal(c.status, 'active');
    assertMatchesDb(c, db[c.customerId]);
    for (const k of ['lastBillingAddress', 'lastShippingAddress'])
      assert.ok(!(k in c) || (typeof c[k] === 'object' && typeof c[k].city === 'string' && typeof c[k].contactName === 'string'), k);
  }
});

test('GET /v1/customers: limit 1 and 100 are taken; 0, 101 and non-numbers are 400 naming limit', async () => {
  for (const n of [1, 100]) {
    const r = await call(`/v1/customers?limit=${n}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.limit, n);
    assert.equal(r.json.customers.length, n);
  }
  for (const bad of ['101', '0', '-1', 'ten', '1e2', '']) {
    if (bad === '') continue; // an empty value means "not given" (the default)
    const r = await call(`/v1/customers?limit=${bad}`);
    assertError(r, 400, 'VALIDATION_ERROR', /limit/);
  }
  const r = await call('/v1/customers?limit=');
  assert.equal(r.status, 200);
  assert.equal(r.json.limit, 50);
});

test('GET /v1/customers: status filter (active, inactive, all) and bad values', async () => {
  const inactive = await call('/v1/customers?status=inactive&limit=100');
  assert.equal(inactive.status, 200, inactive.text);
  assert.ok(inactive.json.customers.length > 0, 'the demo data has inactive customers');
  assert.ok(inactive.json.customers.every((c) => c.status === 'inactive'));
  assert.deepEqual(inactive.json.customers.map((c) => c.customerId), dbIds("status = 'inactive'", 'createdAt', 'DESC', 100));
  const db = dbCustomers(inactive.json.customers.map((c) => c.customerId));
  for (const c of inactive.json.customers) {
    assertMatchesDb(c, db[c.customerId]);
    assert.ok('deactivatedAt' in c && 'deactivatedBy' in c && 'deactivationReason' in c);
  }

  const all = await call('/v1/customers?status=all&limit=100&sortBy=email&sortDir=asc');
  assert.equal(all.status, 200);
  assert.deepEqual(all.json.customers.map((c) => c.customerId), dbIds('1', 'email', 'ASC', 100));

  const active = await call('/v1/customers?status=active&limit=100&sortBy=email');
  // sortBy without sortDir: FlexPortal's default direction, desc
  assert.deepEqual(active.json.customers.map((c) => c.customerId), dbIds("status = 'active'", 'email', 'DESC', 100));

  for (const bad of ['pending', 'deleted', 'ACTIVE'])
    assertError(await call(`/v1/customers?status=${bad}`), 400, 'VALIDATION_ERROR', /status/);
});

test('GET /v1/customers: customerType filter', async () => {
  for (const t of ['business', 'individual']) {
    const r = await call(`/v1/customers?customerType=${t}&limit=100`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.customers.length > 0);
    assert.ok(r.json.customers.every((c) => c.customerType === t && c.status === 'active'));
    assert.deepEqual(r.json.customers.map((c) => c.customerId),
      dbIds(`status = 'active' AND customer_type = '${t}'`, 'createdAt', 'DESC', 100));
  }
  for (const bad of ['all', 'company', 'Business'])
    assertError(await call(`/v1/customers?customerType=${bad}`), 400, 'VALIDATION_ERROR', /customerType/);
});

test('GET /v1/customers: email filter is an exact, case-insensitive match', async () => {
  let r = await call('/v1/customers?email=clara.clean@fixture.example');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.customers.map((c) => c.customerId), ['cus_fixture_clean']);
  assert.equal(r.json.count, 1);
  assert.equal(r.json.hasMore, false);

  r = await call(`/v1/customers?email=${encodeURIComponent('Clara.CLEAN@Fixture.Example')}`);
  assert.deepEqual(r.json.customers.map((c) => c.customerId), ['cus_fixture_clean']);

  // characters that must be percent-encoded in a query ('+' would be a space)
  r = await call(`/v1/customers?email=${encodeURIComponent('xss+<b>@fixture.example')}`);
  assert.deepEqual(r.json.customers.map((c) => c.customerId), ['cus_fixture_xss']);
  assert.equal(r.json.customers[0].firstName, '<script>alert(1)</script>', 'JSON carries the text as it is');

  r = await call('/v1/customers?email=clara.clean@fixture.exampl');
  assert.deepEqual(r.json.customers, [], 'not a prefix search');

  // inactive customers only with the status filter; another tenant's never
  r = await call('/v1/customers?email=ines.inactive@fixture.example');
  assert.deepEqual(r.json.customers, []);
  r = await call('/v1/customers?email=ines.inactive@fixture.example&status=inactive');
  assert.deepEqual(r.json.customers.map((c) => c.customerId), ['cus_fixture_inactive']);
  r = await call('/v1/customers?email=gina.globex@fixture.example&status=all');
  assert.deepEqual(r.json.customers, []);

  for (const bad of ['not-an-email', '@fixture.example', 'clara@'])
    assertError(await call(`/v1/customers?email=${encodeURIComponent(bad)}`), 400, 'VALIDATION_ERROR', /email/);
});

test('GET /v1/customers: hasActiveRentals filter', async () => {
  const yes = await call('/v1/customers?hasActiveRentals=true&limit=100');
  assert.equal(yes.status, 200, yes.text);
  assert.ok(yes.json.customers.length > 0);
  assert.ok(yes.json.customers.every((c) => c.totalDevicesRented > 0));
  const RENTING = "EXISTS (SELECT 1 FROM assets a WHERE a.customer_id = customers.id AND a.status = 'rented_out')";
  assert.deepEqual(yes.json.customers.map((c) => c.customerId),
    dbIds(`status = 'active' AND ${RENTING}`, 'createdAt', 'DESC', 100));
  const no = await call('/v1/customers?hasActiveRentals=false&limit=100');
  assert.ok(no.json.customers.length > 0);
  assert.ok(no.json.customers.every((c) => c.totalDevicesRented === 0));
  assert.deepEqual(no.json.customers.map((c) => c.customerId),
    dbIds(`status = 'active' AND NOT ${RENTING}`, 'createdAt', 'DESC', 100));
  // the filters combine
  const both = await call('/v1/customers?hasActiveRentals=true&customerType=business&status=all&limit=100');
  assert.deepEqual(both.json.customers.map((c) => c.customerId),
    dbIds(`${RENTING} AND customer_type = 'business'`, 'createdAt', 'DESC', 100));
  for (const bad of ['yes', '1', 'TRUE'])
    assertError(await call(`/v1/customers?hasActiveRentals=${bad}`), 400, 'VALIDATION_ERROR', /hasActiveRentals/);
});

test('GET /v1/customers: every sortBy × sortDir orders as the database does', async () => {
  const numeric = { createdAt: (c) => c.createdAt, totalMonthlyRevenue: (c) => c.totalMonthlyRevenue, totalDevicesRented: (c) => c.totalDevicesRented };
  for (const sortBy of Object.keys(SORT_COL)) {
    for (const dir of ['asc', 'desc', null]) {
      const qs = `sortBy=${sortBy}${dir ? `&sortDir=${dir}` : ''}&limit=100`;
      const r = await call(`/v1/customers?${qs}`);
      assert.equal(r.status, 200, `${qs}: ${r.text}`);
      const effective = dir || 'desc'; // FlexPortal: sortDir defaults to desc, with or without sortBy
      assert.deepEqual(r.json.customers.map((c) => c.customerId),
        dbIds("status = 'active'", sortBy, effective.toUpperCase(), 100), qs);
      if (numeric[sortBy]) {
        const v = r.json.customers.map(numeric[sortBy]);
        for (let i = 1; i < v.length; i++)
          assert.ok(effective === 'asc' ? v[i - 1] <= v[i] : v[i - 1] >= v[i], `${qs}: ${v[i - 1]} then ${v[i]}`);
      }
    }
  }
  // sortDir alone sorts by createdAt
  const asc = await call('/v1/customers?sortDir=asc&limit=20');
  assert.deepEqual(asc.json.customers.map((c) => c.customerId), dbIds("status = 'active'", 'createdAt', 'ASC', 20));
  for (const bad of ['sortBy=name', 'sortBy=mrr', 'sortBy=createdat', 'sortDir=up', 'sortDir=DESC'])
    assertError(await call(`/v1/customers?${bad}`), 400, 'VALIDATION_ERROR', new RegExp(bad.split('=')[0]));
});

test('GET /v1/customers: cursor pagination walks every active customer exactly once (and every customer of other filters)', async () => {
  for (const [query, sortBy, dir, where] of [
    ['limit=100', 'createdAt', 'DESC', "status = 'active'"],
    ['limit=100&sortBy=totalMonthlyRevenue&sortDir=desc', 'totalMonthlyRevenue', 'DESC', "status = 'active'"],
    ['limit=97&sortBy=lastName', 'lastName', 'DESC', "status = 'active'"],
    ['limit=97&sortBy=lastName&sortDir=asc', 'lastName', 'ASC', "status = 'active'"],
    ['limit=100&sortBy=totalDevicesRented&sortDir=asc', 'totalDevicesRented', 'ASC', "status = 'active'"],
    ['limit=50&status=all&customerType=business&sortBy=email&sortDir=desc', 'email', 'DESC', "customer_type = 'business'"],
    ['limit=30&status=inactive&sortBy=firstName', 'firstName', 'DESC', "status = 'inactive'"],
  ]) {
    const { ids, pages } = await walk(query);
    const want = dbIds(where, sortBy, dir);
    assert.equal(new Set(ids).size, ids.length, `${query}: a customer came twice`);
    assert.equal(ids.length, want.length, `${query}: ${ids.length} customers walked, the database has ${want.length}`);
    assert.deepEqual(ids, want, `${query}: the order differs from the database's`);
    assert.ok(pages > 1);
  }
});

test('GET /v1/customers: a tampered, foreign or malformed cursor is 400 naming startAfter', async () => {
  const r = await call('/v1/customers?limit=5');
  const cursor = r.json.nextCursor;
  const [payload, mac] = cursor.split('.');
  const flip = (s, i) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  // the same page again is fine
  assert.equal((await call(`/v1/customers?limit=5&startAfter=${cursor}`)).status, 200);
  // a payload that says something else (another id) with the old signature
  const decoded = Buffer.from(payload, 'base64url').toString();
  const forged = Buffer.from(decoded.replace(/^\d+/, '1')).toString('base64url');
  const orders = await call('/v1/orders?limit=1');
  const other = await call('/v1/customers?limit=5&sortBy=email');
  for (const bad of [
    `${flip(payload, 2)}.${mac}`,
    `${payload}.${flip(mac, 3)}`,
    `${forged}.${mac}`,
    `${payload}.`,
    payload,
    other.json.nextCursor, // another sort's cursor
    orders.json.nextCursor, // another list's cursor
    'not!a!cursor',
    'x'.repeat(701),
  ]) {
    const res = await call(`/v1/customers?limit=5&startAfter=${encodeURIComponent(bad)}`);
    assertError(res, 400, 'VALIDATION_ERROR', /startAfter/);
  }
});

// ---- GET /v1/customers/{id} ------------------------------------------------------------

// averageMonthlyRevenue (README): lifetimeCollected over the months since the
// first subscription started, counted as MariaDB counts whole months
// (TIMESTAMPDIFF) plus one for the month in progress, at least one. The
// database computes it here, independently of the app's C; it is read
// before and after the call, so a call that crosses midnight UTC matches one.
function dbProfitability(pid) {
  const [r] = sql(
    `SELECT (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE customer_id = c.id AND status = 'paid'),
            (SELECT COALESCE(SUM(a.acquisition_cost), 0) FROM assets a
              WHERE a.serial_number IN (SELECT s.asset_serial FROM subscriptions s WHERE s.customer_id = c.id)),
            (SELECT COUNT(DISTINCT asset_serial) FROM subscriptions WHERE customer_id = c.id),
            (SELECT TIMESTAMPDIFF(MONTH, MIN(start_date), UTC_DATE()) + 1 FROM subscriptions WHERE customer_id = c.id),
            (SELECT COUNT(*) FROM assets WHERE customer_id = c.id AND status = 'rented_out'),
            (SELECT COUNT(*) FROM subscriptions WHERE customer_id = c.id AND status = 'active')
       FROM customers c WHERE c.public_id = ${q(pid)}`,
  );
  const collected = Number(r[0]);
  const acquisition = Number(r[1]);
  const months = r[3] === null ? 1 : Math.max(1, Number(r[3]));
  return {
    lifetimeCollected: collected,
    totalAcquisitionCost: acquisition,
    costRecoveryPercent: acquisition > 0 ? (collected * 100) / acquisition : 0,
    averageMonthlyRevenue: collected / months,
    totalDevicesEver: Number(r[2]),
    // FlexPortal's meaning: currently active subscriptions (customers/get.md)
    activeDevices: Number(r[5]),
    devicesOut: Number(r[4]),
  };
}

function assertProfitability(got, want, pid, wantAfter = want) {
  const close = (k, w) => Math.abs(got[k] - Math.round(w[k] * 100) / 100) < 0.0051;
  if (!close('averageMonthlyRevenue', want) && close('averageMonthlyRevenue', wantAfter)) want = wantAfter;
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), pid);
  for (const k of ['lifetimeCollected', 'totalAcquisitionCost', 'costRecoveryPercent', 'averageMonthlyRevenue'])
    assert.ok(Math.abs(got[k] - Math.round(want[k] * 100) / 100) < 0.0051, `${pid}.profitability.${k}: ${got[k]}, database says ${want[k]}`);
  assert.equal(got.totalDevicesEver, want.totalDevicesEver, `${pid}.totalDevicesEver`);
  assert.equal(got.activeDevices, want.activeDevices, `${pid}.activeDevices`);
  assert.equal(got.devicesOut, want.devicesOut, `${pid}.devicesOut`);
}

test('GET /v1/customers/{id}: profile, newest addresses and profitability as computed from the tables', async () => {
  // the customer who paid most, and the fixtures of every case
  const payer = sqlOne(
    `SELECT c.public_id FROM customers c JOIN payments p ON p.customer_id = c.id
      WHERE c.tenant_id = 1 AND p.status = 'paid' GROUP BY c.id ORDER BY SUM(p.amount) DESC, c.id LIMIT 1`);
  // a customer with two billing addresses (the newest is shown) and no subscription
  const fresh = L.makeCustomer({ first: 'Ada', last: 'Adresse' });
  sql(`INSERT INTO addresses (tenant_id, customer_id, kind, street_address, city, country, created_at) VALUES
         (1, ${fresh.id}, 'billing', '1 Old Street', 'Utrecht', 'NL', '2025-01-01'),
         (1, ${fresh.id}, 'billing', '2 New Street', 'Leiden', 'NL', '2025-02-01');
       INSERT INTO payments (public_id, tenant_id, customer_id, amount, currency, status, paid_at, created_at) VALUES
         (${q(`pay_b${L.uid()}`)}, 1, ${fresh.id}, 12.50, 'EUR', 'paid', '2025-03-01', '2025-03-01'),
         (${q(`pay_b${L.uid()}`)}, 1, ${fresh.id}, 99.00, 'EUR', 'failed', NULL, '2025-04-01')`);
  const pids = [payer, 'cus_fixture_all_three', 'cus_fixture_clean', 'cus_fixture_device_out',
    'cus_fixture_inactive', 'cus_fixture_subscription', fresh.pid];
  const db = dbCustomers(pids);
  for (const pid of pids) {
    const before = dbProfitability(pid);
    const r = await call(`/v1/customers/${pid}`);
    assert.equal(r.status, 200, `${pid}: ${r.text}`);
    assertMatchesDb(r.json, db[pid]);
    assertProfitability(r.json.profitability, before, pid, dbProfitability(pid));
  }
  const r = await call(`/v1/customers/${fresh.pid}`);
  assert.equal(r.json.lastBillingAddress.streetAddress, '2 New Street');
  assert.equal(r.json.lastBillingAddress.city, 'Leiden');
  // no contact name on record: the customer's name (FlexPortal requires one);
  // members without a value are left out, postalCode is null
  assert.equal(r.json.lastBillingAddress.contactName, 'Ada Adresse');
  assert.ok(!('buildingInfo' in r.json.lastBillingAddress));
  assert.equal(r.json.lastBillingAddress.postalCode, null);
  assert.ok(!('lastShippingAddress' in r.json), 'no shipping address: the member is absent');
  assert.ok(!('shippingAddress' in r.json));
  // FlexPortal's prose names them billingAddress / shippingAddress: served too, the same
  assert.deepEqual(r.json.billingAddress, r.json.lastBillingAddress);
  // the flat figures equal the nested ones
  for (const k of ['lifetimeCollected', 'totalAcquisitionCost'])
    assert.equal(r.json[k], r.json.profitability[k], k);
  assert.equal(r.json.profitability.lifetimeCollected, 12.5);
  assert.equal(r.json.profitability.averageMonthlyRevenue, 12.5, 'no subscription: one month');
  assert.equal(r.json.profitability.costRecoveryPercent, 0);
  // the list shows the same newest address
  const list = await call(`/v1/customers?email=${encodeURIComponent(fresh.email)}`);
  assert.equal(list.json.customers[0].lastBillingAddress.streetAddress, '2 New Street');
  // a fixture whose numbers are known by heart: 2 paid months of 39.00, one returned phone of 800.00
  const clean = (await call('/v1/customers/cus_fixture_clean')).json.profitability;
  assert.equal(clean.lifetimeCollected, 78);
  assert.equal(clean.totalAcquisitionCost, 800);
  assert.equal(clean.costRecoveryPercent, 9.75);
  assert.equal(clean.totalDevicesEver, 1);
  assert.equal(clean.activeDevices, 0);
  // FlexPortal's activeDevices counts active subscriptions: a protection plan
  // without a device counts (the seed's canDeleteCustomer must see it), and a
  // device on its way back after an early return is devicesOut, not active
  const plan = (await call('/v1/customers/cus_fixture_subscription')).json.profitability;
  assert.equal(plan.activeDevices, 1, 'an active protection plan is an active subscription');
  assert.equal(plan.devicesOut, 0);
  const out = (await call('/v1/customers/cus_fixture_device_out')).json.profitability;
  assert.equal(out.activeDevices, 0);
  assert.equal(out.devicesOut, 1);
});

test('GET /v1/customers/{id}: unknown 404, malformed 400, another tenant\'s 404 (and the other tenant sees its own)', async () => {
  assertError(await call('/v1/customers/cus_doesnotexist42'), 404, 'NOT_FOUND');
  assertError(await call('/v1/customers/cus_fixture_globex'), 404, 'NOT_FOUND');
  assertError(await call('/v1/customers/not-a-customer'), 400, 'VALIDATION_ERROR', /customerId/);
  assertError(await call(`/v1/customers/cus_${'a'.repeat(37)}`), 400, 'VALIDATION_ERROR');
  const g = await call('/v1/customers/cus_fixture_globex', { key: K.globex.key, tenant: 'globex' });
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.tenantId, 'globex');
  assertError(await call('/v1/customers/cus_fixture_clean', { key: K.globex.key, tenant: 'globex' }), 404, 'NOT_FOUND');
  const gl = await call('/v1/customers?status=all&limit=100', { key: K.globex.key, tenant: 'globex' });
  assert.ok(gl.json.customers.every((c) => c.tenantId === 'globex'));
  assert.deepEqual(new Set(gl.json.customers.map((c) => c.customerId)),
    new Set(sql("SELECT public_id FROM customers WHERE tenant_id = 2 ORDER BY created_at DESC, id DESC LIMIT 100").map((x) => x[0])));
});

// ---- DELETE and PUT ---------------------------------------------------------------------

test('DELETE deactivates (soft), then GET shows inactive; a second DELETE changes nothing; audited as api:<label>', async () => {
  const c = L.makeCustomer();
  const r = await call(`/v1/customers/${c.pid}`, { method: 'DELETE' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['customerId', 'message', 'success']);
  assert.equal(r.json.success, true);
  assert.equal(r.json.customerId, c.pid);
  assert.equal(typeof r.json.message, 'string');
  const [row] = sql(`SELECT status, deactivated_by, deactivation_reason, deactivated_at IS NOT NULL, deactivated_at
                       FROM customers WHERE id = ${c.id}`);
  assert.deepEqual(row.slice(0, 4), ['inactive', `api:${K.admin.label}`, 'data_cleanup', '1']);

  const g = await call(`/v1/customers/${c.pid}`);
  assert.equal(g.status, 200);
  assert.equal(g.json.status, 'inactive');
  assert.match(g.json.deactivatedAt, ISO);
  assert.equal(g.json.deactivatedBy, `api:${K.admin.label}`);
  assert.equal(g.json.deactivationReason, 'data_cleanup');
  assertMatchesDb(g.json, dbCustomers([c.pid])[c.pid]);

  // gone from the default list, there with status=inactive
  assert.deepEqual((await call(`/v1/customers?email=${encodeURIComponent(c.email)}`)).json.customers, []);
  assert.equal((await call(`/v1/customers?status=inactive&email=${encodeURIComponent(c.email)}`)).json.count, 1);

  const again = await call(`/v1/customers/${c.pid}`, { method: 'DELETE' });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.success, true);
  assert.notEqual(again.json.message, r.json.message, 'says that nothing changed');
  assert.equal(sqlOne(`SELECT deactivated_at FROM customers WHERE id = ${c.id}`), row[4], 'unchanged');

  assert.deepEqual(auditRows(c.id), [
    [`api:${K.admin.label}`, 'api', 'deactivate', 'data_cleanup', 'ok', ''],
    [`api:${K.admin.label}`, 'api', 'deactivate', 'data_cleanup', 'ALREADY_INACTIVE', ''],
  ]);
  // each audit row carries the request id the answer was sent with
  assert.match(r.headers.get('x-request-id') || '', /^[0-9a-f]{16,}$/);
  assert.deepEqual(sql(`SELECT request_id FROM audit_log WHERE customer_id = ${c.id} ORDER BY id`),
    [[r.headers.get('x-request-id')], [again.headers.get('x-request-id')]]);
  // nothing is deleted
  assert.equal(sqlOne(`SELECT COUNT(*) FROM customers WHERE id = ${c.id}`), '1');
});

test('DELETE and PUT store the reason and a Unicode note exactly (customer row and audit log)', async () => {
  const c = L.makeCustomer();
  const note = 'Zoë asked — “close it” 🚀 日本語 <b>&amp;</b> \'quoted\'\nsecond line\ttab';
  const r = await call(`/v1/customers/${c.pid}`, { method: 'DELETE', json: { reason: 'compliance', note } });
  assert.equal(r.status, 200, r.text);
  const [row] = sql(`SELECT status, deactivation_reason, deactivation_note FROM customers WHERE id = ${c.id}`);
  assert.deepEqual(row, ['inactive', 'compliance', note]);

  const note2 = 'Réactivé: ✓ — 再開';
  const p = await call(`/v1/customers/${c.pid}`, { method: 'PUT', json: { status: 'active', note: note2 } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.success, true);
  assert.equal(p.json.customerId, c.pid);
  assert.equal(p.json.customer.status, 'active');
  assert.deepEqual(auditRows(c.id).map((x) => [x[2], x[3], x[4], x[5]]), [
    ['deactivate', 'compliance', 'ok', note],
    ['reactivate', '', 'ok', note2],
  ]);
  // 500 characters (not bytes) is the limit
  const long = 'é'.repeat(500);
  const ok = await call(`/v1/customers/${c.pid}`, { method: 'PUT', json: { status: 'inactive', reason: 'account_closure', note: long } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(sqlOne(`SELECT deactivation_note FROM customers WHERE id = ${c.id}`), long);
  // ?reason= when the body has none
  const d = L.makeCustomer();
  assert.equal((await call(`/v1/customers/${d.pid}?reason=fraud_prevention`, { method: 'DELETE' })).status, 200);
  assert.equal(sqlOne(`SELECT deactivation_reason FROM customers WHERE id = ${d.id}`), 'fraud_prevention');
});

test('DELETE of a blocked customer is 409: the first failing code in SPEC order, every code and record in details', async () => {
  const all = L.makeCustomer({ subscription: 1, pendingOrder: 2, device: 1 });
  let r = await call(`/v1/customers/${all.pid}`, { method: 'DELETE' });
  assertError(r, 409, 'CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS');
  const d = r.json.error.details;
  assert.ok(Array.isArray(d), r.text);
  assert.deepEqual(d.map((x) => x.code), ['CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS', 'CUSTOMER_HAS_PENDING_ORDERS', 'CUSTOMER_HAS_UNRETURNED_DEVICES']);
  assert.deepEqual(d.map((x) => x.count), [1, 2, 1]);
  assert.deepEqual(d.map((x) => x.recordType), ['subscription', 'order', 'device']);
  assert.deepEqual(d[0].records, all.subs);
  assert.deepEqual([...d[1].records].sort(), [...all.orders].sort());
  assert.deepEqual(d[2].records, all.assets);
  for (const x of d) assert.ok(typeof x.message === 'string' && x.message.length > 0);
  for (const code of ['CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS', 'CUSTOMER_HAS_PENDING_ORDERS', 'CUSTOMER_HAS_UNRETURNED_DEVICES'])
    assert.match(r.json.error.message, new RegExp(code));
  assert.equal(L.statusOf(all.pid), 'active');

  // PUT status=inactive is refused the same way
  r = await call(`/v1/customers/${all.pid}`, { method: 'PUT', json: { status: 'inactive' } });
  assertError(r, 409, 'CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS');
  assert.equal(r.json.error.details.length, 3);

  const two = L.makeCustomer({ pendingOrder: 1, device: 2 });
  r = await call(`/v1/customers/${two.pid}`, { method: 'DELETE' });
  assertError(r, 409, 'CUSTOMER_HAS_PENDING_ORDERS');
  assert.deepEqual(r.json.error.details.map((x) => [x.code, x.count]),
    [['CUSTOMER_HAS_PENDING_ORDERS', 1], ['CUSTOMER_HAS_UNRETURNED_DEVICES', 2]]);
  assert.deepEqual([...r.json.error.details[1].records].sort(), [...two.assets].sort());

  const dev = L.makeCustomer({ device: 1 });
  r = await call(`/v1/customers/${dev.pid}`, { method: 'DELETE' });
  assertError(r, 409, 'CUSTOMER_HAS_UNRETURNED_DEVICES');
  assert.equal(r.json.error.details.length, 1);

  // confirmed and partial orders are in flight too; fulfilled and cancelled are not
  for (const [status, blocked] of [['confirmed', true], ['partial', true], ['fulfilled', false], ['cancelled', false]]) {
    const c = L.makeCustomer({ pendingOrder: 1, orderStatus: status });
    r = await call(`/v1/customers/${c.pid}`, { method: 'DELETE' });
    if (blocked) assertError(r, 409, 'CUSTOMER_HAS_PENDING_ORDERS');
    else assert.equal(r.status, 200, `${status}: ${r.text}`);
  }

  for (const c of [all, two, dev]) assert.equal(L.statusOf(c.pid), 'active');
  assert.deepEqual(auditRows(all.id).map((x) => [x[0], x[1], x[2], x[4]]), [
    [`api:${K.admin.label}`, 'api', 'deactivate', 'CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS,CUSTOMER_HAS_PENDING_ORDERS,CUSTOMER_HAS_UNRETURNED_DEVICES'],
    [`api:${K.admin.label}`, 'api', 'deactivate', 'CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS,CUSTOMER_HAS_PENDING_ORDERS,CUSTOMER_HAS_UNRETURNED_DEVICES'],
  ]);
});

test('PUT {"status":"active"} reactivates an inactive customer; PUT inactive deactivates; repeats change nothing', async () => {
  const c = L.makeCustomer({ status: 'inactive' });
  let r = await call(`/v1/customers/${c.pid}`, { method: 'PUT', json: { status: 'active' } });
  assert.equal(r.status, 200, r.text);
  // FlexPortal's Update Customer answer: {success, message, customerId, customer}
  assert.equal(r.json.success, true);
  assert.equal(r.json.customerId, c.pid);
  assert.equal(r.json.message, 'Customer status changed.');
  assert.equal(r.json.customer.customerId, c.pid);
  assert.equal(r.json.customer.status, 'active');
  assert.equal(typeof r.json.customer.profitability, 'object');
  assert.deepEqual(sql(`SELECT status, deactivated_at, deactivated_by, deactivation_reason FROM customers WHERE id = ${c.id}`)[0],
    ['active', null, null, null]);

  r = await call(`/v1/customers/${c.pid}`, { method: 'PUT', json: { status: 'active' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.customer.status, 'active');
  assert.equal(r.json.message, 'Nothing to change.');

  r = await call(`/v1/customers/${c.pid}`, { method: 'PUT', json: { status: 'inactive', reason: 'fraud_prevention' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.customer.status, 'inactive');
  assert.equal(r.json.customer.deactivationReason, 'fraud_prevention');
  assert.equal(r.json.customer.deactivatedBy, `api:${K.admin.label}`);
  assert.equal(L.statusOf(c.pid), 'inactive');

  assert.deepEqual(auditRows(c.id).map((x) => [x[0], x[1], x[2], x[4]]), [
    [`api:${K.admin.label}`, 'api', 'reactivate', 'ok'],
    [`api:${K.admin.label}`, 'api', 'reactivate', 'ALREADY_ACTIVE'],
    [`api:${K.admin.label}`, 'api', 'deactivate', 'ok'],
  ]);

  // an operator key may write too
  const o = L.makeCustomer();
  r = await call(`/v1/customers/${o.pid}`, { method: 'DELETE', key: K.operator.key });
  assert.equal(r.status, 200, r.text);
  assert.equal(sqlOne(`SELECT deactivated_by FROM customers WHERE id = ${o.id}`), `api:${K.operator.label}`);
  // unknown and other tenants' customers: 404, audited as an attempt on the id typed, never linked to the other tenant's row
  const ghost = `cus_bghost${L.uid()}`;
  assertError(await call(`/v1/customers/${ghost}`, { method: 'PUT', json: { status: 'active' } }), 404, 'NOT_FOUND');
  assertError(await call(`/v1/customers/${ghost}`, { method: 'DELETE' }), 404, 'NOT_FOUND');
  assert.deepEqual(sql(`SELECT actor, channel, action, outcome, tenant_id, customer_id FROM audit_log WHERE subject = ${q(ghost)} ORDER BY id`), [
    [`api:${K.admin.label}`, 'api', 'reactivate', 'NOT_FOUND', '1', null],
    [`api:${K.admin.label}`, 'api', 'deactivate', 'NOT_FOUND', '1', null],
  ]);
  const globexAudit = () => sqlOne("SELECT COUNT(*) FROM audit_log a JOIN customers c ON c.id = a.customer_id WHERE c.public_id = 'cus_fixture_globex' AND a.tenant_id = 1");
  const beforeGlobex = globexAudit();
  assertError(await call('/v1/customers/cus_fixture_globex', { method: 'DELETE' }), 404, 'NOT_FOUND');
  assert.equal(L.statusOf('cus_fixture_globex'), 'active');
  assert.equal(globexAudit(), beforeGlobex);
});

test('bad bodies: 400 VALIDATION_ERROR for an unknown member, a bad value or malformed JSON, 415 wrong content type, 413 huge body; nothing changes', async () => {
  const c = L.makeCustomer();
  const before = sql(`SELECT status, updated_at FROM customers WHERE id = ${c.id}`);
  const raw = (method, body, type = 'application/json') =>
    call(`/v1/customers/${c.pid}`, { method, body, headers: type ? { 'Content-Type': type } : {} });

  let r = await call(`/v1/customers/${c.pid}`, { method: 'PUT', json: { status: 'inactive', email: 'x@y.z' } });
  assertError(r, 400, 'VALIDATION_ERROR', /^email/);
  r = await call(`/v1/customers/${c.pid}`, { method: 'PUT', json: { firstName: '' } });
  assertError(r, 400, 'VALIDATION_ERROR', /^firstName/);
  r = await call(`/v1/customers/${c.pid}`, { method: 'DELETE', json: { status: 'inactive' } });
  assertError(r, 400, 'VALIDATION_ERROR', /status/);
  r = await call(`/v1/customers/${c.pid}`, { method: 'DELETE', json: { firstName: 'Eve' } });
  assertError(r, 400, 'VALIDATION_ERROR', /^firstName/);
  // every bad field is named, each with its path and code
  r = await call(`/v1/customers/${c.pid}`, { method: 'PUT', json: {
    customerId: 'cus_someoneelse', lastName: 'x'.repeat(101), phone: 'call me', customerType: 'company',
    billingAddress: { contactName: 'A', streetAddress: '1 Road', country: 'NL', floor: 3 }, shippingAddress: 'here',
  } });
  assertError(r, 400, 'VALIDATION_ERROR');
  assert.deepEqual(r.json.error.details.map((d) => [d.path, d.code]).sort(), [
    ['billingAddress.city', 'invalid_type'], ['billingAddress.floor', 'unrecognized_keys'],
    ['customerId', 'custom'], ['customerType', 'invalid_enum_value'], ['lastName', 'too_big'],
    ['phone', 'invalid_string'], ['shippingAddress', 'invalid_type'],
  ].sort());
  for (const d of r.json.error.details) assert.ok(d.message.startsWith(d.path), JSON.stringify(d));
  for (const body of [{ status: 'paused' }, { status: 'INACTIVE' }, { status: 5 }, { status: null }])
    assertError(await call(`/v1/customers/${c.pid}`, { method: 'PUT', json: body }), 400, 'VALIDATION_ERROR', /status/);
  for (const reason of ['because', 7, ''])
    assertError(await call(`/v1/customers/${c.pid}`, { method: 'PUT', json: { status: 'inactive', reason } }), 400, 'VALIDATION_ERROR', /reason/);
  for (const note of ['x'.repeat(501), 'bell\u0007', 42])
    assertError(await call(`/v1/customers/${c.pid}`, { method: 'DELETE', json: { note } }), 400, 'VALIDATION_ERROR', /note/);

  for (const body of ['{"status":', '{status: "active"}', '[{"status":"active"}]', '"active"', '{"status":"active","status":"inactive"}', '\u00ff\u00fe'])
    assertError(await raw('PUT', body), 400, 'VALIDATION_ERROR', /body/);
  assertError(await raw('DELETE', '{'), 400, 'VALIDATION_ERROR');

  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp', null])
    assertError(await raw('PUT', '{"status":"inactive"}', type), 415, 'UNSUPPORTED_MEDIA_TYPE');
  assertError(await raw('DELETE', '{"reason":"compliance"}', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');

  const huge = JSON.stringify({ status: 'inactive', note: 'x'.repeat(4 * 1024 * 1024) });
  assertError(await raw('PUT', huge), 413, 'PAYLOAD_TOO_LARGE');
  assertError(await raw('DELETE', huge), 413, 'PAYLOAD_TOO_LARGE');

  assert.deepEqual(sql(`SELECT status, updated_at FROM customers WHERE id = ${c.id}`), before);
  // an empty object changes nothing (audited NO_CHANGE)
  r = await call(`/v1/customers/${c.pid}`, { method: 'PUT', json: {} });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.message, 'Nothing to change.');
  assert.deepEqual(sql(`SELECT status, updated_at FROM customers WHERE id = ${c.id}`), before);
  assert.equal(sqlOne(`SELECT outcome FROM audit_log WHERE customer_id = ${c.id} ORDER BY id DESC LIMIT 1`), 'NO_CHANGE');
  // a charset parameter is fine
  r = await raw('PUT', '{"status":"inactive"}', 'application/json; charset=utf-8');
  assert.equal(r.status, 200, r.text);
  assert.equal(L.statusOf(c.pid), 'inactive');
});

// ---- authentication, tenants, roles, rate limit, methods --------------------------------

test('authentication: no key is 401 AUTH_REQUIRED, a malformed, unknown or revoked one 401 INVALID_TOKEN; Tenant-ID missing or another tenant 403 NO_TENANT_ACCESS', async () => {
  const c = L.makeCustomer();
  let r = await L.api('/v1/customers', { key: null });
  assertError(r, 401, 'AUTH_REQUIRED');
  assert.match(r.headers.get('www-authenticate') || '', /^Bearer/);
  r = await L.api('/v1/customers', { key: null, headers: { Authorization: L.basicAuth('admin') } });
  assertError(r, 401, 'AUTH_REQUIRED');
  for (const bad of ['abc', `${K.admin.key}x`, K.admin.key.slice(0, -1), 'cust_', `cust_${'!'.repeat(43)}`]) {
    r = await L.api('/v1/customers', { key: bad });
    assertError(r, 401, 'INVALID_TOKEN');
  }
  const unknown = `cust_${randomBytes(32).toString('base64url')}`;
  r = await L.api('/v1/customers', { key: unknown });
  assertError(r, 401, 'INVALID_TOKEN');
  r = await L.api(`/v1/customers/${c.pid}`, { key: unknown, method: 'DELETE' });
  assertError(r, 401, 'INVALID_TOKEN');

  const doomed = L.createKey({ role: 'admin', label: `apitest-revoked-${L.uid()}` });
  assert.equal((await L.api('/v1/customers?limit=1', { key: doomed.key })).status, 200);
  L.revokeKey(doomed.id);
  r = await L.api('/v1/customers?limit=1', { key: doomed.key });
  assertError(r, 401, 'INVALID_TOKEN');
  r = await L.api(`/v1/customers/${c.pid}`, { key: doomed.key, method: 'DELETE' });
  assertError(r, 401, 'INVALID_TOKEN');

  r = await call('/v1/customers', { tenant: null });
  assertError(r, 403, 'NO_TENANT_ACCESS', /Tenant-ID/);
  r = await call('/v1/customers', { tenant: '' });
  assertError(r, 403, 'NO_TENANT_ACCESS');
  r = await call('/v1/customers', { tenant: 'globex' });
  assertError(r, 403, 'NO_TENANT_ACCESS');
  r = await call(`/v1/customers/${c.pid}`, { tenant: 'globex', method: 'DELETE' });
  assertError(r, 403, 'NO_TENANT_ACCESS');
  r = await call('/v1/customers/cus_fixture_globex', { key: K.globex.key, tenant: 'northwind' });
  assertError(r, 403, 'NO_TENANT_ACCESS');

  assert.equal(L.statusOf(c.pid), 'active');
  assert.equal(auditRows(c.id).length, 0, 'unauthenticated calls never reach the customer');
});

test('a viewer key reads but DELETE and PUT are 403, audited as refused', async () => {
  const c = L.makeCustomer({ status: 'inactive' });
  const d = L.makeCustomer();
  assert.equal((await call(`/v1/customers/${d.pid}`, { key: K.viewer.key })).status, 200);
  assert.equal((await call('/v1/orders?limit=1', { key: K.viewer.key })).status, 200);
  assertError(await call(`/v1/customers/${d.pid}`, { key: K.viewer.key, method: 'DELETE' }), 403, 'INSUFFICIENT_PERMISSIONS');
  assertError(await call(`/v1/customers/${c.pid}`, { key: K.viewer.key, method: 'PUT', json: { status: 'active' } }), 403, 'INSUFFICIENT_PERMISSIONS');
  assert.equal(L.statusOf(d.pid), 'active');
  assert.equal(L.statusOf(c.pid), 'inactive');
  const rows = [...auditRows(d.id), ...auditRows(c.id)];
  assert.equal(rows.length, 2);
  for (const row of rows) {
    assert.equal(row[0], `api:${K.viewer.label}`);
    assert.equal(row[1], 'api');
    assert.equal(row[4], 'INSUFFICIENT_PERMISSIONS');
  }
});

test('rate limit: the 6th call of a key limited to 5 a minute is 429 with Retry-After; other keys are unaffected', async () => {
  const limited = L.createKey({ role: 'viewer', label: `apitest-limited-${L.uid()}`, rateLimit: 5 });
  // the window is the calendar minute: start early enough in one
  const s = new Date().getUTCSeconds();
  if (s >= 50) await L.sleep((61 - s) * 1000);
  const started = Date.now();
  for (let i = 1; i <= 5; i++) {
    const r = await call('/v1/customers?limit=1', { key: limited.key });
    assert.equal(r.status, 200, `call ${i}: ${r.text}`);
  }
  const r = await call('/v1/customers?limit=1', { key: limited.key });
  assertError(r, 429, 'RATE_LIMITED');
  const ra = r.headers.get('retry-after');
  assert.match(ra || '', /^\d+$/, 'Retry-After in seconds');
  const secondsLeft = 60 - new Date().getUTCSeconds();
  assert.ok(Number(ra) >= 1 && Number(ra) <= 60, `Retry-After ${ra}`);
  assert.ok(Math.abs(Number(ra) - secondsLeft) <= 2, `Retry-After ${ra}: the window ends in ${secondsLeft} s`);
  // still refused, whatever the endpoint
  assertError(await call('/v1/orders?limit=1', { key: limited.key }), 429, 'RATE_LIMITED');
  // another key is unaffected
  assert.equal((await call('/v1/customers?limit=1')).status, 200);
  assert.equal((await call('/v1/customers?limit=1', { key: K.viewer.key })).status, 200);
  assert.ok(Date.now() - started < 20000);
});

test('wrong method: 405 with Allow (route table), unknown /v1 path 404, errors in the JSON envelope', async () => {
  let r = await call('/v1/customers', { method: 'POST', json: { email: 'new@x.y' } });
  assertError(r, 405, 'METHOD_NOT_ALLOWED');
  assert.equal(r.headers.get('allow'), 'GET, HEAD');
  r = await call('/v1/customers/cus_fixture_clean', { method: 'PATCH', json: { status: 'inactive' } });
  assertError(r, 405, 'METHOD_NOT_ALLOWED');
  assert.equal(r.headers.get('allow'), 'GET, HEAD, PUT, DELETE');
  r = await call('/v1/orders', { method: 'DELETE' });
  assertError(r, 405, 'METHOD_NOT_ALLOWED');
  assert.equal(r.headers.get('allow'), 'GET, HEAD');
  r = await call('/v1/customers', { method: 'PUT', json: {} });
  assertError(r, 405);
  assert.equal(L.statusOf('cus_fixture_clean'), 'active');
  assertError(await call('/v1/nothing'), 404, 'NOT_FOUND');
  assertError(await call('/v1/customers/cus_fixture_clean/orders'), 404, 'NOT_FOUND');
});

test('the seed\'s flow: activeDevices and pending orders, refused with 409, blockers cleared, DELETE succeeds, PUT reactivates', async () => {
  const c = L.makeCustomer({ first: 'Seed', last: 'Flow' });
  const serial = `SN-B${L.uid().toUpperCase()}`;
  const sub = `sub_b${L.uid()}`;
  const ord = `ord_b${L.uid()}`;
  sql(`INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id, acquisition_cost)
         VALUES (${q(serial)}, 1, 'FW-PHN-6', 'Phone', 'rented_out', ${c.id}, 700.00);
       INSERT INTO subscriptions (public_id, tenant_id, customer_id, asset_serial, status, monthly_amount, start_date, created_at)
         VALUES (${q(sub)}, 1, ${c.id}, ${q(serial)}, 'active', 35.00, UTC_DATE(), UTC_TIMESTAMP());
       INSERT INTO payments (public_id, tenant_id, customer_id, amount, currency, status, paid_at, created_at)
         VALUES (${q(`pay_b${L.uid()}`)}, 1, ${c.id}, 35.00, 'EUR', 'paid', UTC_TIMESTAMP(), UTC_TIMESTAMP());
       INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)
         VALUES (${q(ord)}, 1, ${c.id}, 'pending', 49.00, 'EUR', UTC_TIMESTAMP());
       INSERT INTO order_items (order_id, sku, product_name, quantity, unit_price, contract_length)
         VALUES (LAST_INSERT_ID(), 'FW-PHN-6', 'Phone', 1, 49.00, 24);
       ${completeOrder(`(SELECT id FROM orders WHERE public_id = ${q(ord)})`)}`);

  // canDeleteCustomer(): profitability.activeDevices and the pending orders
  let g = await call(`/v1/customers/${c.pid}`);
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.profitability.activeDevices, 1);
  assert.equal(g.json.profitability.totalDevicesEver, 1);
  assert.equal(g.json.profitability.totalAcquisitionCost, 700);
  assert.equal(g.json.profitability.lifetimeCollected, 35);
  assert.equal(g.json.profitability.costRecoveryPercent, 5);
  assert.equal(g.json.totalMonthlyRevenue, 35);
  assert.equal(g.json.totalDevicesRented, 1);
  let o = await call(`/v1/orders?customerId=${c.pid}&status=pending`);
  assert.equal(o.status, 200, o.text);
  assert.deepEqual(o.json.orders.map((x) => [x.orderId, x.status, x.total, x.customerId]), [[ord, 'pending', 49, c.pid]]);

  let d = await call(`/v1/customers/${c.pid}`, { method: 'DELETE' });
  assertError(d, 409, 'CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS');
  assert.deepEqual(d.json.error.details.map((x) => [x.code, x.records]), [
    ['CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS', [sub]],
    ['CUSTOMER_HAS_PENDING_ORDERS', [ord]],
    ['CUSTOMER_HAS_UNRETURNED_DEVICES', [serial]],
  ]);

  // the business clears them: the device comes back, the subscription ends, the order is cancelled
  sql(`UPDATE subscriptions SET status = 'ended_early_return', end_date = UTC_DATE() WHERE public_id = ${q(sub)};
       UPDATE assets SET status = 'returned', customer_id = NULL WHERE serial_number = ${q(serial)};
       UPDATE orders SET status = 'cancelled' WHERE public_id = ${q(ord)}`);
  g = await call(`/v1/customers/${c.pid}`);
  assert.equal(g.json.profitability.activeDevices, 0);
  assert.equal(g.json.profitability.totalDevicesEver, 1, 'history stays');
  assert.equal(g.json.totalMonthlyRevenue, 0);
  o = await call(`/v1/orders?customerId=${c.pid}&status=pending`);
  assert.deepEqual(o.json.orders, []);

  d = await call(`/v1/customers/${c.pid}`, { method: 'DELETE' });
  assert.equal(d.status, 200, d.text);
  assert.deepEqual(d.json, { success: true, message: d.json.message, customerId: c.pid });
  g = await call(`/v1/customers/${c.pid}`);
  assert.equal(g.json.status, 'inactive');
  // history preserved: the order, subscription, payment and device are all still there
  assert.deepEqual(sql(`SELECT (SELECT COUNT(*) FROM orders WHERE customer_id = ${c.id}),
                               (SELECT COUNT(*) FROM subscriptions WHERE customer_id = ${c.id}),
                               (SELECT COUNT(*) FROM payments WHERE customer_id = ${c.id}),
                               (SELECT COUNT(*) FROM assets WHERE serial_number = ${q(serial)})`)[0], ['1', '1', '1', '1']);
  assert.equal(g.json.profitability.lifetimeCollected, 35);

  const p = await call(`/v1/customers/${c.pid}`, { method: 'PUT', json: { status: 'active' } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.customer.status, 'active');
  assert.equal(L.statusOf(c.pid), 'active');
  assert.deepEqual(auditRows(c.id).map((x) => [x[2], x[4]]), [
    ['deactivate', 'CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS,CUSTOMER_HAS_PENDING_ORDERS,CUSTOMER_HAS_UNRETURNED_DEVICES'],
    ['deactivate', 'ok'],
    ['reactivate', 'ok'],
  ]);
});

// ---- GET /v1/orders -------------------------------------------------------------------

/** The members of an order that this file checks (the full FlexPortal shape: orders.test.mjs). */
const flat = (orders) => orders.map((x) => ({ orderId: x.orderId, customerId: x.customerId, tenantId: x.tenantId,
  status: x.status, total: x.total, currency: x.currency, createdAt: x.createdAt }));

function dbOrders(where, limit) {
  return sql(
    `SELECT o.public_id, c.public_id, o.status, o.total, o.currency, ${ISO_SQL('o.created_at')}
       FROM orders o JOIN customers c ON c.id = o.customer_id
      WHERE o.tenant_id = 1 AND ${where} ORDER BY o.created_at DESC, o.id DESC${limit ? ` LIMIT ${limit}` : ''}`,
  ).map((r) => ({ orderId: r[0], customerId: r[1], tenantId: 'northwind', status: r[2], total: Number(r[3]), currency: r[4], createdAt: r[5] }));
}

test('GET /v1/orders: customer and status filters, newest first, every field as in the database', async () => {
  let r = await call('/v1/orders');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['count', 'hasMore', 'limit', 'nextCursor', 'orders']);
  assert.equal(r.json.limit, 50);
  assert.equal(r.json.count, 50);
  assert.equal(r.json.hasMore, true);
  assert.deepEqual(flat(r.json.orders), dbOrders('1', 50));

  r = await call('/v1/orders?customerId=cus_fixture_all_three&limit=100');
  assert.deepEqual(flat(r.json.orders), dbOrders("c.public_id = 'cus_fixture_all_three'"));
  assert.equal(r.json.orders.length, 4);
  r = await call('/v1/orders?customerId=cus_fixture_all_three&status=confirmed');
  assert.deepEqual(r.json.orders.map((x) => x.orderId), ['ord_fixture_all_confirmed']);

  for (const st of ['pending', 'confirmed', 'partial', 'fulfilled', 'cancelled']) {
    r = await call(`/v1/orders?status=${st}&limit=100`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(flat(r.json.orders), dbOrders(`o.status = '${st}'`, 100), st);
  }
  // another tenant's customer and unknown customers: an empty list
  for (const who of ['cus_fixture_globex', 'cus_doesnotexist42']) {
    r = await call(`/v1/orders?customerId=${who}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.orders, []);
    assert.equal(r.json.count, 0);
    assert.equal(r.json.hasMore, false);
    assert.equal(r.json.nextCursor, null);
  }
  // the other tenant sees its own
  r = await call('/v1/orders?customerId=cus_fixture_globex', { key: K.globex.key, tenant: 'globex' });
  assert.deepEqual(r.json.orders.map((x) => [x.orderId, x.tenantId, x.currency]), [['ord_glbx_hist', 'globex', 'USD']]);
  r = await call('/v1/orders?limit=100', { key: K.globex.key, tenant: 'globex' });
  assert.ok(r.json.orders.every((x) => x.tenantId === 'globex'));
  assert.equal(r.json.orders.filter((x) => x.customerId.startsWith('cus_fixture_') && x.customerId !== 'cus_fixture_globex').length, 0);

  for (const [qs, name] of [['status=active', 'status'], ['status=all', 'status'], ['status=shipped', 'status'],
    ['customerId=ord_fixture_pending', 'customerId'], ['customerId=x', 'customerId'], ['limit=101', 'limit'],
    ['limit=0', 'limit'], ['startAfter=abc.def', 'startAfter']])
    assertError(await call(`/v1/orders?${qs}`), 400, 'VALIDATION_ERROR', new RegExp(name));
});

test('GET /v1/orders: pagination walks every order of a filter exactly once', async () => {
  for (const [qs, where] of [['status=pending&limit=7', "o.status = 'pending'"], ['limit=100', '1']]) {
    const ids = [];
    let cursor = null;
    let pages = 0;
    for (;;) {
      const r = await call(`/v1/orders?${qs}${cursor ? `&startAfter=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, r.text);
      pages++;
      ids.push(...r.json.orders.map((x) => x.orderId));
      if (!r.json.hasMore) {
        assert.equal(r.json.nextCursor, null);
        break;
      }
      cursor = r.json.nextCursor;
      assert.ok(pages < 500);
    }
    const want = dbOrders(where).map((x) => x.orderId);
    assert.equal(new Set(ids).size, ids.length, 'an order came twice');
    assert.deepEqual(ids, want);
    assert.ok(pages > 1);
  }
  // a customers cursor is not an orders cursor
  const cc = (await call('/v1/customers?limit=1')).json.nextCursor;
  assertError(await call(`/v1/orders?startAfter=${cc}`), 400, 'VALIDATION_ERROR', /startAfter/);
});

// ---- docs/openapi.json -----------------------------------------------------------------

const DOC_PATH = path.join(L.ROOT, 'docs', 'openapi.json');
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

function loadDoc() {
  return JSON.parse(fs.readFileSync(DOC_PATH, 'utf8'));
}

/** The /v1 routes of src/route.c: { '/v1/customers/{}': Set('get', 'put', ...) }. */
function apiRoutes() {
  const src = fs.readFileSync(path.join(L.ROOT, 'src', 'route.c'), 'utf8');
  const out = {};
  for (const m of src.matchAll(/\{\s*"(\/v1\/[^"]*)"\s*,\s*"[^"]*"\s*,\s*AREA_API\s*,\s*ARG_\w+\s*,\s*\{([^}]*)\}/g)) {
    const methods = new Set();
    if (/\bGET\(/.test(m[2])) methods.add('get');
    for (const x of m[2].matchAll(/\[METHOD_(\w+)\]/g)) if (x[1] !== 'HEAD') methods.add(x[1].toLowerCase());
    out[m[1]] = methods;
  }
  return out;
}

const norm = (p) => p.replace(/\{[^}]*\}/g, '{}');

function operationsOf(doc, p) {
  return Object.keys(doc.paths[p]).filter((k) => HTTP_METHODS.includes(k));
}

test('openapi.json: OpenAPI 3.x documenting every /v1 route of src/route.c with exactly its methods', async () => {
  const doc = loadDoc();
  assert.match(doc.openapi, /^3\.\d+\.\d+$/);
  assert.equal(typeof doc.info.title, 'string');
  assert.equal(typeof doc.info.version, 'string');
  const routes = apiRoutes();
  assert.ok(Object.keys(routes).length >= 3, 'found the /v1 routes in src/route.c');
  const documented = Object.fromEntries(Object.keys(doc.paths).map((p) => [norm(p), p]));
  assert.deepEqual(Object.keys(documented).sort(), Object.keys(routes).sort(), 'documented paths = /v1 routes');
  for (const [route, methods] of Object.entries(routes)) {
    const p = documented[route];
    assert.deepEqual(new Set(operationsOf(doc, p).filter((m) => m !== 'head')), methods, `${p}: methods`);
    // and the live Allow header agrees
    const r = await call(p.replace(/\{[^}]*\}/g, 'cus_fixture_clean'), { method: 'PATCH' });
    assert.equal(r.status, 405);
    const allow = new Set(r.headers.get('allow').split(/,\s*/).map((x) => x.toLowerCase()).filter((x) => x !== 'head'));
    assert.deepEqual(allow, methods, `${p}: Allow`);
    // every path parameter in the template is declared
    for (const name of [...p.matchAll(/\{([^}]+)\}/g)].map((x) => x[1])) {
      for (const op of operationsOf(doc, p)) {
        const params = [...(doc.paths[p].parameters || []), ...(doc.paths[p][op].parameters || [])].map((x) => L.resolveRef(doc, x));
        assert.ok(params.some((x) => x.in === 'path' && x.name === name && x.required === true), `${op} ${p}: path parameter ${name}`);
      }
    }
  }
  // security: bearer, required everywhere; Tenant-ID on every operation
  assert.deepEqual(doc.components.securitySchemes.bearerAuth, { ...doc.components.securitySchemes.bearerAuth, type: 'http', scheme: 'bearer' });
  assert.deepEqual(doc.security, [{ bearerAuth: [] }]);
  const codes = new Set();
  for (const p of Object.keys(doc.paths)) {
    for (const op of operationsOf(doc, p)) {
      const o = doc.paths[p][op];
      const params = [...(doc.paths[p].parameters || []), ...(o.parameters || [])].map((x) => L.resolveRef(doc, x));
      const tenant = params.find((x) => x.in === 'header' && x.name === 'Tenant-ID');
      assert.ok(tenant && tenant.required === true, `${op} ${p}: Tenant-ID header`);
      for (const [code, resp] of Object.entries(o.responses)) {
        codes.add(code);
        const rr = L.resolveRef(doc, resp);
        assert.equal(typeof rr.description, 'string');
        if (Number(code) >= 400)
          assert.equal(L.resolveRef(doc, rr.content['application/json'].schema), doc.components.schemas.ErrorEnvelope, `${op} ${p} ${code}`);
      }
      for (const c of ['200', '400', '401', '403', '429', '503']) assert.ok(c in o.responses, `${op} ${p}: ${c}`);
      if (p.includes('{')) assert.ok('404' in o.responses, `${op} ${p}: 404`);
      if (op === 'put' || op === 'delete')
        for (const c of ['409', '413', '415']) assert.ok(c in o.responses, `${op} ${p}: ${c}`);
      // FlexPortal's VALIDATION_ERROR is a 400: no 422 any more
      assert.ok(!('422' in o.responses), `${op} ${p}: no 422`);
    }
  }
  for (const c of ['400', '401', '403', '404', '405', '409', '413', '415', '429', '503'])
    assert.ok(codes.has(c), `status ${c} documented`);
  const tooMany = L.resolveRef(doc, doc.components.responses.TooManyRequests);
  assert.ok(tooMany.headers['Retry-After']);
  assert.ok(L.resolveRef(doc, doc.components.responses.MethodNotAllowed).headers.Allow);
});

test('openapi.json: every query parameter with its constraints, and the live API agrees with them', async () => {
  const doc = loadDoc();
  const queryParams = (p, op) =>
    Object.fromEntries([...(doc.paths[p].parameters || []), ...(doc.paths[p][op].parameters || [])]
      .map((x) => L.resolveRef(doc, x)).filter((x) => x.in === 'query').map((x) => [x.name, x.schema && L.resolveRef(doc, x.schema)]));
  const list = queryParams('/v1/customers', 'get');
  assert.deepEqual(Object.keys(list).sort(), ['customerType', 'email', 'hasActiveRentals', 'limit', 'search', 'sortBy', 'sortDir', 'startAfter', 'status']);
  const orders = queryParams('/v1/orders', 'get');
  assert.deepEqual(Object.keys(orders).sort(), ['customerId', 'limit', 'sortBy', 'sortDir', 'startAfter', 'status']);
  assert.deepEqual(orders.sortBy.enum, ['createdAt', 'updatedAt', 'orderId', 'status', 'totals.total']);
  assert.equal(orders.sortBy.default, 'createdAt');
  assert.deepEqual(orders.sortDir.enum, ['asc', 'desc']);
  assert.equal(orders.sortDir.default, 'desc');
  for (const params of [list, orders]) {
    assert.equal(params.limit.type, 'integer');
    assert.equal(params.limit.minimum, 1);
    assert.equal(params.limit.maximum, 100);
    assert.equal(params.limit.default, 50);
    assert.equal(params.startAfter.type, 'string');
  }
  assert.deepEqual(list.sortBy.enum, Object.keys(SORT_COL));
  assert.deepEqual(list.sortDir.enum, ['asc', 'desc']);
  assert.deepEqual(list.status.enum, ['active', 'inactive', 'all']);
  assert.deepEqual(list.customerType.enum, ['individual', 'business']);
  assert.equal(list.hasActiveRentals.type, 'boolean');
  assert.equal(list.email.maxLength, 254);
  // the extension: the search box's term, as long as the page's
  assert.equal(list.search.maxLength, 100);
  assert.match(doc.paths['/v1/customers'].get.parameters.find((x) => x.name === 'search').description, /^Extension/);
  assert.equal((await call(`/v1/customers?search=${'a'.repeat(100)}`)).status, 200);
  assertError(await call(`/v1/customers?search=${'a'.repeat(101)}`), 400, 'VALIDATION_ERROR', /search/);
  assert.deepEqual(orders.status.enum, ['pending', 'confirmed', 'partial', 'fulfilled', 'cancelled']);
  assert.ok(orders.customerId.pattern);

  // each documented value is taken, and the bounds are where the document says
  for (const [p, params] of [['/v1/customers', list], ['/v1/orders', orders]]) {
    for (const [name, schema] of Object.entries(params)) {
      for (const v of schema.enum || (schema.type === 'boolean' ? [true, false] : [])) {
        const r = await call(`${p}?${name}=${v}&limit=1`);
        assert.equal(r.status, 200, `${p}?${name}=${v}: ${r.text}`);
      }
    }
    assert.equal((await call(`${p}?limit=${params.limit.maximum}`)).status, 200);
    assertError(await call(`${p}?limit=${params.limit.maximum + 1}`), 400, 'VALIDATION_ERROR', /limit/);
    assertError(await call(`${p}?limit=${params.limit.minimum - 1}`), 400, 'VALIDATION_ERROR', /limit/);
  }
  assert.ok(new RegExp(orders.customerId.pattern).test('cus_fixture_clean'));
  assert.ok(!new RegExp(orders.customerId.pattern).test('ord_fixture_pending'));
});

test('openapi.json: real responses (lists, customers, results, errors) carry only declared fields and match the schemas', async () => {
  const doc = loadDoc();
  const S = doc.components.schemas;
  const check = (schemaName, value, what) => {
    const schema = S[schemaName];
    assert.ok(schema, `schema ${schemaName}`);
    const declared = L.declaredProperties(doc, schema);
    for (const k of Object.keys(value)) assert.ok(k in declared, `${what}: top-level field "${k}" is not declared in ${schemaName}`);
    assert.deepEqual(L.validate(doc, schema, value), [], `${what} against ${schemaName}`);
  };
  const responseSchema = (p, op, code) =>
    L.resolveRef(doc, L.resolveRef(doc, doc.paths[p][op].responses[code]).content['application/json'].schema);

  const list = await call('/v1/customers?limit=100&status=all');
  assert.equal(responseSchema('/v1/customers', 'get', '200'), S.CustomerList);
  check('CustomerList', list.json, 'GET /v1/customers');
  for (const c of list.json.customers) check('Customer', c, `list item ${c.customerId}`);
  const last = await call('/v1/customers?email=clara.clean@fixture.example');
  check('CustomerList', last.json, 'a last page (nextCursor null)');

  assert.equal(responseSchema('/v1/customers/{customerId}', 'get', '200'), S.CustomerWithProfitability);
  for (const pid of ['cus_fixture_all_three', 'cus_fixture_inactive', 'cus_fixture_xss', 'cus_fixture_clean']) {
    const r = await call(`/v1/customers/${pid}`);
    check('CustomerWithProfitability', r.json, `GET ${pid}`);
    check('Profitability', r.json.profitability, `${pid}.profitability`);
  }

  const c = L.makeCustomer();
  const del = await call(`/v1/customers/${c.pid}`, { method: 'DELETE' });
  assert.equal(responseSchema('/v1/customers/{customerId}', 'delete', '200'), S.DeleteResult);
  check('DeleteResult', del.json, 'DELETE');
  const put = await call(`/v1/customers/${c.pid}`, { method: 'PUT', json: { status: 'active' } });
  assert.equal(responseSchema('/v1/customers/{customerId}', 'put', '200'), S.UpdateResult);
  check('UpdateResult', put.json, 'PUT');
  check('CustomerWithProfitability', put.json.customer, 'PUT customer');
  // a profile edit with both addresses, as FlexPortal's update.md shows one
  const edit = await call(`/v1/customers/${c.pid}`, { method: 'PUT', json: {
    customerId: c.pid, company: 'Acquiring Company B.V.', phone: '+31 20 555 0199', customerType: 'business',
    billingAddress: { contactName: 'Finance Department', company: 'Acquiring Company B.V.', streetAddress: '100 Corporate Plaza', city: 'Amsterdam', postalCode: '1000 AA', country: 'Netherlands' },
    shippingAddress: { contactName: 'Dock 4', streetAddress: '1 Harbour Road', city: 'Rotterdam', postalCode: null, country: 'NL' },
  } });
  assert.equal(edit.status, 200, edit.text);
  check('UpdateResult', edit.json, 'PUT (profile edit)');

  // the demo's and fixtures' orders (those that other tests write may have no lines)
  const orders = await call('/v1/orders?limit=100&sortBy=orderId&sortDir=asc');
  check('OrderList', orders.json, 'GET /v1/orders');
  for (const o of orders.json.orders) check('Order', o, `order ${o.orderId}`);
  for (const pid of ['cus_fixture_all_three', 'cus_fixture_device_out', 'cus_fixture_pending_order']) {
    const mine = await call(`/v1/orders?customerId=${pid}`);
    for (const o of mine.json.orders) check('Order', o, `order ${o.orderId} of ${pid}`);
  }

  const blocked = await call('/v1/customers/cus_fixture_all_three', { method: 'DELETE' });
  assert.equal(blocked.status, 409);
  check('ErrorEnvelope', blocked.json, '409');
  check('Error', blocked.json.error, '409 error');
  for (const d of blocked.json.error.details) check('BlockingRecords', d, 'a 409 detail');
  for (const r of [
    await call('/v1/customers/cus_doesnotexist42'),
    await call('/v1/customers?limit=101'),
    await call('/v1/customers', { key: null }),
    await call('/v1/customers', { tenant: 'globex' }),
    await call('/v1/customers', { method: 'POST' }),
    await call('/v1/customers/cus_fixture_clean', { method: 'PUT', json: { nope: 1 } }),
    await call('/v1/customers/cus_fixture_clean', { method: 'PUT', body: 'x', headers: { 'Content-Type': 'text/plain' } }),
  ]) {
    assert.ok(r.status >= 400, r.text);
    check('ErrorEnvelope', r.json, `error ${r.status}`);
    check('Error', r.json.error, `error ${r.status}`);
  }
});

// ---- docs/openapi.json against FlexPortal's own document ----------------------------------

test("openapi.json agrees with FlexPortal's openapi.json on every operation both describe", () => {
  const ours = loadDoc();
  const fp = JSON.parse(fs.readFileSync(OPENAPI_PATH, 'utf8'));
  const fpRef = (s) => L.resolveRef(fp, s);
  const typesOf = (doc, s) => {
    const t = s.type === undefined ? [] : [].concat(s.type);
    if (s.nullable) t.push('null');
    return t;
  };
  const problems = [];
  // Every answer FlexPortal's schema lets a client rely on is in ours: its
  // required members are required; every member both declare has a type
  // and enum no wider than FlexPortal's (optional members Custodian does not
  // serve, e.g. an order's payment, need not be declared).
  const compare = (f, o, where) => {
    f = fpRef(f);
    o = L.resolveRef(ours, o);
    const ft = typesOf(fp, f);
    const ot = typesOf(ours, o);
    if (ft.length && ot.length) {
      for (const t of ot) {
        const allowed = ft.includes(t) || (t === 'integer' && ft.includes('number'));
        if (!allowed) problems.push(`${where}: type ${t}, FlexPortal's is ${ft.join('|')}`);
      }
    }
    if (f.enum && o.enum) for (const v of o.enum) if (!f.enum.includes(v)) problems.push(`${where}: value ${v} not in FlexPortal's enum`);
    if (f.properties || f.required) {
      const oProps = L.declaredProperties(ours, o);
      const oReq = new Set([...(o.required || []), ...(o.allOf || []).flatMap((p) => L.resolveRef(ours, p).required || [])]);
      for (const r of f.required || []) if (!oReq.has(r)) problems.push(`${where}.${r}: FlexPortal requires it, ours does not`);
      for (const [k, sub] of Object.entries(f.properties || {})) {
        if (k in oProps) compare(sub, oProps[k], `${where}.${k}`);
      }
    }
    if (f.items && o.items) compare(f.items, o.items, `${where}[]`);
  };
  let shared = 0;
  for (const [p, ops] of Object.entries(ours.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const fop = fp.paths[p]?.[method];
      if (!fop || typeof op !== 'object' || !op.responses) continue;
      shared++;
      if (op.operationId !== fop.operationId) problems.push(`${method} ${p}: operationId ${op.operationId}, FlexPortal's ${fop.operationId}`);
      const schema = (doc, o, code) => o.responses?.[code] && L.resolveRef(doc, o.responses[code]).content?.['application/json']?.schema;
      const f200 = schema(fp, fop, '200');
      const o200 = schema(ours, op, '200');
      if (f200) compare(f200, o200, `${method} ${p} 200`);
      // the request body: we take every member FlexPortal's takes
      const fBody = fop.requestBody?.content?.['application/json']?.schema;
      const oBody = op.requestBody?.content?.['application/json']?.schema;
      if (fBody) {
        const oProps = L.declaredProperties(ours, oBody);
        for (const k of Object.keys(fpRef(fBody).properties || {}))
          if (!(k in oProps)) problems.push(`${method} ${p} body.${k}: FlexPortal takes it, ours does not`);
      }
    }
  }
  assert.ok(shared >= 5, `operations both documents describe: ${shared}`);
  assert.deepEqual(problems, []);
});
