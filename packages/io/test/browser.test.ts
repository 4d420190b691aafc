import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describeInBrowser, holdHydration } from '@create-something/app-kit/test/browser';
import { expect, it } from 'vitest';
import { ROOT, startApp } from './harness.ts';

describeInBrowser(startApp, (ctx) => {
  it('searches the articles and sends feedback through the form', async () => {
    const page = await ctx.newPage({ viewport: { width: 1100, height: 900 } });
    // Typed before the page hydrates: hydration must keep it (it used to clear it, and `required` held the search).
    const hydration = await holdHydration(page);
    await page.goto(new URL('/', ctx.app.url).href, { waitUntil: 'commit' });
    await page.getByRole('heading', { name: 'Edge-First SvelteKit' }).waitFor();
    await page.getByLabel('Search articles').fill('migrations');
    await hydration.release();
    expect(await page.getByLabel('Search articles').inputValue()).toBe('migrations');
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
    const row = await ctx.app.db
      .prepare('SELECT helpful, comment FROM article_feedback WHERE slug = ? ORDER BY id DESC')
      .bind('migrations-without-fear')
      .first<{ helpful: number; comment: string }>();
    expect(row).toEqual({ helpful: 1, comment: 'Bookmarked.' });
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/io-article.png'), fullPage: true });
  });
});
