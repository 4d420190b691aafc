// The generated worker-configuration.d.ts names runtime types globally; point them at @cloudflare/workers-types.
import type {
  BrowserRun as CfBrowserRun,
  D1Database as CfD1Database,
  KVNamespace as CfKVNamespace,
  R2Bucket as CfR2Bucket,
  RateLimit as CfRateLimit,
} from '@cloudflare/workers-types';

declare global {
  type D1Database = CfD1Database;
  type KVNamespace<K extends string = string> = CfKVNamespace<K>;
  type BrowserRun = CfBrowserRun;
  type RateLimit = CfRateLimit;
  type R2Bucket = CfR2Bucket;
}
