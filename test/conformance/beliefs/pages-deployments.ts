import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { withCreated } from '../support/resources.ts';
import { expectSuccess, sdk, type Target, wrangler } from '../support/target.ts';
import { createNamespace } from './kv.ts';
import { createProject } from './pages.ts';

/** A site whose only answer says which KV namespace (by its `which` value) the deployment is bound to, if any. */
const WORKER = `export default {
  async fetch(request, env) {
    return Response.json({ kv: env.KV ? await env.KV.get('which') : null });
  },
};
`;

async function deploy(t: Target, project: string, branch: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-pages-'));
  try {
    mkdirSync(join(dir, 'site'));
    writeFileSync(join(dir, 'site', 'index.html'), '<h1>conformance</h1>');
    writeFileSync(join(dir, 'site', '_worker.js'), WORKER);
    // From an empty folder, as infra/commands/upload.mjs runs it: no wrangler config takes the project's bindings over.
    expectSuccess(await wrangler(t, ['pages', 'deploy', 'site', '--project-name', project, '--branch', branch], dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const list = await sdk(t).pages.projects.deployments.list(project, { account_id: t.accountId });
  const newest = list.result.find((d) => d.deployment_trigger?.metadata?.branch === branch);
  if (!newest?.url) throw new Error(`no deployment of branch ${branch} listed: ${JSON.stringify(list.result)}`);
  return newest.url;
}

async function boundValue(t: Target, url: string): Promise<unknown> {
  const res = await t.fetchSite(url, '/');
  expect(res.status, res.body).toBe(200);
  return (JSON.parse(res.body) as { kv: unknown }).kv;
}

/** Deployments as infra/commands/upload.mjs makes them and the README's "Bindings live in deployments" relies on. */
export function pagesDeploymentBeliefs(target: () => Target): void {
  it('B23 Pages: a deployment keeps the bindings it was created with; a project change reaches only new deployments; a branch gets the preview config', async () => {
    const t = target();
    await withCreated(async (created) => {
      const a = await createNamespace(t, created, 'kv-a');
      const b = await createNamespace(t, created, 'kv-b');
      const cf = sdk(t);
      for (const [ns, which] of [
        [a, 'A'],
        [b, 'B'],
      ] as const) {
        await cf.kv.namespaces.values.update('which', { account_id: t.accountId, namespace_id: ns.id, value: which });
      }
      const project = await createProject(t, created, {
        production: { compatibility_date: '2025-01-01', kv_namespaces: { KV: { namespace_id: a.id } } },
        preview: { compatibility_date: '2025-01-01' },
      });

      const first = await deploy(t, project, 'main');
      expect(await boundValue(t, first)).toBe('A');

      await cf.pages.projects.edit(project, {
        account_id: t.accountId,
        deployment_configs: { production: { kv_namespaces: { KV: { namespace_id: b.id } } } } as never,
      });
      expect(await boundValue(t, first)).toBe('A');

      const second = await deploy(t, project, 'main');
      expect(second).not.toBe(first);
      expect(await boundValue(t, second)).toBe('B');

      // Preview deployments get the preview config, which here binds nothing (as on the protected prod stack).
      const branch = await deploy(t, project, 'conformance-branch');
      expect(await boundValue(t, branch)).toBeNull();
    });
  });
}
