-- Tables of @create-something/app-kit's server modules. Each app creates them with a numbered migration of its own
-- holding exactly these statements (test/shared-tables.test.ts compares them).

-- server/rate-limit.ts: one row per rule, client (a hash of the IP) and fixed window, counted with one upsert (D1 is
-- consistent where a KV counter is not). A rule's earlier windows are deleted when a new window of it starts.
CREATE TABLE IF NOT EXISTS rate_limits (
  rule TEXT NOT NULL,
  client TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (rule, client, window_start)
);
CREATE INDEX IF NOT EXISTS rate_limits_window ON rate_limits(rule, window_start);

-- server/recent-count.ts: events per counter and minute, so "N in the last hour" reads at most 60 rows. Rows older
-- than a day are deleted as new events arrive.
CREATE TABLE IF NOT EXISTS recent_counts (
  counter TEXT NOT NULL,
  minute INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (counter, minute)
);
