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

  it('subscribes to the newsletter through the form', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(new URL('/', app.url).href);
    await expect(page.getByRole('heading', { name: 'Make it real' }).isVisible()).resolves.toBe(true);
    await page.getByLabel('Email').fill('friend@example.org');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('Subscribed friend@example.org. See you next month.').waitFor();
    const row = await app.db.prepare('SELECT email FROM subscribers').first<{ email: string }>();
    expect(row?.email).toBe('friend@example.org');
    mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/ltd-subscribed.png'), fullPage: true });
  });
});
