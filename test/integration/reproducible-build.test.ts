import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const PACKAGE = 'packages/io';
/** Any build-input hash: what matters is that both builds get the same one, as two machines building a commit do. */
const INPUT_HASH = 'f00dfeed'.repeat(8);

/** Every regular file under `dir`, relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * Two builds of one app's unchanged sources, run the way a deploy runs them (infra/commands/build.mjs: its own build
 * folder per process, the allow-list environment), each into a build cache of its own as on two machines, produce
 * the same bytes, file by file. That is what lets a rebuild of unchanged sources upload nothing, and lets the bytes a
 * review stack was given be the bytes prod gets.
 */
describe('a SvelteKit build of unchanged sources', () => {
  const caches = [mkdtempSync(join(tmpdir(), 'repro-build-a-')), mkdtempSync(join(tmpdir(), 'repro-build-b-'))];
  afterAll(() => {
    for (const cache of caches) rmSync(cache, { recursive: true, force: true });
  });

  const build = async (cache: string): Promise<{ outputHash: string; out: string }> => {
    const { stdout } = await promisify(execFile)(process.execPath, ['infra/commands/build.mjs'], {
      cwd: ROOT,
      env: { ...process.env, PACKAGE_DIR: PACKAGE, BUILD_INPUT_HASH: INPUT_HASH, BUILD_CACHE_DIR: cache },
      maxBuffer: 64 * 1024 * 1024,
    });
    const { outputHash, reused } = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(reused).toBe(false);
    return { outputHash, out: join(cache, PACKAGE.replace(/[^a-z0-9-]/gi, '_'), INPUT_HASH, 'out') };
  };

  it('is byte-identical in two build folders and caches, names its version by its inputs, and holds no local path', async () => {
    // One after the other: two SvelteKit builds at once only make each slower on two cores.
    const first = await build(caches[0] as string);
    const second = await build(caches[1] as string);

    const files = filesUnder(first.out);
    expect(files.length).toBeGreaterThan(10);
    expect(filesUnder(second.out)).toEqual(files);
    const differing = files.filter(
      (file) => !readFileSync(join(first.out, file)).equals(readFileSync(join(second.out, file))),
    );
    expect(differing).toEqual([]);
    expect(second.outputHash).toBe(first.outputHash);

    // SvelteKit's version is the input hash's prefix, not the build time.
    expect(JSON.parse(readFileSync(join(first.out, '_app/version.json'), 'utf8'))).toEqual({
      version: INPUT_HASH.slice(0, 16),
    });
    // Nothing names where or in which folder it was built.
    const leaking = files.filter((file) => {
      const text = readFileSync(join(first.out, file), 'latin1');
      return text.includes(ROOT) || text.includes('.svelte-kit-builds') || caches.some((cache) => text.includes(cache));
    });
    expect(leaking).toEqual([]);
  });
});
