import { bindings } from '@create-something/app-kit/server/bindings';
import { json } from '@sveltejs/kit';
import { querySchema } from '#lib/server/articles.ts';
import { search } from '#lib/server/search.ts';
import type { RequestHandler } from './$types';

/** GET /api/search?q=… → { query, cached, results }; 400 with a message for a missing or bad query. */
export const GET: RequestHandler = async ({ platform, url }) => {
  const { db, kv } = bindings(platform);
  const query = querySchema.safeParse(url.searchParams.get('q') ?? '');
  if (!query.success)
    return json({ error: `Bad query parameter q: ${query.error.issues[0]?.message}` }, { status: 400 });
  const outcome = await search(db, kv, query.data);
  return json({ query: outcome.query, cached: outcome.hit, created: outcome.created, results: outcome.value });
};
