import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const COMMANDS = join(__dirname, '..', '..', 'infra', 'commands');
const TOKEN = 'secret-token-that-the-build-must-not-see-0000';

/**
 * A repository root the build and upload commands accept: Pulumi.yaml, infra/commands, one package whose build
 * records the environment it ran with and counts its runs, and a wrangler stand-in on node_modules/.bin that records
 * its environment and arguments and reports a deployment the way wrangler's structured output does. The real
 * wrangler and SvelteKit builds are exercised by the end-to-end tier.
 */
function fakeRepo(): { root: string; run: (script: string, extra?: Record<string, string>) => string } {
  const root = mkdtempSync(join(tmpdir(), 'build-and-upload-'));
  writeFileSync(join(root, 'Pulumi.yaml'), 'name: fake\nruntime: nodejs\n');
  mkdirSync(join(root, 'infra', 'commands'), { recursive: true });
  for (const file of readdirSync(COMMANDS)) copyFileSync(join(COMMANDS, file), join(root, 'infra', 'commands', file));
  const pkg = join(root, 'packages', 'site');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'site', private: true, scripts: { build: 'node build.cjs' } }),
  );
  writeFileSync(
    join(pkg, 'build.cjs'),
    `const fs = require('node:fs');
fs.mkdirSync('.svelte-kit/cloudflare', { recursive: true });
fs.writeFileSync('.svelte-kit/cloudflare/index.html', 'hello');
fs.writeFileSync(${JSON.stringify(join(root, 'build-env.json'))}, JSON.stringify(process.env));
fs.appendFileSync(${JSON.stringify(join(root, 'builds.log'))}, 'built\\n');
`,
  );
  const bin = join(root, 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'wrangler'),
    `#!/usr/bin/env node
const fs = require('node:fs');
fs.writeFileSync(${JSON.stringify(join(root, 'wrangler.json'))}, JSON.stringify({ env: process.env, args: process.argv.slice(2) }));
fs.writeFileSync(process.env.WRANGLER_OUTPUT_FILE_PATH, JSON.stringify({ type: 'pages-deploy-detailed', deployment_id: 'd-1', url: 'https://d-1.site.pages.dev', alias: null }) + '\\n');
`,
  );
  chmodSync(join(bin, 'wrangler'), 0o755);
  const run = (script: string, extra: Record<string, string> = {}) =>
    execFileSync('node', [join(root, 'infra', 'commands', script)], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        BUILD_CACHE_DIR: join(root, 'cache'),
        PACKAGE_DIR: 'packages/site',
        BUILD_INPUT_HASH: 'a'.repeat(64),
        // As in CI, where the engine's own environment holds the provider's token: the build must still not see it.
        CLOUDFLARE_API_TOKEN: TOKEN,
        CF_API_TOKEN: 'legacy-name-also-hidden',
        ...extra,
      },
    });
  return { root, run };
}

const uploadEnv = {
  PROJECT_NAME: 'site',
  BRANCH: 'main',
  CLOUDFLARE_ACCOUNT_ID: 'c5e11ad0c0ffee00000000000000cafe',
  CLOUDFLARE_API_BASE_URL: 'http://127.0.0.1:1/client/v4',
};
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop() as string);
const cloudflareKeys = (env: Record<string, string>) => Object.keys(env).filter((k) => /^(CLOUDFLARE|CF)_/.test(k));

describe('build.mjs and upload.mjs', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('the build runs without any Cloudflare credential, into the cache; the same inputs are not built again', () => {
    const repo = fakeRepo();
    root = repo.root;
    const first = lastJson(repo.run('build.mjs'));
    expect(first).toEqual({ outputHash: expect.stringMatching(/^[0-9a-f]{64}$/), reused: false });
    const buildEnv = JSON.parse(readFileSync(join(root, 'build-env.json'), 'utf8')) as Record<string, string>;
    expect(cloudflareKeys(buildEnv)).toEqual([]);
    expect(JSON.stringify(buildEnv)).not.toContain(TOKEN);
    expect(readFileSync(join(root, 'cache', 'packages_site', 'a'.repeat(64), 'out', 'index.html'), 'utf8')).toBe(
      'hello',
    );
    expect(lastJson(repo.run('build.mjs'))).toEqual({ outputHash: first.outputHash, reused: true });
    expect(readFileSync(join(root, 'builds.log'), 'utf8')).toBe('built\n');
  });

  it('the upload takes the cached build; only wrangler gets the token; it prints the deployment', () => {
    const repo = fakeRepo();
    root = repo.root;
    repo.run('build.mjs');
    const deployment = lastJson(repo.run('upload.mjs', uploadEnv));
    expect(deployment).toEqual({ deploymentId: 'd-1', url: 'https://d-1.site.pages.dev', alias: null });
    expect(readFileSync(join(root, 'builds.log'), 'utf8')).toBe('built\n');
    const wrangler = JSON.parse(readFileSync(join(root, 'wrangler.json'), 'utf8')) as {
      env: Record<string, string>;
      args: string[];
    };
    expect(wrangler.env.CLOUDFLARE_API_TOKEN).toBe(TOKEN);
    expect(wrangler.args.slice(0, 3)).toEqual([
      'pages',
      'deploy',
      join(root, 'cache', 'packages_site', 'a'.repeat(64), 'out'),
    ]);
  });

  it('an upload whose build is not cached (another machine) builds first, still without credentials', () => {
    const repo = fakeRepo();
    root = repo.root;
    lastJson(repo.run('upload.mjs', uploadEnv));
    expect(readFileSync(join(root, 'builds.log'), 'utf8')).toBe('built\n');
    const buildEnv = JSON.parse(readFileSync(join(root, 'build-env.json'), 'utf8')) as Record<string, string>;
    expect(cloudflareKeys(buildEnv)).toEqual([]);
    expect(existsSync(join(root, 'wrangler.json'))).toBe(true);
  });

  it('a failing build names its package and leaves nothing in the cache', () => {
    const repo = fakeRepo();
    root = repo.root;
    writeFileSync(join(root, 'packages', 'site', 'build.cjs'), 'process.exit(3)\n');
    let stderr = '';
    try {
      repo.run('build.mjs');
    } catch (error) {
      stderr = (error as { stderr: string }).stderr;
    }
    expect(stderr).toContain('[build packages/site] error: pnpm run build exited with 3');
    expect(existsSync(join(root, 'cache', 'packages_site', 'a'.repeat(64), 'complete'))).toBe(false);
  });

  it('BUILD_CONCURRENCY=1 runs builds of two packages one after the other; two runs of one package take turns', async () => {
    const repo = fakeRepo();
    root = repo.root;
    const other = join(root, 'packages', 'other');
    mkdirSync(other, { recursive: true });
    for (const dir of [join(root, 'packages', 'site'), other]) {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, scripts: { build: 'node build.cjs' } }));
      // Slow enough that two unlimited builds would overlap.
      writeFileSync(
        join(dir, 'build.cjs'),
        "const fs = require('node:fs'); fs.mkdirSync('.svelte-kit/cloudflare', { recursive: true }); fs.writeFileSync('.svelte-kit/cloudflare/index.html', String(Date.now())); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);\n",
      );
    }
    const run = promisify(execFile);
    const build = (pkg: string, hash: string, slots: string) =>
      run('node', [join(root as string, 'infra', 'commands', 'build.mjs')], {
        cwd: root,
        env: {
          ...process.env,
          BUILD_CACHE_DIR: join(root as string, 'cache'),
          PACKAGE_DIR: pkg,
          BUILD_INPUT_HASH: hash,
          BUILD_CONCURRENCY: slots,
        },
      });
    const timeline = () =>
      readFileSync(join(root as string, 'cache', 'builds.ndjson'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { package: string; started: string; finished: string });
    const overlaps = (runs: { started: string; finished: string }[]) =>
      runs.some((a) => runs.some((b) => a !== b && a.started < b.finished && b.started < a.finished));

    await Promise.all([build('packages/site', 'b'.repeat(64), '1'), build('packages/other', 'c'.repeat(64), '1')]);
    expect(timeline()).toHaveLength(2);
    expect(overlaps(timeline())).toBe(false);
    // Two slots, but one package: two stacks building the same package never share .svelte-kit at once.
    await Promise.all([build('packages/site', 'd'.repeat(64), '2'), build('packages/site', 'e'.repeat(64), '2')]);
    expect(timeline()).toHaveLength(4);
    expect(overlaps(timeline().slice(2))).toBe(false);
    // Two slots, two packages: they do run side by side.
    await Promise.all([build('packages/site', 'f'.repeat(64), '2'), build('packages/other', '0'.repeat(64), '2')]);
    expect(overlaps(timeline().slice(4))).toBe(true);
  });
});
