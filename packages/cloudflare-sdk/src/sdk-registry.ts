import type Cloudflare from 'cloudflare';
import type { CloudflareClient } from './types.js';

// Which official SDK client backs which `cf`; kept out of CloudflareClient's type so the main entry's
// declarations never mention the official SDK's types.
export const sdks = new WeakMap<CloudflareClient, Cloudflare>();
