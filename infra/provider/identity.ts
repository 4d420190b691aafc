/**
 * The provider plugin's name and version. The name is the package of its type tokens and of the plugin's executable
 * (`bin/pulumi-resource-createsomething`); the engine records the version it reports in each stack's state, under the
 * provider resource. Bump the version with any change to a resource's inputs or outputs.
 *
 * Not `create-something` (the project's name): a default provider takes its configuration from the stack's config
 * keys in its package's namespace, and `create-something:*` holds the program's own settings and Worker secrets,
 * which this plugin has no use for and must not receive.
 */
export const PROVIDER_NAME = 'createsomething';
export const PROVIDER_VERSION = '0.3.0';

/** Type tokens of the resources the plugin serves. */
export const TYPES = {
  d1Migrations: `${PROVIDER_NAME}:d1:Migrations`,
  pagesBindings: `${PROVIDER_NAME}:pages:Bindings`,
  pagesDeployment: `${PROVIDER_NAME}:pages:Deployment`,
} as const;
