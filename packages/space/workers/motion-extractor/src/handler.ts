import { HEALTH_PATH, hasBearer, TOKEN_BINDING } from './auth.ts';
import { type BrowserLike, extractMotion, NavigationFailed, RefusedRequest } from './extract.ts';
import { historyLimit, InputError, readTarget } from './input.ts';
import { RATE_LIMIT_BINDING, RETRY_AFTER_SECONDS, withinLimit } from './rate-limit.ts';
import { InvalidReport } from './report.ts';
import { readCache, readHistory, recordHistory, writeCache } from './store.ts';

/** A launched browser session; puppeteer's Browser satisfies it. */
export interface BrowserSession extends BrowserLike {
  close(): Promise<void>;
}

/** How to start a browser from the BROWSER binding; injected so everything else runs without one. */
export type Launch = (binding: BrowserRun) => Promise<BrowserSession>;

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body, null, 2), {
    status,
    headers: { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', ...headers },
  });
const problem = (status: number, error: string, headers?: Record<string, string>) => json({ error }, status, headers);

/**
 * Every request but `GET /health` needs `Authorization: Bearer <API_TOKEN>` (401 without it, before anything is read
 * or written), then counts against its client's rate limit (429 with `Retry-After` over it). Only then are the
 * routes served: anyone on the internet can reach workers.dev, and each call may start a browser and writes to D1.
 */
export async function handle(request: Request, env: Partial<Env>, launch: Launch): Promise<Response> {
  const { pathname, searchParams } = new URL(request.url);
  if (pathname === HEALTH_PATH && (request.method === 'GET' || request.method === 'HEAD')) {
    return json({ ok: true });
  }
  const secret = env[TOKEN_BINDING];
  // Fail closed: without its secret the Worker serves nobody rather than everybody.
  if (!secret) {
    return problem(500, `Missing secret: ${TOKEN_BINDING}. Infra binds it from create-something:motionExtractorToken.`);
  }
  if (!(await hasBearer(request, secret))) {
    return problem(401, 'Send the bearer secret: Authorization: Bearer <token>', {
      'www-authenticate': 'Bearer realm="motion-extractor"',
    });
  }
  const missing = [
    !env.DB && 'DB (D1 database)',
    !env.KV && 'KV (KV namespace)',
    !env.MEDIA && 'MEDIA (R2 bucket)',
    !env[RATE_LIMIT_BINDING] && `${RATE_LIMIT_BINDING} (rate limit)`,
  ].filter(Boolean);
  if (missing.length > 0) return problem(500, `Missing binding: ${missing.join(', ')}. Bind it in wrangler.jsonc.`);
  const db = env.DB as D1Database;
  const kv = env.KV as KVNamespace;
  const media = env.MEDIA as R2Bucket;

  if (!(await withinLimit(env[RATE_LIMIT_BINDING] as RateLimit, request))) {
    return problem(429, `Too many calls from this client. Retry after ${RETRY_AFTER_SECONDS} s.`, {
      'retry-after': String(RETRY_AFTER_SECONDS),
    });
  }

  if (pathname === '/history') {
    const limit = historyLimit.safeParse(searchParams.get('limit') ?? undefined);
    if (!limit.success) return problem(400, 'limit must be a whole number from 1 to 100');
    const url = searchParams.get('url') ?? undefined;
    return json({ history: await readHistory(db, limit.data, url) });
  }
  if (pathname !== '/') return problem(404, `No route ${pathname}; use / (GET ?url= or POST {"url"}) or /history`);

  let url: string;
  try {
    url = await readTarget(request);
  } catch (error) {
    if (error instanceof InputError) return problem(error.status, error.message);
    throw error;
  }

  const cached = await readCache(kv, media, url);
  if (cached) {
    await recordHistory(db, cached.report, 'cache');
    return json({ cached: true, created: cached.created, report: cached.report });
  }
  if (!env.BROWSER) {
    return problem(
      503,
      'Browser Rendering is not available: the BROWSER binding is absent (local dev has none; deploy the Worker ' +
        'or run `wrangler dev --remote`). Only cached URLs can be answered.',
    );
  }

  let browser: BrowserSession;
  try {
    browser = await launch(env.BROWSER);
  } catch (error) {
    // Session limits in production; in `wrangler dev` the local emulation needs to download Chrome first. The
    // service's own text goes to the log (wrangler tail), not to the caller.
    console.error('motion-extractor: browser launch failed:', error);
    return problem(
      503,
      'Browser Rendering could not start a browser (session limit reached or service unavailable). Only cached URLs can be answered; retry later.',
    );
  }
  let report: Awaited<ReturnType<typeof extractMotion>>;
  try {
    report = await extractMotion(browser, url);
  } catch (error) {
    if (error instanceof RefusedRequest) return problem(400, `Not extracted: ${error.message}`);
    if (error instanceof NavigationFailed || error instanceof InvalidReport) {
      return problem(502, `Could not extract motion from ${url}: ${error.message}`);
    }
    console.error('motion-extractor: extraction failed:', error);
    return problem(502, `Could not extract motion from ${url}: the browser failed while reading the page`);
  } finally {
    await browser.close();
  }
  const created = Date.now();
  await writeCache(kv, media, report, created);
  await recordHistory(db, report, 'browser');
  return json({ cached: false, created, report });
}
