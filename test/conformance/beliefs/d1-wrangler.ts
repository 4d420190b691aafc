import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { withCreated } from '../support/resources.ts';
import { expectSuccess, sdk, type Target, wrangler } from '../support/target.ts';
import { createDatabase } from './d1.ts';

/** A folder with a wrangler config binding the database and a migrations folder, removed afterwards. */
function project(databaseName: string, databaseId: string, migrations: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-wrangler-'));
  writeFileSync(
    join(dir, 'wrangler.json'),
    JSON.stringify({
      name: 'conformance',
      compatibility_date: '2025-01-01',
      d1_databases: [{ binding: 'DB', database_name: databaseName, database_id: databaseId }],
    }),
  );
  mkdirSync(join(dir, 'migrations'));
  for (const [file, sql] of Object.entries(migrations)) writeFileSync(join(dir, 'migrations', file), sql);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function rows(t: Target, id: string, sql: string): Promise<Record<string, unknown>[]> {
  const page = await sdk(t).d1.database.query(id, { account_id: t.accountId, sql });
  return page.result.flatMap((r) => (r.results ?? []) as Record<string, unknown>[]);
}

/** What the program shares with wrangler: its `d1_migrations` table (infra/providers/d1-migrations.ts). */
export function d1WranglerBeliefs(target: () => Target): void {
  it('B10 wrangler d1 migrations apply --remote records each file in d1_migrations (id, name, applied_at)', async () => {
    const t = target();
    await withCreated(async (created) => {
      const id = await createDatabase(t, created, 'migrations');
      const name = (await sdk(t).d1.database.get(id, { account_id: t.accountId })).name as string;
      const p = project(name, id, {
        '0001_first.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);',
        '0002_second.sql': "INSERT INTO notes (body) VALUES ('seeded');",
      });
      try {
        expectSuccess(await wrangler(t, ['d1', 'migrations', 'apply', name, '--remote'], p.dir));
        const recorded = await rows(t, id, 'SELECT id, name, applied_at FROM d1_migrations ORDER BY id');
        expect(recorded.map((r) => r.name)).toEqual(['0001_first.sql', '0002_second.sql']);
        expect(recorded.every((r) => typeof r.applied_at === 'string' && typeof r.id === 'number')).toBe(true);
        expect(await rows(t, id, 'SELECT body FROM notes')).toEqual([{ body: 'seeded' }]);
      } finally {
        p.remove();
      }
    });
  });

  it('B11 a row the program writes into d1_migrations makes wrangler treat that file as applied', async () => {
    const t = target();
    await withCreated(async (created) => {
      const id = await createDatabase(t, created, 'adopted');
      const name = (await sdk(t).d1.database.get(id, { account_id: t.accountId })).name as string;
      // The program's table definition, as infra/providers/d1-migrations.ts creates it before wrangler ever ran.
      await rows(
        t,
        id,
        `CREATE TABLE IF NOT EXISTS d1_migrations (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT UNIQUE,
          applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
        ); CREATE TABLE notes (id INTEGER PRIMARY KEY); INSERT INTO d1_migrations (name) VALUES ('0001_first.sql');`,
      );
      const p = project(name, id, {
        '0001_first.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY);',
        '0002_second.sql': 'ALTER TABLE notes ADD COLUMN body TEXT;',
      });
      try {
        const listed = expectSuccess(await wrangler(t, ['d1', 'migrations', 'list', name, '--remote'], p.dir));
        expect(listed).toContain('0002_second.sql');
        expect(listed).not.toContain('0001_first.sql');
        expectSuccess(await wrangler(t, ['d1', 'migrations', 'apply', name, '--remote'], p.dir));
        const names = await rows(t, id, 'SELECT name FROM d1_migrations ORDER BY id');
        expect(names.map((r) => r.name)).toEqual(['0001_first.sql', '0002_second.sql']);
      } finally {
        p.remove();
      }
    });
  });

  it('B12 wrangler d1 execute --remote --command runs SQL and --json prints its rows', async () => {
    const t = target();
    await withCreated(async (created) => {
      const id = await createDatabase(t, created, 'execute');
      const name = (await sdk(t).d1.database.get(id, { account_id: t.accountId })).name as string;
      const p = project(name, id, {});
      try {
        const out = expectSuccess(
          await wrangler(t, ['d1', 'execute', name, '--remote', '--json', '--command', "SELECT 'x;y' AS v"], p.dir),
        );
        const parsed = JSON.parse(out) as Array<{ results: unknown[] }>;
        expect(parsed[0]?.results).toEqual([{ v: 'x;y' }]);
      } finally {
        p.remove();
      }
    });
  });
}
