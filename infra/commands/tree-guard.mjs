// What a build may read and what an upload may send. A symlink in a package that points outside it (for example
// `static/leak.txt -> /home/runner/.ssh/id_ed25519`) is followed by Vite, copied into the output and served: so the
// build refuses any symlink that leaves its package, and the upload sends only regular files and folders.
import { lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Folders of a package that are not its sources: dependencies (pnpm links them outside by design) and build output. */
const NOT_SOURCES = new Set(['node_modules', '.svelte-kit', '.turbo', '.wrangler', '.git']);

const inside = (root, path) => path === root || path.startsWith(root + sep);

/**
 * Every symlink under `packageDir` (outside {@link NOT_SOURCES}) whose target is outside the package, or that does not
 * resolve: `{ path, target }`, the path relative to `relativeTo`.
 */
export function escapingSymlinks(packageDir, relativeTo = packageDir) {
  const root = realpathSync(packageDir);
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      // Skipped whether a folder or a link to one (a work tree may link node_modules to another checkout's).
      if (NOT_SOURCES.has(entry.name)) continue;
      if (entry.isDirectory()) {
        walk(path);
      } else if (entry.isSymbolicLink()) {
        const link = readlinkSync(path);
        let real;
        try {
          real = realpathSync(path);
        } catch {
          real = isAbsolute(link) ? link : resolve(dir, link);
        }
        if (!inside(root, real)) found.push({ path: relative(relativeTo, path), target: real });
      }
    }
  };
  walk(packageDir);
  return found;
}

/** Every entry under `dir` that is neither a regular file nor a folder (symlinks, sockets, devices), relative to it. */
export function irregularEntries(dir) {
  const found = [];
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path);
      else if (!stat.isFile()) found.push(relative(dir, path));
    }
  };
  walk(dir);
  return found;
}
