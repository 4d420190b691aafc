import * as pulumi from '@pulumi/pulumi';
import { PROVIDER_VERSION, TYPES } from '../provider/identity';
import type { PagesDeploymentInputs } from '../provider/pages-deployment';

export type PagesUploadArgs = { [K in keyof PagesDeploymentInputs]: pulumi.Input<PagesDeploymentInputs[K]> };

/**
 * The upload of a package's build to its Pages project, and which deployment the project serves on the branch, read
 * back by refresh (infra/provider/pages-deployment.ts). Typed outputs; no command output in the state.
 */
export class PagesUpload extends pulumi.CustomResource {
  /** The deployment this stack made (or put back) last. */
  declare readonly deploymentId: pulumi.Output<string>;
  /** Its own URL (unique per deployment). */
  declare readonly url: pulumi.Output<string>;
  /** The branch alias URL, or ''. */
  declare readonly alias: pulumi.Output<string>;
  /** sha256 of the output that deployment holds. */
  declare readonly uploadedOutputHash: pulumi.Output<string>;
  declare readonly environment: pulumi.Output<string>;
  /** The deployment the project serves on the branch, as last read. */
  declare readonly servedDeploymentId: pulumi.Output<string>;
  /** '' when the served deployment is ours; otherwise what is wrong, naming both deployment ids. */
  declare readonly drift: pulumi.Output<string>;

  constructor(name: string, args: PagesUploadArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      TYPES.pagesDeployment,
      name,
      {
        ...args,
        deploymentId: undefined,
        url: undefined,
        alias: undefined,
        uploadedOutputHash: undefined,
        environment: undefined,
        servedDeploymentId: undefined,
        drift: undefined,
      },
      // The upload was a command:local:Command of the same name: an existing stack adopts its deployment
      // (legacy-state.ts).
      pulumi.mergeOptions(opts, { aliases: [{ type: 'command:local:Command' }], version: PROVIDER_VERSION }),
    );
  }
}
