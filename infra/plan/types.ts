import type { DeclaredBinding, QueueConsumerDeclaration, StackResource } from '../bindings';

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
  /** Every binding the app's wrangler config declares (see infra/bindings/). */
  bindings: DeclaredBinding[];
  /** Hash of everything that goes into the build (see `source-hash.ts`). */
  sourceHash: string;
  /**
   * Migrations of each D1 database the app declares, by its production name: the `*.sql` files of the binding's
   * `migrations_dir` (wrangler's default `migrations`), in the order wrangler applies them.
   */
  migrations: Record<string, MigrationFile[]>;
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
  /** Every binding the Worker's wrangler config declares (see infra/bindings/). */
  bindings: DeclaredBinding[];
  /** The queues it consumes (`queues.consumers`). */
  consumers: QueueConsumerDeclaration[];
  sourceHash: string;
}

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
  /** The package's resources on this stack (D1, KV, R2, queues), shared by the app and its Workers. */
  resources: PlannedResource[];
  /** The app's bindings, each with its value or where it comes from. */
  bindings: PlannedBinding[];
  productionBranch: string;
  deployBranch: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  customDomains: string[];
  /** `protect` + `retainOnDelete` on the data resources and the Pages project. */
  protect: boolean;
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
  bindings: PlannedBinding[];
  /** Queues it consumes: the logical name of each queue resource, with the delivery settings. */
  consumers: (Omit<QueueConsumerDeclaration, 'queue'> & { queue: string })[];
  sourceHash: string;
  /** Where the Worker answers, when known: always on the emulator, on Cloudflare once the workers.dev subdomain is configured. */
  url?: string;
}

/** A resource of the stack's plan; a D1 database carries the migrations to apply to it. */
export interface PlannedResource extends StackResource {
  migrations?: MigrationFile[];
}

/** A binding of the plan: where its value comes from. */
export interface PlannedBinding extends DeclaredBinding {
  /** Bound to a stack resource: its logical name. */
  resourceName?: string;
  /** Secrets: the stack config key holding the value. */
  configKey?: string;
  /** Decided when planning: a var's text, a service's script name ('' when there is no value: browser, ai). */
  value?: string;
}
