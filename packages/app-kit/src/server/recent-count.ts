import type { D1Database, D1PreparedStatement } from '@cloudflare/workers-types';

/**
 * "How many in the last N minutes" without listing anything: one row per counter and minute in the D1 table
 * `recent_counts` (each app creates it in a migration). Reading sums at most one row per minute of the window, so
 * a page view costs the same whether ten or ten million events happened (`kv.list` stops at 1,000 keys, silently).
 */

/** Rows older than this are deleted as new events arrive: no reader looks further back. */
export const KEEP_MINUTES = 24 * 60;

const minuteOf = (ms: number) => Math.floor(ms / 60_000);

/** The statements that count one event now and drop the counter's old rows; run them (or batch them with a write). */
export function countEvent(db: D1Database, counter: string, nowMs = Date.now()): D1PreparedStatement[] {
  const minute = minuteOf(nowMs);
  return [
    db
      .prepare(
        'INSERT INTO recent_counts (counter, minute, count) VALUES (?, ?, 1) ' +
          'ON CONFLICT (counter, minute) DO UPDATE SET count = count + 1',
      )
      .bind(counter, minute),
    db.prepare('DELETE FROM recent_counts WHERE counter = ? AND minute < ?').bind(counter, minute - KEEP_MINUTES),
  ];
}

/** Events of `counter` in the last `minutes` minutes (the current minute included). */
export async function recentEvents(
  db: D1Database,
  counter: string,
  minutes: number,
  nowMs = Date.now(),
): Promise<number> {
  const row = await db
    .prepare('SELECT COALESCE(SUM(count), 0) AS n FROM recent_counts WHERE counter = ? AND minute > ?')
    .bind(counter, minuteOf(nowMs) - minutes)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
