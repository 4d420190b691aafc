import type Cloudflare from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../packages/cloudflare-emulator/src/index.ts';
import { changedSteps, type PreviewJson } from './support/preview-json';
import { findToolchain, type PulumiCli, type Toolchain } from './support/pulumi-cli';
import { expectMovedStackServes, type StackMove, startStackMove } from './support/stack-move';
import { toolchainReady } from './support/toolchain-gate';
import { makeWorkCopy, makeWorkCopyAt } from './support/work-copy';

/**
 * The last commit before bindings were data: every package had exactly one D1 `DB` and one KV `KV`, and the
 * Worker its own D1 rate limit. What every existing stack was deployed with before infra/bindings/.
 */
const BEFORE_BINDINGS_COMMIT = '27e388433bc65b2d88fa8cb2d8d4e94a4c92aa22';
const APPS = ['space', 'io', 'agency', 'ltd'] as const;
/** Secrets the packages declare now and did not then: the current program needs them in the stack's config. */
const NEW_SECRETS = {
  'create-something:visitorKey': 'e2e-bindings-move-visitor-key-000000000',
  'create-something:unsubscribeSecret': 'e2e-bindings-move-unsubscribe-secret-000',
};
const TOKEN = 'e2e-bindings-move-token-00000000000000000000';
const toolchain = findToolchain();
const ready = toolchainReady(toolchain, 'end-to-end bindings move test');

interface AppOutput {
  projectName: string;
  productionUrl: string;
  databaseId: string;
  kvNamespaceId: string;
}

/** Resource types that hold data or serve: none of these that existed may be created again, replaced or deleted. */
const KEPT = /cloudflare:index\/(d1Database|workersKvNamespace|pagesProject|workersScript):/;

describe.runIf(ready)('a stack deployed before bindings were data moves over and keeps its resources', () => {
  let move: StackMove;
  let emulator: RunningEmulator;
  let cf: Cloudflare;
  let previous: PulumiCli;
  let current: PulumiCli;
  const local = ['--stack', 'local'];
  const account = () => ({ account_id: emulator.accountId });
  const outputs = async (cli: PulumiCli) =>
    JSON.parse((await cli.ok(['stack', 'output', 'apps', '--json', ...local])).stdout) as Record<string, AppOutput>;
  /** Every row of every table of each app's database: its data, to compare before and after. */
  const data = async (apps: Record<string, AppOutput>) => {
    const rows: Record<string, unknown> = {};
    for (const app of APPS) {
      const id = (apps[app] as AppOutput).databaseId;
      const query = async (sql: string) =>
        (await cf.d1.database.query(id, { ...account(), sql })).result.flatMap((r) => r.results ?? []) as Record<
          string,
          unknown
        >[];
      const tables = await query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name",
      );
      for (const { name } of tables) rows[`${app}.${name}`] = await query(`SELECT * FROM "${String(name)}"`);
    }
    return rows;
  };
  /** Ids of everything that holds data or serves, by name. */
  const identities = async () => ({
    d1: Object.fromEntries(
      (await all(cf.d1.database.list(account()))).map((d) => [d.name as string, d.uuid as string]),
    ),
    kv: Object.fromEntries((await all(cf.kv.namespaces.list(account()))).map((n) => [n.title, n.id])),
    pages: Object.fromEntries(
      await Promise.all(
        APPS.map(async (app) => {
          const project = await cf.pages.projects.get(`createsomething-${app}`, account());
          return [project.name as string, project.created_on as string];
        }),
      ),
    ),
  });

  beforeAll(async () => {
    const copies = { before: makeWorkCopyAt(BEFORE_BINDINGS_COMMIT), after: makeWorkCopy() };
    move = await startStackMove('e2e-bindings-move-', copies, toolchain as Toolchain, TOKEN);
    ({ emulator, cf, previous, current } = move);
    // The current program reads the same stack config, plus the secrets the sites now declare.
    for (const [key, value] of Object.entries(NEW_SECRETS))
      await current.ok(['config', 'set', '--secret', key, value, ...local]);
  }, 120_000);

  afterAll(() => move?.stop());

  it('one up creates only the new resources; every database, namespace, project and Worker stays, with its data', async () => {
    await previous.ok(['up', '--yes', '--skip-preview', ...local]);
    const apps = await outputs(previous);
    const dataBefore = await data(apps);
    const idsBefore = await identities();

    const preview = JSON.parse((await current.ok(['preview', '--json', ...local])).stdout) as PreviewJson;
    const steps = changedSteps(preview);
    console.info(`[e2e bindings move] preview on the current program:\n  ${steps.join('\n  ')}`);
    const existing = steps.filter((s) => KEPT.test(s) && !/ io-search-recorder-script$/.test(s));
    for (const step of existing) expect(step).toMatch(/^update /);
    // What is new: the bucket, the queue and its consumer Worker; nothing else of Cloudflare's is created.
    expect(steps.filter((s) => /^create cloudflare:/.test(s)).sort()).toEqual(
      [
        'create cloudflare:index/queue:Queue io-queue-searches',
        'create cloudflare:index/queueConsumer:QueueConsumer io-search-recorder-consumes-io-queue-searches',
        'create cloudflare:index/r2Bucket:R2Bucket space-bucket-media',
        'create cloudflare:index/workersScript:WorkersScript io-search-recorder-script',
        'create cloudflare:index/workersScriptSubdomain:WorkersScriptSubdomain io-search-recorder-subdomain',
      ].sort(),
    );
    // Nothing of Cloudflare's is replaced or deleted (the build commands are replaced: the apps' sources changed).
    expect(steps.filter((s) => /^(replace|delete|create-replacement|delete-replaced) cloudflare:/.test(s))).toEqual([]);

    await current.ok(['up', '--yes', '--skip-preview', ...local]);
    const moved = await outputs(current);
    for (const app of APPS) {
      expect((moved[app] as AppOutput).databaseId).toBe((apps[app] as AppOutput).databaseId);
      expect((moved[app] as AppOutput).kvNamespaceId).toBe((apps[app] as AppOutput).kvNamespaceId);
    }
    const idsAfter = await identities();
    for (const [name, id] of Object.entries(idsBefore.d1)) expect(idsAfter.d1[name], name).toBe(id);
    for (const [title, id] of Object.entries(idsBefore.kv)) expect(idsAfter.kv[title], title).toBe(id);
    expect(idsAfter.pages).toEqual(idsBefore.pages);
    // Every row that was there is still there (new migrations may add tables and rows, never take any away).
    const dataAfter = await data(moved);
    for (const [table, rows] of Object.entries(dataBefore)) expect(dataAfter[table], table).toEqual(rows);
    await expectMovedStackServes(move, moved);
  }, 900_000);
});

/** Every item of a paginated SDK list, across pages. */
async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const item of items) found.push(item);
  return found;
}
