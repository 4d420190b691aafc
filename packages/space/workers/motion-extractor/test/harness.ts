import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations } from '@create-something/app-kit/test/d1';
import { Miniflare } from 'miniflare';
import { unstable_readConfig } from 'wrangler';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const config = unstable_readConfig({ config: path.join(ROOT, 'wrangler.jsonc') });
/** The bearer secret the tests bind as API_TOKEN (deployed Workers get theirs from infra). */
export const TEST_TOKEN = 'motion-extractor-test-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };

export interface RunningWorker {
  mf: Miniflare;
  url: URL;
  db: D1Database;
  kv: KVNamespace;
  /** The space app's R2 bucket MEDIA, where the reports are. */
  media: R2Bucket;
  /** The Worker's own RATE_LIMITER binding, for tests that call the handler in Node. */
  limiter: RateLimit;
  stop(): Promise<void>;
}

export interface WorkerOptions {
  /** Calls per client per period for RATE_LIMITER; default far above the suites' needs, unless a test is about it. */
  rateLimit?: number;
}

/** The rate limiter wrangler.jsonc declares (one: RATE_LIMITER), as a Miniflare `ratelimits` entry. */
export function configuredRateLimiter() {
  const [limiter] = config.ratelimits;
  if (!limiter) throw new Error('wrangler.jsonc must declare the RATE_LIMITER rate limit');
  return limiter;
}

/**
 * The bundled Worker (dist/index.js) on Miniflare with the space app's D1 (all of its migrations applied), KV, the
 * R2 bucket MEDIA and RATE_LIMITER (Miniflare's own limiter, the period from wrangler.jsonc). There is no BROWSER binding: Miniflare has
 * no Browser Rendering, exactly like local dev. API_TOKEN is TEST_TOKEN.
 */
export async function startWorker({ rateLimit = 10_000 }: WorkerOptions = {}): Promise<RunningWorker> {
  const d1 = config.d1_databases[0];
  const kv = config.kv_namespaces[0];
  const media = config.r2_buckets[0];
  if (!d1 || !kv || !media) throw new Error('wrangler.jsonc must declare DB, KV and MEDIA');
  const limiter = configuredRateLimiter();
  const mf = new Miniflare({
    host: '127.0.0.1',
    port: 0,
    modulesRoot: path.join(ROOT, 'dist'),
    modules: [{ type: 'ESModule', path: path.join(ROOT, 'dist/index.js') }],
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    d1Databases: { DB: d1.database_id ?? 'DB' },
    kvNamespaces: { KV: kv.id ?? 'KV' },
    r2Buckets: { [media.binding]: media.bucket_name ?? media.binding },
    ratelimits: {
      [limiter.name]: { namespace_id: limiter.namespace_id, simple: { ...limiter.simple, limit: rateLimit } },
    },
    bindings: { API_TOKEN: TEST_TOKEN },
  });
  const url = await mf.ready;
  const db = (await mf.getD1Database('DB')) as unknown as D1Database;
  await applyMigrations(db, path.resolve(ROOT, d1.migrations_dir ?? 'migrations'));
  return {
    mf,
    url,
    db,
    kv: (await mf.getKVNamespace('KV')) as unknown as KVNamespace,
    media: (await mf.getR2Bucket('MEDIA')) as unknown as R2Bucket,
    limiter: (await mf.getBindings<{ RATE_LIMITER: RateLimit }>()).RATE_LIMITER,
    stop: () => mf.dispose(),
  };
}
