-- Rate-limit counters and per-minute event counts (the tables of @create-something/app-kit's server/rate-limit.ts
-- and server/recent-count.ts; the same statements as packages/app-kit/migrations/shared-tables.sql). Additive.
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
