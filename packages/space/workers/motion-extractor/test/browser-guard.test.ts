import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractMotion, RefusedRequest } from '../src/extract.ts';
import { InvalidReport } from '../src/report.ts';
import { adapt, type Fixture, hasChromium, launchChromium, SITE, serve } from './chromium.ts';

// A public page (site.example) that tries to lead the browser off the public web: through redirects of the target,
// frames, subresources, its own scripts. Every such request must be refused before it is sent: the canary server
// on 127.0.0.1 counts what reaches it, and must see nothing. Then pages whose scripts tamper with the collector.

let site: Fixture;
let canary: Fixture;
let browser: Browser;

const html = (body: string) => `<!doctype html><title>fixture</title>${body}`;

beforeAll(async () => {
  canary = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('canary'));
  site = await serve((req, res) => {
    const url = new URL(req.url ?? '/', SITE);
    const to = url.searchParams.get('to') ?? '';
    const page = (body: string) => res.writeHead(200, { 'content-type': 'text/html' }).end(html(body));
    switch (url.pathname) {
      case '/redirect':
        return res.writeHead(302, { location: to }).end();
      case '/frame':
        return page(`<iframe src="${to}"></iframe>`);
      case '/img':
        return page(`<img src="${to}" alt="">`);
      case '/import':
        return page(`<style>@import url("${to}");</style>`);
      case '/stylesheet':
        return page(`<link rel="stylesheet" href="${to}">`);
      case '/fetch':
        return page(`<script>fetch(${JSON.stringify(to)}).catch(() => {});</script>`);
      case '/script-navigation':
        return page(`<script>location.href = ${JSON.stringify(to)};</script>`);
      case '/meta-refresh':
        return page(`<meta http-equiv="refresh" content="0; url=${to}">`);
      case '/tampered':
        // The collector runs in the page's world: the page can make it return anything.
        return page('<script>String.prototype.slice = function () { return { evil: true }; };</script>');
      case '/long-title':
        return page(`<script>document.title = 'T'.repeat(50000);</script>`);
      default:
        return page('<p>plain</p>');
    }
  });
  browser = await launchChromium(site);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await canary?.close();
});

/** [what the page does, the page, the refused request's URL, the reason, whether it is a top-level load] */
function cases(): [string, string, string, string, boolean][] {
  const port = new URL(canary.origin).port;
  const c = `http://127.0.0.1:${port}`;
  const via = (path: string, to: string) => `${SITE}${path}?to=${encodeURIComponent(to)}`;
  return [
    ['redirects to loopback', via('/redirect', `${c}/hop`), `${c}/hop`, 'host 127.0.0.1 is a loopback address', true],
    [
      'redirects to localhost',
      via('/redirect', `http://localhost:${port}/`),
      `http://localhost:${port}/`,
      'host localhost is this machine',
      true,
    ],
    [
      'redirects to IPv4-mapped loopback',
      via('/redirect', `http://[::ffff:127.0.0.1]:${port}/`),
      `http://[::ffff:7f00:1]:${port}/`,
      'host [::ffff:7f00:1] is a loopback address',
      true,
    ],
    [
      'redirects to the metadata service',
      via('/redirect', 'http://169.254.169.254/latest/meta-data/'),
      'http://169.254.169.254/latest/meta-data/',
      'host 169.254.169.254 is a link-local address',
      true,
    ],
    [
      'redirects twice, then to a private address',
      via('/redirect', via('/redirect', 'http://10.0.0.1/')),
      'http://10.0.0.1/',
      'host 10.0.0.1 is a private address',
      true,
    ],
    [
      'redirects to another port of itself',
      via('/redirect', 'http://site.example:8080/'),
      'http://site.example:8080/',
      'port 8080 is not a web port (80 or 443)',
      true,
    ],
    ['frames loopback', via('/frame', `${c}/frame`), `${c}/frame`, 'host 127.0.0.1 is a loopback address', false],
    ['loads an image from loopback', via('/img', `${c}/img.png`), `${c}/img.png`, 'loopback address', false],
    [
      'loads an image through its own redirect',
      via('/img', via('/redirect', `${c}/img-hop.png`)),
      `${c}/img-hop.png`,
      'host 127.0.0.1 is a loopback address',
      false,
    ],
    [
      'imports CSS from a private address',
      via('/import', 'http://192.168.0.1/x.css'),
      'http://192.168.0.1/x.css',
      'host 192.168.0.1 is a private address',
      false,
    ],
    [
      'links a stylesheet under localhost',
      via('/stylesheet', 'http://api.localhost/x.css'),
      'http://api.localhost/x.css',
      'host api.localhost is under localhost (this machine)',
      false,
    ],
    ['fetches loopback from script', via('/fetch', `${c}/fetch`), `${c}/fetch`, 'loopback address', false],
    [
      'navigates to loopback from script',
      via('/script-navigation', `${c}/js`),
      `${c}/js`,
      'host 127.0.0.1 is a loopback address',
      true,
    ],
    [
      'refreshes to IPv6 loopback',
      via('/meta-refresh', `http://[::1]:${port}/refresh`),
      `http://[::1]:${port}/refresh`,
      'host [::1] is a loopback address',
      true,
    ],
  ];
}

describe.skipIf(!hasChromium)('every request of the page is held to the public web (Chromium)', () => {
  it('extracts a plain public page (the guard lets the public web through)', async () => {
    const report = await extractMotion(adapt(browser), `${SITE}/plain`);
    expect(report.title).toBe('fixture');
  });

  it('refuses each way off the public web, naming the request and the reason, and sends none of them', async () => {
    const all = cases();
    expect(all.length).toBeGreaterThanOrEqual(14);
    for (const [what, page, url, reason, topLevel] of all) {
      const outcome = await extractMotion(adapt(browser), page).then(
        () => 'extracted',
        (error: unknown) => error,
      );
      expect(outcome, what).toBeInstanceOf(RefusedRequest);
      const refused = outcome as RefusedRequest;
      expect({ what, url: refused.url, topLevel: refused.topLevel }).toEqual({ what, url, topLevel });
      expect(refused.reason, what).toContain(reason);
    }
    expect(canary.hits).toEqual([]);
  });

  it('refuses a report the page tampered with, and cuts an over-long title', async () => {
    await expect(extractMotion(adapt(browser), `${SITE}/tampered`)).rejects.toThrow(
      new InvalidReport(
        'the page returned a malformed report (title: Invalid input: expected string, received object)',
      ),
    );
    const long = await extractMotion(adapt(browser), `${SITE}/long-title`);
    expect(long.title).toBe('T'.repeat(300));
    expect(long.truncated).toBe(false);
  });
});
