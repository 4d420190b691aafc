-- Articles on createsomething.io, the searches readers run, and per-article feedback.
CREATE TABLE articles (
  slug TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  summary TEXT NOT NULL,
  body TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '',
  published_at TEXT NOT NULL
);
CREATE INDEX articles_published ON articles(published_at);

CREATE TABLE searches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  query TEXT NOT NULL,
  result_count INTEGER NOT NULL,
  searched_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE article_feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  slug TEXT NOT NULL REFERENCES articles(slug),
  helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
  comment TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

INSERT INTO articles (slug, title, summary, body, tags, published_at) VALUES
  ('edge-first-sveltekit', 'Edge-First SvelteKit', 'Rendering every page next to the reader with D1 and KV close by.',
   'A page that reads three rows from D1 and one cached value from KV renders in single-digit milliseconds at the edge. The trick is keeping the hot path to one query and one KV read.', 'sveltekit,edge,d1', '2026-08-12'),
  ('kv-as-a-cache', 'KV as a Read-Through Cache', 'TTL, metadata and when eventual consistency is fine.',
   'Store the computed value with expirationTtl and a created timestamp in metadata; readers get the value and its age in one getWithMetadata call.', 'kv,caching', '2026-09-03'),
  ('migrations-without-fear', 'Migrations Without Fear', 'Numbered SQL files, applied once, recorded in d1_migrations.',
   'Every schema change is a new numbered file. Changing an applied file is an error, never a silent skip, and a Time Travel bookmark taken first makes rollback one command.', 'd1,migrations', '2026-10-21');
