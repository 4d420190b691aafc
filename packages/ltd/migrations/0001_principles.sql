-- The principles createsomething.ltd publishes, and newsletter subscribers.
CREATE TABLE principles (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL
);

CREATE TABLE subscribers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

INSERT INTO principles (id, title, body) VALUES
  (1, 'Make it real', 'Every page reads and writes real data. A demo that cannot fail teaches nothing.'),
  (2, 'Small, then smaller', 'One file, one idea. If a function needs a paragraph to explain, it is two functions.'),
  (3, 'Infrastructure is code', 'Databases, namespaces and deployments are declared, reviewed and previewed like any other change.'),
  (4, 'Measure, then claim', 'Build times, page weights and test times are numbers we write down, not adjectives.');
