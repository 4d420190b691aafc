import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type HashedFile, sha256 } from '../plan/source-hash';

/**
 * Folders that never feed a build: dependencies, build output, local state, test output, and the parts deployed by
 * other resources (migrations by the D1 migrations resource, workers by their own Worker component). Not descending
 * into them is what keeps hashing cost flat as build output and node_modules grow.
 */
const SKIPPED_FOLDERS = new Set([
  'node_modules',
  '.svelte-kit',
  'build',
  'dist',
  '.wrangler',
  '.turbo',
  'coverage',
  'test-artifacts',
  'tests',
  'test',
  'migrations',
  'workers',
]);

/** Files that document or test but do not change what is built. */
const SKIPPED_FILE = /(\.test\.[cm]?[jt]s|\.spec\.[cm]?[jt]s|\.md)$/;

/** Every build input under `dir`, hashed, with paths relative to `dir` using forward slashes. */
export function hashSourceFiles(dir: string): HashedFile[] {
  const files: HashedFile[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      // Dot-folders are tool state (.svelte-kit, .wrangler, .turbo…); dotfiles such as .npmrc are config and count.
      if ((entry.isDirectory() && entry.name.startsWith('.')) || entry.name === '.DS_Store') continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(path);
      } else if (entry.isFile() && !SKIPPED_FILE.test(entry.name)) {
        files.push({ path: relative(dir, path).split(sep).join('/'), sha256: sha256(readFileSync(path)) });
      }
    }
  };
  walk(dir);
  return files;
}
