import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readBuildHashes } from '../../infra/inventory/build-hashes';
import { makeWorkCopy, REPO_ROOT } from '../e2e/support/work-copy';

const PACKAGE = 'packages/io';

/** Every regular file under `dir`, relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * Two builds of one app's unchanged sources, run the way a deploy runs them (infra/commands/build.mjs: turbo, the
 * allow-list environment), in two copies of the repository in two folders, each with turbo's local cache of its own as
 * on two machines, produce the same bytes, file by file. That is what lets a rebuild of unchanged sources upload
 * nothing, and lets the bytes a review stack was given be the bytes prod gets.
 */
describe('a SvelteKit build of unchanged sources', () => {
  const copies = [makeWorkCopy(), makeWorkCopy()];
  afterAll(() => {
    for (const copy of copies) copy.remove();
  });

  const build = async (root: string): Promise<{ hash: string; outputHash: string; out: string }> => {
    const hash = readBuildHashes(root).get(PACKAGE) as string;
    const { stdout } = await promisify(execFile)(process.execPath, ['infra/commands/build.mjs'], {
      cwd: root,
      env: { ...process.env, PACKAGE_DIR: PACKAGE, BUILD_INPUT_HASH: hash },
      maxBuffer: 64 * 1024 * 1024,
    });
    const { outputHash, reused } = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(reused).toBe(false);
    return { hash, outputHash, out: join(root, PACKAGE, '.svelte-kit', 'cloudflare') };
  };

  it('is byte-identical in two folders and caches, names its version by its inputs, and holds no local path', async () => {
    // One after the other: two SvelteKit builds at once only make each slower on two cores.
    const first = await build(copies[0]?.dir as string);
    const second = await build(copies[1]?.dir as string);
    expect(second.hash).toBe(first.hash);

    const files = filesUnder(first.out);
    expect(files.length).toBeGreaterThan(10);
    expect(filesUnder(second.out)).toEqual(files);
    const differing = files.filter(
      (file) => !readFileSync(join(first.out, file)).equals(readFileSync(join(second.out, file))),
    );
    expect(differing).toEqual([]);
    expect(second.outputHash).toBe(first.outputHash);

    // SvelteKit's version is turbo's hash of the inputs, not the build time.
    expect(JSON.parse(readFileSync(join(first.out, '_app/version.json'), 'utf8'))).toEqual({ version: first.hash });
    // Nothing names where it was built. (The copies' dependencies are links into this repository's node_modules, so
    // esbuild's module-name comments walk there by relative path, `../../../../../<repo>/node_modules/.pnpm/...`, the
    // same from both copies; in a clone they stay inside it. An absolute path would be a leak.)
    const escapeRegExp = (path: string) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const absolute = new RegExp(
      [REPO_ROOT, ...copies.map((c) => c.dir)].map((p) => `(?<!\\.\\.)${escapeRegExp(p)}`).join('|'),
    );
    const leaking = files.filter((file) => absolute.test(readFileSync(join(first.out, file), 'latin1')));
    expect(leaking).toEqual([]);
  });
});
