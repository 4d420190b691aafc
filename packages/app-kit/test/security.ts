import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headersFileRules, SECURITY_HEADERS } from '../src/server/security-headers.ts';
import type { RunningApp } from './harness.ts';

/**
 * The security headers as an app serves them (its build on Miniflare): a page has SvelteKit's CSP with a fresh
 * nonce per response and the other headers, a JSON route and a built asset the headers with a deny-all CSP, and the
 * built `_headers` carries the rule for what Pages serves without the worker. `pages` are HTML routes, `json` JSON.
 */
export function describeSecurityHeaders(
  startApp: () => Promise<RunningApp>,
  outputDir: string,
  routes: { pages: string[]; json: string[] },
): void {
  describe('security headers', () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startApp();
    });
    afterAll(() => app?.stop());

    const expectCommon = (res: Response) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name), name).toBe(value);
    };

    it.each(routes.pages)('page %s: CSP with a nonce for its start-up script, and the other headers', async (route) => {
      const [first, second] = [await app.request(route), await app.request(route)];
      const nonces: string[] = [];
      for (const res of [first, second]) {
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expectCommon(res);
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("default-src 'none'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toContain('unsafe-inline');
        const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1];
        expect(nonce, csp).toBeTruthy();
        expect(await res.text()).toContain(`nonce="${nonce}"`);
        nonces.push(nonce as string);
      }
      expect(nonces[0]).not.toBe(nonces[1]);
    });

    it.each(routes.json)('JSON %s: the headers and a deny-all CSP', async (route) => {
      const res = await app.request(route);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expectCommon(res);
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
    });

    it('a built asset served through the worker, and the _headers rule for those Pages serves itself', async () => {
      const html = await (await app.request(routes.pages[0] ?? '/')).text();
      const asset = /(\/_app\/immutable\/[^"]+\.js)/.exec(html)?.[1];
      expect(asset).toBeTruthy();
      const res = await app.request(asset as string);
      expect(res.status).toBe(200);
      expectCommon(res);
      expect(readFileSync(path.join(outputDir, '_headers'), 'utf8')).toContain(headersFileRules());
    });
  });
}
