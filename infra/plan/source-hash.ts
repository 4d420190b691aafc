import { createHash } from 'node:crypto';

/** One input file of a build, by path relative to the package and the hash of its bytes. */
export interface HashedFile {
  path: string;
  sha256: string;
}

/**
 * The identity of a package's build inputs: its files (path and content, as `listBuildInputs` finds them) plus the
 * facts outside its folder that change its build (the fingerprint of its dependency closure in pnpm-lock.yaml, the
 * shared build config, the hashes of the workspace packages it links to). Order of discovery does not matter; any
 * change of a path, a content or an extra does. Build output and node_modules never reach this function (the
 * listing does not descend into them), so the hash stays cheap and stable however large they grow.
 */
export function combineSourceHash(files: readonly HashedFile[], extras: Readonly<Record<string, string>> = {}): string {
  const hash = createHash('sha256');
  const sortedFiles = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sortedFiles) hash.update(`file\0${file.path}\0${file.sha256}\n`);
  for (const key of Object.keys(extras).sort()) hash.update(`extra\0${key}\0${extras[key]}\n`);
  return hash.digest('hex');
}

export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}
