-- History of the motion-extractor Worker (packages/space/workers/motion-extractor), which shares this database.
-- One row per request it answered with a result, whether freshly extracted or served from its KV cache.
CREATE TABLE motion_extractions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  url TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('browser', 'cache')),
  keyframes INTEGER NOT NULL,
  animated_elements INTEGER NOT NULL,
  transitioned_elements INTEGER NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX motion_extractions_url ON motion_extractions(url, created_at);
