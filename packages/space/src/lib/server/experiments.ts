import { z } from 'zod';

export interface ExperimentSummary {
  slug: string;
  title: string;
  summary: string;
  views: number;
}

export interface Experiment extends ExperimentSummary {
  body: string;
  created_at: string;
}

export interface Note {
  id: number;
  author: string;
  body: string;
  created_at: string;
}

export const slugSchema = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lowercase letters, digits and single dashes');

export const noteSchema = z.object({
  author: z.string().trim().min(1, 'Name is required').max(60, 'Name must be at most 60 characters'),
  body: z.string().trim().min(3, 'Note must be at least 3 characters').max(500, 'Note must be at most 500 characters'),
});

/** How long one visitor's view of one experiment is remembered, so reloads do not inflate counts. */
export const VIEW_DEDUP_TTL_SECONDS = 30 * 60;

export async function listExperiments(db: D1Database): Promise<ExperimentSummary[]> {
  const { results } = await db
    .prepare('SELECT slug, title, summary, views FROM experiments ORDER BY views DESC, slug')
    .all<ExperimentSummary>();
  return results;
}

export async function getExperiment(db: D1Database, slug: string): Promise<Experiment | null> {
  return db
    .prepare('SELECT slug, title, summary, body, views, created_at FROM experiments WHERE slug = ?')
    .bind(slug)
    .first<Experiment>();
}

export async function listNotes(db: D1Database, slug: string): Promise<Note[]> {
  const { results } = await db
    .prepare('SELECT id, author, body, created_at FROM experiment_notes WHERE slug = ? ORDER BY id DESC LIMIT 50')
    .bind(slug)
    .all<Note>();
  return results;
}

/**
 * Counts a view once per visitor per TTL window: the KV key `seen:<slug>:<visitor>` expires on its own,
 * and the counter update plus the audit row go to D1 in one batch.
 */
export async function recordView(db: D1Database, kv: KVNamespace, slug: string, visitor: string): Promise<boolean> {
  const key = `seen:${slug}:${visitor}`;
  if ((await kv.get(key)) !== null) return false;
  await db.batch([
    db.prepare('UPDATE experiments SET views = views + 1 WHERE slug = ?').bind(slug),
    db.prepare('INSERT INTO experiment_views (slug) VALUES (?)').bind(slug),
  ]);
  await kv.put(key, JSON.stringify({ slug }), {
    expirationTtl: VIEW_DEDUP_TTL_SECONDS,
    metadata: { created: Date.now() },
  });
  return true;
}

/** Visitors who viewed this experiment within the dedup window (their `seen:` keys have not expired yet). */
export async function recentVisitors(kv: KVNamespace, slug: string): Promise<number> {
  const { keys } = await kv.list({ prefix: `seen:${slug}:` });
  return keys.length;
}
