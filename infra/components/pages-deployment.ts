import { createHash } from 'node:crypto';
import * as command from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import { PagesUpload } from '../resources/pages-deployment';

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
   * Turborepo's hash of the package's build (infra/inventory/build-hashes.ts). The build step runs when this changes,
   * and only then (a `pulumi up` with unchanged sources builds nothing); it is also the key of the build in turbo's
   * caches, local and remote, so a build made elsewhere (CI's build job, another stack) is restored, not rebuilt.
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
  /** Only when the stack's config holds the token: passed to wrangler, kept in the state as a secret. */
  apiToken?: pulumi.Input<string>;
  /** API base URL for wrangler (`CLOUDFLARE_API_BASE_URL`); unset for Cloudflare itself. */
  apiBaseUrl?: string;
  /**
   * What the upload must wait for (schema before code: the package's migrations; the project and its bindings).
   * Only the upload waits: the build starts at the beginning of `pulumi up`. (A component's own `dependsOn` would hold
   * back the build too: its children register only once the component's dependencies exist.)
   */
  uploadAfter?: pulumi.Resource[];
}

/**
 * Builds a SvelteKit app (`<name>-build`, a `local.Command` running turbo, at the start of `pulumi up`) and
 * uploads its output (`<name>-upload`, a Pages deployment of the project's own provider plugin, after what
 * `uploadAfter` names). A build that fails uploads nothing; an upload that re-runs with unchanged build inputs (new
 * bindings, a recreated project, a repair) uploads the cached build without rebuilding; a refresh reads which
 * deployment the project serves, and `up` puts ours back when it is another.
 */
export class PagesDeployment extends pulumi.ComponentResource {
  /** URL of this deployment (unique per deployment). */
  readonly url: pulumi.Output<string>;
  readonly deploymentId: pulumi.Output<string>;
  /** The build: starts at once (it needs nothing from Cloudflare), re-runs when the build inputs change. */
  readonly build: command.local.Command;
  /** The upload and what the project serves. */
  readonly upload: PagesUpload;

  constructor(name: string, args: PagesDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super('create-something:index:PagesDeployment', name, {}, opts);
    // No credentials: build-time code (Vite plugins, postinstall scripts) never sees the token.
    this.build = new command.local.Command(
      `${name}-build`,
      {
        create: 'node infra/commands/build.mjs',
        dir: args.repoDir,
        environment: { PACKAGE_DIR: args.packageDir, BUILD_INPUT_HASH: args.sourceHash },
        triggers: [args.sourceHash],
        logging: 'stderr',
      },
      { parent: this },
    );
    const built = this.build.stdout.apply(parseBuild);

    this.upload = new PagesUpload(
      `${name}-upload`,
      {
        accountId: args.accountId,
        projectName: args.projectName,
        branch: args.branch,
        packageDir: args.packageDir,
        buildInputHash: args.sourceHash,
        // What is uploaded (a rebuild that produces the same output uploads nothing), where (the project's identity)
        // and with what (the bindings a deployment snapshots).
        outputHash: built.outputHash,
        projectIdentity: args.projectIdentity,
        configHash: pulumi.output(args.deploymentSnapshot).apply(snapshotHash),
        ...(args.apiToken !== undefined ? { apiToken: pulumi.secret(args.apiToken) } : {}),
        ...(args.apiBaseUrl ? { apiBaseUrl: args.apiBaseUrl } : {}),
      },
      { parent: this, dependsOn: [this.build, ...(args.uploadAfter ?? [])] },
    );
    this.url = this.upload.url;
    this.deploymentId = this.upload.deploymentId;
    this.registerOutputs({ url: this.url, deploymentId: this.deploymentId });
  }
}

/** build.mjs prints `{ outputHash, reused }` as its last stdout line. */
export function parseBuild(stdout: string): { outputHash: string; reused: boolean } {
  const lastLine = stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(lastLine) as { outputHash: string; reused: boolean };
    if (typeof parsed.outputHash === 'string') return parsed;
  } catch {
    // fall through to the error below
  }
  throw new Error(`build.mjs printed no build JSON as its last line; it printed: ${lastLine.slice(0, 200)}`);
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
