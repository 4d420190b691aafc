import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Cloudflare from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module without types, shared with build.mjs and upload.mjs
import { hashTree } from '../../infra/commands/output-hash.mjs';
import {
  createPagesDeploymentProvider,
  type PagesDeploymentInputs,
  type PagesDeploymentOutputs,
  uploaderAt,
} from '../../infra/provider/pages-deployment';
import { type RunningEmulator, startEmulator } from '../../packages/cloudflare-emulator/src/index.ts';

const TOKEN = 'unit-pages-deployment-token-000000000000000000';
const REPO = join(__dirname, '..', '..');
const WRANGLER = join(REPO, 'node_modules', '.bin', 'wrangler');

/**
 * The Pages deployment resource against the emulator, with the real upload path (infra/commands/upload.mjs and
 * wrangler, run from a repository root of the test's own) of a build output the test writes where a build leaves it,
 * and hand deploys, rollbacks and deletions made the way a person would (wrangler, the official SDK).
 */
describe('the Pages deployment provider against the emulator', () => {
  let emulator: RunningEmulator;
  let scratch: string;
  let cf: Cloudflare;
  let provider: ReturnType<typeof createPagesDeploymentProvider>;
  const project = 'deployment-provider-test';
  const account = () => ({ account_id: emulator.accountId });

  /** Output hash of each build, by build-input hash. */
  const outputOf: Record<string, string> = {};
  /**
   * A build output holding one page that says `text`, in `dir`; its output hash is the real hash of the tree, which
   * upload.mjs checks before it sends anything.
   */
  const writeBuild = (dir: string, inputHash: string, text: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.html'), `<p>${text}</p>`);
    outputOf[inputHash] = hashTree(dir);
  };
  const inputs = (overrides: Partial<PagesDeploymentInputs> = {}): PagesDeploymentInputs => ({
    accountId: emulator.accountId,
    projectName: project,
    branch: 'main',
    packageDir: 'packages/demo',
    buildInputHash: 'build-1',
    outputHash: outputOf['build-1'] as string,
    projectIdentity: 'created-1',
    configHash: 'config-1',
    apiToken: TOKEN,
    apiBaseUrl: emulator.url,
    ...overrides,
  });
  const deployments = async () => {
    const found: string[] = [];
    for await (const d of cf.pages.projects.deployments.list(project, account())) found.push(d.id as string);
    return found;
  };
  const served = async () => (await cf.pages.projects.get(project, account())).canonical_deployment?.id;
  /** `wrangler pages deploy` by hand, of a folder of its own. */
  const handDeploy = async (): Promise<string> => {
    const dir = mkdtempSync(join(scratch, 'hand-'));
    writeFileSync(join(dir, 'index.html'), '<p>deployed by hand</p>');
    await promisify(execFile)(WRANGLER, ['pages', 'deploy', dir, '--project-name', project, '--branch', 'main'], {
      cwd: dir,
      env: {
        ...process.env,
        CLOUDFLARE_API_BASE_URL: emulator.url,
        CLOUDFLARE_API_TOKEN: TOKEN,
        CLOUDFLARE_ACCOUNT_ID: emulator.accountId,
        WRANGLER_SEND_METRICS: 'false',
        CI: 'true',
      },
    });
    const latest = (await deployments())[0] as string;
    return latest;
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'pages-deployment-provider-'));
    // A repository root upload.mjs accepts: Pulumi.yaml, infra/commands, wrangler, and the demo package's build
    // output where a build leaves it (build-1; build-2 is only ever compared, never uploaded).
    const root = join(scratch, 'repo');
    cpSync(join(REPO, 'infra', 'commands'), join(root, 'infra', 'commands'), { recursive: true });
    writeFileSync(join(root, 'Pulumi.yaml'), 'name: demo\nruntime: nodejs\n');
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
    writeBuild(join(root, 'packages', 'demo', '.svelte-kit', 'cloudflare'), 'build-1', 'first build');
    writeBuild(join(scratch, 'build-2'), 'build-2', 'second build');
    provider = createPagesDeploymentProvider(uploaderAt(root));
    emulator = await startEmulator({ port: 0, dataDir: join(scratch, 'emulator'), token: TOKEN });
    cf = new Cloudflare({ apiToken: TOKEN, baseURL: emulator.url, maxRetries: 0 });
    await cf.pages.projects.create({ ...account(), name: project, production_branch: 'main' });
  }, 60_000);

  afterAll(async () => {
    await emulator?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  let ours: PagesDeploymentOutputs;

  it('create uploads the build; the outputs are typed and name what serves', async () => {
    const { id, outs } = await provider.create(inputs());
    ours = outs;
    expect(id).toBe(`${project}/main`);
    expect(outs.deploymentId).toMatch(/\S/);
    expect(outs.url).toMatch(/^http/);
    expect(outs.uploadedOutputHash).toBe(outputOf['build-1']);
    expect(outs.environment).toBe('production');
    expect(outs.servedDeploymentId).toBe(outs.deploymentId);
    expect(outs.drift).toBe('');
    expect(await served()).toBe(outs.deploymentId);
    expect(Object.keys(outs)).not.toContain('stdout');
  }, 120_000);

  it('nothing changed: read finds ours served, diff finds nothing to do', async () => {
    const { id, props } = await provider.read(`${project}/main`, ours);
    expect(id).toBe(`${project}/main`);
    expect(props.drift).toBe('');
    expect(await provider.diff(id, props, inputs())).toEqual({ changes: false });
  });

  it('a new output, a recreated project or new bindings are a new upload; a new build-input hash alone is not', async () => {
    for (const change of [
      { outputHash: outputOf['build-2'] as string },
      { projectIdentity: 'created-2' },
      { configHash: 'c-2' },
    ])
      expect((await provider.diff('x', ours, inputs(change))).changes, JSON.stringify(change)).toBe(true);
    expect((await provider.diff('x', ours, inputs({ buildInputHash: 'same-output-other-inputs' }))).changes).toBe(
      false,
    );
  });

  it('a hand `wrangler pages deploy` is drift naming the package and both ids; up rolls ours back, uploading nothing', async () => {
    const hand = await handDeploy();
    expect(await served()).toBe(hand);
    const { props } = await provider.read('x', ours);
    expect(props.servedDeploymentId).toBe(hand);
    expect(props.drift).toContain('packages/demo');
    expect(props.drift).toContain(hand);
    expect(props.drift).toContain(ours.deploymentId);
    expect((await provider.diff('x', props, inputs())).changes).toBe(true);
    const before = await deployments();
    const { outs } = await provider.update('x', props, inputs());
    expect(outs.deploymentId).toBe(ours.deploymentId);
    expect(outs.drift).toBe('');
    expect(await served()).toBe(ours.deploymentId);
    expect(await deployments()).toEqual(before);
    ours = outs;
  }, 120_000);

  it('a rollback to another deployment (as in the dashboard) is drift too, and repaired the same way', async () => {
    const other = (await deployments()).find((d) => d !== ours.deploymentId) as string;
    await cf.pages.projects.deployments.rollback(other, { ...account(), project_name: project });
    const { props } = await provider.read('x', ours);
    expect(props.servedDeploymentId).toBe(other);
    const { outs } = await provider.update('x', props, inputs());
    expect(await served()).toBe(ours.deploymentId);
    expect(outs.servedDeploymentId).toBe(ours.deploymentId);
  });

  it('when ours was deleted, the drift says so and up uploads the same build again', async () => {
    await handDeploy();
    await cf.pages.projects.deployments.delete(ours.deploymentId, { ...account(), project_name: project });
    const { props } = await provider.read('x', ours);
    expect(props.drift).toContain('no longer exists');
    const { outs } = await provider.update('x', props, inputs());
    expect(outs.deploymentId).not.toBe(ours.deploymentId);
    expect(outs.uploadedOutputHash).toBe(outputOf['build-1']);
    expect(await served()).toBe(outs.deploymentId);
    ours = outs;
  }, 120_000);

  it("the upload command's state is adopted without an upload when it recorded these very inputs", async () => {
    const legacy = {
      create: 'node infra/commands/upload.mjs',
      triggers: [outputOf['build-1'], 'created-1', 'bindings:config-1'],
      stdout: `uploading\n${JSON.stringify({ deploymentId: ours.deploymentId, url: ours.url, alias: null })}\n`,
      stderr: '',
    } as unknown as PagesDeploymentOutputs;
    expect(await provider.diff('x', legacy, inputs())).toEqual({ changes: true });
    const before = await deployments();
    const adopted = await provider.update('x', legacy, inputs());
    expect(adopted.outs.deploymentId).toBe(ours.deploymentId);
    expect(adopted.outs).not.toHaveProperty('stdout');
    expect(await deployments()).toEqual(before);
    // Recorded with other bindings: what is live is not what these inputs would upload, so it is uploaded.
    const stale = await provider.update('x', legacy, inputs({ configHash: 'config-2' }));
    expect(stale.outs.deploymentId).not.toBe(ours.deploymentId);
    expect((await deployments()).length).toBe(before.length + 1);
  }, 120_000);

  it('a failed upload says which package and why', async () => {
    await expect(provider.create(inputs({ projectName: 'no-such-project' }))).rejects.toThrow(
      /\[upload packages\/demo\] failed/,
    );
  }, 120_000);

  it('a project that is gone takes its deployment with it', async () => {
    await cf.pages.projects.delete(project, account());
    expect((await provider.read('x', ours)).id).toBe('');
  });
});
