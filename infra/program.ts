import { relative } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { bundleWorker } from './build/bundle-worker';
import { SiteApp } from './components/site-app';
import { Worker } from './components/worker';
import type { DeploymentPlan } from './plan/types';

export interface AppOutputs {
  projectName: pulumi.Output<string>;
  productionUrl: pulumi.Output<string>;
  deploymentUrl: pulumi.Output<string>;
  /** The Pages deployment this stack made (or put back) last; the project serves it unless a refresh says otherwise. */
  deploymentId: pulumi.Output<string>;
  databaseId: pulumi.Output<string>;
  kvNamespaceId: pulumi.Output<string>;
  migrationBookmark: pulumi.Output<string>;
  workers: Record<string, { scriptName: pulumi.Output<string>; url: pulumi.Output<string | undefined> }>;
}

/**
 * Declares the resources for a plan: one {@link SiteApp} per package, one {@link Worker} per enabled Worker.
 * `workerSecrets` holds the value of each Worker secret by config key (validated by `validateConfig`).
 */
export function declareInfrastructure(
  plan: DeploymentPlan,
  /** Only when the token comes from the stack's config; a token from the environment stays out of every input. */
  apiToken: pulumi.Input<string> | undefined,
  rootDir: string,
  workerSecrets: Readonly<Record<string, string>> = {},
): Record<string, AppOutputs> {
  const outputs: Record<string, AppOutputs> = {};
  const repoDir = relative(process.cwd(), rootDir) || '.';
  for (const appPlan of plan.apps) {
    const app = new SiteApp(appPlan.name, {
      plan: appPlan,
      accountId: plan.accountId,
      ...(apiToken !== undefined ? { apiToken } : {}),
      repoDir,
      ...(plan.apiBaseUrl ? { apiBaseUrl: plan.apiBaseUrl } : {}),
    });
    const workers: AppOutputs['workers'] = {};
    for (const workerPlan of appPlan.workers) {
      const worker = new Worker(
        workerPlan.logicalName,
        {
          plan: workerPlan,
          bundle: bundleWorker(rootDir, workerPlan.dir, workerPlan.sourceHash),
          accountId: plan.accountId,
          databaseId: app.databaseId,
          kvNamespaceId: app.kvNamespaceId,
          secrets: Object.fromEntries(
            workerPlan.secrets.map(({ binding, configKey }) => {
              const value = workerSecrets[configKey];
              if (value === undefined)
                throw new Error(`${configKey} has no value: validate config with its key first.`);
              return [binding, pulumi.secret(value)];
            }),
          ),
        },
        // Schema before code: the Worker reads the tables its package's migrations create.
        { parent: app, dependsOn: [app.migrations] },
      );
      workers[workerPlan.name] = { scriptName: worker.scriptName, url: worker.url };
    }
    outputs[appPlan.name] = {
      projectName: app.projectName,
      productionUrl: app.productionUrl,
      deploymentUrl: app.deploymentUrl,
      deploymentId: app.deployment.deploymentId,
      databaseId: app.databaseId,
      kvNamespaceId: app.kvNamespaceId,
      migrationBookmark: app.migrationBookmark,
      workers,
    };
  }
  return outputs;
}
