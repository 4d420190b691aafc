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
  /** The package's own D1 database (`<app>-database`) and KV namespace (`<app>-kv`), '' when it has none. */
  databaseId: pulumi.Output<string>;
  kvNamespaceId: pulumi.Output<string>;
  /**
   * Every resource of the package on this stack, by logical name: its kind, its name in the account and the value
   * bindings refer to it by (D1 uuid, KV id, bucket or queue name). What `pnpm wrangler` and the e2e tier read.
   */
  resources: Record<string, { kind: string; name: string; ref: pulumi.Output<string> }>;
  migrationBookmark: pulumi.Output<string>;
  workers: Record<string, { scriptName: pulumi.Output<string>; url: pulumi.Output<string | undefined> }>;
}

/**
 * Declares the resources for a plan: one {@link SiteApp} per package, one {@link Worker} per enabled Worker.
 * `secrets` holds the value of each secret by config key (validated by `validateConfig`).
 */
export function declareInfrastructure(
  plan: DeploymentPlan,
  /** Only when the token comes from the stack's config; a token from the environment stays out of every input. */
  apiToken: pulumi.Input<string> | undefined,
  rootDir: string,
  secrets: Readonly<Record<string, string>> = {},
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
      secrets,
    });
    const workers: AppOutputs['workers'] = {};
    for (const workerPlan of appPlan.workers) {
      const worker = new Worker(
        workerPlan.logicalName,
        {
          plan: workerPlan,
          bundle: bundleWorker(rootDir, workerPlan.dir, workerPlan.sourceHash),
          accountId: plan.accountId,
          resources: app.resources,
          secrets,
        },
        // Schema before code: the Worker reads the tables its package's migrations create.
        { parent: app, dependsOn: app.migrations },
      );
      workers[workerPlan.name] = { scriptName: worker.scriptName, url: worker.url };
    }
    outputs[appPlan.name] = {
      projectName: app.projectName,
      productionUrl: app.productionUrl,
      deploymentUrl: app.deploymentUrl,
      deploymentId: app.deployment.deploymentId,
      databaseId: app.refOf(`${appPlan.name}-database`) ?? pulumi.output(''),
      kvNamespaceId: app.refOf(`${appPlan.name}-kv`) ?? pulumi.output(''),
      resources: Object.fromEntries(
        appPlan.resources.map((r) => [
          r.logicalName,
          { kind: r.kind, name: r.physicalName, ref: app.refOf(r.logicalName) as pulumi.Output<string> },
        ]),
      ),
      migrationBookmark: app.migrationBookmark,
      workers,
    };
  }
  return outputs;
}
