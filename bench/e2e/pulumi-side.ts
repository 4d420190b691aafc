import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Cloudflare from 'cloudflare';
import type { TurboCacheServer } from '../../scripts/lib/turbo-cache-server';
import { getByHost } from '../../test/e2e/support/http';
import { PulumiCli, type Toolchain } from '../../test/e2e/support/pulumi-cli';
import { REPO_ROOT } from '../../test/e2e/support/work-copy';
import type { Emulated } from './baseline';
import { pagesDeploy, turboBuild } from './floors';
import { type EnginePhases, enginePhases } from './phases';
import { log, median, timed } from './timing';

const APPS = ['space', 'io', 'agency', 'ltd'] as const;
/** The file of io that the one-package change edits, relative to the repository. */
export const IO_PAGE = join('packages', 'io', 'src', 'routes', '+page.svelte');

export interface PulumiTimes {
  fullUp: number;
  noopUp: number;
  preview: number;
  onePackageUp: number;
  /** io's KV namespace replaced: its bindings and upload follow, and nothing builds. */
  bindingsOnlyUp: number;
  /** A no-op `up` again, once io has 20 more migrations applied: no-op cost must not grow with migration history. */
  noopUpAfterMigrations: number;
  /** Size of `pulumi stack export` right after the full deploy. */
  checkpointBytes: number;
  /**
   * The same right after 20 added migrations (about 20 KB of SQL each) have been applied: the run that applies files
   * records them as its checked inputs, SQL included (outputs keep names and hashes only).
   */
  checkpointBytesAfterMigrations: number;
  /** And after the next `up`, whose check keeps only the name and hash of files the database has. */
  checkpointBytesAfterNextRun: number;
  /**
   * The floor of onePackageUp: the same kind of change to io, then only io's turbo build and its `wrangler pages
   * deploy` to the stack's io project.
   */
  onePackageFloor: number;
  /**
   * Pages deployments made by an `up` with unchanged sources after turbo's local cache and every app's output were
   * wiped and every build step was replaced (forced to build again): builds are reproducible, so 0.
   */
  rebuildUploads: number;
  /** Where an unchanged preview and a no-op up spend their time (one verbose run of each, not the timed ones). */
  previewPhases: EnginePhases & { program: ProgramMarks };
  noopPhases: EnginePhases;
}

/** The program's own marks (infra/program-timings.ts), seconds per step. */
export type ProgramMarks = Record<string, number>;

const VERBOSE = ['-v=9', '--logtostderr', '--logflow'];

/**
 * The engine's own cost: `pulumi preview` of a program that declares nothing, with the same CLI, plugins, language
 * host and backend kind, on a stack of its own.
 */
export async function emptyProgramPreview(
  scratch: string,
  toolchain: Toolchain,
): Promise<{ seconds: number; phases: EnginePhases }> {
  const dir = join(scratch, 'empty-program');
  mkdirSync(dir, { recursive: true });
  // The project's own language host settings (the package manager it asks for its version), a program of nothing.
  writeFileSync(
    join(dir, 'Pulumi.yaml'),
    'name: empty-floor\nruntime:\n  name: nodejs\n  options:\n    packagemanager: pnpm\nmain: index.js\n',
  );
  writeFileSync(join(dir, 'index.js'), "require('@pulumi/pulumi');\n");
  writeFileSync(join(dir, 'package.json'), '{"name":"empty-floor","private":true}\n');
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  const cli = new PulumiCli(dir, join(scratch, 'empty-state'), toolchain);
  await cli.ok(['stack', 'init', 'floor']);
  // Warm, like the previews it is compared with (they run after a deploy): the first run after `stack init` pays
  // one-time costs. Then the median of three, since a 2 s run is the noisiest of the round.
  await cli.ok(['preview', '--stack', 'floor']);
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    runs.push(
      await timed('pulumi preview (empty program floor)', () =>
        cli.ok(['preview', '--stack', 'floor']).then(() => undefined),
      ),
    );
  }
  const seconds = median(runs);
  const phases = enginePhases((await cli.ok(['preview', '--stack', 'floor', ...VERBOSE])).stderr);
  return { seconds, phases };
}

const LOCAL = ['--stack', 'local'];

/**
 * The Pulumi side of one round on an empty stack: full first `up`, then a no-op `up` and a bare `preview` (their
 * order alternates with the round so drift in the machine's load hits both), then a one-line change to io and `up`
 * and its floor (the same change, then only io's turbo build and pages deploy), a bindings-only change, 20 more
 * migrations; then every build forced to run again from nothing (the builds go to the remote cache `remoteCache` too,
 * for the promoted stack).
 * Each `up` is checked to have done what it is timed for, so a broken run cannot pass for a fast one.
 */
export async function pulumiRound(
  repoDir: string,
  stateDir: string,
  toolchain: Toolchain,
  emulator: Emulated,
  token: string,
  round: number,
  remoteCache: TurboCacheServer['env'],
): Promise<PulumiTimes> {
  const cli = new PulumiCli(repoDir, stateDir, toolchain);
  await cli.initStackOnEmulator('local', emulator, { token });

  const fullUp = await timed('pulumi up (full first deploy)', () => upCreating(cli));
  await expectSitesServed(emulator.port);
  // The state is part of the product: what one checkpoint of the four apps weighs.
  const checkpointBytes = await compactCheckpointBytes(cli);
  const noop = () =>
    timed('pulumi up (no-op)', async () => {
      const result = await cli.ok(['up', '--yes', '--skip-preview', ...LOCAL]);
      if (/\b\d+ (created|updated|replaced|deleted)\b/.test(result.stdout)) {
        throw new Error(`a second pulumi up changed something:\n${result.stdout.slice(-3000)}`);
      }
    });
  const preview = () => timed('pulumi preview (bare)', () => cli.ok(['preview', ...LOCAL]));
  let noopUp: number;
  let previewSeconds: number;
  if (round % 2 === 0) {
    previewSeconds = await preview();
    noopUp = await noop();
  } else {
    noopUp = await noop();
    previewSeconds = await preview();
  }

  // Where the time goes: one verbose run of each (verbose logging slows a run, so these are not the timed ones).
  const timingsFile = join(stateDir, 'program-timings.json');
  cli.env.PROGRAM_TIMINGS_FILE = timingsFile;
  const previewLog = (await cli.ok(['preview', ...LOCAL, ...VERBOSE])).stderr;
  delete cli.env.PROGRAM_TIMINGS_FILE;
  const previewPhases = { ...enginePhases(previewLog), program: readProgramMarks(timingsFile) };
  const noopPhases = enginePhases((await cli.ok(['up', '--yes', '--skip-preview', ...LOCAL, ...VERBOSE])).stderr);

  const page = join(repoDir, IO_PAGE);
  writeFileSync(page, `${readFileSync(page, 'utf8')}\n<p>bench:e2e change ${round}</p>\n`);
  // local.Command replaces itself when its trigger changes, and the upload updates: io's two, nothing else.
  const onePackageUp = await timed('pulumi up (io changed)', async () => {
    const result = await cli.ok(['up', '--yes', '--skip-preview', ...LOCAL]);
    const changes = [...result.stdout.matchAll(/\b(\d+) (created|updated|replaced|deleted)\b/g)];
    const total = changes.reduce((sum, match) => sum + Number(match[1]), 0);
    if (total !== 2)
      throw new Error(`pulumi up after one change made ${total} changes:\n${result.stdout.slice(-3000)}`);
  });

  // Its floor, right after it (the machine's load drifts): the same kind of edit, then io's turbo build (a new hash:
  // it really builds) and its `wrangler pages deploy` to the stack's io project, nothing else. Then the edit is undone
  // and io's deployed build restored from turbo's cache (not timed), so the stack's next runs find what it deployed.
  const projects = await projectNames(cli);
  const deployed = readFileSync(page, 'utf8');
  writeFileSync(page, `${deployed}\n<p>bench:e2e floor change ${round}</p>\n`);
  const onePackageFloor = await timed('one-package floor (io: turbo build + wrangler pages deploy)', async () => {
    await turboBuild(repoDir, ['--filter=io']);
    await pagesDeploy(join(repoDir, 'packages', 'io', '.svelte-kit', 'cloudflare'), projects.io, emulator, token);
  });
  writeFileSync(page, deployed);
  await turboBuild(repoDir, ['--filter=io'], 'restore');

  // Bindings only: io gets a new KV namespace. Its project, bindings and upload follow; nothing builds.
  const buildsBefore = buildsRun(cli);
  const bindingsOnlyUp = await timed('pulumi up (io KV namespace replaced)', async () => {
    const result = await cli.ok(['up', '--yes', '--skip-preview', '--replace', IO_KV_URN, ...LOCAL]);
    if (
      !/io-deployment-upload\b.*\bupdated\b/.test(result.stdout) ||
      /(space|agency|ltd)-deployment/.test(result.stdout)
    )
      throw new Error(`a new KV namespace for io did not re-upload io alone:\n${result.stdout.slice(-3000)}`);
  });
  if (buildsRun(cli) !== buildsBefore) throw new Error('a bindings-only change ran a build');

  // Migration history: 20 more files for io, applied; then the state's size and a no-op up again.
  addMigrations(join(repoDir, 'packages', 'io', 'migrations'), 20);
  const applied = await cli.ok(['up', '--yes', '--skip-preview', ...LOCAL]);
  if (!/io-migrations\b.*\bupdated\b/.test(applied.stdout))
    throw new Error(`20 new migrations did not update io-migrations:\n${applied.stdout.slice(-3000)}`);
  const checkpointBytesAfterMigrations = await compactCheckpointBytes(cli);
  const noopUpAfterMigrations = await noop();
  const checkpointBytesAfterNextRun = await compactCheckpointBytes(cli);

  const rebuildUploads = await rebuildFromNothing(repoDir, cli, emulator, token, projects, remoteCache);

  return {
    fullUp,
    noopUp,
    preview: previewSeconds,
    onePackageUp,
    bindingsOnlyUp,
    noopUpAfterMigrations,
    checkpointBytes,
    checkpointBytesAfterMigrations,
    checkpointBytesAfterNextRun,
    onePackageFloor,
    rebuildUploads,
    previewPhases,
    noopPhases,
  };
}

const IO_KV_URN =
  'urn:pulumi:local::create-something::create-something:index:SiteApp$cloudflare:index/workersKvNamespace:WorkersKvNamespace::io-kv';

/** The stack's checkpoint as `pulumi stack export` prints it, re-serialised as compact JSON. */
async function compactCheckpointBytes(cli: PulumiCli): Promise<number> {
  return Buffer.byteLength(JSON.stringify(JSON.parse((await cli.ok(['stack', 'export', ...LOCAL])).stdout)));
}

/**
 * How many builds really ran in this CLI's work copy: build.mjs logs one line per build that was not a cache hit in
 * `<copy>/.turbo/builds.ndjson` (no file: none ran).
 */
function buildsRun(cli: PulumiCli): number {
  const file = join(cli.cwd, '.turbo', 'builds.ndjson');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** `up` on the local stack, which must create resources (a first deploy). */
async function upCreating(cli: PulumiCli): Promise<void> {
  const result = await cli.ok(['up', '--yes', '--skip-preview', ...LOCAL]);
  if (!/\b\d+ created\b/.test(result.stdout))
    throw new Error(`pulumi up did not create the stack; its summary:\n${result.stdout.slice(-3000)}`);
}

/** Each app's Pages project, from the stack's outputs. */
async function projectNames(cli: PulumiCli): Promise<Record<(typeof APPS)[number], string>> {
  const apps = JSON.parse((await cli.ok(['stack', 'output', 'apps', '--json', ...LOCAL])).stdout) as Record<
    string,
    { projectName: string }
  >;
  return Object.fromEntries(
    APPS.map((app) => {
      const name = apps[app]?.projectName;
      if (!name) throw new Error(`the stack has no Pages project for ${app}`);
      return [app, name];
    }),
  ) as Record<(typeof APPS)[number], string>;
}

/**
 * Builds are reproducible: with the sources unchanged, turbo's local cache and every app's output wiped, and each
 * `<app>-deployment-build` replaced (its command runs again, as on another machine), every build really runs and
 * gives the output already deployed, so the `up` makes no Pages deployment. Returns how many it made (expected 0).
 * The `up` gets the remote cache's variables, so these builds also fill it.
 */
async function rebuildFromNothing(
  repoDir: string,
  cli: PulumiCli,
  emulator: Emulated,
  token: string,
  projects: Record<(typeof APPS)[number], string>,
  remoteCache: TurboCacheServer['env'],
): Promise<number> {
  const exported = JSON.parse((await cli.ok(['stack', 'export', ...LOCAL])).stdout) as {
    deployment: { resources: { urn: string }[] };
  };
  const builds = exported.deployment.resources.map((r) => r.urn).filter((urn) => urn.endsWith('-deployment-build'));
  if (builds.length !== APPS.length) throw new Error(`expected ${APPS.length} build steps in the state: ${builds}`);
  rmSync(join(repoDir, '.turbo', 'cache'), { recursive: true, force: true });
  for (const app of APPS) rmSync(join(repoDir, 'packages', app, '.svelte-kit'), { recursive: true, force: true });
  const cf = new Cloudflare({ apiToken: token, baseURL: emulator.url, maxRetries: 0 });
  const deployments = async () => {
    let total = 0;
    for (const app of APPS) {
      for await (const _ of cf.pages.projects.deployments.list(projects[app], { account_id: emulator.accountId }))
        total++;
    }
    return total;
  };
  const before = await deployments();
  const buildsBefore = buildsRun(cli);
  Object.assign(cli.env, remoteCache);
  let result: Awaited<ReturnType<PulumiCli['ok']>>;
  try {
    result = await cli.ok(['up', '--yes', '--skip-preview', ...builds.flatMap((urn) => ['--replace', urn]), ...LOCAL]);
  } finally {
    for (const name of Object.keys(remoteCache)) delete cli.env[name];
  }
  const rebuilt = buildsRun(cli) - buildsBefore;
  if (rebuilt !== APPS.length)
    throw new Error(`the forced rebuild ran ${rebuilt} builds, not ${APPS.length}:\n${result.stdout.slice(-3000)}`);
  const uploads = (await deployments()) - before;
  const steps = result.stdout.match(/\b\w+-deployment-upload\b/g) ?? [];
  log(`forced rebuild from nothing: ${uploads} new Pages deployment(s); upload steps named in the output: ${steps}`);
  return uploads;
}

/**
 * Promotion: a new stack (`local`, in another work copy whose `.turbo` is empty, with its own state and emulator)
 * deployed with the remote cache another copy filled. Its `up` is timed; it must restore every build, so the number
 * of builds that really ran is returned beside it (expected 0: no `.turbo/builds.ndjson`).
 */
export async function promoteUp(
  repoDir: string,
  stateDir: string,
  toolchain: Toolchain,
  emulator: Emulated,
  token: string,
  remoteCache: TurboCacheServer['env'],
): Promise<{ seconds: number; builds: number }> {
  if (existsSync(join(repoDir, '.turbo'))) throw new Error(`the promoted stack's work copy has a .turbo already`);
  const cli = new PulumiCli(repoDir, stateDir, toolchain);
  Object.assign(cli.env, remoteCache);
  await cli.initStackOnEmulator('local', emulator, { token });
  const seconds = await timed('pulumi up (new stack, builds from the remote cache)', () => upCreating(cli));
  await expectSitesServed(emulator.port);
  const builds = buildsRun(cli);
  if (builds > 0) log(`promotion: ${builds} build(s) ran instead of coming from the remote cache`);
  return { seconds, builds };
}

/**
 * `count` migrations after the last one in `dir`, each a table and 100 rows of about 200 bytes (about 20 KB of SQL):
 * enough that a state holding applied SQL would visibly grow by it.
 */
function addMigrations(dir: string, count: number): void {
  const numbers = readdirSync(dir)
    .map((f) => Number.parseInt(f, 10))
    .filter(Number.isFinite);
  const next = Math.max(0, ...numbers) + 1;
  for (let i = 0; i < count; i++) {
    const n = next + i;
    const rows = Array.from(
      { length: 100 },
      (_, row) => `INSERT INTO bench_history_${n} (body) VALUES ('${`row ${row} of migration ${n} `.repeat(7)}');`,
    );
    const sql = [`CREATE TABLE bench_history_${n} (id INTEGER PRIMARY KEY, body TEXT NOT NULL);`, ...rows].join('\n');
    writeFileSync(join(dir, `${String(n).padStart(4, '0')}_bench_history_${n}.sql`), `${sql}\n`);
  }
}

function readProgramMarks(file: string): ProgramMarks {
  const marks = JSON.parse(readFileSync(file, 'utf8')) as { step: string; seconds: number }[];
  return Object.fromEntries(marks.map(({ step, seconds }) => [step, seconds]));
}

/** Each of the four sites answers: the timed deploy really built and uploaded them. */
async function expectSitesServed(port: number): Promise<void> {
  for (const pkg of APPS) {
    const page = await getByHost(port, `createsomething-${pkg}.pages.localhost`);
    if (page.status !== 200) throw new Error(`after the full deploy, ${pkg} answered ${page.status}`);
  }
}

/** The local stack without its Worker: the hand-run baseline deploys no Worker, so both sides do the same work. */
export function withoutWorkers(repoDir: string): void {
  const file = join(repoDir, 'stacks', 'local.ts');
  const source = readFileSync(file, 'utf8');
  const edited = source.replace(/workers:\s*\[[^\]]*\]/, 'workers: []');
  if (edited === source) throw new Error(`cannot find "workers: [...]" in ${file} to turn the Worker off`);
  writeFileSync(file, edited);
}
