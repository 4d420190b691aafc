import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describeInBrowser } from '@create-something/app-kit/test/browser';
import { expect, it } from 'vitest';
import { ROOT, startApp } from './harness.ts';

describeInBrowser(startApp, (ctx) => {
  it('sends an inquiry through the form', async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(new URL('/', ctx.app.url).href);
    await expect(page.getByRole('heading', { name: 'Edge Platforms', exact: true }).isVisible()).resolves.toBe(true);
    await page.getByLabel('Name').fill('Noor');
    await page.getByLabel('Email').fill('noor@example.com');
    await page.getByLabel('Service').selectOption('motion-systems');
    await page.getByLabel('Message').fill('Our app needs one set of easing tokens.');
    mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/agency-form.png'), fullPage: true });
    await page.getByRole('button', { name: 'Send inquiry' }).click();
    await page.getByText('Thanks, Noor. We reply within two working days.').waitFor();
    const row = await ctx.app.db
      .prepare('SELECT name, service FROM inquiries ORDER BY id DESC')
      .first<{ name: string; service: string }>();
    expect(row).toEqual({ name: 'Noor', service: 'motion-systems' });
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/agency-sent.png'), fullPage: true });
  });
});
