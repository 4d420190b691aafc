import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describeInBrowser, holdHydration } from '@create-something/app-kit/test/browser';
import { expect, it } from 'vitest';
import { ROOT, startApp } from './harness.ts';

describeInBrowser(startApp, (ctx) => {
  it('sends an inquiry through the form', async () => {
    const page = await ctx.newPage({ viewport: { width: 1100, height: 900 } });
    // Filled in before the page hydrates: hydration must keep every field (it used to clear them).
    const hydration = await holdHydration(page);
    await page.goto(new URL('/', ctx.app.url).href, { waitUntil: 'commit' });
    await page.getByRole('heading', { name: 'Edge Platforms', exact: true }).waitFor();
    await page.getByLabel('Name').fill('Noor');
    await page.getByLabel('Email').fill('noor@example.com');
    await page.getByLabel('Service').selectOption('motion-systems');
    await page.getByLabel('Message').fill('Our app needs one set of easing tokens.');
    await hydration.release();
    const fields = ['Name', 'Email', 'Service', 'Message'];
    await expect(Promise.all(fields.map((label) => page.getByLabel(label).inputValue()))).resolves.toEqual([
      'Noor',
      'noor@example.com',
      'motion-systems',
      'Our app needs one set of easing tokens.',
    ]);
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
