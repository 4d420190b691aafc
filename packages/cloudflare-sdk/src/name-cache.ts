import { CloudflareNotFoundError } from './errors.js';

/**
 * Runs `use` with the id behind `ref`: `ref` itself when it is an id, else the cached id for that name, else
 * a fresh lookup. A cached id that has since disappeared (the resource was deleted and recreated under the same
 * name, as test and rehearsal scripts do) is looked up once more instead of failing.
 */
export async function withResolvedId<T>(
  ref: string,
  refIsId: boolean,
  cache: Map<string, string>,
  lookup: () => Promise<string>,
  use: (id: string) => Promise<T>,
): Promise<T> {
  if (refIsId) return use(ref);
  const cached = cache.get(ref);
  if (cached === undefined) return use(await lookup());
  try {
    return await use(cached);
  } catch (error) {
    if (!(error instanceof CloudflareNotFoundError)) throw error;
    cache.delete(ref);
    const fresh = await lookup();
    if (fresh === cached) throw error;
    return use(fresh);
  }
}
