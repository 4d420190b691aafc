import { type BrowserLike, extractMotion } from './extract.ts';
import { historyLimit, InputError, readTarget } from './input.ts';
import { readCache, readHistory, recordHistory, writeCache } from './store.ts';

/** A launched browser session; puppeteer's Browser satisfies it. */
export interface BrowserSession extends BrowserLike {
  close(): Promise<void>;
}

/** How to start a browser from the BROWSER binding; injected so everything else runs without one. */
export type Launch = (binding: BrowserRun) => Promise<BrowserSession>;

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body, null, 2), { status, headers: { 'content-type': 'application/json' } });
const problem = (status: number, error: string) => json({ error }, status);

export async function handle(request: Request, env: Partial<Env>, launch: Launch): Promise<Response> {
  const { pathname, searchParams } = new URL(request.url);
  const missing = [!env.DB && 'DB (D1 database)', !env.KV && 'KV (KV namespace)'].filter(Boolean);
  if (missing.length > 0) return problem(500, `Missing binding: ${missing.join(', ')}. Bind it in wrangler.jsonc.`);
  const db = env.DB as D1Database;
  const kv = env.KV as KVNamespace;

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

  const cached = await readCache(kv, url);
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
    // Session limits in production; in `wrangler dev` the local emulation needs to download Chrome first.
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return problem(503, `Browser Rendering could not start a browser: ${reason}. Only cached URLs can be answered.`);
  }
  let report: Awaited<ReturnType<typeof extractMotion>>;
  try {
    report = await extractMotion(browser, url);
  } catch (error) {
    return problem(502, `Could not extract motion from ${url}: ${error instanceof Error ? error.message : error}`);
  } finally {
    await browser.close();
  }
  const created = Date.now();
  await writeCache(kv, report, created);
  await recordHistory(db, report, 'browser');
  return json({ cached: false, created, report });
}
