import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PageLike } from '../src/extract.ts';
import { handle, type Launch } from '../src/handler.ts';
import type { MotionReport } from '../src/motion.ts';
import { CACHE_TTL_SECONDS, cacheKey, mediaKey } from '../src/store.ts';
import { AUTH, type RunningWorker, startWorker, TEST_TOKEN } from './harness.ts';

// The handler runs in Node here, against Miniflare's D1, KV and R2, with a fake browser: the storage paths of a
// fresh extraction are exercised without Browser Rendering.
let storage: RunningWorker;
beforeAll(async () => {
  storage = await startWorker();
});
afterAll(() => storage?.stop());

const found: Omit<MotionReport, 'url'> = {
  title: 'Demo',
  keyframes: [{ name: 'spin', css: '@keyframes spin { to { transform: rotate(1turn); } }' }],
  animated: [],
  transitioned: [
    { selector: 'a.button', transitionProperty: 'color', transitionDuration: '0.2s', transitionTimingFunction: 'ease' },
  ],
  unreadableStylesheets: 1,
  truncated: false,
};

function fakeBrowser(evaluate: () => Promise<unknown>) {
  const page: PageLike = {
    guardRequests: vi.fn(async () => {}),
    goto: vi.fn(async () => null),
    evaluate: vi.fn(evaluate) as PageLike['evaluate'],
    close: vi.fn(async () => {}),
  };
  const browser = { newPage: vi.fn(async () => page), close: vi.fn(async () => {}) };
  const launch: Launch = vi.fn(async () => browser);
  return { page, browser, launch };
}

const env = () => ({
  DB: storage.db,
  KV: storage.kv,
  MEDIA: storage.media,
  RATE_LIMITER: storage.limiter,
  BROWSER: {} as BrowserRun,
  API_TOKEN: TEST_TOKEN,
});
/** What is stored for a URL: the KV index entry and the R2 object (null where absent). */
async function stored(url: string) {
  const object = await storage.media.get(await mediaKey(url));
  return { index: await storage.kv.get(await cacheKey(url)), object: object && (await object.json<MotionReport>()) };
}

const get = (url: string) => new Request(`http://worker/?url=${encodeURIComponent(url)}`, { headers: AUTH });

describe('fresh extraction with a browser', () => {
  it('extracts, keeps the report in R2 and a KV index entry (TTL, {created, url}), records history, then serves from cache', async () => {
    const url = 'https://example.com/motion';
    const fake = fakeBrowser(async () => found);
    const before = Date.now();
    const res = await handle(get(url), env(), fake.launch);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { cached: boolean; created: number; report: MotionReport };
    expect(body.cached).toBe(false);
    expect(body.report).toEqual({ url, ...found });
    expect(fake.page.goto).toHaveBeenCalledWith(url, expect.objectContaining({ waitUntil: 'networkidle0' }));
    expect(fake.page.close).toHaveBeenCalledOnce();
    expect(fake.browser.close).toHaveBeenCalledOnce();

    // The payload: one R2 object per URL, served as JSON.
    const objectKey = await mediaKey(url);
    expect(objectKey).toMatch(/^motion\/[0-9a-f]{64}\.json$/);
    const object = await storage.media.get(objectKey);
    expect(await object?.json()).toEqual({ url, ...found });
    expect(object?.httpMetadata?.contentType).toBe('application/json');
    expect(object?.customMetadata).toEqual({ created: String(body.created) });

    // The index: small, naming the object, expiring with the cache TTL.
    const key = await cacheKey(url);
    const index = await storage.kv.getWithMetadata<{ created: number; url: string }>(key);
    expect(index.value).toBe(objectKey);
    expect(index.metadata).toEqual({ created: body.created, url });
    expect(body.created).toBeGreaterThanOrEqual(before);
    const listed = (await storage.kv.list({ prefix: 'motion:' })).keys.find((k) => k.name === key);
    expect(listed?.expiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) + CACHE_TTL_SECONDS - 5);

    const again = fakeBrowser(async () => {
      throw new Error('must not be called');
    });
    const second = (await (await handle(get(url), env(), again.launch)).json()) as { cached: boolean };
    expect(second.cached).toBe(true);
    expect(again.launch).not.toHaveBeenCalled();

    const rows = await storage.db
      .prepare('SELECT source, keyframes, transitioned_elements FROM motion_extractions WHERE url = ? ORDER BY id')
      .bind(url)
      .all();
    expect(rows.results).toEqual([
      { source: 'browser', keyframes: 1, transitioned_elements: 1 },
      { source: 'cache', keyframes: 1, transitioned_elements: 1 },
    ]);
  });

  it("answers 502 when the page cannot be read, in its own words (not the browser's), writing nothing", async () => {
    const url = 'https://example.com/broken';
    const fake = fakeBrowser(async () => {
      throw new Error('Protocol error (Runtime.callFunctionOn): Execution context was destroyed. at CDPSession.send');
    });
    const res = await handle(get(url), env(), fake.launch);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      error: `Could not extract motion from ${url}: could not read the page's styles: the page changed while it was read`,
    });
    expect(fake.page.close).toHaveBeenCalledOnce();
    expect(fake.browser.close).toHaveBeenCalledOnce();
    expect(await stored(url)).toEqual({ index: null, object: null });
    const row = await storage.db.prepare('SELECT 1 FROM motion_extractions WHERE url = ?').bind(url).first();
    expect(row).toBeNull();
  });

  it('names a failed navigation in plain words and passes on none of the browser text', async () => {
    const url = 'https://example.com/gone';
    const fake = fakeBrowser(async () => found);
    fake.page.goto = vi.fn(async () => {
      throw new Error(
        'net::ERR_NAME_NOT_RESOLVED at https://example.com/gone\n    at navigate (/internal/FrameManager.js:1:1)',
      );
    });
    const res = await handle(get(url), env(), fake.launch);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      error: `Could not extract motion from ${url}: could not load the page: the host name does not resolve`,
    });
  });

  it('refuses (400) a page whose redirect the request guard stopped, writing nothing', async () => {
    const url = 'https://example.com/redirects-inside';
    const fake = fakeBrowser(async () => found);
    let allow: Parameters<PageLike['guardRequests']>[0] = () => true;
    fake.page.guardRequests = vi.fn(async (given) => {
      allow = given;
    });
    fake.page.goto = vi.fn(async (target: string) => {
      expect(allow({ url: target, topLevel: true })).toBe(true);
      expect(allow({ url: 'http://169.254.169.254/latest/meta-data/', topLevel: true })).toBe(false);
      throw new Error('net::ERR_BLOCKED_BY_CLIENT');
    });
    const res = await handle(get(url), env(), fake.launch);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error:
        "Not extracted: refused the page's navigation (the target or a redirect) to http://169.254.169.254/latest/meta-data/: host 169.254.169.254 is a link-local address",
    });
    expect(await stored(url)).toEqual({ index: null, object: null });
  });

  it('refuses (502) a malformed report from the page and caps an over-long one before storing it', async () => {
    const bad = 'https://example.com/tampered';
    const tampered = fakeBrowser(async () => ({ ...found, title: { toString: 'evil' } }));
    const res = await handle(get(bad), env(), tampered.launch);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      error: `Could not extract motion from ${bad}: the page returned a malformed report (title: Invalid input: expected string, received object)`,
    });
    expect(await stored(bad)).toEqual({ index: null, object: null });

    const long = 'https://example.com/long-title';
    const huge = fakeBrowser(async () => ({ ...found, title: 'é'.repeat(100_000) }));
    const ok = (await (await handle(get(long), env(), huge.launch)).json()) as { report: MotionReport };
    expect(ok.report.title).toBe('é'.repeat(300));
    expect(ok.report.truncated).toBe(true);
    expect((await stored(long)).object?.title).toHaveLength(300);
  });

  it('answers 503 when no browser session can be started, writing nothing', async () => {
    const url = 'https://example.com/busy';
    const launch: Launch = async () => {
      throw new Error('Unable to create new browser: code: 429: message: Too many browsers already running');
    };
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await handle(get(url), env(), launch);
    // The service's own words go to the log for the operator, not to the caller.
    expect(log).toHaveBeenCalledWith('motion-extractor: browser launch failed:', expect.any(Error));
    log.mockRestore();
    expect(res.status).toBe(503);
    const { error } = (await res.json()) as { error: string };
    expect(error).toContain('could not start a browser (session limit reached or service unavailable)');
    expect(error).not.toContain('Unable to create');
    expect(await stored(url)).toEqual({ index: null, object: null });
  });

  it('extracts again when the index entry is there but its R2 object is gone', async () => {
    const url = 'https://example.com/object-gone';
    await handle(get(url), env(), fakeBrowser(async () => found).launch);
    await storage.media.delete(await mediaKey(url));
    const again = fakeBrowser(async () => found);
    const res = (await (await handle(get(url), env(), again.launch)).json()) as { cached: boolean };
    expect(res.cached).toBe(false);
    expect(again.launch).toHaveBeenCalledOnce();
    expect((await stored(url)).object).toEqual({ url, ...found });
  });

  it('names missing DB/KV/MEDIA/RATE_LIMITER bindings with a 500', async () => {
    const res = await handle(
      get('https://example.com'),
      { BROWSER: {} as BrowserRun, API_TOKEN: TEST_TOKEN },
      fakeBrowser(async () => found).launch,
    );
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: string }).error).toBe(
      'Missing binding: DB (D1 database), KV (KV namespace), MEDIA (R2 bucket), RATE_LIMITER (rate limit). Bind it in wrangler.jsonc.',
    );
  });
});
