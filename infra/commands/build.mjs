#!/usr/bin/env node
// Builds one SvelteKit app into the build cache, keyed by its build-input hash, and prints the result as one JSON
// line on stdout: { outputHash, reused }. Run by the package's build `local.Command`
// (infra/components/pages-deployment.ts) from the repository root, and by upload.mjs when the cached output it needs is
// gone (another machine, a pruned cache). The build itself gets an allow-list environment (build-env.mjs: PATH, HOME,
// the package's own declared variables; never a Pulumi, GitHub or Cloudflare token), and runs only when no symlink in
// the package leads out of it (tree-guard.mjs); its output is kept only when it holds regular files alone.
//
// Why a cache outside the package: the upload can re-run without a rebuild (bindings changed, or a retry after an
// unrelated failure), and what was uploaded is kept apart from the build's folder, which is removed afterwards.
// Why a folder per build (`packages/<pkg>/.svelte-kit-builds/<hash>-<pid>`, SvelteKit's outDir through
// SVELTEKIT_OUT_DIR, instead of the `.svelte-kit` a hand build uses): two stacks deployed from one checkout can build
// one package at the same time without writing into each other's output.
// Why locks: at most BUILD_CONCURRENCY builds (default: the machine's cores) run at once, so four builds on two cores
// do not thrash; and the same inputs build once at a time, so a second run of them waits and takes the first's result
// instead of building it again and replacing the cache entry an upload may be reading.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import {
  buildFolder,
  cachedBuild,
  cacheRoot,
  copyTree,
  hashTree,
  pruneBuilds,
  removeAbandonedBuildFolders,
  withLock,
  withSlot,
} from './build-cache.mjs';
import { buildEnvironment } from './build-env.mjs';
import { escapingSymlinks, irregularEntries } from './tree-guard.mjs';

/** Lines of a failed build's log repeated in the error: enough for Vite's or Svelte's message and its location. */
const LOG_TAIL_LINES = 40;

const packageDirRelative = process.env.PACKAGE_DIR;
const inputHash = process.env.BUILD_INPUT_HASH;
if (!packageDirRelative || !inputHash)
  fail('missing environment: PACKAGE_DIR, BUILD_INPUT_HASH (set by the Pulumi program; run through pulumi up)');
const root = process.cwd();
if (!existsSync(join(root, 'Pulumi.yaml'))) fail(`must run from the repository root (no Pulumi.yaml in ${root})`);
const packageDir = resolve(root, packageDirRelative);
const outDir = buildFolder(inputHash);
const built = join(packageDir, outDir, 'cloudflare');
const removeOutDir = () => rmSync(join(packageDir, outDir), { recursive: true, force: true });
const slots = Number(process.env.BUILD_CONCURRENCY ?? 0) || undefined;

// Before anything, the cache included: a symlink that leaves the package would put whatever it points at on the site.
const escaping = escapingSymlinks(packageDir, root);
if (escaping.length > 0)
  fail(
    `refusing to build: ${escaping.length === 1 ? 'a symlink leads' : 'symlinks lead'} out of ${packageDirRelative}, and the build would copy ${escaping.length === 1 ? 'its target' : 'their targets'} into the site:\n${escaping.map((l) => `  ${l.path} -> ${l.target}`).join('\n')}\nReplace each with a copy of the file inside the package (or remove it).`,
  );
let env;
try {
  // The version SvelteKit writes into the output is named by the inputs, not the build time: same inputs, same bytes.
  env = buildEnvironment(process.env, packageDir, {
    SVELTEKIT_OUT_DIR: outDir,
    SVELTEKIT_VERSION_NAME: inputHash.slice(0, 16),
  });
} catch (error) {
  fail(error.message);
}

const target = cachedBuild(packageDirRelative, inputHash);
if (existsSync(join(target, 'complete'))) {
  step(`reusing the build of ${inputHash.slice(0, 12)} (inputs unchanged)`);
  done(false);
}

let rebuilt = false;
await withLock(`inputs-${packageDirRelative.replace(/[^a-z0-9-]/gi, '_')}-${inputHash}`, async () => {
  // Another run may have built these inputs while this one waited.
  if (existsSync(join(target, 'complete'))) {
    step(`reusing the build of ${inputHash.slice(0, 12)} (built meanwhile by another run)`);
    return;
  }
  await withSlot(slots, async () => {
    removeAbandonedBuildFolders(packageDir);
    removeOutDir(); // left by a dead run that had this pid and hash
    // On every exit, fail() included: the build's folder is scratch, its result goes to the cache.
    process.on('exit', removeOutDir);
    const started = new Date();
    step(`build started ${started.toISOString()} in ${join(packageDirRelative, outDir)}`);
    // The build's own output goes to a log file, not to this command's stderr: Pulumi keeps a command's whole stderr
    // in the state (6 KB of Vite progress per package, on every build), where only this command's lines belong. A
    // failure prints the log's last lines, which say what failed.
    const log = buildLog(packageDirRelative, inputHash);
    const logFd = openSync(log, 'w');
    const result = spawnSync('pnpm', ['run', 'build'], { cwd: packageDir, stdio: ['ignore', logFd, logFd], env });
    closeSync(logFd);
    if (result.error) fail(`could not start pnpm: ${result.error.message}`);
    if (result.status !== 0)
      fail(
        `pnpm run build exited with ${result.status}; the last lines of its log (${log}):\n${tail(log, LOG_TAIL_LINES)}`,
      );
    if (!existsSync(built))
      fail(
        `the build finished but ${built} does not exist: does the app's vite.config.ts spread kitBuildOptions() (SVELTEKIT_OUT_DIR, SVELTEKIT_VERSION_NAME) into sveltekit(), with the app-kit Cloudflare adapter?`,
      );
    const irregular = irregularEntries(built);
    if (irregular.length > 0)
      fail(
        `the build output holds entries that are not regular files (an upload sends regular files only): ${irregular.map((p) => join(built, p)).join(', ')}`,
      );
    const partial = `${target}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    copyTree(built, join(partial, 'out'));
    removeOutDir();
    writeFileSync(join(partial, 'output-hash'), hashTree(join(partial, 'out')));
    // The log of a build that succeeded is kept with its result (and pruned with it); a failed one's stays in logs/.
    renameSync(log, join(partial, 'build.log'));
    writeFileSync(join(partial, 'complete'), started.toISOString());
    rmSync(target, { recursive: true, force: true });
    renameSync(partial, target);
    rebuilt = true;
    const finished = new Date();
    step(
      `build finished ${finished.toISOString()} (${((finished - started) / 1000).toFixed(1)} s; log: ${join(target, 'build.log')})`,
    );
    // One line per build in the cache's timeline, to see from outside which builds ran and whether they overlapped.
    appendFileSync(
      join(cacheRoot(), 'builds.ndjson'),
      `${JSON.stringify({ package: packageDirRelative, inputHash, outDir, started: started.toISOString(), finished: finished.toISOString() })}\n`,
    );
  });
});
pruneBuilds(packageDirRelative, target);
done(rebuilt);

/** Where a build's output goes while it runs: the build cache's logs/, one file per package and build-input hash. */
function buildLog(packageDir, hash) {
  const dir = join(cacheRoot(), 'logs');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${packageDir.replace(/[^a-z0-9-]/gi, '_')}-${hash.slice(0, 16)}.log`);
}

function tail(file, lines) {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((line) => `  | ${line}`)
    .join('\n');
}

function done(rebuilt) {
  const outputHash = readFileSync(join(target, 'output-hash'), 'utf8');
  process.stdout.write(`${JSON.stringify({ outputHash, reused: !rebuilt })}\n`);
  process.exit(0);
}

// Every line names the package, so a failed run of several packages says which one failed.
function step(message) {
  process.stderr.write(`[build ${packageDirRelative ?? '?'}] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[build ${packageDirRelative ?? '?'}] error: ${message}\n`);
  process.exit(1);
}
