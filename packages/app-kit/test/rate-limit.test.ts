import type { D1Database } from '@cloudflare/workers-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequest, limitRequest, peekRequest } from '../src/server/rate-limit.ts';
import { sharedTablesDb } from './miniflare-d1.ts';

let db: D1Database;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ db, stop } = await sharedTablesDb());
});
afterAll(() => stop?.());

const rule = { name: 'burst', limit: 5, windowSeconds: 600 };
const start = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('countRequest (D1 upsert)', () => {
  it('counts a concurrent burst exactly: 20 at once, 5 allowed, 15 refused with the time to the next window', async () => {
    const decisions = await Promise.all(
      Array.from({ length: 20 }, () => countRequest(db, rule, 'client-a', start + 30_000)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    const refused = decisions.filter((d) => !d.allowed);
    expect(refused).toHaveLength(15);
    expect(refused[0]).toEqual({
      allowed: false,
      retryAfterSeconds: 570,
      message: 'Too many requests: at most 5 per 10 minutes. Try again in 570 seconds.',
    });
  });

  it('keeps clients and rules apart', async () => {
    expect(await countRequest(db, rule, 'client-b', start + 31_000)).toEqual({ allowed: true, remaining: 4 });
    const other = { ...rule, name: 'other' };
    expect(await countRequest(db, other, 'client-a', start + 31_000)).toEqual({ allowed: true, remaining: 4 });
  });

  it('opens again in the next window and deletes that rule’s earlier windows', async () => {
    expect(await countRequest(db, rule, 'client-a', start + 600_000)).toEqual({ allowed: true, remaining: 4 });
    const rows = await db
      .prepare('SELECT rule, client, window_start, count FROM rate_limits ORDER BY rule, client')
      .all();
    expect(rows.results).toEqual([
      { rule: 'burst', client: 'client-a', window_start: start + 600_000, count: 1 },
      { rule: 'other', client: 'client-a', window_start: start, count: 1 },
    ]);
  });

  it('limitRequest sets Retry-After only when refusing', async () => {
    const set: Record<string, string>[] = [];
    const event = { setHeaders: (h: Record<string, string>) => set.push(h) };
    const one = { name: 'one', limit: 1, windowSeconds: 60 };
    expect((await limitRequest(event, db, one, 'c')).allowed).toBe(true);
    expect(set).toEqual([]);
    const refused = await limitRequest(event, db, one, 'c');
    expect(refused.allowed).toBe(false);
    expect(set).toEqual([{ 'retry-after': String(!refused.allowed && refused.retryAfterSeconds) }]);
    expect(Number(set[0]?.['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});

describe('peekRequest (read only)', () => {
  const peek = { name: 'peek', limit: 3, windowSeconds: 60 };
  const rows = async () => (await db.prepare("SELECT COUNT(*) AS n FROM rate_limits WHERE rule = 'peek'").first())?.n;

  it('allows while the counted requests are under the limit, and writes nothing', async () => {
    expect(await peekRequest(db, peek, 'p', start)).toEqual({ allowed: true, remaining: 2 });
    expect(await peekRequest(db, peek, 'p', start)).toEqual({ allowed: true, remaining: 2 });
    expect(await rows()).toBe(0);
  });

  it('refuses once the limit has been counted (elsewhere) in this window, with the time to the next', async () => {
    for (let i = 0; i < 3; i++) await countRequest(db, peek, 'p', start + 1_000);
    expect(await peekRequest(db, peek, 'p', start + 15_000)).toEqual({
      allowed: false,
      retryAfterSeconds: 45,
      message: 'Too many requests: at most 3 per minute. Try again in 45 seconds.',
    });
    expect(await peekRequest(db, peek, 'other', start + 15_000)).toMatchObject({ allowed: true });
    expect(await peekRequest(db, peek, 'p', start + 60_000)).toMatchObject({ allowed: true });
    expect(await rows()).toBe(1);
  });
});
