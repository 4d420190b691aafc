import type { RateRule } from '@create-something/app-kit/server/rate-limit';
import { z } from 'zod';

/** Feedback per visitor: a reader rates a few articles; more is someone stuffing the counts. */
export const FEEDBACK_LIMIT: RateRule = { name: 'feedback', limit: 10, windowSeconds: 10 * 60 };

/** Feedback comments are kept 365 days (votes stay). README, Retention. The search log's rules: search-log.ts. */
export const COMMENT_RETENTION_DAYS = 365;

export interface ArticleSummary {
  slug: string;
  title: string;
  summary: string;
  published_at: string;
}

export interface Article extends ArticleSummary {
  body: string;
  tags: string;
}

export const slugSchema = z
  .string()
  .max(80, 'use at most 80 characters')
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lowercase letters, digits and single dashes');

export const feedbackSchema = z.object({
  helpful: z.enum(['yes', 'no'], { message: 'Choose whether the article helped' }),
  comment: z.string().trim().max(300, 'Comment must be at most 300 characters'),
});

/** Search results stay in KV for five minutes; the key is the normalised query. */
export const SEARCH_TTL_SECONDS = 300;

export function searchKey(query: string): string {
  return `search:${query.toLowerCase().replace(/\s+/g, ' ')}`;
}

export async function latestArticles(db: D1Database): Promise<ArticleSummary[]> {
  const { results } = await db
    .prepare('SELECT slug, title, summary, published_at FROM articles ORDER BY published_at DESC LIMIT 20')
    .all<ArticleSummary>();
  return results;
}

export async function getArticle(db: D1Database, slug: string): Promise<Article | null> {
  return db
    .prepare('SELECT slug, title, summary, body, tags, published_at FROM articles WHERE slug = ?')
    .bind(slug)
    .first<Article>();
}

/** Case-insensitive match on title, summary, body and tags; `%`/`_` in the query are matched literally. */
export async function searchArticles(db: D1Database, query: string): Promise<ArticleSummary[]> {
  const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { results } = await db
    .prepare(
      `SELECT slug, title, summary, published_at FROM articles
       WHERE title LIKE ?1 ESCAPE '\\' OR summary LIKE ?1 ESCAPE '\\' OR body LIKE ?1 ESCAPE '\\' OR tags LIKE ?1 ESCAPE '\\'
       ORDER BY published_at DESC LIMIT 20`,
    )
    .bind(pattern)
    .all<ArticleSummary>();
  return results;
}

/** Stores a vote and clears the comments (not the votes) of feedback past its retention. */
export async function saveFeedback(db: D1Database, slug: string, helpful: boolean, comment: string): Promise<void> {
  await db.batch([
    db
      .prepare(
        "UPDATE article_feedback SET comment = '' WHERE created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) AND comment != ''",
      )
      .bind(`-${COMMENT_RETENTION_DAYS} days`),
    db
      .prepare('INSERT INTO article_feedback (slug, helpful, comment) VALUES (?, ?, ?)')
      .bind(slug, helpful ? 1 : 0, comment),
  ]);
}

/** How far back "recently searched" looks, in rows: the read stays this size however long the log grows. */
const RECENT_WINDOW_ROWS = 200;

/**
 * Up to ten distinct recent queries that found an article (a query that matched nothing may be a name or an
 * address someone typed, and is never shown to others). Reads at most the last RECENT_WINDOW_ROWS rows by id.
 */
export async function recentQueries(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT lower(query) AS query, MAX(id) AS last FROM searches
       WHERE id > (SELECT COALESCE(MAX(id), 0) FROM searches) - ? AND result_count > 0
       GROUP BY lower(query) ORDER BY last DESC LIMIT 10`,
    )
    .bind(RECENT_WINDOW_ROWS)
    .all<{ query: string }>();
  return results.map((row) => row.query);
}
