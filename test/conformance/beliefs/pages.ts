import { expect, it } from 'vitest';
import { type Created, existsUnless404, withCreated } from '../support/resources.ts';
import { failure, sdk, type Target, uniqueName } from '../support/target.ts';
import { createDatabase } from './d1.ts';
import { createNamespace } from './kv.ts';

export interface Bindings {
  d1_databases?: Record<string, { id?: string } | null>;
  kv_namespaces?: Record<string, { namespace_id?: string } | null>;
}
type Configs = { production?: Bindings & Record<string, unknown>; preview?: Bindings & Record<string, unknown> };

/** A direct-upload Pages project for one belief, deleted (and checked gone) after it. */
export async function createProject(
  t: Target,
  created: Created,
  deploymentConfigs: Record<string, unknown>,
  name = uniqueName(t, 'site'),
): Promise<string> {
  const cf = sdk(t);
  await cf.pages.projects.create({
    account_id: t.accountId,
    name,
    production_branch: 'main',
    deployment_configs: deploymentConfigs as never,
  });
  created.add(
    `Pages project ${name}`,
    () => cf.pages.projects.delete(name, { account_id: t.accountId }),
    () => existsUnless404(() => cf.pages.projects.get(name, { account_id: t.accountId })),
  );
  return name;
}

export async function readConfigs(t: Target, name: string): Promise<Configs> {
  const project = await sdk(t).pages.projects.get(name, { account_id: t.accountId });
  return project.deployment_configs as unknown as Configs;
}

/** Pages projects as the provider, infra/providers/pages-bindings.ts and adopt read and write them. */
export function pagesBeliefs(target: () => Target): void {
  it('B18 Pages: a project created with D1/KV bindings reads them back per environment, and created_on is stable', async () => {
    const t = target();
    await withCreated(async (created) => {
      const db = await createDatabase(t, created);
      const kv = await createNamespace(t, created);
      const name = await createProject(t, created, {
        production: {
          compatibility_date: '2025-01-01',
          d1_databases: { DB: { id: db } },
          kv_namespaces: { KV: { namespace_id: kv.id } },
        },
        preview: { compatibility_date: '2025-01-01' },
      });
      const cf = sdk(t);
      const first = await cf.pages.projects.get(name, { account_id: t.accountId });
      const configs = first.deployment_configs as unknown as Configs;
      expect(configs.production?.d1_databases?.DB?.id).toBe(db);
      expect(configs.production?.kv_namespaces?.KV?.namespace_id).toBe(kv.id);
      expect(Object.keys(configs.preview?.d1_databases ?? {})).toEqual([]);
      expect(typeof first.created_on).toBe('string');
      expect((await cf.pages.projects.get(name, { account_id: t.accountId })).created_on).toBe(first.created_on);
    });
  });

  it('B19 Pages: null for a binding in a PATCH deletes that binding and keeps the others', async () => {
    const t = target();
    await withCreated(async (created) => {
      const db = await createDatabase(t, created);
      const kv = await createNamespace(t, created);
      const name = await createProject(t, created, {
        production: { d1_databases: { DB: { id: db } }, kv_namespaces: { KV: { namespace_id: kv.id } } },
        preview: { d1_databases: { DB: { id: db } }, kv_namespaces: { KV: { namespace_id: kv.id } } },
      });
      await sdk(t).pages.projects.edit(name, {
        account_id: t.accountId,
        deployment_configs: { production: { kv_namespaces: { KV: null } } } as never,
      });
      const configs = await readConfigs(t, name);
      expect(configs.production?.kv_namespaces?.KV ?? undefined).toBeUndefined();
      expect(configs.production?.d1_databases?.DB?.id).toBe(db);
      // A PATCH that names only production leaves preview as it was.
      expect(configs.preview?.kv_namespaces?.KV?.namespace_id).toBe(kv.id);
      expect(configs.preview?.d1_databases?.DB?.id).toBe(db);
    });
  });

  it("B20 Pages: a PATCH with a binding's new id replaces it (how bindings are repaired)", async () => {
    const t = target();
    await withCreated(async (created) => {
      const first = await createNamespace(t, created, 'kv-a');
      const second = await createNamespace(t, created, 'kv-b');
      const name = await createProject(t, created, {
        production: { kv_namespaces: { KV: { namespace_id: first.id } } },
      });
      await sdk(t).pages.projects.edit(name, {
        account_id: t.accountId,
        deployment_configs: { production: { kv_namespaces: { KV: { namespace_id: second.id } } } } as never,
      });
      expect((await readConfigs(t, name)).production?.kv_namespaces).toEqual({ KV: { namespace_id: second.id } });
    });
  });

  it('B21 Pages: a project that does not exist answers 404, code 8000007', async () => {
    const t = target();
    const missing = await failure(sdk(t).pages.projects.get(uniqueName(t, 'missing'), { account_id: t.accountId }));
    expect(missing.status).toBe(404);
    expect(missing.codes).toContain(8000007);
  });

  it('B22 Pages: a project deleted and created again under its name has a new created_on (upload trigger [1])', async () => {
    const t = target();
    await withCreated(async (created) => {
      const name = uniqueName(t, 'again');
      const cf = sdk(t);
      await createProject(t, created, {}, name);
      const before = (await cf.pages.projects.get(name, { account_id: t.accountId })).created_on;
      await cf.pages.projects.delete(name, { account_id: t.accountId });
      expect((await failure(cf.pages.projects.get(name, { account_id: t.accountId }))).status).toBe(404);
      await new Promise((r) => setTimeout(r, 1_100)); // created_on has second precision on some answers
      await cf.pages.projects.create({ account_id: t.accountId, name, production_branch: 'main' });
      const after = (await cf.pages.projects.get(name, { account_id: t.accountId })).created_on;
      expect(after).not.toBe(before);
    });
  });
}
