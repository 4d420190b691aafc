import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchCsp } from './browser.ts';

// The apps' browser tests pass only when watchCsp reports no violation; this shows it does report one.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`\n!!! SKIPPING the CSP watcher test: no Chromium at ${CHROMIUM}.\n`);

describe.skipIf(!hasChromium)('watchCsp', () => {
  let server: Server;
  let browser: Browser;
  let origin: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const headers: Record<string, string> = { 'content-type': 'text/html' };
      if (req.url !== '/no-csp') headers['content-security-policy'] = "default-src 'self'";
      res.writeHead(200, headers).end('<!doctype html><title>t</title><p style="color: red">x</p><script>1</script>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-background-networking', '--headless'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('reports an inline script and an inline style the policy blocks, and a document without a policy', async () => {
    const page = await browser.newPage();
    const watch = await watchCsp(page);
    await page.goto(`${origin}/`);
    const violations = await watch.violations();
    expect(violations.some((v) => /script-src/.test(v))).toBe(true);
    expect(violations.some((v) => /style-src/.test(v))).toBe(true);
    expect(watch.documentsWithoutCsp).toEqual([]);
    await page.goto(`${origin}/no-csp`);
    expect(watch.documentsWithoutCsp).toEqual([`${origin}/no-csp`]);
    await page.close();
  });
});
