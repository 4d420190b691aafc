import type { RateRule } from '@create-something/app-kit/server/rate-limit';
import { z } from 'zod';

/**
 * The search log's contract, shared by the io app (which sends one message per search to the SEARCHES queue) and
 * the search-recorder Worker (workers/search-recorder, which consumes the queue and writes `searches`). One file, so
 * the two sides cannot disagree on the message or the rules.
 */

/** Searches recorded per visitor and window (each one writes a row): plenty for reading, a wall for a script. */
export const SEARCH_LIMIT: RateRule = { name: 'search', limit: 30, windowSeconds: 60 };

/** What readers typed is kept 90 days (README, Retention). */
export const SEARCH_RETENTION_DAYS = 90;

/** What a query may be: trimmed, 2 to 100 characters (the app's 400 says why otherwise). */
export const querySchema = z
  .string()
  .trim()
  .min(2, 'Search for at least 2 characters')
  .max(100, 'Search for at most 100 characters');

/** One search, as the app sends it and the consumer checks it (`strict`: anything else is not ours). */
export const searchMessage = z
  .object({
    query: querySchema,
    /** Articles found (the search answers at most 20). */
    resultCount: z.number().int().min(0).max(1000),
    /** The visitor id (app-kit clientId: 16 hex digits, or `local`), what the limit counts against. */
    client: z.string().regex(/^(?:[0-9a-f]{16}|local)$/),
    /** When the search was made (ms since the epoch): the row's time and the window it counts in. */
    searchedAt: z.number().int().positive(),
  })
  .strict();

export type SearchMessage = z.infer<typeof searchMessage>;
