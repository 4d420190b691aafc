// How infra runs Turborepo: its native binary, pinned by the root package.json, with the same flags and environment
// everywhere, so that the hash a preview shows (infra/inventory/build-hashes.ts, a dry run) is the hash a build gets
// (build.mjs, a real run). Plain Node, no dependencies: build.mjs and upload.mjs run it from the repository root.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

/**
 * The platform binary of the `turbo` package installed at `rootDir` (its `bin/turbo` wrapper only looks for this
 * binary, and costs a Node start-up each call).
 */
export function turboBinary(rootDir) {
  const require = createRequire(join(rootDir, 'package.json'));
  let turboPackage;
  try {
    turboPackage = require.resolve('turbo/package.json');
  } catch {
    throw new Error(`turbo is not installed in ${rootDir}: run pnpm install (the root package.json pins it)`);
  }
  const platform = `@turbo/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch === 'x64' ? '64' : process.arch}`;
  try {
    return createRequire(turboPackage).resolve(`${platform}/bin/turbo${process.platform === 'win32' ? '.exe' : ''}`);
  } catch {
    throw new Error(`turbo has no binary for this platform (${platform}) in ${rootDir}: run pnpm install again`);
  }
}

/**
 * Where every app's build writes its Pages output, relative to the app: where SvelteKit's Cloudflare adapter writes,
 * turbo.json's `outputs` (what turbo caches and restores), what is uploaded, and what an app's wrangler config must
 * name as `pages_build_output_dir`.
 */
export const OUTPUT_DIR = '.svelte-kit/cloudflare';

/**
 * Flags of every turbo call: no search for another turbo, no framework inference (a SvelteKit app would otherwise
 * hash and pass every `PUBLIC_*` variable of the caller's shell; a build gets the variables its package declares in
 * its turbo.json `env`, and only those).
 */
export const TURBO_FLAGS = ['--skip-infer', '--framework-inference=false'];

/** Variables that point turbo at a remote cache (see README, "Build cache"): the dry run leaves them out. */
export const REMOTE_CACHE_VARIABLES = ['TURBO_API', 'TURBO_TEAM', 'TURBO_TOKEN', 'TURBO_REMOTE_CACHE_READ_ONLY'];

/** What turbo itself is told in every call: no telemetry, no update check, no colour codes in what we parse. */
export const TURBO_QUIET = {
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
  TURBO_NO_UPDATE_NOTIFIER: '1',
  NO_COLOR: '1',
};

/**
 * `[command, args]` that run `binary args` in a session of its own, getting SIGTERM when the calling process dies,
 * however it dies (Linux's parent-death signal; util-linux's `setpriv` and `setsid`; elsewhere, or without them, as
 * is). Turbo runs each task in a process group of its own, and stops them on SIGTERM, but not when it is killed
 * outright: a `pulumi up` killed with SIGKILL (its process group, build.mjs and turbo with it) left the Vite builds
 * running, orphaned, still writing into the packages. Out of the caller's group, turbo outlives that kill just long
 * enough to hear of it and stop its tasks.
 */
export function dyingWithCaller(binary, args) {
  if (process.platform !== 'linux') return [binary, args];
  const find = (name) =>
    (process.env.PATH ?? '')
      .split(delimiter)
      .map((dir) => join(dir, name))
      .find((path) => existsSync(path));
  const setpriv = find('setpriv');
  const setsid = find('setsid');
  // setpriv sets the signal and execs setsid, which (not being a group leader) starts the session and execs turbo
  // without a fork: the signal stays set.
  return setpriv && setsid ? [setpriv, ['--pdeathsig', 'TERM', setsid, binary, ...args]] : [binary, args];
}
