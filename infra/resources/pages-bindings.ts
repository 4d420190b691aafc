import * as pulumi from '@pulumi/pulumi';
import { PROVIDER_VERSION, TYPES } from '../provider/identity';
import type { PagesBindingsInputs, ProjectBindings } from '../provider/pages-bindings';

/** {@link ProjectBindings} with values that may still be unknown (the program passes resource outputs). */
export type ProjectBindingsInput = Record<keyof ProjectBindings, Record<string, Record<string, pulumi.Input<string>>>>;

export type PagesBindingsArgs = {
  [K in keyof Omit<PagesBindingsInputs, 'bindings' | 'secretValues'>]: pulumi.Input<PagesBindingsInputs[K]>;
} & { bindings: ProjectBindingsInput; secretValues?: pulumi.Input<Record<string, pulumi.Input<string>>> };

/**
 * A Pages project's bindings as Cloudflare holds them, refreshed and repaired by the project's provider plugin
 * (infra/provider/pages-bindings.ts says why this exists beside `cloudflare.PagesProject`).
 */
export class PagesBindings extends pulumi.CustomResource {
  declare readonly bindings: pulumi.Output<ProjectBindings>;

  constructor(name: string, args: PagesBindingsArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      TYPES.pagesBindings,
      name,
      args,
      // The type the dynamic provider registered it as: an existing stack keeps the resource (legacy-state.ts).
      pulumi.mergeOptions(opts, {
        aliases: [{ type: 'pulumi-nodejs:dynamic/create-something:PagesBindings' }],
        version: PROVIDER_VERSION,
      }),
    );
  }
}
