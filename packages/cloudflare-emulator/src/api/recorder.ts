import { appendFileSync } from 'node:fs';
import type { Context, Next } from 'hono';

/** One API exchange as written to the record file (one JSON object per line). */
export interface RecordedExchange {
  /** The emulator's port: one file may collect the traffic of several emulators. */
  port: number;
  method: string;
  /** The path under /client/v4, e.g. `/accounts/<id>/d1/database`. */
  path: string;
  /** The query string without `?` ('' when there is none). */
  query: string;
  /** The request's content type ('' when it has none). */
  requestContentType: string;
  status: number;
  /** The response's content type ('' when it has none). */
  contentType: string;
  /** The parsed body of a JSON response; undefined for other bodies (raw KV values, script sources). */
  body?: unknown;
}

/** The environment variable naming the file: set it, and every emulator this process starts records its traffic. */
export const RECORD_ENV = 'CLOUDFLARE_EMULATOR_RECORD';

const API_PREFIX = '/client/v4';

/**
 * Appends every request to the Cloudflare API (under /client/v4) and the emulator's answer to `file`, so the
 * answers can be checked against Cloudflare's published schema afterwards. Written synchronously, line by line: the
 * file is complete whenever the emulator is, even if the process dies.
 */
export function recorder(file: string, port: () => number) {
  return async (c: Context, next: Next) => {
    await next();
    const url = new URL(c.req.url);
    if (!url.pathname.startsWith(`${API_PREFIX}/`)) return;
    const contentType = c.res.headers.get('content-type') ?? '';
    const exchange: RecordedExchange = {
      port: port(),
      method: c.req.method,
      path: url.pathname.slice(API_PREFIX.length),
      query: url.search.replace(/^\?/, ''),
      requestContentType: c.req.header('content-type') ?? '',
      status: c.res.status,
      contentType,
    };
    if (/^application\/json\b/i.test(contentType)) {
      const text = await c.res.clone().text();
      try {
        exchange.body = JSON.parse(text);
      } catch {
        exchange.body = text; // not JSON although labelled so: kept as text, which the schema check then fails
      }
    }
    appendFileSync(file, `${JSON.stringify(exchange)}\n`);
  };
}
