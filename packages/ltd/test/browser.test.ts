import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describeInBrowser, holdHydration } from '@create-something/app-kit/test/browser';
import { expect, it } from 'vitest';
import { ROOT, startApp } from './harness.ts';

describeInBrowser(startApp, (ctx) => {
  it('subscribes to the newsletter through the form', async () => {
    const page = await ctx.newPage({ viewport: { width: 1100, height: 900 } });
    // Typed before the page hydrates: hydration must keep it (it used to clear it, and the form never went out).
    const hydration = await holdHydration(page);
    await page.goto(new URL('/', ctx.app.url).href, { waitUntil: 'commit' });
    await page.getByRole('heading', { name: 'Make it real' }).waitFor();
    await page.getByLabel('Email').fill('friend@example.org');
    await hydration.release();
    expect(await page.getByLabel('Email').inputValue()).toBe('friend@example.org');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('friend@example.org is on the list. See you next month.').waitFor();
    const row = await ctx.app.db.prepare('SELECT email FROM subscribers').first<{ email: string }>();
    expect(row?.email).toBe('friend@example.org');
    mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/ltd-subscribed.png'), fullPage: true });
  });
});
