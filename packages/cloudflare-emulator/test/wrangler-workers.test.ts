import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, api, expectOk, fetchSite, type Harness, startHarness, tempDir, wrangler } from './helpers.ts';

describe('wrangler deploy of a module Worker against the emulator', () => {
  let h: Harness;
  let cwd: string;

  beforeAll(async () => {
    h = await startHarness('wrangler-workers');
    cwd = tempDir('wrangler-workers-cwd');
  });
  afterAll(async () => {
    expect(h.emu.unknownRoutes).toEqual([]);
    await h.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('deploys with D1, KV and var bindings, then answers on <name>.workers.localhost', async () => {
    const db = await api<{ uuid: string }>(h.emu, 'POST', `${account(h.emu)}/d1/database`, { name: 'worker-db' });
    await api(h.emu, 'POST', `${account(h.emu)}/d1/database/${db.body.result.uuid}/query`, {
      sql: 'CREATE TABLE hits (n INTEGER); INSERT INTO hits VALUES (41);',
    });
    const ns = await api<{ id: string }>(h.emu, 'POST', `${account(h.emu)}/storage/kv/namespaces`, {
      title: 'worker-kv',
    });
    await api(h.emu, 'PUT', `${account(h.emu)}/storage/kv/namespaces/${ns.body.result.id}/bulk`, [
      { key: 'name', value: 'kv value' },
    ]);
    writeFileSync(
      join(cwd, 'wrangler.json'),
      JSON.stringify({
        name: 'conformance-worker',
        main: 'src/index.ts',
        compatibility_date: '2025-01-01',
        d1_databases: [{ binding: 'DB', database_name: 'worker-db', database_id: db.body.result.uuid }],
        kv_namespaces: [{ binding: 'KV', id: ns.body.result.id }],
        vars: { GREETING: 'hello' },
      }),
    );
    mkdirSync(join(cwd, 'src'));
    writeFileSync(
      join(cwd, 'src', 'index.ts'),
      `interface Env { DB: D1Database; KV: KVNamespace; GREETING: string }
export default {
  async fetch(_req: Request, env: Env): Promise<Response> {
    await env.DB.prepare('UPDATE hits SET n = n + 1').run();
    const row = await env.DB.prepare('SELECT n FROM hits').first<{ n: number }>();
    return Response.json({ greeting: env.GREETING, hits: row?.n, kv: await env.KV.get('name') });
  },
};
`,
    );
    const out = expectOk(await wrangler(h.emu, cwd, ['deploy']));
    expect(out).toContain('Uploaded conformance-worker');
    expect(out).toContain('Current Version ID');
    const res = await fetchSite(h.emu, 'conformance-worker.workers.localhost', '/');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ greeting: 'hello', hits: 42, kv: 'kv value' });
  });

  it('a redeploy replaces the running code without a restart; versions and deployments list it', async () => {
    writeFileSync(join(cwd, 'src', 'index.ts'), 'export default { fetch() { return new Response("v2"); } };\n');
    expectOk(await wrangler(h.emu, cwd, ['deploy']));
    const res = await fetchSite(h.emu, 'conformance-worker.workers.localhost', '/');
    expect(res.body).toBe('v2');
    const versions = expectOk(await wrangler(h.emu, cwd, ['versions', 'list', '--json']));
    expect((JSON.parse(versions) as unknown[]).length).toBe(2);
    const deployments = expectOk(await wrangler(h.emu, cwd, ['deployments', 'list', '--json']));
    expect((JSON.parse(deployments) as unknown[]).length).toBeGreaterThanOrEqual(1);
  });

  it('the Worker survives a restart', async () => {
    await h.restart();
    const res = await fetchSite(h.emu, 'conformance-worker.workers.localhost', '/');
    expect(res.body).toBe('v2');
  });

  it('wrangler delete removes it; the API then answers 10007', async () => {
    expectOk(await wrangler(h.emu, cwd, ['delete', '--force']));
    const gone = await api(h.emu, 'GET', `${account(h.emu)}/workers/scripts/conformance-worker/settings`);
    expect(gone.status).toBe(404);
    expect(gone.body.errors[0]?.code).toBe(10007);
  });
});
