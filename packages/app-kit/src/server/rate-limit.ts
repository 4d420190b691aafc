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

/** Start (ms) of the fixed, clock-aligned window of `rule` that `nowMs` falls in. */
export function windowStart(rule: RateRule, nowMs: number): number {
  const windowMs = rule.windowSeconds * 1000;
  return Math.floor(nowMs / windowMs) * windowMs;
}

/** The decision for a client that has made `count` requests (this one included) in the window. */
function decide(rule: RateRule, count: number, nowMs: number): RateDecision {
  if (count <= rule.limit) return { allowed: true, remaining: rule.limit - count };
  const windowEnd = windowStart(rule, nowMs) + rule.windowSeconds * 1000;
  const retryAfterSeconds = Math.max(1, Math.ceil((windowEnd - nowMs) / 1000));
  return {
    allowed: false,
    retryAfterSeconds,
    message: `Too many requests: at most ${rule.limit} per ${describeWindow(rule.windowSeconds)}. Try again in ${describeWindow(retryAfterSeconds)}.`,
  };
}

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
  const window = windowStart(rule, nowMs);
  const row = await db
    .prepare(
      'INSERT INTO rate_limits (rule, client, window_start, count) VALUES (?, ?, ?, 1) ' +
        'ON CONFLICT (rule, client, window_start) DO UPDATE SET count = count + 1 RETURNING count',
    )
    .bind(rule.name, client, window)
    .first<{ count: number }>();
  const count = row?.count ?? 1;
  if (count === 1) {
    await db.prepare('DELETE FROM rate_limits WHERE rule = ? AND window_start < ?').bind(rule.name, window).run();
  }
  return decide(rule, count, nowMs);
}

/**
 * Whether one more request of `client` would be within `rule`, without counting it (a read, no write): for a request
 * whose counting happens elsewhere, as io's searches are counted by the queue consumer that records them. The
 * counter may lag the requests already let through, so this refuses a sustained flood, not the first requests over.
 */
export async function peekRequest(
  db: D1Database,
  rule: RateRule,
  client: string,
  nowMs = Date.now(),
): Promise<RateDecision> {
  const row = await db
    .prepare('SELECT count FROM rate_limits WHERE rule = ? AND client = ? AND window_start = ?')
    .bind(rule.name, client, windowStart(rule, nowMs))
    .first<{ count: number }>();
  return decide(rule, (row?.count ?? 0) + 1, nowMs);
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
  return withRetryAfter(event, await countRequest(db, rule, client));
}

/** `peekRequest` for a SvelteKit load or endpoint, setting `Retry-After` like `limitRequest`; counts nothing. */
export async function checkRequest(
  event: { setHeaders(headers: Record<string, string>): void },
  db: D1Database,
  rule: RateRule,
  client: string,
): Promise<RateDecision> {
  return withRetryAfter(event, await peekRequest(db, rule, client));
}

function withRetryAfter(event: { setHeaders(headers: Record<string, string>): void }, decision: RateDecision) {
  if (!decision.allowed) event.setHeaders({ 'retry-after': String(decision.retryAfterSeconds) });
  return decision;
}

function describeWindow(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
  return seconds === 1 ? 'second' : `${seconds} seconds`;
}
