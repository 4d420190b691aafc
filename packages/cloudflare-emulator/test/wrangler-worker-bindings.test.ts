import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, api, deployWorker, fetchSite, type Harness, startHarness, tempDir } from './helpers.ts';

describe('Worker ratelimit, service and ai bindings', () => {
  let h: Harness;
  let cwd: string;

  beforeAll(async () => {
    cwd = tempDir('worker-bindings-cwd');
    h = await startHarness('worker-bindings');
    await deployWorker(
      h,
      cwd,
      { name: 'bound-target' },
      'export default { fetch(req: Request) { return new Response("target got " + new URL(req.url).pathname); } };\n',
    );
    await deployWorker(
      h,
      cwd,
      {
        name: 'bound-caller',
        ratelimits: [{ name: 'LIMITER', namespace_id: '1001', simple: { limit: 2, period: 60 } }],
        services: [
          { binding: 'TARGET', service: 'bound-target' },
          { binding: 'NOBODY', service: 'not-deployed' },
        ],
        ai: { binding: 'AI' },
      },
      `interface Env { LIMITER: RateLimit; TARGET: Fetcher; NOBODY: Fetcher; AI: { run(m: string, i: object): Promise<unknown> } }
export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const path = new URL(req.url).pathname;
    if (path === '/limit') return Response.json(await env.LIMITER.limit({ key: 'one-user' }));
    if (path === '/service') return new Response(await (await env.TARGET.fetch('http://target/ping')).text());
    if (path === '/nobody') return new Response(null, { status: (await env.NOBODY.fetch('http://x/')).status });
    try { await env.AI.run('@cf/model', {}); return new Response('ai ran?'); }
    catch (e) { return new Response(String((e as Error).message), { status: 503 }); }
  },
};
`,
    );
  });
  afterAll(async () => {
    expect(h.emu.unknownRoutes).toEqual([]);
    await h.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('the settings read back the bindings as uploaded', async () => {
    const settings = await api<{ bindings: Array<Record<string, unknown>> }>(
      h.emu,
      'GET',
      `${account(h.emu)}/workers/scripts/bound-caller/settings`,
    );
    const byName = Object.fromEntries(settings.body.result.bindings.map((b) => [b.name, b]));
    expect(byName.LIMITER).toMatchObject({ type: 'ratelimit', namespace_id: '1001', simple: { limit: 2, period: 60 } });
    expect(byName.TARGET).toMatchObject({ type: 'service', service: 'bound-target' });
    expect(byName.AI).toMatchObject({ type: 'ai' });
  });

  it('the rate limiter allows `limit` calls per key, then answers success: false', async () => {
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push(JSON.parse((await fetchSite(h.emu, 'bound-caller.workers.localhost', '/limit')).body));
    expect(results).toEqual([{ success: true }, { success: true }, { success: false }]);
  });

  it('a service binding reaches the named Worker; one naming no Worker answers 503', async () => {
    expect((await fetchSite(h.emu, 'bound-caller.workers.localhost', '/service')).body).toBe('target got /ping');
    expect((await fetchSite(h.emu, 'bound-caller.workers.localhost', '/nobody')).body).toBe('');
    expect((await fetchSite(h.emu, 'bound-caller.workers.localhost', '/nobody')).status).toBe(503);
  });

  it('the ai binding exists and says it is not emulated', async () => {
    const res = await fetchSite(h.emu, 'bound-caller.workers.localhost', '/ai');
    expect(res.status).toBe(503);
    expect(res.body).toMatch(/not emulated/);
  });

  it('an upload with a ratelimit period other than 10 or 60 is refused (400)', async () => {
    const form = new FormData();
    form.set(
      'metadata',
      JSON.stringify({
        main_module: 'index.js',
        bindings: [{ type: 'ratelimit', name: 'L', namespace_id: '1', simple: { limit: 1, period: 30 } }],
      }),
    );
    form.set(
      'index.js',
      new File(['export default { fetch() { return new Response("x"); } };'], 'index.js', {
        type: 'application/javascript+module',
      }),
    );
    const res = await api(h.emu, 'PUT', `${account(h.emu)}/workers/scripts/bad-limit`, form);
    expect([res.status, res.body.errors[0]?.code]).toEqual([400, 10021]);
  });
});
