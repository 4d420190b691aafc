import { type Cached, cachedJson } from '@create-something/app-kit/server/kv-cache';
import { type ArticleSummary, recordSearch, SEARCH_TTL_SECONDS, searchArticles, searchKey } from './articles.ts';

export interface SearchOutcome extends Cached<ArticleSummary[]> {
  query: string;
  key: string;
}

/** Runs a validated query through the KV cache and records it in D1 (every search, cached or not). */
export async function search(db: D1Database, kv: KVNamespace, query: string): Promise<SearchOutcome> {
  const key = searchKey(query);
  const cached = await cachedJson(kv, key, SEARCH_TTL_SECONDS, () => searchArticles(db, query));
  await recordSearch(db, query, cached.value.length);
  return { ...cached, query, key };
}
