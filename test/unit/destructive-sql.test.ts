import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { destructiveFindings, destructiveProblems, destructiveReason } from '../../infra/plan/destructive-sql';
import { preflight } from '../../infra/provider/d1-migrations';

const found = (sql: string) => destructiveFindings(sql).map((f) => `${f.line} ${f.rule}`);

/** One migration file per rule, as a person would write it, with the line each finding must name. */
const FILES: Record<string, { sql: string; expected: string[] }> = {
  '0010_drop_legacy.sql': {
    sql: '-- the old table\nCREATE INDEX i ON a (x);\nDROP TABLE IF EXISTS legacy_posts;\n',
    expected: ['3 drop table'],
  },
  '0011_drop_column.sql': {
    sql: 'ALTER TABLE subscribers\n  DROP COLUMN phone;\nALTER TABLE t DROP x;',
    expected: ['1 drop column', '3 drop column'],
  },
  '0012_rename.sql': {
    sql: 'ALTER TABLE inquiries RENAME COLUMN mail TO email;\n\nALTER TABLE "posts" RENAME TO articles;',
    expected: ['1 rename', '3 rename'],
  },
  '0013_rebuild.sql': {
    sql: [
      'CREATE TABLE principles_new (id INTEGER PRIMARY KEY, title TEXT NOT NULL);',
      'INSERT INTO principles_new (id, title) SELECT id, title FROM principles;',
      'DROP TABLE principles;',
      'ALTER TABLE principles_new RENAME TO principles;',
    ].join('\n'),
    expected: ['3 table rebuild'],
  },
  '0014_wipe.sql': {
    sql: 'DELETE FROM inquiries;\nUPDATE OR IGNORE subscribers SET confirmed = 0;\nDELETE FROM x WHERE id IN (SELECT id FROM y);',
    expected: ['1 delete without where', '2 update without where'],
  },
  '0015_where_only_in_subquery.sql': {
    sql: 'UPDATE articles SET views = (SELECT count(*) FROM hits WHERE hits.article = articles.id);',
    expected: ['1 update without where'],
  },
  '0016_harmless.sql': {
    sql: [
      '-- DROP TABLE x; DELETE FROM y;',
      '/* ALTER TABLE t RENAME TO u; */',
      "INSERT INTO notes (body) VALUES ('DROP TABLE notes; DELETE FROM notes');",
      'CREATE TABLE "drop" (id INTEGER);',
      'DROP INDEX IF EXISTS idx_old;',
      'DELETE FROM sessions WHERE expires_at < unixepoch();',
      'CREATE TRIGGER trg AFTER INSERT ON notes BEGIN DELETE FROM cache; END;',
      'ALTER TABLE notes ADD COLUMN tags TEXT;',
    ].join('\n'),
    expected: [],
  },
};

describe('destructive migration rules, file by file', () => {
  for (const [name, { sql, expected }] of Object.entries(FILES)) {
    it(`${name}: ${expected.length ? expected.join(', ') : 'nothing destructive'}`, () => {
      expect(found(sql)).toEqual(expected);
    });
  }

  it('names the file, the line and the rule in each message, and the fix', () => {
    expect(destructiveProblems('0014_wipe.sql', FILES['0014_wipe.sql']?.sql ?? '')).toEqual([
      expect.stringMatching(
        /^0014_wipe\.sql line 1: delete without where: DELETE on inquiries without WHERE .*-- destructive: </,
      ),
      expect.stringMatching(/^0014_wipe\.sql line 2: update without where: UPDATE on subscribers /),
    ]);
  });

  it('lets a file through with "-- destructive: <reason>", and not with an empty reason', () => {
    const drop = 'DROP TABLE legacy_posts;';
    expect(destructiveProblems('0010.sql', `-- destructive: exported to R2 on 2026-05-01\n${drop}`)).toEqual([]);
    expect(destructiveReason(`--destructive:   moved to io\n${drop}`)).toBe('moved to io');
    const empty = destructiveProblems('0010.sql', `-- destructive:\n${drop}`);
    expect(empty).toEqual([expect.stringContaining('its "-- destructive:" line gives no reason')]);
    // The marker inside a string is not a comment line.
    expect(destructiveReason(`INSERT INTO t VALUES ('-- destructive: no');`)).toBeUndefined();
  });

  it('property: a top-level WHERE always clears a DELETE, and comments never count', () => {
    const ident = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/);
    fc.assert(
      fc.property(ident, ident, fc.boolean(), (table, column, where) => {
        const statement = `DELETE FROM ${table}${where ? ` WHERE ${column} = 1` : ''};`;
        expect(found(statement)).toEqual(where ? [] : ['1 delete without where']);
        expect(found(`-- ${statement}\n/* ${statement} */`)).toEqual([]);
      }),
    );
  });

  it('property: the reported line is the line the statement starts on, whatever comes before it', () => {
    fc.assert(
      fc.property(fc.nat(30), fc.constantFrom(...Object.keys(FILES).slice(0, 5)), (blank, name) => {
        const { sql, expected } = FILES[name] as { sql: string; expected: string[] };
        const shifted = found(`${'\n'.repeat(blank)}${sql}`);
        expect(shifted).toEqual(expected.map((e) => e.replace(/^\d+/, (n) => String(Number(n) + blank))));
      }),
    );
  });
});

describe('the migrations preflight on a protected stack', () => {
  const file = { name: '0010_drop_legacy.sql', sha256: 'a'.repeat(64), sql: 'DROP TABLE legacy_posts;' };

  it('refuses a pending destructive file without a reason, naming file, line and rule', () => {
    expect(preflight([file], undefined, { requireDestructiveReason: true })).toEqual([
      expect.stringMatching(/^0010_drop_legacy\.sql line 1: drop table: /),
    ]);
  });

  it('lets it through with a reason, on an unprotected stack, or once applied (no SQL any more)', () => {
    const reasoned = { ...file, sql: `-- destructive: replaced by posts in 0009\n${file.sql}` };
    expect(preflight([reasoned], undefined, { requireDestructiveReason: true })).toEqual([]);
    expect(preflight([file], undefined, { requireDestructiveReason: false })).toEqual([]);
    expect(
      preflight([{ name: file.name, sha256: file.sha256 }], undefined, { requireDestructiveReason: true }),
    ).toEqual([]);
  });
});
