import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { D1Database, KVNamespace, R2Bucket } from '@cloudflare/workers-types';
import { Miniflare } from 'miniflare';
import { unstable_readConfig } from 'wrangler';
import { applyMigrations } from './d1.ts';

/**
 * Serves an app's built Pages output (`.svelte-kit/cloudflare`) on Miniflare, as Cloudflare Pages would, with the
 * D1, KV, R2 and queue producer bindings its wrangler.jsonc declares.
 * Every app's tests use it through their own test/harness.ts, which only says where the app lives.
 */

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain',
};

/** Files Pages reads as configuration and never serves. */
const PAGES_CONFIG_FILES = new Set(['_worker.js', '_routes.json', '_headers', '_redirects']);

export interface RunningApp {
  url: URL;
  mf: Miniflare;
  db: D1Database;
  kv: KVNamespace;
  /** The R2 buckets wrangler.jsonc declares, by binding name (empty without bindings). */
  r2: Record<string, R2Bucket>;
  /**
   * Messages the app sent to its queues (wrangler.jsonc `queues.producers`), in the order a collector Worker
   * consumed them: the consumers themselves are Workers of their own, tested on their own.
   */
  queued: { queue: string; body: unknown }[];
  /** KV methods the app called, in order, when started with `watchKv` (empty otherwise). */
  kvCalls: string[];
  /** GET or POST against the app; `form` posts urlencoded fields from the app's own origin (passes CSRF checks). */
  request(
    pathname: string,
    init?: { form?: Record<string, string>; body?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** false starts the app with no DB/KV bindings at all, as a misconfigured Pages project would. */
  bindings?: boolean;
  /** KV entries written before the first request. */
  seedKv?: Record<string, string>;
  /**
   * Plain-text environment variables and secrets, as the Pages project would bind them, over the default
   * `{ VISITOR_KEY: TEST_VISITOR_KEY }`; a name given `undefined` is not bound at all.
   */
  vars?: Record<string, string | undefined>;
  /** Record every KV method the app calls (`kvCalls`), through a wrapper around the real namespace. */
  watchKv?: boolean;
}

/**
 * The KV binding as a wrapper (Miniflare's wrapped bindings) around the real namespace: each call is reported to the
 * test process before it is passed on, so a test can say which KV methods a request used.
 */
const KV_WATCHER = `
export default function (env) {
  const watched = {};
  for (const method of ['get', 'getWithMetadata', 'put', 'list', 'delete']) {
    watched[method] = async (...args) => {
      await env.REPORT.fetch('http://watcher/', { method: 'POST', body: method });
      return env.INNER[method](...args);
    };
  }
  return watched;
}
`;

/** The VISITOR_KEY every app is started with (a deployed project gets its own secret, one per stack). */
export const TEST_VISITOR_KEY = 'app-kit-test-visitor-key-0123456789abcdef';

/** The vars to bind: the defaults, then the test's own, leaving out those set to `undefined`. */
function boundVars(vars: Record<string, string | undefined>): Record<string, string> {
  const merged = { VISITOR_KEY: TEST_VISITOR_KEY, ...vars };
  return Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** Consumes the app's queues in place of their real consumers, reporting each message to the test process. */
const QUEUE_COLLECTOR = `
export default {
  async queue(batch, env) {
    for (const message of batch.messages) {
      await env.REPORT.fetch('http://collector/', {
        method: 'POST',
        body: JSON.stringify({ queue: batch.queue, body: message.body }),
      });
      message.ack();
    }
  },
};
`;

export interface PagesHarness {
  /** The app directory (holds wrangler.jsonc). */
  ROOT: string;
  /** The Pages build output directory from wrangler.jsonc. */
  OUTPUT_DIR: string;
  startApp(options?: StartOptions): Promise<RunningApp>;
}

/** A harness for the app in `appDir` (a path or a `file:` URL such as `new URL('..', import.meta.url)`). */
export function pagesHarness(appDir: string | URL): PagesHarness {
  const ROOT = typeof appDir === 'string' ? path.resolve(appDir) : path.resolve(fileURLToPath(appDir));
  const config = unstable_readConfig({ config: path.join(ROOT, 'wrangler.jsonc') });
  const OUTPUT_DIR = path.resolve(ROOT, config.pages_build_output_dir ?? '.svelte-kit/cloudflare');

  /** The ASSETS binding Pages gives `_worker.js`: static files from the output directory, 404 otherwise. */
  async function serveAsset(request: Request): Promise<Response> {
    const pathname = decodeURIComponent(new URL(request.url).pathname);
    const file = path.join(OUTPUT_DIR, pathname);
    if (!file.startsWith(OUTPUT_DIR + path.sep) || PAGES_CONFIG_FILES.has(path.relative(OUTPUT_DIR, file))) {
      return new Response('Not found', { status: 404 });
    }
    try {
      const body = await readFile(file);
      const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
      return new Response(body, { headers: { 'content-type': type } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  }

  async function startApp({
    bindings = true,
    seedKv = {},
    vars = {},
    watchKv = false,
  }: StartOptions = {}): Promise<RunningApp> {
    const d1 = config.d1_databases[0];
    const kvNs = config.kv_namespaces[0];
    const kvNamespace = bindings && kvNs ? { [kvNs.binding]: kvNs.id ?? kvNs.binding } : {};
    const kvCalls: string[] = [];
    const r2Buckets = config.r2_buckets;
    const producers: { binding: string; queue: string }[] = bindings ? (config.queues.producers ?? []) : [];
    const queued: { queue: string; body: unknown }[] = [];
    const watching = watchKv && bindings && kvNs !== undefined;
    const app = {
      name: 'app',
      // The build bundles _worker.js into one file; listing it explicitly stops Miniflare from trying to
      // resolve the bundle's runtime-computed import() calls.
      modulesRoot: OUTPUT_DIR,
      modules: [{ type: 'ESModule' as const, path: path.join(OUTPUT_DIR, '_worker.js') }],
      compatibilityDate: config.compatibility_date,
      compatibilityFlags: config.compatibility_flags,
      serviceBindings: { ASSETS: serveAsset },
      bindings: boundVars(vars),
      d1Databases: bindings && d1 ? { [d1.binding]: d1.database_id ?? d1.binding } : {},
      r2Buckets: bindings
        ? Object.fromEntries(
            r2Buckets.map((b: { binding: string; bucket_name?: string }) => [b.binding, b.bucket_name ?? b.binding]),
          )
        : {},
      queueProducers: Object.fromEntries(producers.map((p) => [p.binding, { queueName: p.queue }])),
      ...(watching
        ? { wrappedBindings: { [kvNs.binding]: { scriptName: 'kv-watcher' } } }
        : { kvNamespaces: kvNamespace }),
    };
    const watcher = {
      name: 'kv-watcher',
      modules: [{ type: 'ESModule' as const, path: 'kv-watcher.js', contents: KV_WATCHER }],
      kvNamespaces: { INNER: kvNs?.id ?? 'KV' },
      serviceBindings: {
        REPORT: async (request: Request) => {
          kvCalls.push(await request.text());
          return new Response(null, { status: 204 });
        },
      },
    };
    const collector = {
      name: 'queue-collector',
      modules: [{ type: 'ESModule' as const, path: 'queue-collector.js', contents: QUEUE_COLLECTOR }],
      // Delivered at once (no batching delay), so a test sees a message as soon as it is sent.
      queueConsumers: Object.fromEntries(producers.map((p) => [p.queue, { maxBatchTimeout: 0 }])),
      serviceBindings: {
        REPORT: async (request: Request) => {
          queued.push((await request.json()) as { queue: string; body: unknown });
          return new Response(null, { status: 204 });
        },
      },
    };
    const workers = [app, ...(watching ? [watcher] : []), ...(producers.length > 0 ? [collector] : [])];
    const mf = new Miniflare({ host: '127.0.0.1', port: 0, workers });
    const url = await mf.ready;
    let db = undefined as unknown as D1Database;
    let kv = undefined as unknown as KVNamespace;
    const r2: Record<string, R2Bucket> = {};
    if (bindings) {
      for (const { binding } of r2Buckets) r2[binding] = (await mf.getR2Bucket(binding)) as unknown as R2Bucket;
      db = (await mf.getD1Database('DB')) as unknown as D1Database;
      kv = (watching
        ? await mf.getKVNamespace('INNER', 'kv-watcher')
        : await mf.getKVNamespace('KV')) as unknown as KVNamespace;
      await applyMigrations(db, path.resolve(ROOT, d1?.migrations_dir ?? 'migrations'));
      for (const [key, value] of Object.entries(seedKv)) {
        await kv.put(key, value, { metadata: { created: Date.now() } });
      }
    }
    return {
      url,
      mf,
      db,
      kv,
      r2,
      queued,
      kvCalls,
      request(pathname, init = {}) {
        const target = new URL(pathname, url);
        // Browsers ask for HTML; without it SvelteKit answers form posts with its JSON action result.
        const headers: Record<string, string> = { accept: 'text/html', ...init.headers };
        let body = init.body;
        if (init.form) {
          body = new URLSearchParams(init.form).toString();
          headers['content-type'] ??= 'application/x-www-form-urlencoded';
        }
        if (body !== undefined) headers.origin ??= target.origin;
        return fetch(target, { method: body === undefined ? 'GET' : 'POST', headers, body, redirect: 'manual' });
      },
      stop: () => mf.dispose(),
    };
  }

  return { ROOT, OUTPUT_DIR, startApp };
}
