import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import adapter, { type AdapterOptions } from '@sveltejs/adapter-cloudflare';
import type { Adapter, Builder } from '@sveltejs/kit';
import { build } from 'esbuild';
import { experimental_readRawConfig } from 'wrangler';
import { headersFileRules } from '../src/server/security-headers.ts';

/**
 * Shared by the four apps' vite.config.ts (`adapter: cloudflare({ platformProxy: ... })`).
 *
 * @sveltejs/adapter-cloudflare 8.0.0-next.6 (the newest published for SvelteKit 3) still calls
 * `builder.generateManifest`, which SvelteKit 3.2 removed in favour of `generateServerInstance`.
 * This wrapper answers that one call from `generateServerInstance` output (adding the SvelteKit 2
 * manifest field names the adapter's worker still reads); everything else is the official adapter. Drop it once a stable adapter for SvelteKit 3 is published.
 *
 * It writes the Pages output to `<outDir>/cloudflare` (`.svelte-kit/cloudflare`, which is what the apps'
 * wrangler.jsonc `pages_build_output_dir` says and what turbo.json caches), following SvelteKit's `outDir`.
 *
 * It also bundles `_worker.js` with everything it imports (the adapter leaves imports pointing into
 * `<outDir>/output`), so `<outDir>/cloudflare` is complete on its own: it can be uploaded as is
 * and served by Miniflare without another build step.
 *
 * Security headers (src/server/security-headers.ts): the bundled worker's `fetch` is wrapped so that every response
 * it gives carries them, and `_headers` gets a `/*` rule with them for the files Pages serves without the worker.
 */
export default function cloudflare(options: AdapterOptions = {}): Adapter {
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
      const dest = builder.getBuildDirectory('cloudflare');
      await adapter({ ...options, config: wranglerConfigWritingTo(builder, options.config, dest) }).adapt(compatible);
      await bundleWorker(path.join(dest, '_worker.js'));
      appendFileSync(path.join(dest, '_headers'), `\n${headersFileRules()}`);
    },
  };
}

/**
 * The official adapter writes to the wrangler config's `pages_build_output_dir`, a fixed folder. This writes a copy
 * of the app's config (found as the adapter finds it, JSONC comments dropped) that says `dest` instead, into the
 * build's own folder, and returns its path for the adapter's `config` option.
 */
function wranglerConfigWritingTo(builder: Builder, config: string | undefined, dest: string): string {
  const { rawConfig, configPath } = experimental_readRawConfig({ config });
  if (!configPath) throw new Error('No wrangler config (wrangler.jsonc) found for the Cloudflare adapter');
  const copy = path.join(builder.getBuildDirectory('cloudflare-config'), 'wrangler.json');
  mkdirSync(path.dirname(copy), { recursive: true });
  writeFileSync(copy, JSON.stringify({ ...rawConfig, pages_build_output_dir: dest }, null, 2));
  return copy;
}

/**
 * Kit options for the apps' builds, spread into `sveltekit({ ... })`: the version SvelteKit writes into
 * `_app/version.json` and the `x-sveltekit-version` header defaults to the build time, so two builds of the same
 * sources would differ in bytes, and a rebuild of unchanged sources would upload again. Under turbo (infra's builds),
 * the version is the task's hash (`TURBO_HASH`, which turbo sets for the build), named by the inputs; by hand
 * (`vite build`, `vite dev`) SvelteKit's default stays.
 */
export function kitBuildOptions(env: NodeJS.ProcessEnv = process.env): { version?: { name: string } } {
  return env.TURBO_HASH ? { version: { name: env.TURBO_HASH } } : {};
}

/** The adapter's worker with its `fetch` answers passed through `withSecurityHeaders`. */
const SECURED_ENTRY = `
import worker from './_worker.js';
import { withSecurityHeaders } from ${JSON.stringify(fileURLToPath(new URL('../src/server/security-headers.ts', import.meta.url)))};
export default {
  ...worker,
  async fetch(request, env, context) {
    return withSecurityHeaders(await worker.fetch(request, env, context));
  },
};
`;

async function bundleWorker(file: string): Promise<void> {
  await build({
    // esbuild names each module it bundles by its path from the working directory, in comments and in its lazy-init
    // wrappers. From SvelteKit's outDir those names are the same wherever the build ran (`output/server/...`); from
    // the process's cwd they would hold whatever folder the build ran in, so two builds of the same sources in two
    // places would not be byte-identical.
    absWorkingDir: path.dirname(path.dirname(file)),
    stdin: { contents: SECURED_ENTRY, resolveDir: path.dirname(file), sourcefile: '_worker.secured.js', loader: 'js' },
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
