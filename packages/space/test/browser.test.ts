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

  it('shows the experiments and saves a note through the form', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(new URL('/', app.url).href);
    await expect(page.getByRole('heading', { name: 'Spring Physics Playground' }).isVisible()).resolves.toBe(true);
    await page.getByRole('link', { name: 'Scroll-Driven Timelines' }).click();
    await page.waitForURL('**/experiments/scroll-timelines');
    await page.getByLabel('Name').fill('Grace');
    await page.getByLabel('Note').fill('Scroll timelines feel native.');
    await page.getByRole('button', { name: 'Leave a note' }).click();
    await page.getByText('Thanks, your note is saved.').waitFor();
    await expect(page.getByTestId('note').first().textContent()).resolves.toContain('Scroll timelines feel native.');
    const row = await app.db
      .prepare('SELECT author FROM experiment_notes WHERE slug = ? ORDER BY id DESC')
      .bind('scroll-timelines')
      .first<{ author: string }>();
    expect(row?.author).toBe('Grace');
    mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/space-experiment.png'), fullPage: true });
    await page.goto(new URL('/', app.url).href);
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/space-home.png'), fullPage: true });
  });
});
