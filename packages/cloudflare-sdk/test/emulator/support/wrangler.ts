import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '@create-something/cloudflare-emulator';
import { TOKEN } from './emulator.js';

/** The workspace's wrangler (a shell shim that runs it on the workspace's Node 24). */
const WRANGLER = join(__dirname, '..', '..', '..', '..', '..', 'node_modules', '.bin', 'wrangler');

/** A tiny static site in a fresh temp dir; `version` ends up in index.html so deployments differ. */
export function writeStaticSite(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cf-sdk-emu-site-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), `<!doctype html><h1>conformance ${version}</h1>`);
  writeFileSync(join(dir, 'assets', 'app.css'), 'body { font-family: sans-serif; }');
  return dir;
}

/**
 * `wrangler pages deploy <dir>` against the emulator, from an empty temp cwd (no wrangler.toml, no git repo).
 * Resolves with wrangler's output; rejects with it when wrangler fails. Removes `dir` and the cwd afterwards.
 */
export function pagesDeploy(emu: RunningEmulator, dir: string, project: string, branch: string): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), 'cf-sdk-emu-cwd-'));
  const args = ['pages', 'deploy', dir, '--project-name', project, '--branch', branch, '--commit-dirty=true'];
  return new Promise((resolve, reject) => {
    execFile(
      WRANGLER,
      args,
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: cwd,
          CLOUDFLARE_API_BASE_URL: emu.url,
          CLOUDFLARE_API_TOKEN: TOKEN,
          CLOUDFLARE_ACCOUNT_ID: emu.accountId,
          WRANGLER_SEND_METRICS: 'false',
          CI: '1',
          NO_COLOR: '1',
        },
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        for (const used of [cwd, dir]) rmSync(used, { recursive: true, force: true });
        if (error) reject(new Error(`wrangler ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
        else resolve(`${stdout}${stderr}`);
      },
    );
  });
}
