import type { D1Database, D1PreparedStatement } from '@cloudflare/workers-types';
import { windowStart } from '@create-something/app-kit/server/rate-limit';
import { SEARCH_LIMIT, SEARCH_RETENTION_DAYS, type SearchMessage } from '../../../src/lib/server/search-log.ts';

/**
 * The statements that record one search, for one `db.batch` (a transaction: all or nothing, so a retried message
 * is neither counted nor recorded twice):
 * - count it against the visitor's window of SEARCH_LIMIT in `rate_limits` (the app's search reads this count and
 *   answers 429 once it reaches the limit), in the window of the search's own time, not of its delivery;
 * - insert the `searches` row only while that count is within the limit: past it, a script fills no rows;
 * - delete the rule's earlier windows, and searches past their retention (both through their indexes, touching only
 *   expired rows), as the app did in the batch that recorded a search.
 */
export function recordStatements(db: D1Database, search: SearchMessage): D1PreparedStatement[] {
  const { name, limit } = SEARCH_LIMIT;
  const window = windowStart(SEARCH_LIMIT, search.searchedAt);
  return [
    db
      .prepare(
        'INSERT INTO rate_limits (rule, client, window_start, count) VALUES (?, ?, ?, 1) ' +
          'ON CONFLICT (rule, client, window_start) DO UPDATE SET count = count + 1',
      )
      .bind(name, search.client, window),
    db
      .prepare(
        'INSERT INTO searches (query, result_count, searched_at) SELECT ?1, ?2, ?3 ' +
          'WHERE (SELECT count FROM rate_limits WHERE rule = ?4 AND client = ?5 AND window_start = ?6) <= ?7',
      )
      // The same ISO form as the column's default (strftime %Y-%m-%dT%H:%M:%fZ), so retention compares like for like.
      .bind(
        search.query,
        search.resultCount,
        new Date(search.searchedAt).toISOString(),
        name,
        search.client,
        window,
        limit,
      ),
    db.prepare('DELETE FROM rate_limits WHERE rule = ? AND window_start < ?').bind(name, window),
    db
      .prepare("DELETE FROM searches WHERE searched_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)")
      .bind(`-${SEARCH_RETENTION_DAYS} days`),
  ];
}
