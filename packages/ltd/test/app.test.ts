import { insideOneWindow } from '@create-something/app-kit/test/windows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './harness.ts';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

async function subscribers(): Promise<number> {
  return (await app.db.prepare('SELECT COUNT(*) AS n FROM subscribers').first<{ n: number }>())?.n ?? Number.NaN;
}

describe('home page', () => {
  it('renders the seeded principles from D1 in order', async () => {
    const html = await (await app.request('/')).text();
    const positions = ['Make it real', 'Small, then smaller', 'Infrastructure is code', 'Measure, then claim'].map(
      (t) => html.indexOf(t),
    );
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('writes the company snapshot to KV on first view (TTL + {created}) and reads it back', async () => {
    await app.kv.delete('home:snapshot');
    const before = Date.now();
    const first = await (await app.request('/')).text();
    expect(first).toContain('Company snapshot: 4 principles');
    expect(first).not.toContain('subscribers');
    const stored = await app.kv.getWithMetadata<unknown, { created: number }>('home:snapshot', { type: 'json' });
    expect(stored.value).toEqual({ principles: 4 });
    expect(stored.metadata?.created).toBeGreaterThanOrEqual(before - 1000);
    expect((await app.kv.list({ prefix: 'home:' })).keys[0]?.expiration).toBeGreaterThan(before / 1000 + 290);
    await app.kv.put('home:snapshot', JSON.stringify({ principles: 12 }), {
      metadata: { created: 1 },
    });
    expect(await (await app.request('/')).text()).toContain('Company snapshot: 12 principles');
  });
});

describe('newsletter signup', () => {
  it('subscribes a new address in D1 and writes nothing about it to KV', async () => {
    const before = await subscribers();
    const keysBefore = (await app.kv.list()).keys.map((k) => k.name);
    const res = await app.request('/', { form: { email: 'Reader@Example.com' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Reader@Example.com is on the list. See you next month.');
    expect(html).toContain('1 signups in the last hour');
    expect(await subscribers()).toBe(before + 1);
    const row = await app.db.prepare('SELECT email FROM subscribers ORDER BY id DESC').first<{ email: string }>();
    expect(row?.email).toBe('reader@example.com');
    expect((await app.kv.list()).keys.map((k) => k.name)).toEqual(keysBefore);
  });

  it('answers a known and an unknown address the same (status, headers, page), storing each once', async () => {
    const answer = async (email: string) => {
      const res = await app.request('/', { form: { email }, headers: { 'cf-connecting-ip': '198.51.100.20' } });
      // date and the nonce change per response; etag is a hash of the page, whose signup count anyone's signup moves.
      const headers = [...res.headers].filter(([name]) => !['date', 'content-security-policy', 'etag'].includes(name));
      const page = (await res.text())
        .replaceAll(email, '<address>')
        .replace(/nonce-[^'"]+|nonce="[^"]+"/g, 'nonce')
        .replace(/\d+ signups in the last hour/, 'N signups in the last hour')
        .replace(/recent:\d+/, 'recent:N')
        .replace(/cached [0-9TZ:.-]+(, just computed)?/, 'cached <time>');
      return { status: res.status, headers, page };
    };
    await app.request('/'); // the KV snapshot is cached before either answer, so both read it the same way
    const before = await subscribers();
    const known = await answer('reader@example.com');
    const unknown = await answer('someone-new@example.com');
    expect(known.status).toBe(200);
    expect(known).toEqual(unknown);
    expect(known.page).toContain('<address> is on the list. See you next month.');
    expect(await subscribers()).toBe(before + 1);
  });

  it('refuses a bad address with 400 and an oversize body with 413, writing nothing', async () => {
    const before = await subscribers();
    const bad = await app.request('/', { form: { email: 'nobody' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Enter a valid email address');
    const big = await app.request('/', { form: { email: `${'a'.repeat(9000)}@example.com` } });
    expect(big.status).toBe(413);
    expect(await subscribers()).toBe(before);
  });

  it('rate-limits signups per visitor: of 15 at once, 5 are stored and 10 get 429 with Retry-After', async () => {
    await insideOneWindow(600);
    const before = await subscribers();
    const burst = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        app.request('/', { form: { email: `burst${i}@example.com` }, headers: { 'cf-connecting-ip': '203.0.113.50' } }),
      ),
    );
    const statuses = burst.map((res) => res.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    const limited = burst.find((res) => res.status === 429) as Response;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.text()).toContain('Too many requests: at most 5 per 10 minutes.');
    expect(await subscribers()).toBe(before + 5);
    const other = await app.request('/', {
      form: { email: 'elsewhere@example.com' },
      headers: { 'cf-connecting-ip': '203.0.113.51' },
    });
    expect(other.status).toBe(200);
  });

  it('serves the principles API', async () => {
    const body = (await (await app.request('/api/principles')).json()) as { principles: { id: number }[] };
    expect(body.principles.map((p) => p.id)).toEqual([1, 2, 3, 4]);
  });
});

describe('"signups in the last hour" with more than 1,000 KV keys', () => {
  it('reads a D1 counter, not kv.list, on a page view', async () => {
    const watched = await startApp({ watchKv: true });
    try {
      // Markers the old code left per signup (it counted them with kv.list, which stops at 1,000 keys).
      for (let i = 0; i < 1_200; i += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, j) => watched.kv.put(`signup:${i + j}`, '{}', { expirationTtl: 3600 })),
        );
      }
      expect((await watched.kv.list({ prefix: 'signup:' })).list_complete).toBe(false);
      const minute = Math.floor(Date.now() / 60_000);
      await watched.db
        .prepare("INSERT INTO recent_counts (counter, minute, count) VALUES ('signups', ?, 700), ('signups', ?, 650)")
        .bind(minute - 5, minute - 30)
        .run();
      const html = await (await watched.request('/')).text();
      expect(html).toContain('1350 signups in the last hour');
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
