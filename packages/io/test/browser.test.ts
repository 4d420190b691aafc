import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, type RunningApp, startApp } from './harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `\n!!! SKIPPING the browser smoke test: no Chromium at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH.\n`,
  );
}

describe.skipIf(!hasChromium)('in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
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

  it('searches the articles and sends feedback through the form', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(new URL('/', app.url).href);
    await expect(page.getByRole('heading', { name: 'Edge-First SvelteKit' }).isVisible()).resolves.toBe(true);
    await page.getByLabel('Search articles').fill('migrations');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 result for “migrations”').waitFor();
    mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/io-search.png'), fullPage: true });
    await page.getByTestId('result').getByRole('link').click();
    await page.waitForURL('**/articles/migrations-without-fear');
    await page.getByLabel('Yes').check();
    await page.getByLabel('Comment (optional)').fill('Bookmarked.');
    await page.getByRole('button', { name: 'Send feedback' }).click();
    await page.getByText('Thanks for the feedback.').waitFor();
    const row = await app.db
      .prepare('SELECT helpful, comment FROM article_feedback WHERE slug = ? ORDER BY id DESC')
      .bind('migrations-without-fear')
      .first<{ helpful: number; comment: string }>();
    expect(row).toEqual({ helpful: 1, comment: 'Bookmarked.' });
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/io-article.png'), fullPage: true });
  });
});
