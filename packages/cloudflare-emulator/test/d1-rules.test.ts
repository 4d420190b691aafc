import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, api, expectOk, type Harness, startHarness, TOKEN, tempDir, wrangler } from './helpers.ts';

type Rows = Array<{ results: Array<Record<string, unknown>> }>;

/** D1's own rules on /query and /raw, checked by the API and by real wrangler commands. */
describe("D1's rules on the emulator's query API", () => {
  let h: Harness;
  let cwd: string;
  let dbId: string;
  const query = (sql: string, path = 'query') =>
    api<Rows>(h.emu, 'POST', `${account(h.emu)}/d1/database/${dbId}/${path}`, { sql });
  const count = async () => (await query('SELECT count(*) AS n FROM notes')).body.result[0]?.results[0]?.n;

  beforeAll(async () => {
    h = await startHarness('d1-rules');
    cwd = tempDir('d1-rules-cwd');
    const created = await api<{ uuid: string }>(h.emu, 'POST', `${account(h.emu)}/d1/database`, { name: 'rules-db' });
    dbId = created.body.result.uuid;
    writeFileSync(
      join(cwd, 'wrangler.json'),
      JSON.stringify({
        name: 'rules',
        compatibility_date: '2025-01-01',
        d1_databases: [{ binding: 'DB', database_name: 'rules-db', database_id: dbId }],
      }),
    );
    expect((await query('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)')).status).toBe(200);
  });
  afterAll(async () => {
    expect(h.emu.unknownRoutes).toEqual([]);
    await h.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('refuses explicit transaction control with D1 error 7500, before anything of the request runs', async () => {
    for (const path of ['query', 'raw']) {
      for (const sql of [
        "BEGIN; INSERT INTO notes (body) VALUES ('a'); COMMIT;",
        "INSERT INTO notes (body) VALUES ('a');\nSAVEPOINT s;",
        "INSERT INTO notes (body) VALUES ('a'); END TRANSACTION;",
        "INSERT INTO notes (body) VALUES ('a'); ROLLBACK;",
        "INSERT INTO notes (body) VALUES ('a'); RELEASE s;",
      ]) {
        const res = await query(sql, path);
        expect(res.status).toBe(400);
        expect(res.body.success).toBe(false);
        expect(res.body.errors[0]?.code).toBe(7500);
        expect(res.body.errors[0]?.message).toMatch(
          /^not authorized: SQLITE_AUTH \((BEGIN|SAVEPOINT|END|ROLLBACK|RELEASE) at line [12]:/,
        );
      }
    }
    const batch = await api(h.emu, 'POST', `${account(h.emu)}/d1/database/${dbId}/query`, {
      batch: [{ sql: "INSERT INTO notes (body) VALUES ('first item')" }, { sql: 'COMMIT' }],
    });
    expect(batch.status).toBe(400);
    expect(await count()).toBe(0);
  });

  it('accepts the same words in comments, strings, identifiers and trigger bodies', async () => {
    const res = await query(`-- BEGIN; COMMIT;
INSERT INTO notes (body) VALUES ('BEGIN; ROLLBACK;') /* SAVEPOINT x; */;
CREATE TABLE "end" ("begin" TEXT);
CREATE TRIGGER t AFTER INSERT ON "end" BEGIN
  UPDATE notes SET body = CASE WHEN new."begin" = 'x' THEN 'y' ELSE body END; SELECT RAISE(ROLLBACK, 'no') WHERE 0;
END;`);
    expect(res.status).toBe(200);
    expect(await count()).toBe(1);
  });

  it("refuses a statement longer than D1's 100,000 bytes (and takes one of exactly 100,000)", async () => {
    const insert = (n: number) => `INSERT INTO notes (body) VALUES ('${'x'.repeat(n)}')`;
    const pad = 100_000 - insert(0).length;
    expect((await query(`${insert(pad)};`)).status).toBe(200);
    const res = await query(`SELECT 1;\n${insert(pad + 1)};`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toEqual({
      code: 7500,
      message: expect.stringMatching(/^statement too long: SQLITE_TOOBIG \(the statement at line 2 is 100001 bytes/),
    });
    expect(await count()).toBe(2);
  });

  it('refuses a request over 100 MB, running nothing of it', async () => {
    const sql = `INSERT INTO notes (body) VALUES ('big'); /* ${'z'.repeat(100_000_000)} */`;
    const body = JSON.stringify({ sql });
    const res = await fetch(`${h.emu.url}${account(h.emu)}/d1/database/${dbId}/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(413);
    const answer = (await res.json()) as { errors: Array<{ code: number; message: string }> };
    expect(answer.errors[0]?.code).toBe(7500);
    expect(answer.errors[0]?.message).toMatch(new RegExp(`^request too large: ${Buffer.byteLength(body)} bytes`));
    expect(await count()).toBe(2);
  });

  it('wrangler d1 execute --remote --command "BEGIN; …" fails the way D1 does', async () => {
    const r = await wrangler(h.emu, cwd, [
      'd1',
      'execute',
      'DB',
      '--remote',
      '--command',
      "BEGIN; INSERT INTO notes (body) VALUES ('from wrangler'); COMMIT;",
    ]);
    expect(r.code).not.toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain('not authorized: SQLITE_AUTH (BEGIN at line 1');
    expect(out).toContain('[code: 7500]');
    expect(await count()).toBe(2);
  });

  it('wrangler d1 execute --remote --command with an over-long statement fails the way D1 does', async () => {
    const r = await wrangler(h.emu, cwd, [
      'd1',
      'execute',
      'DB',
      '--remote',
      '--command',
      `INSERT INTO notes (body) VALUES ('${'w'.repeat(100_000)}')`,
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('statement too long: SQLITE_TOOBIG');
    expect(await count()).toBe(2);
  });

  it('wrangler d1 migrations apply --remote stops at a file with BEGIN TRANSACTION and records nothing of it', async () => {
    mkdirSync(join(cwd, 'migrations'));
    writeFileSync(join(cwd, 'migrations', '0001_ok.sql'), 'CREATE TABLE tags (name TEXT);\n');
    writeFileSync(
      join(cwd, 'migrations', '0002_tx.sql'),
      "BEGIN TRANSACTION;\nINSERT INTO tags (name) VALUES ('t');\nCOMMIT;\n",
    );
    const r = await wrangler(h.emu, cwd, ['d1', 'migrations', 'apply', 'DB', '--remote']);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('SQLITE_AUTH');
    const applied = expectOk(
      await wrangler(h.emu, cwd, [
        'd1',
        'execute',
        'DB',
        '--remote',
        '--json',
        '--command',
        'SELECT name FROM d1_migrations',
      ]),
    );
    expect((JSON.parse(applied) as Rows)[0]?.results).toEqual([{ name: '0001_ok.sql' }]);
    expect((await query('SELECT count(*) AS n FROM tags')).body.result[0]?.results[0]?.n).toBe(0);
  });
});
