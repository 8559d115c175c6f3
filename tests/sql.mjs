/**
 * SQL for the test suites (HTTP and browser): runs statements as root in
 * the custodian database of the stack under test (DB_SOCK), to arrange
 * fixtures and to check what a request changed.
 */
import { execFileSync } from 'node:child_process';

function dbSock() {
  const v = process.env.DB_SOCK;
  if (!v) throw new Error('DB_SOCK is not set (run the tests through scripts/check)');
  return v;
}

function unescapeBatch(v) {
  if (v === 'NULL') return null;
  return v.replace(/\\(.)/g, (_, c) => ({ n: '\n', t: '\t', 0: '\0', '\\': '\\' })[c] ?? c);
}

/** Rows of the mariadb client's batch output, as arrays of strings (NULL -> null). */
export function parseBatch(out) {
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t').map(unescapeBatch));
}

/** Runs SQL as root in the custodian database; rows as arrays of strings (NULL -> null). */
export function sql(query) {
  const out = execFileSync(
    'mariadb',
    ['--no-defaults', '--default-character-set=utf8mb4', '-S', dbSock(), '-u', 'root', 'custodian', '-N', '-B', '-e', query],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  return parseBatch(out);
}

/** The single value of a one-row, one-column query. */
export function sqlValue(query) {
  const rows = sql(query);
  if (rows.length !== 1 || rows[0].length !== 1) throw new Error(`expected one value from: ${query}`);
  return rows[0][0];
}

/** A SQL string literal (values in the tests are test-controlled; this is belt and braces). */
export function lit(v) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error('bad number');
    return String(v);
  }
  return "'" + String(v).replace(/\\/g, '\\\\').replace(/\0/g, '\\0').replace(/'/g, "\\'") + "'";
}
