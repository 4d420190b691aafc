import type { StackDefinition } from '../../stacks/definition';
import { emulatorOrigin, localPagesUrl, localWorkerUrl } from './local-urls';
import { appResourceName, assertValidProjectName, workerScriptName } from './naming';
import { planBindings, planConsumers, planResources } from './plan-bindings';
import type { AppPlan, DeploymentPlan, Inventory, TargetConfig, WorkerPlan } from './types';

/**
 * Decides everything the stack will declare, from what is on disk, the environment's definition and its account
 * settings. Pure: same input, same plan; errors name what to fix.
 */
export function planDeployment(
  stack: string,
  inventory: Inventory,
  definition: StackDefinition,
  target: TargetConfig,
): DeploymentPlan {
  assertReferencesExist(inventory, definition);
  const local = emulatorOrigin(target.apiBaseUrl);
  const enabledWorkers = new Set(definition.workers);
  const deployBranch = definition.deployBranch ?? definition.productionBranch;
  const workerUrl = (script: string): { url?: string } => {
    if (local) return { url: localWorkerUrl(local.port, script) };
    if (target.workersDevSubdomain) return { url: `https://${script}.${target.workersDevSubdomain}.workers.dev/` };
    return {};
  };

  const apps = inventory.apps.map((app): AppPlan => {
    const physical = appResourceName(app.name, definition.nameSuffix);
    assertValidProjectName(physical);
    const enabled = app.workers.filter((worker) => enabledWorkers.has(`${app.name}/${worker.name}`));
    const resources = planResources(app, enabled, definition);
    const owner = {
      app: app.name,
      enabledWorkers: enabled.map((w) => w.name),
      nameSuffix: definition.nameSuffix,
    };
    const workers = enabled.map((worker): WorkerPlan => {
      const scriptName = workerScriptName(worker.name, definition.nameSuffix);
      return {
        logicalName: `${app.name}-${worker.name}`,
        app: app.name,
        name: worker.name,
        dir: worker.dir,
        scriptName,
        compatibilityDate: worker.compatibilityDate,
        compatibilityFlags: worker.compatibilityFlags,
        bindings: planBindings(worker.bindings, resources, {
          ...owner,
          worker: worker.name,
          file: `${worker.dir}/wrangler.jsonc`,
        }),
        consumers: planConsumers(worker.consumers, resources),
        sourceHash: worker.sourceHash,
        ...workerUrl(scriptName),
      };
    });
    return {
      name: app.name,
      dir: app.dir,
      projectName: physical,
      resources,
      bindings: planBindings(app.bindings, resources, { ...owner, file: `${app.dir}/wrangler.jsonc` }),
      productionBranch: definition.productionBranch,
      deployBranch,
      compatibilityDate: app.compatibilityDate,
      compatibilityFlags: app.compatibilityFlags,
      customDomains: definition.customDomains[app.name] ?? [],
      protect: definition.protect,
      sourceHash: app.sourceHash,
      ...(local ? { localSiteUrl: localPagesUrl(local.port, physical) } : {}),
      workers,
    };
  });

  return {
    stack,
    accountId: target.accountId,
    ...(target.apiBaseUrl ? { apiBaseUrl: target.apiBaseUrl } : {}),
    apps,
  };
}

/** A stack file naming a package or Worker that does not exist is a typo, not something to skip quietly. */
function assertReferencesExist(inventory: Inventory, definition: StackDefinition): void {
  const apps = new Set(inventory.apps.map((app) => app.name));
  const workers = new Set(inventory.apps.flatMap((app) => app.workers.map((w) => `${app.name}/${w.name}`)));
  for (const entry of definition.workers) {
    if (!workers.has(entry)) {
      const [app, worker] = entry.split('/');
      throw new Error(
        `The stack enables Worker "${entry}", but there is no folder packages/${app}/workers/${worker}/ with a wrangler config. Known Workers: ${[...workers].join(', ') || 'none'}.`,
      );
    }
  }
  for (const app of Object.keys(definition.customDomains)) {
    if (!apps.has(app)) {
      throw new Error(
        `The stack lists custom domains for "${app}", which is not a package. Packages: ${[...apps].join(', ')}.`,
      );
    }
  }
}
