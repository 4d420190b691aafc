// A separate entry point because its types pull in the official SDK's (large) declarations.
import type Cloudflare from 'cloudflare';
import { sdks } from './sdk-registry.js';
import type { CloudflareClient } from './types.js';

/** The configured official SDK client behind `cf` (same token, base URL, retries and timeout). */
export function officialSdk(cf: CloudflareClient): Cloudflare {
  const sdk = sdks.get(cf);
  if (!sdk) throw new TypeError('officialSdk() needs a client made by createCloudflare().');
  return sdk;
}
