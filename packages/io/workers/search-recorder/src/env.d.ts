// The generated worker-configuration.d.ts names runtime types globally; point them at @cloudflare/workers-types.
import type { D1Database as CfD1Database } from '@cloudflare/workers-types';

declare global {
  type D1Database = CfD1Database;
}
