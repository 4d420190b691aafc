import { z } from 'zod';

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

export const querySchema = z
  .string()
  .trim()
  .min(2, 'Search for at least 2 characters')
  .max(100, 'Search for at most 100 characters');

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

export async function recordSearch(db: D1Database, query: string, resultCount: number): Promise<void> {
  await db.prepare('INSERT INTO searches (query, result_count) VALUES (?, ?)').bind(query, resultCount).run();
}
