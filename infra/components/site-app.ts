import * as cloudflare from '@pulumi/cloudflare';
import * as pulumi from '@pulumi/pulumi';
import { type DeclaredResource, kindOf } from '../bindings';
import { SECRET_IS_SET } from '../bindings/secrets';
import { inProtectedPreview } from '../plan/plan-bindings';
import type { AppPlan, PlannedBinding } from '../plan/types';
import { D1Migrations } from '../resources/d1-migrations';
import { PagesBindings } from '../resources/pages-bindings';
import { bindingValue } from './binding-value';
import { PagesDeployment } from './pages-deployment';

export interface SiteAppArgs {
  /**
   * Everything decided about this app by the planner: physical names, the package's resources and the app's
   * bindings, branches, compatibility settings, custom domains, protection, migration files and the build's hash.
   */
  plan: AppPlan;
  /** Cloudflare account that owns every resource (always passed explicitly, never inferred from the token). */
  accountId: string;
  /** Used by the migrations resource and the upload (as a secret); the Cloudflare provider reads its own config. */
  apiToken?: pulumi.Input<string>;
  /** Non-Cloudflare API endpoint (the local emulator), passed to the migrations and the upload. */
  apiBaseUrl?: string;
  /** The repository root relative to the program's working directory, where the upload command runs. */
  repoDir: string;
  /**
   * The value of each secret the app declares, by config key (see `secretConfigKey`): bound as `secret_text` in the
   * production deployment config. Wrapped in `pulumi.secret` here: encrypted in the state, never in a log.
   * @default {}
   */
  secrets?: Readonly<Record<string, string>>;
}

/**
 * One SvelteKit site: the package's resources (one per D1 database, KV namespace, R2 bucket and queue its configs
 * declare: see infra/bindings/), the Pages project binding them (production and preview), custom domains, the D1
 * migrations, and the build and upload (the upload runs after the migrations).
 *
 * Children are named `<app>-database`, `<app>-kv`, `<app>-bucket-<name>`, `<app>-queue-<name>` (each kind's
 * `logicalName`), `<app>-pages`, `<app>-pages-bindings`, `<app>-migrations`, `<app>-deployment`.
 */
export class SiteApp extends pulumi.ComponentResource {
  readonly projectName: pulumi.Output<string>;
  /** Where the production deployment answers. */
  readonly productionUrl: pulumi.Output<string>;
  /** URL of the latest upload made by this stack. */
  readonly deploymentUrl: pulumi.Output<string>;
  /** The package's resources by logical name, with the value bindings refer to each by. */
  readonly resources: Readonly<Record<string, DeclaredResource>>;
  /** Time Travel bookmark taken before the last migration run: `wrangler d1 time-travel restore <db> --bookmark=…`. */
  readonly migrationBookmark: pulumi.Output<string>;
  readonly project: cloudflare.PagesProject;
  /** The project's bindings as Cloudflare holds them: refreshed and repaired (see {@link PagesBindings}). */
  readonly bindings: PagesBindings;
  /** One per D1 database with migrations; the app's Workers and its upload wait for all of them. */
  readonly migrations: D1Migrations[];
  readonly deployment: PagesDeployment;

  constructor(name: string, args: SiteAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super('create-something:index:SiteApp', name, {}, opts);
    const { plan, accountId } = args;
    // Data-bearing resources: with protection a rename (which replaces) or a destroy fails before touching them,
    // and a resource dropped from the program stays in Cloudflare.
    const guarded: pulumi.CustomResourceOptions = { parent: this, protect: plan.protect, retainOnDelete: plan.protect };

    const resources: Record<string, DeclaredResource> = {};
    for (const spec of plan.resources) {
      const kind = kindOf(spec.kind).resource;
      if (!kind) throw new Error(`${spec.kind} has no resource to declare`);
      resources[spec.logicalName] = kind.declare(spec.logicalName, spec, { cloudflare, accountId, opts: guarded });
    }
    this.resources = resources;
    const valueOfBinding = (binding: PlannedBinding) => bindingValue(binding, resources, args.secrets);

    const compatibility = { compatibilityDate: plan.compatibilityDate, compatibilityFlags: plan.compatibilityFlags };
    // Preview deployments (any branch but the production one, even one made by hand) never touch production data
    // or credentials: on a protected stack they get no D1, KV, R2, queue, service or secret at all. Pull requests are
    // tried on their own review stacks, with their own data, so a preview deployment of a production project has
    // nothing it needs data for; one that reaches for it fails loudly instead of writing to production.
    const previewBindings = plan.protect ? plan.bindings.filter(inProtectedPreview) : plan.bindings;
    const functionsConfig = { ...compatibility, ...pagesConfig(plan.bindings, valueOfBinding) };
    const previewConfig = { ...compatibility, ...pagesConfig(previewBindings, valueOfBinding) };
    this.project = new cloudflare.PagesProject(
      `${name}-pages`,
      {
        accountId,
        name: plan.projectName,
        productionBranch: plan.productionBranch,
        deploymentConfigs: { production: functionsConfig, preview: previewConfig },
      },
      guarded,
    );
    const secretValues = Object.fromEntries(
      plan.bindings.filter((b) => b.kind === 'secret').map((b) => [b.name, valueOfBinding(b)]),
    );
    this.bindings = new PagesBindings(
      `${name}-pages-bindings`,
      {
        accountId,
        projectName: this.project.name,
        ...(args.apiToken !== undefined ? { apiToken: pulumi.secret(args.apiToken) } : {}),
        ...(args.apiBaseUrl ? { apiBaseUrl: args.apiBaseUrl } : {}),
        bindings: {
          production: recordOf(plan.bindings, valueOfBinding),
          preview: recordOf(previewBindings, valueOfBinding),
        },
        ...(Object.keys(secretValues).length > 0 ? { secretValues: pulumi.secret(secretValues) } : {}),
      },
      { parent: this, dependsOn: [this.project] },
    );
    for (const domain of plan.customDomains) {
      new cloudflare.PagesDomain(
        `${name}-domain-${domain}`,
        { accountId, projectName: this.project.name, name: domain },
        { parent: this },
      );
    }

    this.migrations = plan.resources.flatMap((spec) => {
      if (!spec.migrations) return [];
      const database = resources[spec.logicalName] as DeclaredResource;
      return [
        new D1Migrations(
          // `<app>-database[-x]` → `<app>-migrations[-x]`: the primary database keeps the name existing stacks hold.
          spec.logicalName.replace(`${name}-database`, `${name}-migrations`),
          {
            accountId,
            databaseId: database.ref,
            databaseName: spec.physicalName,
            ...(args.apiToken !== undefined ? { apiToken: pulumi.secret(args.apiToken) } : {}),
            ...(args.apiBaseUrl ? { apiBaseUrl: args.apiBaseUrl } : {}),
            files: spec.migrations,
            // Protected data needs a stated reason before a migration destroys any of it (infra/plan/destructive-sql.ts).
            requireDestructiveReason: plan.protect,
          },
          { parent: this },
        ),
      ];
    });

    this.deployment = new PagesDeployment(
      `${name}-deployment`,
      {
        repoDir: args.repoDir,
        packageDir: plan.dir,
        projectName: this.project.name,
        branch: plan.deployBranch,
        sourceHash: plan.sourceHash,
        projectIdentity: this.project.createdOn,
        // A secret's value is in it: the snapshot's hash is then a secret output, encrypted in the state.
        deploymentSnapshot: { ...functionsConfig, branch: plan.deployBranch },
        accountId,
        ...(args.apiToken !== undefined ? { apiToken: args.apiToken } : {}),
        ...(args.apiBaseUrl ? { apiBaseUrl: args.apiBaseUrl } : {}),
        // Schema before code: the new build may read columns its migrations add.
        uploadAfter: [...this.migrations, this.project, this.bindings],
      },
      { parent: this },
    );

    this.projectName = this.project.name;
    this.productionUrl = plan.localSiteUrl
      ? pulumi.output(plan.localSiteUrl)
      : this.project.subdomain.apply((subdomain) => `https://${subdomain}/`);
    this.deploymentUrl = this.deployment.url;
    this.migrationBookmark = this.migrations[0]?.bookmark ?? pulumi.output('');
    this.registerOutputs({
      projectName: this.projectName,
      productionUrl: this.productionUrl,
      deploymentUrl: this.deploymentUrl,
      migrationBookmark: this.migrationBookmark,
    });
  }

  /** The value bindings refer to a resource of this package by (see {@link resources}), when it has one. */
  refOf(logicalName: string): pulumi.Output<string> | undefined {
    return this.resources[logicalName]?.ref;
  }
}

/** A Pages deployment config's bindings (`d1Databases`, `r2Buckets`, `envVars`, …) in the Pulumi provider's keys. */
function pagesConfig(
  bindings: readonly PlannedBinding[],
  valueOfBinding: (binding: PlannedBinding) => pulumi.Input<string>,
): Record<string, Record<string, unknown>> {
  const config: Record<string, Record<string, unknown>> = {};
  for (const binding of bindings) {
    const shape = kindOf(binding.kind).pages;
    if (!shape) throw new Error(`${binding.kind} bindings cannot be bound in a Pages project`);
    config[shape.programKey] = { ...config[shape.programKey], [binding.name]: shape.program(valueOfBinding(binding)) };
  }
  return config;
}

/** What the bindings record compares for an environment: each kind's map of names to values (a secret: that it is set). */
function recordOf(
  bindings: readonly PlannedBinding[],
  valueOfBinding: (binding: PlannedBinding) => pulumi.Input<string>,
): Record<string, Record<string, pulumi.Input<string>>> {
  // The two maps a state written before bindings were data has, always present so such a state compares equal.
  const record: Record<string, Record<string, pulumi.Input<string>>> = { d1Databases: {}, kvNamespaces: {} };
  for (const binding of bindings) {
    const shape = kindOf(binding.kind).pages;
    if (!shape) continue;
    const value = binding.kind === 'secret' ? SECRET_IS_SET : valueOfBinding(binding);
    record[shape.stateKey] = { ...record[shape.stateKey], [binding.name]: value };
  }
  return record;
}
