import type { StackDefinition } from '../../stacks/definition';
import { BINDING_KINDS, type DeclaredBinding, kindOf } from '../bindings';
import { secretConfigKey } from '../bindings/secrets';
import { workerScriptName } from './naming';
import type { AppSource, Inventory, PlannedBinding, PlannedResource, WorkerPlan } from './types';

/**
 * From what a package's wrangler configs declare to what the stack provisions and binds. Pure. A resource is the
 * package's, shared by the app and its Workers through its production name (two configs naming `createsomething-space`
 * as their D1 `database_name` bind one database), and provisioned once per stack under that name plus the stack's
 * suffix. Only the app and the Workers the stack enables count.
 */
export function planResources(
  app: AppSource,
  workers: AppSource['workers'],
  definition: StackDefinition,
): PlannedResource[] {
  const declared = [
    ...app.bindings,
    ...workers.flatMap((w) => [
      ...w.bindings,
      ...w.consumers.map((c): DeclaredBinding => ({ kind: 'queue', name: '', resource: c.queue })),
    ]),
  ];
  const resources = new Map<string, PlannedResource>();
  for (const binding of declared) {
    const resourceKind = kindOf(binding.kind).resource;
    if (!resourceKind || !binding.resource) continue;
    const key = `${binding.kind}:${binding.resource}`;
    if (resources.has(key)) continue;
    const physicalName = `${binding.resource}${definition.nameSuffix}`;
    const problem = resourceKind.nameProblem(physicalName);
    if (problem) throw new Error(`packages/${app.name}: ${problem}`);
    const migrations = binding.kind === 'd1' ? app.migrations[binding.resource] : undefined;
    resources.set(key, {
      kind: binding.kind,
      resource: binding.resource,
      logicalName: resourceKind.logicalName(app.name, binding.resource),
      physicalName,
      protect: definition.protect,
      ...(migrations ? { migrations } : {}),
    });
  }
  const byLogicalName = new Map<string, string>();
  for (const [key, resource] of resources) {
    const other = byLogicalName.get(resource.logicalName);
    if (other)
      throw new Error(
        `packages/${app.name}: ${other} and ${key} would both be declared as ${resource.logicalName}: rename one of them.`,
      );
    byLogicalName.set(resource.logicalName, key);
  }
  return [...resources.values()];
}

/** Where each declared binding's value comes from on this stack. */
export function planBindings(
  declared: readonly DeclaredBinding[],
  resources: readonly PlannedResource[],
  owner: { app: string; worker?: string; file: string; enabledWorkers: readonly string[]; nameSuffix: string },
): PlannedBinding[] {
  const context = {
    file: owner.file,
    workerScript: (worker: string) =>
      owner.enabledWorkers.includes(worker) ? workerScriptName(worker, owner.nameSuffix) : undefined,
  };
  return declared.map((binding): PlannedBinding => {
    const kind = kindOf(binding.kind);
    if (kind.resource) {
      const resource = resources.find((r) => r.kind === binding.kind && r.resource === binding.resource);
      if (!resource)
        throw new Error(`${owner.file}: ${binding.name} binds ${binding.resource}, which was not planned.`);
      return { ...binding, resourceName: resource.logicalName };
    }
    if (binding.kind === 'secret') return { ...binding, configKey: secretConfigKey(owner, binding.name) };
    return { ...binding, value: kind.planValue?.(binding, context) ?? '' };
  });
}

/** The queues a Worker consumes, by the logical name of their resource. */
export function planConsumers(
  consumers: AppSource['workers'][number]['consumers'],
  resources: readonly PlannedResource[],
): WorkerPlan['consumers'] {
  return consumers.map((consumer) => {
    const resource = resources.find((r) => r.kind === 'queue' && r.resource === consumer.queue);
    if (!resource) throw new Error(`queue ${consumer.queue} was not planned`);
    return { ...consumer, queue: resource.logicalName };
  });
}

/**
 * The stack config keys holding secret values: every secret of every app, and of the Workers the stack enables. Read
 * before the plan, so that config validation names every missing key at once.
 */
export function requiredSecretKeys(inventory: Inventory, definition: StackDefinition): string[] {
  const keys = inventory.apps.flatMap((app) => [
    ...app.bindings.filter((b) => b.kind === 'secret').map((b) => secretConfigKey({ app: app.name }, b.name)),
    ...app.workers
      .filter((w) => definition.workers.includes(`${app.name}/${w.name}`))
      .flatMap((w) =>
        w.bindings
          .filter((b) => b.kind === 'secret')
          .map((b) => secretConfigKey({ app: app.name, worker: w.name }, b.name)),
      ),
  ]);
  return [...new Set(keys)];
}

/** The binding kinds that a preview deployment of a protected stack may get (no data, no credentials). */
export function inProtectedPreview(binding: DeclaredBinding): boolean {
  return BINDING_KINDS.some((k) => k.kind === binding.kind && k.inProtectedPreview);
}
