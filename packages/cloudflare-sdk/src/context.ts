import type Cloudflare from 'cloudflare';

/** What every area (kv, d1, pages) shares: the configured SDK client, the account, and lookup caches. */
export interface ClientContext {
  sdk: Cloudflare;
  accountId: string;
  /** name → id, filled by resolvers so repeated calls by name cost one listing per client. */
  d1Ids: Map<string, string>;
  kvIds: Map<string, string>;
}
