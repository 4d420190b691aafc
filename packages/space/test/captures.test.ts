import { insideOneWindow } from '@create-something/app-kit/test/windows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './harness.ts';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

const capture = (label: string, frames = 3) => ({
  label,
  frames: Array.from({ length: frames }, (_, i) => ({ t: i * 16, x: i, y: Math.sin(i) })),
});
const post = (slug: string, body: unknown, ip = '203.0.113.20') =>
  app.request(`/api/experiments/${slug}/captures`, {
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('motion captures in the MEDIA bucket', () => {
  it('stores a capture as one JSON object under captures/<slug>/<id>.json and serves it back', async () => {
    const res = await post('spring-physics', capture('a gentle spring', 5));
    expect(res.status).toBe(201);
    const { id, url } = (await res.json()) as { id: string; url: string };
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(url).toBe(`/api/experiments/spring-physics/captures/${id}`);
    const media = app.r2.MEDIA;
    if (!media) throw new Error('the harness bound no MEDIA bucket');
    const object = await media.get(`captures/spring-physics/${id}.json`);
    expect(object?.httpMetadata?.contentType).toBe('application/json');
    expect(object?.customMetadata).toEqual({ experiment: 'spring-physics' });
    const stored = (await object?.json()) as { label: string; frames: unknown[]; savedAt: string };
    expect(stored).toMatchObject(capture('a gentle spring', 5));
    expect(Date.parse(stored.savedAt)).not.toBeNaN();

    const read = await app.request(url);
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toBe('application/json');
    expect(await read.json()).toEqual(stored);
  });

  it.each([
    ['not JSON', 'frames!', 400, /must be JSON/],
    ['one frame', capture('x', 1), 400, /frames: a capture needs at least 2 frames/],
    ['no label', { ...capture('x'), label: ' ' }, 400, /label: label is required/],
    [
      'a frame that is not a number',
      {
        label: 'x',
        frames: [
          { t: 0, x: 'a', y: 0 },
          { t: 1, x: 0, y: 0 },
        ],
      },
      400,
      /frames\.0\.x/,
    ],
  ])('refuses %s (400) and stores nothing', async (_what, body, status, message) => {
    const before = (await app.r2.MEDIA?.list({ prefix: 'captures/' }))?.objects.length;
    const res = await post('spring-physics', body);
    expect(res.status).toBe(status);
    expect(await res.text()).toMatch(message);
    expect((await app.r2.MEDIA?.list({ prefix: 'captures/' }))?.objects.length).toBe(before);
  });

  it('refuses an unknown experiment (404) and a body over 256 KiB (413)', async () => {
    expect((await post('no-such-experiment', capture('x'))).status).toBe(404);
    const huge = await post('spring-physics', JSON.stringify({ label: 'x', frames: [], pad: 'x'.repeat(300 * 1024) }));
    expect(huge.status).toBe(413);
    expect((await app.request('/api/experiments/spring-physics/captures/0123456789abcdef')).status).toBe(404);
    expect((await app.request('/api/experiments/spring-physics/captures/..%2F..%2Fsecret')).status).toBe(400);
  });

  it('answers a burst of 14 captures with 10 stored and 4 × 429 with Retry-After', async () => {
    await insideOneWindow(600);
    const ip = '198.51.100.44';
    const results = await Promise.all(
      Array.from({ length: 14 }, (_, i) => post('view-transitions', capture(`take ${i}`), ip)),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(4);
    for (const r of refused) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await app.r2.MEDIA?.list({ prefix: 'captures/view-transitions/' }))?.objects.length).toBe(10);
  });
});
