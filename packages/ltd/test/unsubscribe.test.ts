import { insideOneWindow } from '@create-something/app-kit/test/windows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUnsubscribe, unsubscribeUrl } from '../src/lib/server/unsubscribe.ts';
import { type RunningApp, startApp, TEST_SECRET } from './harness.ts';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

const isSubscribed = async (email: string) =>
  (await app.db.prepare('SELECT 1 AS x FROM subscribers WHERE email = ?').bind(email).first()) !== null;
const link = async (email: string, token?: string) =>
  `/unsubscribe?email=${encodeURIComponent(email)}&token=${token ?? (await signUnsubscribe(TEST_SECRET, email))}`;
const confirm = async (email: string, token?: string, ip = '192.0.2.77') =>
  app.request(await link(email, token), {
    form: { email, token: token ?? (await signUnsubscribe(TEST_SECRET, email)) },
    headers: { 'cf-connecting-ip': ip },
  });

describe('signed unsubscribe link', () => {
  it('opens a confirmation page that changes nothing, then removes the address on the button', async () => {
    await app.request('/', { form: { email: 'leaving@example.com' } });
    expect(await isSubscribed('leaving@example.com')).toBe(true);
    const page = await app.request(await link('leaving@example.com'));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Remove <strong>leaving@example.com</strong> from the newsletter?');
    expect(await isSubscribed('leaving@example.com')).toBe(true);

    const res = await confirm('leaving@example.com');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('leaving@example.com is off the list and deleted from our records.');
    expect(await isSubscribed('leaving@example.com')).toBe(false);
  });

  it('answers the same for an address that is not (or no longer) on the list', async () => {
    const strip = (html: string) =>
      html.replace(/nonce-[^'"]+|nonce="[^"]+"/g, 'nonce').replace(/token:"[^"]+"/g, 'token:"<signature>"');
    const again = await confirm('leaving@example.com');
    const never = await confirm('never@example.com');
    expect([again.status, never.status]).toEqual([200, 200]);
    expect(strip(await again.text()).replaceAll('leaving@', 'x@')).toBe(
      strip(await never.text()).replaceAll('never@', 'x@'),
    );
  });

  it('refuses a wrong or borrowed signature (400) and keeps the address', async () => {
    await app.request('/', { form: { email: 'staying@example.com' } });
    const other = await signUnsubscribe(TEST_SECRET, 'someone-else@example.com');
    const forged = await signUnsubscribe('a-different-secret-of-enough-length-000', 'staying@example.com');
    for (const token of [other, forged, 'AAAA', 'not*base64']) {
      expect((await app.request(await link('staying@example.com', token))).status).toBe(400);
      const res = await confirm('staying@example.com', token);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('This unsubscribe link is not valid');
    }
    expect(await isSubscribed('staying@example.com')).toBe(true);
  });

  it('says what is missing from an incomplete link', async () => {
    const res = await app.request('/unsubscribe?email=staying%40example.com');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This unsubscribe link is incomplete: the signature is missing.');
  });

  it('makes links that the app accepts, lower-casing the address', async () => {
    const url = new URL(await unsubscribeUrl('https://createsomething.ltd', TEST_SECRET, 'Staying@Example.com'));
    expect(url.pathname).toBe('/unsubscribe');
    expect(url.searchParams.get('email')).toBe('staying@example.com');
    expect((await app.request(`${url.pathname}${url.search}`)).status).toBe(200);
  });

  it('rate-limits unsubscribe attempts: of 14 at once, 10 are checked and 4 get 429 with Retry-After', async () => {
    await insideOneWindow(600);
    const burst = await Promise.all(
      Array.from({ length: 14 }, (_, i) => confirm(`guess${i}@example.com`, 'AAAA', '203.0.113.90')),
    );
    const statuses = burst.map((res) => res.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    expect(Number(burst.find((r) => r.status === 429)?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('without the signing secret', () => {
  it.each([
    [{}, 'Missing secret UNSUBSCRIBE_SECRET: unsubscribe links cannot be checked. Set it on the Pages project.'],
    [{ UNSUBSCRIBE_SECRET: 'short' }, 'Secret UNSUBSCRIBE_SECRET is shorter than 32 characters'],
  ])('fails closed with a 500 naming it (vars %o), removing nothing', async (vars, message) => {
    const bare = await startApp({ vars });
    try {
      await bare.request('/', { form: { email: 'kept@example.com' } });
      const token = await signUnsubscribe(TEST_SECRET, 'kept@example.com');
      const path = `/unsubscribe?email=kept%40example.com&token=${token}`;
      const page = await bare.request(path);
      expect(page.status).toBe(500);
      expect(await page.text()).toContain(message);
      const post = await bare.request(path, { form: { email: 'kept@example.com', token } });
      expect(post.status).toBe(500);
      const row = await bare.db.prepare("SELECT 1 AS x FROM subscribers WHERE email = 'kept@example.com'").first();
      expect(row).not.toBeNull();
    } finally {
      await bare.stop();
    }
  });
});
