import type * as Cloudflare from '@pulumi/cloudflare';
import type * as pulumi from '@pulumi/pulumi';
import type CloudflareApi from 'cloudflare';

/**
 * What every binding kind (one file each in this folder) tells the rest of the program. The inventory, the planner,
 * the components, the bindings provider, adoption and `pnpm wrangler` iterate over the kinds in `index.ts` and ask
 * them; none of them names a kind. Kind files import types only (the Pulumi SDKs come in through `DeclareContext`), so
 * the provider plugin can read their Pages shapes without loading `@pulumi/cloudflare`.
 */

/** Which wrangler config a binding is declared in: a Pages app's own, or one of its Workers'. */
export type Scope = 'app' | 'worker';

/** Where a wrangler config is, for reading it and for messages. */
export interface ConfigPlace {
  /** The config file's path, named in every error. */
  file: string;
  scope: Scope;
  /** The package the config belongs to (`space`): resources are the package's, shared by its app and Workers. */
  app: string;
}

/** One binding as a wrangler config declares it. */
export interface DeclaredBinding {
  /** {@link BindingKind.kind}. */
  kind: string;
  /** The name the code reads: `env.<name>`. */
  name: string;
  /**
   * Kinds with a resource per stack: the resource's production name as the config gives it (D1 `database_name`,
   * R2 `bucket_name`, queue name; KV has none in wrangler's config, so the kind derives one). The app and its Workers
   * share a resource by this name.
   */
  resource?: string;
  /** What else the binding carries, as the config gives it: a var's text, a rate limit, a service's script. */
  settings?: Readonly<Record<string, string | number>>;
}

/** A resource a stack provisions for a package, shared by every binding to it in the app and its Workers. */
export interface StackResource {
  kind: string;
  /** Production name, as declared ({@link DeclaredBinding.resource}). */
  resource: string;
  /** Pulumi's name for it, stable across stacks: existing stacks keep `<app>-database` and `<app>-kv`. */
  logicalName: string;
  /** Its name in the stack's account: the production name plus the stack's suffix. */
  physicalName: string;
  /** `protect` + `retainOnDelete` (the stack's protection: these resources hold data). */
  protect: boolean;
}

/** What a component passes to a kind to declare its resource. */
export interface DeclareContext {
  cloudflare: typeof Cloudflare;
  accountId: string;
  opts: pulumi.CustomResourceOptions;
}

/** A declared resource and the value bindings refer to it by (D1 uuid, KV id, bucket name, queue name). */
export interface DeclaredResource {
  resource: pulumi.CustomResource;
  ref: pulumi.Output<string>;
  /** What a queue consumer needs besides the name: the queue's id. */
  id: pulumi.Output<string>;
}

/** What adoption finds in an account under a physical name. */
export interface FoundByName {
  id: string;
  jurisdiction?: string | null;
  version?: string;
}

/** A resource as it is on one stack: the value bindings refer to it by, and its name in the account. */
export interface StackTarget {
  ref: string;
  physicalName: string;
}

/** What the planner knows that a binding's value may depend on. */
export interface PlanContext {
  /** The config the binding is declared in, for messages. */
  file: string;
  /** The script name of one of the package's Workers on this stack; undefined when it is not enabled there. */
  workerScript(worker: string): string | undefined;
}

/** How a resource kind is provisioned, found and adopted. */
export interface ResourceKind {
  /** Pulumi type token, for URNs and `pulumi import`. */
  type: string;
  /** What people call it (`R2 bucket`), in adoption's table and messages. */
  label: string;
  /** Whether the state's id is what `find` reports as `id` (adoption then tells another resource of the name apart). */
  idInState: boolean;
  /** Why adoption must refuse what `find` found (`what` names it), or undefined when the program can manage it. */
  adoptionProblem?(found: FoundByName, what: string): string | undefined;
  /** `<app>-<word>[-<rest>]`, see {@link StackResource.logicalName}. */
  logicalName(app: string, resource: string): string;
  /** Cloudflare's rule for the name, checked before any resource is declared; a message naming the fix, or none. */
  nameProblem(physicalName: string): string | undefined;
  declare(name: string, spec: StackResource, ctx: DeclareContext): DeclaredResource;
  /** Adoption: what the account holds under the name. */
  find(cf: CloudflareApi, accountId: string, physicalName: string): Promise<FoundByName[]>;
  /** The id `pulumi import` takes. */
  importId(accountId: string, found: FoundByName, physicalName: string): string;
  /** The value bindings refer to a resource found by name with ({@link DeclaredResource.ref}). */
  refOf(found: FoundByName, physicalName: string): string;
}

/**
 * A Pages deployment config entry. `program` is the `cloudflare.PagesProject` input (camelCase), `api` the same entry
 * as Cloudflare's API holds it (the bindings provider reads and repairs it).
 */
export interface PagesShape {
  /** `deploymentConfigs.<env>.<programKey>` in the Pulumi provider. */
  programKey: string;
  /** `deployment_configs.<env>.<apiKey>` in Cloudflare's API. */
  apiKey: string;
  /** Key of this kind's map in the bindings record's state (`d1Databases`, `kvNamespaces`, `r2Buckets`, …). */
  stateKey: string;
  program(value: pulumi.Input<string>): Record<string, unknown>;
  api(value: string): Record<string, unknown>;
  /** The value an API entry binds (an id, a name, a var's text); undefined when the entry is not of this kind. */
  live(entry: Record<string, unknown>): string | undefined;
}

export interface BindingKind {
  kind: string;
  /** The top-level wrangler config key it is declared under (`r2_buckets`; `queues` for producers). */
  configKey: string;
  /** Where it is supported. */
  scopes: readonly Scope[];
  /** The bindings `value` (the config's `configKey`) declares; errors name the file, the key and the fix. */
  read(value: unknown, place: ConfigPlace): DeclaredBinding[];
  /** Kinds with a resource per stack. */
  resource?: ResourceKind;
  /**
   * How it is bound in a Pages deployment config. `value` is the resource's ref, a var's text or a secret's value.
   * Absent: not a Pages binding (Workers only).
   */
  pages?: PagesShape;
  /** Whether a preview deployment of a protected stack gets it: never for data or credentials. */
  inProtectedPreview: boolean;
  /** How it is bound in a Worker (`cloudflare.WorkersScript` `bindings[]`). `value` as for `pages`. */
  worker?(binding: DeclaredBinding, value: pulumi.Input<string> | undefined): Record<string, unknown>;
  /**
   * Kinds without a resource: the value the binding takes, decided when planning (a var's text, a service's script
   * name on this stack; '' when there is none, as for browser or ai). Secrets take their value from config instead.
   */
  planValue?(binding: DeclaredBinding, stack: PlanContext): string;
  /**
   * `pnpm wrangler`: whether a wrangler command (its arguments) reads or writes this kind's data in wrangler's local
   * copy unless told `--remote`; `pnpm wrangler` then adds `--remote`, so the command acts on the stack's resource.
   */
  localByDefault?(args: readonly string[]): boolean;
  /**
   * `pnpm wrangler`: the config entry naming the stack's resource, in wrangler's own keys (`packageDir` absolute, for
   * paths in the entry).
   */
  wrangler?(binding: DeclaredBinding, target: StackTarget, packageDir: string): Record<string, unknown>;
}

/** Reads `value` as a list of objects, or fails naming the file and key. */
export function listOf(value: unknown, place: ConfigPlace, key: string): Record<string, unknown>[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null || Array.isArray(v))) {
    throw new Error(`${place.file}: ${key} must be a list of objects, as in wrangler's configuration.`);
  }
  return value as Record<string, unknown>[];
}

/** A required string field of one entry, or an error naming file, key, entry and the fix. */
export function field(entry: Record<string, unknown>, name: string, place: ConfigPlace, where: string): string {
  const value = entry[name];
  if (typeof value !== 'string' || value === '') {
    throw new Error(
      `${place.file}: ${where}.${name} is missing or not a string. Set it, as wrangler's configuration documents.`,
    );
  }
  return value;
}

/** `createsomething-space-media` in package `space` → `-media`; the package's own name → ''; anything else `-<it>`. */
export function nameRest(app: string, resource: string): string {
  const own = `createsomething-${app}`;
  if (resource === own) return '';
  if (resource.startsWith(`${own}-`)) return resource.slice(own.length);
  return `-${resource}`;
}
