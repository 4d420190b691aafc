import { z } from 'zod';
import { refusalOf } from './public-web.ts';

export const MAX_URL_LENGTH = 2048;
export const MAX_BODY_BYTES = 4096;

export const targetUrl = z
  .string({ message: 'Pass the page to inspect as ?url= or as {"url": "..."}' })
  .trim()
  .min(1, 'Pass the page to inspect as ?url= or as {"url": "..."}')
  .max(MAX_URL_LENGTH, `URL must be at most ${MAX_URL_LENGTH} characters`)
  .pipe(z.url({ protocol: /^https?$/, message: 'URL must be an absolute http:// or https:// address' }))
  // The WHATWG form: punycode host, percent-encoded path, IPv4 literals in dotted decimal (0x7f.1 is 127.0.0.1),
  // so the public-web rule and the cache key see one spelling, and the KV metadata stays ASCII.
  .transform((url) => new URL(url).href)
  .superRefine((url, ctx) => {
    const reason = refusalOf(url, { initial: true });
    if (reason) ctx.addIssue({ code: 'custom', message: `Refused ${url.slice(0, 200)}: ${reason}` });
  });

export const historyLimit = z.coerce.number().int().min(1).max(100).default(20);

export class InputError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 405 | 413 | 415,
  ) {
    super(message);
  }
}

/** The URL to inspect, from `?url=` on GET or a small JSON body `{ "url": ... }` on POST. */
export async function readTarget(request: Request): Promise<string> {
  let raw: unknown;
  if (request.method === 'GET') {
    raw = new URL(request.url).searchParams.get('url') ?? undefined;
  } else if (request.method === 'POST') {
    if (!(request.headers.get('content-type') ?? '').includes('application/json')) {
      throw new InputError('POST a JSON body {"url": "..."} with content-type application/json', 415);
    }
    const text = await readLimited(request, MAX_BODY_BYTES);
    try {
      raw = (JSON.parse(text) as { url?: unknown } | null)?.url;
    } catch {
      throw new InputError('Body is not valid JSON; send {"url": "https://..."}', 400);
    }
  } else {
    throw new InputError(`Method ${request.method} not allowed; use GET ?url= or POST {"url"}`, 405);
  }
  const parsed = targetUrl.safeParse(raw);
  if (!parsed.success) throw new InputError(parsed.error.issues[0]?.message ?? 'Invalid url', 400);
  return parsed.data;
}

async function readLimited(request: Request, limit: number): Promise<string> {
  if (Number(request.headers.get('content-length') ?? '0') > limit) throw tooLarge(limit);
  const buffer = await request.arrayBuffer();
  if (buffer.byteLength > limit) throw tooLarge(limit);
  return new TextDecoder().decode(buffer);
}

const tooLarge = (limit: number) => new InputError(`Body is larger than ${limit} bytes; send only {"url"}`, 413);
