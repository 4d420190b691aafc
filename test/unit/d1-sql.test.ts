import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D1_LIMITS, d1SqlProblems, scanSql, utf8Bytes } from '../../infra/plan/d1-sql';
import { preflight } from '../../infra/provider/d1-migrations';

const problems = (sql: string) => d1SqlProblems(scanSql(sql)).map((p) => `${p.line} ${p.rule}`);

describe("D1's rules, before anything runs", () => {
  it('refuses every form of explicit transaction control, by line', () => {
    const sql = [
      'BEGIN TRANSACTION;',
      'CREATE TABLE t (id INTEGER);',
      '-- a comment first',
      'COMMIT;',
      'SAVEPOINT s; RELEASE s;',
      'ROLLBACK TO SAVEPOINT s;',
      '/* block */ END TRANSACTION;',
      'begin immediate;',
    ].join('\n');
    expect(problems(sql)).toEqual([
      '1 transaction control',
      '4 transaction control',
      '5 transaction control',
      '5 transaction control',
      '6 transaction control',
      '7 transaction control',
      '8 transaction control',
    ]);
  });

  it('ignores transaction words in comments, strings, identifiers, trigger bodies and conflict clauses', () => {
    const sql = `-- BEGIN; COMMIT;
/* ROLLBACK; SAVEPOINT x; */
INSERT INTO notes (body) VALUES ('BEGIN; COMMIT;'), ("it's"), ('a ''quoted'' END;');
CREATE TABLE "begin" ([commit] TEXT, \`end\` TEXT, begin_at TEXT);
CREATE TABLE u (id INTEGER PRIMARY KEY ON CONFLICT ROLLBACK);
CREATE TRIGGER trg AFTER INSERT ON notes BEGIN
  UPDATE notes SET body = CASE WHEN new.body = 'x' THEN 'y' ELSE body END WHERE id = new.id;
  UPDATE notes SET "end" = 1; SELECT RAISE(ROLLBACK, 'no');
END;
CREATE TEMP TRIGGER t2 BEFORE DELETE ON notes BEGIN DELETE FROM u; END;`;
    const scan = scanSql(sql);
    expect(d1SqlProblems(scan)).toEqual([]);
    expect(scan.statements.map((s) => [s.line, s.keyword])).toEqual([
      [3, 'INSERT'],
      [4, 'CREATE'],
      [5, 'CREATE'],
      [6, 'CREATE'],
      [10, 'CREATE'],
    ]);
    expect(scan.statements[3]?.endLine).toBe(9);
    expect(scan.terminated).toBe(true);
  });

  it('never splits inside a string literal or comment, whatever it holds', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 40 });
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 8 }), (parts) => {
        const sql = parts
          .map(([a, b]) => `INSERT INTO t VALUES ('${a.replaceAll("'", "''")}'); /* ${b.replaceAll('*/', '')} */`)
          .join('\n');
        const scan = scanSql(sql);
        expect(scan.statements).toHaveLength(parts.length);
        expect(scan.statements.every((s) => s.keyword === 'INSERT')).toBe(true);
        expect(d1SqlProblems(scan)).toEqual([]);
      }),
    );
  });

  it("refuses a statement longer than D1's maximum SQL statement length, counting bytes", () => {
    const insert = (n: number) => `INSERT INTO t VALUES ('${'x'.repeat(n)}')`;
    const fits = insert(D1_LIMITS.maxStatementBytes - insert(0).length);
    expect(utf8Bytes(fits)).toBe(100_000);
    expect(problems(`${fits};`)).toEqual([]);
    expect(problems(`SELECT 1;\n${insert(D1_LIMITS.maxStatementBytes - insert(0).length + 1)};`)).toEqual([
      '2 statement too long',
    ]);
    // 50,000 two-byte characters are 100,000 bytes of text: with the INSERT around them, too long.
    expect(problems(`${insert(0).slice(0, -2)}${'é'.repeat(50_000)}');`)).toEqual(['1 statement too long']);
  });

  it('refuses a string or block comment that never closes (it would swallow the migration record)', () => {
    expect(problems("SELECT 1;\nINSERT INTO t VALUES ('oops);")).toEqual(['2 unterminated']);
    expect(problems('SELECT 1;\n/* trailing')).toEqual(['2 unterminated']);
  });

  it('counts UTF-8 bytes as Buffer does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(utf8Bytes(s)).toBe(Buffer.byteLength(s, 'utf8'));
      }),
    );
  });
});

describe('the preflight of migration files', () => {
  const file = (name: string, sql: string) => ({ name, sha256: 'f'.repeat(64), sql });

  it('names the file, the line and the rule', () => {
    expect(preflight([file('0002_tx.sql', 'CREATE TABLE a (id INTEGER);\n\nBEGIN;\n')])).toEqual([
      expect.stringMatching(/^0002_tx\.sql line 3: transaction control: BEGIN is refused by D1/),
    ]);
  });

  it('leaves alone files whose SQL is no longer carried (already applied)', () => {
    expect(preflight([{ name: '0001_old.sql', sha256: 'a' }])).toEqual([]);
  });

  it('says how to split a file whose request would not fit, by line ranges and numbered files', () => {
    const rows = Array.from({ length: 9 }, (_, k) => `INSERT INTO seed VALUES (${k}, '${'x'.repeat(80)}');`);
    const limits = { maxStatementBytes: 100_000, maxRequestBytes: 600 };
    const [message, ...rest] = preflight([file('0007_seed.sql', rows.join('\n'))], limits);
    expect(rest).toEqual([]);
    expect(message).toMatch(/^0007_seed\.sql: request size: applying it takes one request of [0-9,]+ bytes/);
    expect(message).toContain('more than D1 accepts in one request (600 bytes)');
    expect(message).toContain(
      'Split it into 3 numbered files applied in order: 0007_seed.sql (lines 1–3), 0008_seed_part2.sql (lines 4–6), 0009_seed_part3.sql (lines 7–9)',
    );
  });

  it("uses D1's real request limit: a 100 MB seed of small statements is refused, with a split", () => {
    const row = `INSERT INTO seed VALUES ('${'y'.repeat(99_000)}');\n`;
    const sql = row.repeat(Math.ceil(D1_LIMITS.maxRequestBytes / row.length) + 1);
    const [message, ...rest] = preflight([file('0010_big_seed.sql', sql)]);
    expect(rest).toEqual([]);
    expect(message).toContain('more than D1 accepts in one request (100,000,000 bytes)');
    expect(message).toMatch(
      /Split it into 2 numbered files applied in order: 0010_big_seed\.sql \(lines 1–\d+\), 0011_big_seed_part2\.sql/,
    );
  });

  it('refuses two files with the same number, naming both', () => {
    expect(preflight([file('0003_a.sql', 'SELECT 1;'), file('0003_b.sql', 'SELECT 2;')])).toEqual([
      expect.stringContaining('0003_a.sql and 0003_b.sql have the same number 3'),
    ]);
  });
});
