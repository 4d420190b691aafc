import { BINDING_KINDS } from '../bindings';
import { PROVIDER_NAME, PROVIDER_VERSION, TYPES } from './identity';

/**
 * The plugin's Pulumi package schema (`pulumi package get-schema ./infra/provider/bin/pulumi-resource-createsomething`): every resource it serves with
 * its inputs and outputs. The program's resource classes (infra/resources/) declare the same names; a unit test holds
 * them to it.
 */

type Property = { type: string; description: string; secret?: boolean; items?: Property } | PropertyRef;
type PropertyRef = { $ref: string; description: string };

interface ResourceSchema {
  description: string;
  inputProperties: Record<string, Property>;
  requiredInputs: string[];
  properties: Record<string, Property>;
  required: string[];
}

const str = (description: string): Property => ({ type: 'string', description });
const strings = (description: string): Property => ({
  type: 'array',
  items: { type: 'string', description },
  description,
});

const target = {
  accountId: str('Cloudflare account that owns the resource.'),
  apiToken: {
    type: 'string',
    secret: true,
    description:
      "Only when the stack's config holds the token (the local stack); otherwise the job's CLOUDFLARE_API_TOKEN is read from the environment and never kept in the state.",
  },
  apiBaseUrl: str('A non-Cloudflare API endpoint (the local emulator), ending in /client/v4.'),
};

const migrationFile = `#/types/${PROVIDER_NAME}:d1:MigrationFile`;
const fingerprint = `#/types/${PROVIDER_NAME}:d1:MigrationFingerprint`;
const projectBindings = `#/types/${PROVIDER_NAME}:pages:ProjectBindings`;

const d1MigrationsInputs = {
  ...target,
  databaseId: str('UUID of the D1 database.'),
  databaseName: str('Name of the D1 database, for messages and wrangler commands.'),
  files: {
    type: 'array',
    items: { $ref: migrationFile, description: 'A migration file.' },
    description: 'migrations/*.sql in the order they apply; the SQL of files the database already has is dropped.',
  },
  requireDestructiveReason: {
    type: 'boolean',
    description: 'A protected stack: a pending file that destroys data must carry "-- destructive: <reason>".',
  },
};

const pagesBindingsInputs = {
  ...target,
  projectName: str('The Pages project.'),
  bindings: {
    $ref: projectBindings,
    description: 'In the inputs: the bindings wanted. In the state after a refresh: the bindings Cloudflare holds.',
  },
};
const pagesBindingsSecretValues = {
  secretValues: {
    type: 'object',
    additionalProperties: { type: 'string' },
    secret: true,
    description: 'Values of the secrets the bindings name, to put a missing one back; never in the outputs.',
  } as unknown as Property,
};

const pagesDeploymentInputs = {
  ...target,
  projectName: str('The Pages project.'),
  branch: str("The branch uploads go to; the project's production branch makes them production deployments."),
  packageDir: str('The package folder relative to the repository root (packages/io).'),
  buildInputHash: str("Turborepo's hash of the package's build: the key of the build to upload in turbo's caches."),
  outputHash: str("sha256 of the build's output: what is uploaded."),
  projectIdentity: str("The project's created_on: a project recreated behind Pulumi's back needs the upload again."),
  configHash: str('Hash of what Cloudflare copies from the project into each new deployment.'),
};

const pagesDeploymentRequired = [
  'accountId',
  'projectName',
  'branch',
  'packageDir',
  'buildInputHash',
  'outputHash',
  'projectIdentity',
  'configHash',
];

const RESOURCES: Record<(typeof TYPES)[keyof typeof TYPES], ResourceSchema> = {
  [TYPES.d1Migrations]: {
    description:
      "A D1 database's migrations, applied in order and recorded in wrangler's d1_migrations table with each file's checksum beside it.",
    inputProperties: d1MigrationsInputs,
    requiredInputs: ['accountId', 'databaseId', 'databaseName', 'files'],
    properties: {
      ...d1MigrationsInputs,
      applied: {
        type: 'array',
        items: { $ref: fingerprint, description: 'An applied file.' },
        description: 'Files in d1_migrations with the content hash they were applied with.',
      },
      unverified: strings('Files in d1_migrations without a checksum: applied outside this program.'),
      missingFromDatabase: strings('Files the state listed as applied that d1_migrations lacks.'),
      notes: strings('The two lists above in words.'),
      appliedLastRun: strings('Files this stack applied in its last create/update.'),
      bookmark: str('Time Travel bookmark taken right before the last run applied anything.'),
    },
    required: [
      'accountId',
      'databaseId',
      'databaseName',
      'files',
      'applied',
      'unverified',
      'missingFromDatabase',
      'notes',
      'appliedLastRun',
      'bookmark',
    ],
  },
  [TYPES.pagesBindings]: {
    description:
      "A Pages project's bindings (D1, KV, R2, queues, variables, secrets, services, …) as Cloudflare holds them: refreshed, and repaired by up.",
    inputProperties: { ...pagesBindingsInputs, ...pagesBindingsSecretValues },
    requiredInputs: ['accountId', 'projectName', 'bindings'],
    properties: pagesBindingsInputs,
    required: ['accountId', 'projectName', 'bindings'],
  },
  [TYPES.pagesDeployment]: {
    description:
      'The upload of a build to a Pages project, and which deployment the project serves on the branch, read back from Cloudflare.',
    inputProperties: pagesDeploymentInputs,
    requiredInputs: pagesDeploymentRequired,
    properties: {
      ...pagesDeploymentInputs,
      deploymentId: str('The deployment this stack made (or put back) last.'),
      url: str('Its own URL, unique per deployment.'),
      alias: str("The branch alias URL, or ''."),
      uploadedOutputHash: str('sha256 of the output that deployment holds.'),
      environment: str('production or preview.'),
      servedDeploymentId: str("The deployment the project serves on the branch, as last read ('' when none)."),
      drift: str("'' when the served deployment is ours; otherwise what is wrong, with both deployment ids."),
    },
    required: [
      ...pagesDeploymentRequired,
      'deploymentId',
      'url',
      'alias',
      'uploadedOutputHash',
      'environment',
      'servedDeploymentId',
      'drift',
    ],
  },
};

const idMap = (description: string): Property =>
  ({
    type: 'object',
    description,
    additionalProperties: { type: 'string' },
  }) as unknown as Property;
/** One map per binding kind with a Pages shape (infra/bindings/), keyed as the bindings record keeps it. */
const environmentBindings = {
  type: 'object',
  properties: Object.fromEntries(
    [...new Set(BINDING_KINDS.flatMap((k) => (k.pages ? [k.pages.stateKey] : [])))].map((key) => [
      key,
      idMap(`Binding name to what it binds (${key}).`),
    ]),
  ),
};

export const schema = {
  name: PROVIDER_NAME,
  version: PROVIDER_VERSION,
  displayName: 'create-something Cloudflare extras',
  description:
    "What no upstream provider has for the create-something sites: D1 migrations, a Pages project's live bindings, Pages deployments.",
  types: {
    [`${PROVIDER_NAME}:d1:MigrationFile`]: {
      type: 'object',
      properties: {
        name: str('File name, as recorded in d1_migrations.name.'),
        sha256: str("sha256 of the file's content."),
        sql: str("The file's SQL; absent once the database has the file."),
      },
      required: ['name', 'sha256'],
    },
    [`${PROVIDER_NAME}:d1:MigrationFingerprint`]: {
      type: 'object',
      properties: { name: str('File name.'), sha256: str('sha256 it was applied with.') },
      required: ['name', 'sha256'],
    },
    [`${PROVIDER_NAME}:pages:EnvironmentBindings`]: environmentBindings,
    [`${PROVIDER_NAME}:pages:ProjectBindings`]: {
      type: 'object',
      properties: {
        production: { $ref: `#/types/${PROVIDER_NAME}:pages:EnvironmentBindings`, description: 'Production.' },
        preview: { $ref: `#/types/${PROVIDER_NAME}:pages:EnvironmentBindings`, description: 'Preview.' },
      },
      required: ['production', 'preview'],
    },
  },
  resources: RESOURCES,
};
