import { visitorId } from '@create-something/app-kit/server/client';
import { windowStart } from '@create-something/app-kit/server/rate-limit';
import { TEST_VISITOR_KEY } from '@create-something/app-kit/test/harness';
import { insideOneWindow } from '@create-something/app-kit/test/windows';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SEARCH_LIMIT } from '../src/lib/server/search-log.ts';
import { type RunningApp, startApp } from './harness.ts';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

async function count(table: string): Promise<number> {
  return (await app.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? Number.NaN;
}

/** Every row of every table of the app's D1 (migrations' own bookkeeping aside): equal before and after = no write. */
async function d1Snapshot(): Promise<Record<string, unknown[]>> {
  const { results } = await app.db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    )
    .all<{ name: string }>();
  const tables: Record<string, unknown[]> = {};
  for (const { name } of results) tables[name] = (await app.db.prepare(`SELECT * FROM "${name}"`).all()).results;
  return tables;
}

const QUEUE = 'createsomething-io-searches';
const from = (ip: string) => ({ 'cf-connecting-ip': ip });

/**
 * What the app sent to SEARCHES from `index` on, once `count` messages are there. A search that must send nothing is
 * followed by one that must send: the queue is delivered in order, so the later one's message arriving alone proves
 * the earlier sent none.
 */
async function sentFrom(index: number, count: number) {
  await vi.waitFor(() => expect(app.queued.length).toBeGreaterThanOrEqual(index + count), { timeout: 10_000 });
  return app.queued.slice(index);
}

describe('home page', () => {
  it('lists the seeded articles from D1, newest first', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    const order = ['Migrations Without Fear', 'KV as a Read-Through Cache', 'Edge-First SvelteKit'].map((t) =>
      html.indexOf(t),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('writes its snapshot to KV on first view with TTL and {created} metadata, then reads it back', async () => {
    await app.kv.delete('home:snapshot');
    const before = Date.now();
    const html = await (await app.request('/')).text();
    expect(html).toContain('Library snapshot: 3 articles, latest published 2026-10-21');
    expect(html).toContain('just computed');
    const stored = await app.kv.getWithMetadata<unknown, { created: number }>('home:snapshot', { type: 'json' });
    expect(stored.value).toEqual({ articles: 3, latest: '2026-10-21' });
    expect(stored.metadata?.created).toBeGreaterThanOrEqual(before - 1000);
    const key = (await app.kv.list({ prefix: 'home:' })).keys[0];
    expect(key?.expiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 290);

    await app.kv.put('home:snapshot', JSON.stringify({ articles: 41, latest: '2030-01-01' }), {
      metadata: { created: Date.UTC(2026, 4, 5) },
    });
    const again = await (await app.request('/')).text();
    expect(again).toContain('Library snapshot: 41 articles, latest published 2030-01-01');
    expect(again).toContain('cached 2026-05-05T00:00:00.000Z');
  });
});

describe('search', () => {
  it('finds articles in D1, caches the results in KV, sends each search to SEARCHES and writes nothing to D1', async () => {
    const before = await d1Snapshot();
    const sent = app.queued.length;
    const started = Date.now();
    const first = await (await app.request('/?q=Cache', { headers: from('198.51.100.40') })).text();
    expect(first).toContain('2 results for “Cache”');
    expect(first).toContain('KV as a Read-Through Cache');
    expect(first).toContain('Fresh from D1, now cached in KV');

    const cached = await app.kv.getWithMetadata<{ slug: string }[], { created: number }>('search:cache', {
      type: 'json',
    });
    expect(cached.value?.map((a) => a.slug)).toEqual(['kv-as-a-cache', 'edge-first-sveltekit']);
    expect(cached.metadata?.created).toBeTypeOf('number');

    const second = await (await app.request('/?q=cache', { headers: from('198.51.100.40') })).text();
    expect(second).toContain('Served from the KV cache');

    const client = await visitorId('198.51.100.40', TEST_VISITOR_KEY);
    const messages = await sentFrom(sent, 2);
    expect(messages).toEqual([
      { queue: QUEUE, body: { query: 'Cache', resultCount: 2, client, searchedAt: expect.any(Number) } },
      { queue: QUEUE, body: { query: 'cache', resultCount: 2, client, searchedAt: expect.any(Number) } },
    ]);
    for (const { body } of messages) {
      expect((body as { searchedAt: number }).searchedAt).toBeGreaterThanOrEqual(started);
      expect((body as { searchedAt: number }).searchedAt).toBeLessThanOrEqual(Date.now());
    }
    expect(await d1Snapshot()).toEqual(before);
  });

  it('treats % and _ literally', async () => {
    const html = await (await app.request('/?q=%25%25')).text();
    expect(html).toContain('0 results for “%%”');
  });

  it('answers the JSON API with one message per search and no D1 write', async () => {
    const before = await d1Snapshot();
    const sent = app.queued.length;
    const ok = await app.request('/api/search?q=migrations', { headers: from('198.51.100.41') });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { results: { slug: string }[] };
    expect(body.results.map((r) => r.slug)).toEqual(['migrations-without-fear']);
    const messages = await sentFrom(sent, 1);
    expect(messages).toEqual([
      {
        queue: QUEUE,
        body: {
          query: 'migrations',
          resultCount: 1,
          client: await visitorId('198.51.100.41', TEST_VISITOR_KEY),
          searchedAt: expect.any(Number),
        },
      },
    ]);
    expect(await d1Snapshot()).toEqual(before);
  });

  it('answers 400 with a message for a bad query, sending and caching nothing', async () => {
    const sent = app.queued.length;
    const bad = await app.request('/api/search?q=x');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('at least 2 characters');
    const page = await app.request(`/?q=${'y'.repeat(101)}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('Search for at most 100 characters');
    expect((await app.kv.list({ prefix: 'search:y' })).keys).toHaveLength(0);
    await app.request('/api/search?q=sentinel');
    expect((await sentFrom(sent, 1)).map((m) => (m.body as { query: string }).query)).toEqual(['sentinel']);
  });
});

describe('article feedback', () => {
  it('stores valid feedback in D1', async () => {
    const before = await count('article_feedback');
    const res = await app.request('/articles/edge-first-sveltekit', { form: { helpful: 'yes', comment: 'Clear.' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Thanks for the feedback.');
    expect(html).toContain('1 of 1 readers found this helpful');
    expect(await count('article_feedback')).toBe(before + 1);
  });

  it('refuses invalid feedback (400) and oversize bodies (413), writing nothing', async () => {
    const before = await count('article_feedback');
    const bad = await app.request('/articles/edge-first-sveltekit', { form: { helpful: 'maybe', comment: '' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Choose whether the article helped');
    const big = await app.request('/articles/edge-first-sveltekit', {
      form: { helpful: 'no', comment: 'z'.repeat(10_000) },
    });
    expect(big.status).toBe(413);
    expect(await count('article_feedback')).toBe(before);
  });

  it('answers 404 for an unknown article', async () => {
    const res = await app.request('/articles/not-written-yet');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('No article named');
  });
});

describe('rate limits (D1, per visitor)', () => {
  it('refuses searches (429, Retry-After, nothing sent) once the consumer has counted 30 in the window', async () => {
    await insideOneWindow(SEARCH_LIMIT.windowSeconds);
    const ip = '203.0.113.7';
    // The consumer (workers/search-recorder) writes these counts; here they stand in for 29, then 30 searches.
    const client = await visitorId(ip, TEST_VISITOR_KEY);
    const at = (n: number) =>
      app.db
        .prepare('INSERT OR REPLACE INTO rate_limits (rule, client, window_start, count) VALUES (?, ?, ?, ?)')
        .bind(SEARCH_LIMIT.name, client, windowStart(SEARCH_LIMIT, Date.now()), n)
        .run();
    await at(29);
    const sent = app.queued.length;
    expect((await app.request('/api/search?q=edge', { headers: from(ip) })).status).toBe(200);
    await at(30);
    const limited = await app.request('/api/search?q=edge', { headers: from(ip) });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await limited.json()).toEqual({
      error: expect.stringContaining('Too many requests: at most 30 per minute'),
    });
    // The search page shares the budget: a 429 page with Retry-After.
    const page = await app.request('/?q=edge', { headers: from(ip) });
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toBeTruthy();
    // Another visitor is unaffected; of the four searches, only the two allowed were sent.
    expect((await app.request('/?q=edge', { headers: from('203.0.113.8') })).status).toBe(200);
    const messages = await sentFrom(sent, 2);
    expect(messages.map((m) => (m.body as { client: string }).client)).toEqual([
      client,
      await visitorId('203.0.113.8', TEST_VISITOR_KEY),
    ]);
  });

  it('answers a burst of 14 feedback posts with 10 saved and 4 × 429 with Retry-After', async () => {
    await insideOneWindow(600);
    const before = await count('article_feedback');
    const burst = await Promise.all(
      Array.from({ length: 14 }, () =>
        app.request('/articles/kv-as-a-cache', { form: { helpful: 'no', comment: 'x' }, headers: from('203.0.113.9') }),
      ),
    );
    const statuses = burst.map((res) => res.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    const limited = burst.find((res) => res.status === 429) as Response;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.text()).toContain('Too many requests: at most 10 per 10 minutes.');
    expect(await count('article_feedback')).toBe(before + 10);
  });
});

describe('retention', () => {
  it('clears feedback comments older than 365 days, keeping the votes (searches: the search-recorder Worker)', async () => {
    await app.db
      .prepare(
        "INSERT INTO article_feedback (slug, helpful, comment, created_at) VALUES ('kv-as-a-cache', 1, 'call me on 555', '2020-01-01T00:00:00.000Z')",
      )
      .run();
    await app.request('/articles/kv-as-a-cache', {
      form: { helpful: 'yes', comment: '' },
      headers: { 'cf-connecting-ip': '203.0.113.30' },
    });
    const old = await app.db
      .prepare("SELECT helpful, comment FROM article_feedback WHERE created_at = '2020-01-01T00:00:00.000Z'")
      .all();
    expect(old.results).toEqual([{ helpful: 1, comment: '' }]);
  });
});

describe('"recently searched" with more than 1,000 KV keys', () => {
  it('reads the last searches from D1, not kv.list, and shows only queries that found something', async () => {
    const watched = await startApp({ watchKv: true });
    try {
      for (let i = 0; i < 1_100; i += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, j) => watched.kv.put(`search:query ${i + j}`, '[]', { expirationTtl: 300 })),
        );
      }
      expect((await watched.kv.list({ prefix: 'search:' })).list_complete).toBe(false);
      await watched.db
        .prepare(
          "INSERT INTO searches (query, result_count) VALUES ('Edge', 1), ('jane doe 555-0100', 0), ('migrations', 1), ('edge', 1)",
        )
        .run();
      const html = await (await watched.request('/')).text();
      expect(html).toContain('Recently searched: edge, migrations');
      expect(html).not.toContain('jane doe');
      expect(watched.kvCalls.length).toBeGreaterThan(0);
      expect(watched.kvCalls).not.toContain('list');
    } finally {
      await watched.stop();
    }
  });
});

describe('without bindings', () => {
  it('renders a 500 page naming the missing bindings', async () => {
    const bare = await startApp({ bindings: false });
    try {
      const res = await bare.request('/');
      expect(res.status).toBe(500);
      expect(await res.text()).toContain('Missing Cloudflare binding: DB (D1 database), KV (KV namespace)');
    } finally {
      await bare.stop();
    }
  });
});
