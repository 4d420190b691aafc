import { bindings } from '@create-something/app-kit/server/bindings';
import { cachedJson } from '@create-something/app-kit/server/kv-cache';
import { error } from '@sveltejs/kit';
import { latestArticles, querySchema } from '#lib/server/articles.ts';
import { recentQueries, search } from '#lib/server/search.ts';
import type { PageServerLoad } from './$types';

const SNAPSHOT_KEY = 'home:snapshot';
const SNAPSHOT_TTL_SECONDS = 300;

export const load: PageServerLoad = async ({ platform, url }) => {
  const { db, kv } = bindings(platform);
  const raw = url.searchParams.get('q');
  let results = null;
  if (raw !== null) {
    const query = querySchema.safeParse(raw);
    if (!query.success)
      throw error(400, `${query.error.issues[0]?.message} (you searched for "${raw.slice(0, 120)}").`);
    results = await search(db, kv, query.data);
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
    recent: await recentQueries(kv),
    snapshot: { key: SNAPSHOT_KEY, ...snapshot },
  };
};
