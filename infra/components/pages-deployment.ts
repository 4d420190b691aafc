import { createHash } from 'node:crypto';
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';

export interface PagesDeploymentArgs {
  /**
   * The repository root, relative to the Pulumi program's working directory (`..` when Pulumi runs `infra/`).
   * Relative on purpose: an absolute path would differ per machine and so redeploy everything when the state is
   * used elsewhere.
   */
  repoDir: string;
  /**
   * The package folder, relative to the repository root.
   * @example 'packages/space'
   */
  packageDir: string;
  /** Pages project to upload to. */
  projectName: pulumi.Input<string>;
  /** Branch of the deployment; the project's production branch makes it the production deployment. */
  branch: string;
  /**
   * Hash of the package's build inputs. The build and upload run when this changes: a `pulumi up` with unchanged
   * sources, project and bindings builds nothing.
   */
  sourceHash: string;
  /**
   * Identity of the Pages project this upload lands in (its `createdOn`): a project deleted and created again behind
   * Pulumi's back is empty, so the upload must run again even though nothing in the repository changed.
   */
  projectIdentity: pulumi.Input<string>;
  /**
   * Everything Cloudflare copies from the project into a deployment when the deployment is created (bindings by
   * resolved id, compatibility date and flags, the branch). Changing the project changes nothing that is already
   * live, so a change here needs a new upload. Only its hash is kept in the trigger.
   */
  deploymentSnapshot: pulumi.Input<Record<string, unknown>>;
  accountId: string;
  /** Passed to wrangler as a secret environment value. */
  apiToken: pulumi.Input<string>;
  /** API base URL for wrangler (`CLOUDFLARE_API_BASE_URL`); unset for Cloudflare itself. */
  apiBaseUrl?: string;
}

/** The deployment wrangler reported. */
export interface PagesDeploymentResult {
  deploymentId: string;
  url: string;
  alias: string | null;
}

/**
 * Builds a SvelteKit app and uploads `.svelte-kit/cloudflare` with `wrangler pages deploy`, as a `local.Command`
 * (there is no Pages deployment resource in any provider). Schema before code: give it `dependsOn` on the package's
 * migrations.
 */
export class PagesDeployment extends pulumi.ComponentResource {
  /** URL of this deployment (unique per deployment). */
  readonly url: pulumi.Output<string>;
  readonly deploymentId: pulumi.Output<string>;
  /** The underlying command, for callers that need its raw outputs. */
  readonly command: command.local.Command;

  constructor(name: string, args: PagesDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super('create-something:index:PagesDeployment', name, {}, opts);
    const environment: Record<string, pulumi.Input<string>> = {
      PACKAGE_DIR: args.packageDir,
      PROJECT_NAME: args.projectName,
      BRANCH: args.branch,
      CLOUDFLARE_ACCOUNT_ID: args.accountId,
      CLOUDFLARE_API_TOKEN: pulumi.secret(args.apiToken),
      WRANGLER_SEND_METRICS: 'false',
    };
    if (args.apiBaseUrl) environment.CLOUDFLARE_API_BASE_URL = args.apiBaseUrl;

    this.command = new command.local.Command(
      `${name}-upload`,
      {
        create: 'node infra/commands/build-and-upload.mjs',
        dir: args.repoDir,
        environment,
        triggers: [
          args.sourceHash,
          args.projectIdentity,
          pulumi.output(args.deploymentSnapshot).apply((snapshot) => `bindings:${snapshotHash(snapshot)}`),
        ],
        logging: 'stderr',
      },
      // A component's dependsOn does not reach its children's registrations: pass it on, so the upload waits for
      // what the caller said it needs (the package's migrations).
      { parent: this, ...(opts?.dependsOn ? { dependsOn: opts.dependsOn } : {}) },
    );
    const result = this.command.stdout.apply(parseDeployment);
    this.url = result.url;
    this.deploymentId = result.deploymentId;
    this.registerOutputs({ url: this.url, deploymentId: this.deploymentId });
  }
}

/** The script's last stdout line is the deployment as JSON; during preview stdout is unknown and this never runs. */
export function parseDeployment(stdout: string): PagesDeploymentResult {
  const lastLine = stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(lastLine) as PagesDeploymentResult;
    if (typeof parsed.url === 'string') return parsed;
  } catch {
    // fall through to the error below
  }
  throw new Error(
    `build-and-upload printed no deployment JSON as its last line; it printed: ${lastLine.slice(0, 200)}`,
  );
}

/** A stable hash of a deployment snapshot: keys sorted at every depth, so the order they were written in is irrelevant. */
export function snapshotHash(snapshot: unknown): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>)
              .filter(([, v]) => v !== undefined)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify(canonical(snapshot)))
    .digest('hex')
    .slice(0, 16);
}
