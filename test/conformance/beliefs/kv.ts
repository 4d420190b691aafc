import { expect, it } from 'vitest';
import { type Created, existsUnless404, withCreated } from '../support/resources.ts';
import { failure, sdk, type Target, uniqueName } from '../support/target.ts';

/** A KV namespace for one belief, deleted (and checked gone) after it. */
export async function createNamespace(
  t: Target,
  created: Created,
  what = 'kv',
): Promise<{ id: string; title: string }> {
  const cf = sdk(t);
  const ns = await cf.kv.namespaces.create({ account_id: t.accountId, title: uniqueName(t, what) });
  created.add(
    `KV namespace ${ns.title}`,
    () => cf.kv.namespaces.delete(ns.id, { account_id: t.accountId }),
    () => existsUnless404(() => cf.kv.namespaces.get(ns.id, { account_id: t.accountId })),
  );
  return { id: ns.id, title: ns.title };
}

/** KV as the provider, scripts/cloudflare-lookup.ts (adopt: KV by title) and the sites use it. */
export function kvBeliefs(target: () => Target): void {
  it('B13 KV: a created namespace is listed with its title and found by id', async () => {
    const t = target();
    await withCreated(async (created) => {
      const ns = await createNamespace(t, created);
      const cf = sdk(t);
      expect((await cf.kv.namespaces.get(ns.id, { account_id: t.accountId })).title).toBe(ns.title);
      const titled: string[] = [];
      for await (const n of cf.kv.namespaces.list({ account_id: t.accountId, per_page: 100 })) {
        if (n.title === ns.title) titled.push(n.id);
      }
      expect(titled).toEqual([ns.id]);
    });
  });

  it('B14 KV: a second namespace with a used title fails with 400, code 10014', async () => {
    const t = target();
    await withCreated(async (created) => {
      const ns = await createNamespace(t, created);
      const refused = await failure(sdk(t).kv.namespaces.create({ account_id: t.accountId, title: ns.title }));
      expect(refused.status).toBe(400);
      expect(refused.codes).toContain(10014);
    });
  });

  it('B15 KV: a value put with metadata reads back byte for byte, with its metadata', async () => {
    const t = target();
    await withCreated(async (created) => {
      const ns = await createNamespace(t, created);
      const cf = sdk(t);
      await cf.kv.namespaces.values.update('greeting', {
        account_id: t.accountId,
        namespace_id: ns.id,
        value: 'héllo ✓',
        metadata: { from: 'conformance' },
      });
      const value = await cf.kv.namespaces.values.get('greeting', { account_id: t.accountId, namespace_id: ns.id });
      expect(await value.text()).toBe('héllo ✓');
      const metadata = await cf.kv.namespaces.metadata.get('greeting', {
        account_id: t.accountId,
        namespace_id: ns.id,
      });
      expect(metadata).toEqual({ from: 'conformance' });
    });
  });

  it('B16 KV: a key that does not exist answers 404 (code 10009)', async () => {
    const t = target();
    await withCreated(async (created) => {
      const ns = await createNamespace(t, created);
      const missing = await failure(
        sdk(t).kv.namespaces.values.get('nothing-here', { account_id: t.accountId, namespace_id: ns.id }),
      );
      expect(missing.status).toBe(404);
      expect(missing.codes).toContain(10009);
    });
  });

  it('B17 KV: a deleted namespace answers 404 and is no longer listed (what drift detection reads)', async () => {
    const t = target();
    const cf = sdk(t);
    const ns = await cf.kv.namespaces.create({ account_id: t.accountId, title: uniqueName(t, 'doomed') });
    try {
      await cf.kv.namespaces.delete(ns.id, { account_id: t.accountId });
    } finally {
      // Whatever happened above, nothing may outlive the belief.
      await cf.kv.namespaces.delete(ns.id, { account_id: t.accountId }).catch(() => undefined);
    }
    const gone = await failure(cf.kv.namespaces.get(ns.id, { account_id: t.accountId }));
    expect(gone.status).toBe(404);
    const ids: string[] = [];
    for await (const n of cf.kv.namespaces.list({ account_id: t.accountId, per_page: 100 })) ids.push(n.id);
    expect(ids).not.toContain(ns.id);
  });
}
