import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page, type Route } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import type { RunningApp } from './harness.ts';

/**
 * The setup every app's browser smoke test shares: the built app on Miniflare plus headless Debian Chromium,
 * skipped loudly when Chromium is not installed. The app's test file writes only its own `it(...)` steps.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserContext {
  readonly app: RunningApp;
  readonly browser: Browser;
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
    tests({
      get app() {
        if (!app) throw new Error('the app is not started yet: use ctx.app inside it(...), not at describe time');
        return app;
      },
      get browser() {
        if (!browser) throw new Error('Chromium is not launched yet: use ctx.browser inside it(...)');
        return browser;
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
