import Cloudflare from 'cloudflare';
import { type CloudflareOptions, resolveConfig } from './config.js';
import type { ClientContext } from './context.js';
import { createD1 } from './d1.js';
import { createKv } from './kv.js';
import { createPages } from './pages.js';
import { sdks } from './sdk-registry.js';
import type { CloudflareClient } from './types.js';

/**
 * A client for composed Cloudflare operations. Reads credentials from `options` or the environment
 * (`CLOUDFLARE_API_TOKEN`, `CLOUDFLARE_ACCOUNT_ID`, `CLOUDFLARE_BASE_URL` / `CLOUDFLARE_API_BASE_URL`) and
 * throws CloudflareConfigError, before any request, when something is missing.
 */
export function createCloudflare(options: CloudflareOptions = {}): CloudflareClient {
  const config = resolveConfig(options);
  const sdk = new Cloudflare({
    apiToken: config.apiToken,
    // Explicit nulls: otherwise the SDK also picks up CLOUDFLARE_API_KEY / CLOUDFLARE_EMAIL from the environment
    // and sends a second, conflicting set of credentials.
    apiKey: null,
    apiEmail: null,
    userServiceKey: null,
    baseURL: config.baseUrl ?? null,
    maxRetries: config.maxRetries,
    timeout: config.timeoutMs,
  });
  const ctx: ClientContext = { sdk, accountId: config.accountId, d1Ids: new Map(), kvIds: new Map() };
  const client: CloudflareClient = {
    kv: createKv(ctx),
    d1: createD1(ctx),
    pages: createPages(ctx),
    accountId: config.accountId,
    baseUrl: sdk.baseURL,
  };
  sdks.set(client, sdk);
  return client;
}
