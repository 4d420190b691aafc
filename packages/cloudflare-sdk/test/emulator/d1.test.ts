import { beforeAll, describe, expect, it } from 'vitest';
import { type CloudflareClient, DEFAULT_MAX_RETRIES } from '../../src/index.js';
import { HOOK_TIMEOUT_MS, useEmulator } from './support/emulator.js';

// One emulator for the file; tests run in order, and the last block re-reads after a restart what the earlier
// ones wrote.
const harness = useEmulator('d1');
const NAME = 'sdk-conformance-db';
const OTHER = 'sdk-conformance-other-db';

interface Experiment {
  id: number;
  slug: string;
  views: number;
  featured: number;
  note: string | null;
}

const SCHEMA = `
  CREATE TABLE experiments (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, views INTEGER NOT NULL,
    featured INTEGER NOT NULL DEFAULT 0, note TEXT);
  INSERT INTO experiments (slug, views, featured, note) VALUES ('hello', 12, 1, 'first');
  INSERT INTO experiments (slug, views, featured, note) VALUES ('motion', 3, 0, NULL);
  SELECT count(*) AS n FROM experiments
`;

describe('cf.d1 against the emulator', () => {
  let cf: CloudflareClient;
  let uuid: string;
  let otherUuid: string;

  beforeAll(async () => {
    cf = harness().client();
    const official = harness().official();
    uuid = (await official.d1.database.create({ account_id: cf.accountId, name: NAME })).uuid as string;
    otherUuid = (await official.d1.database.create({ account_id: cf.accountId, name: OTHER })).uuid as string;
  }, HOOK_TIMEOUT_MS);

  it('listDatabases returns the databases created with the official SDK', async () => {
    const all = await cf.d1.listDatabases();
    expect(all.map((d) => [d.name, d.uuid]).sort()).toEqual(
      [
        [NAME, uuid],
        [OTHER, otherUuid],
      ].sort(),
    );
  });

  it('resolves a database by name and by uuid', async () => {
    expect(await cf.d1.resolve(NAME)).toMatchObject({ uuid, name: NAME });
    expect(await cf.d1.resolve(otherUuid)).toMatchObject({ uuid: otherUuid, name: OTHER });
  });

  it('exec runs several statements and returns each one’s rows and meta', async () => {
    const [create, first, second, count, ...rest] = await cf.d1.exec<{ n: number }>(NAME, SCHEMA);
    expect(rest).toEqual([]);
    expect(create?.rows).toEqual([]);
    expect(first?.meta).toMatchObject({ changes: 1, last_row_id: 1, changed_db: true });
    expect(second?.meta).toMatchObject({ changes: 1, last_row_id: 2 });
    expect(count?.rows).toEqual([{ n: 2 }]);
  });

  it('query binds params of every type; numbers compare as numbers', async () => {
    // A number sent as the string "10" would compare as text in SQLite, and 3 > '10' is false.
    const rows = await cf.d1.query<Experiment>(NAME, 'SELECT * FROM experiments WHERE views > ? ORDER BY id', [2]);
    expect(rows.map((r) => r.slug)).toEqual(['hello', 'motion']);
    await cf.d1.query(NAME, 'INSERT INTO experiments (slug, views, featured, note) VALUES (?, ?, ?, ?)', [
      'params',
      100,
      true,
      null,
    ]);
    expect(await cf.d1.query<Experiment>(NAME, 'SELECT * FROM experiments WHERE slug = ?', ['params'])).toEqual([
      { id: 3, slug: 'params', views: 100, featured: 1, note: null },
    ]);
  });

  it('query by uuid reads the same database as by name', async () => {
    const byName = await cf.d1.query(NAME, 'SELECT slug FROM experiments ORDER BY id');
    expect(await cf.d1.query(uuid, 'SELECT slug FROM experiments ORDER BY id')).toEqual(byName);
    expect(byName).toHaveLength(3);
  });

  it('query returns the rows of the last statement', async () => {
    const rows = await cf.d1.query<{ slug: string }>(
      NAME,
      "UPDATE experiments SET views = views + 1 WHERE slug = 'motion'; SELECT slug, views FROM experiments WHERE slug = 'motion'",
    );
    expect(rows).toEqual([{ slug: 'motion', views: 4 }]);
  });

  it('first returns the first row, or null when there is none', async () => {
    expect(
      await cf.d1.first<{ slug: string }>(
        NAME,
        'SELECT slug FROM experiments WHERE views >= ? ORDER BY views DESC',
        [4],
      ),
    ).toEqual({ slug: 'params' });
    expect(await cf.d1.first(NAME, 'SELECT slug FROM experiments WHERE slug = ?', ['nope'])).toBeNull();
  });

  it('each database is its own: the other one has no such table', async () => {
    expect(
      await cf.d1.query(OTHER, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", ['experiments']),
    ).toEqual([]);
  });

  describe('after the emulator restarts on the same data dir', () => {
    beforeAll(() => harness().restart(), HOOK_TIMEOUT_MS);

    it('a client with the default retries reads right away', async () => {
      // See kv.test.ts: the first request may meet a keep-alive socket the old server closed.
      const retrying = harness().client({ maxRetries: DEFAULT_MAX_RETRIES });
      expect(await retrying.d1.first(NAME, 'SELECT count(*) AS n FROM experiments')).toEqual({ n: 3 });
    });

    it('the same client and a fresh one read everything written before', async () => {
      for (const client of [cf, harness().client()]) {
        expect(await client.d1.resolve(NAME)).toMatchObject({ uuid, name: NAME });
        expect(await client.d1.resolve(uuid)).toMatchObject({ uuid, name: NAME });
        expect((await client.d1.listDatabases()).map((d) => d.name).sort()).toEqual([NAME, OTHER]);
        expect(await client.d1.query<Experiment>(uuid, 'SELECT * FROM experiments ORDER BY id')).toEqual([
          { id: 1, slug: 'hello', views: 12, featured: 1, note: 'first' },
          { id: 2, slug: 'motion', views: 4, featured: 0, note: null },
          { id: 3, slug: 'params', views: 100, featured: 1, note: null },
        ]);
      }
    });

    it('writes still work', async () => {
      const [insert] = await cf.d1.exec(NAME, "INSERT INTO experiments (slug, views) VALUES ('after', 0)");
      expect(insert?.meta).toMatchObject({ changes: 1, last_row_id: 4 });
    });
  });
});
