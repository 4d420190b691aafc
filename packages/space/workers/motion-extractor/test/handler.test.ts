import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PageLike } from '../src/extract.ts';
import { handle, type Launch } from '../src/handler.ts';
import type { MotionReport } from '../src/motion.ts';
import { CACHE_TTL_SECONDS, cacheKey } from '../src/store.ts';
import { AUTH, type RunningWorker, startWorker, TEST_TOKEN } from './harness.ts';

// The handler runs in Node here, against Miniflare's D1 and KV, with a fake browser: the KV and D1 paths of a
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
    goto: vi.fn(async () => null),
    evaluate: vi.fn(evaluate) as PageLike['evaluate'],
    close: vi.fn(async () => {}),
  };
  const browser = { newPage: vi.fn(async () => page), close: vi.fn(async () => {}) };
  const launch: Launch = vi.fn(async () => browser);
  return { page, browser, launch };
}

const env = () => ({ DB: storage.db, KV: storage.kv, BROWSER: {} as BrowserRun, API_TOKEN: TEST_TOKEN });
const get = (url: string) => new Request(`http://worker/?url=${encodeURIComponent(url)}`, { headers: AUTH });

describe('fresh extraction with a browser', () => {
  it('extracts, caches in KV with TTL + {created, url} metadata, records history, then serves from cache', async () => {
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

    const key = await cacheKey(url);
    const stored = await storage.kv.getWithMetadata<MotionReport, { created: number; url: string }>(key, {
      type: 'json',
    });
    expect(stored.value).toEqual({ url, ...found });
    expect(stored.metadata).toEqual({ created: body.created, url });
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

  it('answers 502 when the page cannot be extracted, closes the browser and writes nothing', async () => {
    const url = 'https://example.com/broken';
    const fake = fakeBrowser(async () => {
      throw new Error('net::ERR_NAME_NOT_RESOLVED');
    });
    const res = await handle(get(url), env(), fake.launch);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: string }).error).toContain('ERR_NAME_NOT_RESOLVED');
    expect(fake.page.close).toHaveBeenCalledOnce();
    expect(fake.browser.close).toHaveBeenCalledOnce();
    expect(await storage.kv.get(await cacheKey(url))).toBeNull();
    const row = await storage.db.prepare('SELECT 1 FROM motion_extractions WHERE url = ?').bind(url).first();
    expect(row).toBeNull();
  });

  it('answers 503 when no browser session can be started, writing nothing', async () => {
    const url = 'https://example.com/busy';
    const launch: Launch = async () => {
      throw new Error('Unable to create new browser: code: 429: message: Too many browsers already running');
    };
    const res = await handle(get(url), env(), launch);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toContain('could not start a browser: Unable to create');
    expect(await storage.kv.get(await cacheKey(url))).toBeNull();
  });

  it('names missing DB/KV bindings with a 500', async () => {
    const res = await handle(
      get('https://example.com'),
      { BROWSER: {} as BrowserRun, API_TOKEN: TEST_TOKEN },
      fakeBrowser(async () => found).launch,
    );
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: string }).error).toBe(
      'Missing binding: DB (D1 database), KV (KV namespace). Bind it in wrangler.jsonc.',
    );
  });
});
