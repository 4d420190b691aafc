import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, type Launch } from '../src/handler.ts';
import { countCall, rateLimitOf } from '../src/rate-limit.ts';
import { AUTH, type RunningWorker, startWorker, TEST_TOKEN } from './harness.ts';

// The Worker is public on workers.dev: every call but the health check needs the bearer secret, and every
// authenticated call counts against its client's limit.
const noBrowser: Launch = async () => {
  throw new Error('no browser in these tests');
};

async function counts(w: RunningWorker) {
  const n = async (table: string) =>
    (await w.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? Number.NaN;
  return {
    history: await n('motion_extractions'),
    counters: await n('motion_rate_limits'),
    keys: (await w.kv.list()).keys.length,
  };
}

describe('the bearer secret (Worker on Miniflare)', () => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker();
  });
  afterAll(() => worker?.stop());
  const call = (path: string, init?: RequestInit) => fetch(new URL(path, worker.url), init);

  it('is not needed for the health check, which touches nothing', async () => {
    const before = await counts(worker);
    const res = await call('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(await counts(worker)).toEqual(before);
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer motion-extractor-test-token-0123456789abcdeX' }],
    ['a prefix of the token', { authorization: `Bearer ${TEST_TOKEN.slice(0, -1)}` }],
    ['the token with a suffix', { authorization: `Bearer ${TEST_TOKEN}x` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['the token as Basic auth', { authorization: `Basic ${TEST_TOKEN}` }],
    ['the token without a scheme', { authorization: TEST_TOKEN }],
  ])('answers 401 to %s on every route, reading and writing nothing', async (_case, headers) => {
    const before = await counts(worker);
    for (const [path, init] of [
      ['/?url=https%3A%2F%2Fexample.com%2F', {}],
      [
        '/',
        { method: 'POST', body: '{"url":"https://example.com/"}', headers: { 'content-type': 'application/json' } },
      ],
      ['/history', {}],
      ['/nope', {}],
      ['/health', { method: 'POST' }],
    ] as const) {
      const res = await call(path, { ...init, headers: { ...('headers' in init ? init.headers : {}), ...headers } });
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="motion-extractor"');
      expect(await res.json()).toEqual({ error: 'Send the bearer secret: Authorization: Bearer <token>' });
    }
    expect(await counts(worker)).toEqual(before);
  });

  it('lets the right token through, with any case of "Bearer"', async () => {
    expect((await call('/history', { headers: AUTH })).status).toBe(200);
    expect((await call('/history', { headers: { authorization: `bearer ${TEST_TOKEN}` } })).status).toBe(200);
  });
});

describe('the rate limit (Worker on Miniflare, 3 per minute)', () => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker({ RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => worker?.stop());
  // Ordered, not concurrent: the first test may wait for a fresh minute.
  const call = (client: string, headers: Record<string, string> = AUTH) =>
    fetch(new URL('/history', worker.url), { headers: { ...headers, 'cf-connecting-ip': client } });

  it('answers 429 with Retry-After once a client made its calls in the window, other clients unaffected', async () => {
    // Windows are whole minutes of the clock: start well inside one, so all five calls fall in the same window.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
    for (let i = 0; i < 3; i++) expect((await call('203.0.113.1')).status).toBe(200);
    const over = await call('203.0.113.1');
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(((await over.json()) as { error: string }).error).toBe(
      `Too many calls: at most 3 per 60 s per client. Retry after ${retryAfter} s.`,
    );
    expect((await call('203.0.113.1')).status).toBe(429);
    expect((await call('198.51.100.7')).status).toBe(200);
  });

  it('does not count calls without the secret (they cost nothing and write nothing)', async () => {
    const before = await counts(worker);
    for (let i = 0; i < 5; i++) expect((await call('192.0.2.9', {})).status).toBe(401);
    expect(await counts(worker)).toEqual(before);
    expect((await call('192.0.2.9')).status).toBe(200);
  });
});

describe('the rate limit (counter in D1, injected clock)', () => {
  let storage: RunningWorker;
  beforeAll(async () => {
    storage = await startWorker();
  });
  afterAll(() => storage?.stop());
  const env = () => ({ DB: storage.db, KV: storage.kv, API_TOKEN: TEST_TOKEN });
  const history = () => new Request('http://worker/history', { headers: AUTH });

  it('opens again in the next window and deletes the windows before it', async () => {
    const rateLimit = { limit: 2, windowSeconds: 60 };
    const start = Date.UTC(2026, 11, 1, 12, 0, 0);
    const at = (ms: number) => handle(history(), env(), noBrowser, { rateLimit, now: () => start + ms });
    expect((await at(0)).status).toBe(200);
    expect((await at(10_000)).status).toBe(200);
    const over = await at(45_500);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('15');
    expect((await at(60_000)).status).toBe(200);
    const rows = await storage.db.prepare('SELECT window_start, count FROM motion_rate_limits').all();
    expect(rows.results).toEqual([{ window_start: start + 60_000, count: 1 }]);
  });

  it('counts concurrent calls exactly', async () => {
    const decisions = await Promise.all(
      Array.from({ length: 8 }, () => countCall(storage.db, 'burst', { limit: 5, windowSeconds: 60 }, 1_000)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(decisions.filter((d) => !d.allowed)).toEqual(Array(3).fill({ allowed: false, retryAfterSeconds: 59 }));
  });

  it('fails closed without its secret binding', async () => {
    const res = await handle(history(), { DB: storage.db, KV: storage.kv }, noBrowser);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: 'Missing secret: API_TOKEN. Infra binds it from create-something:motionExtractorToken.',
    });
  });

  it.each([
    ['10', { limit: 10, windowSeconds: 60 }],
    ['250', { limit: 250, windowSeconds: 60 }],
    [undefined, { limit: 10, windowSeconds: 60 }],
    ['0', { limit: 10, windowSeconds: 60 }],
    ['2.5', { limit: 10, windowSeconds: 60 }],
    ['lots', { limit: 10, windowSeconds: 60 }],
  ])('reads RATE_LIMIT_PER_MINUTE=%s as %o', (value, expected) => {
    expect(rateLimitOf(value)).toEqual(expected);
  });
});
