import { insideOneWindow } from '@create-something/app-kit/test/windows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './harness.ts';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

async function inquiries(): Promise<number> {
  return (await app.db.prepare('SELECT COUNT(*) AS n FROM inquiries').first<{ n: number }>())?.n ?? Number.NaN;
}

async function serviceCount(slug: string): Promise<number> {
  const row = await app.db
    .prepare('SELECT inquiry_count FROM services WHERE slug = ?')
    .bind(slug)
    .first<{ inquiry_count: number }>();
  return row?.inquiry_count ?? Number.NaN;
}

const valid = {
  name: 'Lin',
  email: 'lin@example.com',
  company: 'Northwind',
  service: 'edge-platforms',
  message: 'We want previews for every pull request.',
};

const from = (ip: string) => ({ 'cf-connecting-ip': ip });

describe('home page', () => {
  it('lists the seeded services from D1', async () => {
    const html = await (await app.request('/')).text();
    expect(html).toContain('Motion Systems');
    expect(html).toContain('Edge Platforms');
    expect(html).toContain('Design Engineering');
    expect(html).toMatch(/data-testid="inquiry-count">7</);
  });

  it('writes the studio snapshot to KV on first view (TTL + {created}) and serves it from KV after', async () => {
    await app.kv.delete('home:snapshot');
    const before = Date.now();
    const html = await (await app.request('/')).text();
    expect(html).toContain('Studio snapshot: 3 services, 0 inquiries received');
    const stored = await app.kv.getWithMetadata<unknown, { created: number }>('home:snapshot', { type: 'json' });
    expect(stored.value).toEqual({ services: 3, inquiries: 0 });
    expect(stored.metadata?.created).toBeGreaterThanOrEqual(before - 1000);
    expect((await app.kv.list({ prefix: 'home:' })).keys[0]?.expiration).toBeGreaterThan(before / 1000 + 290);
    await app.kv.put('home:snapshot', JSON.stringify({ services: 3, inquiries: 512 }), { metadata: { created: 1 } });
    expect(await (await app.request('/')).text()).toContain('3 services, 512 inquiries received');
  });
});

describe('inquiry form', () => {
  it('stores a valid inquiry and bumps the service counter in one batch', async () => {
    const [before, counter] = [await inquiries(), await serviceCount('edge-platforms')];
    const res = await app.request('/', { form: valid, headers: from('192.0.2.10') });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Thanks, Lin. We reply within two working days.');
    expect(await inquiries()).toBe(before + 1);
    expect(await serviceCount('edge-platforms')).toBe(counter + 1);
    const row = await app.db.prepare('SELECT name, email, company, service FROM inquiries ORDER BY id DESC').first();
    expect(row).toEqual({ name: 'Lin', email: 'lin@example.com', company: 'Northwind', service: 'edge-platforms' });
  });

  it('refuses invalid fields with 400 and every reason, writing nothing', async () => {
    const before = await inquiries();
    const res = await app.request('/', {
      form: { ...valid, email: 'not-an-email', message: 'short' },
      headers: from('192.0.2.11'),
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Enter a valid email address');
    expect(html).toContain('at least 10 characters');
    expect(html).toContain('value="Northwind"');
    const unknown = await app.request('/', { form: { ...valid, service: 'plumbing' }, headers: from('192.0.2.11') });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('Unknown service "plumbing"');
    expect(await inquiries()).toBe(before);
    // Invalid submissions do not spend the visitor's rate-limit budget (only the valid one of the test before did).
    expect(
      await app.db
        .prepare('SELECT rule, count FROM rate_limits')
        .all()
        .then((r) => r.results),
    ).toEqual([{ rule: 'inquiry', count: 1 }]);
  });

  it('refuses an oversize body with 413, writing nothing', async () => {
    const before = await inquiries();
    const res = await app.request('/', { form: { ...valid, message: 'm'.repeat(9000) }, headers: from('192.0.2.12') });
    expect(res.status).toBe(413);
    expect(await inquiries()).toBe(before);
  });

  it('rate-limits a burst per visitor in D1: of 12 concurrent inquiries 3 are saved, 9 get 429 with Retry-After', async () => {
    await insideOneWindow(600);
    const visitor = from('192.0.2.99');
    const before = await inquiries();
    const burst = await Promise.all(
      Array.from({ length: 12 }, () => app.request('/', { form: valid, headers: visitor })),
    );
    const statuses = burst.map((res) => res.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(9);
    const limited = burst.find((res) => res.status === 429) as Response;
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    const html = await limited.text();
    expect(html).toMatch(/Too many inquiries from you just now; try again in \d+ min/);
    expect(html).toContain('value="Northwind"');
    expect(await inquiries()).toBe(before + 3);
    // The counter row holds a hash of the address, never the address.
    const rows = await app.db
      .prepare("SELECT client FROM rate_limits WHERE rule = 'inquiry'")
      .all<{ client: string }>();
    expect(rows.results.map((r) => r.client).join()).not.toContain('192.0.2');
    // Another visitor is unaffected.
    expect((await app.request('/', { form: valid, headers: from('192.0.2.100') })).status).toBe(200);
  });

  it('deletes inquiries older than the retention period when a new one is saved', async () => {
    await app.db
      .prepare(
        "INSERT INTO inquiries (name, email, company, service, message, created_at) VALUES ('Old', 'old@example.com', '', 'edge-platforms', 'From long ago, please.', '2020-01-01T00:00:00.000Z')",
      )
      .run();
    const old = () => app.db.prepare("SELECT COUNT(*) AS n FROM inquiries WHERE name = 'Old'").first<{ n: number }>();
    expect(await old()).toEqual({ n: 1 });
    expect((await app.request('/', { form: valid, headers: from('192.0.2.150') })).status).toBe(200);
    expect(await old()).toEqual({ n: 0 });
  });

  it('serves the services API', async () => {
    const body = (await (await app.request('/api/services')).json()) as { services: { slug: string }[] };
    expect(body.services.map((s) => s.slug)).toEqual(['motion-systems', 'edge-platforms', 'design-engineering']);
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
