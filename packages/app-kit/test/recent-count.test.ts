import type { D1Database } from '@cloudflare/workers-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEvent, KEEP_MINUTES, recentEvents } from '../src/server/recent-count.ts';
import { sharedTablesDb } from './miniflare-d1.ts';

let db: D1Database;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ db, stop } = await sharedTablesDb());
});
afterAll(() => stop?.());

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const minutes = (n: number) => n * 60_000;

describe('recent counts (per-minute rows in D1)', () => {
  it('counts events inside the window only, reading one row per minute', async () => {
    for (const at of [0, 10, 45, 59, 59, 61]) await db.batch(countEvent(db, 'signups', t0 + minutes(at)));
    await db.batch(countEvent(db, 'other', t0 + minutes(61)));
    expect(await recentEvents(db, 'signups', 60, t0 + minutes(61))).toBe(5);
    expect(await recentEvents(db, 'signups', 5, t0 + minutes(61))).toBe(3);
    expect(await recentEvents(db, 'signups', 60, t0 + minutes(200))).toBe(0);
    const rows = await db.prepare("SELECT COUNT(*) AS n FROM recent_counts WHERE counter = 'signups'").first();
    expect(rows).toEqual({ n: 5 });
  });

  it('counts concurrent events exactly', async () => {
    await Promise.all(Array.from({ length: 25 }, () => db.batch(countEvent(db, 'burst', t0))));
    expect(await recentEvents(db, 'burst', 1, t0)).toBe(25);
  });

  it('deletes a counter’s rows older than a day as new events arrive', async () => {
    await db.batch(countEvent(db, 'signups', t0 + minutes(61 + KEEP_MINUTES + 1)));
    const { results } = await db.prepare("SELECT minute FROM recent_counts WHERE counter = 'signups'").all();
    expect(results).toEqual([{ minute: Math.floor((t0 + minutes(61 + KEEP_MINUTES + 1)) / 60_000) }]);
  });
});
