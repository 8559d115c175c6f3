// Issue 13 deliverable 6: notes on a customer. POST /customers/{id}/notes,
// the notes section of the customer page, the count in the retention
// table, and the append-only grants. Every customer here is made by the
// test (createCustomer), so no other file's order matters; expected values
// come from SQL, never from today's date.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  get, post, sql, sqlValue, sqlAsApp, lit, csrfFrom, forgeCsrf, nowSeconds, errorCode, mainOf, textOf,
  between, createCustomer, clearBlockers, customerState, auditRows, flashCookie, retentionTable,
  expectedRetention, tableRows, decodeEntities,
} from './lib.mjs';

const KINDS = { email: 'E-mail', phone: 'Phone', meeting: 'Meeting' };

/** The notes of a customer (internal id) in the database, newest first. */
function notesInDb(id) {
  return sql(`SELECT id, noted_on, kind, summary, follow_up, created_by FROM customer_notes
               WHERE customer_id = ${Number(id)} ORDER BY id DESC`).map(([nid, on, kind, summary, follow, by]) => ({
    id: Number(nid), on, kind, summary, follow, by,
  }));
}

const noteCount = (id) => Number(sqlValue(`SELECT COUNT(*) FROM customer_notes WHERE customer_id = ${Number(id)}`));
const auditCount = (id) => Number(sqlValue(`SELECT COUNT(*) FROM audit_log WHERE customer_id = ${Number(id)}`));

/** The notes section of a customer page. */
function notesSection(html) {
  const s = between(html, '<section class="panel" id="notes"', '</section>');
  assert.ok(s, 'the customer page has a notes section');
  return s;
}

/** The rows of the notes table as {on, kind, summary (lines joined by \n), follow, by}. */
function notesOnPage(html) {
  return tableRows(notesSection(html)).map(([on, kind, summary, follow, by]) => ({
    on: textOf(on),
    kind: textOf(kind),
    summary: [...summary.matchAll(/<span class="line">([\s\S]*?)<\/span>/g)].map((m) => decodeEntities(m[1])).join('\n'),
    follow: textOf(follow) || null,
    by: textOf(by.replace(/<span class="sub">[\s\S]*?<\/span>/, '')),
  }));
}

async function tokenFor(user, publicId) {
  const r = await get(user, `/customers/${publicId}`);
  assert.equal(r.status, 200);
  return csrfFrom(notesSection(r.text));
}

async function addNote(user, publicId, form, token) {
  return post(user, `/customers/${publicId}/notes`, { csrf: token ?? (await tokenFor(user, publicId)), ...form });
}

describe('adding notes', () => {
  test('each kind, by an operator and an admin: 303 back to the notes, a flash, the row and its audit row', async () => {
    const c = createCustomer();
    let n = 0;
    for (const user of ['operator', 'admin']) {
      for (const kind of Object.keys(KINDS)) {
        n++;
        const form = { kind, date: `2025-0${n}-1${n}`, summary: `${kind} by ${user}`, follow_up: n % 2 ? `2025-1${n % 3}-0${n}` : undefined };
        const r = await addNote(user, c.publicId, form);
        assert.equal(r.status, 303, `${kind} as ${user}: ${errorCode(r.text)}`);
        assert.equal(r.headers.get('location'), `/customers/${c.publicId}#notes`);
        assert.equal(flashCookie(r)?.code, 'note_added');
        const [row] = notesInDb(c.id);
        assert.deepEqual({ ...row, id: 0 }, { id: 0, on: form.date, kind, summary: form.summary, follow: form.follow_up ?? null, by: user });
        // its audit row: one per request, naming the note, written with it
        const audit = auditRows(c.publicId, `AND request_id = ${lit(r.requestId)}`);
        assert.equal(audit.length, 1, 'one audit row for the request');
        assert.deepEqual([audit[0].actor, audit[0].action, audit[0].channel, audit[0].outcome, audit[0].customerId, audit[0].reason],
          [user, 'note', 'page', 'ok', String(c.id), null]);
        assert.match(audit[0].note, new RegExp(`^${kind} note ${row.id} of ${form.date}`));
      }
    }
    assert.equal(noteCount(c.id), n);
    assert.equal(Number(sqlValue(`SELECT COUNT(*) FROM audit_log WHERE customer_id = ${c.id} AND action = 'note' AND outcome = 'ok'`)), n,
      'as many ok note audit rows as notes');
  });

  test('the note and its audit row are one transaction: when the audit row cannot be written, no note is kept', async () => {
    const c = createCustomer();
    const token = await tokenFor('operator', c.publicId);
    const trigger = `test_refuse_note_audit_${c.tag}`;
    // A trigger (made here, as root) that makes this customer's note audit
    // rows fail (a NOT NULL column set to NULL), and no other row.
    sql(`CREATE TRIGGER ${trigger} BEFORE INSERT ON audit_log FOR EACH ROW
           SET NEW.actor = IF(NEW.action = 'note' AND NEW.subject = ${lit(c.publicId)}, NULL, NEW.actor)`);
    let r;
    try {
      r = await post('operator', `/customers/${c.publicId}/notes`, { csrf: token, kind: 'phone', date: '2025-09-09', summary: 'rolled back' });
    } finally {
      sql(`DROP TRIGGER IF EXISTS ${trigger}`);
    }
    assert.equal(r.status, 500, 'the failure is reported');
    assert.equal(noteCount(c.id), 0, 'the note was rolled back with its audit row');
    // and without the trigger the same form works
    assert.equal((await addNote('operator', c.publicId, { kind: 'phone', date: '2025-09-09', summary: 'kept' }, token)).status, 303);
    assert.deepEqual(notesInDb(c.id).map((x) => x.summary), ['kept']);
  });

  test('the customer page lists the notes newest first with date, kind, summary, follow-up and who, as the database has them', async () => {
    const c = createCustomer();
    for (const [kind, date, summary, follow] of [
      ['phone', '2024-02-29', 'Leap day call', '2024-03-01'],
      ['meeting', '2023-12-31', 'Year-end meeting\nwith two lines', undefined],
      ['email', '2026-01-01', 'Newest written, oldest day? No: written last', '2030-06-30'],
    ]) assert.equal((await addNote('operator', c.publicId, { kind, date, summary, follow_up: follow })).status, 303);
    const page = await get('viewer', `/customers/${c.publicId}`);
    assert.equal(page.status, 200);
    const want = notesInDb(c.id).map((x) => ({ on: x.on, kind: KINDS[x.kind], summary: x.summary, follow: x.follow, by: x.by }));
    assert.deepEqual(notesOnPage(page.text), want);
    assert.equal(want[0].summary, 'Newest written, oldest day? No: written last', 'newest (last written) first');
    assert.match(textOf(notesSection(page.text)), /Notes \(3 kept\)/);
  });

  test('line breaks are stored as \\n and the summary is trimmed; 2,000 characters (multi-byte) are accepted', async () => {
    const c = createCustomer();
    assert.equal((await addNote('operator', c.publicId, { kind: 'email', date: '2025-05-05', summary: ' \r\n  first line\r\nsecond line\rthird \n\n' })).status, 303);
    assert.equal(notesInDb(c.id)[0].summary, 'first line\nsecond line\nthird');
    const long = 'é'.repeat(2000);
    assert.equal((await addNote('operator', c.publicId, { kind: 'email', date: '2025-05-05', summary: long })).status, 303);
    assert.equal(notesInDb(c.id)[0].summary, long);
  });

  test('more than ten notes: the page shows ten and links to the older ones', async () => {
    const c = createCustomer();
    sql(`INSERT INTO customer_notes (tenant_id, customer_id, noted_on, kind, summary, follow_up, created_at, created_by)
         SELECT 1, ${c.id}, DATE('2025-01-01') + INTERVAL seq DAY, 'phone', CONCAT('note ', seq), NULL, UTC_TIMESTAMP(3), 'operator'
           FROM seq_1_to_12`);
    const first = await get('operator', `/customers/${c.publicId}`);
    const rows = notesOnPage(first.text);
    assert.deepEqual(rows.map((x) => x.summary), notesInDb(c.id).slice(0, 10).map((x) => x.summary));
    const older = /<a href="([^"]*)">Older notes »<\/a>/.exec(notesSection(first.text));
    assert.ok(older, 'a link to the older notes');
    const second = await get('operator', decodeEntities(older[1]).replace(/#.*$/, ''));
    assert.deepEqual(notesOnPage(second.text).map((x) => x.summary), notesInDb(c.id).slice(10).map((x) => x.summary));
    assert.match(textOf(notesSection(second.text)), /Notes \(12 kept\)/);
  });
});

describe('refusals write nothing', () => {
  /** Posts form with a valid token and checks a 400 naming exactly these fields, with no row and no audit row written. */
  async function refused(c, form, fields, what) {
    const token = await tokenFor('operator', c.publicId);
    const notes0 = noteCount(c.id);
    const audit0 = auditCount(c.id);
    const r = await post('operator', `/customers/${c.publicId}/notes`, { csrf: token, ...form });
    assert.equal(r.status, 400, `${what}: ${r.status}`);
    assert.equal(errorCode(r.text), 'INVALID_PARAMETER', what);
    const message = textOf(mainOf(r.text));
    for (const f of ['kind', 'date', 'summary', 'follow_up'])
      assert.equal(new RegExp(`\\b${f}: `).test(message), fields.includes(f), `${what}: the message ${fields.includes(f) ? 'names' : 'does not name'} ${f} (${message})`);
    assert.equal(noteCount(c.id), notes0, `${what}: no note written`);
    assert.equal(auditCount(c.id), audit0, `${what}: no audit row`);
  }

  test('each bad field gives 400 naming it; several bad fields are all named', async () => {
    const c = createCustomer();
    const ok = { kind: 'phone', date: '2025-03-03', summary: 'fine' };
    const cases = [
      [{ ...ok, kind: 'letter' }, ['kind'], 'unknown kind'],
      [{ ...ok, kind: 'Phone' }, ['kind'], 'kind in another case'],
      [{ ...ok, kind: undefined }, ['kind'], 'no kind'],
      [{ ...ok, summary: undefined }, ['summary'], 'no summary'],
      [{ ...ok, summary: '' }, ['summary'], 'empty summary'],
      [{ ...ok, summary: '  \r\n  \n ' }, ['summary'], 'summary of white space only'],
      [{ ...ok, summary: 'bell\u0007' }, ['summary'], 'a control character'],
      [{ ...ok, summary: 'tab\there' }, ['summary'], 'a tab'],
      [{ ...ok, summary: 'del\u007f' }, ['summary'], 'DEL'],
      [{ ...ok, summary: 'x'.repeat(2001) }, ['summary'], '2,001 characters'],
      [{ ...ok, date: undefined }, ['date'], 'no date'],
      [{ ...ok, date: '2025-02-29' }, ['date'], 'no such day'],
      [{ ...ok, date: '2025-3-3' }, ['date'], 'not YYYY-MM-DD'],
      [{ ...ok, follow_up: '2025-13-01' }, ['follow_up'], 'month 13'],
      [{ ...ok, follow_up: 'tomorrow' }, ['follow_up'], 'a word'],
      [{ kind: 'fax', date: '2025-00-01', summary: ' ', follow_up: '31/12/2025' }, ['kind', 'date', 'summary', 'follow_up'], 'all four bad'],
      [{ follow_up: '2025-02-30' }, ['kind', 'date', 'summary', 'follow_up'], 'three missing, one bad'],
    ];
    for (const [form, fields, what] of cases) await refused(c, form, fields, what);
    // invalid UTF-8 cannot go through URLSearchParams: a raw body
    const token = await tokenFor('operator', c.publicId);
    const r = await post('operator', `/customers/${c.publicId}/notes`, `csrf=${token}&kind=phone&date=2025-03-03&summary=ab%ff%fe`);
    assert.equal(r.status, 400);
    assert.match(textOf(mainOf(r.text)), /summary: is not valid UTF-8/);
    assert.equal(noteCount(c.id), 0);
  });

  test('CSRF: missing, another action\'s, another customer\'s, expired: 403 with the code, nothing written but the refusal\'s audit row', async () => {
    const c = createCustomer();
    const other = createCustomer();
    const form = { kind: 'email', date: '2025-04-04', summary: 'csrf' };
    for (const [csrf, code] of [
      [undefined, 'CSRF_MISSING'],
      [forgeCsrf({ user: 'operator', action: 'deactivate', subject: c.publicId, expiry: nowSeconds() + 600 }), 'CSRF_INVALID'],
      [await tokenFor('operator', other.publicId), 'CSRF_INVALID'],
      [await tokenFor('admin', c.publicId), 'CSRF_INVALID'],
      [forgeCsrf({ user: 'operator', action: 'note', subject: c.publicId, expiry: nowSeconds() - 60 }), 'CSRF_EXPIRED'],
    ]) {
      const r = await post('operator', `/customers/${c.publicId}/notes`, csrf === undefined ? form : { ...form, csrf });
      assert.equal(r.status, 403, code);
      assert.equal(errorCode(r.text), code);
      assert.equal(noteCount(c.id), 0, `${code}: no note`);
      assert.deepEqual(auditRows(c.publicId, `AND request_id = ${lit(r.requestId)}`).map((x) => [x.actor, x.action, x.outcome]),
        [['operator', 'note', code]], `${code}: the refusal is audited`);
    }
    const ok = await addNote('operator', c.publicId, form, forgeCsrf({ user: 'operator', action: 'note', subject: c.publicId, expiry: nowSeconds() + 600 }));
    assert.equal(ok.status, 303, 'the right token works');
  });

  test('a viewer sees the notes but no form, and a viewer\'s POST is 403 FORBIDDEN (audited), nothing written', async () => {
    const c = createCustomer();
    assert.equal((await addNote('operator', c.publicId, { kind: 'meeting', date: '2025-06-06', summary: 'seen by the viewer' })).status, 303);
    const page = await get('viewer', `/customers/${c.publicId}`);
    assert.equal(page.status, 200);
    assert.deepEqual(notesOnPage(page.text).map((x) => x.summary), ['seen by the viewer']);
    assert.doesNotMatch(page.text, /<form[^>]*method="post"/, 'no form');
    assert.doesNotMatch(page.text, /name="csrf"/, 'no token');
    const r = await post('viewer', `/customers/${c.publicId}/notes`, {
      csrf: forgeCsrf({ user: 'viewer', action: 'note', subject: c.publicId, expiry: nowSeconds() + 600 }),
      kind: 'phone', date: '2025-06-07', summary: 'viewer',
    });
    assert.equal(r.status, 403);
    assert.equal(errorCode(r.text), 'FORBIDDEN');
    assert.equal(noteCount(c.id), 1);
    assert.deepEqual(auditRows(c.publicId, `AND request_id = ${lit(r.requestId)}`).map((x) => [x.actor, x.action, x.outcome]), [['viewer', 'note', 'FORBIDDEN']]);
  });

  test('another tenant\'s customer is 404 and gets no note; an unknown id is 404', async () => {
    const g = createCustomer({ tenant: 2 });
    const r = await post('operator', `/customers/${g.publicId}/notes`, {
      csrf: forgeCsrf({ user: 'operator', action: 'note', subject: g.publicId, expiry: nowSeconds() + 600 }),
      kind: 'phone', date: '2025-06-07', summary: 'wrong tenant',
    });
    assert.equal(r.status, 404);
    assert.equal(errorCode(r.text), 'NOT_FOUND');
    assert.equal(noteCount(g.id), 0);
    const audit = auditRows(g.publicId, `AND request_id = ${lit(r.requestId)}`);
    assert.deepEqual(audit.map((x) => [x.actor, x.tenant, x.customerId, x.outcome]), [['operator', 1, null, 'NOT_FOUND']],
      'audited in the operator\'s tenant without naming the other tenant\'s row');
    const none = await post('operator', '/customers/cus_nosuchnote/notes', {
      csrf: forgeCsrf({ user: 'operator', action: 'note', subject: 'cus_nosuchnote', expiry: nowSeconds() + 600 }),
      kind: 'phone', date: '2025-06-07', summary: 'nobody',
    });
    assert.equal(none.status, 404);
  });

  test('GET /customers/{id}/notes is 405 with Allow: POST', async () => {
    const c = createCustomer();
    const r = await get('operator', `/customers/${c.publicId}/notes`);
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'POST');
  });
});

describe('notes are kept', () => {
  test('through deactivation and reactivation: listed, counted in every retention table, and inactive customers take notes', async () => {
    const c = createCustomer({ history: true });
    for (const s of ['before deactivation, one', 'before deactivation, two'])
      assert.equal((await addNote('operator', c.publicId, { kind: 'phone', date: '2025-07-01', summary: s })).status, 303);
    // the deactivation form shows what will be preserved, notes included
    const form = await get('operator', `/customers/${c.publicId}/deactivate`);
    assert.deepEqual(retentionTable(form.text), expectedRetention(c.id));
    assert.equal(retentionTable(form.text).notes, 2);
    const d = await post('operator', `/customers/${c.publicId}/deactivate`, { csrf: csrfFrom(form.text), reason: 'account_closure' });
    assert.equal(d.status, 303);
    assert.equal(customerState(c.publicId).status, 'inactive');
    const ret = await get('operator', d.headers.get('location'));
    assert.deepEqual(retentionTable(ret.text), expectedRetention(c.id));
    assert.equal(retentionTable(ret.text).notes, 2, 'the summary a deactivation lands on counts the notes');
    // an inactive customer's history grows: a note is allowed (README "Decisions")
    assert.equal((await addNote('admin', c.publicId, { kind: 'email', date: '2025-07-02', summary: 'after deactivation' })).status, 303);
    assert.equal(customerState(c.publicId).status, 'inactive', 'a note does not reactivate');
    const page = await get('viewer', `/customers/${c.publicId}`);
    assert.deepEqual(notesOnPage(page.text).map((x) => x.summary), ['after deactivation', 'before deactivation, two', 'before deactivation, one']);
    const re = await get('operator', `/customers/${c.publicId}/reactivate`);
    assert.deepEqual(retentionTable(re.text), expectedRetention(c.id));
    assert.equal((await post('operator', `/customers/${c.publicId}/reactivate`, { csrf: csrfFrom(re.text) })).status, 303);
    assert.equal(customerState(c.publicId).status, 'active');
    const after = await get('operator', `/customers/${c.publicId}/retention`);
    assert.deepEqual(retentionTable(after.text), expectedRetention(c.id));
    assert.equal(retentionTable(after.text).notes, 3);
    assert.equal(notesOnPage((await get('operator', `/customers/${c.publicId}`)).text).length, 3);
    assert.equal(noteCount(c.id), 3);
  });

  test('the fixture inactive customer keeps its two notes', async () => {
    const id = sqlValue("SELECT id FROM customers WHERE public_id = 'cus_fixture_inactive'");
    const r = await get('viewer', '/customers/cus_fixture_inactive');
    assert.deepEqual(notesOnPage(r.text).map((x) => x.summary), notesInDb(id).map((x) => x.summary));
    assert.ok(notesInDb(id).length >= 2);
  });

  test('append-only at the grant level: the application account cannot change or DELETE a note, only move it to another customer (a merge), and reads them', () => {
    for (const col of ['summary', 'kind', 'noted_on', 'follow_up', 'created_by', 'created_at', 'tenant_id']) {
      const u = sqlAsApp(`UPDATE customer_notes SET ${col} = ${col} WHERE 1 = 0`);
      assert.equal(u.ok, false, col);
      assert.match(u.stderr, /UPDATE command denied/i, col);
    }
    assert.ok(sqlAsApp('UPDATE customer_notes SET customer_id = customer_id WHERE 1 = 0').ok, 'a merge moves notes');
    const d = sqlAsApp('DELETE FROM customer_notes WHERE 1 = 0');
    assert.equal(d.ok, false);
    assert.match(d.stderr, /DELETE command denied/i);
    assert.equal(sqlAsApp('TRUNCATE TABLE customer_notes').ok, false, 'nor truncate');
    assert.equal(sqlAsApp('DROP TABLE customer_notes').ok, false, 'nor drop');
    assert.ok(sqlAsApp('SELECT COUNT(*) FROM customer_notes').ok, 'it reads them');
    const grants = sqlAsApp('SHOW GRANTS').stdout;
    assert.match(grants, /GRANT SELECT, INSERT, UPDATE \(`customer_id`\) ON `custodian`\.`customer_notes`/);
  });
});

describe('escaping', () => {
  test('hostile summaries, dates and authors render escaped, never as markup', async () => {
    const c = createCustomer();
    const payloads = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', "'; --<b>bold</b>", '</td></tr></table><iframe src=//x>'];
    for (const p of payloads)
      assert.equal((await addNote('operator', c.publicId, { kind: 'phone', date: '2025-08-08', summary: `${p}\n${p}` })).status, 303);
    const r = await get('operator', `/customers/${c.publicId}`);
    const section = notesSection(r.text);
    for (const p of payloads) assert.ok(!section.includes(p), `raw payload ${p} is not in the page`);
    assert.doesNotMatch(section, /<script|<img|<iframe|<b>/);
    assert.deepEqual(notesOnPage(r.text).map((x) => x.summary), [...payloads].reverse().map((p) => `${p}\n${p}`));
    // the fixture: hostile summary and author from SQL
    const x = await get('operator', '/customers/cus_fixture_xss');
    const xs = notesSection(x.text);
    assert.doesNotMatch(xs, /<script|<img|<b>operator/);
    assert.match(xs, /&lt;script&gt;alert\(6\)&lt;\/script&gt;/);
  });
});
