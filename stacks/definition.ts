import { z } from 'zod';

/**
 * What one environment deploys and how. Each `stacks/<stack>.ts` default-exports one of these (through
 * {@link defineStack}); the Pulumi stack of the same name picks it up. Adding an environment is adding one file here
 * plus its `Pulumi.<stack>.yaml` with the account-specific values.
 */
export const stackDefinitionSchema = z
  .object({
    /**
     * Appended to every physical name (Pages project, D1 database, KV namespace, Worker script).
     * `''` keeps the seed names (`createsomething-space`); `'-staging'` gives `createsomething-space-staging`.
     * @example '-staging'
     */
    nameSuffix: z
      .string()
      .regex(/^(-[a-z0-9]+)*$/, 'nameSuffix must be empty or dash-separated lowercase words, like "-staging"'),
    /**
     * The Pages projects' production branch: a deployment to this branch is what the project's main URL serves.
     * @example 'main'
     */
    productionBranch: z.string().min(1),
    /**
     * Branch that `pulumi up` uploads each build to. Equal to `productionBranch` for a production deployment; any
     * other value makes a preview deployment (served at `<branch>.<project>.pages.dev`).
     * @default productionBranch
     */
    deployBranch: z.string().min(1).optional(),
    /**
     * Guard the data-bearing resources (D1 databases, KV namespaces, Pages projects) with Pulumi's `protect` and
     * `retainOnDelete`: a rename or `pulumi destroy` then fails before anything is touched, and a resource removed
     * from the program is left in Cloudflare instead of deleted.
     */
    protect: z.boolean(),
    /**
     * Custom domains per package, attached to that package's Pages project.
     * @example { space: ['createsomething.space'] }
     */
    customDomains: z.record(z.string(), z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/))).default({}),
    /**
     * Optional Workers turned on in this environment, as `<package>/<worker>` (the folder
     * `packages/<package>/workers/<worker>/`). Workers not listed are not deployed.
     * @example ['space/motion-extractor']
     */
    workers: z.array(
      z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'workers entries look like "space/motion-extractor"'),
    ),
  })
  .strict();

export type StackDefinitionInput = z.input<typeof stackDefinitionSchema>;
export type StackDefinition = z.output<typeof stackDefinitionSchema>;
