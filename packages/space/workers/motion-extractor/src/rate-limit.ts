/** Calls allowed per client in each fixed window. A browser session is the costly part: keep this small. */
export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { limit: 10, windowSeconds: 60 };

/**
 * The limit from the `RATE_LIMIT_PER_MINUTE` var (wrangler.jsonc `vars`, deployed by infra as a plain_text binding,
 * so a change shows in preview); the default when it is absent or not a whole number from 1 to 10000.
 */
export function rateLimitOf(perMinute: string | undefined): RateLimit {
  const limit = Number(perMinute);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return DEFAULT_RATE_LIMIT;
  return { limit, windowSeconds: 60 };
}

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

/**
 * The client a call is counted against: Cloudflare's `CF-Connecting-IP` (set by the edge, not by the caller), or
 * `local` where there is no edge (Miniflare, the emulator).
 */
export function clientOf(request: Request): string {
  return request.headers.get('cf-connecting-ip') ?? 'local';
}

/**
 * Counts one call for `client` in the current window of the D1 table `motion_rate_limits` (space's migration 0003)
 * and says whether it is within the limit. One upsert per call, so concurrent calls are counted exactly; the first
 * call of a window also deletes every older window's rows.
 */
export async function countCall(
  db: D1Database,
  client: string,
  rate: RateLimit = DEFAULT_RATE_LIMIT,
  nowMs = Date.now(),
): Promise<RateDecision> {
  const windowMs = rate.windowSeconds * 1000;
  const windowStart = Math.floor(nowMs / windowMs) * windowMs;
  const row = await db
    .prepare(
      'INSERT INTO motion_rate_limits (client, window_start, count) VALUES (?, ?, 1) ' +
        'ON CONFLICT (client, window_start) DO UPDATE SET count = count + 1 RETURNING count',
    )
    .bind(client, windowStart)
    .first<{ count: number }>();
  const count = row?.count ?? 1;
  if (count === 1) {
    await db.prepare('DELETE FROM motion_rate_limits WHERE window_start < ?').bind(windowStart).run();
  }
  if (count <= rate.limit) return { allowed: true, remaining: rate.limit - count };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + windowMs - nowMs) / 1000)) };
}
