import { bindings } from '@create-something/app-kit/server/bindings';
import { clientId } from '@create-something/app-kit/server/client';
import { limitRequest } from '@create-something/app-kit/server/rate-limit';
import { json } from '@sveltejs/kit';
import { querySchema, SEARCH_LIMIT } from '#lib/server/articles.ts';
import { search } from '#lib/server/search.ts';
import type { RequestHandler } from './$types';

/** GET /api/search?q=… → { query, cached, results }; 400 with a message for a missing or bad query. */
export const GET: RequestHandler = async (event) => {
  const { platform, url } = event;
  const { db, kv } = bindings(platform);
  const query = querySchema.safeParse(url.searchParams.get('q') ?? '');
  if (!query.success)
    return json({ error: `Bad query parameter q: ${query.error.issues[0]?.message}` }, { status: 400 });
  // Each search is recorded in D1: a write, so it counts against the client's limit (429 with Retry-After over it).
  const limit = await limitRequest(event, db, SEARCH_LIMIT, await clientId(event));
  if (!limit.allowed) return json({ error: limit.message }, { status: 429 });
  const outcome = await search(db, kv, query.data);
  return json({ query: outcome.query, cached: outcome.hit, created: outcome.created, results: outcome.value });
};
