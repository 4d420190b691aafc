import type { DeclaredBinding } from '../../../infra/bindings';
import type { AppSource, MigrationFile, WorkerSource } from '../../../infra/plan/types';

/** The package's own D1 `DB` and KV `KV`, as each app's wrangler.jsonc declares them. */
export const ownData = (app: string): DeclaredBinding[] => [
  { kind: 'd1', name: 'DB', resource: `createsomething-${app}` },
  { kind: 'kv', name: 'KV', resource: `createsomething-${app}` },
];

/**
 * An inventory app as the scan would give it: by default the package's own D1 and KV with `migrations` on the
 * database, and Workers binding the same two (plus what `workerBindings` adds).
 */
export function appSource(
  name: string,
  workers: string[] = [],
  options: {
    migrations?: MigrationFile[];
    bindings?: DeclaredBinding[];
    workerBindings?: DeclaredBinding[];
    consumers?: WorkerSource['consumers'];
  } = {},
): AppSource {
  return {
    name,
    dir: `packages/${name}`,
    compatibilityDate: '2026-11-01',
    compatibilityFlags: ['nodejs_compat'],
    bindings: options.bindings ?? ownData(name),
    sourceHash: `hash-${name}`,
    migrations: { [`createsomething-${name}`]: options.migrations ?? [] },
    workers: workers.map((w) => ({
      name: w,
      dir: `packages/${name}/workers/${w}`,
      compatibilityDate: '2026-11-01',
      compatibilityFlags: [],
      bindings: [...ownData(name), ...(options.workerBindings ?? [])],
      consumers: options.consumers ?? [],
      sourceHash: `hash-${name}-${w}`,
    })),
  };
}
