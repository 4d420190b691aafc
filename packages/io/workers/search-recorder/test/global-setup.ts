import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles the Worker once with wrangler's own bundler (what `wrangler deploy` would upload) into dist/. */
export default function setup(): void {
  const started = performance.now();
  const wrangler = path.join(root, 'node_modules/wrangler/bin/wrangler.js');
  const result = spawnSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', 'dist'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  if (result.status !== 0)
    throw new Error(`wrangler bundle failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  console.log(`[search-recorder tests] bundled in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
