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

  it('sends an inquiry through the form', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(new URL('/', app.url).href);
    await expect(page.getByRole('heading', { name: 'Edge Platforms', exact: true }).isVisible()).resolves.toBe(true);
    await page.getByLabel('Name').fill('Noor');
    await page.getByLabel('Email').fill('noor@example.com');
    await page.getByLabel('Service').selectOption('motion-systems');
    await page.getByLabel('Message').fill('Our app needs one set of easing tokens.');
    mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/agency-form.png'), fullPage: true });
    await page.getByRole('button', { name: 'Send inquiry' }).click();
    await page.getByText('Thanks, Noor. We reply within two working days.').waitFor();
    const row = await app.db
      .prepare('SELECT name, service FROM inquiries ORDER BY id DESC')
      .first<{ name: string; service: string }>();
    expect(row).toEqual({ name: 'Noor', service: 'motion-systems' });
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/agency-sent.png'), fullPage: true });
  });
});
