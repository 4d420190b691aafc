import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Cloudflare from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../src/index.ts';
import {
  account,
  api,
  expectOk,
  type Harness,
  PACKAGE_DIR,
  startHarness,
  TOKEN,
  tempDir,
  wrangler,
} from './helpers.ts';

/** A token the emulator treats like a Cloudflare token with Read permissions only. */
const READ = 'read-only-token-0123456789abcdefghijklmnopqrstuvwxyz';
const asReader = { authorization: `Bearer ${READ}` };
const refused = (method: string, path: string) => ({
  status: 403,
  body: {
    success: false,
    errors: [
      {
        code: 10000,
        message: `Authentication error: this token is read-only and ${method} ${path} writes (the emulator was started with it in --read-only-token).`,
      },
    ],
    messages: [],
    result: null,
  },
});

describe('read-only tokens', () => {
  let h: Harness;
  let a: string;
  let dbId: string;
  let nsId: string;

  beforeAll(async () => {
    h = await startHarness('read-only', { readOnlyTokens: [READ] });
    a = account(h.emu);
    // Made with the ordinary (writing) token.
    dbId = (await api<{ uuid: string }>(h.emu, 'POST', `${a}/d1/database`, { name: 'ro-db' })).body.result.uuid;
    await api(h.emu, 'POST', `${a}/d1/database/${dbId}/query`, {
      sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('kept');",
    });
    nsId = (await api<{ id: string }>(h.emu, 'POST', `${a}/storage/kv/namespaces`, { title: 'ro-kv' })).body.result.id;
    await api(h.emu, 'PUT', `${a}/storage/kv/namespaces/${nsId}/values/greeting`, 'hello', {
      'content-type': 'text/plain',
    });
    await api(h.emu, 'POST', `${a}/pages/projects`, { name: 'ro-site', production_branch: 'main' });
  });
  afterAll(async () => {
    expect(h.emu.unknownRoutes).toEqual([]);
    await h.close();
  });

  const notes = async () =>
    (
      await api<{ results: { body: string }[] }[]>(h.emu, 'POST', `${a}/d1/database/${dbId}/query`, {
        sql: 'SELECT body FROM notes ORDER BY id',
      })
    ).body.result[0]?.results.map((r) => r.body);

  it('read everything the GET endpoints serve', async () => {
    for (const path of [
      '/user/tokens/verify',
      `${a}/d1/database`,
      `${a}/d1/database/${dbId}`,
      `${a}/d1/database/${dbId}/time_travel/bookmark`,
      `${a}/storage/kv/namespaces`,
      `${a}/storage/kv/namespaces/${nsId}/keys`,
      `${a}/pages/projects`,
      `${a}/pages/projects/ro-site`,
      `${a}/pages/projects/ro-site/deployments`,
      `${a}/workers/scripts`,
    ]) {
      const res = await api(h.emu, 'GET', path, undefined, asReader);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
    const value = await fetch(`${h.emu.url}${a}/storage/kv/namespaces/${nsId}/values/greeting`, { headers: asReader });
    expect(await value.text()).toBe('hello');
  });

  it.each([
    ['POST', '/d1/database', { name: 'another-db' }],
    ['DELETE', '/d1/database/{db}', undefined],
    ['POST', '/d1/database/{db}/import', { action: 'init', etag: 'x' }],
    ['POST', '/d1/database/{db}/time_travel/restore?bookmark=x', undefined],
    ['POST', '/storage/kv/namespaces', { title: 'another-kv' }],
    ['PUT', '/storage/kv/namespaces/{ns}/values/greeting', 'changed'],
    ['DELETE', '/storage/kv/namespaces/{ns}/values/greeting', undefined],
    ['POST', '/storage/kv/namespaces/{ns}/bulk/delete', ['greeting']],
    ['DELETE', '/storage/kv/namespaces/{ns}', undefined],
    ['PATCH', '/pages/projects/ro-site', { production_branch: 'other' }],
    ['DELETE', '/pages/projects/ro-site', undefined],
    ['POST', '/pages/projects/ro-site/domains', { name: 'example.com' }],
    ['GET', '/pages/projects/ro-site/upload-token', undefined],
    ['PUT', '/workers/scripts/ro-worker', 'export default {}'],
    ['PUT', '/workers/subdomain', { subdomain: 'mine' }],
  ])('refuse %s %s with the 403 authentication error, and change nothing', async (method, route, body) => {
    const path = `${a}${route.replace('{db}', dbId).replace('{ns}', nsId)}`;
    const pathOnly = path.split('?')[0] as string;
    const res = await api(h.emu, method, path, body, asReader);
    expect(res).toEqual(refused(method, `/client/v4${pathOnly}`));
    expect(h.emu.refusedWrites.at(-1)).toEqual({ method, path: `/client/v4${pathOnly}` });
    expect(await notes()).toEqual(['kept']);
    const list = await api<{ name: string }[]>(h.emu, 'GET', `${a}/d1/database`);
    expect(list.body.result.map((d) => d.name)).toEqual(['ro-db']);
    const project = await api<{ production_branch: string }>(h.emu, 'GET', `${a}/pages/projects/ro-site`);
    expect(project.body.result.production_branch).toBe('main');
    const value = await fetch(`${h.emu.url}${a}/storage/kv/namespaces/${nsId}/values/greeting`, { headers: asReader });
    expect(await value.text()).toBe('hello');
  });

  it.each([
    ['a SELECT', { sql: 'SELECT body FROM notes' }],
    ['a CTE that selects', { sql: 'WITH n AS (SELECT body FROM notes) SELECT count(*) AS c FROM n' }],
    ['what the migrations provider reads', { sql: "SELECT name FROM sqlite_master WHERE type = 'table'" }],
    ['reading PRAGMAs', { sql: 'PRAGMA table_info(notes); PRAGMA user_version' }],
    [
      'a batch of reads',
      { batch: [{ sql: 'SELECT 1 AS one' }, { sql: 'SELECT body FROM notes WHERE id = ?', params: [1] }] },
    ],
  ])('answer D1 queries that only read: %s', async (_case, body) => {
    for (const endpoint of ['query', 'raw']) {
      const res = await api(h.emu, 'POST', `${a}/d1/database/${dbId}/${endpoint}`, body, asReader);
      expect({ endpoint, status: res.status, success: res.body.success }).toEqual({
        endpoint,
        status: 200,
        success: true,
      });
    }
  });

  it.each([
    ['an INSERT', { sql: "INSERT INTO notes (body) VALUES ('no')" }],
    ['an UPDATE', { sql: "UPDATE notes SET body = 'no'" }],
    ['a DELETE behind a CTE', { sql: 'WITH n AS (SELECT 1) DELETE FROM notes' }],
    ['a CREATE TABLE', { sql: 'CREATE TABLE other (x)' }],
    ['a DROP TABLE', { sql: 'DROP TABLE notes' }],
    ['a write after a read', { sql: 'SELECT 1; DELETE FROM notes' }],
    ['a write inside a batch', { batch: [{ sql: 'SELECT 1' }, { sql: 'DELETE FROM notes' }] }],
    ['a PRAGMA that sets', { sql: 'PRAGMA user_version = 5' }],
    ['PRAGMA optimize', { sql: 'PRAGMA optimize' }],
  ])('refuse D1 queries that write: %s', async (_case, body) => {
    for (const endpoint of ['query', 'raw']) {
      const path = `${a}/d1/database/${dbId}/${endpoint}`;
      expect(await api(h.emu, 'POST', path, body, asReader)).toEqual(refused('POST', `/client/v4${path}`));
    }
    expect(await notes()).toEqual(['kept']);
    const version = await api<{ results: { user_version: number }[] }[]>(
      h.emu,
      'POST',
      `${a}/d1/database/${dbId}/query`,
      { sql: 'PRAGMA user_version' },
      asReader,
    );
    expect(version.body.result[0]?.results[0]?.user_version).toBe(0);
  });

  it('leave SQL that does not compile, and unknown databases, to the route (400 / 404, nothing written)', async () => {
    const bad = await api(h.emu, 'POST', `${a}/d1/database/${dbId}/query`, { sql: 'SELEC nothing' }, asReader);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]?.code).toBe(7500);
    const missing = await api(h.emu, 'POST', `${a}/d1/database/no-such-db/query`, { sql: 'SELECT 1' }, asReader);
    expect(missing.status).toBe(404);
  });

  it('read KV in bulk with a POST', async () => {
    const res = await api(
      h.emu,
      'POST',
      `${a}/storage/kv/namespaces/${nsId}/bulk/get`,
      { keys: ['greeting'] },
      asReader,
    );
    expect(res.status).toBe(200);
  });

  it('leave the writing token alone, and list every refusal on /__emulator/refused-writes', async () => {
    const res = await api(h.emu, 'POST', `${a}/d1/database/${dbId}/query`, {
      sql: "INSERT INTO notes (body) VALUES ('written'); DELETE FROM notes WHERE body = 'written'",
    });
    expect(res.status).toBe(200);
    const listed = await (await fetch(`http://127.0.0.1:${h.emu.port}/__emulator/refused-writes`)).json();
    expect(listed).toEqual(h.emu.refusedWrites);
    expect(h.emu.refusedWrites.length).toBeGreaterThan(10);
  });

  it('are refused by the real SDK and wrangler for writes, and serve their reads', async () => {
    const reader = new Cloudflare({ apiToken: READ, baseURL: h.emu.url, maxRetries: 0 });
    const page = await reader.d1.database.query(dbId, { account_id: h.emu.accountId, sql: 'SELECT body FROM notes' });
    expect(page.result[0]?.results).toEqual([{ body: 'kept' }]);
    await expect(reader.d1.database.create({ account_id: h.emu.accountId, name: 'sdk-made' })).rejects.toBeInstanceOf(
      Cloudflare.PermissionDeniedError,
    );

    const cwd = tempDir('read-only-wrangler');
    try {
      const read = expectOk(
        await wrangler(
          h.emu,
          cwd,
          ['d1', 'execute', 'ro-db', '--remote', '--json', '--command', 'SELECT body FROM notes'],
          {
            CLOUDFLARE_API_TOKEN: READ,
          },
        ),
      );
      expect((JSON.parse(read) as { results: unknown[] }[])[0]?.results).toEqual([{ body: 'kept' }]);
      const write = await wrangler(h.emu, cwd, ['kv', 'namespace', 'create', 'wrangler-made'], {
        CLOUDFLARE_API_TOKEN: READ,
      });
      expect(write.code).not.toBe(0);
      expect(`${write.stdout}${write.stderr}`).toContain('Authentication error');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
    const namespaces = await api<{ title: string }[]>(h.emu, 'GET', `${a}/storage/kv/namespaces`);
    expect(namespaces.body.result.map((n) => n.title)).toEqual(['ro-kv']);
  });
});

describe('read-only token options', () => {
  it('accept read-only tokens beside a fixed --token, and nothing else', async () => {
    const h = await startHarness('read-only-fixed', { token: TOKEN, readOnlyTokens: [READ] });
    try {
      const a = account(h.emu);
      expect((await api(h.emu, 'GET', `${a}/d1/database`, undefined, asReader)).status).toBe(200);
      expect((await api(h.emu, 'POST', `${a}/d1/database`, { name: 'by-writer' })).status).toBe(200);
      const other = await api(h.emu, 'GET', `${a}/d1/database`, undefined, {
        authorization: `Bearer ${'z'.repeat(40)}`,
      });
      expect(other.status).toBe(401);
    } finally {
      await h.close();
    }
  });

  it('refuse a malformed read-only token, and one that is also the writing token', async () => {
    const dataDir = tempDir('read-only-bad');
    try {
      await expect(startEmulator({ port: 0, dataDir, readOnlyTokens: ['short'] })).rejects.toThrow(
        '--read-only-token must be 40-80 letters, digits, "_" or "-" (what clients accept), got "short"',
      );
      await expect(startEmulator({ port: 0, dataDir, token: READ, readOnlyTokens: [READ] })).rejects.toThrow(
        '--token and --read-only-token must differ: one token cannot both write and only read',
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('come from --read-only-token on the command line, repeatable', async () => {
    const dataDir = tempDir('read-only-cli');
    const second = `second-${READ}`;
    const child = spawn(
      process.execPath,
      [
        join(PACKAGE_DIR, 'src', 'cli.ts'),
        '--port',
        '0',
        '--data-dir',
        dataDir,
        '--read-only-token',
        READ,
        '--read-only-token',
        second,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const m = /^Cloudflare API on (\S+)\n/.exec(stdout);
          if (m) resolve(m[1] as string);
        });
        child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      const accountPath = `${url}/accounts/c5e11ad0c0ffee00000000000000cafe/d1/database`;
      for (const token of [READ, second]) {
        const post = await fetch(accountPath, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'cli-db' }),
        });
        expect(post.status).toBe(403);
        const get = await fetch(accountPath, { headers: { authorization: `Bearer ${token}` } });
        expect(get.status).toBe(200);
      }
    } finally {
      const exit = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exit;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
