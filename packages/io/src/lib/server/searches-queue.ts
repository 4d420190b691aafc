import { error } from '@sveltejs/kit';
import type { SearchMessage } from './search-log.ts';

/** The SEARCHES queue producer, or a 500 naming it: a search that cannot be logged is not served unlogged. */
export function searchesQueue(platform: App.Platform | undefined): Queue<SearchMessage> {
  const queue = platform?.env.SEARCHES;
  if (!queue) {
    throw error(500, 'Missing Cloudflare binding: SEARCHES (queue producer). Bind it in the Pages project settings.');
  }
  return queue as Queue<SearchMessage>;
}
