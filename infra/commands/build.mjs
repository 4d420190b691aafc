#!/usr/bin/env node
// Builds one SvelteKit app into the build cache, keyed by its build-input hash, and prints the result as one JSON
// line on stdout: { outputHash, reused }. Run by the package's build `local.Command`
// (infra/components/pages-deployment.ts) from the repository root, with no Cloudflare credentials in its environment
// (the command passes none, and this script strips any it inherits before running the build), and by upload.mjs when
// the cached output it needs is gone (another machine, a pruned cache).
//
// Why a cache outside the package: the upload can re-run without a rebuild (bindings changed, or a retry after an
// unrelated failure), and what was uploaded is kept apart from `.svelte-kit`, which the next build overwrites.
// Why locks: at most BUILD_CONCURRENCY builds (default: the machine's cores) run at once, so four builds on two cores
// do not thrash; and one package builds once at a time, so two stacks deployed from one checkout never build into the
// same `.svelte-kit` together.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cachedBuild, cacheRoot, copyTree, hashTree, pruneBuilds, withLock, withSlot } from './build-cache.mjs';
import { withoutCloudflareCredentials } from './credentials.mjs';

const packageDirRelative = process.env.PACKAGE_DIR;
const inputHash = process.env.BUILD_INPUT_HASH;
if (!packageDirRelative || !inputHash)
  fail('missing environment: PACKAGE_DIR, BUILD_INPUT_HASH (set by the Pulumi program; run through pulumi up)');
const root = process.cwd();
if (!existsSync(join(root, 'Pulumi.yaml'))) fail(`must run from the repository root (no Pulumi.yaml in ${root})`);
const packageDir = resolve(root, packageDirRelative);
const built = join(packageDir, '.svelte-kit', 'cloudflare');
const slots = Number(process.env.BUILD_CONCURRENCY ?? 0) || undefined;

const target = cachedBuild(packageDirRelative, inputHash);
if (existsSync(join(target, 'complete'))) {
  step(`reusing the build of ${inputHash.slice(0, 12)} (inputs unchanged)`);
  done(false);
}

await withSlot(slots, async () =>
  withLock(`package-${packageDirRelative.replace(/[^a-z0-9-]/gi, '_')}`, async () => {
    // Another run may have built these inputs while this one waited.
    if (existsSync(join(target, 'complete'))) return;
    const started = new Date();
    step(`build started ${started.toISOString()}`);
    const result = spawnSync('pnpm', ['run', 'build'], {
      cwd: packageDir,
      stdio: ['ignore', 2, 2],
      env: withoutCloudflareCredentials(process.env),
    });
    if (result.error) fail(`could not start pnpm: ${result.error.message}`);
    if (result.status !== 0) fail(`pnpm run build exited with ${result.status}`);
    if (!existsSync(built))
      fail(`the build finished but ${built} does not exist: is the app using @sveltejs/adapter-cloudflare?`);
    const partial = `${target}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    copyTree(built, join(partial, 'out'));
    writeFileSync(join(partial, 'output-hash'), hashTree(join(partial, 'out')));
    writeFileSync(join(partial, 'complete'), started.toISOString());
    rmSync(target, { recursive: true, force: true });
    renameSync(partial, target);
    const finished = new Date();
    step(`build finished ${finished.toISOString()} (${((finished - started) / 1000).toFixed(1)} s)`);
    // One line per build in the cache's timeline, to see from outside which builds ran and whether they overlapped.
    appendFileSync(
      join(cacheRoot(), 'builds.ndjson'),
      `${JSON.stringify({ package: packageDirRelative, inputHash, started: started.toISOString(), finished: finished.toISOString() })}\n`,
    );
  }),
);
pruneBuilds(packageDirRelative, target);
done(true);

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
