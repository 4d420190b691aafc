import type { WorkerSecret } from './worker-secrets';

/** What the inventory found on disk: the facts the planner needs, read once, no Pulumi involved. */
export interface Inventory {
  /** Absolute path of the repository root. */
  rootDir: string;
  apps: AppSource[];
}

/** One SvelteKit app under `packages/<name>/`. */
export interface AppSource {
  /** Package folder name: `space`, `io`, `agency`, `ltd`. */
  name: string;
  /** Folder relative to the repository root, with forward slashes: `packages/space`. */
  dir: string;
  /** From the app's wrangler config. */
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** Binding names the app's wrangler config declares for D1 and KV (checked against {@link APP_BINDINGS}). */
  declaredBindings: { d1: string[]; kv: string[] };
  /** Hash of everything that goes into the build (see `source-hash.ts`). */
  sourceHash: string;
  /** `migrations/*.sql`, in the order wrangler applies them. */
  migrations: MigrationFile[];
  workers: WorkerSource[];
}

export interface MigrationFile {
  /** File name, which is also what wrangler records in `d1_migrations.name`. */
  name: string;
  sha256: string;
  sql: string;
}

/** One standalone Worker under `packages/<app>/workers/<name>/`. */
export interface WorkerSource {
  name: string;
  /** Folder relative to the repository root. */
  dir: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** Bindings the Worker declares beyond the package's D1 and KV (from its wrangler config). */
  extraBindings: WorkerExtraBinding[];
  sourceHash: string;
}

export type WorkerExtraBinding = { type: 'browser'; name: string } | { type: 'plain_text'; name: string; text: string };

/** Account-specific settings, validated from Pulumi config (see `infra/config.ts`). */
export interface TargetConfig {
  accountId: string;
  /** Set only when the stack talks to something other than Cloudflare (the local emulator). */
  apiBaseUrl?: string;
  /** The account's workers.dev subdomain (`<sub>.workers.dev`), to report Worker URLs on Cloudflare. */
  workersDevSubdomain?: string;
}

/** The whole deployment, decided before any resource is declared. */
export interface DeploymentPlan {
  stack: string;
  accountId: string;
  apiBaseUrl?: string;
  apps: AppPlan[];
}

export interface AppPlan {
  /** Package name, used as the component's logical name. */
  name: string;
  dir: string;
  projectName: string;
  databaseName: string;
  kvTitle: string;
  bindings: { database: string; kv: string };
  productionBranch: string;
  deployBranch: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  customDomains: string[];
  /** `protect` + `retainOnDelete` on the D1 database, KV namespace and Pages project. */
  protect: boolean;
  migrations: MigrationFile[];
  sourceHash: string;
  /** Where the production site answers, when it can be known before deploying (emulator); else from the project. */
  localSiteUrl?: string;
  workers: WorkerPlan[];
}

export interface WorkerPlan {
  /** Logical name, unique in the stack: `<app>-<worker>`. */
  logicalName: string;
  app: string;
  name: string;
  dir: string;
  scriptName: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  extraBindings: WorkerExtraBinding[];
  /** Secret bindings and the config keys their values come from (see `worker-secrets.ts`). */
  secrets: readonly WorkerSecret[];
  sourceHash: string;
  /** Where the Worker answers, when known: always on the emulator, on Cloudflare once the workers.dev subdomain is configured. */
  url?: string;
}
