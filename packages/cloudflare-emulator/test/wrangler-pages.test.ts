import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  account,
  api,
  expectOk,
  fetchSite,
  type Harness,
  PACKAGE_DIR,
  startHarness,
  TOKEN,
  tempDir,
  wrangler,
} from './helpers.ts';

const WORKER = `
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/api/data') {
      const row = await env.DB.prepare('SELECT body FROM notes WHERE id = ?').bind(1).first();
      const cached = await env.KV.get('motd');
      await env.KV.put('last-visit', url.pathname, { metadata: { from: 'site' } });
      return Response.json({ note: row?.body ?? null, motd: cached, stage: env.STAGE, version: 'VERSION' });
    }
    return env.ASSETS.fetch(request);
  },
};
`;

function writeSite(dir: string, version: string): void {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), `<h1>home ${version}</h1>`);
  writeFileSync(join(dir, 'about.html'), '<h1>about</h1>');
  writeFileSync(join(dir, 'assets', 'app.css'), 'body { color: red; }');
  writeFileSync(
    join(dir, '_headers'),
    '/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n  X-Served-By: emulator\n',
  );
  writeFileSync(join(dir, '_redirects'), '/old-about /about 301\n/docs/* /about 302\n');
  writeFileSync(join(dir, '_routes.json'), JSON.stringify({ version: 1, include: ['/api/*'], exclude: [] }));
  writeFileSync(join(dir, '_worker.js'), WORKER.replace('VERSION', version));
}

describe('wrangler pages against the emulator', () => {
  let h: Harness;
  let cwd: string;
  let dbId: string;
  let nsId: string;
  const project = 'conformance-site';
  const host = `${project}.pages.localhost`;

  beforeAll(async () => {
    h = await startHarness('wrangler-pages');
    cwd = tempDir('wrangler-pages-cwd');
    const db = await api<{ uuid: string }>(h.emu, 'POST', `${account(h.emu)}/d1/database`, { name: 'site-db' });
    dbId = db.body.result.uuid;
    await api(h.emu, 'POST', `${account(h.emu)}/d1/database/${dbId}/query`, {
      sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('from d1');",
    });
    const ns = await api<{ id: string }>(h.emu, 'POST', `${account(h.emu)}/storage/kv/namespaces`, {
      title: 'site-kv',
    });
    nsId = ns.body.result.id;
    await fetch(`${h.emu.url}${account(h.emu)}/storage/kv/namespaces/${nsId}/values/motd`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: 'hello from kv',
    });
  });
  afterAll(async () => {
    expect(h.emu.unknownRoutes).toEqual([]);
    await h.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('pages project create, then bindings added the way the Pulumi program adds them', async () => {
    const out = expectOk(
      await wrangler(h.emu, cwd, ['pages', 'project', 'create', project, '--production-branch', 'main']),
    );
    expect(out).toContain(`Successfully created the '${project}' project`);
    const env = (stage: string) => ({
      compatibility_date: '2025-01-01',
      compatibility_flags: ['nodejs_compat'],
      d1_databases: { DB: { id: dbId } },
      kv_namespaces: { KV: { namespace_id: nsId } },
      env_vars: { STAGE: { type: 'plain_text', value: stage } },
    });
    const patched = await api<Record<string, unknown>>(h.emu, 'PATCH', `${account(h.emu)}/pages/projects/${project}`, {
      deployment_configs: { production: env('production'), preview: env('preview') },
    });
    expect(patched.status).toBe(200);
  });

  it('pages deploy uploads the site and it answers with data from D1 and KV', async () => {
    const site = join(cwd, 'site');
    writeSite(site, 'v1');
    const outputFile = join(cwd, 'deploy-output.json');
    const out = expectOk(
      await wrangler(
        h.emu,
        cwd,
        [
          'pages',
          'deploy',
          'site',
          '--project-name',
          project,
          '--branch',
          'main',
          '--commit-hash',
          'abc123',
          '--commit-message',
          'first',
        ],
        {
          WRANGLER_OUTPUT_FILE_PATH: outputFile,
        },
      ),
    );
    expect(out).toContain('Deployment complete!');
    const entries = readFileSync(outputFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; url?: string });
    const deploy = entries.find((e) => e.type === 'pages-deploy');
    expect(deploy?.url).toMatch(new RegExp(`^http://[0-9a-f]{8}\\.${project}\\.pages\\.localhost:${h.emu.port}$`));

    // Run where no wrangler config exists, wrangler sends none: the project's bindings stay in charge.
    const received = (await (
      await fetch(`http://127.0.0.1:${h.emu.port}/__emulator/pages/${project}/deployments`)
    ).json()) as Array<{ received_parts: string[] }>;
    expect(received[0]?.received_parts).toEqual(
      expect.arrayContaining(['manifest', 'branch', '_worker.bundle', '_routes.json', '_headers', '_redirects']),
    );
    expect(received[0]?.received_parts).not.toContain('wrangler_config_hash');

    const data = await fetchSite(h.emu, host, '/api/data');
    expect(data.status).toBe(200);
    expect(JSON.parse(data.body)).toEqual({
      note: 'from d1',
      motd: 'hello from kv',
      stage: 'production',
      version: 'v1',
    });
    // The site's KV write is visible through the REST API: one storage for both.
    const visit = await fetch(`${h.emu.url}${account(h.emu)}/storage/kv/namespaces/${nsId}/values/last-visit`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(await visit.text()).toBe('/api/data');

    const home = await fetchSite(h.emu, host, '/');
    expect(home.body).toBe('<h1>home v1</h1>');
    const about = await fetchSite(h.emu, host, '/about');
    expect(about.body).toBe('<h1>about</h1>');
    const css = await fetchSite(h.emu, host, '/assets/app.css');
    expect(css.headers['content-type']).toContain('text/css');
    expect(css.headers['x-served-by']).toBe('emulator');
    const redirect = await fetchSite(h.emu, host, '/old-about');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/about');
    const splat = await fetchSite(h.emu, host, '/docs/x/y');
    expect(splat.status).toBe(302);
  });

  it('a row inserted through /query is seen by the site at once', async () => {
    await api(h.emu, 'POST', `${account(h.emu)}/d1/database/${dbId}/query`, {
      sql: 'UPDATE notes SET body = ? WHERE id = 1',
      params: ['updated via api'],
    });
    const data = await fetchSite(h.emu, host, '/api/data');
    expect((JSON.parse(data.body) as { note: string }).note).toBe('updated via api');
  });

  it('a branch deployment serves on its alias with the preview config; production is untouched', async () => {
    const site = join(cwd, 'site');
    writeSite(site, 'v2-preview');
    expectOk(
      await wrangler(h.emu, cwd, [
        'pages',
        'deploy',
        'site',
        '--project-name',
        project,
        '--branch',
        'feature/new-look',
      ]),
    );
    const branch = await fetchSite(h.emu, `feature-new-look.${host}`, '/api/data');
    expect(JSON.parse(branch.body)).toMatchObject({ stage: 'preview', version: 'v2-preview' });
    const prod = await fetchSite(h.emu, host, '/api/data');
    expect(JSON.parse(prod.body)).toMatchObject({ stage: 'production', version: 'v1' });
  });

  it('a new production deployment replaces the served one without a restart, and an unchanged redeploy uploads nothing', async () => {
    const site = join(cwd, 'site');
    writeSite(site, 'v3');
    const first = expectOk(
      await wrangler(h.emu, cwd, ['pages', 'deploy', 'site', '--project-name', project, '--branch', 'main']),
    );
    expect(first).toMatch(/Uploaded \d+ files/);
    const prod = await fetchSite(h.emu, host, '/api/data');
    expect(JSON.parse(prod.body)).toMatchObject({ version: 'v3' });
    const again = expectOk(
      await wrangler(h.emu, cwd, ['pages', 'deploy', 'site', '--project-name', project, '--branch', 'main']),
    );
    expect(again).toMatch(/Uploaded 0 files \(\d+ already uploaded\)/);
  });

  it('pages deployment list shows every deployment with its environment', async () => {
    const out = expectOk(
      await wrangler(h.emu, cwd, ['pages', 'deployment', 'list', '--project-name', project, '--json']),
    );
    const list = JSON.parse(out) as Array<{ Environment: string; Branch: string }>;
    expect(list).toHaveLength(4);
    expect(list.filter((d) => d.Environment === 'Production')).toHaveLength(3);
    expect(list.some((d) => d.Branch === 'feature/new-look' && d.Environment === 'Preview')).toBe(true);
  });

  it('keeps projects, deployments and the served site across a restart', async () => {
    await h.restart();
    const prod = await fetchSite(h.emu, host, '/api/data');
    expect(JSON.parse(prod.body)).toMatchObject({ version: 'v3', note: 'updated via api' });
    const list = await api<unknown[]>(h.emu, 'GET', `${account(h.emu)}/pages/projects/${project}/deployments`);
    expect(list.body.result).toHaveLength(4);
  });

  it('a deployment keeps the project config it was created with; a project change reaches only new deployments', async () => {
    const other = await api<{ id: string }>(h.emu, 'POST', `${account(h.emu)}/storage/kv/namespaces`, {
      title: 'site-kv-2',
    });
    await fetch(`${h.emu.url}${account(h.emu)}/storage/kv/namespaces/${other.body.result.id}/values/motd`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: 'hello from the second namespace',
    });
    const patched = await api(h.emu, 'PATCH', `${account(h.emu)}/pages/projects/${project}`, {
      deployment_configs: {
        production: {
          kv_namespaces: { KV: { namespace_id: other.body.result.id } },
          env_vars: { STAGE: { type: 'plain_text', value: 'patched' } },
        },
      },
    });
    expect(patched.status).toBe(200);
    // The live deployment was created before the PATCH: Cloudflare copied the old config into it.
    const live = await fetchSite(h.emu, host, '/api/data');
    expect(JSON.parse(live.body)).toMatchObject({ version: 'v3', stage: 'production', motd: 'hello from kv' });

    writeSite(join(cwd, 'site'), 'v4');
    expectOk(await wrangler(h.emu, cwd, ['pages', 'deploy', 'site', '--project-name', project, '--branch', 'main']));
    const fresh = await fetchSite(h.emu, host, '/api/data');
    expect(JSON.parse(fresh.body)).toMatchObject({
      version: 'v4',
      stage: 'patched',
      motd: 'hello from the second namespace',
    });
  });

  const svelteKitOutput = join(PACKAGE_DIR, '..', 'space', '.svelte-kit', 'cloudflare');
  it.runIf(existsSync(svelteKitOutput))(
    'deploys the built SvelteKit app from packages/space; it answers from D1',
    async () => {
      const appDb = await api<{ uuid: string }>(h.emu, 'POST', `${account(h.emu)}/d1/database`, { name: 'space-db' });
      const migrations = join(PACKAGE_DIR, '..', 'space', 'migrations');
      for (const file of readdirSync(migrations)
        .filter((f) => f.endsWith('.sql'))
        .sort()) {
        const applied = await api(h.emu, 'POST', `${account(h.emu)}/d1/database/${appDb.body.result.uuid}/query`, {
          sql: readFileSync(join(migrations, file), 'utf8'),
        });
        expect(applied.status).toBe(200);
      }
      await api(h.emu, 'POST', `${account(h.emu)}/pages/projects`, {
        name: 'createsomething-space',
        production_branch: 'main',
        deployment_configs: {
          production: {
            compatibility_date: '2025-01-01',
            compatibility_flags: ['nodejs_compat'],
            d1_databases: { DB: { id: appDb.body.result.uuid } },
            kv_namespaces: { KV: { namespace_id: nsId } },
          },
        },
      });
      expectOk(
        await wrangler(h.emu, cwd, [
          'pages',
          'deploy',
          svelteKitOutput,
          '--project-name',
          'createsomething-space',
          '--branch',
          'main',
        ]),
      );
      const home = await fetchSite(h.emu, 'createsomething-space.pages.localhost', '/');
      expect(home.status).toBe(200);
      expect(home.headers['content-type']).toContain('text/html');
    },
  );
  if (!existsSync(svelteKitOutput)) {
    console.warn(
      `SKIPPED SvelteKit deploy: ${svelteKitOutput} does not exist (build packages/space first to include it).`,
    );
  }
});
