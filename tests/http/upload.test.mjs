// Bulk clean-up from an uploaded file (issue 16, item 1): multipart/form-data
// on POST /bulk/preview (mode=file), the CSV reader (every separator, with and
// without a BOM, plain text, RFC 4180 quoting), the column picked from the
// header or by the operator (the form posts the file back), the same
// classification and apply as a pasted list, and every refusal: bad files
// (400 naming the line, nothing changed), malformed multipart bodies, CSRF,
// roles, and 415 for multipart everywhere else. Every multipart body is built
// here byte by byte; every customer is made by the test that uses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './apilib.mjs';

const { sql, sqlOne, q } = L;

// ---- helpers -----------------------------------------------------------------------

const CRLF = '\r\n';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const B = '----CustodianTestBoundary7MA4YWxkTrZu0gW';

/**
 * A multipart/form-data body: parts are [name, value] (text) or
 * [name, value, { filename, type }] (a file); values are strings or Buffers.
 */
function multipart(parts, boundary = B) {
  const chunks = [];
  for (const [name, value, file] of parts) {
    let head = `--${boundary}${CRLF}Content-Disposition: form-data; name="${name}"`;
    if (file) head += `; filename="${file.filename}"`;
    head += CRLF;
    if (file) head += `Content-Type: ${file.type ?? 'text/csv'}${CRLF}`;
    chunks.push(Buffer.from(head + CRLF), Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'), Buffer.from(CRLF));
  }
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  return Buffer.concat(chunks);
}

/** csrf of the preview forms on GET /bulk, for a user. */
async function previewCsrf(user = 'admin') {
  const r = await L.page('/bulk', { user });
  assert.equal(r.status, 200, r.text);
  const f = L.hiddenFields(r.text, '/bulk/preview');
  assert.ok(f && f.csrf, 'the preview form carries a CSRF token');
  return f.csrf;
}

function postMultipart(body, { user = 'admin', contentType = `multipart/form-data; boundary=${B}`, path = '/bulk/preview' } = {}) {
  return L.page(path, { user, body, headers: { 'Content-Type': contentType } });
}

/** What a preview page shows: rows, totals, the apply form, the columns and the column form. */
function parsed(r) {
  r.rows = L.previewRows(r.text);
  r.totals = L.previewTotals(r.text);
  r.apply = L.hiddenFields(r.text, '/bulk/apply');
  r.columnForm = L.hiddenFields(r.text, '/bulk/preview');
  const cols = /<table class="list" id="columns">([\s\S]*?)<\/table>/.exec(r.text);
  r.columns = cols
    ? [...cols[1].matchAll(/<tr><td><input type="radio" name="column" id="column-(\d+)" value="\d+" required ?(checked)?><\/td><td[^>]*><label[^>]*>([\s\S]*?)<\/label><\/td><td[^>]*>([\s\S]*?)<\/td><\/tr>/g)].map((m) => ({
        n: Number(m[1]),
        checked: !!m[2],
        name: L.textOf(m[3]),
        samples: [...m[4].matchAll(/<code class="sample">([\s\S]*?)<\/code>/g)].map((x) => L.decodeEntities(x[1])),
      }))
    : [];
  const chosen = /<p id="column-chosen" data-column="(\d+)">([\s\S]*?)<\/p>/.exec(r.text);
  r.chosen = chosen ? { column: Number(chosen[1]), text: L.textOf(chosen[2]) } : null;
  r.facts = L.textOf(/<p id="file-facts">([\s\S]*?)<\/p>/.exec(r.text)?.[1] ?? '');
  r.choose = r.text.includes('id="column-choose"');
  return r;
}

/** Uploads a file (Buffer or string) to the bulk preview; returns the parsed page. */
async function upload(file, { filename = 'customers.csv', user = 'admin', type = 'text/csv', extra = [] } = {}) {
  const csrf = await previewCsrf(user === 'viewer' ? 'admin' : user);
  const body = multipart([['csrf', csrf], ['mode', 'file'], ...extra, ['file', file, { filename, type }]]);
  return parsed(await postMultipart(body, { user }));
}

async function uploadOk(file, opts) {
  const r = await upload(file, opts);
  assert.equal(r.status, 200, L.errorOf(r.text)?.message || r.text.slice(0, 400));
  return r;
}

/** Posts the column form back (urlencoded, as the browser does) with a column. */
async function chooseColumn(r, column, user = 'admin') {
  assert.ok(r.columnForm && r.columnForm.file_data, 'the page has the column form with the file');
  const res = await L.page('/bulk/preview', { user, form: { ...r.columnForm, column } });
  return parsed(res);
}

/** The counts that must not move when a file is refused. */
function counts() {
  return {
    audit: sqlOne('SELECT COUNT(*) FROM audit_log'),
    runs: sqlOne('SELECT COUNT(*) FROM bulk_runs'),
    items: sqlOne('SELECT COUNT(*) FROM bulk_items'),
    inactive: sqlOne("SELECT COUNT(*) FROM customers WHERE status = 'inactive'"),
  };
}

/** Customers of a test of their own: eligible a, b; blocked c (a device out); inactive d. */
function family() {
  const u = L.uid();
  const domain = `${u}.upload.invalid`;
  return {
    u,
    domain,
    a: L.makeCustomer({ domain }),
    b: L.makeCustomer({ domain }),
    c: L.makeCustomer({ domain, device: 1 }),
    d: L.makeCustomer({ domain, status: 'inactive' }),
  };
}

const byCustomer = (r) => Object.fromEntries(r.rows.filter((x) => x.customer).map((x) => [x.customer, x]));

/** The preview of a family's four customers, as a paste of the same values would show it. */
function assertFamilyPreview(r, f, inputs) {
  const rows = byCustomer(r);
  assert.equal(rows[f.a.pid]?.state, 'eligible', JSON.stringify(r.rows));
  assert.equal(rows[f.b.pid]?.state, 'eligible');
  assert.equal(rows[f.c.pid]?.state, 'blocked');
  assert.match(rows[f.c.pid].outcome, /CUSTOMER_HAS_UNRETURNED_DEVICES \(1\)/);
  assert.equal(rows[f.d.pid]?.state, 'inactive');
  assert.equal(r.totals.Eligible, 2);
  assert.equal(r.totals.Blocked, 1);
  assert.equal(r.totals['Already inactive'], 1);
  if (inputs) assert.deepEqual(r.rows.map((x) => x.input), inputs);
  assert.deepEqual(r.apply && Object.keys(r.apply).sort(), ['csrf', 'nonce', 'source']);
}

// ---- separators, encodings, plain text ------------------------------------------------------------

test('every separator (comma, semicolon, tab), with and without a BOM: the e-mail column is picked from the header and classified like a paste', async () => {
  const f = family();
  for (const [sep, word] of [[',', 'commas'], [';', 'semicolons'], ['\t', 'tabs']]) {
    for (const bom of [false, true]) {
      const text = [['Name', 'E-Mail', 'Notes'], ...[f.a, f.b, f.c, f.d].map((c, i) => [`Person ${i}`, c.email, `note ${i}`])]
        .map((row) => row.join(sep))
        .join('\r\n') + '\r\n';
      const r = await uploadOk(bom ? Buffer.concat([BOM, Buffer.from(text)]) : text, { filename: `list-${word}.csv` });
      const what = `${JSON.stringify(sep)}, bom ${bom}`;
      assert.deepEqual(r.columns.map((c) => c.name), ['Name', 'E-Mail', 'Notes'], what);
      assert.deepEqual(r.columns.map((c) => c.checked), [false, true, false], what);
      assert.deepEqual(r.columns[1].samples, [f.a.email, f.b.email, f.c.email], `${what}: the first three values`);
      assert.deepEqual(r.chosen, { column: 2, text: 'Using E-Mail (chosen from the header). Another column? Choose it below.' }, what);
      assert.match(r.facts, new RegExp(`^4 lines of values in 3 columns, separated by ${word}${bom ? ', UTF-8 with a byte order mark' : ''}; the first line names the columns\\.$`), what);
      assertFamilyPreview(r, f, [f.a.email, f.b.email, f.c.email, f.d.email]);
      assert.deepEqual(r.rows.map((x) => x.line), ['2', '3', '4', '5'], `${what}: the file's line numbers`);
      assert.equal(r.apply.source, `file list-${word}.csv (E-Mail), 4 values`, what);
    }
  }
});

test('plain text, one id or e-mail per line (LF, CRLF or CR, blank lines, spaces, repeats, a BOM): the only column, no header', async () => {
  const f = family();
  for (const [eol, bom] of [['\n', false], ['\r\n', true], ['\r', false]]) {
    const lines = [f.a.pid, '', `   ${f.b.email.toUpperCase()}  `, f.c.pid, f.d.pid, f.a.pid, 'not an id', ''];
    const text = Buffer.from(lines.join(eol));
    const r = await uploadOk(bom ? Buffer.concat([BOM, text]) : text, { filename: 'ids.txt', type: 'text/plain' });
    const what = JSON.stringify(eol);
    assert.equal(r.columns.length, 1, what);
    assert.equal(r.columns[0].name, 'column 1', what);
    assert.equal(r.chosen.column, 1, what);
    assert.match(r.chosen.text, /\(the only column\)/, what);
    assert.match(r.facts, /^6 lines of values in 1 column, one value per line.*; no header line \(the first line holds values\)\.$/, what);
    const rows = byCustomer(r);
    assert.equal(rows[f.a.pid].line, '1', what);
    assert.equal(rows[f.b.pid].line, '3', what);
    assert.equal(rows[f.b.pid].input, f.b.email.toUpperCase(), `${what}: trimmed`);
    assert.equal(rows[f.c.pid].state, 'blocked', what);
    assert.equal(rows[f.d.pid].state, 'inactive', what);
    const other = r.rows.find((x) => x.input === 'not an id');
    assert.equal(other.state, 'not-found', what);
    assert.equal(other.line, '7', what);
    assert.equal(r.totals['Repeats merged'], 1, `${what}: the repeated id counts once`);
    assert.equal(r.apply.source, 'file ids.txt (column 1), 6 values', what);
  }
});

test('RFC 4180 quoting: separators, doubled quotes and line breaks inside quoted fields; rows keep the line they start on', async () => {
  const f = family();
  const text =
    'customer name,"remark, free text",customerId\r\n' +
    `"Smith, Anna","She said ""deactivate me""",${f.a.pid}\r\n` +
    `"Jones; Bram","two\r\nlines, with a comma",${f.b.pid}\r\n` +
    `Cato,"""quoted""",\"${f.c.pid}\"\r\n` +
    `"Dana","a ""tab""\there",${f.d.pid}`; // no line break at the end
  const r = await uploadOk(text, { filename: 'quoted.csv' });
  assert.deepEqual(r.columns.map((c) => c.name), ['customer name', 'remark, free text', 'customerId']);
  assert.deepEqual(r.columns[0].samples, ['Smith, Anna', 'Jones; Bram', 'Cato']);
  const ws = (x) => x.replace(/\s+/g, ' ');
  assert.deepEqual(r.columns[1].samples.map(ws), ['She said "deactivate me"', 'two lines, with a comma', '"quoted"'], 'quotes undone, the line break kept inside the value');
  assert.equal(r.chosen.column, 3);
  assert.match(r.facts, /separated by commas/);
  assertFamilyPreview(r, f, [f.a.pid, f.b.pid, f.c.pid, f.d.pid]);
  assert.deepEqual(r.rows.map((x) => x.line), ['2', '3', '5', '6'], 'the record after a quoted line break starts on line 5');
});

test('the header makes the column obvious: customerId beats e-mail, e-mail beats a bare id (a CRM\'s own), names in any case and spelling', async () => {
  const f = family();
  const cases = [
    ['Customer_ID;email', (c) => `${c.pid};${c.email}`, 1, 'Customer_ID'],
    ['EMAIL\tcustomerId', (c) => `${c.email}\t${c.pid}`, 2, 'customerId'],
    ['id,email,name', (c, i) => `${1000 + i},${c.email},N`, 2, 'email'],
    ['name,Customer Id', (c) => `N,${c.pid}`, 2, 'Customer Id'],
    ['ID', (c) => c.pid, 1, 'ID'],
  ];
  for (const [header, row, col, name] of cases) {
    const text = [header, ...[f.a, f.b, f.c, f.d].map(row)].join('\n') + '\n';
    const r = await uploadOk(text);
    assert.equal(r.chosen?.column, col, header);
    assert.equal(r.chosen.text, `Using ${name} (${r.columns.length === 1 ? 'the only column' : 'chosen from the header'}). Another column? Choose it below.`, header);
    assertFamilyPreview(r, f);
  }
});

test('choosing another column: the form posts the file back with the column; no obvious column means choose first, then preview', async () => {
  const f = family();
  const other = family();
  // an obvious e-mail column, but the operator wants the backup addresses
  const text = ['name,email,backup', ...[0, 1, 2, 3].map((i) => `P${i},${[f.a, f.b, f.c, f.d][i].email},${[other.a, other.b, other.c, other.d][i].email}`)].join('\r\n');
  const first = await uploadOk(text, { filename: 'two-lists.csv' });
  assert.equal(first.chosen.column, 2);
  assertFamilyPreview(first, f);
  assert.deepEqual(Object.keys(first.columnForm).sort(), ['csrf', 'file_data', 'file_name', 'mode']);
  assert.equal(first.columnForm.mode, 'file');
  assert.equal(first.columnForm.file_name, 'two-lists.csv');
  assert.equal(Buffer.from(first.columnForm.file_data, 'base64url').toString('utf8'), text, 'the file comes back byte for byte');
  const second = await chooseColumn(first, 3);
  assert.equal(second.status, 200, L.errorOf(second.text)?.message);
  assert.deepEqual(second.chosen, { column: 3, text: 'Using backup (chosen by you). Another column? Choose it below.' });
  assert.deepEqual(second.columns.map((c) => c.checked), [false, false, true]);
  assertFamilyPreview(second, other, [other.a.email, other.b.email, other.c.email, other.d.email]);
  assert.equal(second.apply.source, 'file two-lists.csv (backup), 4 values');
  const third = await chooseColumn(second, 1);
  assert.equal(third.status, 200);
  assert.equal(third.totals['Not found'], 4, 'names are no ids: not found');
  assert.equal(third.totals.Eligible, 0);

  // nothing obvious: the columns, no preview until one is chosen
  const plain = ['Full name;Contact', ...[f.a, f.b, f.c, f.d].map((c, i) => `Name ${i};${c.email}`)].join('\n');
  const ask = await uploadOk(plain, { filename: 'vague.csv' });
  assert.ok(ask.choose, 'it asks for a column');
  assert.equal(ask.chosen, null);
  assert.deepEqual(ask.columns.map((c) => [c.name, c.checked]), [['Full name', false], ['Contact', false]]);
  assert.deepEqual(ask.rows, [], 'no preview rows yet');
  assert.equal(ask.apply, null, 'no apply form yet');
  const picked = await chooseColumn(ask, 2);
  assert.equal(picked.chosen.column, 2);
  assertFamilyPreview(picked, f);

  // a column the file does not have, a damaged copy of the file
  let r = await chooseColumn(ask, 3);
  assert.equal(r.status, 400);
  assert.equal(L.errorOf(r.text).message, 'column: the file has 2 columns.');
  r = parsed(await L.page('/bulk/preview', { form: { ...ask.columnForm, file_data: ask.columnForm.file_data.slice(0, -1) + '*', column: 2 } }));
  assert.equal(r.status, 400);
  assert.match(L.errorOf(r.text).message, /^file_data: /);
});

test('apply works unchanged after a file preview: the run deactivates the chosen eligible customers and keeps the file as its source', async () => {
  const f = family();
  const text = `email\n${f.a.email}\n${f.b.email}\n${f.c.email}\n`;
  const r = await uploadOk(text, { filename: 'apply.csv' });
  assert.equal(r.totals.Eligible, 2);
  const res = await L.page('/bulk/apply', { form: { ...r.apply, reason: 'data_cleanup', select: [f.a.pid, f.b.pid] } });
  assert.equal(res.status, 303, L.errorOf(res.text)?.message);
  const run = res.headers.get('location').slice('/bulk/'.length);
  const t0 = Date.now();
  while (sqlOne(`SELECT status FROM bulk_runs WHERE public_id = ${q(run)}`) !== 'done') {
    assert.ok(Date.now() - t0 < 30000, 'the run finishes');
    await L.sleep(200);
  }
  assert.equal(sqlOne(`SELECT source FROM bulk_runs WHERE public_id = ${q(run)}`), 'file apply.csv (email), 3 values');
  assert.equal(L.statusOf(f.a.pid), 'inactive');
  assert.equal(L.statusOf(f.b.pid), 'inactive');
  assert.equal(L.statusOf(f.c.pid), 'active');
  assert.equal(sqlOne(`SELECT COUNT(*) FROM audit_log WHERE customer_id IN (${f.a.id}, ${f.b.id}) AND action = 'deactivate' AND outcome = 'ok'`), '2');
});

// ---- bad files -------------------------------------------------------------------------

test('bad files: 400 naming the line and the problem, and nothing changes', async () => {
  const f = family();
  const many = ['email', ...Array.from({ length: 10001 }, (_, i) => `n${i}.${f.u}@upload.invalid`)].join('\n');
  const cases = [
    ['unterminated quote', `email,name\n${f.a.email},ok\n${f.b.email},"never closed\n${f.c.email},x\n`, 'INVALID_FILE', 'file: line 3: unterminated quoted field (the file ends inside its quotes).'],
    ['not UTF-8', Buffer.concat([Buffer.from(`email\n${f.a.email}\n`), Buffer.from([0x66, 0xe9, 0x65, 0x0a]), Buffer.from(`${f.b.email}\n`)]), 'INVALID_FILE', 'file: line 3: not UTF-8 (save the file as UTF-8).'],
    ['a surrogate', Buffer.concat([Buffer.from(`${f.a.email}\r\n${f.b.email}\r\n`), Buffer.from([0xed, 0xa0, 0x80])]), 'INVALID_FILE', 'file: line 3: not UTF-8 (save the file as UTF-8).'],
    ['too many lines', many, 'TOO_MANY_LINES', 'file: more than 10,000 lines (line 10,002 is one too many). Split the file into runs of at most 10,000.'],
    ['too many lines without a header', many.slice('email\n'.length) + `\n${f.a.email}`, 'TOO_MANY_LINES', 'file: more than 10,000 lines (line 10,001 is one too many). Split the file into runs of at most 10,000.'],
    ['a quote inside an unquoted field', `email;name\n${f.a.email};An "A" na\n`, 'INVALID_FILE', 'file: line 2: a quote inside an unquoted field (put the whole field in quotes and double the quote).'],
    ['text after a closing quote', `email,name\n"${f.a.email}"x,A\n`, 'INVALID_FILE', 'file: line 2: text after a closing quote (a quote inside a quoted field must be doubled).'],
    ['a row with more fields', `email,name\n${f.a.email},A\n${f.b.email},B,extra\n`, 'INVALID_FILE', 'file: line 3: 3 fields where the first line has 2.'],
    ['a row with fewer fields', `email\tname\tphone\n${f.a.email}\tA\t1\n\n${f.b.email}\tB\n`, 'INVALID_FILE', 'file: line 4: 2 fields where the first line has 3.'],
    ['a NUL byte', Buffer.concat([Buffer.from(`${f.a.email}\n${f.b.email}\n\n`), Buffer.from([0x61, 0x00, 0x62])]), 'INVALID_FILE', 'file: line 4: contains a NUL byte.'],
    ['a control character', `${f.a.email}\n\x1b[31m${f.b.email}\n`, 'INVALID_FILE', 'file: line 2: contains a control character.'],
    ['an empty file (a BOM only)', BOM, 'NO_LINES', 'file: the file is empty; it needs at least one customer id or e-mail address.'],
    ['blank lines only', '\r\n  \r\n\t\r\n', 'NO_LINES', 'file: the file is empty; it needs at least one customer id or e-mail address.'],
    ['a header and nothing under it', 'email,name\r\n', 'NO_LINES', 'file: the file has a header line but no values under it.'],
    ['an empty chosen column', `email,name\n,A\n  ,B\n`, 'NO_LINES', 'file: email has no values; choose the column of customer ids or e-mail addresses.'],
    ['a value too long for an id or e-mail', `email,name\n${f.a.email},A\n${'x'.repeat(250)}@a.bc,B\n`, 'LINE_TOO_LONG', 'file: line 3: the value in column 1 is longer than 254 characters; choose the column of ids or e-mail addresses.'],
    ['more than 100 columns', Array.from({ length: 101 }, (_, i) => `c${i}`).join(',') + `\n${f.a.email}\n`, 'INVALID_FILE', 'file: line 1: more than 100 columns.'],
  ];
  for (const [name, file, code, message] of cases) {
    const before = counts();
    const r = await upload(file, { filename: 'bad.csv' });
    assert.equal(r.status, 400, `${name}: ${r.status} ${L.errorOf(r.text)?.message}`);
    assert.deepEqual(L.errorOf(r.text), { code, message }, name);
    assert.deepEqual(counts(), before, `${name}: nothing changed`);
    assert.equal(L.statusOf(f.a.pid), 'active', name);
  }
  // larger than the file limit (but within the body limit)
  const big = Buffer.alloc(3_000_001, 'a');
  const r = await upload(big);
  assert.equal(r.status, 400);
  assert.equal(L.errorOf(r.text).message, 'file: is larger than 3,000,000 bytes; split the file.');
  // no file chosen (the browser sends an empty part with filename="")
  const none = await upload('', { filename: '' });
  assert.equal(none.status, 400);
  assert.equal(L.errorOf(none.text).message, 'file: choose a CSV or text file of customer ids or e-mail addresses.');
});

// ---- the multipart body itself -----------------------------------------------------------

test('malformed multipart bodies are refused with a clear error: boundary missing, wrong or malformed, no final boundary, long or folded headers, nested, two files, too many parts, too large', async () => {
  const csrf = await previewCsrf();
  const ok = [['csrf', csrf], ['mode', 'file'], ['file', 'cus_fixture_clean\n', { filename: 'x.txt' }]];
  const good = multipart(ok);
  const before = counts();
  // the control: this body is accepted
  let r = await postMultipart(good);
  assert.equal(r.status, 200, L.errorOf(r.text)?.message);
  const cases = [
    ['no boundary', good, 'multipart/form-data', 400, /^form: multipart\/form-data needs a boundary parameter/],
    ['an empty boundary', good, 'multipart/form-data; boundary=', 400, /^form: the Content-Type's boundary is malformed/],
    ['a boundary of 71 characters', multipart(ok, 'b'.repeat(71)), `multipart/form-data; boundary=${'b'.repeat(71)}`, 400, /boundary is malformed \(1 to 70/],
    ['a boundary with a character RFC 2046 does not allow', multipart(ok, 'a<b'), 'multipart/form-data; boundary="a<b"', 400, /boundary is malformed/],
    ['a boundary ending in a space', multipart(ok, 'ab '), 'multipart/form-data; boundary="ab "', 400, /boundary is malformed/],
    ['two boundaries', good, `multipart/form-data; boundary=${B}; boundary=x`, 400, /boundary is malformed/],
    ['another boundary than the body\'s', good, 'multipart/form-data; boundary=somethingElse', 400, /^form: the body does not begin with its boundary\.$/],
    ['no final boundary', good.subarray(0, good.length - `--${B}--\r\n`.length - 2), null, 400, /^form: the body ends without its final boundary\.$/],
    ['cut inside the headers', Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="mode"`), null, 400, /^form: the body ends inside a part's headers\.$/],
    ['a header line of 999 bytes', multipart([['csrf', csrf], ['x'.repeat(10), 'v']]).toString().replace('name="xxxxxxxxxx"', `name="x"; pad="${'p'.repeat(999 - 'Content-Disposition: form-data; name="x"; pad=""'.length)}"`), null, 400, /^form: a part's header line is longer than 998 bytes\.$/],
    ['a folded header', Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="mode"\r\n continued\r\n\r\nfile\r\n--${B}--\r\n`), null, 400, /^form: folded header lines are not accepted\.$/],
    ['a part without a name', Buffer.from(`--${B}\r\nContent-Disposition: form-data\r\n\r\nfile\r\n--${B}--\r\n`), null, 400, /^form: a part has no name\.$/],
    ['a part without Content-Disposition', Buffer.from(`--${B}\r\nContent-Type: text/plain\r\n\r\nfile\r\n--${B}--\r\n`), null, 400, /^form: a part has no Content-Disposition\.$/],
    ['an attachment, not form-data', Buffer.from(`--${B}\r\nContent-Disposition: attachment; name="mode"\r\n\r\nfile\r\n--${B}--\r\n`), null, 400, /is not form-data/],
    ['base64 transfer encoding', Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="mode"\r\nContent-Transfer-Encoding: base64\r\n\r\nZmlsZQ==\r\n--${B}--\r\n`), null, 400, /Content-Transfer-Encoding/],
    ['nested multipart', multipart([['csrf', csrf], ['mode', 'file'], ['file', '--inner\r\n\r\nx\r\n--inner--', { filename: 'x.txt', type: 'multipart/mixed; boundary=inner' }]]), null, 400, /^form: a part is itself multipart/],
    ['two files', multipart([...ok, ['other', 'cus_fixture_clean\n', { filename: 'y.txt' }]]), null, 400, /^form: more than one file; send one file at a time\.$/],
    ['a field named like the file', multipart([...ok, ['file', 'again']]), null, 400, /^form: a field has the same name as the file\.$/],
    ['a line beginning with the boundary', Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="mode"\r\n\r\nfile\r\n--${B}X\r\n--${B}--\r\n`), null, 400, /^form: a line begins with the boundary but is not one\.$/],
    ['too many parts', multipart([...ok, ...Array.from({ length: 30 }, (_, i) => [`f${i}`, 'x'])]), null, 413, /^form: the body has too many parts\.$/],
  ];
  for (const [name, body, ct, status, re] of cases) {
    r = await postMultipart(Buffer.from(body), ct ? { contentType: ct } : {});
    assert.equal(r.status, status, `${name}: ${r.status} ${L.errorOf(r.text)?.message}`);
    const e = L.errorOf(r.text);
    assert.equal(e.code, status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_FORM', name);
    assert.match(e.message, re, name);
  }
  // over the body limit (4 MiB): refused before it is parsed
  r = await postMultipart(multipart([...ok.slice(0, 2), ['file', Buffer.alloc(5 * 1024 * 1024, 'a'), { filename: 'big.csv' }]]));
  assert.equal(r.status, 413);
  assert.deepEqual(counts(), before, 'nothing changed');
  // a boundary in quotes, other parameters, a preamble and an epilogue are fine
  const quoted = Buffer.concat([Buffer.from('a preamble\r\n'), multipart(ok, 'with space (ok)'), Buffer.from('an epilogue')]);
  r = await postMultipart(quoted, { contentType: 'multipart/form-data; charset=utf-8; boundary="with space (ok)"' });
  assert.equal(r.status, 200, L.errorOf(r.text)?.message);
  assert.equal(parsed(r).rows[0].customer, 'cus_fixture_clean');
  // a browser's path in the filename keeps only the name
  r = parsed(await postMultipart(multipart([['csrf', csrf], ['mode', 'file'], ['file', 'cus_fixture_clean\n', { filename: 'C:\\Users\\me\\ids.txt' }]])));
  assert.equal(r.status, 200);
  assert.equal(r.columnForm.file_name, 'ids.txt');
  assert.equal(r.apply.source, 'file ids.txt (column 1), 1 value');
});

test('CSRF and roles: a multipart preview without or with a wrong token is 403, a viewer is 403; nothing changes', async () => {
  const f = family();
  const before = counts();
  const file = ['file', `${f.a.pid}\n`, { filename: 'x.txt' }];
  let r = await postMultipart(multipart([['mode', 'file'], file]));
  assert.equal(r.status, 403);
  assert.equal(L.errorOf(r.text).code, 'CSRF_MISSING');
  const adminCsrf = await previewCsrf('admin');
  r = await postMultipart(multipart([['csrf', adminCsrf], ['mode', 'file'], file]), { user: 'operator' });
  assert.equal(r.status, 403, "another user's token");
  assert.equal(L.errorOf(r.text).code, 'CSRF_INVALID');
  r = await postMultipart(multipart([['csrf', adminCsrf.slice(0, -2)], ['mode', 'file'], file]));
  assert.equal(r.status, 403);
  r = await postMultipart(multipart([['csrf', adminCsrf], ['mode', 'file'], file]), { user: 'viewer' });
  assert.equal(r.status, 403);
  assert.equal(L.errorOf(r.text).code, 'FORBIDDEN');
  r = await postMultipart(multipart([['csrf', adminCsrf], ['mode', 'file'], file]), { user: null });
  assert.equal(r.status, 401);
  // the column form is a POST like the others
  const ok = await uploadOk(`${f.a.pid}\n`);
  r = await L.page('/bulk/preview', { form: { ...ok.columnForm, csrf: undefined, column: 1 } });
  assert.equal(r.status, 403);
  r = await L.page('/bulk/preview', { user: 'viewer', form: { ...ok.columnForm, column: 1 } });
  assert.equal(r.status, 403);
  assert.deepEqual(counts(), before);
  // an operator may
  const op = await uploadOk(`${f.a.pid}\n`, { user: 'operator' });
  assert.equal(op.rows[0].state, 'eligible');
});

test('multipart/form-data is 415 on every other form route; the bulk preview still takes urlencoded forms', async () => {
  const c = L.makeCustomer({ domain: `${L.uid()}.upload.invalid` });
  const csrf = 'not-looked-at-before-the-type'; // 415 comes before the token
  let r = await postMultipart(multipart([['csrf', csrf], ['reason', 'data_cleanup']]), { path: `/customers/${c.pid}/deactivate` });
  assert.equal(r.status, 415);
  assert.deepEqual(L.errorOf(r.text), { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Forms must be sent as application/x-www-form-urlencoded.' });
  assert.equal(L.statusOf(c.pid), 'active');
  r = await postMultipart(multipart([['csrf', csrf], ['note', 'x']]), { path: `/customers/${c.pid}/notes` });
  assert.equal(r.status, 415);
  r = await postMultipart(multipart([['select', c.pid], ['reason', 'data_cleanup']]), { path: '/bulk/apply' });
  assert.equal(r.status, 415);
  // the bulk preview: other types are still 415, naming both it takes
  r = await L.page('/bulk/preview', { body: 'mode=file', headers: { 'Content-Type': 'text/csv' } });
  assert.equal(r.status, 415);
  assert.equal(L.errorOf(r.text).message, 'Forms must be sent as application/x-www-form-urlencoded or multipart/form-data.');
  // and a file's text in an urlencoded form is read the same way
  const csrfP = await previewCsrf();
  r = parsed(await L.page('/bulk/preview', { form: { csrf: csrfP, mode: 'file', file: `email\n${c.email}\n`, file_name: 'typed.csv' } }));
  assert.equal(r.status, 200);
  assert.equal(byCustomer(r)[c.pid].state, 'eligible');
  assert.equal(sql(`SELECT status FROM customers WHERE id = ${c.id}`)[0][0], 'active');
});
