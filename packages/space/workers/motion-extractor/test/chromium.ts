import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import type { BrowserLike } from '../src/extract.ts';

/**
 * Debian's Chromium standing in for Browser Rendering. The fixture sites are served on 127.0.0.1, which the
 * public-web rule refuses, so Chromium is told to resolve a public-looking name (`site.example`, port 80 in the URL)
 * to the fixture server instead: the extractor then sees the same URLs it would see on the internet.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`\n!!! SKIPPING the in-browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium).\n`);
}

export const SITE = 'http://site.example';

export interface Fixture {
  origin: string;
  hits: string[];
  server: Server;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 (a free port) that records every path it is asked for. */
export async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Fixture> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Headless Chromium resolving `site.example` to `site` (every other name or address goes where it really goes). */
export function launchChromium(site: Fixture): Promise<Browser> {
  const { port } = site.server.address() as AddressInfo;
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--headless',
      `--host-resolver-rules=MAP site.example 127.0.0.1:${port}`,
    ],
  });
}

/**
 * A Playwright page in the puppeteer shape extractMotion expects. The request guard uses the DevTools Fetch domain,
 * which is what puppeteer's request interception is built on: every request pauses before it is sent, each redirect
 * hop as a request of its own (Playwright's `page.route` does not show redirect hops, so it is not used here).
 */
export function adapt(browser: Browser): BrowserLike {
  return {
    async newPage() {
      const page = await browser.newPage();
      return {
        async guardRequests(allow) {
          const cdp = await page.context().newCDPSession(page);
          const { frameTree } = await cdp.send('Page.getFrameTree');
          cdp.on('Fetch.requestPaused', (event) => {
            const topLevel = event.resourceType === 'Document' && event.frameId === frameTree.frame.id;
            const answer = allow({ url: event.request.url, topLevel })
              ? cdp.send('Fetch.continueRequest', { requestId: event.requestId })
              : cdp.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'BlockedByClient' });
            // The page may already be closing when a late request is answered.
            answer.catch(() => {});
          });
          await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*', requestStage: 'Request' }] });
        },
        goto: (url, { timeout }) => page.goto(url, { waitUntil: 'networkidle', timeout }),
        evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
        close: () => page.close(),
      };
    },
  };
}
