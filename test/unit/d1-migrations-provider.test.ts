import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { orderMigrations } from '../../infra/plan/migrations';
import { sha256 } from '../../infra/plan/sha256';
import {
  createD1MigrationsProvider,
  type D1MigrationFileInput,
  type D1MigrationsInputs,
  type D1MigrationsOutputs,
} from '../../infra/provider/d1-migrations';
import { type FakeD1, type Fault, startFakeD1 } from './support/fake-d1';

const provider = createD1MigrationsProvider({ timeoutMs: 1_000 });
function method<K extends 'check' | 'diff' | 'update' | 'read'>(key: K): NonNullable<(typeof provider)[K]> {
  const m = provider[key];
  if (!m) throw new Error(`the provider has no ${key}`);
  return m.bind(provider) as NonNullable<(typeof provider)[K]>;
}
const check = method('check');
const diff = method('diff');
const update = method('update');
const read = method('read');

/** check's olds: the previous inputs, which these tests do not need. */
const NO_OLDS = {} as D1MigrationsInputs;
const file = (name: string, sql: string): D1MigrationFileInput => ({ name, sha256: sha256(sql), sql });
const INIT = file('0001_init.sql', 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n');
const SEED = file('0002_seed.sql', "INSERT INTO notes (body) VALUES ('first'), ('semi;colon');\n");
const INDEX = file('0003_index.sql', 'CREATE INDEX notes_body ON notes (body);\n');
const BROKEN = file('0003_index.sql', 'CREATE INDEX notes_missing ON notes (no_such_column);\n');

/** Whether this request is the one that applies `name` (it carries the file's d1_migrations row). */
const applying = (name: string) => (sql: string) => sql.includes(`INSERT INTO d1_migrations (name) VALUES ('${name}')`);

describe('the D1 migrations provider against a fake D1 endpoint', () => {
  let fake: FakeD1;
  let inputs: (files: D1MigrationFileInput[]) => D1MigrationsInputs;
  beforeEach(async () => {
    fake = await startFakeD1();
    inputs = (files) => ({
      accountId: fake.accountId,
      databaseId: fake.databaseId,
      databaseName: 'createsomething-test',
      apiToken: 'fake-d1-token-0123456789abcdefghijklmnopqrstuvwxyz',
      apiBaseUrl: fake.url,
      files,
    });
  });
  afterEach(() => fake.close());

  const create = async (files: D1MigrationFileInput[]) =>
    (await provider.create(inputs(files))).outs as D1MigrationsOutputs;
  const sentTimes = (name: string) => fake.queries.filter(applying(name)).length;
  const notes = () =>
    (fake.db.prepare('SELECT body FROM notes ORDER BY id').all() as { body: string }[]).map((r) => r.body);

  it('applies pending files in order, each in one request with its d1_migrations row and checksum', async () => {
    const outs = await create([INIT, SEED, INDEX]);
    expect(fake.migrations()).toEqual(['0001_init.sql', '0002_seed.sql', '0003_index.sql']);
    expect(fake.checksums()).toEqual({
      '0001_init.sql': INIT.sha256,
      '0002_seed.sql': SEED.sha256,
      '0003_index.sql': INDEX.sha256,
    });
    for (const f of [INIT, SEED, INDEX]) {
      const requests = fake.queries.filter(applying(f.name));
      expect(requests).toHaveLength(1);
      expect(requests[0]).toContain(f.sql?.trim());
      expect(requests[0]).toContain(`d1_migrations_checksums (name, sha256) VALUES ('${f.name}', '${f.sha256}')`);
    }
    expect(outs.appliedLastRun).toEqual(['0001_init.sql', '0002_seed.sql', '0003_index.sql']);
    expect(outs.applied).toEqual([INIT, SEED, INDEX].map(({ name, sha256 }) => ({ name, sha256 })));
    expect(outs.unverified).toEqual([]);
    expect(outs.bookmark).toBe('bookmark-0');
    // The state keeps names and hashes, not the SQL of applied files.
    expect(outs.files).toEqual([INIT, SEED, INDEX].map(({ name, sha256 }) => ({ name, sha256 })));
  });

  for (const fault of ['drop-after-commit', 'bad-gateway-after-commit', 'hang-after-commit'] as Fault[]) {
    it(`never re-sends a file whose answer was lost (${fault}): d1_migrations shows it landed, so the run goes on`, async () => {
      fake.failWhen(applying('0002_seed.sql'), fault);
      const outs = await create([INIT, SEED, INDEX]);
      expect(sentTimes('0002_seed.sql')).toBe(1);
      expect(notes()).toEqual(['first', 'semi;colon']);
      expect(fake.migrations()).toEqual(['0001_init.sql', '0002_seed.sql', '0003_index.sql']);
      expect(outs.appliedLastRun).toEqual(['0001_init.sql', '0002_seed.sql', '0003_index.sql']);
    });
  }

  it('reports exactly what is on the database when the file did not land', async () => {
    const first = await create([INIT]);
    fake.failWhen(applying('0002_seed.sql'), 'bad-gateway-before-commit');
    const run = update('id', first, inputs([INIT, SEED, INDEX]));
    const message = await run.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    expect(message.split('\n')).toEqual([
      'D1 migration 0002_seed.sql failed on createsomething-test: HTTP 502: 502 <html><body><h1>502 Bad Gateway</h1></body></html> (no answer: the request may have been applied)',
      'Read back from d1_migrations just now:',
      '  applied before this run: 0001_init.sql',
      '  applied in this run: none',
      '  0002_seed.sql: not on the database (nothing of it was applied)',
      'Not attempted: 0003_index.sql. The deployment that depends on these migrations was not started.',
      'To undo everything this run applied: wrangler d1 time-travel restore createsomething-test --bookmark=bookmark-2',
    ]);
    expect(sentTimes('0002_seed.sql')).toBe(1);
    expect(fake.migrations()).toEqual(['0001_init.sql']);
  });

  it('counts a lost answer that landed as applied in the report of a later failure', async () => {
    fake.failWhen(applying('0002_seed.sql'), 'bad-gateway-after-commit');
    const message = await create([INIT, SEED, BROKEN]).then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    const lines = message.split('\n');
    expect(lines[0]).toMatch(
      /^D1 migration 0003_index\.sql failed on createsomething-test: HTTP 400: no such column: no_such_column.*SQLITE_ERROR \(code 7500\)$/,
    );
    expect(lines.slice(1, 5)).toEqual([
      'Read back from d1_migrations just now:',
      '  applied before this run: none',
      '  applied in this run: 0001_init.sql, 0002_seed.sql',
      '  0003_index.sql: not on the database (nothing of it was applied)',
    ]);
    expect(lines[5]).toBe('Not attempted: none. The deployment that depends on these migrations was not started.');
    expect(sentTimes('0002_seed.sql')).toBe(1);
    expect(fake.migrations()).toEqual(['0001_init.sql', '0002_seed.sql']);
  });

  it('says so when d1_migrations cannot be read back either, and the next run applies only what is missing', async () => {
    let armed = false;
    fake.failWhen((sql) => {
      if (!applying('0002_seed.sql')(sql)) return false;
      armed = true;
      return true;
    }, 'drop-after-commit');
    fake.failWhen((sql) => armed && sql.includes('sqlite_master'), 'drop-before-commit', 3);
    const message = await create([INIT, SEED, INDEX]).then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    const lines = message.split('\n');
    expect(lines[0]).toMatch(
      /^D1 migration 0002_seed\.sql failed on createsomething-test: .*\(no answer: the request may have been applied\)$/,
    );
    expect(lines[1]).toMatch(
      /^Reading d1_migrations back failed too \(.+\), so whether 0002_seed\.sql landed is unknown\.$/,
    );
    expect(lines.slice(2, 5)).toEqual([
      '  applied before this run: none',
      '  applied in this run (D1 answered): 0001_init.sql',
      'Check with: wrangler d1 migrations list createsomething-test --remote. Running pulumi up again is safe: it reads d1_migrations first and applies only what is missing.',
    ]);
    // It had landed: the next run (no state: the failed create recorded nothing) applies 0003 only.
    const outs = await create([INIT, SEED, INDEX]);
    expect(outs.appliedLastRun).toEqual(['0003_index.sql']);
    expect(sentTimes('0002_seed.sql')).toBe(1);
  });

  it('retries read-only queries', async () => {
    fake.failWhen((sql) => sql.includes('sqlite_master'), 'bad-gateway-before-commit');
    const outs = await create([INIT]);
    expect(outs.appliedLastRun).toEqual(['0001_init.sql']);
    expect(fake.queries.filter((q) => q.includes('sqlite_master'))).toHaveLength(2);
  });

  it('catches an edited applied file from the database alone: a lost state file, another stack', async () => {
    await create([INIT, SEED]);
    const edited = file('0001_init.sql', `${INIT.sql}-- edited after it was applied\n`);
    const checked = await check(NO_OLDS, inputs([edited, SEED]));
    expect(checked.failures?.map((f) => f.reason).join('\n')).toMatch(
      /were edited since:\n {2}0001_init\.sql: applied with sha256/,
    );
    await expect(create([edited, SEED])).rejects.toThrow(/were edited since:\n {2}0001_init\.sql/);
  });

  it('catches an edited applied file after a partly failed run', async () => {
    const failed = await create([INIT, SEED, BROKEN]).then(
      () => 'resolved',
      () => 'failed',
    );
    expect(failed).toBe('failed');
    const edited = file('0001_init.sql', 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n');
    // The failed create left no state: olds carry nothing applied.
    const olds = { ...inputs([INIT]), applied: [], bookmark: '' } as unknown as D1MigrationsOutputs;
    await expect(diff('id', olds, inputs([edited, SEED, INDEX]))).rejects.toThrow(/0001_init\.sql: applied with/);
    await expect(update('id', olds, inputs([edited, SEED, INDEX]))).rejects.toThrow(/were edited since/);
  });

  it('keeps the SQL of pending files only, so the state does not grow with every migration', async () => {
    await create([INIT]);
    const checked = await check(NO_OLDS, inputs([INIT, SEED]));
    expect(checked.failures).toEqual([]);
    expect(checked.inputs?.files).toEqual([{ name: INIT.name, sha256: INIT.sha256 }, SEED]);
  });

  it('refuses transaction control in preview (check), naming file, line and rule, and sends nothing for it', async () => {
    const tx = file(
      '0002_tx.sql',
      "-- BEGIN; in a comment is fine\nBEGIN;\nINSERT INTO notes (body) VALUES ('x');\nCOMMIT;\n",
    );
    const checked = await check(NO_OLDS, inputs([INIT, tx]));
    const reason = checked.failures?.map((f) => f.reason).join('\n') ?? '';
    expect(reason).toContain('0002_tx.sql line 2: transaction control: BEGIN is refused by D1');
    expect(reason).toContain('0002_tx.sql line 4: transaction control: COMMIT is refused by D1');
    await expect(create([INIT, tx])).rejects.toThrow(/nothing was applied:\n {2}0002_tx\.sql line 2/);
    expect(fake.queries.some((q) => q.includes('INSERT INTO d1_migrations'))).toBe(false);
    expect(fake.migrations()).toEqual([]);
  });

  it('records files applied by hand as unverified, applies only the rest', async () => {
    // What `wrangler d1 migrations apply --remote` leaves: the file's effect and a d1_migrations row, no checksum.
    fake.db.exec(
      `CREATE TABLE d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
       ${INIT.sql} INSERT INTO d1_migrations (name) VALUES ('0001_init.sql');`,
    );
    const outs = await create([INIT, SEED]);
    expect(outs.appliedLastRun).toEqual(['0002_seed.sql']);
    expect(outs.unverified).toEqual(['0001_init.sql']);
    expect(outs.notes).toEqual([expect.stringMatching(/^0001_init\.sql is in d1_migrations without a checksum/)]);
    expect(fake.checksums()).toEqual({ '0002_seed.sql': SEED.sha256 });
  });

  it('refresh records files applied by hand and reports state entries the database lacks as drift', async () => {
    const outs = await create([INIT, SEED]);
    fake.db.exec(
      `${INDEX.sql} INSERT INTO d1_migrations (name) VALUES ('0003_index.sql');
       DELETE FROM d1_migrations WHERE name = '0002_seed.sql'; DELETE FROM d1_migrations_checksums WHERE name = '0002_seed.sql';`,
    );
    const refreshed = (await read('id', outs)).props as D1MigrationsOutputs;
    expect(refreshed.applied).toEqual([{ name: INIT.name, sha256: INIT.sha256 }]);
    expect(refreshed.unverified).toEqual(['0003_index.sql']);
    expect(refreshed.missingFromDatabase).toEqual(['0002_seed.sql']);
    expect(refreshed.notes).toEqual([
      expect.stringMatching(/^0003_index\.sql is in d1_migrations without a checksum: .*content is unknown/),
      expect.stringMatching(/^0002_seed\.sql was recorded as applied but is not in d1_migrations/),
    ]);
    // Preview: the hand-applied file is not pending, the missing one is.
    expect(await diff('id', refreshed, inputs([INIT, SEED, INDEX]))).toEqual({ changes: true });
    const again = await update('id', refreshed, inputs([INIT, SEED, INDEX]));
    expect(again.outs?.appliedLastRun).toEqual(['0002_seed.sql']);
    expect(await diff('id', again.outs as D1MigrationsOutputs, inputs([INIT, SEED, INDEX]))).toEqual({
      changes: false,
    });
  });

  it('fails preview when an applied migration file is deleted (files are history)', async () => {
    const outs = await create([INIT, SEED]);
    const checked = await check(NO_OLDS, inputs([INIT]));
    expect(checked.failures?.map((f) => f.reason).join('\n')).toMatch(
      /no longer in the migrations folder:\n {2}0002_seed\.sql/,
    );
    await expect(diff('id', outs, inputs([INIT]))).rejects.toThrow(/files are history/);
  });

  it("writes the state's checksums into the database for files applied before it kept them", async () => {
    fake.db.exec(
      `CREATE TABLE d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
       ${INIT.sql} INSERT INTO d1_migrations (name) VALUES ('0001_init.sql');`,
    );
    const olds = {
      ...inputs([INIT]),
      applied: [{ name: INIT.name, sha256: INIT.sha256 }],
      appliedLastRun: ['0001_init.sql'],
      bookmark: 'bookmark-old',
    } as D1MigrationsOutputs;
    expect(await diff('id', olds, inputs([INIT]))).toEqual({ changes: true });
    const outs = (await update('id', olds, inputs([INIT]))).outs as D1MigrationsOutputs;
    expect(outs.appliedLastRun).toEqual([]);
    expect(outs.bookmark).toBe('bookmark-old');
    expect(fake.checksums()).toEqual({ '0001_init.sql': INIT.sha256 });
    expect(await diff('id', outs, inputs([INIT]))).toEqual({ changes: false });
  });

  it('skips the database in preview while it does not exist yet (its id is unknown)', async () => {
    const unknown = { ...inputs([INIT]), databaseId: '04da6b54-80e4-46f7-96ec-b56ff0331ba9' };
    const checked = await check(NO_OLDS, unknown);
    expect(checked.failures).toEqual([]);
    expect(checked.inputs?.files).toEqual([INIT]);
    expect(fake.queries).toEqual([]);
  });
});

describe('applying any set of well-formed names', () => {
  it('applies them in numeric order', async () => {
    const names = fc
      .uniqueArray(fc.integer({ min: 0, max: 10 ** 7 }), { minLength: 1, maxLength: 8 })
      .chain((numbers) =>
        fc.shuffledSubarray(
          numbers.map((n, k) => `${String(n).padStart(4 + (k % 3), '0')}_m${k}.sql`),
          { minLength: numbers.length, maxLength: numbers.length },
        ),
      );
    await fc.assert(
      fc.asyncProperty(names, async (shuffled) => {
        const fake = await startFakeD1();
        try {
          const files = shuffled.map((name) => file(name, `CREATE TABLE t_${name.replace(/\W/g, '_')} (id INTEGER);`));
          await provider.create({
            accountId: fake.accountId,
            databaseId: fake.databaseId,
            databaseName: 'createsomething-order',
            apiToken: 'fake-d1-token-0123456789abcdefghijklmnopqrstuvwxyz',
            apiBaseUrl: fake.url,
            files,
          });
          const expected = orderMigrations(shuffled.map((name) => ({ name }))).map((f) => f.name);
          expect(fake.migrations()).toEqual(expected);
          expect(expected.map((n) => Number.parseInt(n, 10))).toEqual(
            shuffled.map((n) => Number.parseInt(n, 10)).sort((a, b) => a - b),
          );
        } finally {
          await fake.close();
        }
      }),
      { numRuns: 15 },
    );
  });
});
