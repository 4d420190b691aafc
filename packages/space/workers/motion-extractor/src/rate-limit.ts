/** Name of the rate-limit binding (wrangler.jsonc `ratelimits`): 10 calls per client per 60 s. */
export const RATE_LIMIT_BINDING = 'RATE_LIMITER';

/**
 * The platform's simple limiter counts per period; it does not say when the period ends, so a refused caller is told
 * to wait one whole period (`Retry-After`), which is never too early.
 */
export const RETRY_AFTER_SECONDS = 60;

/**
 * The client a call is counted against: Cloudflare's `CF-Connecting-IP` (set by the edge, not by the caller), or
 * `local` where there is no edge (Miniflare, the emulator). The key goes to the limiter only; nothing is stored.
 */
export function clientOf(request: Request): string {
  return request.headers.get('cf-connecting-ip') ?? 'local';
}

/** Counts one call of the request's client; false when it is over the limit. */
export async function withinLimit(limiter: RateLimit, request: Request): Promise<boolean> {
  const { success } = await limiter.limit({ key: clientOf(request) });
  return success;
}
