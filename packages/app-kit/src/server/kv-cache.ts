import type { KVNamespace } from '@cloudflare/workers-types';

/** Metadata stored next to every cached KV value, so pages can say how fresh a value is. */
export interface CacheMetadata {
  created: number;
}

export interface Cached<T> {
  value: T;
  created: number;
  /** true when the value came from KV, false when it was just computed and written. */
  hit: boolean;
}

/**
 * Read-through JSON cache on KV: returns the stored value with its creation time, or computes it,
 * stores it with a TTL and `{ created }` metadata, and returns it.
 */
export async function cachedJson<T>(
  kv: KVNamespace,
  key: string,
  ttlSeconds: number,
  compute: () => Promise<T>,
): Promise<Cached<T>> {
  const stored = await kv.getWithMetadata<T, CacheMetadata>(key, { type: 'json' });
  if (stored.value !== null && stored.metadata) {
    return { value: stored.value, created: stored.metadata.created, hit: true };
  }
  const value = await compute();
  const created = Date.now();
  await kv.put(key, JSON.stringify(value), { expirationTtl: ttlSeconds, metadata: { created } });
  return { value, created, hit: false };
}
