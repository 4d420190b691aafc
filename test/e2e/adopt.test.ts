import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Cloudflare from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../packages/cloudflare-emulator/src/index.ts';
import { judgeRecording } from '../conformance/schema/judge-recording.ts';
import { getByHost, hostOf } from './support/http';
import { changedSteps, type PreviewJson } from './support/preview-json';
import { type CliResult, findToolchain, PulumiCli, type Toolchain } from './support/pulumi-cli';
import { SITE_CHECKS } from './support/site-checks';
import { toolchainReady } from './support/toolchain-gate';
import { makeWorkCopy } from './support/work-copy';

/**
 * Taking over sites made by hand: on a fresh emulator, real wrangler does what the team did (D1 created and migrated,
 * a row written, KV created and a key put, Pages project created and a placeholder deployed, a placeholder Worker, a
 * custom domain added in the dashboard),
 * then `pnpm adopt --stack prod` brings it all under the (protected) prod stack, `pulumi preview` shows no create,
 * replace or delete of any of it, `up` keeps every row and value and reruns no migration, and a second `up` is a
 * no-op. `pnpm wrangler` then runs the team's daily commands on the stack's real resources.
 */

const APPS = ['space', 'io', 'agency', 'ltd'] as const;
const TOKEN = 'e2e-adopt-token-0000000000000000000000000000';
const toolchain = findToolchain();
const ready = toolchainReady(toolchain, 'end-to-end adoption test');
const PLACEHOLDER = 'placeholder deployed by hand';
const DOMAIN = 'createsomething.ltd';

/** Every item of a paginated SDK list, across pages. */
async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const item of items) found.push(item);
  return found;
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { ...options, maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

interface AppOutput {
  productionUrl: string;
  databaseId: string;
  kvNamespaceId: string;
  workers: Record<string, { url: string }>;
}

describe.runIf(ready)('adopting sites made by hand with wrangler, then operating them by name', () => {
  let emulator: RunningEmulator;
  let copy: ReturnType<typeof makeWorkCopy>;
  let cli: PulumiCli;
  let cf: Cloudflare;
  let scratch: string;
  let wranglerEnv: NodeJS.ProcessEnv;
  const prod = ['--stack', 'prod'];
  const timings: string[] = [];
  /** What was made by hand, per app. */
  const hand: Record<string, { databaseId: string; kvNamespaceId: string; createdOn: string }> = {};
  const migrationsBefore: Record<string, unknown[]> = {};

  const wrangler = async (cwd: string, args: string[]) => {
    const result = await run(join(copy.dir, 'node_modules', '.bin', 'wrangler'), args, { cwd, env: wranglerEnv });
    if (result.code !== 0)
      throw new Error(`wrangler ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
    return result;
  };
  /** A root script of the work copy (`pnpm adopt`, `pnpm wrangler`), with the engine's environment. */
  const pnpm = (args: string[]) => run('pnpm', ['--silent', ...args], { cwd: copy.dir, env: cli.env });
  const d1 = async (databaseId: string, sql: string) => {
    const page = await cf.d1.database.query(databaseId, { account_id: emulator.accountId, sql });
    return page.result.flatMap((r) => (r.results ?? []) as Record<string, unknown>[]);
  };
  const kvGet = async (namespaceId: string, key: string) =>
    (await cf.kv.namespaces.values.get(key, { account_id: emulator.accountId, namespace_id: namespaceId })).text();
  const state = async () =>
    (
      JSON.parse((await cli.ok(['stack', 'export', ...prod])).stdout) as {
        deployment: { resources: { urn: string; type: string; protect?: boolean }[] };
      }
    ).deployment.resources;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'e2e-adopt-'));
    emulator = await startEmulator({
      port: 0,
      dataDir: join(scratch, 'emulator'),
      // Every API answer of the run, judged against Cloudflare's published schema at the end.
      recordFile: join(scratch, 'api-traffic.ndjson'),
    });
    cf = new Cloudflare({ apiToken: TOKEN, baseURL: emulator.url, maxRetries: 0 });
    copy = makeWorkCopy();
    cli = new PulumiCli(copy.dir, join(scratch, 'state'), toolchain as Toolchain);
    wranglerEnv = {
      ...process.env,
      CLOUDFLARE_API_BASE_URL: emulator.url,
      CLOUDFLARE_API_TOKEN: TOKEN,
      CLOUDFLARE_ACCOUNT_ID: emulator.accountId,
      WRANGLER_SEND_METRICS: 'false',
      NO_COLOR: '1',
    };
    // The prod stack (protected, seed names), pointed at the emulator, with a custom domain like the team's.
    const prodDefinition = join(copy.dir, 'stacks', 'prod.ts');
    const definition = readFileSync(prodDefinition, 'utf8');
    expect(definition).toContain('customDomains: {},');
    writeFileSync(prodDefinition, definition.replace('customDomains: {},', `customDomains: { ltd: ['${DOMAIN}'] },`));
    // With the secrets the packages declare (infra/bindings/secrets.ts names their config keys).
    // prod refuses a token in its config (infra/config.ts): it comes from the environment, as in the deploy job.
    cli.env.CLOUDFLARE_API_TOKEN = TOKEN;
    await cli.initStackOnEmulator('prod', emulator, {
      token: undefined,
      secrets: {
        'create-something:motionExtractorToken': 'e2e-adopt-worker-secret-0000000000000000',
        'create-something:visitorKey': 'e2e-adopt-visitor-key-0000000000000000000',
        'create-something:unsubscribeSecret': 'e2e-adopt-unsubscribe-secret-00000000000',
      },
    });
  }, 120_000);

  afterAll(async () => {
    if (timings.length > 0) console.info(`[e2e adopt] timings: ${timings.join(', ')}`);
    await emulator?.stop();
    copy?.remove();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('1. the team made everything by hand with wrangler', async () => {
    const started = Date.now();
    const account = { account_id: emulator.accountId };
    await Promise.all(
      APPS.map(async (app) => {
        const name = `createsomething-${app}`;
        const dir = join(scratch, 'by-hand', app);
        const site = join(dir, 'site');
        mkdirSync(site, { recursive: true });
        await wrangler(dir, ['d1', 'create', name]);
        const [database] = await all(cf.d1.database.list({ ...account, name }));
        const databaseId = database?.uuid as string;
        // The wrangler config the team kept by hand, with the real uuid.
        writeFileSync(
          join(dir, 'wrangler.jsonc'),
          JSON.stringify({
            name,
            compatibility_date: '2026-07-01',
            d1_databases: [
              {
                binding: 'DB',
                database_name: name,
                database_id: databaseId,
                migrations_dir: join(copy.dir, 'packages', app, 'migrations'),
              },
            ],
          }),
        );
        await wrangler(dir, ['d1', 'migrations', 'apply', name, '--remote']);
        // A row written by hand since (through the API, as a dashboard query would).
        await d1(
          databaseId,
          `CREATE TABLE hand_notes (note TEXT); INSERT INTO hand_notes VALUES ('written by hand in ${app}')`,
        );
        await wrangler(dir, ['kv', 'namespace', 'create', name]);
        const kvNamespaceId = (await all(cf.kv.namespaces.list(account))).find((n) => n.title === name)?.id as string;
        await wrangler(dir, [
          'kv',
          'key',
          'put',
          'home',
          `hand-written ${app}`,
          '--namespace-id',
          kvNamespaceId,
          '--remote',
        ]);
        // Pages commands in a folder of their own: wrangler must not take the D1 config above as the project's.
        await wrangler(site, ['pages', 'project', 'create', name, '--production-branch', 'main']);
        writeFileSync(join(site, 'index.html'), `<p>${PLACEHOLDER} (${app})</p>\n`);
        await wrangler(site, ['pages', 'deploy', '.', '--project-name', name, '--branch', 'main']);
        const project = await cf.pages.projects.get(name, account);
        hand[app] = { databaseId, kvNamespaceId, createdOn: project.created_on as string };
      }),
    );
    // Wrangler has no command for custom domains: the team added this one in the dashboard.
    await cf.pages.projects.domains.create('createsomething-ltd', { ...account, name: DOMAIN });
    const worker = join(scratch, 'by-hand', 'worker');
    mkdirSync(worker, { recursive: true });
    writeFileSync(join(worker, 'index.js'), `export default { fetch: () => new Response('${PLACEHOLDER}') };\n`);
    writeFileSync(
      join(worker, 'wrangler.jsonc'),
      JSON.stringify({ name: 'motion-extractor', main: 'index.js', compatibility_date: '2026-07-01' }),
    );
    await wrangler(worker, ['deploy']);
    // space's media bucket, io's search queue and the Worker that consumes it, also by hand.
    await wrangler(worker, ['r2', 'bucket', 'create', 'createsomething-space-media']);
    await wrangler(worker, ['queues', 'create', 'createsomething-io-searches']);
    const recorder = join(scratch, 'by-hand', 'search-recorder');
    mkdirSync(recorder, { recursive: true });
    writeFileSync(join(recorder, 'index.js'), `export default { fetch: () => new Response('${PLACEHOLDER}') };\n`);
    writeFileSync(
      join(recorder, 'wrangler.jsonc'),
      JSON.stringify({ name: 'search-recorder', main: 'index.js', compatibility_date: '2026-07-01' }),
    );
    await wrangler(recorder, ['deploy']);
    timings.push(`by hand ${seconds(started)}`);

    for (const app of APPS) {
      const { databaseId } = hand[app] as (typeof hand)[string];
      migrationsBefore[app] = await d1(databaseId, 'SELECT id, name, applied_at FROM d1_migrations ORDER BY id');
      expect(migrationsBefore[app]?.length, app).toBeGreaterThan(0);
      const page = await getByHost(emulator.port, `createsomething-${app}.pages.localhost`, '/');
      expect(page.body).toContain(PLACEHOLDER);
    }
  }, 600_000);

  it('2. pnpm wrangler finds the resources by name while the stack has no outputs', async () => {
    const got = await pnpm(['wrangler', 'ltd', '--stack', 'prod', '--', 'kv', 'key', 'get', '--binding', 'KV', 'home']);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout.trim()).toBe('hand-written ltd');
    expect(got.stderr).toContain(
      `D1 database createsomething-ltd ${hand.ltd?.databaseId}, KV namespace createsomething-ltd ${hand.ltd?.kvNamespaceId} (from a lookup by name`,
    );
  }, 120_000);

  it('3. pnpm adopt imports all of it into the prod stack, protected, and a second run changes nothing', async () => {
    let started = Date.now();
    const adopted = await pnpm(['adopt', '--stack', 'prod']);
    timings.push(`adopt ${seconds(started)}`);
    expect(adopted.code, `${adopted.stdout}\n${adopted.stderr}`).toBe(0);
    // pnpm adopt runs pulumi import itself: upstream plugins only there too.
    expect(`${adopted.stdout}\n${adopted.stderr}`).not.toMatch(/using pulumi-\S+ from \$PATH/);
    const table = adopted.stdout.slice(
      adopted.stdout.indexOf('resource '),
      adopted.stdout.indexOf('[adopt] pulumi import'),
    );
    console.info(`[e2e adopt] pnpm adopt --stack prod:\n${table.trimEnd()}`);
    for (const app of APPS) {
      expect(table).toMatch(
        new RegExp(
          `${app}-database \\(D1Database\\)\\s+createsomething-${app}\\s+found ${hand[app]?.databaseId}\\s+adopt \\(protected\\)`,
        ),
      );
      expect(table).toMatch(
        new RegExp(
          `${app}-kv \\(WorkersKvNamespace\\)\\s+createsomething-${app}\\s+found ${hand[app]?.kvNamespaceId}\\s+adopt \\(protected\\)`,
        ),
      );
      expect(table).toMatch(
        new RegExp(
          `${app}-pages \\(PagesProject\\)\\s+createsomething-${app}\\s+found createsomething-${app}\\s+adopt \\(protected\\)`,
        ),
      );
    }
    expect(table).toMatch(
      /space-motion-extractor-script \(WorkersScript\)\s+motion-extractor\s+found motion-extractor\s+adopt\n/,
    );
    expect(table).toMatch(
      /ltd-domain-createsomething\.ltd \(PagesDomain\)\s+createsomething\.ltd\s+found createsomething\.ltd\s+adopt\n/,
    );
    expect(table).toMatch(
      /space-bucket-media \(R2Bucket\)\s+createsomething-space-media\s+found createsomething-space-media\s+adopt \(protected\)/,
    );
    expect(table).toMatch(
      /io-queue-searches \(Queue\)\s+createsomething-io-searches\s+found \S+\s+adopt \(protected\)/,
    );
    expect(table).toMatch(
      /io-search-recorder-script \(WorkersScript\)\s+search-recorder\s+found search-recorder\s+adopt\n/,
    );
    expect(table).not.toMatch(/will be created|REFUSED/);

    const resources = await state();
    const guarded = resources.filter((r) => /D1Database|WorkersKvNamespace|PagesProject|R2Bucket|Queue$/.test(r.type));
    expect(guarded).toHaveLength(APPS.length * 3 + 2);
    expect(guarded.every((r) => r.protect === true)).toBe(true);
    expect(resources.find((r) => r.type.endsWith('WorkersScript'))?.protect).toBeFalsy();

    started = Date.now();
    const again = await pnpm(['adopt', '--stack', 'prod']);
    timings.push(`adopt again ${seconds(started)}`);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('[adopt] nothing to adopt');
    expect(again.stdout).not.toMatch(/\badopt( \(protected\))?\n/);
    expect(await state()).toEqual(resources);
  }, 300_000);

  it('4. preview: no create, replace or delete of anything made by hand', async () => {
    const started = Date.now();
    const preview = JSON.parse((await cli.ok(['preview', '--json', ...prod])).stdout) as PreviewJson;
    timings.push(`preview ${seconds(started)}`);
    const changed = changedSteps(preview);
    console.info(
      `[e2e adopt] preview after adopt: ${JSON.stringify(preview.changeSummary)}\n  ${changed.join('\n  ')}`,
    );
    const handMade =
      /\s(cloudflare:index\/(d1Database|workersKvNamespace|r2Bucket|queue|pagesProject|pagesDomain|workersScript|workersScriptSubdomain):\S+)\s/;
    for (const step of changed.filter((s) => handMade.test(s))) expect(step).toMatch(/^update /);
    expect(changed.filter((s) => /D1Database|WorkersKvNamespace|R2Bucket|:Queue |PagesDomain/.test(s))).toEqual([]);
    // What may be created: the program's own records, the deployments, and the queue's consumer (Cloudflare's
    // provider cannot import one: it attaches to the adopted queue and Worker).
    for (const step of changed.filter((s) => !handMade.test(s)))
      expect(step).toMatch(
        /^create (create-something:index:PagesDeployment|command:local:Command|createsomething:(d1:Migrations|pages:Bindings|pages:Deployment)|cloudflare:index\/queueConsumer:QueueConsumer) /,
      );
  }, 300_000);

  it('5. up keeps every row and value, reruns no migration, serves the new build; a second up is a no-op', async () => {
    let started = Date.now();
    await cli.ok(['up', '--yes', '--skip-preview', ...prod]);
    timings.push(`up ${seconds(started)}`);
    const apps = JSON.parse((await cli.ok(['stack', 'output', 'apps', '--json', ...prod])).stdout) as Record<
      string,
      AppOutput
    >;
    const account = { account_id: emulator.accountId };
    for (const app of APPS) {
      const made = hand[app] as (typeof hand)[string];
      const out = apps[app] as AppOutput;
      expect([out.databaseId, out.kvNamespaceId]).toEqual([made.databaseId, made.kvNamespaceId]);
      expect((await cf.pages.projects.get(`createsomething-${app}`, account)).created_on).toBe(made.createdOn);
      expect(await d1(made.databaseId, 'SELECT id, name, applied_at FROM d1_migrations ORDER BY id')).toEqual(
        migrationsBefore[app],
      );
      expect(await d1(made.databaseId, 'SELECT note FROM hand_notes')).toEqual([{ note: `written by hand in ${app}` }]);
      expect(await kvGet(made.kvNamespaceId, 'home')).toBe(`hand-written ${app}`);
      const check = SITE_CHECKS[app];
      const page = await getByHost(emulator.port, hostOf(out.productionUrl), check.path);
      expect(page.status, app).toBe(200);
      expect(page.body).toContain(check.d1Text);
      expect(page.body).not.toContain(PLACEHOLDER);
    }
    // The Worker's own code now answers (JSON), not the placeholder deployed by hand.
    const worker = await getByHost(
      emulator.port,
      hostOf(apps.space?.workers['motion-extractor']?.url as string),
      '/health',
    );
    expect(worker.body).not.toContain(PLACEHOLDER);
    expect(() => JSON.parse(worker.body), worker.body).not.toThrow();
    expect(await all(cf.d1.database.list(account))).toHaveLength(APPS.length);
    expect(await all(cf.kv.namespaces.list(account))).toHaveLength(APPS.length);

    started = Date.now();
    const second = await cli.ok(['up', '--yes', '--skip-preview', ...prod]);
    timings.push(`second up ${seconds(started)}`);
    expect(second.stdout).not.toMatch(/\b\d+ (created|updated|replaced|deleted)\b/);
    expect(second.stdout).toMatch(/\d+ unchanged/);
  }, 900_000);

  it("6. pnpm wrangler runs the daily commands on the stack's resources, from its outputs", async () => {
    const started = Date.now();
    const ltd = (...args: string[]) => pnpm(['wrangler', 'ltd', '--stack', 'prod', '--', ...args]);
    const [select, migrations, key, deployments] = await Promise.all([
      ltd('d1', 'execute', 'DB', '--remote', '--command', 'select note from hand_notes', '--json'),
      ltd('d1', 'migrations', 'list', 'DB', '--remote'),
      ltd('kv', 'key', 'get', '--binding', 'KV', 'home'),
      ltd('pages', 'deployment', 'list'),
    ]);
    timings.push(`four wrangler commands ${seconds(started)}`);
    for (const result of [select, migrations, key, deployments]) {
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stderr).toContain(
        `D1 database createsomething-ltd ${hand.ltd?.databaseId}, KV namespace createsomething-ltd ${hand.ltd?.kvNamespaceId} (from the stack's outputs)`,
      );
    }
    expect((JSON.parse(select.stdout) as { results: unknown[] }[])[0]?.results).toEqual([
      { note: 'written by hand in ltd' },
    ]);
    expect(migrations.stdout).toMatch(/No migrations to apply/);
    expect(key.stdout.trim()).toBe('hand-written ltd');
    // The placeholder deployed by hand and the one the stack uploaded.
    const ids = (
      await all(cf.pages.projects.deployments.list('createsomething-ltd', { account_id: emulator.accountId }))
    ).map((d) => d.id);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(deployments.stdout).toContain(id);
  }, 300_000);

  it('logged no unknown API route, and no engine run used a plugin from $PATH', () => {
    expect(emulator.unknownRoutes).toEqual([]);
    expect(cli.pathPluginWarnings).toEqual([]);
  });

  it("answered every API call of the run (wrangler's, the SDK's, the providers') as Cloudflare's schema says", () => {
    const judged = judgeRecording([join(scratch, 'api-traffic.ndjson')]);
    console.info(`[e2e adopt] API answers against the schema: ${judged.summary}`);
    expect(judged.exchanges).toBeGreaterThan(100);
    expect(judged.invalid).toEqual([]);
    expect(judged.unlistedRoutes).toEqual([]);
  });
});
