import { type Cached, cachedJson } from '@create-something/app-kit/server/kv-cache';
import { type ArticleSummary, SEARCH_TTL_SECONDS, searchArticles, searchKey } from './articles.ts';
import type { SearchMessage } from './search-log.ts';

export interface SearchOutcome extends Cached<ArticleSummary[]> {
  query: string;
  key: string;
}

/**
 * Runs a validated query through the KV cache and sends it to the SEARCHES queue (every search, cached or not).
 * The search-recorder Worker writes it to D1: a search is a GET, and a GET here writes nothing to D1.
 */
export async function search(
  db: D1Database,
  kv: KVNamespace,
  searches: Queue<SearchMessage>,
  query: string,
  client: string,
): Promise<SearchOutcome> {
  const key = searchKey(query);
  const cached = await cachedJson(kv, key, SEARCH_TTL_SECONDS, () => searchArticles(db, query));
  await searches.send({ query, resultCount: cached.value.length, client, searchedAt: Date.now() });
  return { ...cached, query, key };
}
