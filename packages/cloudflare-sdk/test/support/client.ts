import { type CloudflareOptions, createCloudflare } from '../../src/index.js';
import { ACCOUNT, type FakeCloudflareApi, TOKEN } from './fake-api.js';

/** A client pointed at the fake API, with retries off unless a test asks for them. */
export function clientFor(api: FakeCloudflareApi, options: CloudflareOptions = {}) {
  return createCloudflare({
    env: { CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_BASE_URL: api.url },
    maxRetries: 0,
    ...options,
  });
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
