import { collectMotion, LIMITS, type MotionReport } from './motion.ts';

/** The slice of a puppeteer Browser the extractor uses, so tests can pass a fake one. */
export interface BrowserLike {
  newPage(): Promise<PageLike>;
}

export interface PageLike {
  goto(url: string, options: { waitUntil: 'networkidle0' | 'load'; timeout: number }): Promise<unknown>;
  evaluate<A, R>(fn: (arg: A) => R, arg: A): Promise<R>;
  close(): Promise<void>;
}

export const NAVIGATION_TIMEOUT_MS = 20_000;

/** Opens `url` in a new tab of `browser`, collects its CSS motion and always closes the tab. */
export async function extractMotion(browser: BrowserLike, url: string): Promise<MotionReport> {
  const page = await browser.newPage();
  try {
    await page.goto(url, { waitUntil: 'networkidle0', timeout: NAVIGATION_TIMEOUT_MS });
    const found = await page.evaluate(collectMotion, LIMITS);
    return { url, ...found };
  } finally {
    await page.close();
  }
}
