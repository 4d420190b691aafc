// A turbo remote cache on this machine, over a folder (turborepo-remote-cache, local storage):
//   pnpm turbo-cache serve <folder>   in the foreground, until Ctrl-C; prints the TURBO_* variables to export
//   pnpm turbo-cache start <folder>   in the background (CI: a step starts it, later steps use it); the variables go to
//                                     $GITHUB_ENV when set, else to stdout as `export` lines
// The studio's shared cache is the same server with its storage on R2 (README, "Build cache").
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startTurboCacheServer } from './lib/turbo-cache-server';

const ROOT_DIR = join(__dirname, '..');
const [mode, folderArg] = process.argv.slice(2);
if ((mode !== 'serve' && mode !== 'start') || !folderArg) {
  process.stderr.write('usage: pnpm turbo-cache serve|start <folder that keeps the artifacts>\n');
  process.exit(2);
}
const folder = resolve(folderArg);

async function main(): Promise<void> {
  const server = await startTurboCacheServer(ROOT_DIR, folder, { detached: mode === 'start' });
  const lines = Object.entries(server.env).map(([name, value]) => `${name}=${value}`);
  if (mode === 'start' && process.env.GITHUB_ENV) {
    // The token is the server's own, made now: it guards nothing beyond this job's machine.
    appendFileSync(process.env.GITHUB_ENV, `${lines.join('\n')}\n`);
    process.stderr.write(`[turbo-cache] serving ${folder} on ${server.env.TURBO_API} (pid ${server.pid})\n`);
  } else {
    process.stdout.write(`${lines.map((line) => `export ${line}`).join('\n')}\n`);
    process.stderr.write(`[turbo-cache] serving ${folder} on ${server.env.TURBO_API} (pid ${server.pid})\n`);
  }
  if (mode === 'serve') {
    process.on('SIGINT', () => void server.stop().then(() => process.exit(0)));
    process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
  } else process.exit(0);
}

main().catch((error: Error) => {
  process.stderr.write(`[turbo-cache] ${error.message}\n`);
  process.exit(1);
});
