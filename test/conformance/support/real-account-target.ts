import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newPrefix, type Target } from './target.ts';

/** What a run against a real Cloudflare account needs, and what it does without it. */
export const REAL_ACCOUNT_VARIABLES = ['CONFORMANCE_ACCOUNT_ID', 'CONFORMANCE_API_TOKEN'] as const;

export function missingRealAccountVariables(env = process.env): string[] {
  return REAL_ACCOUNT_VARIABLES.filter((name) => !env[name]);
}

/** A new Pages project's *.pages.dev names take a while to answer: this long, at most. */
const SITE_PROPAGATION_MS = 180_000;

/** The real account named by CONFORMANCE_ACCOUNT_ID, with CONFORMANCE_API_TOKEN (and CONFORMANCE_READ_TOKEN). */
export function realAccountTarget(env = process.env): Target {
  return {
    label: 'real account',
    accountId: env.CONFORMANCE_ACCOUNT_ID as string,
    apiToken: env.CONFORMANCE_API_TOKEN as string,
    readOnlyToken: env.CONFORMANCE_READ_TOKEN || undefined,
    apiBaseUrl: undefined,
    prefix: newPrefix(),
    home: mkdtempSync(join(tmpdir(), 'conformance-real-home-')),
    async fetchSite(url, path) {
      const deadline = Date.now() + SITE_PROPAGATION_MS;
      for (;;) {
        try {
          const res = await fetch(new URL(path, url), { redirect: 'manual' });
          const body = await res.text();
          if (res.status === 200 || Date.now() > deadline) return { status: res.status, body };
        } catch (error) {
          if (Date.now() > deadline) throw error; // the name does not resolve yet
        }
        await new Promise((r) => setTimeout(r, 5_000));
      }
    },
  };
}
