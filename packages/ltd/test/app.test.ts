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
    expect(await (await app.request('/')).text()).toContain('Company snapshot: 4 principles, 0 subscribers');
    const stored = await app.kv.getWithMetadata<unknown, { created: number }>('home:snapshot', { type: 'json' });
    expect(stored.value).toEqual({ principles: 4, subscribers: 0 });
    expect(stored.metadata?.created).toBeGreaterThanOrEqual(before - 1000);
    expect((await app.kv.list({ prefix: 'home:' })).keys[0]?.expiration).toBeGreaterThan(before / 1000 + 290);
    await app.kv.put('home:snapshot', JSON.stringify({ principles: 4, subscribers: 1200 }), {
      metadata: { created: 1 },
    });
    expect(await (await app.request('/')).text()).toContain('4 principles, 1200 subscribers');
  });
});

describe('newsletter signup', () => {
  it('subscribes a new address in D1 and leaves an expiring KV marker without the address in it', async () => {
    const before = await subscribers();
    const res = await app.request('/', { form: { email: 'Reader@Example.com' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Subscribed Reader@Example.com. See you next month.');
    expect(html).toContain('1 joined in the last hour');
    expect(await subscribers()).toBe(before + 1);
    const row = await app.db.prepare('SELECT email FROM subscribers ORDER BY id DESC').first<{ email: string }>();
    expect(row?.email).toBe('reader@example.com');

    const { keys } = await app.kv.list<{ created: number }>({ prefix: 'signup:' });
    expect(keys).toHaveLength(1);
    expect(keys[0]?.name).not.toContain('example');
    expect(keys[0]?.metadata?.created).toBeTypeOf('number');
    expect(keys[0]?.expiration).toBeGreaterThan(Date.now() / 1000 + 3500);
  });

  it('does not duplicate an address that is already subscribed', async () => {
    const before = await subscribers();
    const res = await app.request('/', { form: { email: 'reader@example.com' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('reader@example.com is already subscribed.');
    expect(await subscribers()).toBe(before);
    expect((await app.kv.list({ prefix: 'signup:' })).keys).toHaveLength(1);
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

  it('serves the principles API', async () => {
    const body = (await (await app.request('/api/principles')).json()) as { principles: { id: number }[] };
    expect(body.principles.map((p) => p.id)).toEqual([1, 2, 3, 4]);
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
