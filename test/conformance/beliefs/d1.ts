import { expect, it } from 'vitest';
import { type Created, existsUnless404, withCreated } from '../support/resources.ts';
import { failure, sdk, type Target, uniqueName } from '../support/target.ts';

/** A D1 database for one belief, deleted (and checked gone) after it. */
export async function createDatabase(t: Target, created: Created, what = 'db'): Promise<string> {
  const cf = sdk(t);
  const db = await cf.d1.database.create({ account_id: t.accountId, name: uniqueName(t, what) });
  const id = db.uuid as string;
  created.add(
    `D1 database ${db.name}`,
    () => cf.d1.database.delete(id, { account_id: t.accountId }),
    () => existsUnless404(() => cf.d1.database.get(id, { account_id: t.accountId })),
  );
  return id;
}

async function rows(t: Target, id: string, sql: string): Promise<Record<string, unknown>[]> {
  const page = await sdk(t).d1.database.query(id, { account_id: t.accountId, sql });
  return page.result.flatMap((r) => (r.results ?? []) as Record<string, unknown>[]);
}

/** D1 as infra/providers/d1-migrations.ts, infra/components/site-app.ts and scripts/cloudflare-lookup.ts use it. */
export function d1Beliefs(target: () => Target): void {
  it('B01 D1: a created database is found by get and by the list `name` filter, with its uuid and name', async () => {
    const t = target();
    await withCreated(async (created) => {
      const id = await createDatabase(t, created);
      const cf = sdk(t);
      const got = await cf.d1.database.get(id, { account_id: t.accountId });
      expect(got.uuid).toBe(id);
      const listed = await cf.d1.database.list({ account_id: t.accountId, name: got.name as string });
      expect(listed.result.filter((d) => d.name === got.name).map((d) => d.uuid)).toEqual([id]);
    });
  });

  it('B02 D1: a second database with a used name is refused with a 4xx (the name is the identity adopt relies on)', async () => {
    const t = target();
    await withCreated(async (created) => {
      const id = await createDatabase(t, created);
      const cf = sdk(t);
      const name = (await cf.d1.database.get(id, { account_id: t.accountId })).name as string;
      const refused = await failure(cf.d1.database.create({ account_id: t.accountId, name }));
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
      expect(refused.codes).toContain(7502);
    });
  });

  it('B03 D1: one /query with several statements answers one result per statement, in order', async () => {
    const t = target();
    await withCreated(async (created) => {
      const id = await createDatabase(t, created);
      const page = await sdk(t).d1.database.query(id, {
        account_id: t.accountId,
        sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('a; b'); SELECT body FROM notes;",
      });
      expect(page.result).toHaveLength(3);
      expect(page.result[2]?.results).toEqual([{ body: 'a; b' }]);
    });
  });

  it('B04 D1: a statement that fails undoes the whole /query request (a migration file and its record land together)', async () => {
    const t = target();
    await withCreated(async (created) => {
      const id = await createDatabase(t, created);
      await rows(t, id, 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
      const refused = await failure(
        sdk(t).d1.database.query(id, {
          account_id: t.accountId,
          sql: "INSERT INTO notes (body) VALUES ('kept?'); INSERT INTO notes (body) VALUES (NULL);",
        }),
      );
      expect(refused.status).toBe(400);
      expect(await rows(t, id, 'SELECT count(*) AS n FROM notes')).toEqual([{ n: 0 }]);
    });
  });

  it('B05 D1: BEGIN/COMMIT in a /query request is refused and nothing of the request runs', async () => {
    const t = target();
    await withCreated(async (created) => {
      const id = await createDatabase(t, created);
      await rows(t, id, 'CREATE TABLE notes (id INTEGER PRIMARY KEY)');
      const refused = await failure(
        sdk(t).d1.database.query(id, {
          account_id: t.accountId,
          sql: 'INSERT INTO notes DEFAULT VALUES; BEGIN TRANSACTION; INSERT INTO notes DEFAULT VALUES; COMMIT;',
        }),
      );
      expect(refused.status).toBe(400);
      expect(refused.codes).toContain(7500);
      expect(await rows(t, id, 'SELECT count(*) AS n FROM notes')).toEqual([{ n: 0 }]);
    });
  });

  it('B06 D1: a statement of 100,000 bytes runs, one over 100,000 bytes is refused (SQLITE_TOOBIG)', async () => {
    const t = target();
    await withCreated(async (created) => {
      const id = await createDatabase(t, created);
      await rows(t, id, 'CREATE TABLE blobs (body TEXT)');
      const statement = (bytes: number) => {
        const head = "INSERT INTO blobs (body) VALUES ('";
        const tail = "')";
        return `${head}${'x'.repeat(bytes - head.length - tail.length)}${tail}`;
      };
      expect(Buffer.byteLength(statement(100_000))).toBe(100_000);
      await rows(t, id, statement(100_000));
      const refused = await failure(sdk(t).d1.database.query(id, { account_id: t.accountId, sql: statement(100_001) }));
      expect(refused.status).toBe(400);
      expect(refused.codes).toContain(7500);
      expect(await rows(t, id, 'SELECT count(*) AS n FROM blobs')).toEqual([{ n: 1 }]);
    });
  });

  it('B07 D1: params bind to `?` in order; /raw answers columns and rows as arrays', async () => {
    const t = target();
    await withCreated(async (created) => {
      const id = await createDatabase(t, created);
      await rows(t, id, 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
      const cf = sdk(t);
      await cf.d1.database.query(id, {
        account_id: t.accountId,
        sql: 'INSERT INTO notes (id, body) VALUES (?, ?)',
        params: ['7', "it's"],
      });
      const raw = await cf.d1.database.raw(id, { account_id: t.accountId, sql: 'SELECT id, body FROM notes' });
      expect(raw.result[0]?.results).toEqual({ columns: ['id', 'body'], rows: [[7, "it's"]] });
    });
  });

  it('B08 D1: a Time Travel bookmark taken before a change restores the data; previous_bookmark undoes the restore', async () => {
    const t = target();
    await withCreated(async (created) => {
      const id = await createDatabase(t, created);
      const cf = sdk(t);
      await rows(t, id, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('before')");
      const before = await cf.d1.database.timeTravel.getBookmark(id, { account_id: t.accountId });
      expect(before.bookmark).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/);
      await rows(t, id, "DELETE FROM notes; INSERT INTO notes VALUES ('after')");
      const restored = await cf.d1.database.timeTravel.restore(id, {
        account_id: t.accountId,
        bookmark: before.bookmark as string,
      });
      expect(restored.bookmark).toBeTruthy();
      expect(restored.previous_bookmark).toBeTruthy();
      expect(await rows(t, id, 'SELECT body FROM notes')).toEqual([{ body: 'before' }]);
      await cf.d1.database.timeTravel.restore(id, {
        account_id: t.accountId,
        bookmark: restored.previous_bookmark as string,
      });
      expect(await rows(t, id, 'SELECT body FROM notes')).toEqual([{ body: 'after' }]);
    });
  });

  it('B09 D1: a database that does not exist answers 404 (what refresh reads as "deleted")', async () => {
    const t = target();
    const missing = await failure(
      sdk(t).d1.database.get('00000000-0000-4000-8000-000000000000', { account_id: t.accountId }),
    );
    expect(missing.status).toBe(404);
  });
}
