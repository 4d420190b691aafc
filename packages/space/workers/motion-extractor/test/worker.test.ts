import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MotionReport } from '../src/motion.ts';
import { writeCache } from '../src/store.ts';
import { AUTH, type RunningWorker, startWorker } from './harness.ts';
import { REFUSED_TARGETS } from './ssrf-cases.ts';

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(() => worker?.stop());

const call = (pathAndQuery: string, init: RequestInit = {}) =>
  fetch(new URL(pathAndQuery, worker.url), { ...init, headers: { ...AUTH, ...(init.headers as object) } });
const post = (body: string, type = 'application/json') =>
  call('/', { method: 'POST', body, headers: { 'content-type': type } });

async function writes(): Promise<{ rows: number; keys: number; objects: number }> {
  const rows = (await worker.db.prepare('SELECT COUNT(*) AS n FROM motion_extractions').first<{ n: number }>())?.n;
  return {
    rows: rows ?? Number.NaN,
    keys: (await worker.kv.list({ prefix: 'motion:' })).keys.length,
    objects: (await worker.media.list({ prefix: 'motion/' })).objects.length,
  };
}

const report: MotionReport = {
  url: 'https://example.com/hero',
  title: 'Hero',
  keyframes: [{ name: 'fade-in', css: '@keyframes fade-in { from { opacity: 0; } to { opacity: 1; } }' }],
  animated: [
    {
      selector: 'h1.hero',
      animationName: 'fade-in',
      animationDuration: '0.4s',
      animationTimingFunction: 'ease-out',
      animationIterationCount: '1',
    },
  ],
  transitioned: [],
  unreadableStylesheets: 0,
  truncated: false,
};

describe('input validation (nothing is written on bad input)', () => {
  it.each([
    ['/', 'Pass the page to inspect'],
    ['/?url=ftp%3A%2F%2Fexample.com%2Ffile', 'http:// or https://'],
    ['/?url=javascript%3Aalert(1)', 'http:// or https://'],
    ['/?url=not%20a%20url', 'http:// or https://'],
    [`/?url=https%3A%2F%2Fexample.com%2F${'a'.repeat(2100)}`, 'at most 2048 characters'],
  ])('GET %s → 400', async (target, message) => {
    const before = await writes();
    const res = await call(target);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(message);
    expect(await writes()).toEqual(before);
  });

  it('refuses bad POST bodies: invalid JSON 400, wrong type 415, oversize 413, other methods 405', async () => {
    const before = await writes();
    expect((await post('{not json')).status).toBe(400);
    expect((await post('url=https://example.com', 'application/x-www-form-urlencoded')).status).toBe(415);
    const big = await post(JSON.stringify({ url: 'https://example.com', pad: 'x'.repeat(5000) }));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: string }).error).toContain('larger than 4096 bytes');
    expect((await call('/?url=https://example.com', { method: 'DELETE' })).status).toBe(405);
    expect(await writes()).toEqual(before);
  });
});

describe('targets off the public web (400 naming the reason, before any cache or browser)', () => {
  const web = REFUSED_TARGETS.filter(([url]) => /^https?:/.test(url));
  it.each(web)('GET and POST %s → 400: %s', async (url, reason) => {
    const before = await writes();
    for (const res of [await call(`/?url=${encodeURIComponent(url)}`), await post(JSON.stringify({ url }))]) {
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: string };
      expect(error).toMatch(/^Refused /);
      expect(error).toContain(reason);
    }
    expect(await writes()).toEqual(before);
  });
});

describe('without Browser Rendering (local)', () => {
  it('answers 503 naming the missing BROWSER binding for an uncached URL, writing nothing', async () => {
    const before = await writes();
    const res = await post(JSON.stringify({ url: 'https://example.com/uncached' }));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toContain('the BROWSER binding is absent');
    expect(await writes()).toEqual(before);
  });

  it('serves a cached extraction from R2 (with its created time from the KV index) and records the hit in D1', async () => {
    const created = Date.UTC(2026, 10, 1, 12);
    await writeCache(worker.kv, worker.media, report, created);
    const res = await call(`/?url=${encodeURIComponent(report.url)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ cached: true, created, report });

    const history = (await (await call(`/history?url=${encodeURIComponent(report.url)}`)).json()) as {
      history: { source: string; keyframes: number; animated_elements: number }[];
    };
    expect(history.history).toHaveLength(1);
    expect(history.history[0]).toMatchObject({ source: 'cache', keyframes: 1, animated_elements: 1 });
  });

  it('validates the history limit', async () => {
    expect((await call('/history?limit=0')).status).toBe(400);
    expect((await call('/history?limit=abc')).status).toBe(400);
    expect((await call('/history?limit=5')).status).toBe(200);
    expect((await call('/nope')).status).toBe(404);
  });
});
