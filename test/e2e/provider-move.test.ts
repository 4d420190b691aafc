import type Cloudflare from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../packages/cloudflare-emulator/src/index.ts';
import { changedSteps, type PreviewJson } from './support/preview-json';
import { findToolchain, type PulumiCli, type Toolchain } from './support/pulumi-cli';
import { expectMovedStackServes, type StackMove, startStackMove } from './support/stack-move';
import { toolchainReady } from './support/toolchain-gate';
import { makeWorkCopyAt, overlayCurrent } from './support/work-copy';

/**
 * The last commit whose program ran D1 migrations and binding repair as dynamic providers and uploads as a
 * `command:local:Command`: what every existing stack was deployed with before the provider plugin.
 */
const DYNAMIC_PROVIDERS_COMMIT = 'c49d09e9e17219596324cc29a05fe5ed0010aaa1';
/**
 * The program: what moves to the current code. The apps, their migrations, the lockfile and the stack files stay as
 * deployed (the current stack files enable Workers those apps do not have yet; bindings-move.test.ts moves the rest).
 */
const PROGRAM_PATHS = ['infra', 'scripts', 'Pulumi.yaml', 'turbo.json'];
const APPS = ['space', 'io', 'agency', 'ltd'] as const;
const TOKEN = 'e2e-move-emulator-token-0000000000000000000';
const toolchain = findToolchain();

const ready = toolchainReady(toolchain, 'end-to-end move test');

interface AppOutput {
  projectName: string;
  productionUrl: string;
  databaseId: string;
}

describe.runIf(ready)('a stack deployed by the dynamic providers moves to the provider plugin', () => {
  let move: StackMove;
  let emulator: RunningEmulator;
  let cf: Cloudflare;
  let previous: PulumiCli;
  let current: PulumiCli;
  const local = ['--stack', 'local'];
  const account = () => ({ account_id: emulator.accountId });

  /** Per project, the ids of its deployments (newest first), and what production serves. */
  const deployments = async () => {
    const found: Record<string, { ids: string[]; served: string | undefined }> = {};
    for (const app of APPS) {
      const project = `createsomething-${app}`;
      const ids: string[] = [];
      for await (const d of cf.pages.projects.deployments.list(project, account())) ids.push(d.id as string);
      found[app] = { ids, served: (await cf.pages.projects.get(project, account())).canonical_deployment?.id };
    }
    return found;
  };
  const migrationRows = async (apps: Record<string, AppOutput>) => {
    const rows: Record<string, unknown[]> = {};
    for (const app of APPS) {
      const page = await cf.d1.database.query((apps[app] as AppOutput).databaseId, {
        ...account(),
        sql: 'SELECT id, name, applied_at FROM d1_migrations ORDER BY id',
      });
      rows[app] = page.result.flatMap((r) => r.results ?? []);
    }
    return rows;
  };
  const outputs = async (cli: PulumiCli) =>
    JSON.parse((await cli.ok(['stack', 'output', 'apps', '--json', ...local])).stdout) as Record<string, AppOutput>;

  beforeAll(async () => {
    const after = makeWorkCopyAt(DYNAMIC_PROVIDERS_COMMIT);
    overlayCurrent(after.dir, PROGRAM_PATHS);
    move = await startStackMove(
      'e2e-move-',
      { before: makeWorkCopyAt(DYNAMIC_PROVIDERS_COMMIT), after },
      toolchain as Toolchain,
      TOKEN,
    );
    ({ emulator, cf, previous, current } = move);
  }, 120_000);

  afterAll(() => move?.stop());

  it('one up with the current program touches nothing in Cloudflare but one upload per app, and leaves no provider code in the state', async () => {
    await previous.ok(['up', '--yes', '--skip-preview', ...local]);
    const exportedBefore = (await previous.ok(['stack', 'export', ...local])).stdout;
    expect(exportedBefore).toContain('__provider');
    const apps = await outputs(previous);
    const deployedBefore = await deployments();
    const rowsBefore = await migrationRows(apps);

    const preview = JSON.parse((await current.ok(['preview', '--json', ...local])).stdout) as PreviewJson;
    const steps = changedSteps(preview);
    console.info(`[e2e move] preview on the current program:\n  ${steps.join('\n  ')}`);
    // Nothing Cloudflare holds is created, replaced or deleted; only the program's own records are rewritten.
    for (const step of steps.filter((s) => / cloudflare:/.test(s))) expect(step).toMatch(/^update /);
    expect(
      steps.filter((s) => /^(create|replace|delete|create-replacement|delete-replaced) cloudflare:/.test(s)),
    ).toEqual([]);
    for (const step of steps.filter((s) => / createsomething:/.test(s))) expect(step).toMatch(/^update /);
    expect(steps.filter((s) => / createsomething:/.test(s)).length).toBe(APPS.length * 3);

    await current.ok(['up', '--yes', '--skip-preview', ...local]);
    // The build hashes are turbo's now, so each app is built once more, and (its bytes naming another version) uploaded
    // once more: one new deployment per project, now served, every earlier one kept. No rollback, no migration.
    const deployedAfter = await deployments();
    for (const app of APPS) {
      const before = deployedBefore[app] as { ids: string[] };
      const after = deployedAfter[app] as { ids: string[]; served: string | undefined };
      expect(after.ids.slice(1), app).toEqual(before.ids);
      expect(after.served, app).toBe(after.ids[0]);
    }
    expect(await migrationRows(apps)).toEqual(rowsBefore);
    const moved = await outputs(current);
    await expectMovedStackServes(move, moved);
    await current.ok(['preview', '--refresh', '--expect-no-changes', ...local]);
    const exported = JSON.stringify(JSON.parse((await current.ok(['stack', 'export', ...local])).stdout));
    expect(exported).not.toContain('__provider');
    console.info(
      `[e2e move] checkpoint: ${JSON.stringify(JSON.parse(exportedBefore)).length} bytes before the move, ${exported.length} after`,
    );
  }, 900_000);
});
