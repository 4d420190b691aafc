import { insideOneWindow } from '@create-something/app-kit/test/windows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, type Launch } from '../src/handler.ts';
import { AUTH, configuredRateLimiter, type RunningWorker, startWorker, TEST_TOKEN } from './harness.ts';

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

describe('the rate limit (RATE_LIMITER on Miniflare, as wrangler.jsonc declares it)', () => {
  const declared = configuredRateLimiter();
  let worker: RunningWorker;
  beforeAll(async () => {
    // The limit and period the config declares (10 per 60 s), not the suites' high default.
    worker = await startWorker({ rateLimit: declared.simple.limit });
  });
  afterAll(() => worker?.stop());
  const call = (client: string, headers: Record<string, string> = AUTH) =>
    fetch(new URL('/history', worker.url), { headers: { ...headers, 'cf-connecting-ip': client } });

  it('declares 10 calls per 60 s', () => {
    expect(declared).toEqual({ name: 'RATE_LIMITER', namespace_id: '1001', simple: { limit: 10, period: 60 } });
  });

  it('answers a burst of 15 with 10 × 200 and 5 × 429 (Retry-After: 60), other clients unaffected', async () => {
    // Miniflare's limiter counts in clock-aligned periods: keep the burst inside one.
    await insideOneWindow(declared.simple.period, 10_000);
    const burst = await Promise.all(Array.from({ length: 15 }, () => call('203.0.113.1')));
    const statuses = burst.map((res) => res.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    for (const over of burst.filter((res) => res.status === 429)) {
      expect(over.headers.get('retry-after')).toBe('60');
      expect(await over.json()).toEqual({ error: 'Too many calls from this client. Retry after 60 s.' });
    }
    expect((await call('198.51.100.7')).status).toBe(200);
  });

  it('does not count calls without the secret (they cost nothing and write nothing)', async () => {
    await insideOneWindow(declared.simple.period, 10_000);
    const before = await counts(worker);
    for (let i = 0; i < 12; i++) expect((await call('192.0.2.9', {})).status).toBe(401);
    expect(await counts(worker)).toEqual(before);
    expect((await call('192.0.2.9')).status).toBe(200);
  });
});

describe('fails closed', () => {
  let storage: RunningWorker;
  beforeAll(async () => {
    storage = await startWorker();
  });
  afterAll(() => storage?.stop());
  const history = () => new Request('http://worker/history', { headers: AUTH });

  it('without its secret binding', async () => {
    const res = await handle(history(), { DB: storage.db, KV: storage.kv, RATE_LIMITER: storage.limiter }, noBrowser);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: 'Missing secret: API_TOKEN. Infra binds it from create-something:motionExtractorToken.',
    });
  });

  it('without its rate limiter, serving nobody rather than everybody', async () => {
    const res = await handle(
      history(),
      { DB: storage.db, KV: storage.kv, MEDIA: storage.media, API_TOKEN: TEST_TOKEN },
      noBrowser,
    );
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: 'Missing binding: RATE_LIMITER (rate limit). Bind it in wrangler.jsonc.',
    });
  });
});
