import * as cloudflare from '@pulumi/cloudflare';
import * as pulumi from '@pulumi/pulumi';
import type { WorkerBundle } from '../build/bundle-worker';
import { APP_BINDINGS } from '../plan/bindings';
import type { WorkerPlan } from '../plan/types';

export interface WorkerArgs {
  /** What the planner decided for this Worker: script name, compatibility settings, its own extra bindings. */
  plan: WorkerPlan;
  /** The module to upload (see `bundleWorker`); its sha256 is passed as `contentSha256` so preview shows a change. */
  bundle: WorkerBundle;
  accountId: string;
  /** The package's D1 database uuid, bound as {@link APP_BINDINGS.database}. */
  databaseId: pulumi.Input<string>;
  /** The package's KV namespace id, bound as {@link APP_BINDINGS.kv}. */
  kvNamespaceId: pulumi.Input<string>;
  /**
   * Secret values by binding name (`{ API_TOKEN: pulumi.secret(…) }`), bound as `secret_text`: Cloudflare never
   * returns them, and Pulumi keeps them encrypted in the state. One per entry of the plan's `secrets`.
   * @default {}
   */
  secrets?: Record<string, pulumi.Input<string>>;
}

/**
 * A standalone module Worker of a package, with the package's D1 and KV plus its own bindings, reachable on
 * workers.dev.
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
        bindings: [
          { type: 'd1', name: APP_BINDINGS.database, id: args.databaseId },
          { type: 'kv_namespace', name: APP_BINDINGS.kv, namespaceId: args.kvNamespaceId },
          ...plan.extraBindings.map((b) =>
            b.type === 'plain_text' ? { type: b.type, name: b.name, text: b.text } : { type: b.type, name: b.name },
          ),
          ...Object.entries(args.secrets ?? {}).map(([name, text]) => ({
            type: 'secret_text',
            name,
            text: pulumi.secret(text),
          })),
        ],
      },
      { parent: this, ...(opts?.dependsOn ? { dependsOn: opts.dependsOn } : {}) },
    );
    new cloudflare.WorkersScriptSubdomain(
      `${name}-subdomain`,
      { accountId: args.accountId, scriptName: this.script.scriptName, enabled: true, previewsEnabled: false },
      { parent: this },
    );
    this.scriptName = this.script.scriptName;
    this.url = pulumi.output(plan.url);
    this.registerOutputs({ scriptName: this.scriptName, url: this.url });
  }
}
