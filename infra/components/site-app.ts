import * as cloudflare from '@pulumi/cloudflare';
import * as pulumi from '@pulumi/pulumi';
import type { AppPlan } from '../plan/types';
import { D1Migrations } from '../resources/d1-migrations';
import { PagesBindings } from '../resources/pages-bindings';
import { PagesDeployment } from './pages-deployment';

export interface SiteAppArgs {
  /**
   * Everything decided about this app by the planner: physical names, binding names, branches, compatibility
   * settings, custom domains, protection, migration files and the build's source hash.
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
}

/**
 * One SvelteKit site: its D1 database and KV namespace, the Pages project binding both (production and preview),
 * custom domains, the D1 migrations, and the build and upload (the upload runs after the migrations).
 *
 * Children are named `<app>-database`, `<app>-kv`, `<app>-pages`, `<app>-migrations`, `<app>-deployment`.
 */
export class SiteApp extends pulumi.ComponentResource {
  readonly projectName: pulumi.Output<string>;
  /** Where the production deployment answers. */
  readonly productionUrl: pulumi.Output<string>;
  /** URL of the latest upload made by this stack. */
  readonly deploymentUrl: pulumi.Output<string>;
  readonly databaseId: pulumi.Output<string>;
  readonly kvNamespaceId: pulumi.Output<string>;
  /** Time Travel bookmark taken before the last migration run: `wrangler d1 time-travel restore <db> --bookmark=…`. */
  readonly migrationBookmark: pulumi.Output<string>;
  readonly database: cloudflare.D1Database;
  readonly kv: cloudflare.WorkersKvNamespace;
  readonly project: cloudflare.PagesProject;
  /** The project's D1/KV bindings as Cloudflare holds them: refreshed and repaired (see {@link PagesBindings}). */
  readonly bindings: PagesBindings;
  readonly migrations: D1Migrations;
  readonly deployment: PagesDeployment;

  constructor(name: string, args: SiteAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super('create-something:index:SiteApp', name, {}, opts);
    const { plan, accountId } = args;
    // Data-bearing resources: with protection a rename (which replaces) or a destroy fails before touching them,
    // and a resource dropped from the program stays in Cloudflare.
    const guarded: pulumi.CustomResourceOptions = { parent: this, protect: plan.protect, retainOnDelete: plan.protect };

    this.database = new cloudflare.D1Database(`${name}-database`, { accountId, name: plan.databaseName }, guarded);
    // A KV title is unique in an account (Cloudflare answers 10014 "already exists"), so a replacement that keeps the
    // title (`pulumi up --replace …-kv`) can only delete the old namespace first. The D1 database keeps the default:
    // a replacement that would wipe a database fails on its name instead of going ahead.
    this.kv = new cloudflare.WorkersKvNamespace(
      `${name}-kv`,
      { accountId, title: plan.kvTitle },
      { ...guarded, deleteBeforeReplace: true },
    );

    const functionsConfig = {
      compatibilityDate: plan.compatibilityDate,
      compatibilityFlags: plan.compatibilityFlags,
      d1Databases: { [plan.bindings.database]: { id: this.database.uuid } },
      kvNamespaces: { [plan.bindings.kv]: { namespaceId: this.kv.id } },
    };
    // Preview deployments (any branch but the production one, even one made by hand) never touch production data:
    // on a protected stack they get no D1 or KV at all. Pull requests are tried on their own review stacks, with
    // their own data, so a preview deployment of a production project has nothing it needs data for; one that
    // reaches for DB or KV fails loudly instead of writing to production.
    const previewConfig = plan.protect
      ? { compatibilityDate: plan.compatibilityDate, compatibilityFlags: plan.compatibilityFlags }
      : functionsConfig;
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
    const environmentBindings = {
      d1Databases: { [plan.bindings.database]: this.database.uuid },
      kvNamespaces: { [plan.bindings.kv]: this.kv.id },
    };
    this.bindings = new PagesBindings(
      `${name}-pages-bindings`,
      {
        accountId,
        projectName: this.project.name,
        ...(args.apiToken !== undefined ? { apiToken: pulumi.secret(args.apiToken) } : {}),
        ...(args.apiBaseUrl ? { apiBaseUrl: args.apiBaseUrl } : {}),
        bindings: {
          production: environmentBindings,
          preview: plan.protect ? { d1Databases: {}, kvNamespaces: {} } : environmentBindings,
        },
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

    this.migrations = new D1Migrations(
      `${name}-migrations`,
      {
        accountId,
        databaseId: this.database.uuid,
        databaseName: plan.databaseName,
        ...(args.apiToken !== undefined ? { apiToken: pulumi.secret(args.apiToken) } : {}),
        ...(args.apiBaseUrl ? { apiBaseUrl: args.apiBaseUrl } : {}),
        files: plan.migrations,
        // Protected data needs a stated reason before a migration destroys any of it (infra/plan/destructive-sql.ts).
        requireDestructiveReason: plan.protect,
      },
      { parent: this },
    );

    this.deployment = new PagesDeployment(
      `${name}-deployment`,
      {
        repoDir: args.repoDir,
        packageDir: plan.dir,
        projectName: this.project.name,
        branch: plan.deployBranch,
        sourceHash: plan.sourceHash,
        projectIdentity: this.project.createdOn,
        deploymentSnapshot: { ...functionsConfig, branch: plan.deployBranch },
        accountId,
        ...(args.apiToken !== undefined ? { apiToken: args.apiToken } : {}),
        ...(args.apiBaseUrl ? { apiBaseUrl: args.apiBaseUrl } : {}),
        // Schema before code: the new build may read columns its migrations add.
        uploadAfter: [this.migrations, this.project, this.bindings],
      },
      { parent: this },
    );

    this.projectName = this.project.name;
    this.productionUrl = plan.localSiteUrl
      ? pulumi.output(plan.localSiteUrl)
      : this.project.subdomain.apply((subdomain) => `https://${subdomain}/`);
    this.deploymentUrl = this.deployment.url;
    this.databaseId = this.database.uuid;
    this.kvNamespaceId = this.kv.id;
    this.migrationBookmark = this.migrations.bookmark;
    this.registerOutputs({
      projectName: this.projectName,
      productionUrl: this.productionUrl,
      deploymentUrl: this.deploymentUrl,
      databaseId: this.databaseId,
      kvNamespaceId: this.kvNamespaceId,
      migrationBookmark: this.migrationBookmark,
    });
  }
}
