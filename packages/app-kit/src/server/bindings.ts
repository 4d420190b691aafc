import type { D1Database, KVNamespace } from '@cloudflare/workers-types';
import { error } from '@sveltejs/kit';

/** The Cloudflare bindings every server route of these apps needs. */
export interface Bindings {
  db: D1Database;
  kv: KVNamespace;
}

/**
 * Returns DB and KV from the platform, or fails the request with a 500 that names what is missing,
 * so a misconfigured deployment says what to fix instead of crashing on `undefined.prepare`.
 * Takes any `App.Platform` whose `env` may hold `DB`/`KV`: each app types its own `Env` from its wrangler.jsonc.
 */
export function bindings(platform: { env?: object } | undefined): Bindings {
  const env = platform?.env as { DB?: D1Database; KV?: KVNamespace } | undefined;
  const missing = [!env?.DB && 'DB (D1 database)', !env?.KV && 'KV (KV namespace)'].filter(Boolean);
  if (!env || missing.length > 0) {
    const where = env ? '' : ' (no Cloudflare platform at all: run through wrangler or the adapter platform proxy)';
    throw error(
      500,
      `Missing Cloudflare binding: ${missing.join(', ')}${where}. Bind it in the Pages project settings.`,
    );
  }
  return { db: env.DB as D1Database, kv: env.KV as KVNamespace };
}
