import { bindings } from '@create-something/app-kit/server/bindings';
import { clientId } from '@create-something/app-kit/server/client';
import { checkRequest } from '@create-something/app-kit/server/rate-limit';
import { json } from '@sveltejs/kit';
import { search } from '#lib/server/search.ts';
import { querySchema, SEARCH_LIMIT } from '#lib/server/search-log.ts';
import { searchesQueue } from '#lib/server/searches-queue.ts';
import type { RequestHandler } from './$types';

/** GET /api/search?q=… → { query, cached, results }; 400 with a message for a missing or bad query. */
export const GET: RequestHandler = async (event) => {
  const { platform, url } = event;
  const { db, kv } = bindings(platform);
  const query = querySchema.safeParse(url.searchParams.get('q') ?? '');
  if (!query.success)
    return json({ error: `Bad query parameter q: ${query.error.issues[0]?.message}` }, { status: 400 });
  const searches = searchesQueue(platform);
  // Each search is recorded (by the queue consumer, which counts it against SEARCH_LIMIT): refused with 429 and
  // Retry-After once the visitor's searches of this window have been counted to the limit. A read, not a write.
  const client = await clientId(event);
  const limit = await checkRequest(event, db, SEARCH_LIMIT, client);
  if (!limit.allowed) return json({ error: limit.message }, { status: 429 });
  const outcome = await search(db, kv, searches, query.data, client);
  return json({ query: outcome.query, cached: outcome.hit, created: outcome.created, results: outcome.value });
};
