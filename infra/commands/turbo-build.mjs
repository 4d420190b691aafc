// Builds one app with Turborepo, or takes its build from turbo's caches (the local one under `.turbo/cache`, and a
// remote one when TURBO_API, TURBO_TEAM and TURBO_TOKEN are set: README, "Build cache"). Shared by build.mjs (the
// build step of `pulumi up`) and upload.mjs (when the output it must send is not on disk). The caller holds the
// package's build lock (build-lock.mjs).
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildEnvironment } from './build-env.mjs';
import { hashTree } from './output-hash.mjs';
import { escapingSymlinks, irregularEntries } from './tree-guard.mjs';
import { dyingWithCaller, OUTPUT_DIR, TURBO_FLAGS, TURBO_QUIET, turboBinary } from './turbo.mjs';

/** Lines of a failed build's log repeated in the error: enough for Vite's or Svelte's message and its location. */
const LOG_TAIL_LINES = 40;

export class BuildError extends Error {}

/**
 * Runs `turbo run build --filter=<package>` and returns `{ outputHash, reused }`: `reused` when turbo
 * restored the output from a cache instead of running the build. Throws a BuildError that says what to fix when a
 * symlink leaves the package, when the sources no longer have the hash `inputHash` the plan was made with, when the
 * build fails (with its log's last lines), or when the output is not regular files.
 *
 * `env` is the caller's environment; the build gets an allow-list of it (build-env.mjs), the remote cache's address
 * and team, and never the remote cache's token, which turbo gets as an argument (a variable would reach the build).
 */
export function buildWithTurbo({ root, packageDir, inputHash, env }) {
  const packagePath = join(root, packageDir);
  const escaping = escapingSymlinks(packagePath, root);
  if (escaping.length > 0)
    throw new BuildError(
      `refusing to build: ${escaping.length === 1 ? 'a symlink leads' : 'symlinks lead'} out of ${packageDir}, and the build would copy ${escaping.length === 1 ? 'its target' : 'their targets'} into the site:\n${escaping.map((l) => `  ${l.path} -> ${l.target}`).join('\n')}\nReplace each with a copy of the file inside the package (or remove it).`,
    );
  let buildEnv;
  try {
    buildEnv = buildEnvironment(env, packagePath);
  } catch (error) {
    throw new BuildError(error.message);
  }
  const name = JSON.parse(readFileSync(join(packagePath, 'package.json'), 'utf8')).name;
  const outputDir = join(packagePath, OUTPUT_DIR);
  // A restore from the cache adds files to the folder and removes none: what a hand build left there would be uploaded.
  rmSync(outputDir, { recursive: true, force: true });
  const remote = Object.fromEntries(['TURBO_API', 'TURBO_TEAM'].filter((k) => env[k]).map((k) => [k, env[k]]));
  const [command, args] = dyingWithCaller(turboBinary(root), [
    'run',
    'build',
    `--filter=${name}`,
    '--output-logs=none',
    '--summarize',
    ...TURBO_FLAGS,
    ...(env.TURBO_TOKEN ? [`--token=${env.TURBO_TOKEN}`] : []),
    ...(env.TURBO_REMOTE_CACHE_READ_ONLY === 'true' ? ['--remote-cache-read-only'] : []),
  ]);
  const result = spawnSync(command, args, {
    cwd: root,
    env: { ...buildEnv, ...remote, ...TURBO_QUIET },
    encoding: 'utf8',
  });
  if (result.error) throw new BuildError(`could not start turbo: ${result.error.message}`);
  const summary = readSummary(result.stdout);
  const task = summary?.tasks.find((t) => t.taskId === `${name}#build`);
  if (result.status !== 0 || !task) {
    const log = join(packagePath, '.turbo', 'turbo-build.log');
    const tail = existsSync(log) ? `the last lines of its log (${log}):\n${lastLines(log)}` : result.stderr.trim();
    throw new BuildError(`turbo run build --filter=${name} exited with ${result.status}; ${tail}`);
  }
  if (task.hash !== inputHash)
    throw new BuildError(
      `the sources of ${packageDir} changed after the plan was made (its build hash is now ${task.hash}, the plan has ${inputHash}): run pulumi up again.`,
    );
  const reused = task.cache.status === 'HIT';
  if (!reused) recordBuild(root, { package: packageDir, inputHash, ...task.execution });
  if (!existsSync(outputDir))
    throw new BuildError(
      `the build of ${packageDir} finished but ${outputDir} does not exist: does the app's vite.config.ts use the app-kit Cloudflare adapter?`,
    );
  const irregular = irregularEntries(outputDir);
  if (irregular.length > 0)
    throw new BuildError(
      `the build output holds entries that are not regular files (an upload sends regular files only): ${irregular.map((p) => join(outputDir, p)).join(', ')}`,
    );
  return { outputHash: hashTree(outputDir), reused };
}

/**
 * turbo's run summary (it prints its path last), removed once read: one file per run would pile up in `.turbo/runs`.
 * Undefined when turbo failed before writing it.
 */
function readSummary(stdout) {
  const path = /Summary:\s+(\S+\.json)/.exec(stdout)?.[1];
  if (!path || !existsSync(path)) return undefined;
  const summary = JSON.parse(readFileSync(path, 'utf8'));
  rmSync(path, { force: true });
  return summary;
}

/**
 * One line per build that really ran (not a cache hit) in `.turbo/builds.ndjson`: which builds ran on this checkout,
 * and whether they overlapped. Read by the e2e tests and the benchmarks.
 */
function recordBuild(root, { package: packageDir, inputHash, startTime, endTime }) {
  mkdirSync(join(root, '.turbo'), { recursive: true });
  appendFileSync(
    join(root, '.turbo', 'builds.ndjson'),
    `${JSON.stringify({ package: packageDir, inputHash, started: new Date(startTime).toISOString(), finished: new Date(endTime).toISOString() })}\n`,
  );
}

function lastLines(file) {
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const tail = lines.slice(-LOG_TAIL_LINES);
  // turbo reads a build's stdout and stderr apart, so on a loaded machine an error (stderr) can land in its log above
  // progress lines (stdout) written before it: error lines above the tail are repeated first, so the message names
  // what failed either way.
  const earlierErrors = lines
    .slice(0, -LOG_TAIL_LINES)
    .filter((line) => /error|failed|exception/i.test(line))
    .slice(-10);
  const shown = earlierErrors.length > 0 ? [...earlierErrors, '...'] : [];
  return [...shown, ...tail].map((line) => `  | ${line}`).join('\n');
}
