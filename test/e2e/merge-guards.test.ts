import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Cloudflare from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../packages/cloudflare-emulator/src/index.ts';
import { getByHost, hostOf } from './support/http';
import { findToolchain, PulumiCli, type Toolchain } from './support/pulumi-cli';
import { SITE_CHECKS } from './support/site-checks';
import { toolchainReady } from './support/toolchain-gate';
import { makeWorkCopy } from './support/work-copy';

/**
 * The guards between a merge and production, on a `prod` stack (protected, its token from the environment as in the
 * deploy job) on the emulator: a killed `pulumi up` and the README's recovery, destructive migrations that need a
 * reason, `up --plan` applying exactly what `preview --save-plan` showed, and a symlink out of a package.
 */
const APPS = ['space', 'io', 'agency', 'ltd'] as const;
const TOKEN = 'e2e-guards-emulator-token-00000000000000000';
const toolchain = findToolchain();
const ready = toolchainReady(toolchain, 'end-to-end guards test');

interface AppOutput {
  productionUrl: string;
  databaseId: string;
}

describe.runIf(ready)('guards between a merge and production, on a protected prod stack', () => {
  let emulator: RunningEmulator;
  let copy: ReturnType<typeof makeWorkCopy>;
  let cli: PulumiCli;
  let cf: Cloudflare;
  let scratch: string;
  const prod = ['--stack', 'prod'];
  const timings: string[] = [];

  const outputs = async () =>
    JSON.parse((await cli.ok(['stack', 'output', 'apps', '--json', ...prod])).stdout) as Record<string, AppOutput>;
  const d1 = async (databaseId: string, sql: string) => {
    const page = await cf.d1.database.query(databaseId, { account_id: emulator.accountId, sql });
    return page.result.flatMap((r) => (r.results ?? []) as Record<string, unknown>[]);
  };
  const tables = async (databaseId: string) =>
    (await d1(databaseId, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name);
  const allFourServe = async () => {
    const apps = await outputs();
    for (const app of APPS) {
      const out = apps[app] as AppOutput;
      const page = await getByHost(emulator.port, hostOf(out.productionUrl), SITE_CHECKS[app].path);
      expect(page.status, app).toBe(200);
      expect(page.body, app).toContain(SITE_CHECKS[app].d1Text);
    }
  };
  const migration = (name: string, sql: string) =>
    writeFileSync(join(copy.dir, 'packages', 'ltd', 'migrations', name), sql);
  const lockFiles = () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else if (dir.endsWith('/prod') && entry.name.endsWith('.json')) found.push(join(dir, entry.name));
      }
    };
    walk(join(scratch, 'state', '.pulumi', 'locks'));
    return found;
  };
  const timed = async <T>(label: string, run: () => Promise<T>) => {
    const started = Date.now();
    const result = await run();
    timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'e2e-guards-'));
    emulator = await startEmulator({ port: 0, dataDir: join(scratch, 'emulator') });
    cf = new Cloudflare({ apiToken: TOKEN, baseURL: emulator.url, maxRetries: 0 });
    copy = makeWorkCopy();
    cli = new PulumiCli(copy.dir, join(scratch, 'state'), toolchain as Toolchain);
    // As the deploy job: no token in prod's config (refused there), CLOUDFLARE_API_TOKEN from the environment.
    cli.env.CLOUDFLARE_API_TOKEN = TOKEN;
    await cli.initStackOnEmulator('prod', emulator, {
      token: undefined,
      secrets: {
        'create-something:motionExtractorToken': 'e2e-guards-worker-secret-00000000000000000',
        'create-something:visitorKey': 'e2e-guards-visitor-key-000000000000000000',
        'create-something:unsubscribeSecret': 'e2e-guards-unsubscribe-secret-0000000000',
      },
    });
  }, 120_000);

  afterAll(async () => {
    if (timings.length > 0) console.info(`[e2e guards] timings: ${timings.join(', ')}`);
    await emulator?.stop();
    copy?.remove();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('1. a killed up leaves prod locked; the recovery in the README clears the lock and the next up converges', async () => {
    // The whole run in a process group of its own, killed at once the way a cancelled CI job or a crash stops it:
    // the CLI, its language host, the plugins and the builds.
    let child: ChildProcess | undefined;
    const exited = new Promise<number | null>((resolve) => {
      child = spawn('pulumi', ['up', '--yes', '--skip-preview', '--non-interactive', ...prod], {
        cwd: copy.dir,
        env: cli.env,
        detached: true,
        stdio: 'ignore',
      });
      child.on('exit', (code) => resolve(code));
    });
    const started = Date.now();
    // Killed mid-build: once the databases and the Pages projects exist (a create in flight when the kill lands
    // leaves a resource the state does not know, which the next up then fails to create again; that is another
    // failure than the one this case is about) and the builds are running (each holds its package's build lock while
    // turbo runs), two seconds later so the quick steps around them have saved. The builds take 15 s or more, so no
    // upload can have started.
    const building = () => APPS.some((app) => existsSync(join(copy.dir, 'packages', app, '.turbo', 'infra.lock')));
    const count = async (list: AsyncIterable<unknown>) => {
      let n = 0;
      for await (const _ of list) n++;
      return n;
    };
    for (;;) {
      const databases = await count(cf.d1.database.list({ account_id: emulator.accountId }));
      const projects = await count(cf.pages.projects.list({ account_id: emulator.accountId }));
      if (lockFiles().length > 0 && databases === APPS.length && projects === APPS.length && building()) break;
      if (Date.now() - started > 300_000) throw new Error('the up never got as far as creating the Pages projects');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    process.kill(-(child?.pid as number), 'SIGKILL');
    expect(await exited).toBeNull();
    timings.push(`killed after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(lockFiles()).toHaveLength(1);
    // Nothing of the killed run lives on: the engine's plugins run in process groups of their own, and the project's
    // provider plugin leaves once its engine is gone (infra/provider/main.cjs). Upstream's command plugin outlives its
    // engine until the commands it started end: the builds run to their end (each holding its package's build lock,
    // so nothing else writes that package meanwhile), then they and the plugin are gone. Four builds at once on two
    // cores take up to about 30 s here.
    const survivors = async () => {
      const listed = await new Promise<string>((resolve) =>
        execFile('ps', ['-eo', 'pid=,args='], (_error, stdout) => resolve(stdout)),
      );
      return listed.split('\n').filter((line) => line.includes(copy.dir));
    };
    const killedAt = Date.now();
    for (let waited = 0; (await survivors()).length > 0 && waited < 60_000; waited += 500)
      await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await survivors()).toEqual([]);
    timings.push(`its builds ended ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);

    const locked = await cli.run(['up', '--yes', '--skip-preview', ...prod]);
    expect(locked.code).not.toBe(0);
    expect(locked.stdout + locked.stderr).toContain('the stack is currently locked');

    // The recovery the README's runbook gives (what `pnpm local:up` runs for the local stack by itself).
    const cleared = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        'bash',
        [join(copy.dir, 'scripts', 'clear-stale-lock.sh'), 'prod'],
        { cwd: copy.dir, env: cli.env },
        (error, _stdout, stderr) => resolve({ code: error ? 1 : 0, stderr }),
      );
    });
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stderr).toMatch(/stack prod is locked by pid \d+ on this machine, which is gone/);
    expect(cleared.stderr).toContain('clearing it: pulumi cancel --stack prod --yes');
    expect(lockFiles()).toEqual([]);

    const recovered = await timed('up after the recovery', () => cli.run(['up', '--yes', '--skip-preview', ...prod]));
    expect(recovered.code, recovered.stdout.slice(-6000) + recovered.stderr.slice(-6000)).toBe(0);
    await allFourServe();
    const again = await cli.run(['preview', '--expect-no-changes', ...prod]);
    expect(again.code, again.stdout.slice(-4000)).toBe(0);
  }, 900_000);

  it('2. a DROP TABLE migration fails the prod preview naming file, line and rule; with a reason it passes', async () => {
    migration('0900_legacy_notes.sql', 'CREATE TABLE legacy_notes (v TEXT);\n');
    await cli.ok(['up', '--yes', '--skip-preview', ...prod]);
    const ltd = (await outputs()).ltd as AppOutput;
    expect(await tables(ltd.databaseId)).toContain('legacy_notes');

    migration('0901_drop_legacy_notes.sql', '-- the notes moved to principles\n\nDROP TABLE legacy_notes;\n');
    const refused = await timed('refused preview', () => cli.run(['preview', '--diff', ...prod]));
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain(
      '0901_drop_legacy_notes.sql line 3: drop table: DROP TABLE legacy_notes deletes the table and every row in it',
    );
    expect(refused.stdout + refused.stderr).toContain('-- destructive: <why this is safe now');

    migration(
      '0901_drop_legacy_notes.sql',
      '-- the notes moved to principles\n-- destructive: nothing reads legacy_notes since 0900, and it was always empty\nDROP TABLE legacy_notes;\n',
    );
    const passed = await cli.run(['preview', '--diff', ...prod]);
    expect(passed.code, passed.stdout.slice(-4000) + passed.stderr.slice(-4000)).toBe(0);
    expect(passed.stdout).toContain('0901_drop_legacy_notes.sql');
    expect(await tables(ltd.databaseId)).toContain('legacy_notes'); // a preview changes nothing
  }, 900_000);

  it('3. up --plan applies exactly the saved preview, and refuses once the program wants more than it showed', async () => {
    const plan = join(scratch, 'prod.plan.json');
    await cli.ok(['preview', '--diff', '--save-plan', plan, ...prod]);
    // Something the reviewed plan did not show: one more migration file after the plan was saved.
    migration('0902_more_notes.sql', 'CREATE TABLE more_notes (v TEXT);\n');
    const beyond = await cli.run(['up', '--plan', plan, '--yes', '--skip-preview', ...prod]);
    expect(beyond.code).not.toBe(0);
    expect(beyond.stdout + beyond.stderr).toMatch(/resource \S+::ltd-migrations violates plan/);
    const ltd = (await outputs()).ltd as AppOutput;
    expect(await tables(ltd.databaseId)).not.toContain('more_notes');
    expect(await tables(ltd.databaseId)).toContain('legacy_notes');

    // Saved again with the file, and applied: exactly what the preview showed.
    await cli.ok(['preview', '--diff', '--save-plan', plan, ...prod]);
    const applied = await timed('up --plan', () => cli.run(['up', '--plan', plan, '--yes', '--skip-preview', ...prod]));
    expect(applied.code, applied.stdout.slice(-6000) + applied.stderr.slice(-6000)).toBe(0);
    const now = await tables(ltd.databaseId);
    expect(now).toContain('more_notes');
    expect(now).not.toContain('legacy_notes');
    await allFourServe();
  }, 900_000);

  it('4. a symlink in a package to a file outside the repository fails the build naming it; nothing is served', async () => {
    const outside = join(scratch, 'outside-the-repository.txt');
    writeFileSync(outside, 'a secret of the machine that builds');
    const staticDir = join(copy.dir, 'packages', 'ltd', 'static');
    mkdirSync(staticDir, { recursive: true });
    symlinkSync(outside, join(staticDir, 'leak.txt'));
    const failed = await timed('up with the symlink', () =>
      cli.run(['up', '--yes', '--skip-preview', '--continue-on-error', ...prod]),
    );
    expect(failed.code).not.toBe(0);
    expect(failed.stdout + failed.stderr).toContain(
      `[build packages/ltd] error: refusing to build: a symlink leads out of packages/ltd`,
    );
    expect(failed.stdout + failed.stderr).toContain(`packages/ltd/static/leak.txt -> ${outside}`);
    const ltd = (await outputs()).ltd as AppOutput;
    const leak = await getByHost(emulator.port, hostOf(ltd.productionUrl), '/leak.txt');
    expect(leak.body).not.toContain('a secret of the machine that builds');
    // The other three deployed nothing new and still serve; ltd keeps serving its previous deployment.
    await allFourServe();
  }, 900_000);

  it('logged no unknown API route', () => {
    expect(emulator.unknownRoutes).toEqual([]);
  });
});
