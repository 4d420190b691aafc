import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type Cloudflare from 'cloudflare';
import { all, describeFailure, orNotFound, type ProviderClient, providerClient } from '../cloudflare/client';
import { type DiffResult, isKnown, type ResourceHandler } from './handler';
import { type LegacyUpload, legacyUpload } from './legacy-state';

/**
 * A package's deployment on its Pages project: the upload of one build, and which deployment the project serves on
 * the stack's branch, read back from Cloudflare.
 *
 * - create/update: uploads the build whose output hash is `outputHash` (wrangler, through infra/commands/upload.mjs,
 *   which takes it from turbo's caches, or builds it first without any Cloudflare credential).
 * - read (`pulumi refresh`, `preview --refresh`): which deployment the project serves on `branch` now
 *   (`servedDeploymentId`), and whether ours still exists. A rollback in the dashboard, a deployment deleted or a hand
 *   `wrangler pages deploy` shows as a change of `servedDeploymentId` (and `drift`, in words, with both ids).
 * - diff: an upload when what is to be uploaded or what it binds changed; a repair when another deployment is served.
 * - the repair (update with unchanged inputs): the rollback API puts our deployment back when it still exists and
 *   the branch is the production branch. Why a rollback rather than a new upload: it serves exactly the bytes and the
 *   bindings snapshot this stack recorded, at once, and makes no new deployment; Cloudflare rolls back production
 *   deployments only, so on a preview branch, or when our deployment was deleted, the build is uploaded again.
 * - delete: nothing (a deployment is history; it goes with its project).
 *
 * Served by the project's provider plugin (server.ts) as `createsomething:pages:Deployment`; the program declares it
 * with `infra/resources/pages-deployment.ts`.
 */

export interface PagesDeploymentInputs {
  accountId: string;
  projectName: string;
  /** The branch uploads go to; the project's production branch makes them production deployments. */
  branch: string;
  /** The package folder relative to the repository root (`packages/io`): names the package in messages and logs. */
  packageDir: string;
  /** Turborepo's hash of the build: its key in turbo's caches. */
  buildInputHash: string;
  /** sha256 of the build's output: what is uploaded. An unchanged output is not uploaded again. */
  outputHash: string;
  /** The project's `created_on`: a project recreated behind Pulumi's back is empty and needs the upload again. */
  projectIdentity: string;
  /** Hash of what Cloudflare copies from the project into each new deployment (bindings, compatibility settings). */
  configHash: string;
  /** Only when the stack's config holds the token; otherwise the job's CLOUDFLARE_API_TOKEN is used. */
  apiToken?: string;
  apiBaseUrl?: string;
}

export interface PagesDeploymentOutputs extends PagesDeploymentInputs {
  /** The deployment this stack made (or put back) last. */
  deploymentId: string;
  /** Its own URL (unique per deployment). */
  url: string;
  /** The branch alias URL wrangler reported, if any. */
  alias: string;
  /** sha256 of the output that deployment holds (equals `outputHash` once up to date). */
  uploadedOutputHash: string;
  /** `production` or `preview`. */
  environment: string;
  /** The deployment the project serves on `branch`, as last read ('' when none). */
  servedDeploymentId: string;
  /** '' when the served deployment is ours; otherwise what is wrong, naming the package and both deployment ids. */
  drift: string;
}

/** How an upload is carried out; tests replace it. */
export type Uploader = (inputs: PagesDeploymentInputs) => Promise<UploadedDeployment>;

export interface UploadedDeployment {
  deploymentId: string;
  url: string;
  alias: string | null;
}

const REPO_ROOT = join(__dirname, '..', '..');
/** Upload output kept for an error message: wrangler's own last lines say what failed. */
const ERROR_TAIL_LINES = 25;

/**
 * Runs `<repoRoot>/infra/commands/upload.mjs` from `repoRoot`, which uploads with wrangler and prints the deployment
 * as its last stdout line.
 */
export const uploaderAt =
  (repoRoot: string): Uploader =>
  (inputs) =>
    new Promise((resolve, reject) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PACKAGE_DIR: inputs.packageDir,
        BUILD_INPUT_HASH: inputs.buildInputHash,
        OUTPUT_HASH: inputs.outputHash,
        PROJECT_NAME: inputs.projectName,
        BRANCH: inputs.branch,
        CLOUDFLARE_ACCOUNT_ID: inputs.accountId,
        WRANGLER_SEND_METRICS: 'false',
      };
      if (inputs.apiToken) env.CLOUDFLARE_API_TOKEN = inputs.apiToken;
      if (inputs.apiBaseUrl) env.CLOUDFLARE_API_BASE_URL = inputs.apiBaseUrl;
      const child = spawn(process.execPath, [join(repoRoot, 'infra', 'commands', 'upload.mjs')], {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on('error', (error) =>
        reject(new Error(`[upload ${inputs.packageDir}] could not start: ${error.message}`)),
      );
      child.on('close', (code) => {
        const tail = stderr.trim().split('\n').slice(-ERROR_TAIL_LINES).join('\n');
        if (code !== 0) {
          reject(new Error(`[upload ${inputs.packageDir}] failed (exit ${code}):\n${tail}`));
          return;
        }
        try {
          const reported = JSON.parse(stdout.trim().split('\n').pop() ?? '') as UploadedDeployment;
          if (typeof reported.deploymentId !== 'string' || typeof reported.url !== 'string') throw new Error('no ids');
          resolve(reported);
        } catch {
          reject(new Error(`[upload ${inputs.packageDir}] printed no deployment JSON as its last line:\n${tail}`));
        }
      });
    });

/** The upload of this repository. */
export const uploadWithWrangler: Uploader = uploaderAt(REPO_ROOT);

/** What the project serves on a branch, and whether a given deployment of it still exists. */
interface LiveDeployment {
  projectExists: boolean;
  productionBranch: string;
  served: Cloudflare.Pages.Deployment | undefined;
  ours: Cloudflare.Pages.Deployment | undefined;
}

async function readLive(client: ProviderClient, inputs: PagesDeploymentInputs, ours: string): Promise<LiveDeployment> {
  const account = { account_id: inputs.accountId };
  const project = await orNotFound(client.pages.projects.get(inputs.projectName, account));
  if (!project) return { projectExists: false, productionBranch: '', served: undefined, ours: undefined };
  const productionBranch = project.production_branch ?? '';
  // Production answers with the canonical deployment (the newest production one, or the one rolled back to); a
  // preview branch's alias answers with that branch's newest deployment.
  const served =
    inputs.branch === productionBranch
      ? (project.canonical_deployment ?? undefined)
      : (await all(client.pages.projects.deployments.list(inputs.projectName, { ...account, env: 'preview' }))).find(
          (d) => d.deployment_trigger?.metadata?.branch === inputs.branch,
        );
  const found =
    served?.id === ours
      ? served
      : ours
        ? await orNotFound(
            client.pages.projects.deployments.get(ours, { ...account, project_name: inputs.projectName }),
          )
        : undefined;
  return { projectExists: true, productionBranch, served: served ?? undefined, ours: found };
}

/**
 * The drift in words, most telling part first (the CLI cuts long strings in a diff): the package, whether ours still
 * exists, what is served instead, and what `up` will do.
 */
function describeDrift(inputs: PagesDeploymentInputs, ours: string, live: LiveDeployment): string {
  const servedId = live.served?.id ?? '';
  if (servedId === ours && live.ours) return '';
  const serves = servedId ? `${inputs.projectName} serves ${servedId}` : `${inputs.projectName} serves nothing`;
  return live.ours
    ? `${inputs.packageDir}: ${serves} on ${inputs.branch}, not ours (${ours}); up rolls back to ours`
    : `${inputs.packageDir}: ours (${ours}) no longer exists; ${serves} on ${inputs.branch}; up uploads again`;
}

function outputsOf(
  inputs: PagesDeploymentInputs,
  deployment: UploadedDeployment & { environment?: string },
  uploadedOutputHash: string,
): PagesDeploymentOutputs {
  return {
    ...inputs,
    deploymentId: deployment.deploymentId,
    url: deployment.url,
    alias: deployment.alias ?? '',
    uploadedOutputHash,
    environment: deployment.environment ?? '',
    servedDeploymentId: deployment.deploymentId,
    drift: '',
  };
}

function fromApi(d: Cloudflare.Pages.Deployment): UploadedDeployment & { environment?: string } {
  const alias = (d.aliases ?? []).find((a) => a !== d.url) ?? null;
  return {
    deploymentId: d.id as string,
    url: d.url as string,
    alias,
    ...(d.environment ? { environment: d.environment } : {}),
  };
}

/** The inputs that decide what a deployment holds: when any of them changes, a new upload is needed. */
const UPLOAD_INPUTS = ['accountId', 'projectName', 'branch', 'outputHash', 'projectIdentity', 'configHash'] as const;

function sameUpload(olds: Partial<PagesDeploymentInputs>, news: PagesDeploymentInputs): boolean {
  return UPLOAD_INPUTS.every((key) => olds[key] === news[key]);
}

/** Whether the upload command's recorded triggers are exactly what these inputs would upload. */
function legacyMatches(legacy: LegacyUpload, news: PagesDeploymentInputs): boolean {
  return (
    legacy.outputHash === news.outputHash &&
    legacy.projectIdentity === news.projectIdentity &&
    legacy.configHash === news.configHash
  );
}

export function createPagesDeploymentProvider(
  upload: Uploader = uploadWithWrangler,
): ResourceHandler<PagesDeploymentInputs, PagesDeploymentOutputs> {
  const connect = (inputs: PagesDeploymentInputs) => providerClient(inputs);

  async function uploadNew(inputs: PagesDeploymentInputs): Promise<PagesDeploymentOutputs> {
    const made = await upload(inputs);
    const client = connect(inputs);
    const recorded = await orNotFound(
      client.pages.projects.deployments.get(made.deploymentId, {
        account_id: inputs.accountId,
        project_name: inputs.projectName,
      }),
    );
    return outputsOf(
      inputs,
      { ...made, ...(recorded?.environment ? { environment: recorded.environment } : {}) },
      inputs.outputHash,
    );
  }

  return {
    async diff(_id, olds, news): Promise<DiffResult> {
      const legacy = legacyUpload(olds);
      // The upload command's state: rewritten once (adopting the live deployment when it is what these inputs would
      // upload; see legacy-state.ts).
      if (legacy) return { changes: true };
      if (!sameUpload(olds, news)) return { changes: true };
      // Inputs are as uploaded: a change only when Cloudflare serves something else (seen by a refresh).
      return { changes: Boolean(olds.drift) || olds.servedDeploymentId !== olds.deploymentId };
    },

    async create(inputs) {
      const outs = await uploadNew(inputs);
      return { id: `${inputs.projectName}/${inputs.branch}`, outs };
    },

    async update(_id, olds, news) {
      const client = connect(news);
      const legacy = legacyUpload(olds);
      if (legacy) {
        if (legacyMatches(legacy, news)) {
          const adopted = await orNotFound(
            client.pages.projects.deployments.get(legacy.deploymentId, {
              account_id: news.accountId,
              project_name: news.projectName,
            }),
          );
          if (adopted) {
            const outs = outputsOf(news, fromApi(adopted), news.outputHash);
            // Adopted as it is: whether it is also what the project serves is the next refresh's question.
            return { outs };
          }
        }
        return { outs: await uploadNew(news) };
      }
      if (!sameUpload(olds, news)) return { outs: await uploadNew(news) };

      // Same inputs: a repair. Put our deployment back when Cloudflare can; otherwise upload the same build again.
      const live = await readLive(client, news, olds.deploymentId);
      if (live.served?.id === olds.deploymentId)
        return { outs: { ...olds, ...news, servedDeploymentId: olds.deploymentId, drift: '' } };
      if (live.ours && news.branch === live.productionBranch) {
        try {
          const restored = await client.pages.projects.deployments.rollback(olds.deploymentId, {
            account_id: news.accountId,
            project_name: news.projectName,
          });
          return { outs: outputsOf(news, fromApi(restored), olds.uploadedOutputHash) };
        } catch (error) {
          throw new Error(
            `[upload ${news.packageDir}] rolling ${news.projectName} back to deployment ${olds.deploymentId} failed: ${describeFailure(error)}`,
          );
        }
      }
      return { outs: await uploadNew(news) };
    },

    async read(id, props) {
      if (!props) throw new Error(`Pages deployment ${id}: the engine passed no state to refresh from.`);
      // The upload command's state is read by the first up on this provider (see legacy-state.ts), not here.
      if (legacyUpload(props)) return { id, props };
      if (!isKnown(props.projectName) || !isKnown(props.deploymentId)) return { id, props };
      const live = await readLive(connect(props), props, props.deploymentId);
      // A project that is gone takes its deployments with it.
      if (!live.projectExists) return { id: '', props };
      return {
        id,
        props: {
          ...props,
          servedDeploymentId: live.served?.id ?? '',
          drift: describeDrift(props, props.deploymentId, live),
        },
      };
    },

    // A deployment is history: deleting this record leaves it, and it goes with its project.
    async delete() {},
  };
}

export const pagesDeploymentProvider = createPagesDeploymentProvider();
