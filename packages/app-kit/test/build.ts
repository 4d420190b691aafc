import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A vitest globalSetup that builds an app once for the whole test run (the tests serve the build output on
 * Miniflare). SKIP_APP_BUILD=1 reuses an existing build and says so loudly.
 */
export function buildAppOnce(appDir: string | URL, name: string): () => void {
  const root = typeof appDir === 'string' ? path.resolve(appDir) : path.resolve(fileURLToPath(appDir));
  const worker = path.join(root, '.svelte-kit/cloudflare/_worker.js');
  return function setup(): void {
    if (process.env.SKIP_APP_BUILD === '1' && existsSync(worker)) {
      console.warn(
        `\n[${name} tests] SKIP_APP_BUILD=1: testing the existing build from ${statSync(worker).mtime.toISOString()}\n`,
      );
      return;
    }
    const vite = path.join(root, 'node_modules/vite/bin/vite.js');
    const started = performance.now();
    const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    });
    if (result.status !== 0) {
      throw new Error(`vite build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    }
    console.log(`[${name} tests] built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
}

/**
 * A vitest globalSetup that bundles a standalone Worker once with wrangler's own bundler (what `wrangler deploy`
 * would upload) into its dist/, for tests that run the bundle on Miniflare.
 */
export function bundleWorkerOnce(workerDir: string | URL, name: string): () => void {
  const root = typeof workerDir === 'string' ? path.resolve(workerDir) : path.resolve(fileURLToPath(workerDir));
  return function setup(): void {
    const started = performance.now();
    const wrangler = path.join(root, 'node_modules/wrangler/bin/wrangler.js');
    const result = spawnSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', 'dist'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    });
    if (result.status !== 0)
      throw new Error(`wrangler bundle failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    console.log(`[${name} tests] bundled in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
}
