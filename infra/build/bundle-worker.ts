import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sha256 } from '../plan/sha256';

export interface WorkerBundle {
  /**
   * The single ES module wrangler produced, as a path relative to the working directory (the program's, `infra/`,
   * when Pulumi runs it): the provider reads the file, so the bundle itself never enters the state, and a relative
   * path is the same on every machine that has the same bundle.
   */
  file: string;
  mainModule: string;
  sha256: string;
}

/**
 * Bundles a Worker exactly the way `wrangler deploy` would (it is wrangler's own bundler, run with --dry-run), once
 * per source hash: the result is cached under node_modules/.cache so a preview of unchanged sources costs a file read.
 */
export function bundleWorker(rootDir: string, workerDir: string, sourceHash: string): WorkerBundle {
  const cacheDir = join(rootDir, 'node_modules', '.cache', 'create-something', 'workers', sourceHash);
  if (!existsSync(join(cacheDir, 'complete'))) {
    const staging = `${cacheDir}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    try {
      execFileSync(join(rootDir, 'node_modules', '.bin', 'wrangler'), ['deploy', '--dry-run', '--outdir', staging], {
        cwd: join(rootDir, workerDir),
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
      rmSync(staging, { recursive: true, force: true });
      throw new Error(`Bundling the Worker in ${workerDir} with wrangler failed:\n${stderr.trim()}`);
    }
    const modules = readdirSync(staging).filter((f) => !f.endsWith('.map') && f !== 'README.md');
    if (modules.length !== 1 || !modules[0]?.endsWith('.js')) {
      rmSync(staging, { recursive: true, force: true });
      throw new Error(
        `Bundling ${workerDir} produced ${modules.join(', ') || 'nothing'}; the Worker resource uploads one ES module. Remove extra modules (wasm, text rules) or extend infra/components/worker.ts.`,
      );
    }
    writeFileSync(join(staging, 'complete'), '');
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(join(cacheDir, '..'), { recursive: true });
    renameSync(staging, cacheDir);
  }
  const mainModule = readdirSync(cacheDir).find((f) => f.endsWith('.js')) as string;
  const file = join(cacheDir, mainModule);
  return { file: relative(process.cwd(), file), mainModule, sha256: sha256(readFileSync(file, 'utf8')) };
}
