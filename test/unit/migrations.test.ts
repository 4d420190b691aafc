import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { readMigrations } from '../../infra/inventory/scan';
import {
  compareMigrationNames,
  describeDeleted,
  describeEdits,
  migrationNameProblems,
  migrationRequestSql,
  migrationStatus,
  orderMigrations,
} from '../../infra/plan/migrations';

const fingerprint = fc.record({
  name: fc.stringMatching(/^[0-9]{4}_[a-z]{1,8}\.sql$/),
  sha256: fc.stringMatching(/^[0-9a-f]{8}$/),
});
const files = fc
  .uniqueArray(fingerprint, { selector: (f) => f.name.slice(0, 4), maxLength: 12 })
  .map((list) => orderMigrations(list));

/** Well-formed names: unique numbers of any width ≥ 4 (leading zeros or not), any suffix. */
const wellFormedNames = fc
  .uniqueArray(fc.bigInt({ min: 0n, max: 10n ** 18n }), { minLength: 1, maxLength: 20 })
  .chain((numbers) =>
    fc.tuple(
      ...numbers.map((n) =>
        fc
          .tuple(fc.integer({ min: 4, max: 22 }), fc.stringMatching(/^[a-z0-9_.-]{1,12}$/))
          .map(([width, words]) => ({ number: n, name: `${n.toString().padStart(width, '0')}_${words}.sql` })),
      ),
    ),
  );

describe('migration order and names', () => {
  it('orders any set of well-formed names by their leading number, numerically', () => {
    const shuffledNames = wellFormedNames.chain((entries) =>
      fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }),
    );
    fc.assert(
      fc.property(shuffledNames, (shuffled) => {
        expect(migrationNameProblems(shuffled.map((e) => ({ name: e.name })))).toEqual([]);
        const ordered = orderMigrations(shuffled).map((e) => e.number);
        expect(ordered).toEqual(shuffled.map((e) => e.number).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      }),
    );
  });

  it('puts 10000_x.sql after 9000_y.sql (not in string order)', () => {
    expect(orderMigrations([{ name: '10000_x.sql' }, { name: '9000_y.sql' }]).map((f) => f.name)).toEqual([
      '9000_y.sql',
      '10000_x.sql',
    ]);
    expect(compareMigrationNames('0002_a.sql', '00010_b.sql')).toBeLessThan(0);
  });

  it('refuses two files with the same number, naming both', () => {
    const problems = migrationNameProblems([{ name: '0003_add_index.sql' }, { name: '003_other.sql' }]);
    expect(problems.join('\n')).toMatch(/003_other\.sql is not named like/);
    const same = migrationNameProblems([{ name: '0003_add_index.sql' }, { name: '00003_other.sql' }]);
    expect(same).toHaveLength(1);
    expect(same[0]).toContain('00003_other.sql and 0003_add_index.sql have the same number 3');
    expect(same[0]).toContain('next free number is 0004');
  });

  it('refuses names wrangler would skip, and leaves non-SQL files alone', () => {
    const problems = migrationNameProblems([
      { name: '.0004_hidden.sql' },
      { name: '0005_upper.SQL' },
      { name: '0006_drizzle', directory: true },
      { name: 'README.md' },
      { name: 'seed.sql' },
      { name: '0001_ok.sql' },
    ]);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^\.0004_hidden\.sql is a hidden file: wrangler skips dot files/);
    expect(problems[1]).toMatch(/^0005_upper\.SQL: wrangler matches \*\.sql case-sensitively/);
    expect(problems[2]).toMatch(/^0006_drizzle\/ is a folder/);
    expect(problems[3]).toMatch(/^seed\.sql is not named like/);
  });
});

describe('reading a migrations folder', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const folder = (names: string[]) => {
    dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    for (const name of names) writeFileSync(join(dir, name), `-- ${name}\nSELECT 1;\n`);
    return dir;
  };

  it('lists files in numeric order with their hash and SQL', () => {
    const found = readMigrations(folder(['10000_x.sql', '9000_y.sql', '0001_init.sql', 'notes.txt']));
    expect(found.map((f) => f.name)).toEqual(['0001_init.sql', '9000_y.sql', '10000_x.sql']);
    expect(found[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(found[0]?.sql).toBe('-- 0001_init.sql\nSELECT 1;\n');
  });

  it('stops the program before any resource, naming both files that share a number', () => {
    expect(() => readMigrations(folder(['0002_a.sql', '0002_b.sql']))).toThrow(
      /0002_a\.sql and 0002_b\.sql have the same number 2/,
    );
  });

  it('stops the program on a file wrangler would skip', () => {
    const d = folder(['0001_init.sql']);
    mkdirSync(join(d, '0002_nested'));
    writeFileSync(join(d, '0003_x.Sql'), 'SELECT 1;');
    expect(() => readMigrations(d)).toThrow(/0002_nested\/ is a folder[\s\S]*0003_x\.Sql: wrangler matches/);
  });
});

describe('migration status', () => {
  it('applies exactly the files d1_migrations lacks, in file order', () => {
    fc.assert(
      fc.property(files, fc.nat(), fc.nat(), (all, recordedCount, onDbCount) => {
        const recorded = all.slice(0, recordedCount % (all.length + 1));
        const onDatabase = all.slice(0, onDbCount % (all.length + 1));
        const status = migrationStatus(all, recorded, { names: onDatabase.map((f) => f.name), checksums: onDatabase });
        const names = new Set(onDatabase.map((f) => f.name));
        expect(status.pending).toEqual(all.filter((f) => !names.has(f.name)).map((f) => f.name));
        expect(status.missingFromDatabase).toEqual(recorded.filter((f) => !names.has(f.name)).map((f) => f.name));
        expect(status.edited).toEqual([]);
        expect(status.deleted).toEqual([]);
      }),
    );
  });

  it('falls back to the state when the database cannot be read', () => {
    fc.assert(
      fc.property(files, fc.nat(), (all, recordedCount) => {
        const recorded = all.slice(0, recordedCount % (all.length + 1));
        const status = migrationStatus(all, recorded, undefined);
        expect(status.pending).toEqual(all.slice(recorded.length).map((f) => f.name));
        expect(status.applied).toEqual(recorded);
        expect(status.backfill).toEqual([]);
      }),
    );
  });

  it("reports an edited applied file by the database's checksum, even with no state", () => {
    fc.assert(
      fc.property(
        files.filter((f) => f.length > 0),
        fc.nat(),
        (all, pick) => {
          const target = all[pick % all.length] as (typeof all)[number];
          const edited = all.map((f) => (f === target ? { ...f, sha256: `${f.sha256}ff` } : f));
          const status = migrationStatus(edited, [], { names: all.map((f) => f.name), checksums: all });
          expect(status.edited).toEqual([
            { name: target.name, appliedSha256: target.sha256, currentSha256: `${target.sha256}ff` },
          ]);
          expect(status.pending).toEqual([]);
        },
      ),
    );
  });

  it("uses the state's hash for a file the database has without a checksum, and backfills it", () => {
    const file = { name: '0001_init.sql', sha256: 'aaaa' };
    const status = migrationStatus([{ ...file, sha256: 'bbbb' }], [file], { names: [file.name], checksums: [] });
    expect(status.edited).toEqual([{ name: file.name, appliedSha256: 'aaaa', currentSha256: 'bbbb' }]);
    expect(status.backfill).toEqual([file]);
  });

  it('lists files applied by hand as unverified, and applied files no longer in the repo as deleted', () => {
    const status = migrationStatus([{ name: '0002_b.sql', sha256: 'b' }], [], {
      names: ['0001_a.sql', '0002_b.sql'],
      checksums: [],
    });
    expect(status.unverified).toEqual(['0001_a.sql', '0002_b.sql']);
    expect(status.deleted).toEqual(['0001_a.sql']);
    expect(status.pending).toEqual([]);
  });

  it('explains what to do about an edit and a deletion', () => {
    const message = describeEdits('createsomething-io', [
      { name: '0001_init.sql', appliedSha256: 'a'.repeat(64), currentSha256: 'b'.repeat(64) },
    ]);
    expect(message).toContain('createsomething-io');
    expect(message).toContain('0001_init.sql');
    expect(message).toMatch(/new migration file/);
    expect(describeDeleted('createsomething-io', ['0001_init.sql'])).toMatch(/0001_init\.sql[\s\S]*files are history/);
  });
});

describe('the request that applies a file', () => {
  it('closes a last statement that has no semicolon on its own line, after a trailing comment', () => {
    const sql = migrationRequestSql({ name: "0001_it's.sql", sha256: 'ab', sql: 'SELECT 1 -- no semicolon' }, false);
    expect(sql).toBe(
      "SELECT 1 -- no semicolon\n;\nINSERT INTO d1_migrations (name) VALUES ('0001_it''s.sql');\nINSERT OR REPLACE INTO d1_migrations_checksums (name, sha256) VALUES ('0001_it''s.sql', 'ab');",
    );
  });
});
