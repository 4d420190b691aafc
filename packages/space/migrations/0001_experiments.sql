-- Experiments shown on createsomething.space, with their view counts and visitor notes.
CREATE TABLE experiments (
  slug TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  summary TEXT NOT NULL,
  body TEXT NOT NULL,
  views INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One row per counted view, so counts can be audited and charted later.
CREATE TABLE experiment_views (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  slug TEXT NOT NULL REFERENCES experiments(slug),
  viewed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX experiment_views_slug ON experiment_views(slug);

CREATE TABLE experiment_notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  slug TEXT NOT NULL REFERENCES experiments(slug),
  author TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX experiment_notes_slug ON experiment_notes(slug);

INSERT INTO experiments (slug, title, summary, body, views, created_at) VALUES
  ('spring-physics', 'Spring Physics Playground', 'Damped springs driving UI motion, tuned by stiffness and damping.',
   'A single spring with stiffness 170 and damping 26 settles in about 400 ms without overshoot. Halve the damping and the same card wobbles twice before resting.', 42, '2026-09-01T10:00:00.000Z'),
  ('view-transitions', 'View Transitions Lab', 'Cross-document view transitions between list and detail pages.',
   'Naming the card and its detail header with the same view-transition-name lets the browser morph one into the other while the rest of the page cross-fades.', 17, '2026-09-15T10:00:00.000Z'),
  ('scroll-timelines', 'Scroll-Driven Timelines', 'Animations bound to scroll position instead of time.',
   'animation-timeline: scroll() replaces a scroll listener and requestAnimationFrame loop with one declaration the compositor can run off the main thread.', 8, '2026-10-02T10:00:00.000Z');
