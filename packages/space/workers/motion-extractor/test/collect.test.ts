import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractMotion } from '../src/extract.ts';
import { adapt, type Fixture, hasChromium, launchChromium, SITE, serve } from './chromium.ts';

// The in-page collector is plain DOM code; run it in Debian's Chromium through a Playwright page adapted to the
// puppeteer-shaped interface extractMotion expects, with the request guard on.
const PAGE = `<!doctype html><title>Motion fixture</title>
<style>
  @keyframes pulse { 0% { opacity: 1 } 50% { opacity: 0.4 } 100% { opacity: 1 } }
  @media (min-width: 1px) { @keyframes slide-in { from { transform: translateX(-20px) } to { transform: none } } }
  .badge { animation: pulse 1.5s ease-in-out infinite; }
  #panel { animation: slide-in 300ms cubic-bezier(0.2, 0, 0, 1) 1; }
  a.cta { transition: color 0.2s ease, background-color 150ms linear; }
  p { transition: none; }
</style>
<span class="badge live">new</span><div id="panel">panel</div><a class="cta" href="#">go</a><p>still</p>`;

describe.skipIf(!hasChromium)('collectMotion in Chromium', () => {
  let site: Fixture;
  let browser: Browser;
  beforeAll(async () => {
    site = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
    browser = await launchChromium(site);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('finds keyframes (also nested in @media), animated and transitioned elements', async () => {
    const report = await extractMotion(adapt(browser), `${SITE}/fixture`);
    expect(report.title).toBe('Motion fixture');
    expect(report.keyframes.map((k) => k.name).sort()).toEqual(['pulse', 'slide-in']);
    expect(report.keyframes.find((k) => k.name === 'pulse')?.css).toContain('opacity: 0.4');
    expect(report.animated).toEqual([
      expect.objectContaining({
        selector: 'span.badge.live',
        animationName: 'pulse',
        animationIterationCount: 'infinite',
      }),
      expect.objectContaining({ selector: '#panel', animationName: 'slide-in', animationDuration: '0.3s' }),
    ]);
    expect(report.transitioned).toEqual([
      expect.objectContaining({
        selector: 'a.cta',
        transitionProperty: 'color, background-color',
        transitionDuration: '0.2s, 0.15s',
      }),
    ]);
    expect(report.truncated).toBe(false);
  });
});
