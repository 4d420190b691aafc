import { createHash, createHmac } from 'node:crypto';
import { isHttpError } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { clientId, visitorId } from '../src/server/client.ts';
import { TEST_VISITOR_KEY } from './harness.ts';

const OTHER_KEY = 'another-stack-visitor-key-fedcba9876543210';
const event = (ip: string | null, env: object = { VISITOR_KEY: TEST_VISITOR_KEY }) => ({
  request: new Request('http://app.test/', { headers: ip ? { 'cf-connecting-ip': ip } : {} }),
  platform: { env },
});
/** The id before VISITOR_KEY: sha256 of a fixed prefix and the IP, which anyone can compute for every IPv4. */
const unkeyed = (ip: string) => createHash('sha256').update(`createsomething:${ip}`).digest('hex').slice(0, 16);
const ips = Array.from({ length: 200 }, (_, i) => `198.51.${i >> 4}.${(i * 37) % 256}`).concat(['2001:db8::1', '::1']);

async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('visitor ids', () => {
  it('are HMAC-SHA256 of the IP keyed by VISITOR_KEY, 8 bytes in hex', async () => {
    const ip = '203.0.113.9';
    const expected = createHmac('sha256', TEST_VISITOR_KEY).update(ip).digest('hex').slice(0, 16);
    expect(await visitorId(ip, TEST_VISITOR_KEY)).toBe(expected);
    expect(await clientId(event(ip))).toBe(expected);
  });

  it('are stable with one key, and tell IPs apart', async () => {
    const ids = await Promise.all(ips.map((ip) => clientId(event(ip))));
    expect(await Promise.all(ips.map((ip) => clientId(event(ip))))).toEqual(ids);
    expect(new Set(ids).size).toBe(ips.length);
  });

  it('differ with a different key (another stack cannot match its rows to ours)', async () => {
    for (const ip of ips) {
      expect(await clientId(event(ip, { VISITOR_KEY: OTHER_KEY }))).not.toBe(await clientId(event(ip)));
    }
  });

  it('never equal the old unkeyed sha256 form', async () => {
    for (const ip of ips) {
      for (const key of [TEST_VISITOR_KEY, OTHER_KEY]) expect(await visitorId(ip, key)).not.toBe(unkeyed(ip));
    }
  });

  it('are `local` without CF-Connecting-IP, still only with a key', async () => {
    expect(await clientId(event(null))).toBe('local');
  });

  it.each([
    [
      'missing',
      {},
      'Missing secret VISITOR_KEY: visitors cannot be counted for rate limits. Set it on the Pages project.',
    ],
    ['empty', { VISITOR_KEY: '' }, 'Missing secret VISITOR_KEY'],
    ['short', { VISITOR_KEY: 'x'.repeat(31) }, 'Secret VISITOR_KEY is shorter than 32 characters'],
  ])('fail closed with a 500 naming the secret when it is %s (with or without an IP)', async (_case, env, message) => {
    for (const ip of ['203.0.113.9', null]) {
      const e = await rejection(() => clientId(event(ip, env)));
      expect(isHttpError(e, 500)).toBe(true);
      expect((e as { body: { message: string } }).body.message).toContain(message);
    }
  });
});
