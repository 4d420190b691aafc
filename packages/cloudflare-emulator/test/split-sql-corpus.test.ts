import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { beforeAll, describe, expect, it } from 'vitest';
// Read-only: the program's splitter is what this test judges the emulator against, never what the emulator runs.
import { scanSql } from '../../../infra/plan/d1-sql.ts';
import { loadSqliteTokenizer, splitSqlStatements } from '../src/d1/split-sql.ts';
import { PACKAGE_DIR } from './helpers.ts';

/** SQL the two splitters must agree on: every case either one could get wrong. */
const CORPUS: Record<string, string> = {
  'plain statements': 'CREATE TABLE t (a, b);\nINSERT INTO t VALUES (1, 2);\nSELECT * FROM t',
  'CRLF line ends': "CREATE TABLE t (a, b);\r\nINSERT INTO t VALUES (1, 'x');\r\n\r\nSELECT a\r\nFROM t;\r\n",
  'a BOM before the first statement': '\uFEFFCREATE TABLE t (a, b);\nSELECT 1;',
  'semicolons in strings and quoted identifiers':
    "CREATE TABLE \"x;y\" (`a;b`, [c;d], e);\nINSERT INTO \"x;y\" VALUES ('it''s; fine', 'two;;', ';');\nSELECT `a;b` FROM \"x;y\";",
  'semicolons in comments':
    '-- a comment; with a semicolon\nCREATE TABLE t (a); /* block; comment */ SELECT 1 -- trailing;\n;',
  'comment-only pieces and empty statements': 'SELECT 1;;; -- nothing here;\n/* nor; here */;\nSELECT 2;',
  'a trigger with several statements':
    'CREATE TABLE t (a, b);\nCREATE TABLE log (msg);\nCREATE TRIGGER t_ins AFTER INSERT ON t BEGIN\n  INSERT INTO log VALUES (new.a);\n  UPDATE t SET b = 1 WHERE a = new.a;\nEND;\nSELECT 1;',
  'CASE … END inside a trigger':
    "CREATE TABLE t (a, b);\nCREATE TRIGGER t_case AFTER INSERT ON t BEGIN\n  UPDATE t SET b = CASE WHEN new.a > 1 THEN 'big; really' ELSE 'small' END WHERE a = new.a;\n  SELECT CASE new.a WHEN 1 THEN 1 END;\nEND;\nINSERT INTO t (a) VALUES (2);",
  'CASE … END outside a trigger': "CREATE TABLE t (a);\nSELECT CASE WHEN a = 1 THEN 'one;' ELSE 'other' END FROM t;",
  'a column named end': 'CREATE TABLE spans ("end", start);\nSELECT "end", start FROM spans;',
  'a temporary trigger with WHEN':
    "CREATE TABLE t (a);\nCREATE TEMP TRIGGER t_when BEFORE DELETE ON t FOR EACH ROW WHEN old.a = 'end' BEGIN\n  SELECT RAISE(ABORT, 'no; deletes');\nEND;\nSELECT 2;",
  'a trigger on a table named begin':
    'CREATE TABLE "begin" (a);\nCREATE TRIGGER b_ins AFTER INSERT ON "begin" BEGIN SELECT 1; END;\nSELECT 3;',
  'transaction control': 'BEGIN TRANSACTION;\nCREATE TABLE t (a);\nCOMMIT;\nSAVEPOINT s; RELEASE s;',
  'an unterminated string swallows the rest': "SELECT 1;\nSELECT 'never closed; SELECT 2;",
  'an unterminated block comment': 'SELECT 1;\nSELECT 2 /* never closed ;',
  'a last statement without a semicolon': 'CREATE TABLE t (a);\nSELECT count(*) FROM t',
  'multi-byte text': "CREATE TABLE t (a);\nINSERT INTO t VALUES ('héllo; wörld ✓');\nSELECT a FROM t;",
};

/** Each migration this repository ships is part of the corpus too. */
function migrationFiles(): Record<string, string> {
  const packages = join(PACKAGE_DIR, '..');
  const out: Record<string, string> = {};
  for (const pkg of readdirSync(packages)) {
    const dir = join(packages, pkg, 'migrations');
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.sql'));
    } catch {
      continue;
    }
    for (const f of files) out[`packages/${pkg}/migrations/${f}`] = readFileSync(join(dir, f), 'utf8');
  }
  return out;
}

/**
 * Where the program's splitter and SQLite disagree, each on purpose written down here, so a change on either side
 * shows: a BOM (to SQLite it is not whitespace, so no keyword starts the statement; the program reads it as part of
 * the word).
 */
const KNOWN_DIFFERENCES = ['a BOM before the first statement'];
CORPUS['explain before a trigger'] =
  'CREATE TABLE t (a);\nEXPLAIN CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END;';
CORPUS['explain query plan before a temporary trigger'] =
  'CREATE TABLE t (a);\nEXPLAIN QUERY PLAN CREATE TEMP TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END;';

const emulatorView = (sql: string) =>
  splitSqlStatements(sql).map((s) => ({ text: s.body, line: s.line, keyword: s.keyword }));
const programView = (sql: string) =>
  scanSql(sql).statements.map((s) => ({ text: s.text, line: s.line, keyword: s.keyword }));

/** node:sqlite's own parser: prepare the rest, run it (later statements may need its tables), continue after it. */
function preparedStatementTails(sql: string): string[] {
  const db = new DatabaseSync(':memory:');
  const out: string[] = [];
  let rest = sql;
  try {
    for (;;) {
      const trimmed = rest.replace(/^[\s;]+/, '');
      if (trimmed === '') return out;
      let statement: ReturnType<DatabaseSync['prepare']>;
      try {
        statement = db.prepare(trimmed);
      } catch (e) {
        if (/contains no statements/.test((e as Error).message)) return out; // only comments are left
        throw e;
      }
      const source = statement.sourceSQL;
      out.push(source.replace(/;$/, '').replace(/^[ \t\n\f\r]+|[ \t\n\f\r]+$/g, ''));
      statement.run();
      rest = trimmed.slice(source.length);
    }
  } finally {
    db.close();
  }
}

describe("the emulator's SQL splitting follows SQLite's rules", () => {
  beforeAll(() => loadSqliteTokenizer());

  const all = { ...CORPUS, ...migrationFiles() };

  it('reads the repository migrations as part of the corpus', () => {
    expect(Object.keys(all).filter((k) => k.startsWith('packages/')).length).toBeGreaterThan(0);
  });

  it.each(Object.keys(all).filter((k) => !KNOWN_DIFFERENCES.includes(k)))('agrees with the program on %s', (name) => {
    const sql = all[name] as string;
    expect(emulatorView(sql)).toEqual(programView(sql));
  });

  it.each(KNOWN_DIFFERENCES)('disagrees with the program, as written down, on %s', (name) => {
    const sql = CORPUS[name] as string;
    expect(emulatorView(sql)).not.toEqual(programView(sql));
  });

  it('splits EXPLAIN CREATE TRIGGER as SQLite parses it, and so does the program (it once cut inside the body)', () => {
    const sql = CORPUS['explain before a trigger'] as string;
    const expected = ['CREATE TABLE t (a)', 'EXPLAIN CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END'];
    expect(splitSqlStatements(sql).map((s) => s.body)).toEqual(expected);
    expect(programView(sql).map((s) => s.text)).toEqual(expected);
  });

  // A third judge: node:sqlite's prepared statement, whose tail is where SQLite's parser stopped. Only for SQL that
  // runs on an empty database (transaction control and unterminated input do not).
  const RUNNABLE = Object.keys(CORPUS).filter(
    (k) =>
      ![
        'transaction control',
        'an unterminated string swallows the rest',
        'an unterminated block comment',
        'a BOM before the first statement',
      ].includes(k),
  );
  it.each(RUNNABLE)("matches the prepared statements' tails on %s", (name) => {
    const sql = CORPUS[name] as string;
    const viaTails = preparedStatementTails(sql).map((t) => t.replace(/^(?:--[^\n]*\n|\/\*[\s\S]*?\*\/|[\s;])+/, ''));
    expect(splitSqlStatements(sql).map((s) => s.body)).toEqual(viaTails);
  });

  it('splits a 100 kB statement with 2,000 semicolons in its strings in seconds, not minutes (the scan is quadratic in semicolons per statement)', () => {
    const values = Array.from({ length: 2_000 }, (_, i) => `('${'x'.repeat(40)}; ${i}')`).join(', ');
    const sql = `CREATE TABLE t (a);\nINSERT INTO t VALUES ${values};\nSELECT 1;`;
    expect(Buffer.byteLength(sql)).toBeGreaterThan(90_000);
    const started = performance.now();
    const statements = splitSqlStatements(sql);
    const ms = performance.now() - started;
    console.log(`[split-sql] ${Buffer.byteLength(sql)} bytes, 2000 inner semicolons: ${ms.toFixed(0)} ms`);
    expect(statements.map((s) => s.keyword)).toEqual(['CREATE', 'INSERT', 'SELECT']);
    expect(ms).toBeLessThan(5_000);
  });
});
