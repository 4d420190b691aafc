import type { D1Database } from '@cloudflare/workers-types';

/**
 * Per-client rate limits for the apps' forms and write endpoints, counted in D1 (the `rate_limits` table each app
 * creates in a migration of its own).
 *
 * Why D1: Pages Functions cannot bind the Workers rate-limit API, and a Durable Object would need a Worker script of
 * its own deployed and bound to each project. D1 is already bound, and one `INSERT … ON CONFLICT DO UPDATE …
 * RETURNING` statement is atomic, so concurrent requests are counted exactly (a KV counter is read-then-written and
 * eventually consistent: a burst passes it). Windows are fixed (clock-aligned), so a client gets at most twice the
 * limit across a window boundary; that is the trade for one row per client and window.
 */
export interface RateRule {
  /** Which limit this is (`signup`, `note`, …): each rule counts on its own. */
  name: string;
  /** Requests allowed per client and window. */
  limit: number;
  windowSeconds: number;
}

export type RateDecision =
  | { allowed: true; remaining: number }
  | { allowed: false; retryAfterSeconds: number; message: string };

/**
 * Counts one request of `client` against `rule` and says whether it is within the limit. The first request of a
 * window also deletes the rule's rows of earlier windows, so the table holds about one row per active client.
 */
export async function countRequest(
  db: D1Database,
  rule: RateRule,
  client: string,
  nowMs = Date.now(),
): Promise<RateDecision> {
  const windowMs = rule.windowSeconds * 1000;
  const windowStart = Math.floor(nowMs / windowMs) * windowMs;
  const row = await db
    .prepare(
      'INSERT INTO rate_limits (rule, client, window_start, count) VALUES (?, ?, ?, 1) ' +
        'ON CONFLICT (rule, client, window_start) DO UPDATE SET count = count + 1 RETURNING count',
    )
    .bind(rule.name, client, windowStart)
    .first<{ count: number }>();
  const count = row?.count ?? 1;
  if (count === 1) {
    await db.prepare('DELETE FROM rate_limits WHERE rule = ? AND window_start < ?').bind(rule.name, windowStart).run();
  }
  if (count <= rule.limit) return { allowed: true, remaining: rule.limit - count };
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + windowMs - nowMs) / 1000));
  return {
    allowed: false,
    retryAfterSeconds,
    message: `Too many requests: at most ${rule.limit} per ${describeWindow(rule.windowSeconds)}. Try again in ${describeWindow(retryAfterSeconds)}.`,
  };
}

/**
 * `countRequest` for a SvelteKit action, load or endpoint: over the limit it sets `Retry-After` on the response
 * (through the event's `setHeaders`) and returns the decision, for the caller to answer 429 its own way (`fail` in
 * an action, so the form keeps what was typed; `error` or `json` elsewhere).
 */
export async function limitRequest(
  event: { setHeaders(headers: Record<string, string>): void },
  db: D1Database,
  rule: RateRule,
  client: string,
): Promise<RateDecision> {
  const decision = await countRequest(db, rule, client);
  if (!decision.allowed) event.setHeaders({ 'retry-after': String(decision.retryAfterSeconds) });
  return decision;
}

function describeWindow(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
  return seconds === 1 ? 'second' : `${seconds} seconds`;
}
