import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Cloudflare from 'cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_VERSION } from '../../infra/provider/identity';
import { type RunningEmulator, startEmulator } from '../../packages/cloudflare-emulator/src/index.ts';
import { judgeRecording } from '../conformance/schema/judge-recording.ts';
import { getByHost, hostOf, requestByHost } from './support/http';
import { changedSteps, normalisedSteps, type PreviewJson } from './support/preview-json';
import { findToolchain, PulumiCli, type Toolchain } from './support/pulumi-cli';
import { SITE_CHECKS } from './support/site-checks';
import { toolchainReady } from './support/toolchain-gate';
import { describeUpstreamPlugins, offlineChecksumProblems } from './support/upstream-plugins';
import { makeWorkCopy, REPO_ROOT } from './support/work-copy';

const APPS = ['space', 'io', 'agency', 'ltd'] as const;
const TOKEN = 'e2e-emulator-token-000000000000000000000000';
/** What the pull-request preview job holds: a token the emulator refuses every write for. */
const READ_ONLY_TOKEN = 'e2e-read-only-token-00000000000000000000000';
/** The values of the secrets the sites declare, set with `config set --secret` on the local stack. */
const SITE_SECRETS = {
  'create-something:visitorKey': 'e2e-local-visitor-key-0000000000000000000',
  'create-something:unsubscribeSecret': 'e2e-local-unsubscribe-secret-00000000000',
};
const toolchain = findToolchain();

if (toolchainReady(toolchain, 'end-to-end tier')) {
  // Once per run: exactly which engine and plugins the claims below were proven on.
  console.info(describeUpstreamPlugins(toolchain));
}

/** Every item of a paginated SDK list, across pages. */
async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const item of items) found.push(item);
  return found;
}
const count = async (items: AsyncIterable<unknown>) => (await all(items)).length;

interface AppOutput {
  projectName: string;
  productionUrl: string;
  deploymentUrl: string;
  deploymentId: string;
  databaseId: string;
  kvNamespaceId: string;
  migrationBookmark: string;
  resources: Record<string, { kind: string; name: string; ref: string }>;
  workers: Record<string, { scriptName: string; url: string }>;
}

/** Every regular file under `dir`. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe.runIf('bin' in toolchain)('the real Pulumi engine on the local stack, against the emulator', () => {
  let emulator: RunningEmulator;
  let copy: ReturnType<typeof makeWorkCopy>;
  let cli: PulumiCli;
  let cf: Cloudflare;
  let scratch: string;
  const local = ['--stack', 'local'];

  const outputs = async (stack = 'local') =>
    JSON.parse((await cli.ok(['stack', 'output', 'apps', '--json', '--stack', stack])).stdout) as Record<
      string,
      AppOutput
    >;
  const preview = async (stack = 'local') =>
    JSON.parse((await cli.ok(['preview', '--json', '--stack', stack])).stdout) as PreviewJson;
  const d1 = async (databaseId: string, sql: string) => {
    const page = await cf.d1.database.query(databaseId, { account_id: emulator.accountId, sql });
    return page.result.flatMap((r) => (r.results ?? []) as Record<string, unknown>[]);
  };
  const deploymentCount = (project: string) =>
    count(cf.pages.projects.deployments.list(project, { account_id: emulator.accountId }));
  const site = async (url: string, path = '/') => getByHost(emulator.port, hostOf(url), path);
  /** The repository's wrangler against the emulator, from an empty folder (no wrangler config to pick up). */
  const runWrangler = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        join(REPO_ROOT, 'node_modules', '.bin', 'wrangler'),
        args,
        {
          cwd: mkdtempSync(join(tmpdir(), 'e2e-wrangler-')),
          env: {
            ...cli.env,
            CLOUDFLARE_API_BASE_URL: emulator.url,
            CLOUDFLARE_API_TOKEN: TOKEN,
            CLOUDFLARE_ACCOUNT_ID: emulator.accountId,
            CI: 'true',
          },
          timeout: 120_000,
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
  /** The Worker answers its health check to anyone, everything else only with the local stack's bearer secret. */
  const workerIsGuardedAndAnswers = async (url: string) => {
    const host = hostOf(url);
    expect((await getByHost(emulator.port, host, '/health')).status).toBe(200);
    expect((await getByHost(emulator.port, host, '/?url=not-a-url')).status).toBe(401);
    const secret = /motionExtractorToken:\s*(\S+)/.exec(readFileSync(join(copy.dir, 'Pulumi.local.yaml'), 'utf8'))?.[1];
    const authorized = await getByHost(emulator.port, host, '/?url=not-a-url', { authorization: `Bearer ${secret}` });
    expect(authorized.status).toBe(400);
  };
  /** Every build that really ran in the work copy so far (not a cache hit), from build.mjs's timeline in `.turbo`. */
  const builds = () =>
    existsSync(join(copy.dir, '.turbo', 'builds.ndjson'))
      ? (readFileSync(join(copy.dir, '.turbo', 'builds.ndjson'), 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line)) as { package: string; started: string; finished: string }[])
      : [];

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'e2e-local-'));
    emulator = await startEmulator({
      port: 0,
      dataDir: join(scratch, 'emulator'),
      readOnlyTokens: [READ_ONLY_TOKEN],
      // Every API answer of the run, judged against Cloudflare's published schema at the end.
      recordFile: join(scratch, 'api-traffic.ndjson'),
    });
    cf = new Cloudflare({ apiToken: TOKEN, baseURL: emulator.url, maxRetries: 0 });
    copy = makeWorkCopy();
    cli = new PulumiCli(copy.dir, join(scratch, 'state'), toolchain as Toolchain);
    // The sites' secrets as Pulumi secrets, as on every real stack (Pulumi.local.yaml keeps documented plain values).
    await cli.initStackOnEmulator('local', emulator, { token: TOKEN, secrets: SITE_SECRETS });
  }, 120_000);

  afterAll(async () => {
    await emulator?.stop();
    copy?.remove();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('0. runs upstream plugins only: installed in the plugin home, none on PATH, checksums as the offline folder lists', async () => {
    const ready = toolchain as Toolchain;
    expect(offlineChecksumProblems(ready)).toEqual([]);
    const listed = JSON.parse((await cli.ok(['plugin', 'ls', '--json'])).stdout) as {
      name: string;
      kind: string;
      version: string;
      path: string;
    }[];
    const resources = listed.filter((p) => p.kind === 'resource').map((p) => `${p.name} ${p.version}`);
    expect(resources.sort()).toEqual(['cloudflare 6.17.0', 'command 1.2.1']);
    for (const plugin of ['pulumi-resource-cloudflare', 'pulumi-resource-command'])
      expect(existsSync(join(ready.bin, plugin)), `${plugin} must not be on PATH`).toBe(false);
  });

  it('a. previews exactly the expected resources on an empty stack', async () => {
    const steps = normalisedSteps(await preview());
    const expected = [
      'create pulumi:pulumi:Stack create-something-local',
      ...APPS.flatMap((app) => [
        `create create-something:index:SiteApp ${app}`,
        `create cloudflare:index/d1Database:D1Database ${app}-database`,
        `create cloudflare:index/workersKvNamespace:WorkersKvNamespace ${app}-kv`,
        `create cloudflare:index/pagesProject:PagesProject ${app}-pages`,
        `create createsomething:pages:Bindings ${app}-pages-bindings`,
        `create createsomething:d1:Migrations ${app}-migrations`,
        `create create-something:index:PagesDeployment ${app}-deployment`,
        `create command:local:Command ${app}-deployment-build`,
        `create createsomething:pages:Deployment ${app}-deployment-upload`,
      ]),
      // What the packages' wrangler.jsonc declare beyond D1 and KV: space's media bucket, io's search queue.
      'create cloudflare:index/r2Bucket:R2Bucket space-bucket-media',
      'create cloudflare:index/queue:Queue io-queue-searches',
      'create create-something:index:Worker space-motion-extractor',
      'create cloudflare:index/workersScript:WorkersScript space-motion-extractor-script',
      'create cloudflare:index/workersScriptSubdomain:WorkersScriptSubdomain space-motion-extractor-subdomain',
      'create create-something:index:Worker io-search-recorder',
      'create cloudflare:index/workersScript:WorkersScript io-search-recorder-script',
      'create cloudflare:index/workersScriptSubdomain:WorkersScriptSubdomain io-search-recorder-subdomain',
      'create cloudflare:index/queueConsumer:QueueConsumer io-search-recorder-consumes-io-queue-searches',
    ].sort();
    expect(steps.filter((s) => !s.includes(' pulumi:providers:'))).toEqual(expected);
  }, 600_000);

  it('b. up creates everything and every site answers with its D1 rows and KV value', async () => {
    await cli.ok(['up', '--yes', '--skip-preview', ...local]);
    const apps = await outputs();
    for (const app of APPS) {
      const out = apps[app] as AppOutput;
      expect(out.projectName).toBe(`createsomething-${app}`);
      expect(out.productionUrl).toBe(`http://createsomething-${app}.pages.localhost:${emulator.port}/`);
      expect(out.migrationBookmark).toMatch(/\S/);
      const check = SITE_CHECKS[app];
      const first = await site(out.productionUrl, check.path);
      expect(first.status, `${app} ${check.path}`).toBe(200);
      expect(first.body).toContain(check.d1Text);
      const again = await site(out.productionUrl, check.path);
      expect(again.body).toMatch(check.kvText);
      const applied = await d1(out.databaseId, 'SELECT name FROM d1_migrations ORDER BY id');
      expect(applied.length).toBeGreaterThan(0);
      // Pulumi owns the bindings: the upload must not have shipped a Pages wrangler config that would replace them.
      const received = await getByHost(emulator.port, '127.0.0.1', `/__emulator/pages/${out.projectName}/deployments`);
      const deployments = JSON.parse(received.body) as { received_parts: string[] }[];
      expect(deployments).toHaveLength(1);
      expect(deployments[0]?.received_parts).toContain('manifest');
      expect(deployments[0]?.received_parts).not.toContain('wrangler_config_hash');
      expect(deployments[0]?.received_parts).not.toContain('pages_build_output_dir');
    }
    const worker = (apps.space as AppOutput).workers['motion-extractor'] as { url: string };
    await workerIsGuardedAndAnswers(worker.url);
    // No provider code in the state: the checkpoint holds the resources' own data, and the project's provider plugin
    // is recorded at the version it reports.
    const exported = JSON.parse((await cli.ok(['stack', 'export', ...local])).stdout) as {
      deployment: { resources: { type: string; inputs?: { version?: string } }[] };
    };
    const compact = JSON.stringify(exported);
    console.info(`[e2e] checkpoint after a full deploy: ${compact.length} bytes (compact JSON)`);
    expect(compact).not.toContain('__provider');
    expect(compact.length).toBeLessThanOrEqual(250_000);
    const ownProvider = exported.deployment.resources.filter((r) => r.type === 'pulumi:providers:createsomething');
    expect(ownProvider.map((r) => r.inputs?.version)).toEqual([PROVIDER_VERSION]);
    // The builds start at once and run side by side (they wait for nothing in Cloudflare).
    const ran = builds();
    expect(ran.map((b) => b.package).sort()).toEqual(APPS.map((app) => `packages/${app}`).sort());
    const overlapping = ran.some((a) => ran.some((b) => a !== b && a.started < b.finished && b.started < a.finished));
    expect(overlapping, JSON.stringify(ran)).toBe(true);
  }, 900_000);

  it('c. a second up changes nothing, and refresh finds no drift', async () => {
    const apps = await outputs();
    const before = await Promise.all(APPS.map((app) => deploymentCount((apps[app] as AppOutput).projectName)));
    expect(changedSteps(await preview())).toEqual([]);
    const up = await cli.ok(['up', '--yes', '--skip-preview', ...local]);
    expect(up.stdout).not.toMatch(/\b\d+ (created|updated|replaced|deleted)\b/);
    expect(up.stdout).toMatch(/\d+ unchanged/);
    const after = await Promise.all(APPS.map((app) => deploymentCount((apps[app] as AppOutput).projectName)));
    expect(after).toEqual(before);
    await cli.ok(['refresh', '--yes', '--skip-preview', ...local]);
    await cli.ok(['preview', '--expect-no-changes', ...local]);
  }, 900_000);

  /**
   * Drift made behind Pulumi's back must be seen by `preview --refresh` (which fails under --expect-no-changes and
   * names the resource), repaired by `up --refresh`, and be gone afterwards.
   */
  const driftIsFoundAndRepaired = async (
    makeDrift: () => Promise<void>,
    named: RegExp,
    whileDrifted?: () => Promise<void>,
  ) => {
    await cli.ok(['preview', '--refresh', '--expect-no-changes', ...local]);
    await makeDrift();
    const seen = await cli.run(['preview', '--refresh', '--expect-no-changes', '--diff', ...local]);
    expect(seen.code, seen.stdout).not.toBe(0);
    expect(seen.stdout + seen.stderr).toMatch(/no changes were expected( for \w+)? but changes were proposed/i);
    expect(seen.stdout).toMatch(named);
    await whileDrifted?.();
    await cli.ok(['up', '--refresh', '--yes', '--skip-preview', ...local]);
    await cli.ok(['preview', '--refresh', '--expect-no-changes', ...local]);
  };
  const siteServesItsData = async (app: (typeof APPS)[number]) => {
    const out = (await outputs())[app] as AppOutput;
    const page = await site(out.productionUrl, SITE_CHECKS[app].path);
    expect(page.status, `${app} after the repair`).toBe(200);
    expect(page.body).toContain(SITE_CHECKS[app].d1Text);
  };

  it("c1. drift: a Pages project's production bindings changed through the API", async () => {
    const io = (await outputs()).io as AppOutput;
    const spare = await cf.d1.database.create({ account_id: emulator.accountId, name: 'e2e-drift-spare' });
    await driftIsFoundAndRepaired(
      async () => {
        await cf.pages.projects.edit(io.projectName, {
          account_id: emulator.accountId,
          deployment_configs: {
            production: { d1_databases: { DB: { id: spare.uuid as string } }, kv_namespaces: { KV: null } },
          },
        } as never);
      },
      /io-pages-bindings[\s\S]*kvNamespaces/,
      async () => {
        // The upstream provider's refresh does not read bindings back (see infra/provider/pages-bindings.ts): the
        // project itself shows no change, only the bindings record does. When this fails because io-pages shows the
        // drift too, upstream sees binding drift by itself and PagesBindings can go.
        const steps = changedSteps(
          JSON.parse((await cli.ok(['preview', '--refresh', '--json', ...local])).stdout) as PreviewJson,
        ).filter((step) => !step.startsWith('refresh '));
        expect(steps).toEqual(['update createsomething:pages:Bindings io-pages-bindings']);
      },
    );
    const project = await cf.pages.projects.get(io.projectName, { account_id: emulator.accountId });
    const production = project.deployment_configs?.production;
    expect(production?.d1_databases?.DB?.id).toBe(io.databaseId);
    expect(production?.kv_namespaces?.KV?.namespace_id).toBe(io.kvNamespaceId);
    await siteServesItsData('io');
    await cf.d1.database.delete(spare.uuid as string, { account_id: emulator.accountId });
  }, 900_000);

  it('c2. drift: a KV namespace deleted; only its package redeploys, and its site reads the new namespace', async () => {
    const apps = await outputs();
    const agency = apps.agency as AppOutput;
    const before = await Promise.all(APPS.map((app) => deploymentCount((apps[app] as AppOutput).projectName)));
    const buildsBefore = builds().length;
    await driftIsFoundAndRepaired(
      () => cf.kv.namespaces.delete(agency.kvNamespaceId, { account_id: emulator.accountId }).then(() => undefined),
      /agency-kv/,
    );
    const repaired = (await outputs()).agency as AppOutput;
    expect(repaired.kvNamespaceId).not.toBe(agency.kvNamespaceId);
    const namespaces = await all(cf.kv.namespaces.list({ account_id: emulator.accountId }));
    expect(namespaces.map((n) => n.id)).toContain(repaired.kvNamespaceId);
    // A deployment keeps the bindings it was created with: the new namespace reaches the site only by a new upload.
    const after = await Promise.all(APPS.map((app) => deploymentCount((apps[app] as AppOutput).projectName)));
    expect(after.map((n, i) => n - (before[i] as number))).toEqual([0, 0, 1, 0]);
    // The same code with new bindings: the build it has is uploaded, not rebuilt.
    expect(builds().length).toBe(buildsBefore);
    await siteServesItsData('agency');
    await site(repaired.productionUrl, SITE_CHECKS.agency.path);
    const keys = await all(cf.kv.namespaces.keys.list(repaired.kvNamespaceId, { account_id: emulator.accountId }));
    expect(keys.map((k) => k.name)).toContain('home:snapshot');
    expect((await site(repaired.productionUrl, SITE_CHECKS.agency.path)).body).toMatch(SITE_CHECKS.agency.kvText);
  }, 900_000);

  it('c3. drift: a Worker script deleted', async () => {
    const worker = (await outputs()).space?.workers['motion-extractor'] as { scriptName: string; url: string };
    await driftIsFoundAndRepaired(
      () => cf.workers.scripts.delete(worker.scriptName, { account_id: emulator.accountId }).then(() => undefined),
      /space-motion-extractor-script/,
    );
    await workerIsGuardedAndAnswers(worker.url);
  }, 900_000);

  it('c4. drift: a Pages project deleted; after the repair its site serves again', async () => {
    const ltd = (await outputs()).ltd as AppOutput;
    await driftIsFoundAndRepaired(
      () => cf.pages.projects.delete(ltd.projectName, { account_id: emulator.accountId }).then(() => undefined),
      /ltd-pages/,
    );
    expect(await deploymentCount(ltd.projectName)).toBe(1);
    await siteServesItsData('ltd');
  }, 900_000);

  /** The deployment the project serves on production (the canonical one). */
  const served = async (project: string) =>
    (await cf.pages.projects.get(project, { account_id: emulator.accountId })).canonical_deployment?.id;
  /** A `wrangler pages deploy` by hand of a one-page site: what someone might do from a laptop. */
  const handDeploy = async (project: string): Promise<string> => {
    const dir = mkdtempSync(join(scratch, 'hand-deploy-'));
    writeFileSync(join(dir, 'index.html'), '<p>deployed by hand</p>');
    const deployed = await runWrangler(['pages', 'deploy', dir, '--project-name', project, '--branch', 'main']);
    expect(deployed.code, deployed.stderr).toBe(0);
    return (await served(project)) as string;
  };
  /** preview --refresh fails under --expect-no-changes, naming the package's upload, the served id and ours. */
  const deploymentDriftIsShown = async (ids: string[]) => {
    const seen = await cli.run(['preview', '--refresh', '--expect-no-changes', '--diff', ...local]);
    expect(seen.code, seen.stdout).not.toBe(0);
    const upload = seen.stdout.slice(seen.stdout.indexOf('io-deployment-upload'));
    expect(upload.length, seen.stdout).toBeLessThan(seen.stdout.length + 1);
    for (const id of ids) expect(upload, seen.stdout).toContain(id);
    expect(
      changedSteps(
        JSON.parse((await cli.ok(['preview', '--refresh', '--json', ...local])).stdout) as PreviewJson,
      ).filter((step) => !step.startsWith('refresh ')),
    ).toEqual(['update createsomething:pages:Deployment io-deployment-upload']);
    return seen.stdout;
  };

  it('c5. what a project serves is read back: a hand deploy, a rollback and a deleted deployment are shown and undone', async () => {
    const io = (await outputs()).io as AppOutput;
    expect(await served(io.projectName)).toBe(io.deploymentId);
    const buildsBefore = builds().length;

    // A hand `wrangler pages deploy`: up rolls ours back (no new deployment, the same bytes as before).
    const hand = await handDeploy(io.projectName);
    expect(hand).not.toBe(io.deploymentId);
    await deploymentDriftIsShown([hand, io.deploymentId]);
    const beforeRepair = await deploymentCount(io.projectName);
    await cli.ok(['up', '--refresh', '--yes', '--skip-preview', ...local]);
    expect(await served(io.projectName)).toBe(io.deploymentId);
    expect(await deploymentCount(io.projectName)).toBe(beforeRepair);
    await cli.ok(['preview', '--refresh', '--expect-no-changes', ...local]);
    await siteServesItsData('io');

    // A rollback in the dashboard to the hand-made deployment: the same.
    await cf.pages.projects.deployments.rollback(hand, {
      account_id: emulator.accountId,
      project_name: io.projectName,
    });
    await deploymentDriftIsShown([hand, io.deploymentId]);
    await cli.ok(['up', '--refresh', '--yes', '--skip-preview', ...local]);
    expect(await served(io.projectName)).toBe(io.deploymentId);
    await cli.ok(['preview', '--refresh', '--expect-no-changes', ...local]);

    // Ours deleted (after another hand deploy, as Cloudflare refuses to delete the live one): a new upload of the
    // same build, as built before.
    const again = await handDeploy(io.projectName);
    await cf.pages.projects.deployments.delete(io.deploymentId, {
      account_id: emulator.accountId,
      project_name: io.projectName,
    });
    expect(await deploymentDriftIsShown([again, io.deploymentId])).toMatch(/no longer exists/);
    await cli.ok(['up', '--refresh', '--yes', '--skip-preview', ...local]);
    const replaced = (await outputs()).io as AppOutput;
    expect(replaced.deploymentId).not.toBe(io.deploymentId);
    expect(await served(io.projectName)).toBe(replaced.deploymentId);
    expect(builds().length).toBe(buildsBefore);
    await cli.ok(['preview', '--refresh', '--expect-no-changes', ...local]);
    await siteServesItsData('io');
  }, 900_000);

  /** Where the work copy's provider, once c6 changed it, logs each call it serves; and those calls for the local stack. */
  const providerTrace = () => join(scratch, 'provider-trace.log');
  const tracedCalls = (op: string) =>
    (existsSync(providerTrace()) ? readFileSync(providerTrace(), 'utf8').trim().split('\n') : [])
      .filter((l) => l.startsWith(`${op} urn:pulumi:local::`))
      .map((l) => l.split('::').pop())
      // An operation may be asked more than once per resource in one run; each resource must be among them.
      .filter((name, k, names) => names.indexOf(name) === k)
      .sort();
  const providerResources = () =>
    APPS.flatMap((app) => [`${app}-deployment-upload`, `${app}-migrations`, `${app}-pages-bindings`]).sort();

  it("c6. the provider that runs is the repository's: a change to it takes effect at the next refresh and preview", async () => {
    const server = join(copy.dir, 'infra', 'provider', 'server.ts');
    const original = readFileSync(server, 'utf8');
    const trace = providerTrace();
    // Every call the plugin serves appends a line: which operation, for which resource.
    const traced = `${original}
for (const op of ['check', 'diff', 'create', 'update', 'read', 'delete'] as const) {
  const served = createSomethingProvider[op] as (...args: unknown[]) => unknown;
  (createSomethingProvider as Record<string, unknown>)[op] = (...args: unknown[]) => {
    const urn = args.find((a) => typeof a === 'string' && a.startsWith('urn:'));
    require('node:fs').appendFileSync(${JSON.stringify(trace)}, \`\${op} \${urn}\\n\`);
    return served(...args);
  };
}
`;
    // Left in place: case g checks that the destroy runs it too.
    writeFileSync(server, traced);
    await cli.ok(['refresh', '--yes', '--skip-preview', ...local]);
    expect(tracedCalls('read')).toEqual(providerResources());
    await cli.ok(['preview', ...local]);
    expect(tracedCalls('diff')).toEqual(providerResources());
  }, 900_000);

  it("d. a change to one app's source rebuilds and redeploys only that app", async () => {
    const apps = await outputs();
    const page = join(copy.dir, 'packages', 'io', SITE_CHECKS.io.editableFile);
    writeFileSync(page, `${readFileSync(page, 'utf8')}\n<p>e2e source change marker</p>\n`);
    // A changed trigger replaces the build command (upstream Command semantics); the upload updates: only io's.
    const changed = changedSteps(await preview());
    expect(changed.length).toBeGreaterThan(0);
    expect(changed).toEqual([
      'replace command:local:Command io-deployment-build',
      'update createsomething:pages:Deployment io-deployment-upload',
    ]);
    const before = await Promise.all(APPS.map((app) => deploymentCount((apps[app] as AppOutput).projectName)));
    const buildsBefore = builds().length;
    await cli.ok(['up', '--yes', '--skip-preview', ...local]);
    // Only io built: an unchanged package neither builds nor uploads.
    expect(
      builds()
        .slice(buildsBefore)
        .map((b) => b.package),
    ).toEqual(['packages/io']);
    const after = await Promise.all(APPS.map((app) => deploymentCount((apps[app] as AppOutput).projectName)));
    expect(after.map((n, i) => n - (before[i] as number))).toEqual([0, 1, 0, 0]);
    const io = await site((apps.io as AppOutput).productionUrl, SITE_CHECKS.io.path);
    expect(io.body).toContain('e2e source change marker');
  }, 900_000);

  it('d2. a broken app holds back only itself; after the fix only it redeploys', async () => {
    const apps = await outputs();
    const counts = () => Promise.all(APPS.map((app) => deploymentCount((apps[app] as AppOutput).projectName)));
    const pageOf = (app: string) => join(copy.dir, 'packages', app, SITE_CHECKS.io.editableFile);
    const originals = Object.fromEntries(APPS.map((app) => [app, readFileSync(pageOf(app), 'utf8')]));
    for (const app of APPS) writeFileSync(pageOf(app), `${originals[app]}\n<p>d2 marker ${app}</p>\n`);
    // A Svelte syntax error: agency's build fails.
    writeFileSync(pageOf('agency'), `${originals.agency}\n<p>{#if}</p>\n`);
    const before = await counts();
    const broken = await cli.run(['up', '--yes', '--skip-preview', '--continue-on-error', ...local]);
    expect(broken.code).not.toBe(0);
    expect(broken.stdout + broken.stderr).toMatch(/agency-deployment-build/);
    expect(broken.stdout + broken.stderr).toContain('[build packages/agency] error');
    const afterBroken = await counts();
    expect(afterBroken.map((n, i) => n - (before[i] as number))).toEqual([1, 1, 0, 1]);
    for (const app of ['space', 'io', 'ltd'] as const)
      expect((await site((apps[app] as AppOutput).productionUrl, SITE_CHECKS[app].path)).body).toContain(
        `d2 marker ${app}`,
      );
    const agencyPage = await site((apps.agency as AppOutput).productionUrl, SITE_CHECKS.agency.path);
    expect(agencyPage.status).toBe(200);
    expect(agencyPage.body).not.toContain('d2 marker');
    // The outputs of the packages that did deploy are current after the failed run.
    const outputsAfter = await outputs();
    for (const app of ['space', 'io', 'ltd'] as const) {
      const latest = await all(
        cf.pages.projects.deployments.list((apps[app] as AppOutput).projectName, { account_id: emulator.accountId }),
      );
      expect(latest.map((d) => d.url)).toContain((outputsAfter[app] as AppOutput).deploymentUrl);
      expect((outputsAfter[app] as AppOutput).deploymentUrl).not.toBe((apps[app] as AppOutput).deploymentUrl);
    }

    writeFileSync(pageOf('agency'), `${originals.agency}\n<p>d2 marker agency</p>\n`);
    expect(changedSteps(await preview())).toEqual([
      'replace command:local:Command agency-deployment-build',
      'update createsomething:pages:Deployment agency-deployment-upload',
    ]);
    await cli.ok(['up', '--yes', '--skip-preview', ...local]);
    const fixed = await counts();
    expect(fixed.map((n, i) => n - (afterBroken[i] as number))).toEqual([0, 0, 1, 0]);
    expect((await site((apps.agency as AppOutput).productionUrl, SITE_CHECKS.agency.path)).body).toContain(
      'd2 marker agency',
    );
  }, 900_000);

  it("d3. a rebuild of unchanged sources, turbo's cache and the output gone, is byte-identical and uploads nothing", async () => {
    const apps = await outputs();
    const exported = JSON.parse((await cli.ok(['stack', 'export', ...local])).stdout) as {
      deployment: { resources: { urn: string }[] };
    };
    const build = exported.deployment.resources.find((r) => r.urn.endsWith('::io-deployment-build'));
    if (!build) throw new Error('no io-deployment-build in the state');
    // As on another machine: no cached build at all, no output of io, and its build command run again.
    rmSync(join(copy.dir, '.turbo', 'cache'), { recursive: true, force: true });
    rmSync(join(copy.dir, 'packages', 'io', '.svelte-kit'), { recursive: true, force: true });
    const counts = () => Promise.all(APPS.map((app) => deploymentCount((apps[app] as AppOutput).projectName)));
    const before = await counts();
    const buildsBefore = builds().length;
    const rebuilt = await cli.ok(['up', '--yes', '--skip-preview', '--replace', build.urn, ...local]);
    expect(
      builds()
        .slice(buildsBefore)
        .map((b) => b.package),
    ).toEqual(['packages/io']);
    // Same output hash as the build it replaced, so the deployment has nothing to upload.
    expect(rebuilt.stdout).not.toMatch(/io-deployment-upload/);
    expect((await counts()).map((n, i) => n - (before[i] as number))).toEqual([0, 0, 0, 0]);
    expect(changedSteps(await preview())).toEqual([]);
  }, 900_000);

  it("j. bindings as data: space's capture lands in the stack's own bucket, io's search reaches D1 through the queue, the sites' secrets are in no state, log or build", async () => {
    const apps = await outputs();
    const space = apps.space as AppOutput;
    const io = apps.io as AppOutput;
    // The queue: a search answered by io (a GET, which writes nothing) reaches D1 through the consumer Worker.
    const query = `spring ${Date.now()}`;
    const searched = await getByHost(
      emulator.port,
      hostOf(io.productionUrl),
      `/api/search?q=${encodeURIComponent(query)}`,
      {
        'cf-connecting-ip': '203.0.113.62',
      },
    );
    expect(searched.status, searched.body).toBe(200);
    // Meanwhile, another site takes a request (on the emulator, loading a Worker must not drop queued messages).
    // R2: a capture posted to space is stored by the site in the stack's own MEDIA bucket.
    const bucket = space.resources['space-bucket-media'];
    expect(bucket).toMatchObject({ kind: 'r2', name: 'createsomething-space-media' });
    const capture = { label: 'e2e take', frames: [0, 1, 2].map((t) => ({ t, x: t * 2, y: t * 3 })) };
    const saved = await requestByHost(
      emulator.port,
      hostOf(space.productionUrl),
      '/api/experiments/spring-physics/captures',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.61' },
        body: JSON.stringify(capture),
      },
    );
    expect(saved.status, saved.body).toBe(201);
    const { id } = JSON.parse(saved.body) as { id: string };
    const object = await fetch(
      `${emulator.url}/accounts/${emulator.accountId}/r2/buckets/${bucket?.name}/objects/captures/spring-physics/${id}.json`,
      { headers: { authorization: `Bearer ${TOKEN}` } },
    );
    expect(object.status).toBe(200);
    expect(await object.json()).toMatchObject(capture);
    // Within the consumer's batch wait (5 s), or its retry of a failed write (30 s later).
    const deadline = Date.now() + 120_000;
    let recorded: Record<string, unknown>[] = [];
    while (recorded.length === 0 && Date.now() < deadline) {
      recorded = await d1(io.databaseId, `SELECT query, result_count FROM searches WHERE query = '${query}'`);
      if (recorded.length === 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(recorded).toEqual([{ query, result_count: expect.any(Number) }]);
    // Secrets: set in the stack's config as Pulumi secrets, bound to the sites, and nowhere else.
    const secrets = Object.values(SITE_SECRETS);
    expect(readFileSync(join(copy.dir, 'Pulumi.local.yaml'), 'utf8')).not.toContain(secrets[0]);
    const project = await cf.pages.projects.get(space.projectName, { account_id: emulator.accountId });
    expect(project.deployment_configs?.production?.env_vars?.VISITOR_KEY?.type).toBe('secret_text');
    const exported = (await cli.ok(['stack', 'export', ...local])).stdout;
    const stateFiles = filesUnder(join(scratch, 'state', '.pulumi'));
    // What the builds left: each app's output and turbo's logs (turbo's cache holds the same output, compressed).
    const buildFiles = APPS.flatMap((app) => [
      ...filesUnder(join(copy.dir, 'packages', app, '.svelte-kit', 'cloudflare')),
      ...filesUnder(join(copy.dir, 'packages', app, '.turbo')),
    ]);
    expect(stateFiles.length).toBeGreaterThan(0);
    expect(buildFiles.length).toBeGreaterThan(0);
    // The capture goes: Cloudflare deletes no bucket that holds objects (10008), so a stack's destroy (case g) would
    // fail on it, as `pnpm local:down` would (README "Known limits").
    const removed = await fetch(
      `${emulator.url}/accounts/${emulator.accountId}/r2/buckets/${bucket?.name}/objects/captures/spring-physics/${id}.json`,
      { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } },
    );
    expect(removed.status).toBe(200);
    for (const secret of secrets) {
      expect(exported).not.toContain(secret);
      expect(cli.transcript.filter((text) => text.includes(secret))).toEqual([]);
      expect(stateFiles.filter((file) => readFileSync(file, 'latin1').includes(secret))).toEqual([]);
      expect(buildFiles.filter((file) => readFileSync(file, 'latin1').includes(secret))).toEqual([]);
    }
  }, 900_000);

  it('e. a new migration is previewed by name and applied; an edited applied one fails the preview', async () => {
    const apps = await outputs();
    const ltd = apps.ltd as AppOutput;
    const migrations = join(copy.dir, 'packages', 'ltd', 'migrations');
    writeFileSync(
      join(migrations, '9000_e2e_marker.sql'),
      `CREATE TABLE e2e_marker (id INTEGER PRIMARY KEY, note TEXT NOT NULL);\nINSERT INTO e2e_marker (note) VALUES ('added by e2e');\n${SITE_CHECKS.ltd.visibleInsert ?? ''}\n`,
    );
    const diff = await cli.ok(['preview', '--diff', ...local]);
    expect(diff.stdout).toContain('9000_e2e_marker.sql');
    expect(changedSteps(await preview())).toEqual(['update createsomething:d1:Migrations ltd-migrations']);
    await cli.ok(['up', '--yes', '--skip-preview', ...local]);
    expect(await d1(ltd.databaseId, 'SELECT note FROM e2e_marker')).toEqual([{ note: 'added by e2e' }]);
    const applied = await d1(ltd.databaseId, 'SELECT name FROM d1_migrations ORDER BY id');
    expect(applied.at(-1)).toEqual({ name: '9000_e2e_marker.sql' });
    const page = await site(ltd.productionUrl, SITE_CHECKS.ltd.path);
    expect(page.body).toContain(SITE_CHECKS.ltd.visibleText as string);
    const bookmark = (await outputs()).ltd?.migrationBookmark;
    expect(bookmark).not.toBe(ltd.migrationBookmark);

    const first = readFileSync(join(migrations, SITE_CHECKS.ltd.firstMigration), 'utf8');
    writeFileSync(join(migrations, SITE_CHECKS.ltd.firstMigration), `${first}\n-- an edit after it was applied\n`);
    const refused = await cli.run(['preview', ...local]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain(SITE_CHECKS.ltd.firstMigration);
    expect(refused.stdout + refused.stderr).toMatch(/were edited since/);
    expect(await d1(ltd.databaseId, 'SELECT name FROM d1_migrations ORDER BY id')).toEqual(applied);
    writeFileSync(join(migrations, SITE_CHECKS.ltd.firstMigration), first);
  }, 900_000);

  it('e2. after a partly failed run (9100 applied, 9101 failed) an edit to 9100 still fails the preview', async () => {
    const ltd = (await outputs()).ltd as AppOutput;
    const migrations = join(copy.dir, 'packages', 'ltd', 'migrations');
    const ok = 'CREATE TABLE e2e_partial (id INTEGER PRIMARY KEY);\nINSERT INTO e2e_partial (id) VALUES (1);\n';
    writeFileSync(join(migrations, '9100_e2e_ok.sql'), ok);
    writeFileSync(join(migrations, '9101_e2e_bad.sql'), 'INSERT INTO e2e_no_such_table (id) VALUES (1);\n');
    const failed = await cli.run(['up', '--yes', '--skip-preview', ...local]);
    expect(failed.code).not.toBe(0);
    expect(failed.stdout + failed.stderr).toContain('9101_e2e_bad.sql');
    const names = (await d1(ltd.databaseId, 'SELECT name FROM d1_migrations ORDER BY id')).map((r) => r.name);
    expect(names).toContain('9100_e2e_ok.sql');
    expect(names).not.toContain('9101_e2e_bad.sql');
    // The database itself keeps the checksum, written with the file: the guard does not depend on the state.
    expect(await d1(ltd.databaseId, "SELECT name FROM d1_migrations_checksums WHERE name = '9100_e2e_ok.sql'")).toEqual(
      [{ name: '9100_e2e_ok.sql' }],
    );
    writeFileSync(join(migrations, '9100_e2e_ok.sql'), `${ok}-- edited after it was applied\n`);
    const refused = await cli.run(['preview', ...local]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain('9100_e2e_ok.sql');
    // Put the file back and drop the bad one (it never reached the database): the stack converges.
    writeFileSync(join(migrations, '9100_e2e_ok.sql'), ok);
    rmSync(join(migrations, '9101_e2e_bad.sql'));
    await cli.ok(['up', '--yes', '--skip-preview', ...local]);
    expect(changedSteps(await preview())).toEqual([]);
  }, 900_000);

  it('e3. a migration that deleted rows is undone with wrangler d1 time-travel restore to the bookmark', async () => {
    const migrations = join(copy.dir, 'packages', 'ltd', 'migrations');
    writeFileSync(join(migrations, '9200_e2e_delete_rows.sql'), 'DELETE FROM e2e_marker;\n');
    await cli.ok(['up', '--yes', '--skip-preview', ...local]);
    const ltd = (await outputs()).ltd as AppOutput;
    expect(await d1(ltd.databaseId, 'SELECT note FROM e2e_marker')).toEqual([]);
    // The runbook in the README: restore to the bookmark taken right before the run that applied the migration.
    const restored = await runWrangler([
      'd1',
      'time-travel',
      'restore',
      'createsomething-ltd',
      `--bookmark=${ltd.migrationBookmark}`,
    ]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await d1(ltd.databaseId, 'SELECT note FROM e2e_marker')).toEqual([{ note: 'added by e2e' }]);
    const names = (await d1(ltd.databaseId, 'SELECT name FROM d1_migrations ORDER BY id')).map((r) => r.name);
    expect(names).not.toContain('9200_e2e_delete_rows.sql');
    // The runbook's last step: drop the file that did it (it is no longer applied); the next up keeps the rows.
    rmSync(join(migrations, '9200_e2e_delete_rows.sql'));
    await cli.ok(['up', '--refresh', '--yes', '--skip-preview', ...local]);
    expect(await d1(ltd.databaseId, 'SELECT note FROM e2e_marker')).toEqual([{ note: 'added by e2e' }]);
  }, 900_000);

  it('h. a review stack pr-7 beside local: its own names and data, the token from the environment, then nothing left', async () => {
    // As the pull-request workflow runs it: no token in the stack config, CLOUDFLARE_API_TOKEN from the job.
    const review = new PulumiCli(copy.dir, join(scratch, 'state'), toolchain as Toolchain);
    review.env.CLOUDFLARE_API_TOKEN = TOKEN;
    const pr = ['--stack', 'pr-7'];
    // The sites' secrets, as the review job sets them from its environment (REVIEW_VISITOR_KEY, …).
    await review.initStackOnEmulator('pr-7', emulator, {
      token: undefined,
      secrets: {
        'create-something:visitorKey': 'e2e-review-visitor-key-00000000000000000',
        'create-something:unsubscribeSecret': 'e2e-review-unsubscribe-secret-0000000000',
      },
    });
    const up = await review.ok(['up', '--yes', '--skip-preview', ...pr]);
    expect(up.stdout + up.stderr).toContain('CLOUDFLARE_API_TOKEN from the environment');
    const reviewApps = JSON.parse((await review.ok(['stack', 'output', 'apps', '--json', ...pr])).stdout) as Record<
      string,
      AppOutput
    >;
    const localApps = await outputs();
    for (const app of APPS) {
      const out = reviewApps[app] as AppOutput;
      expect(out.projectName).toBe(`createsomething-${app}-pr-7`);
      expect(out.workers).toEqual({});
      expect(out.databaseId).not.toBe((localApps[app] as AppOutput).databaseId);
      const page = await site(out.productionUrl, SITE_CHECKS[app].path);
      expect(page.status, `pr-7 ${app}`).toBe(200);
      expect(page.body).toContain(SITE_CHECKS[app].d1Text);
    }
    // A row written to local's data is local's only.
    const localLtd = (localApps.ltd as AppOutput).databaseId;
    await d1(localLtd, "INSERT INTO principles (id, title, body) VALUES (901, 'Only on local', 'written by e2e h')");
    expect(await d1(localLtd, 'SELECT title FROM principles WHERE id = 901')).toEqual([{ title: 'Only on local' }]);
    expect(await d1((reviewApps.ltd as AppOutput).databaseId, 'SELECT title FROM principles WHERE id = 901')).toEqual(
      [],
    );

    await review.ok(['destroy', '--yes', '--skip-preview', ...pr]);
    await review.ok(['stack', 'rm', '--yes', ...pr]);
    const account = { account_id: emulator.accountId };
    const names = [
      ...(await all(cf.pages.projects.list(account))).map((p) => p.name),
      ...(await all(cf.d1.database.list(account))).map((d) => d.name),
      ...(await all(cf.kv.namespaces.list(account))).map((n) => n.title),
    ];
    expect(names.filter((n) => n?.endsWith('-pr-7'))).toEqual([]);
    expect(
      JSON.parse((await cli.ok(['stack', 'ls', '--json'])).stdout).map((st: { name: string }) => st.name),
    ).not.toContain('pr-7');
    expect(existsSync(join(copy.dir, 'Pulumi.pr-7.yaml'))).toBe(false);
    for (const app of APPS)
      expect((await site((localApps[app] as AppOutput).productionUrl, SITE_CHECKS[app].path)).status).toBe(200);
  }, 900_000);

  it('i. preview needs no write: with a read-only token it passes and writes nothing; up with it is refused', async () => {
    // As the pull-request preview job: no token in the stack config, a read-only one in the environment.
    const reader = new PulumiCli(copy.dir, join(scratch, 'state'), toolchain as Toolchain);
    reader.env.CLOUDFLARE_API_TOKEN = READ_ONLY_TOKEN;
    await cli.ok(['config', 'rm', 'cloudflare:apiToken', ...local]);
    try {
      const refusedBefore = emulator.refusedWrites.length;
      const seen = await reader.run(['preview', '--refresh', '--diff', ...local]);
      expect(seen.code, seen.stdout + seen.stderr).toBe(0);
      expect(emulator.refusedWrites.slice(refusedBefore)).toEqual([]);
      // The guard is really on: an up that has something to write (here, putting io's deployment back after a hand
      // deploy) is refused by the emulator with the same token. (An up with nothing to do writes nothing: a token
      // that changed source is not a change.)
      await handDeploy('createsomething-io');
      const refused = await reader.run(['up', '--refresh', '--yes', '--skip-preview', ...local]);
      expect(refused.code).not.toBe(0);
      expect(emulator.refusedWrites.length).toBeGreaterThan(refusedBefore);
    } finally {
      await cli.ok(['config', 'set', '--plaintext', 'cloudflare:apiToken', TOKEN, ...local]);
    }
    // The refused run left the providers' recorded config without a token: a plain up records the restored one
    // (a refresh runs on the recorded config), then the refresh puts io's deployment back.
    await cli.ok(['up', '--yes', '--skip-preview', ...local]);
    await cli.ok(['up', '--refresh', '--yes', '--skip-preview', ...local]);
    await cli.ok(['preview', '--refresh', '--expect-no-changes', ...local]);
    expect(changedSteps(await preview())).toEqual([]);
  }, 900_000);

  it('g. destroy removes everything from the emulator', async () => {
    const account = { account_id: emulator.accountId };
    expect(await count(cf.d1.database.list(account))).toBe(APPS.length);
    await cli.ok(['destroy', '--yes', '--skip-preview', ...local]);
    const left = {
      projects: await count(cf.pages.projects.list(account)),
      databases: await count(cf.d1.database.list(account)),
      namespaces: await count(cf.kv.namespaces.list(account)),
      scripts: await count(cf.workers.scripts.list(account)),
    };
    expect(left).toEqual({ projects: 0, databases: 0, namespaces: 0, scripts: 0 });
    // The destroy ran the repository's provider (the one c6 changed), not code from the state.
    expect(tracedCalls('delete')).toEqual(providerResources());
  }, 600_000);

  it("f. with prod's protection, renaming a D1 database fails before touching anything and the data stays", async () => {
    const prod = ['--stack', 'prod'];
    // prod refuses a token in its config (infra/config.ts): as in the deploy job, it comes from the environment.
    const deployer = new PulumiCli(copy.dir, join(scratch, 'state'), toolchain as Toolchain);
    deployer.env.CLOUDFLARE_API_TOKEN = TOKEN;
    await deployer.initStackOnEmulator('prod', emulator, {
      token: undefined,
      secrets: {
        'create-something:motionExtractorToken': 'e2e-worker-secret-0000000000000000000000',
        'create-something:visitorKey': 'e2e-visitor-key-00000000000000000000000000',
        'create-something:unsubscribeSecret': 'e2e-unsubscribe-secret-00000000000000000',
      },
    });
    const app = 'urn:pulumi:prod::create-something::create-something:index:SiteApp::space';
    const database =
      'urn:pulumi:prod::create-something::create-something:index:SiteApp$cloudflare:index/d1Database:D1Database::space-database';
    await deployer.ok(['up', '--yes', '--skip-preview', '--target', app, '--target', database, ...prod]);
    const account = { account_id: emulator.accountId };
    const [created] = await all(cf.d1.database.list(account));
    expect(created?.name).toBe('createsomething-space');
    const uuid = created?.uuid as string;
    await d1(uuid, "CREATE TABLE precious (v TEXT); INSERT INTO precious VALUES ('keep me')");

    const stackFile = join(copy.dir, 'stacks', 'prod.ts');
    writeFileSync(stackFile, readFileSync(stackFile, 'utf8').replace("nameSuffix: ''", "nameSuffix: '-renamed'"));
    const refused = await deployer.run([
      'up',
      '--yes',
      '--skip-preview',
      '--target',
      app,
      '--target',
      database,
      ...prod,
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/protect/i);
    const databases = await all(cf.d1.database.list(account));
    expect(databases.map((d) => d.name)).toEqual(['createsomething-space']);
    expect(await d1(uuid, 'SELECT v FROM precious')).toEqual([{ v: 'keep me' }]);
  }, 600_000);

  it('logged no unknown API route during the whole run', () => {
    expect(emulator.unknownRoutes).toEqual([]);
  });

  it("answered every API call of the run as Cloudflare's published schema says", () => {
    const judged = judgeRecording([join(scratch, 'api-traffic.ndjson')]);
    console.info(`[e2e] API answers against the schema: ${judged.summary}`);
    expect(judged.exchanges).toBeGreaterThan(500);
    expect(judged.invalid).toEqual([]);
    expect(judged.unlistedRoutes).toEqual([]);
  });

  it('printed no "using pulumi-resource-… from $PATH" warning in any engine run', () => {
    expect(cli.runs).toBeGreaterThan(10);
    expect(cli.pathPluginWarnings).toEqual([]);
  });
});
