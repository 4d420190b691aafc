import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../packages/cloudflare-emulator/src/index.ts';
import { startTurboCacheServer, type TurboCacheServer } from '../../scripts/lib/turbo-cache-server';
import { getByHost, hostOf } from './support/http';
import { findToolchain, PulumiCli, type Toolchain } from './support/pulumi-cli';
import { toolchainReady } from './support/toolchain-gate';
import { makeWorkCopy, REPO_ROOT } from './support/work-copy';

const APPS = ['space', 'io', 'agency', 'ltd'] as const;
const TOKEN = 'e2e-promote-token-000000000000000000000000000';
const SECRETS = {
  'create-something:visitorKey': 'e2e-promote-visitor-key-00000000000000000',
  'create-something:unsubscribeSecret': 'e2e-promote-unsubscribe-secret-000000000',
};
const toolchain = findToolchain();
const ready = toolchainReady(toolchain, 'end-to-end build promotion test');

interface Exported {
  deployment: { resources: { urn: string; outputs?: Record<string, unknown> }[] };
}

/**
 * Built once, promoted everywhere (README, "Build cache"): two work copies of the repository, as two CI jobs or two
 * machines, each with turbo's local cache of its own, and one turbo remote cache (turborepo-remote-cache) this test
 * starts on 127.0.0.1. The first deploys the review stack pr-7 and builds the four apps; the second deploys another
 * stack, pr-8, runs no build at all, and uploads the same bytes.
 */
describe.runIf(ready)('a build made once is promoted to another stack on another machine', () => {
  let scratch: string;
  let emulator: RunningEmulator;
  let cache: TurboCacheServer;
  const copies = [makeWorkCopy(), makeWorkCopy()];
  const clis: PulumiCli[] = [];
  const stacks = ['pr-7', 'pr-8'];

  /** Builds that really ran in a copy (build.mjs's timeline; a cache hit writes nothing there). */
  const buildsIn = (dir: string) => (existsSync(join(dir, '.turbo', 'builds.ndjson')) ? 1 : 0);
  /** Per app: the output hash its deployment uploaded, and whether its build step reused a cached build. */
  const deployed = async (index: number) => {
    const cli = clis[index] as PulumiCli;
    const exported = JSON.parse(
      (await cli.ok(['stack', 'export', '--stack', stacks[index] as string])).stdout,
    ) as Exported;
    const of = (suffix: string) => (app: string) =>
      exported.deployment.resources.find((r) => r.urn.endsWith(`::${app}-deployment-${suffix}`))?.outputs ?? {};
    return Object.fromEntries(
      APPS.map((app) => [
        app,
        {
          uploaded: of('upload')(app).uploadedOutputHash as string,
          reused: (
            JSON.parse(String(of('build')(app).stdout).trim().split('\n').pop() as string) as { reused: boolean }
          ).reused,
        },
      ]),
    );
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'e2e-promote-'));
    emulator = await startEmulator({ port: 0, dataDir: join(scratch, 'emulator') });
    cache = await startTurboCacheServer(REPO_ROOT, join(scratch, 'remote-cache'));
    for (const [index, copy] of copies.entries()) {
      const cli = new PulumiCli(copy.dir, join(scratch, `state-${index}`), toolchain as Toolchain);
      Object.assign(cli.env, cache.env);
      await cli.initStackOnEmulator(stacks[index] as string, emulator, { token: TOKEN, secrets: SECRETS });
      clis.push(cli);
    }
  }, 300_000);

  afterAll(async () => {
    await cache?.stop();
    await emulator?.stop();
    for (const copy of copies) copy.remove();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('1. pr-7 builds the four apps and stores them in the remote cache', async () => {
    await (clis[0] as PulumiCli).ok(['up', '--yes', '--skip-preview', '--stack', 'pr-7']);
    const first = await deployed(0);
    expect(Object.values(first).map((d) => d.reused)).toEqual([false, false, false, false]);
    const stored = readdirSync(join(scratch, 'remote-cache', cache.env.TURBO_TEAM));
    expect(stored.length).toBeGreaterThanOrEqual(APPS.length);
  }, 900_000);

  it('2. pr-8, from the other copy with an empty local cache, runs no build and uploads the same bytes', async () => {
    const second = copies[1]?.dir as string;
    expect(existsSync(join(second, '.turbo', 'cache'))).toBe(false);
    await (clis[1] as PulumiCli).ok(['up', '--yes', '--skip-preview', '--stack', 'pr-8']);
    expect(buildsIn(second)).toBe(0);
    const [first, promoted] = [await deployed(0), await deployed(1)];
    for (const app of APPS) {
      expect(promoted[app]?.reused, app).toBe(true);
      expect(promoted[app]?.uploaded, app).toBe(first[app]?.uploaded);
    }
    // What the two stacks serve is one build: SvelteKit's version (turbo's hash of the inputs) is the same.
    for (const app of APPS) {
      const versions = await Promise.all(
        [0, 1].map(async (index) => {
          const outputs = JSON.parse(
            (
              await (clis[index] as PulumiCli).ok([
                'stack',
                'output',
                'apps',
                '--json',
                '--stack',
                stacks[index] as string,
              ])
            ).stdout,
          ) as Record<string, { productionUrl: string }>;
          const page = await getByHost(
            emulator.port,
            hostOf(outputs[app]?.productionUrl as string),
            '/_app/version.json',
          );
          expect(page.status, app).toBe(200);
          return page.body;
        }),
      );
      expect(versions[1], app).toBe(versions[0]);
    }
  }, 900_000);
});
