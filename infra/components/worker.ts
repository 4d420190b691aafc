import * as cloudflare from '@pulumi/cloudflare';
import * as pulumi from '@pulumi/pulumi';
import { type DeclaredResource, kindOf } from '../bindings';
import type { WorkerBundle } from '../build/bundle-worker';
import type { WorkerPlan } from '../plan/types';
import { bindingValue } from './binding-value';

export interface WorkerArgs {
  /** What the planner decided for this Worker: script name, compatibility settings, its bindings, what it consumes. */
  plan: WorkerPlan;
  /** The module to upload (see `bundleWorker`); its sha256 is passed as `contentSha256` so preview shows a change. */
  bundle: WorkerBundle;
  accountId: string;
  /** The package's resources by logical name (from its {@link SiteApp}): what the Worker's bindings refer to. */
  resources: Readonly<Record<string, DeclaredResource>>;
  /**
   * Secret values by config key, bound as `secret_text`: Cloudflare never returns them, and Pulumi keeps them
   * encrypted in the state. One per secret binding of the plan.
   * @default {}
   */
  secrets?: Readonly<Record<string, string>>;
}

/**
 * A standalone module Worker of a package, with the bindings its wrangler config declares (infra/bindings/), the
 * queues it consumes, reachable on workers.dev.
 *
 * `dependsOn` given to the component is passed on to the script: Pulumi does not make a component's children wait
 * for the component's own dependencies, and the script is what must come after them (schema before code: give it
 * the package's D1 migrations, as `declareInfrastructure` does).
 */
export class Worker extends pulumi.ComponentResource {
  readonly scriptName: pulumi.Output<string>;
  /** Where the Worker answers; undefined on Cloudflare until `create-something:workersDevSubdomain` is set. */
  readonly url: pulumi.Output<string | undefined>;
  readonly script: cloudflare.WorkersScript;

  constructor(name: string, args: WorkerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('create-something:index:Worker', name, {}, opts);
    const { plan, bundle } = args;
    const resourceOf = (logicalName: string): DeclaredResource => {
      const resource = args.resources[logicalName];
      if (!resource) throw new Error(`${name}: no resource ${logicalName} in its package`);
      return resource;
    };
    this.script = new cloudflare.WorkersScript(
      `${name}-script`,
      {
        accountId: args.accountId,
        scriptName: plan.scriptName,
        // By file and hash, not inline: inline content would be kept in the state (twice) on every run.
        contentFile: bundle.file,
        contentSha256: bundle.sha256,
        mainModule: bundle.mainModule,
        compatibilityDate: plan.compatibilityDate,
        compatibilityFlags: plan.compatibilityFlags,
        bindings: plan.bindings.map((binding) => {
          const shape = kindOf(binding.kind).worker;
          if (!shape) throw new Error(`${binding.kind} bindings cannot be bound in a Worker`);
          return shape(
            binding,
            bindingValue(binding, args.resources, args.secrets),
          ) as unknown as cloudflare.types.input.WorkersScriptBinding;
        }),
      },
      { parent: this, ...(opts?.dependsOn ? { dependsOn: opts.dependsOn } : {}) },
    );
    new cloudflare.WorkersScriptSubdomain(
      `${name}-subdomain`,
      { accountId: args.accountId, scriptName: this.script.scriptName, enabled: true, previewsEnabled: false },
      { parent: this },
    );
    for (const consumer of plan.consumers) {
      new cloudflare.QueueConsumer(
        `${name}-consumes-${consumer.queue}`,
        {
          accountId: args.accountId,
          queueId: resourceOf(consumer.queue).id,
          scriptName: this.script.scriptName,
          type: 'worker',
          settings: {
            ...(consumer.batchSize !== undefined ? { batchSize: consumer.batchSize } : {}),
            ...(consumer.maxWaitTimeMs !== undefined ? { maxWaitTimeMs: consumer.maxWaitTimeMs } : {}),
            ...(consumer.maxRetries !== undefined ? { maxRetries: consumer.maxRetries } : {}),
          },
        },
        { parent: this },
      );
    }
    this.scriptName = this.script.scriptName;
    this.url = pulumi.output(plan.url);
    this.registerOutputs({ scriptName: this.scriptName, url: this.url });
  }
}
