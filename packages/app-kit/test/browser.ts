import { existsSync } from 'node:fs';
import { type Browser, type BrowserContextOptions, chromium, type Page, type Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import type { RunningApp } from './harness.ts';

/**
 * The setup every app's browser smoke test shares: the built app on Miniflare plus headless Debian Chromium,
 * skipped loudly when Chromium is not installed. The app's test file writes only its own `it(...)` steps.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserContext {
  readonly app: RunningApp;
  readonly browser: Browser;
  /**
   * A page whose Content-Security-Policy violations are recorded; after each test, every such page must have had
   * none, and every HTML document it loaded must have come with a CSP.
   */
  newPage(options?: BrowserContextOptions): Promise<Page>;
}

/** What a page reported about the CSP while a test used it. */
export interface CspWatch {
  /** Violations Chromium reported (its console messages for blocked content, and securitypolicyviolation events). */
  violations(): Promise<string[]>;
  /** HTML documents the page loaded without a Content-Security-Policy header. */
  documentsWithoutCsp: string[];
}

/**
 * Records CSP violations on `page`: Chromium logs every blocked script, style, frame or connection to the console
 * ("Refused to … because it violates the following Content Security Policy directive"), which survives navigations;
 * the securitypolicyviolation events of the current document are read as well.
 */
export async function watchCsp(page: Page): Promise<CspWatch> {
  const logged: string[] = [];
  const documentsWithoutCsp: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) logged.push(message.text());
  });
  page.on('response', (response) => {
    const html = (response.headers()['content-type'] ?? '').startsWith('text/html');
    if (response.request().resourceType() === 'document' && html && !response.headers()['content-security-policy']) {
      documentsWithoutCsp.push(response.url());
    }
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  return {
    documentsWithoutCsp,
    async violations() {
      const events = page.isClosed()
        ? []
        : await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
      return [...logged, ...events];
    },
  };
}

export function describeInBrowser(startApp: () => Promise<RunningApp>, tests: (ctx: BrowserContext) => void): void {
  const hasChromium = existsSync(CHROMIUM);
  if (!hasChromium) {
    console.warn(
      `\n!!! SKIPPING the browser smoke test: no Chromium at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH.\n`,
    );
  }
  describe.skipIf(!hasChromium)('in a real browser', () => {
    let app: RunningApp | undefined;
    let browser: Browser | undefined;
    let watches: CspWatch[] = [];
    beforeAll(async () => {
      app = await startApp();
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-background-networking', '--headless'],
      });
    });
    afterAll(async () => {
      await browser?.close();
      await app?.stop();
    });
    afterEach(async () => {
      const current = watches;
      watches = [];
      for (const watch of current) {
        expect(await watch.violations(), 'CSP violations').toEqual([]);
        expect(watch.documentsWithoutCsp, 'HTML documents served without a CSP').toEqual([]);
      }
    });
    tests({
      get app() {
        if (!app) throw new Error('the app is not started yet: use ctx.app inside it(...), not at describe time');
        return app;
      },
      get browser() {
        if (!browser) throw new Error('Chromium is not launched yet: use ctx.browser inside it(...)');
        return browser;
      },
      async newPage(options) {
        if (!browser) throw new Error('Chromium is not launched yet: use ctx.newPage inside it(...)');
        const page = await browser.newPage(options);
        watches.push(await watchCsp(page));
        return page;
      },
    });
  });
}

/**
 * Holds the app's JavaScript back until `release()`, so a test can type into a form before the page hydrates, as a
 * person on a slow connection or a busy machine does. Hydration used to reset such input (`value={x ?? ''}` makes
 * Svelte write '' over what was typed), which then failed `required` and left the form unsent. `release()` lets the
 * scripts load and waits until the page has been quiet for a while, i.e. has hydrated.
 */
export async function holdHydration(page: Page): Promise<{ release(): Promise<void> }> {
  const held: Route[] = [];
  let holding = true;
  await page.route('**/_app/immutable/**', (route) => (holding ? held.push(route) : route.continue()));
  return {
    async release() {
      holding = false;
      await Promise.all(held.splice(0).map((route) => route.continue()));
      await page.waitForLoadState('networkidle');
    },
  };
}
