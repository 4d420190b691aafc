import { countRequest, type RateRule } from '@create-something/app-kit/server/rate-limit';
import { countEvent, recentEvents } from '@create-something/app-kit/server/recent-count';
import { z } from 'zod';

/** Notes per visitor: a conversation, not a flood. */
export const NOTE_LIMIT: RateRule = { name: 'note', limit: 5, windowSeconds: 10 * 60 };
/**
 * Counted views per visitor. A page is never refused for this: over the limit the page is served and the view is
 * not counted, so a script cannot inflate the counters (or fill experiment_views) while readers read on.
 */
export const VIEW_LIMIT: RateRule = { name: 'view', limit: 60, windowSeconds: 10 * 60 };

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
 * Counts a view once per visitor per TTL window (the KV key `seen:<slug>:<visitor>` expires on its own) and within
 * the visitor's VIEW_LIMIT; the counter update, the audit row and the "recent visitors" count go to D1 in one batch.
 */
export async function recordView(db: D1Database, kv: KVNamespace, slug: string, visitor: string): Promise<boolean> {
  const key = `seen:${slug}:${visitor}`;
  if ((await kv.get(key)) !== null) return false;
  if (!(await countRequest(db, VIEW_LIMIT, visitor)).allowed) return false;
  await db.batch([
    db.prepare('UPDATE experiments SET views = views + 1 WHERE slug = ?').bind(slug),
    db.prepare('INSERT INTO experiment_views (slug) VALUES (?)').bind(slug),
    ...countEvent(db, visitorsCounter(slug)),
  ]);
  await kv.put(key, JSON.stringify({ slug }), {
    expirationTtl: VIEW_DEDUP_TTL_SECONDS,
    metadata: { created: Date.now() },
  });
  return true;
}

const visitorsCounter = (slug: string) => `visitors:${slug}`;

/** Visitors counted for this experiment in the dedup window: a D1 counter, read in at most 30 rows. */
export function recentVisitors(db: D1Database, slug: string): Promise<number> {
  return recentEvents(db, visitorsCounter(slug), VIEW_DEDUP_TTL_SECONDS / 60);
}
