import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Cloudflare from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  account,
  api,
  expectOk,
  fetchSite,
  type Harness,
  startJudgedHarness,
  TOKEN,
  waitForKv,
  wrangler,
} from './helpers.ts';

const SITE_WORKER = `
export default {
  async fetch(request, env) {
    await env.FILES.put('from-site.txt', 'written by the site');
    await env.JOBS.send({ from: 'site' });
    const backend = await env.BACKEND.fetch('http://backend/hello');
    let ai;
    try { await env.AI.run('@cf/meta/llama', {}); } catch (e) { ai = String(e.message); }
    return Response.json({ plain: env.PLAIN, secret: env.SECRET, backend: await backend.text(), ai });
  },
};
`;

const BACKEND_WORKER = `interface Env { OUT: KVNamespace }
export default {
  async fetch(req: Request): Promise<Response> { return new Response('backend saw ' + new URL(req.url).pathname); },
  async queue(batch: MessageBatch<{ from: string }>, env: Env): Promise<void> {
    for (const m of batch.messages) await env.OUT.put('queued', JSON.stringify(m.body));
  },
};
`;

describe('a Pages deployment with env_vars, R2, queue producer, service and AI bindings', () => {
  let judged: Awaited<ReturnType<typeof startJudgedHarness>>;
  let h: Harness;
  let cwd: string;
  let cf: Cloudflare;
  let nsId: string;
  const project = 'bindings-site';

  beforeAll(async () => {
    judged = await startJudgedHarness('pages-bindings', /\/pages\/projects|\/r2\/|\/queues/);
    ({ h, cwd } = judged);
    cf = new Cloudflare({ apiToken: TOKEN, baseURL: h.emu.url, maxRetries: 0 });
    const accountId = h.emu.accountId;
    await cf.r2.buckets.create({ account_id: accountId, name: 'site-files' });
    await cf.queues.create({ account_id: accountId, queue_name: 'site-jobs' });
    nsId = (await cf.kv.namespaces.create({ account_id: accountId, title: 'site-out' })).id;
    const dir = join(cwd, 'backend');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(
      join(dir, 'wrangler.json'),
      JSON.stringify({
        name: 'site-backend',
        main: 'src/index.ts',
        compatibility_date: '2025-01-01',
        kv_namespaces: [{ binding: 'OUT', id: nsId }],
        queues: { consumers: [{ queue: 'site-jobs', max_batch_timeout: 1 }] },
      }),
    );
    writeFileSync(join(dir, 'src', 'index.ts'), BACKEND_WORKER);
    expectOk(await wrangler(h.emu, dir, ['deploy']));
  });
  afterAll(() => judged?.finish());

  it('keeps the bindings as written and never reads a secret back', async () => {
    await cf.pages.projects.create({
      account_id: h.emu.accountId,
      name: project,
      production_branch: 'main',
      deployment_configs: {
        production: {
          compatibility_date: '2025-01-01',
          env_vars: {
            PLAIN: { type: 'plain_text', value: 'plain value' },
            SECRET: { type: 'secret_text', value: 'the secret' },
          },
          r2_buckets: { FILES: { name: 'site-files' } },
          queue_producers: { JOBS: { name: 'site-jobs' } },
          services: { BACKEND: { service: 'site-backend', environment: 'production' } },
          ai_bindings: { AI: { project_id: 'ai-project' } },
        },
      },
    });
    const got = await cf.pages.projects.get(project, { account_id: h.emu.accountId });
    const production = got.deployment_configs?.production;
    expect(production?.env_vars).toEqual({
      PLAIN: { type: 'plain_text', value: 'plain value' },
      SECRET: { type: 'secret_text', value: '' },
    });
    expect(production).toMatchObject({
      r2_buckets: { FILES: { name: 'site-files' } },
      queue_producers: { JOBS: { name: 'site-jobs' } },
      services: { BACKEND: { service: 'site-backend', environment: 'production' } },
      ai_bindings: { AI: { project_id: 'ai-project' } },
    });
    expect(JSON.stringify(got)).not.toContain('the secret');
  });

  it('serves env vars as strings and the native bindings to the site', async () => {
    mkdirSync(join(cwd, 'site'), { recursive: true });
    writeFileSync(join(cwd, 'site', 'index.html'), '<h1>site</h1>');
    writeFileSync(join(cwd, 'site', '_worker.js'), SITE_WORKER);
    expectOk(await wrangler(h.emu, cwd, ['pages', 'deploy', 'site', '--project-name', project, '--branch', 'main']));
    const res = await fetchSite(h.emu, `${project}.pages.localhost`, '/');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as Record<string, string>;
    expect(body).toMatchObject({ plain: 'plain value', secret: 'the secret', backend: 'backend saw /hello' });
    expect(body.ai).toMatch(/not emulated/);

    const object = await fetch(`${h.emu.url}${account(h.emu)}/r2/buckets/site-files/objects/from-site.txt`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(await object.text()).toBe('written by the site');

    expect(await waitForKv(h.emu, nsId, 'queued')).toEqual({ from: 'site' });

    const deployments = await api<Array<{ env_vars: unknown }>>(
      h.emu,
      'GET',
      `${account(h.emu)}/pages/projects/${project}/deployments`,
    );
    expect(deployments.body.result[0]?.env_vars).toEqual({
      PLAIN: { type: 'plain_text', value: 'plain value' },
      SECRET: { type: 'secret_text', value: '' },
    });
  });

  it('a PATCH sending null removes one env var and keeps the secret serving', async () => {
    await api(h.emu, 'PATCH', `${account(h.emu)}/pages/projects/${project}`, {
      deployment_configs: { production: { env_vars: { PLAIN: null } } },
    });
    const got = await cf.pages.projects.get(project, { account_id: h.emu.accountId });
    expect(got.deployment_configs?.production?.env_vars).toEqual({ SECRET: { type: 'secret_text', value: '' } });
    // The live deployment keeps the config it was created with; a new one gets the change.
    expect(JSON.parse((await fetchSite(h.emu, `${project}.pages.localhost`, '/')).body).plain).toBe('plain value');
    expectOk(await wrangler(h.emu, cwd, ['pages', 'deploy', 'site', '--project-name', project, '--branch', 'main']));
    const after = JSON.parse((await fetchSite(h.emu, `${project}.pages.localhost`, '/')).body);
    expect(after.plain).toBeUndefined();
    expect(after.secret).toBe('the secret');
  });
});
