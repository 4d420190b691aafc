// The build cache, build folders and locks build.mjs and upload.mjs share. Plain Node, no dependencies: it runs in
// the commands Pulumi starts, from the repository root.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { join, relative } from 'node:path';

/** Builds kept per package: the live one, the one before (a rollback), and one spare. */
const KEEP_PER_PACKAGE = 3;
const POLL_MS = 200;

/** `BUILD_CACHE_DIR`, else `$XDG_CACHE_HOME/create-something/builds` (`~/.cache/…`). */
export function cacheRoot() {
  return (
    process.env.BUILD_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'create-something', 'builds')
  );
}

/**
 * Where the build of one package for one build-input hash is kept: `<dir>/out` is the output as built (what is
 * uploaded), `<dir>/output-hash` its hash, `<dir>/complete` marks a finished copy.
 */
export function cachedBuild(packageDir, inputHash) {
  return join(cacheRoot(), packageDir.replace(/[^a-z0-9-]/gi, '_'), inputHash);
}

/** Copies folders and regular files; anything else (a symlink above all) is an error naming it, never followed. */
export function copyTree(from, to) {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const dest = join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, dest);
    else if (entry.isFile()) copyFileSync(source, dest);
    else throw new Error(`${source} is not a regular file (a symlink?): the build output may hold regular files only`);
  }
}

/** sha256 over every file's path and content, in a fixed order. */
export function hashTree(dir) {
  const hash = createHash('sha256');
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(relative(dir, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** Removes all but the newest {@link KEEP_PER_PACKAGE} builds of a package, never the one just made or used. */
export function pruneBuilds(packageDir, keep) {
  const folder = join(cacheRoot(), packageDir.replace(/[^a-z0-9-]/gi, '_'));
  const builds = readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.includes('.partial-'))
    .map((e) => ({ path: join(folder, e.name), at: statSync(join(folder, e.name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of builds.slice(KEEP_PER_PACKAGE))
    if (old.path !== keep) rmSync(old.path, { recursive: true, force: true });
}

/**
 * Where builds write (SvelteKit's `outDir`, as `SVELTEKIT_OUT_DIR`), relative to their package: one folder per build,
 * so that two builds of one package never write into the same folder. Inside the package, because Vite and Node find
 * `node_modules` by walking up from the files the build generates. Never a build input: listed in
 * infra/inventory/source-files.ts and .gitignore.
 */
export const BUILD_FOLDERS = '.svelte-kit-builds';

/** This process's build folder for `inputHash`, relative to the package (the hash prefix is for people reading it). */
export function buildFolder(inputHash) {
  return `${BUILD_FOLDERS}/${inputHash.slice(0, 12)}-${process.pid}`;
}

/** Removes the build folders of builds whose process is gone (killed before it could remove its own). */
export function removeAbandonedBuildFolders(packageDir) {
  const folders = join(packageDir, BUILD_FOLDERS);
  if (!existsSync(folders)) return;
  for (const entry of readdirSync(folders, { withFileTypes: true })) {
    const pid = Number(/-(\d+)$/.exec(entry.name)?.[1]);
    if (pid && !alive(pid)) rmSync(join(folders, entry.name), { recursive: true, force: true });
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

/** Takes the lock directory `path` (mkdir is atomic), clearing it when the process that held it is gone. */
function tryTake(path) {
  try {
    mkdirSync(path, { recursive: false });
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

async function holding(paths, fn) {
  const locks = join(cacheRoot(), '.locks');
  mkdirSync(locks, { recursive: true });
  for (;;) {
    for (const name of paths) {
      const path = join(locks, name);
      if (tryTake(path)) {
        try {
          return await fn();
        } finally {
          rmSync(path, { recursive: true, force: true });
        }
      }
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Runs fn while holding one of `slots` build slots (default: the machine's cores), waiting for one to free. */
export function withSlot(slots, fn) {
  const count = Math.max(1, slots ?? availableParallelism());
  return holding(
    Array.from({ length: count }, (_, i) => `slot-${i}`),
    fn,
  );
}

/** Runs fn while holding the named lock alone. */
export function withLock(name, fn) {
  return holding([name], fn);
}
