import { bindings } from '@create-something/app-kit/server/bindings';
import { clientId } from '@create-something/app-kit/server/client';
import { cachedJson } from '@create-something/app-kit/server/kv-cache';
import { checkRequest } from '@create-something/app-kit/server/rate-limit';
import { error } from '@sveltejs/kit';
import { latestArticles, recentQueries } from '#lib/server/articles.ts';
import { search } from '#lib/server/search.ts';
import { querySchema, SEARCH_LIMIT } from '#lib/server/search-log.ts';
import { searchesQueue } from '#lib/server/searches-queue.ts';
import type { PageServerLoad } from './$types';

const SNAPSHOT_KEY = 'home:snapshot';
const SNAPSHOT_TTL_SECONDS = 300;

export const load: PageServerLoad = async (event) => {
  const { platform, url } = event;
  const { db, kv } = bindings(platform);
  const raw = url.searchParams.get('q');
  let results = null;
  if (raw !== null) {
    const query = querySchema.safeParse(raw);
    if (!query.success)
      throw error(400, `${query.error.issues[0]?.message} (you searched for "${raw.slice(0, 120)}").`);
    const searches = searchesQueue(platform);
    // Counted by the queue consumer that records the search; this only reads the count (see api/search).
    const client = await clientId(event);
    const limit = await checkRequest(event, db, SEARCH_LIMIT, client);
    if (!limit.allowed) throw error(429, limit.message);
    results = await search(db, kv, searches, query.data, client);
  }
  const snapshot = await cachedJson(kv, SNAPSHOT_KEY, SNAPSHOT_TTL_SECONDS, async () => {
    const row = await db
      .prepare('SELECT COUNT(*) AS articles, MAX(published_at) AS latest FROM articles')
      .first<{ articles: number; latest: string | null }>();
    return { articles: row?.articles ?? 0, latest: row?.latest ?? null };
  });
  return {
    articles: await latestArticles(db),
    results,
    recent: await recentQueries(db),
    snapshot: { key: SNAPSHOT_KEY, ...snapshot },
  };
};
