import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import adapter, { type AdapterOptions } from '@sveltejs/adapter-cloudflare';
import type { Adapter, Builder } from '@sveltejs/kit';
import { build } from 'esbuild';

/**
 * Shared by the four apps' vite.config.ts (`adapter: cloudflare({ platformProxy: ... })`).
 *
 * @sveltejs/adapter-cloudflare 8.0.0-next.6 (the newest published for SvelteKit 3) still calls
 * `builder.generateManifest`, which SvelteKit 3.2 removed in favour of `generateServerInstance`.
 * This wrapper answers that one call from `generateServerInstance` output (adding the SvelteKit 2
 * manifest field names the adapter's worker still reads); everything else is the official adapter. Drop it once a stable adapter for SvelteKit 3 is published.
 *
 * It also bundles `_worker.js` with everything it imports (the adapter leaves imports pointing into
 * `.svelte-kit/output`), so `.svelte-kit/cloudflare` is complete on its own: it can be uploaded as is
 * and served by Miniflare without another build step.
 */
export default function cloudflare(options?: AdapterOptions): Adapter {
  const official = adapter(options);
  return {
    ...official,
    async adapt(builder: Builder) {
      const compatible = new Proxy(builder, {
        get(target, key, receiver) {
          if (key === 'generateManifest') return (opts: { relativePath: string }) => manifestFor(target, opts);
          return Reflect.get(target, key, receiver);
        },
      });
      await official.adapt(compatible);
      await bundleWorker(path.join(OUTPUT_DIR, '_worker.js'));
    },
  };
}

/** Relative to the app directory `vite build` runs in; must equal `pages_build_output_dir` in its wrangler.jsonc. */
const OUTPUT_DIR = '.svelte-kit/cloudflare';

async function bundleWorker(file: string): Promise<void> {
  await build({
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2024',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*', 'node:*'],
    minify: false,
    logLevel: 'warning',
  });
}

const START = 'const manifest = ';
const END = ';\nexport const server';

/** The manifest expression with imports relative to `relativePath`, cut out of a generated server instance. */
function manifestFor(builder: Builder, { relativePath }: { relativePath: string }): string {
  const dest = path.join(builder.getBuildDirectory('cloudflare-tmp'), '__server_instance.js');
  const actual = path.posix.relative(path.dirname(dest), builder.getServerDirectory());
  if (actual !== relativePath) {
    throw new Error(`Adapter asked for a manifest relative to "${relativePath}", expected "${actual}"`);
  }
  builder.generateServerInstance(dest);
  const source = readFileSync(dest, 'utf8');
  rmSync(dest);
  const start = source.indexOf(START);
  const end = source.lastIndexOf(END);
  if (start < 0 || end < start) throw new Error(`Unexpected generateServerInstance output in ${dest}`);
  // The adapter's worker reads the SvelteKit 2 camelCase names (`manifest.appPath`); SvelteKit 3 says `app_path`.
  const manifest = source.slice(start + START.length, end);
  return `((m) => Object.assign(m, { appPath: m.app_path, appDir: m.app_dir }))(${manifest})`;
}
