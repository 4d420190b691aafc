import { toFile } from 'cloudflare';
import { expect, it } from 'vitest';
import { existsUnless404, withCreated } from '../support/resources.ts';
import { failure, sdk, type Target, uniqueName } from '../support/target.ts';
import { createDatabase } from './d1.ts';
import { createNamespace } from './kv.ts';

const SOURCE = 'export default { async fetch() { return new Response("ok"); } };\n';

/** Workers as infra/components/worker.ts declares them (script, bindings, workers.dev route) and adopt looks them up. */
export function workersBeliefs(target: () => Target): void {
  it('B24 Workers: a module script uploaded with D1 and KV bindings lists them in its settings, and is listed by name', async () => {
    const t = target();
    await withCreated(async (created) => {
      const db = await createDatabase(t, created);
      const kv = await createNamespace(t, created);
      const cf = sdk(t);
      const name = uniqueName(t, 'worker');
      await cf.workers.scripts.update(name, {
        account_id: t.accountId,
        metadata: {
          main_module: 'worker.mjs',
          compatibility_date: '2025-01-01',
          bindings: [
            { type: 'd1', name: 'DB', id: db },
            { type: 'kv_namespace', name: 'KV', namespace_id: kv.id },
          ] as never,
        },
        files: [await toFile(Buffer.from(SOURCE), 'worker.mjs', { type: 'application/javascript+module' })],
      });
      created.add(
        `Worker ${name}`,
        () => cf.workers.scripts.delete(name, { account_id: t.accountId, force: true }),
        () => existsUnless404(() => cf.workers.scripts.scriptAndVersionSettings.get(name, { account_id: t.accountId })),
      );
      const settings = await cf.workers.scripts.scriptAndVersionSettings.get(name, { account_id: t.accountId });
      const bindings = (settings.bindings ?? []) as unknown as Array<Record<string, unknown>>;
      // The SDK types a D1 binding read back with `database_id` (and an optional `id`): either names the database.
      const d1 = bindings.find((b) => b.type === 'd1' && b.name === 'DB');
      expect(d1?.database_id ?? d1?.id).toBe(db);
      expect(bindings).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'kv_namespace', name: 'KV', namespace_id: kv.id })]),
      );
      const names: string[] = [];
      for await (const s of cf.workers.scripts.list({ account_id: t.accountId })) names.push(s.id as string);
      expect(names).toContain(name);
    });
  });

  it('B25 Workers: the workers.dev route of a script is turned on and off, and reads back', async () => {
    const t = target();
    await withCreated(async (created) => {
      const cf = sdk(t);
      const name = uniqueName(t, 'route');
      await cf.workers.scripts.update(name, {
        account_id: t.accountId,
        metadata: { main_module: 'worker.mjs', compatibility_date: '2025-01-01' },
        files: [await toFile(Buffer.from(SOURCE), 'worker.mjs', { type: 'application/javascript+module' })],
      });
      created.add(
        `Worker ${name}`,
        () => cf.workers.scripts.delete(name, { account_id: t.accountId, force: true }),
        () => existsUnless404(() => cf.workers.scripts.scriptAndVersionSettings.get(name, { account_id: t.accountId })),
      );
      await cf.workers.scripts.subdomain.create(name, { account_id: t.accountId, enabled: true });
      expect((await cf.workers.scripts.subdomain.get(name, { account_id: t.accountId })).enabled).toBe(true);
      await cf.workers.scripts.subdomain.create(name, { account_id: t.accountId, enabled: false });
      expect((await cf.workers.scripts.subdomain.get(name, { account_id: t.accountId })).enabled).toBe(false);
      expect((await cf.workers.subdomains.get({ account_id: t.accountId })).subdomain).toBeTruthy();
    });
  });

  it('B26 Workers: a script that does not exist answers 404, code 10007', async () => {
    const t = target();
    const missing = await failure(
      sdk(t).workers.scripts.scriptAndVersionSettings.get(uniqueName(t, 'missing'), { account_id: t.accountId }),
    );
    expect(missing.status).toBe(404);
    expect(missing.codes).toContain(10007);
  });
}
