// App.Platform is typed from worker-configuration.d.ts, which `pnpm types` generates from wrangler.jsonc.
import type {
  D1Database as CfD1Database,
  KVNamespace as CfKVNamespace,
  Queue as CfQueue,
} from '@cloudflare/workers-types';

declare global {
  // The generated Env refers to these runtime types by their global names; point them at workers-types
  // without pulling its global Request/Response declarations into the browser-side code.
  type D1Database = CfD1Database;
  type KVNamespace<K extends string = string> = CfKVNamespace<K>;
  type Queue<Body = unknown> = CfQueue<Body>;

  namespace App {
    interface Error {
      message: string;
    }
    interface Platform {
      env: Env;
    }
  }
}
