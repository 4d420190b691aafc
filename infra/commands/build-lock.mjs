// One build or upload of a package at a time on this checkout. Turborepo has no lock between its processes: two
// `turbo run build` of one package (two stacks deployed from one checkout, `pnpm local:up` beside `pnpm review:up`)
// would both clear and write `.svelte-kit/cloudflare`, and an upload could send the other run's half-written files.
// Not a build slot: builds of different packages run side by side. Plain Node, no dependencies.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const POLL_MS = 200;

/** Runs fn while holding `<packageDir>/.turbo/infra.lock`, taking it over from a process that died holding it. */
export async function withBuildLock(packageDir, fn) {
  const path = join(packageDir, '.turbo', 'infra.lock');
  mkdirSync(join(packageDir, '.turbo'), { recursive: true });
  while (!tryTake(path)) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  try {
    return await fn();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}

/** mkdir is atomic: the process that creates the folder holds the lock, and writes its pid into it. */
function tryTake(path) {
  try {
    mkdirSync(path);
    writeFileSync(join(path, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    let holder = 0;
    try {
      holder = Number(readFileSync(join(path, 'pid'), 'utf8'));
    } catch {
      return false; // being taken right now: its pid is not written yet
    }
    if (holder && !alive(holder)) rmSync(path, { recursive: true, force: true });
    return false;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}
