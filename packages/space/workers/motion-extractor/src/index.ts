import puppeteer, { type BrowserWorker } from '@cloudflare/puppeteer';
import { handle, type Launch } from './handler.ts';

/** Browser Rendering through @cloudflare/puppeteer; the binding is the only way in (no local browser download). */
const launch: Launch = async (binding) => {
  const browser = await puppeteer.launch(binding as unknown as BrowserWorker);
  return {
    async newPage() {
      const page = await browser.newPage();
      return {
        async guardRequests(allow) {
          await page.setRequestInterception(true);
          page.on('request', (request) => {
            const topLevel = request.isNavigationRequest() && request.frame() === page.mainFrame();
            if (allow({ url: request.url(), topLevel })) void request.continue();
            else void request.abort('blockedbyclient');
          });
        },
        goto: (url, options) => page.goto(url, options),
        // puppeteer's evaluate is typed over serialisable handles; our collector takes and returns plain JSON.
        evaluate: (fn, arg) => page.evaluate(fn as never, arg as never) as never,
        close: () => page.close(),
      };
    },
    close: () => browser.close(),
  };
};

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    return handle(request, env, launch);
  },
};
