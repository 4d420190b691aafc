import { execFile, execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { EXCLUDED_FROM_BUILD_INPUTS } from '../../infra/inventory/source-files';

const COMMANDS = join(__dirname, '..', '..', 'infra', 'commands');
const TOKEN = 'secret-token-that-the-build-must-not-see-0000';

/**
 * A repository root the build and upload commands accept: Pulumi.yaml, infra/commands, one package whose build
 * writes into SvelteKit's outDir (`SVELTEKIT_OUT_DIR`, else `.svelte-kit`) as the apps' vite.config.ts does, and
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
const out = (process.env.SVELTEKIT_OUT_DIR || '.svelte-kit') + '/cloudflare';
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(out + '/index.html', 'hello');
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

/** Declares build variables in the fake repo's package manifest (`createSomething.buildEnv`). */
function declareBuildEnv(root: string, names: string[]): void {
  const manifest = join(root, 'packages', 'site', 'package.json');
  writeFileSync(
    manifest,
    JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), createSomething: { buildEnv: names } }),
  );
}

describe('build.mjs and upload.mjs', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("a build's own output stays out of the command's stderr (Pulumi keeps that in the state): it is kept with the result", () => {
    const repo = fakeRepo();
    root = repo.root;
    writeFileSync(
      join(root, 'packages', 'site', 'build.cjs'),
      `${readFileSync(join(root, 'packages', 'site', 'build.cjs'), 'utf8')}\nconsole.log('vite v8 building for production...'); console.error('a warning of the build');\n`,
    );
    const { stderr, status } = spawnSync('node', [join(root, 'infra', 'commands', 'build.mjs')], {
      cwd: root,
      env: {
        ...process.env,
        PACKAGE_DIR: 'packages/site',
        BUILD_INPUT_HASH: 'a'.repeat(64),
        BUILD_CACHE_DIR: join(root, 'cache'),
      },
      encoding: 'utf8',
    });
    expect(status).toBe(0);
    // Only the command's own lines: when the build started and finished, and where its log is.
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^\[build packages\/site\] build (started|finished) /);
    expect(stderr).not.toContain('a warning of the build');
    const entry = join(root, 'cache', 'packages_site', 'a'.repeat(64));
    expect(readFileSync(join(entry, 'build.log'), 'utf8')).toContain('a warning of the build');
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
    // Its own folder in the package, which is never a build input, removed once the output is in the cache.
    const outDir = buildEnv.SVELTEKIT_OUT_DIR as string;
    expect(outDir).toMatch(/^\.svelte-kit-builds\/a{12}-\d+$/);
    expect(EXCLUDED_FROM_BUILD_INPUTS).toContain(outDir.split('/')[0]);
    expect(existsSync(join(root, 'packages', 'site', outDir))).toBe(false);
    expect(existsSync(join(root, 'packages', 'site', '.svelte-kit'))).toBe(false);
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

  it('the build gets an allow-list environment: no Pulumi, GitHub or Actions token, only what it declared', () => {
    const repo = fakeRepo();
    root = repo.root;
    declareBuildEnv(root, ['PUBLIC_SITE_NAME']);
    const secrets = {
      PULUMI_ACCESS_TOKEN: 'pul-0000',
      PULUMI_CONFIG_PASSPHRASE: 'pass',
      GITHUB_TOKEN: 'ghs_0000',
      ACTIONS_RUNTIME_TOKEN: 'act-0000',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/',
      NODE_OPTIONS: '--title=not-for-the-build',
      PUBLIC_SITE_NAME: 'ltd',
    };
    repo.run('build.mjs', secrets);
    const buildEnv = JSON.parse(readFileSync(join(root, 'build-env.json'), 'utf8')) as Record<string, string>;
    // Whatever the build sees with the caller's own value came through the allow-list; pnpm adds its run-script
    // variables (npm_*, pnpm_config_*, NODE_PATH, PWD) of its own, its settings among them (npm_config_*, from its
    // config files and the npm_config_* it was started with, which here come from the test runner's npx).
    const caller: Record<string, string | undefined> = { ...process.env, ...secrets };
    const inherited = Object.keys(buildEnv).filter(
      (k) => !k.startsWith('npm_config_') && caller[k] !== undefined && caller[k] === buildEnv[k],
    );
    const allowed = [
      'PATH',
      'HOME',
      'TMPDIR',
      'LANG',
      'LC_ALL',
      'TZ',
      'CI',
      'NO_COLOR',
      'FORCE_COLOR',
      'PUBLIC_SITE_NAME',
    ];
    expect(inherited.filter((k) => !allowed.includes(k))).toEqual([]);
    expect(inherited).toEqual(expect.arrayContaining(['HOME', 'PUBLIC_SITE_NAME']));
    expect(buildEnv.PUBLIC_SITE_NAME).toBe('ltd');
    for (const secret of ['pul-0000', 'ghs_0000', 'act-0000', 'pass', TOKEN, 'not-for-the-build'])
      expect(JSON.stringify(buildEnv)).not.toContain(secret);
  });

  it('a package that declares a credential as a build variable is refused, naming it', () => {
    const repo = fakeRepo();
    root = repo.root;
    declareBuildEnv(root, ['GITHUB_TOKEN']);
    expect(() => repo.run('build.mjs')).toThrow(
      /createSomething\.buildEnv asks for GITHUB_TOKEN, which a build never gets/,
    );
    expect(existsSync(join(root, 'builds.log'))).toBe(false);
  });

  it('a symlink that leaves the package fails the build naming it and its target; one inside the package is fine', () => {
    const repo = fakeRepo();
    root = repo.root;
    const outside = join(root, 'outside-secret.txt');
    writeFileSync(outside, 'do not serve');
    const staticDir = join(root, 'packages', 'site', 'static');
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, 'robots.txt'), 'ok');
    symlinkSync(join(staticDir, 'robots.txt'), join(staticDir, 'robots-alias.txt'));
    symlinkSync(outside, join(staticDir, 'leak.txt'));
    // Dependencies are not sources: a node_modules linked elsewhere (pnpm, a work copy) is never refused.
    symlinkSync(join(root, 'node_modules'), join(root, 'packages', 'site', 'node_modules'));
    let message = '';
    try {
      repo.run('build.mjs');
    } catch (error) {
      message = String((error as { stderr?: string }).stderr);
    }
    expect(message).toContain('[build packages/site] error: refusing to build: a symlink leads out of packages/site');
    expect(message).toContain(`packages/site/static/leak.txt -> ${outside}`);
    expect(message).not.toContain('robots-alias.txt');
    expect(message).not.toContain('node_modules');
    expect(existsSync(join(root, 'builds.log'))).toBe(false);
    expect(existsSync(join(root, 'cache', 'packages_site', 'a'.repeat(64)))).toBe(false);
    rmSync(join(staticDir, 'leak.txt'));
    expect(lastJson(repo.run('build.mjs')).reused).toBe(false);
  });

  it('the upload sends regular files only, and only the output the build hashed', () => {
    const repo = fakeRepo();
    root = repo.root;
    repo.run('build.mjs');
    const out = join(root, 'cache', 'packages_site', 'a'.repeat(64), 'out');
    symlinkSync('/etc/hostname', join(out, 'host.txt'));
    expect(() => repo.run('upload.mjs', uploadEnv)).toThrow(/refusing to upload: not regular files in .*: host\.txt/);
    rmSync(join(out, 'host.txt'));
    writeFileSync(join(out, 'index.html'), 'changed after the build');
    expect(() => repo.run('upload.mjs', uploadEnv)).toThrow(/no longer has the output hash/);
    expect(existsSync(join(root, 'wrangler.json'))).toBe(false);
  });

  it('a failing build names its package, shows the end of its log, and leaves nothing in the cache, nor its folder in the package', () => {
    const repo = fakeRepo();
    root = repo.root;
    writeFileSync(
      join(root, 'packages', 'site', 'build.cjs'),
      "for (let i = 0; i < 100; i++) console.log('progress ' + i); console.error('[vite] Unexpected token in src/routes/+page.svelte:3:7'); require('node:fs').mkdirSync(process.env.SVELTEKIT_OUT_DIR + '/cloudflare', { recursive: true }); process.exit(3)\n",
    );
    let stderr = '';
    try {
      repo.run('build.mjs');
    } catch (error) {
      stderr = (error as { stderr: string }).stderr;
    }
    expect(stderr).toContain('[build packages/site] error: pnpm run build exited with 3; the last lines of its log');
    // What failed is in the error; the build's earlier output (its progress) is not repeated there.
    expect(stderr).toContain('  | [vite] Unexpected token in src/routes/+page.svelte:3:7');
    expect(stderr).not.toContain('progress 10\n');
    expect(existsSync(join(root, 'cache', 'packages_site', 'a'.repeat(64), 'complete'))).toBe(false);
    expect(buildFolders(root, 'packages/site')).toEqual([]);
  });

  it('a build removes the folders of killed builds, not those of running ones', async () => {
    const repo = fakeRepo();
    root = repo.root;
    const folders = join(root, 'packages', 'site', '.svelte-kit-builds');
    const gone = await promisify(execFile)('node', ['-e', 'console.log(process.pid)']);
    for (const name of [`${'b'.repeat(12)}-${gone.stdout.trim()}`, `${'c'.repeat(12)}-${process.pid}`])
      mkdirSync(join(folders, name, 'cloudflare'), { recursive: true });
    repo.run('build.mjs');
    expect(buildFolders(root, 'packages/site')).toEqual([`${'c'.repeat(12)}-${process.pid}`]);
  });

  it('BUILD_CONCURRENCY=1 runs builds of two packages one after the other; with 2 they run side by side', async () => {
    root = slowRepo(['packages/site', 'packages/other']);
    await Promise.all([build(root, 'packages/site', 'b', '1'), build(root, 'packages/other', 'c', '1')]);
    expect(timeline(root)).toHaveLength(2);
    expect(overlaps(timeline(root))).toBe(false);
    await Promise.all([build(root, 'packages/site', 'f', '2'), build(root, 'packages/other', '0', '2')]);
    expect(overlaps(timeline(root).slice(2))).toBe(true);
  });

  it('two builds of one package with different inputs run at the same time, each in its own folder', async () => {
    root = slowRepo(['packages/site']);
    const [d, e] = await Promise.all([build(root, 'packages/site', 'd', '2'), build(root, 'packages/site', 'e', '2')]);
    expect([lastJson(d.stdout).reused, lastJson(e.stdout).reused]).toEqual([false, false]);
    const runs = timeline(root);
    expect(runs).toHaveLength(2);
    expect(overlaps(runs)).toBe(true);
    expect(runs[0]?.outDir).not.toBe(runs[1]?.outDir);
    // Each wrote its inputs' content, slept, and its cache entry still holds that content: nothing was shared.
    for (const hash of ['d', 'e'])
      expect(readFileSync(join(root, 'cache', 'packages_site', hash.repeat(64), 'out', 'index.html'), 'utf8')).toBe(
        `built from ${hash.repeat(12)}`,
      );
    expect(buildFolders(root, 'packages/site')).toEqual([]);
  });

  it("two runs of the same inputs build once: the second waits and takes the first one's result", async () => {
    root = slowRepo(['packages/site']);
    const [first, second] = await Promise.all([
      build(root, 'packages/site', '1', '2'),
      build(root, 'packages/site', '1', '2'),
    ]);
    expect(timeline(root)).toHaveLength(1);
    expect([lastJson(first.stdout).reused, lastJson(second.stdout).reused].sort()).toEqual([false, true]);
    expect(lastJson(first.stdout).outputHash).toBe(lastJson(second.stdout).outputHash);
  });
});

/** A fake repository whose packages' builds write content that depends on their inputs, then sleep 500 ms. */
function slowRepo(packages: string[]): string {
  const { root } = fakeRepo();
  for (const pkg of packages) {
    const dir = join(root, pkg);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, scripts: { build: 'node build.cjs' } }));
    writeFileSync(
      join(dir, 'build.cjs'),
      `const fs = require('node:fs');
const out = (process.env.SVELTEKIT_OUT_DIR || '.svelte-kit') + '/cloudflare';
fs.mkdirSync(out, { recursive: true });
// The build sees no BUILD_INPUT_HASH (an allow-list environment); its folder's name starts with the hash.
fs.writeFileSync(out + '/index.html', 'built from ' + process.env.SVELTEKIT_OUT_DIR.split('/')[1].split('-')[0]);
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
`,
    );
  }
  return root;
}

/** build.mjs for `pkg`, with the input hash `hash` repeated to 64 characters and `slots` build slots. */
function build(root: string, pkg: string, hash: string, slots: string) {
  return promisify(execFile)('node', [join(root, 'infra', 'commands', 'build.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      BUILD_CACHE_DIR: join(root, 'cache'),
      PACKAGE_DIR: pkg,
      BUILD_INPUT_HASH: hash.repeat(64),
      BUILD_CONCURRENCY: slots,
    },
  });
}

type Run = { package: string; outDir: string; started: string; finished: string };
const timeline = (root: string): Run[] =>
  readFileSync(join(root, 'cache', 'builds.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Run);
const overlaps = (runs: Run[]) =>
  runs.some((a) => runs.some((b) => a !== b && a.started < b.finished && b.started < a.finished));

/** What is left in a package's build folders. */
function buildFolders(root: string, pkg: string): string[] {
  const folders = join(root, pkg, '.svelte-kit-builds');
  return existsSync(folders) ? readdirSync(folders) : [];
}
