import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describeInBrowser } from '@create-something/app-kit/test/browser';
import { expect, it } from 'vitest';
import { ROOT, startApp } from './harness.ts';

describeInBrowser(startApp, (ctx) => {
  it('shows the experiments and saves a note through the form', async () => {
    const page = await ctx.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(new URL('/', ctx.app.url).href);
    await expect(page.getByRole('heading', { name: 'Spring Physics Playground' }).isVisible()).resolves.toBe(true);
    await page.getByRole('link', { name: 'Scroll-Driven Timelines' }).click();
    await page.waitForURL('**/experiments/scroll-timelines');
    await page.getByLabel('Name').fill('Grace');
    await page.getByLabel('Note').fill('Scroll timelines feel native.');
    await page.getByRole('button', { name: 'Leave a note' }).click();
    await page.getByText('Thanks, your note is saved.').waitFor();
    await expect(page.getByTestId('note').first().textContent()).resolves.toContain('Scroll timelines feel native.');
    const row = await ctx.app.db
      .prepare('SELECT author FROM experiment_notes WHERE slug = ? ORDER BY id DESC')
      .bind('scroll-timelines')
      .first<{ author: string }>();
    expect(row?.author).toBe('Grace');
    mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/space-experiment.png'), fullPage: true });
    await page.goto(new URL('/', ctx.app.url).href);
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/space-home.png'), fullPage: true });
  });
});
