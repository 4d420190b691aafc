-- Services offered by createsomething.agency and the inquiries sent through its form.
CREATE TABLE services (
  slug TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  sort INTEGER NOT NULL,
  inquiry_count INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE inquiries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  company TEXT NOT NULL DEFAULT '',
  service TEXT NOT NULL REFERENCES services(slug),
  message TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX inquiries_created ON inquiries(created_at);

INSERT INTO services (slug, name, description, sort, inquiry_count) VALUES
  ('motion-systems', 'Motion Systems', 'A shared vocabulary of springs, easings and durations, shipped as tokens your whole product uses.', 1, 4),
  ('edge-platforms', 'Edge Platforms', 'SvelteKit on Cloudflare with D1, KV and Workers, deployed from code with previews per pull request.', 2, 7),
  ('design-engineering', 'Design Engineering', 'Prototypes that become production components, built with your designers in the same repository.', 3, 2);
