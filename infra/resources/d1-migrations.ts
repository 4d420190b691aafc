import * as pulumi from '@pulumi/pulumi';
import type { MigrationFingerprint } from '../plan/migrations';
import type { D1MigrationsInputs } from '../provider/d1-migrations';
import { PROVIDER_VERSION, TYPES } from '../provider/identity';

export type D1MigrationsArgs = { [K in keyof D1MigrationsInputs]: pulumi.Input<D1MigrationsInputs[K]> };

/**
 * A package's D1 migrations, applied by the project's provider plugin (infra/provider/d1-migrations.ts says how: in
 * order, each file in one request with its d1_migrations row and checksum, checked against D1's rules first).
 */
export class D1Migrations extends pulumi.CustomResource {
  declare readonly applied: pulumi.Output<MigrationFingerprint[]>;
  declare readonly unverified: pulumi.Output<string[]>;
  declare readonly missingFromDatabase: pulumi.Output<string[]>;
  declare readonly notes: pulumi.Output<string[]>;
  declare readonly appliedLastRun: pulumi.Output<string[]>;
  /** Time Travel bookmark taken before the last run applied anything. */
  declare readonly bookmark: pulumi.Output<string>;

  constructor(name: string, args: D1MigrationsArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      TYPES.d1Migrations,
      name,
      {
        ...args,
        applied: undefined,
        unverified: undefined,
        missingFromDatabase: undefined,
        notes: undefined,
        appliedLastRun: undefined,
        bookmark: undefined,
      },
      // The type the dynamic provider registered it as: an existing stack keeps the resource (legacy-state.ts).
      pulumi.mergeOptions(opts, {
        aliases: [{ type: 'pulumi-nodejs:dynamic/create-something:D1Migrations' }],
        version: PROVIDER_VERSION,
      }),
    );
  }
}
