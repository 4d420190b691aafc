import { describe, expect, it } from 'vitest';
import { visitorId } from '../src/server/client.ts';
import { type RunningApp, type StartOptions, TEST_VISITOR_KEY } from './harness.ts';

/** A request of the app that counts its visitor against a rate-limit rule (`rule` in `rate_limits`). */
export interface CountedRequest {
  path: string;
  form?: Record<string, string>;
  rule: string;
}

/**
 * The visitor id as the built app uses it: rate-limit rows hold HMAC(VISITOR_KEY, IP), never the IP or its unkeyed
 * hash; without the secret the request is a 500 naming it and nothing is counted.
 */
export function describeVisitorIds(
  startApp: (options?: StartOptions) => Promise<RunningApp>,
  counted: CountedRequest,
): void {
  const ip = '203.0.113.201';
  const send = (app: RunningApp) =>
    app.request(counted.path, { form: counted.form, headers: { 'cf-connecting-ip': ip } });
  const clients = async (app: RunningApp) =>
    (
      await app.db.prepare('SELECT client FROM rate_limits WHERE rule = ?').bind(counted.rule).all<{ client: string }>()
    ).results.map((row) => row.client);

  describe('visitor ids (VISITOR_KEY)', () => {
    it(`counts ${counted.path} against HMAC(VISITOR_KEY, IP)`, async () => {
      const app = await startApp();
      try {
        expect((await send(app)).status).toBeLessThan(400);
        const unkeyed = new Uint8Array(
          await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`createsomething:${ip}`)),
        );
        const old = [...unkeyed.slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
        expect(await clients(app)).toEqual([await visitorId(ip, TEST_VISITOR_KEY)]);
        expect(await clients(app)).not.toContain(old);
      } finally {
        await app.stop();
      }
    });

    it(`answers ${counted.path} with a 500 naming the secret when it is missing, counting nothing`, async () => {
      const app = await startApp({ vars: { VISITOR_KEY: undefined } });
      try {
        const res = await send(app);
        expect(res.status).toBe(500);
        expect(await res.text()).toContain('Missing secret VISITOR_KEY');
        expect(await clients(app)).toEqual([]);
      } finally {
        await app.stop();
      }
    });
  });
}
