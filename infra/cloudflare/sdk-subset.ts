import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { D1Resource } from 'cloudflare/resources/d1/d1';
import type { Pages } from 'cloudflare/resources/pages/pages';
import type { createClient, PartialCloudflare } from 'cloudflare/tree-shakable';

/**
 * The part of the official `cloudflare` SDK the provider plugin calls (D1 and Pages), through the SDK's own
 * tree-shakable client (`cloudflare/tree-shakable`, README "Tree shaking").
 *
 * Why a bundle: under Node, requiring the SDK loads every one of its API resources, 0.5-0.6 s on this machine, and the
 * plugin pays that at each start, on the path of every preview (measured: `require('cloudflare')` 516-546 ms; the
 * subset bundled by esbuild loads in under 10 ms). esbuild drops the resources the entry does not name. The bundle is
 * made once per SDK and esbuild version, under node_modules/.cache (where a new `pnpm install` leaves it stale only in
 * name: the key changes with the versions), and is the SDK's own code, unchanged.
 */
export type ProviderClient = PartialCloudflare<{ d1: D1Resource; pages: Pages }>;

interface Subset {
  createClient: typeof createClient;
  D1Resource: typeof D1Resource;
  Pages: typeof Pages;
}

const ENTRY = `export { createClient } from 'cloudflare/tree-shakable';
export { D1Resource } from 'cloudflare/resources/d1/d1';
export { Pages } from 'cloudflare/resources/pages/pages';
`;
const REPO_ROOT = join(__dirname, '..', '..');

let loaded: Subset | undefined;

function versionOf(pkg: string): string {
  // Resolved from the package's main file: the SDK's exports map does not expose its package.json.
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

function bundlePath(): string {
  const key = createHash('sha256')
    .update(`${ENTRY}\0cloudflare@${versionOf('cloudflare')}\0esbuild@${versionOf('esbuild')}`)
    .digest('hex')
    .slice(0, 16);
  return join(REPO_ROOT, 'node_modules', '.cache', 'create-something', 'cloudflare-sdk', `${key}.cjs`);
}

function build(file: string): void {
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync({
    stdin: { contents: ENTRY, resolveDir: REPO_ROOT, loader: 'js', sourcefile: 'cloudflare-sdk-subset.mjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output for the cloudflare SDK subset');
  mkdirSync(dirname(file), { recursive: true });
  // Written aside, then renamed: two plugins starting at once never read half a file.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, output.contents);
  renameSync(partial, file);
}

/** The SDK subset, bundled on first use. */
export function cloudflareSubset(): Subset {
  if (loaded) return loaded;
  const file = bundlePath();
  if (!existsSync(file)) {
    try {
      build(file);
    } catch (error) {
      throw new Error(
        `Could not bundle the cloudflare SDK's D1 and Pages client with esbuild (${error instanceof Error ? error.message : error}); run pnpm install and try again.`,
      );
    }
  }
  loaded = require(file) as Subset;
  return loaded;
}
