import { spawnSync } from 'node:child_process';
import { RunError } from '@pulumi/pulumi';
import { z } from 'zod';
import { REMOTE_CACHE_VARIABLES, TURBO_FLAGS, TURBO_QUIET, turboBinary } from '../commands/turbo.mjs';

/** The part of `turbo run build --dry=json` read here: each task's package folder and hash. */
const dryRun = z.object({
  tasks: z.array(z.object({ taskId: z.string(), task: z.string(), hash: z.string(), directory: z.string() })),
});

/**
 * The build-input hash of every workspace package, by folder relative to the repository root (`packages/io`):
 * Turborepo's hash of its `build` task, from one dry run over the whole workspace (about 25 ms here). It covers
 * what turbo.json says a build reads: the files git sees in the package (tracked, or untracked and not ignored)
 * minus tests, migrations and Workers; the package's dependency closure in pnpm-lock.yaml; the hashes of the workspace
 * packages it links (app-kit); the shared config (`globalDependencies`) and the root's own dependencies; the
 * variables the package declares in its turbo.json `env`. It is the hash build.mjs checks the real run against, the
 * trigger of the build that a preview shows, and the key of the build in turbo's caches.
 *
 * The dry run gets the caller's environment without the remote cache's variables: it then only reads the local
 * cache's index, never the network, and the hash does not depend on them.
 */
export function readBuildHashes(rootDir: string, env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const withoutRemote = Object.fromEntries(
    Object.entries(env).filter(([name]) => !REMOTE_CACHE_VARIABLES.includes(name)),
  );
  let turbo: string;
  try {
    turbo = turboBinary(rootDir);
  } catch (error) {
    throw new RunError((error as Error).message);
  }
  const result = spawnSync(turbo, ['run', 'build', '--dry=json', ...TURBO_FLAGS], {
    cwd: rootDir,
    env: { ...withoutRemote, ...TURBO_QUIET },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new RunError(`could not run turbo in ${rootDir}: ${result.error.message}`);
  if (result.status !== 0)
    throw new RunError(
      `turbo could not plan the builds (turbo run build --dry=json exited with ${result.status}):\n${result.stderr.trim()}\nFix turbo.json or the package it names; pnpm install if turbo is missing.`,
    );
  const parsed = dryRun.safeParse(JSON.parse(result.stdout));
  if (!parsed.success)
    throw new RunError(`turbo's dry run is not in the shape this program reads: ${parsed.error.message}`);
  return new Map(parsed.data.tasks.filter((t) => t.task === 'build').map((t) => [t.directory, t.hash]));
}

/** The hash of one package, with an error naming the folder when turbo does not see it as a workspace package. */
export function buildHashOf(hashes: ReadonlyMap<string, string>, packageDir: string): string {
  const hash = hashes.get(packageDir);
  if (hash === undefined)
    throw new RunError(
      `${packageDir} is not a workspace package, so it has no build hash: give it a package.json with a "name", and check that pnpm-workspace.yaml lists its folder (packages/* and packages/*/workers/*).`,
    );
  return hash;
}
