/**
 * The binding names every app is deployed with. This is the one place they are written: the Pages projects'
 * deployment configs and the Workers' bindings are built from it, and a test checks that each app's local wrangler
 * config (used by `vite dev`, `wrangler pages dev` and `wrangler types`) declares exactly these.
 */
export const APP_BINDINGS = {
  /** The package's D1 database. */
  database: 'DB',
  /** The package's KV namespace. */
  kv: 'KV',
} as const;

export type AppBindingName = (typeof APP_BINDINGS)[keyof typeof APP_BINDINGS];
