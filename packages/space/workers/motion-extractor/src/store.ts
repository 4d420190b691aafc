import type { MotionReport } from './motion.ts';

/** Extractions are cached for a day: page CSS changes rarely and a browser session is the costly part. */
export const CACHE_TTL_SECONDS = 24 * 60 * 60;

export interface CacheMetadata {
  created: number;
  url: string;
}

export interface CachedReport {
  report: MotionReport;
  created: number;
}

/** sha256 of the URL in hex: KV keys are at most 512 bytes (R2's 1,024) and URLs may be 2048 characters. */
async function urlHash(url: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(url));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The KV index entry of a URL's cached extraction: small, with `{ created, url }` metadata and the 24 h TTL. */
export async function cacheKey(url: string): Promise<string> {
  return `motion:${await urlHash(url)}`;
}

/** The R2 object (bucket MEDIA) that holds a URL's report itself: one per URL, overwritten by a new extraction. */
export async function mediaKey(url: string): Promise<string> {
  return `motion/${await urlHash(url)}.json`;
}

/**
 * The cached report of `url`, or null. KV says whether there is a fresh one (its entry expires with the TTL) and R2
 * holds it: a report may be megabytes, which KV would bill and replicate as one value. An index entry whose object
 * is gone (a bucket lifecycle rule, a failed write) is a miss, and the URL is extracted again.
 */
export async function readCache(kv: KVNamespace, media: R2Bucket, url: string): Promise<CachedReport | null> {
  const { value, metadata } = await kv.getWithMetadata<CacheMetadata>(await cacheKey(url));
  if (value === null || !metadata) return null;
  const object = await media.get(await mediaKey(url));
  if (!object) return null;
  return { report: await object.json<MotionReport>(), created: metadata.created };
}

/** KV refuses metadata whose JSON is over 1024 bytes; leave room for the JSON around the URL. */
export const METADATA_LIMIT_BYTES = 1024;

/**
 * `{ created, url }` with the URL cut (by bytes, not characters) so the whole JSON fits KV's metadata limit.
 * The cut URL only labels the entry: the key is the hash of the full URL.
 */
export function cacheMetadata(url: string, created: number): CacheMetadata {
  const fits = (u: string) =>
    new TextEncoder().encode(JSON.stringify({ created, url: u })).byteLength <= METADATA_LIMIT_BYTES;
  if (fits(url)) return { created, url };
  // The longest prefix (whole characters: a multi-byte character or a JSON escape is several bytes) that fits.
  const chars = Array.from(url);
  let [low, high] = [0, chars.length];
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (fits(`${chars.slice(0, mid).join('')}…`)) low = mid;
    else high = mid - 1;
  }
  return { created, url: `${chars.slice(0, low).join('')}…` };
}

/**
 * Stores the report in R2 first and then its KV index entry, so the index never points at an object not yet
 * written. The index value names the object, for whoever lists the `motion:` keys.
 */
export async function writeCache(
  kv: KVNamespace,
  media: R2Bucket,
  report: MotionReport,
  now = Date.now(),
): Promise<void> {
  const object = await mediaKey(report.url);
  await media.put(object, JSON.stringify(report), {
    httpMetadata: { contentType: 'application/json' },
    customMetadata: { created: String(now) },
  });
  await kv.put(await cacheKey(report.url), object, {
    expirationTtl: CACHE_TTL_SECONDS,
    metadata: cacheMetadata(report.url, now),
  });
}

export async function recordHistory(db: D1Database, report: MotionReport, source: 'browser' | 'cache'): Promise<void> {
  await db
    .prepare(
      'INSERT INTO motion_extractions (url, source, keyframes, animated_elements, transitioned_elements) VALUES (?, ?, ?, ?, ?)',
    )
    .bind(report.url, source, report.keyframes.length, report.animated.length, report.transitioned.length)
    .run();
}

export interface HistoryRow {
  url: string;
  source: 'browser' | 'cache';
  keyframes: number;
  animated_elements: number;
  transitioned_elements: number;
  created_at: string;
}

export async function readHistory(db: D1Database, limit: number, url?: string): Promise<HistoryRow[]> {
  const columns = 'url, source, keyframes, animated_elements, transitioned_elements, created_at';
  const statement = url
    ? db.prepare(`SELECT ${columns} FROM motion_extractions WHERE url = ? ORDER BY id DESC LIMIT ?`).bind(url, limit)
    : db.prepare(`SELECT ${columns} FROM motion_extractions ORDER BY id DESC LIMIT ?`).bind(limit);
  return (await statement.all<HistoryRow>()).results;
}
