import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanInventory } from '../../infra/inventory/scan';
import { readWranglerConfig } from '../../infra/inventory/wrangler-config';
import { APP_BINDINGS } from '../../infra/plan/bindings';

const ROOT = join(__dirname, '..', '..');
const inventory = scanInventory(ROOT);

describe("binding names: infra and the apps' local wrangler configs agree", () => {
  it('finds the four apps', () => {
    expect(inventory.apps.map((a) => a.name).sort()).toEqual(['agency', 'io', 'ltd', 'space']);
  });

  it.each(inventory.apps.map((a) => [a.name, a] as const))('%s declares exactly DB and KV', (_name, app) => {
    expect(app.declaredBindings).toEqual({ d1: [APP_BINDINGS.database], kv: [APP_BINDINGS.kv] });
  });

  it.each(inventory.apps.flatMap((a) => a.workers.map((w) => [`${a.name}/${w.name}`, w.dir] as const)))(
    'Worker %s binds the package D1 and KV under the same names',
    (_name, dir) => {
      const found = readWranglerConfig(join(ROOT, dir));
      expect(found?.config.d1_databases?.map((d) => d.binding)).toEqual([APP_BINDINGS.database]);
      expect(found?.config.kv_namespaces?.map((k) => k.binding)).toEqual([APP_BINDINGS.kv]);
    },
  );
});
