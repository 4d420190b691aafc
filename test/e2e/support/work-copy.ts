import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

/**
 * A private copy of the repository for tests that edit sources and migrations: the files git would see (tracked and
 * untracked, not ignored), with node_modules linked to the original's so nothing is reinstalled, but for the
 * workspace's own packages, which link to the copy's (see `linkNodeModules`): an app built in the copy bundles the
 * copy's app-kit, named by a path inside the copy. The original work tree is never written to.
 */
export function makeWorkCopy(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-repo-'));
  copyCurrentFiles(dir, []);
  linkNodeModules(dir);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A copy of the repository as it was at `commit` (`git archive`), with node_modules linked to the original's but for
 * the workspace's own packages (see `linkNodeModules`): what a team deployed before a change, to move over to the
 * current code.
 */
export function makeWorkCopyAt(commit: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-repo-at-'));
  execFileSync('bash', ['-c', `git -C "$0" archive --format=tar "$1" | tar -x -C "$2"`, REPO_ROOT, commit, dir]);
  linkNodeModules(dir);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Replaces `paths` (folders or files) in a work copy with what the repository holds now (tracked or untracked). */
export function overlayCurrent(dir: string, paths: readonly string[]): void {
  for (const path of paths) rmSync(join(dir, path), { recursive: true, force: true });
  copyCurrentFiles(dir, paths);
}

/** Copies the files git would see under `paths` (all when empty), as they are in the work tree now, into `dir`. */
function copyCurrentFiles(dir: string, paths: readonly string[]): void {
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', ...(paths.length > 0 ? ['--', ...paths] : [])],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  )
    .split('\0')
    .filter((f) => f && existsSync(join(REPO_ROOT, f)));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(dir, file));
  }
}

/**
 * node_modules for a copy of another commit: each folder the copy has gets a node_modules of its own whose entries
 * link to the original's, except the workspace's own packages (`@create-something/app-kit`), which link to the copy's.
 * Linking the whole folder would hand the old apps today's app-kit (its links resolve inside the original), so an
 * old commit would be built with code it never had.
 */
function linkNodeModules(dir: string): void {
  const packages = join(REPO_ROOT, 'packages');
  for (const modules of nodeModulesFolders()) {
    if (!existsSync(dirname(join(dir, modules)))) continue;
    const original = join(REPO_ROOT, modules);
    const copy = join(dir, modules);
    const link = (entry: string) => {
      const target = join(original, entry);
      const real = realpathSync(target);
      const workspace = real.startsWith(`${packages}/`) ? join(dir, relative(REPO_ROOT, real)) : undefined;
      symlinkSync(workspace && existsSync(workspace) ? workspace : target, join(copy, entry));
    };
    mkdirSync(copy);
    for (const entry of readdirSync(original)) {
      if (!entry.startsWith('@')) {
        link(entry);
        continue;
      }
      mkdirSync(join(copy, entry));
      for (const scoped of readdirSync(join(original, entry))) link(`${entry}/${scoped}`);
    }
  }
}

/** node_modules at the root, in each package and in each Worker. */
function nodeModulesFolders(): string[] {
  const found = ['node_modules'];
  const packages = join(REPO_ROOT, 'packages');
  for (const pkg of readdirSync(packages)) {
    if (existsSync(join(packages, pkg, 'node_modules'))) found.push(`packages/${pkg}/node_modules`);
    const workers = join(packages, pkg, 'workers');
    if (!existsSync(workers)) continue;
    for (const worker of readdirSync(workers)) {
      if (existsSync(join(workers, worker, 'node_modules')))
        found.push(`packages/${pkg}/workers/${worker}/node_modules`);
    }
  }
  return found;
}
