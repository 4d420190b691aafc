-- Per-client call counters of the motion-extractor Worker (packages/space/workers/motion-extractor), which shares
-- this database: one row per client and fixed window, counted in one statement (D1 is consistent, KV is not, and KV
-- takes one write per key per second). Windows older than the current one are deleted when a new window starts, so
-- the table holds about one row per client active in the last window.
CREATE TABLE motion_rate_limits (
  client TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (client, window_start)
);
CREATE INDEX motion_rate_limits_window ON motion_rate_limits(window_start);
