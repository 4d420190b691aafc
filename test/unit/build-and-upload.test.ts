import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { readBuildHashes } from '../../infra/inventory/build-hashes';
import { makeTurboWorkspace } from './support/turbo-workspace';

const COMMANDS = join(__dirname, '..', '..', 'infra', 'commands');
const TOKEN = 'secret-token-that-the-build-must-not-see-0000';

/**
 * The build of a fake app: writes `.svelte-kit/cloudflare/index.html` (as SvelteKit's Cloudflare adapter does, the
 * folder turbo.json caches) with `content` (a JS expression), records the environment it ran with, counts its runs,
 * and sleeps `sleepMs` (to make two builds overlap).
 */
const buildScript = (root: string, content = "'hello'", sleepMs = 0) => `const fs = require('node:fs');
fs.mkdirSync('.svelte-kit/cloudflare', { recursive: true });
fs.writeFileSync('.svelte-kit/cloudflare/index.html', String(${content}));
fs.writeFileSync(${JSON.stringify(join(root, 'build-env.json'))}, JSON.stringify(process.env));
fs.appendFileSync(${JSON.stringify(join(root, 'builds.log'))}, 'built\\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${sleepMs});
`;

/**
 * A repository root the build and upload commands accept: a pnpm workspace with this repository's turbo.json and
 * turbo, Pulumi.yaml, infra/commands, the packages `site` and `other` built by {@link buildScript}, and a wrangler
 * stand-in on node_modules/.bin that records its environment, arguments and the file it was given, and reports a
 * deployment the way wrangler's structured output does. The real wrangler and SvelteKit builds are exercised by the
 * integration and end-to-end tiers.
 */
function fakeRepo(): { root: string; run: (script: string, extra?: Record<string, string>) => string } {
  const files: Record<string, string> = {
    '.gitignore': 'node_modules/\n.svelte-kit/\n.turbo/\n*.log\n*.json.out\n',
    'Pulumi.yaml': 'name: fake\nruntime: nodejs\n',
    'pnpm-lock.yaml':
      "lockfileVersion: '9.0'\n\nimporters:\n\n  .: {}\n\n  packages/other: {}\n\n  packages/site: {}\n",
  };
  for (const name of ['site', 'other'])
    files[`packages/${name}/package.json`] = JSON.stringify({
      name,
      private: true,
      scripts: { build: 'node build.cjs' },
    });
  const root = makeTurboWorkspace(files);
  for (const name of ['site', 'other']) writeFileSync(join(root, 'packages', name, 'build.cjs'), buildScript(root));
  mkdirSync(join(root, 'infra', 'commands'), { recursive: true });
  for (const file of readdirSync(COMMANDS)) copyFileSync(join(COMMANDS, file), join(root, 'infra', 'commands', file));
  const bin = join(root, 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'wrangler'),
    `#!/usr/bin/env node
const fs = require('node:fs');
const dir = process.argv[4];
fs.writeFileSync(${JSON.stringify(join(root, 'wrangler.json.out'))}, JSON.stringify({ env: process.env, args: process.argv.slice(2), sent: fs.readFileSync(dir + '/index.html', 'utf8') }));
fs.writeFileSync(process.env.WRANGLER_OUTPUT_FILE_PATH, JSON.stringify({ type: 'pages-deploy-detailed', deployment_id: 'd-1', url: 'https://d-1.site.pages.dev', alias: null }) + '\\n');
`,
  );
  chmodSync(join(bin, 'wrangler'), 0o755);
  const run = (script: string, extra: Record<string, string> = {}) =>
    execFileSync('node', [join(root, 'infra', 'commands', script)], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: commandEnv(root, 'packages/site', extra),
    });
  return { root, run };
}

/** The environment the engine gives a command: its own (a provider token in it, as in CI) and the plan's hash. */
function commandEnv(root: string, pkg: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = {
    ...process.env,
    CLOUDFLARE_API_TOKEN: TOKEN,
    CF_API_TOKEN: 'legacy-name-also-hidden',
    PACKAGE_DIR: pkg,
    ...extra,
  };
  return { BUILD_INPUT_HASH: readBuildHashes(root, env).get(pkg), ...env };
}

const uploadEnv = (outputHash: string) => ({
  OUTPUT_HASH: outputHash,
  PROJECT_NAME: 'site',
  BRANCH: 'main',
  CLOUDFLARE_ACCOUNT_ID: 'c5e11ad0c0ffee00000000000000cafe',
  CLOUDFLARE_API_BASE_URL: 'http://127.0.0.1:1/client/v4',
});
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop() as string);
const cloudflareKeys = (env: Record<string, string>) => Object.keys(env).filter((k) => /^(CLOUDFLARE|CF)_/.test(k));
const builds = (root: string) =>
  existsSync(join(root, 'builds.log')) ? readFileSync(join(root, 'builds.log'), 'utf8').split('\n').length - 1 : 0;
const buildEnvOf = (root: string) =>
  JSON.parse(readFileSync(join(root, 'build-env.json'), 'utf8')) as Record<string, string>;
const sent = (root: string) =>
  JSON.parse(readFileSync(join(root, 'wrangler.json.out'), 'utf8')) as {
    env: Record<string, string>;
    args: string[];
    sent: string;
  };
const stderrOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return String((error as { stderr?: string }).stderr);
  }
  throw new Error('expected the command to fail');
};

/** Declares build variables in the fake package's own turbo.json, as an app would. */
function declareBuildEnv(root: string, names: string[]): void {
  writeFileSync(
    join(root, 'packages', 'site', 'turbo.json'),
    JSON.stringify({ extends: ['//'], tasks: { build: { env: names } } }),
  );
}

describe('build.mjs and upload.mjs (on turbo)', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("a build's own output stays out of the command's stderr (Pulumi keeps that in the state): it is in turbo's log", () => {
    const repo = fakeRepo();
    root = repo.root;
    writeFileSync(
      join(root, 'packages', 'site', 'build.cjs'),
      `${buildScript(root)}\nconsole.log('vite v8 building for production...'); console.error('a warning of the build');\n`,
    );
    const { stderr, status } = spawnSync('node', [join(root, 'infra', 'commands', 'build.mjs')], {
      cwd: root,
      env: commandEnv(root, 'packages/site'),
      encoding: 'utf8',
    });
    expect(status).toBe(0);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^\[build packages\/site\] built [0-9a-f]{16} \(\d+\.\d s; log: packages\/site\/\.turbo\/turbo-build\.log\)$/,
      ),
    ]);
    expect(readFileSync(join(root, 'packages', 'site', '.turbo', 'turbo-build.log'), 'utf8')).toContain(
      'a warning of the build',
    );
  });

  it("the build runs without any Cloudflare credential; the same inputs come from turbo's cache, not built again", () => {
    const repo = fakeRepo();
    root = repo.root;
    const first = lastJson(repo.run('build.mjs'));
    expect(first).toEqual({ outputHash: expect.stringMatching(/^[0-9a-f]{64}$/), reused: false });
    const buildEnv = buildEnvOf(root);
    expect(cloudflareKeys(buildEnv)).toEqual([]);
    expect(JSON.stringify(buildEnv)).not.toContain(TOKEN);
    // SvelteKit's version name comes from here: turbo's hash of the inputs, the one the plan has.
    expect(buildEnv.TURBO_HASH).toBe(readBuildHashes(root).get('packages/site'));
    rmSync(join(root, 'packages', 'site', '.svelte-kit'), { recursive: true });
    expect(lastJson(repo.run('build.mjs'))).toEqual({ outputHash: first.outputHash, reused: true });
    expect(readFileSync(join(root, 'packages', 'site', '.svelte-kit', 'cloudflare', 'index.html'), 'utf8')).toBe(
      'hello',
    );
    expect(builds(root)).toBe(1);
    // The timeline has the one build that ran, and turbo's run summaries do not pile up.
    expect(
      readFileSync(join(root, '.turbo', 'builds.ndjson'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(1);
    expect(readdirSync(join(root, '.turbo', 'runs'))).toEqual([]);
  });

  it('a build whose sources changed after the plan was made stops, naming both hashes', () => {
    const repo = fakeRepo();
    root = repo.root;
    const planned = readBuildHashes(root).get('packages/site') as string;
    writeFileSync(join(root, 'packages', 'site', 'page.svelte'), 'edited during the up');
    const stderr = stderrOf(() => repo.run('build.mjs', { BUILD_INPUT_HASH: planned }));
    expect(stderr).toMatch(
      /the sources of packages\/site changed after the plan was made .* the plan has [0-9a-f]{16}\): run pulumi up again/,
    );
  });

  it('the upload sends the output on disk when it is the recorded one; only wrangler gets the token', () => {
    const repo = fakeRepo();
    root = repo.root;
    const { outputHash } = lastJson(repo.run('build.mjs'));
    const deployment = lastJson(repo.run('upload.mjs', uploadEnv(outputHash)));
    expect(deployment).toEqual({ deploymentId: 'd-1', url: 'https://d-1.site.pages.dev', alias: null });
    expect(builds(root)).toBe(1);
    expect(sent(root).env.CLOUDFLARE_API_TOKEN).toBe(TOKEN);
    expect(sent(root).args.slice(0, 3)).toEqual([
      'pages',
      'deploy',
      join(root, 'packages', 'site', '.svelte-kit', 'cloudflare'),
    ]);
  });

  it("an upload whose output is not on disk restores it from turbo's cache, or builds it without credentials", () => {
    const repo = fakeRepo();
    root = repo.root;
    const { outputHash } = lastJson(repo.run('build.mjs'));
    // Another stack's run, or a hand build, left something else there.
    writeFileSync(join(root, 'packages', 'site', '.svelte-kit', 'cloudflare', 'index.html'), 'a hand build');
    repo.run('upload.mjs', uploadEnv(outputHash));
    expect(sent(root).sent).toBe('hello');
    expect(builds(root)).toBe(1);
    // Another machine: no output, no cache.
    rmSync(join(root, 'packages', 'site', '.svelte-kit'), { recursive: true });
    rmSync(join(root, '.turbo', 'cache'), { recursive: true });
    rmSync(join(root, 'build-env.json'));
    repo.run('upload.mjs', uploadEnv(outputHash));
    expect(builds(root)).toBe(2);
    expect(cloudflareKeys(buildEnvOf(root))).toEqual([]);
    expect(sent(root).sent).toBe('hello');
  });

  it('an upload never sends an output other than the recorded one: a build that is not reproducible is refused', () => {
    const repo = fakeRepo();
    root = repo.root;
    writeFileSync(join(root, 'packages', 'site', 'build.cjs'), buildScript(root, 'Math.random()'));
    const { outputHash } = lastJson(repo.run('build.mjs'));
    rmSync(join(root, 'packages', 'site', '.svelte-kit'), { recursive: true });
    rmSync(join(root, '.turbo', 'cache'), { recursive: true });
    expect(stderrOf(() => repo.run('upload.mjs', uploadEnv(outputHash)))).toMatch(
      /refusing to upload: the build of [0-9a-f]{16} now gives output [0-9a-f]{64}, not the recorded [0-9a-f]{64} \(a build that is not reproducible\)/,
    );
    expect(existsSync(join(root, 'wrangler.json.out'))).toBe(false);
  });

  it('the upload sends regular files only', () => {
    const repo = fakeRepo();
    root = repo.root;
    writeFileSync(
      join(root, 'packages', 'site', 'build.cjs'),
      `${buildScript(root)}\nfs.symlinkSync('/etc/hostname', '.svelte-kit/cloudflare/host.txt');\n`,
    );
    expect(stderrOf(() => repo.run('build.mjs'))).toMatch(/not regular files .*host\.txt/);
    expect(existsSync(join(root, 'wrangler.json.out'))).toBe(false);
  });

  it('the build gets an allow-list environment: no Pulumi, GitHub, Actions or cache token, only what it declared', () => {
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
      // A remote cache that does not answer: turbo goes on with its local cache; the build never sees the token.
      TURBO_API: 'http://127.0.0.1:1',
      TURBO_TEAM: 'studio',
      TURBO_TOKEN: 'turbo-cache-token-0000',
      PUBLIC_SITE_NAME: 'ltd',
    };
    repo.run('build.mjs', secrets);
    const buildEnv = buildEnvOf(root);
    // Whatever the build sees with the caller's own value came through the allow-list; pnpm and turbo add variables
    // of their own (npm_*, TURBO_HASH, ...), none of which is the caller's.
    const caller: Record<string, string | undefined> = { ...process.env, ...secrets };
    const inherited = Object.keys(buildEnv).filter(
      (k) => !k.startsWith('npm_config_') && caller[k] !== undefined && caller[k] === buildEnv[k],
    );
    const allowed = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ', 'CI', 'NO_COLOR', 'FORCE_COLOR'];
    const remoteCacheAddress = ['TURBO_API', 'TURBO_TEAM'];
    expect(inherited.filter((k) => ![...allowed, ...remoteCacheAddress, 'PUBLIC_SITE_NAME'].includes(k))).toEqual([]);
    expect(inherited).toEqual(expect.arrayContaining(['HOME', 'PUBLIC_SITE_NAME']));
    for (const secret of [
      'pul-0000',
      'ghs_0000',
      'act-0000',
      'pass',
      TOKEN,
      'not-for-the-build',
      'turbo-cache-token-0000',
    ])
      expect(JSON.stringify(buildEnv)).not.toContain(secret);
  });

  it('a declared build variable is part of the build hash: another value builds again', () => {
    const repo = fakeRepo();
    root = repo.root;
    declareBuildEnv(root, ['PUBLIC_SITE_NAME']);
    repo.run('build.mjs', { PUBLIC_SITE_NAME: 'ltd' });
    expect(lastJson(repo.run('build.mjs', { PUBLIC_SITE_NAME: 'ltd' })).reused).toBe(true);
    expect(lastJson(repo.run('build.mjs', { PUBLIC_SITE_NAME: 'io' })).reused).toBe(false);
  });

  it('a package that declares a credential as a build variable is refused, naming it', () => {
    const repo = fakeRepo();
    root = repo.root;
    declareBuildEnv(root, ['GITHUB_TOKEN']);
    expect(stderrOf(() => repo.run('build.mjs'))).toMatch(
      /tasks\.build\.env asks for GITHUB_TOKEN, which a build never gets/,
    );
    expect(builds(root)).toBe(0);
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
    const message = stderrOf(() => repo.run('build.mjs'));
    expect(message).toContain('[build packages/site] error: refusing to build: a symlink leads out of packages/site');
    expect(message).toContain(`packages/site/static/leak.txt -> ${outside}`);
    expect(message).not.toContain('robots-alias.txt');
    expect(message).not.toContain('node_modules');
    expect(builds(root)).toBe(0);
    rmSync(join(staticDir, 'leak.txt'));
    expect(lastJson(repo.run('build.mjs')).reused).toBe(false);
  });

  it('a failing build names its package, shows the end of its log, and caches nothing', () => {
    const repo = fakeRepo();
    root = repo.root;
    writeFileSync(
      join(root, 'packages', 'site', 'build.cjs'),
      `${buildScript(root)}\nfor (let i = 0; i < 100; i++) console.log('progress ' + i); console.error('[vite] Unexpected token in src/routes/+page.svelte:3:7'); process.exit(3)\n`,
    );
    const stderr = stderrOf(() => repo.run('build.mjs'));
    expect(stderr).toContain(
      '[build packages/site] error: turbo run build --filter=site exited with 3; the last lines of its log',
    );
    // What failed is in the error; the build's earlier output (its progress) is not repeated there.
    expect(stderr).toContain('[vite] Unexpected token in src/routes/+page.svelte:3:7');
    expect(stderr).not.toContain('progress 10\n');
    // Nothing cached: the next run builds again (and fails again).
    stderrOf(() => repo.run('build.mjs'));
    expect(builds(root)).toBe(2);
  });

  it("two stacks deployed from one checkout build a package once: the second waits and takes turbo's cache", async () => {
    const repo = fakeRepo();
    root = repo.root;
    writeFileSync(join(root, 'packages', 'site', 'build.cjs'), buildScript(root, "'hello'", 800));
    const [first, second] = await Promise.all([build(root, 'packages/site'), build(root, 'packages/site')]);
    expect([lastJson(first.stdout).reused, lastJson(second.stdout).reused].sort()).toEqual([false, true]);
    expect(lastJson(first.stdout).outputHash).toBe(lastJson(second.stdout).outputHash);
    expect(builds(root)).toBe(1);
  });

  it('turbo alone would build one package twice at once in one folder: why build-lock.mjs exists', async () => {
    const repo = fakeRepo();
    const dir = repo.root;
    root = dir;
    writeFileSync(join(dir, 'packages', 'site', 'build.cjs'), buildScript(dir, "'hello'", 800));
    const { turboBinary } = await import('../../infra/commands/turbo.mjs');
    const turbo = () =>
      promisify(execFile)(turboBinary(dir), ['run', 'build', '--filter=site', '--skip-infer'], {
        cwd: dir,
        env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
      });
    await Promise.all([turbo(), turbo()]);
    // Both missed the cache and ran the build, writing the same .svelte-kit/cloudflare at the same time.
    expect(builds(dir)).toBe(2);
  });

  it('a build step killed outright with its process group (SIGKILL, as a killed pulumi up) leaves no build running', async () => {
    const repo = fakeRepo();
    root = repo.root;
    const pidFile = join(root, 'build.pid');
    writeFileSync(
      join(root, 'packages', 'site', 'build.cjs'),
      `require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setTimeout(() => {}, 60000);\n`,
    );
    // The node binary itself: `node` on PATH may be a shell wrapper (node_modules/.bin/node), whose death is not build.mjs's.
    const child = spawn(process.execPath, [join(root, 'infra', 'commands', 'build.mjs')], {
      cwd: root,
      env: commandEnv(root, 'packages/site'),
      stdio: 'ignore',
      detached: true,
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    while (!existsSync(pidFile)) await new Promise((resolve) => setTimeout(resolve, 50));
    const build = Number(readFileSync(pidFile, 'utf8'));
    process.kill(-(child.pid as number), 'SIGKILL');
    await exited;
    const alive = () => {
      try {
        process.kill(build, 0);
        return true;
      } catch {
        return false;
      }
    };
    // Turbo stops its tasks when told to; on a loaded machine that takes a few seconds, well short of the build's minute.
    for (let waited = 0; alive() && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    expect(alive()).toBe(false);
  });

  it('builds of two packages run side by side', async () => {
    const repo = fakeRepo();
    root = repo.root;
    for (const name of ['site', 'other'])
      writeFileSync(join(root, 'packages', name, 'build.cjs'), buildScript(root, "'hello'", 800));
    await Promise.all([build(root, 'packages/site'), build(root, 'packages/other')]);
    const runs = readFileSync(join(root, '.turbo', 'builds.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { started: string; finished: string });
    expect(runs).toHaveLength(2);
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(a.started < b.finished && b.started < a.finished).toBe(true);
  });
});

function build(root: string, pkg: string) {
  return promisify(execFile)('node', [join(root, 'infra', 'commands', 'build.mjs')], {
    cwd: root,
    env: commandEnv(root, pkg),
  });
}
