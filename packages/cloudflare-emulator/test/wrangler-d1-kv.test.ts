import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, api, expectOk, type Harness, startHarness, tempDir, wrangler } from './helpers.ts';

describe('wrangler d1 and kv against the emulator', () => {
  let h: Harness;
  let cwd: string;
  let dbId: string;
  let nsId: string;

  beforeAll(async () => {
    h = await startHarness('wrangler-d1-kv');
    cwd = tempDir('wrangler-d1-kv-cwd');
  });
  afterAll(async () => {
    expect(h.emu.unknownRoutes).toEqual([]);
    await h.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('d1 create makes a database the API lists', async () => {
    const out = expectOk(await wrangler(h.emu, cwd, ['d1', 'create', 'conformance-db']));
    expect(out).toContain("Successfully created DB 'conformance-db'");
    const list = await api<Array<{ uuid: string; name: string }>>(
      h.emu,
      'GET',
      `${account(h.emu)}/d1/database?name=conformance-db`,
    );
    expect(list.body.result).toHaveLength(1);
    dbId = (list.body.result[0] as { uuid: string }).uuid;
    expect(out).toContain(dbId);
    writeFileSync(
      join(cwd, 'wrangler.json'),
      JSON.stringify({
        name: 'conformance',
        compatibility_date: '2025-01-01',
        d1_databases: [{ binding: 'DB', database_name: 'conformance-db', database_id: dbId }],
      }),
    );
  });

  it('d1 migrations apply --remote applies files in order and records them in d1_migrations', async () => {
    mkdirSync(join(cwd, 'migrations'));
    writeFileSync(
      join(cwd, 'migrations', '0001_init.sql'),
      'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n',
    );
    writeFileSync(
      join(cwd, 'migrations', '0002_seed.sql'),
      "INSERT INTO notes (body) VALUES ('first'); INSERT INTO notes (body) VALUES ('second;with semicolon');\n",
    );
    const out = expectOk(await wrangler(h.emu, cwd, ['d1', 'migrations', 'apply', 'DB', '--remote']));
    expect(out).toMatch(/0001_init\.sql\s*│\s*✅/);
    expect(out).toMatch(/0002_seed\.sql\s*│\s*✅/);
    const applied = await api<Array<{ results: Array<{ name: string }> }>>(
      h.emu,
      'POST',
      `${account(h.emu)}/d1/database/${dbId}/query`,
      {
        sql: 'SELECT name FROM d1_migrations ORDER BY id',
      },
    );
    expect(applied.body.result[0]?.results.map((r) => r.name)).toEqual(['0001_init.sql', '0002_seed.sql']);
    const again = expectOk(await wrangler(h.emu, cwd, ['d1', 'migrations', 'apply', 'DB', '--remote']));
    expect(again).toContain('No migrations to apply');
  });

  it('d1 execute --remote --command returns rows as JSON', async () => {
    const out = expectOk(
      await wrangler(h.emu, cwd, [
        'd1',
        'execute',
        'DB',
        '--remote',
        '--json',
        '--command',
        'SELECT body FROM notes ORDER BY id',
      ]),
    );
    const parsed = JSON.parse(out) as Array<{ results: Array<{ body: string }> }>;
    expect(parsed[0]?.results.map((r) => r.body)).toEqual(['first', 'second;with semicolon']);
  });

  it('d1 execute --remote --file goes through the import flow', async () => {
    writeFileSync(
      join(cwd, 'more.sql'),
      "INSERT INTO notes (body) VALUES ('third');\nINSERT INTO notes (body) VALUES ('fourth');\n",
    );
    const out = expectOk(
      await wrangler(h.emu, cwd, ['d1', 'execute', 'DB', '--remote', '--file', 'more.sql', '--yes']),
    );
    expect(out).toContain('Executed 2 queries');
    const count = await api<Array<{ results: Array<{ n: number }> }>>(
      h.emu,
      'POST',
      `${account(h.emu)}/d1/database/${dbId}/query`,
      {
        sql: 'SELECT count(*) AS n FROM notes',
      },
    );
    expect(count.body.result[0]?.results[0]?.n).toBe(4);
  });

  it('d1 time-travel info reports the bookmark the API hands out', async () => {
    const out = expectOk(await wrangler(h.emu, cwd, ['d1', 'time-travel', 'info', 'DB', '--json']));
    const info = JSON.parse(out) as { bookmark: string };
    const current = await api<{ bookmark: string }>(
      h.emu,
      'GET',
      `${account(h.emu)}/d1/database/${dbId}/time_travel/bookmark`,
    );
    expect(info.bookmark).toBe(current.body.result.bookmark);
  });

  it('kv namespace create, key put/get/list --remote', async () => {
    const out = expectOk(await wrangler(h.emu, cwd, ['kv', 'namespace', 'create', 'conformance-kv']));
    const list = await api<Array<{ id: string; title: string }>>(
      h.emu,
      'GET',
      `${account(h.emu)}/storage/kv/namespaces`,
    );
    const ns = list.body.result.find((n) => n.title === 'conformance-kv');
    expect(ns).toBeDefined();
    nsId = (ns as { id: string }).id;
    expect(out).toContain(nsId);

    expectOk(
      await wrangler(h.emu, cwd, [
        'kv',
        'key',
        'put',
        '--namespace-id',
        nsId,
        'greeting',
        'hello world',
        '--remote',
        '--metadata',
        '{"lang":"en"}',
      ]),
    );
    expectOk(
      await wrangler(h.emu, cwd, [
        'kv',
        'key',
        'put',
        '--namespace-id',
        nsId,
        'ttl-key',
        'short-lived',
        '--remote',
        '--ttl',
        '3600',
      ]),
    );
    expectOk(await wrangler(h.emu, cwd, ['kv', 'key', 'put', '--namespace-id', nsId, 'other', 'x', '--remote']));
    const got = expectOk(
      await wrangler(h.emu, cwd, ['kv', 'key', 'get', '--namespace-id', nsId, 'greeting', '--remote', '--text']),
    );
    expect(got.trim().split('\n').at(-1)).toBe('hello world');
    const listed = expectOk(
      await wrangler(h.emu, cwd, ['kv', 'key', 'list', '--namespace-id', nsId, '--remote', '--prefix', 'g']),
    );
    const keys = JSON.parse(listed.slice(listed.indexOf('['))) as Array<{ name: string; metadata?: unknown }>;
    expect(keys).toEqual([{ name: 'greeting', metadata: { lang: 'en' } }]);
  });

  it('keeps every database row and KV value across a restart', async () => {
    await h.restart();
    const count = await api<Array<{ results: Array<{ n: number }> }>>(
      h.emu,
      'POST',
      `${account(h.emu)}/d1/database/${dbId}/query`,
      {
        sql: 'SELECT count(*) AS n FROM notes',
      },
    );
    expect(count.body.result[0]?.results[0]?.n).toBe(4);
    const got = expectOk(
      await wrangler(h.emu, cwd, ['kv', 'key', 'get', '--namespace-id', nsId, 'greeting', '--remote', '--text']),
    );
    expect(got.trim().split('\n').at(-1)).toBe('hello world');
  });
});
