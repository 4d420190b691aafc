/** At most LIMIT inquiries per visitor per WINDOW; the counter lives in KV and expires with the window. */
export const LIMIT = 3;
export const WINDOW_SECONDS = 10 * 60;
/** KV refuses expirationTtl below 60 seconds. */
const MIN_TTL_SECONDS = 60;

interface Counter {
  count: number;
}

export interface RateLimit {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

/**
 * Counts one attempt for `visitor`. The window starts at the first attempt (its time is kept in the
 * key's `created` metadata), so later writes keep the original expiry instead of extending it.
 */
export async function takeToken(kv: KVNamespace, visitor: string, now = Date.now()): Promise<RateLimit> {
  const key = `ratelimit:${visitor}`;
  const { value, metadata } = await kv.getWithMetadata<Counter, { created: number }>(key, { type: 'json' });
  const created = value && metadata ? metadata.created : now;
  const elapsed = Math.floor((now - created) / 1000);
  const retryAfterSeconds = Math.max(WINDOW_SECONDS - elapsed, 1);
  const count = value && elapsed < WINDOW_SECONDS ? value.count : 0;
  if (count >= LIMIT) return { allowed: false, remaining: 0, retryAfterSeconds };
  const windowStart = count === 0 ? now : created;
  const ttl = Math.max(WINDOW_SECONDS - Math.floor((now - windowStart) / 1000), MIN_TTL_SECONDS);
  await kv.put(key, JSON.stringify({ count: count + 1 }), { expirationTtl: ttl, metadata: { created: windowStart } });
  return { allowed: true, remaining: LIMIT - count - 1, retryAfterSeconds: ttl };
}
