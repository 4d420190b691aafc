import { collectMotion, LIMITS, type MotionReport } from './motion.ts';
import { refusalOf } from './public-web.ts';
import { parseReport } from './report.ts';

/** The slice of a puppeteer Browser the extractor uses, so tests can pass a fake one. */
export interface BrowserLike {
  newPage(): Promise<PageLike>;
}

/** One request the browser is about to send. */
export interface OutgoingRequest {
  url: string;
  /** A document load of the top frame: the target itself or a redirect hop of it. */
  topLevel: boolean;
}

export interface PageLike {
  /**
   * Asks `allow` before the browser sends each request of this page (navigations and each redirect hop, frames,
   * subresources, the page's own fetches); a request it refuses is aborted unsent. puppeteer: request interception.
   */
  guardRequests(allow: (request: OutgoingRequest) => boolean): Promise<void>;
  goto(url: string, options: { waitUntil: 'networkidle0' | 'load'; timeout: number }): Promise<unknown>;
  evaluate<A, R>(fn: (arg: A) => R, arg: A): Promise<R>;
  close(): Promise<void>;
}

export const NAVIGATION_TIMEOUT_MS = 20_000;

/** The page (or something it loads) asked for an address off the public web; nothing of it is kept. */
export class RefusedRequest extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly topLevel: boolean,
  ) {
    const what = topLevel ? 'navigation (the target or a redirect)' : 'subresource or frame request';
    super(`refused the page's ${what} to ${url.slice(0, 200)}: ${reason}`);
  }
}

/** The page could not be loaded; the message is ours, the browser's own text is not passed on. */
export class NavigationFailed extends Error {}

/**
 * Opens `url` in a new tab of `browser` with every request checked against the public-web rule, collects its CSS
 * motion, validates and caps what the page returned, and always closes the tab. Any refused request fails the whole
 * extraction: a page that reaches for a private address is not reported on.
 */
export async function extractMotion(browser: BrowserLike, url: string): Promise<MotionReport> {
  const page = await browser.newPage();
  const refused: RefusedRequest[] = [];
  try {
    await page.guardRequests(({ url: requested, topLevel }) => {
      const reason = refusalOf(requested);
      if (reason) refused.push(new RefusedRequest(requested, reason, topLevel));
      return reason === null;
    });
    try {
      await page.goto(url, { waitUntil: 'networkidle0', timeout: NAVIGATION_TIMEOUT_MS });
    } catch (error) {
      throw refused[0] ?? new NavigationFailed(navigationProblem(error));
    }
    if (refused[0]) throw refused[0];
    let found: unknown;
    try {
      found = await page.evaluate(collectMotion, LIMITS);
    } catch {
      // E.g. the page navigated away while its styles were read.
      throw refused[0] ?? new NavigationFailed("could not read the page's styles: the page changed while it was read");
    }
    if (refused[0]) throw refused[0];
    return parseReport(url, found);
  } finally {
    await page.close();
  }
}

/** Chromium's net:: codes that say something useful in plain words; anything else is reported generically. */
const NET_ERRORS: [RegExp, string][] = [
  [/ERR_NAME_NOT_RESOLVED/, 'the host name does not resolve'],
  [/ERR_CONNECTION_REFUSED/, 'the server refused the connection'],
  [/ERR_CONNECTION_(RESET|CLOSED)/, 'the server closed the connection'],
  [/ERR_CERT_|ERR_SSL_/, 'the site has no valid TLS certificate'],
  [/ERR_TOO_MANY_REDIRECTS/, 'the page redirects too often'],
  [/TimeoutError|[Tt]imeout|ERR_TIMED_OUT/, `the page did not finish loading within ${NAVIGATION_TIMEOUT_MS / 1000} s`],
];

function navigationProblem(error: unknown): string {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  const known = NET_ERRORS.find(([pattern]) => pattern.test(text));
  return `could not load the page: ${known ? known[1] : 'the browser reported a load failure'}`;
}
