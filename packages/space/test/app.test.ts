import { insideOneWindow } from '@create-something/app-kit/test/windows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './harness.ts';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

async function views(slug: string): Promise<number> {
  const row = await app.db
    .prepare('SELECT views FROM experiments WHERE slug = ?')
    .bind(slug)
    .first<{ views: number }>();
  return row?.views ?? Number.NaN;
}

async function noteCount(): Promise<number> {
  return (await app.db.prepare('SELECT COUNT(*) AS n FROM experiment_notes').first<{ n: number }>())?.n ?? Number.NaN;
}

describe('home page', () => {
  it('lists the seeded experiments from D1 with their view counts', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Spring Physics Playground');
    expect(html).toContain('View Transitions Lab');
    expect(html).toMatch(/data-testid="views">42</);
  });

  it('writes the lab snapshot to KV with a TTL and {created} metadata, then serves it from KV', async () => {
    await app.kv.delete('home:snapshot');
    const before = Date.now();
    const first = await (await app.request('/')).text();
    expect(first).toContain('Lab snapshot: 3 experiments, 67 views in total');
    expect(first).toContain('just computed');

    const stored = await app.kv.getWithMetadata<{ experiments: number; totalViews: number }, { created: number }>(
      'home:snapshot',
      { type: 'json' },
    );
    expect(stored.value).toEqual({ experiments: 3, totalViews: 67 });
    expect(stored.metadata?.created).toBeGreaterThanOrEqual(before - 1000);
    const listed = (await app.kv.list({ prefix: 'home:' })).keys.find((k) => k.name === 'home:snapshot');
    // expirationTtl 300 s: expiration is an absolute unix time about five minutes out.
    expect(listed?.expiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 290);
    expect(listed?.expiration).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 310);

    // A value planted in KV is what the page shows: the snapshot really comes from KV.
    await app.kv.put('home:snapshot', JSON.stringify({ experiments: 3, totalViews: 9999 }), {
      metadata: { created: Date.UTC(2026, 0, 2) },
    });
    const second = await (await app.request('/')).text();
    expect(second).toContain('9999 views in total');
    expect(second).toContain('cached 2026-01-02T00:00:00.000Z');
    expect(second).not.toContain('just computed');
  });

  it('serves its stylesheet and client code through the ASSETS binding', async () => {
    const html = await (await app.request('/')).text();
    const assets = [...html.matchAll(/(?:href|src)="((?:\.|)\/_app\/immutable\/[^"]+\.(?:css|js))"/g)].map(
      (m) => new URL(m[1] as string, app.url).pathname,
    );
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) expect((await app.request(asset)).status, asset).toBe(200);
  });

  it('serves the JSON API from D1', async () => {
    const res = await app.request('/api/experiments');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { experiments: { slug: string; views: number }[] };
    expect(body.experiments.map((e) => e.slug)).toEqual(['spring-physics', 'view-transitions', 'scroll-timelines']);
  });
});

describe('experiment page', () => {
  it('counts a view once per visitor: D1 batch update + KV seen key with TTL', async () => {
    const start = await views('view-transitions');
    const visitor = { 'cf-connecting-ip': '203.0.113.7' };
    const page = await (await app.request('/experiments/view-transitions', { headers: visitor })).text();
    expect(page).toContain('View Transitions Lab');
    expect(await views('view-transitions')).toBe(start + 1);
    const audit = await app.db
      .prepare('SELECT COUNT(*) AS n FROM experiment_views WHERE slug = ?')
      .bind('view-transitions')
      .first<{ n: number }>();
    expect(audit?.n).toBe(1);

    await app.request('/experiments/view-transitions', { headers: visitor });
    expect(await views('view-transitions')).toBe(start + 1);

    const { keys } = await app.kv.list<{ created: number }>({ prefix: 'seen:view-transitions:' });
    expect(keys).toHaveLength(1);
    expect(keys[0]?.metadata?.created).toBeTypeOf('number');
    expect(keys[0]?.expiration).toBeGreaterThan(Date.now() / 1000 + 29 * 60);

    await app.request('/experiments/view-transitions', { headers: { 'cf-connecting-ip': '198.51.100.2' } });
    expect(await views('view-transitions')).toBe(start + 2);
    const third = await (await app.request('/experiments/view-transitions', { headers: visitor })).text();
    expect(third).toMatch(/data-testid="visitors">2</);
  });

  it('stores a valid note in D1 and shows it', async () => {
    const before = await noteCount();
    const res = await app.request('/experiments/spring-physics', {
      form: { author: 'Ada', body: 'The damping slider is a delight.' },
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Thanks, your note is saved.');
    expect(html).toContain('The damping slider is a delight.');
    expect(await noteCount()).toBe(before + 1);
  });

  it('refuses an invalid note with 400 and a message, writing nothing', async () => {
    const before = await noteCount();
    const res = await app.request('/experiments/spring-physics', { form: { author: '', body: 'x' } });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Name is required');
    expect(html).toContain('Note must be at least 3 characters');
    expect(await noteCount()).toBe(before);
  });

  it('refuses an oversize body with 413, writing nothing', async () => {
    const before = await noteCount();
    const res = await app.request('/experiments/spring-physics', {
      form: { author: 'Big', body: 'x'.repeat(20_000) },
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('larger than 8192 bytes');
    expect(await noteCount()).toBe(before);
  });

  it('answers 404 for an unknown experiment and 400 for a malformed name', async () => {
    expect((await app.request('/experiments/no-such-thing')).status).toBe(404);
    const bad = await app.request('/experiments/Bad_Name!');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Invalid experiment name');
  });
});

describe('rate limits (D1, per visitor)', () => {
  const from = (ip: string) => ({ 'cf-connecting-ip': ip });

  it('answers a burst of 12 notes with 5 saved and 7 × 429 with Retry-After, keeping what was typed', async () => {
    await insideOneWindow(600);
    const before = await noteCount();
    const burst = await Promise.all(
      Array.from({ length: 12 }, () =>
        app.request('/experiments/scroll-timelines', {
          form: { author: 'Flood', body: 'Again and again.' },
          headers: from('203.0.113.60'),
        }),
      ),
    );
    const statuses = burst.map((res) => res.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    const limited = burst.find((res) => res.status === 429) as Response;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const html = await limited.text();
    expect(html).toContain('Too many requests: at most 5 per 10 minutes.');
    expect(html).toContain('Again and again.');
    expect(await noteCount()).toBe(before + 5);
  });

  it('serves every page but counts at most 60 views per visitor per window', async () => {
    await insideOneWindow(600, 20_000);
    const start = await views('spring-physics');
    // A client that drops its dedup key after each view (as a script would): 70 views, all served, 60 counted.
    const visitor = from('203.0.113.61');
    const statuses: number[] = [];
    for (let i = 0; i < 70; i++) {
      statuses.push((await app.request('/experiments/spring-physics', { headers: visitor })).status);
      const { keys } = await app.kv.list({ prefix: 'seen:spring-physics:' });
      await Promise.all(keys.map((k) => app.kv.delete(k.name)));
    }
    expect(statuses).toEqual(Array(70).fill(200));
    expect(await views('spring-physics')).toBe(start + 60);
  });
});

describe('"visitors in the last 30 minutes" with more than 1,000 KV keys', () => {
  it('reads a D1 counter, not kv.list, on a page view', async () => {
    const watched = await startApp({ watchKv: true });
    try {
      for (let i = 0; i < 1_100; i += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, j) =>
            watched.kv.put(`seen:view-transitions:${i + j}`, '{}', { expirationTtl: 1800 }),
          ),
        );
      }
      expect((await watched.kv.list({ prefix: 'seen:view-transitions:' })).list_complete).toBe(false);
      const minute = Math.floor(Date.now() / 60_000);
      await watched.db
        .prepare("INSERT INTO recent_counts (counter, minute, count) VALUES ('visitors:view-transitions', ?, 1100)")
        .bind(minute - 10)
        .run();
      const html = await (await watched.request('/experiments/view-transitions')).text();
      // 1,100 earlier visitors and this one.
      expect(html).toMatch(/data-testid="visitors">1101</);
      expect(watched.kvCalls).toEqual(expect.arrayContaining(['get', 'put']));
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
      const html = await res.text();
      expect(html).toContain('Missing Cloudflare binding: DB (D1 database), KV (KV namespace)');
    } finally {
      await bare.stop();
    }
  });
});
