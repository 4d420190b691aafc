import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REMOTE_CACHE_VARIABLES } from '../../infra/commands/turbo.mjs';
import { REPO_ROOT } from '../../test/e2e/support/work-copy';
import type { Emulated } from './baseline';
import { exec } from './exec';
import { timed } from './timing';

/** The four apps, as `pnpm build` at the root selects them (every package but the workspace's own libraries). */
export const FOUR_APPS = ['--filter=./packages/*', '--filter=!@create-something/*'];

/**
 * `turbo run build` in `repoDir` with `pnpm build`'s flags and `filters`, no remote cache: what building costs
 * without Pulumi. `expect: 'build'` fails unless every task really ran (`Cached: 0 cached`), so a cache hit cannot
 * pass for a build; `expect: 'restore'` fails unless every task came from the local cache.
 */
export async function turboBuild(
  repoDir: string,
  filters: readonly string[],
  expect: 'build' | 'restore' = 'build',
): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, TURBO_TELEMETRY_DISABLED: '1' };
  for (const name of REMOTE_CACHE_VARIABLES) delete env[name];
  const args = ['run', 'build', '--framework-inference=false', '--output-logs=errors-only', ...filters];
  const { stdout } = await exec(join(repoDir, 'node_modules', '.bin', 'turbo'), args, { cwd: repoDir, env });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: turbo's colour codes, removed before reading its summary
  const plain = stdout.replace(/\u001b\[[0-9;]*m/g, '');
  const [, cached, total] = /Cached:\s+(\d+) cached, (\d+) total/.exec(plain) ?? [];
  if (cached === undefined || (expect === 'build' ? cached !== '0' : cached !== total))
    throw new Error(`turbo ${args.join(' ')} was to ${expect} (${cached ?? '?'} of ${total ?? '?'} cached):\n${plain}`);
}

/**
 * The build floor: turbo building the four apps from an empty cache in a fresh work copy, nothing else (the
 * equivalent of `pnpm build` there). The full deploy runs these same builds, plus everything around them.
 */
export function buildFloor(repoDir: string): Promise<number> {
  rmSync(join(repoDir, '.turbo', 'cache'), { recursive: true, force: true });
  return timed('build floor (turbo, four apps, empty cache)', () => turboBuild(repoDir, FOUR_APPS));
}

/**
 * `wrangler pages deploy <outputDir>` to `project` on the emulator, from an empty folder (a wrangler config in the
 * working directory would be sent along), as infra/commands/upload.mjs and the hand-run baseline call it.
 */
export async function pagesDeploy(
  outputDir: string,
  project: string,
  emulator: Emulated,
  token: string,
): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'bench-pages-deploy-'));
  try {
    await exec(
      join(REPO_ROOT, 'node_modules', '.bin', 'wrangler'),
      ['pages', 'deploy', outputDir, '--project-name', project, '--branch', 'main'],
      {
        cwd: workDir,
        env: {
          ...process.env,
          CLOUDFLARE_API_BASE_URL: emulator.url,
          CLOUDFLARE_API_TOKEN: token,
          CLOUDFLARE_ACCOUNT_ID: emulator.accountId,
          WRANGLER_SEND_METRICS: 'false',
          CI: 'true',
        },
      },
    );
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
