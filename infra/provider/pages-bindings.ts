import type Cloudflare from 'cloudflare';
import { BINDING_KINDS } from '../bindings';
import { SECRET_IS_SET } from '../bindings/secrets';
import { isNotFound, type ProviderClient, providerClient } from '../cloudflare/client';
import type { ResourceHandler } from './handler';
import { isLegacyState, withoutLegacyFields } from './legacy-state';

/**
 * The bindings of a Pages project (every kind of infra/bindings/ with a Pages shape: D1, KV, R2, queue producers,
 * variables, secrets, services, …) as Cloudflare holds them, refreshed from the API, and put back when they drift.
 *
 * Why this exists beside `cloudflare.PagesProject`, which already sets the same bindings: the upstream provider's
 * refresh only reads back *computed* attributes (terraform-provider-cloudflare v5 `pages_project` Read unmarshals the
 * API answer with `apijson.UnmarshalComputed`, so optional-only attributes such as `deployment_configs.*.d1_databases`
 * and `kv_namespaces` keep whatever the state said). A binding changed or removed in the dashboard is therefore never
 * seen by `pulumi refresh` or `preview --refresh`, and `up` never repairs it, while the site serves 500. This
 * resource reads exactly those maps on refresh, so the drift shows up in preview as a change of `bindings` and
 * `up` PATCHes them back. `test/e2e` case c1 fails if the workaround stops being needed (the project resource itself
 * then shows the drift) or stops working.
 *
 * Served by the project's provider plugin (server.ts) as `createsomething:pages:Bindings`; the program declares it with
 * `infra/resources/pages-bindings.ts`.
 */

/**
 * One environment's bindings, by kind: the kind's state key (`d1Databases`, `kvNamespaces`, `r2Buckets`,
 * `queueProducers`, `envVars`, `secrets`, …: see each kind's `pages` shape in infra/bindings/) → binding name → what
 * it binds (an id, a name, a var's text; for a secret only that it is set). Kinds the project has none of may be
 * absent: a state written before bindings were data has only `d1Databases` and `kvNamespaces`.
 */
export type EnvironmentBindings = Record<string, Record<string, string>>;

export interface ProjectBindings {
  production: EnvironmentBindings;
  preview: EnvironmentBindings;
}

export interface PagesBindingsInputs {
  accountId: string;
  projectName: string;
  /** Only when the stack's config holds the token; otherwise the job's CLOUDFLARE_API_TOKEN is used. */
  apiToken?: string;
  apiBaseUrl?: string;
  /** In the inputs: the bindings wanted. In the state after a refresh: the bindings Cloudflare holds. */
  bindings: ProjectBindings;
  /**
   * The values of the secrets `bindings` names (a Pulumi secret): needed to put a missing one back, never kept in
   * the outputs (Cloudflare never returns them, so there is nothing to compare them with).
   */
  secretValues?: Record<string, string>;
}

type LiveConfig = Record<string, Record<string, Record<string, unknown> | null> | undefined>;

const ENVIRONMENTS = ['production', 'preview'] as const;
const SHAPES = BINDING_KINDS.flatMap((kind) => (kind.pages ? [kind.pages] : []));
const API_KEYS = [...new Set(SHAPES.map((shape) => shape.apiKey))];

function connect(inputs: PagesBindingsInputs): ProviderClient {
  return providerClient(inputs);
}

const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/** Kinds sorted, names sorted, empty kinds dropped: two equal environments always compare and display equal. */
function normalisedEnvironment(environment: EnvironmentBindings | undefined): EnvironmentBindings {
  return Object.fromEntries(
    Object.entries(environment ?? {})
      .filter(([, map]) => Object.keys(map ?? {}).length > 0)
      .sort(byKey)
      .map(([kind, map]) => [kind, Object.fromEntries(Object.entries(map).sort(byKey))]),
  );
}

function fromLive(config: LiveConfig | undefined): EnvironmentBindings {
  const environment: EnvironmentBindings = {};
  for (const shape of SHAPES) {
    for (const [name, entry] of Object.entries(config?.[shape.apiKey] ?? {})) {
      const value = entry ? shape.live(entry) : undefined;
      if (value === undefined) continue;
      environment[shape.stateKey] = { ...environment[shape.stateKey], [name]: value };
    }
  }
  return normalisedEnvironment(environment);
}

function normalised(bindings: ProjectBindings): ProjectBindings {
  return { production: normalisedEnvironment(bindings.production), preview: normalisedEnvironment(bindings.preview) };
}

/** The live bindings, or undefined when the project no longer exists. */
async function readLive(inputs: PagesBindingsInputs): Promise<ProjectBindings | undefined> {
  try {
    const project = await connect(inputs).pages.projects.get(inputs.projectName, { account_id: inputs.accountId });
    const configs = project.deployment_configs as unknown as Record<string, LiveConfig> | undefined;
    return { production: fromLive(configs?.production), preview: fromLive(configs?.preview) };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * A PATCH that makes the live bindings equal the wanted ones: wanted entries set, every other binding of the kinds
 * this program deploys removed (`null` deletes a key in Cloudflare's merge-patch of deployment configs). A secret is
 * sent with its value from `secretValues`.
 */
export function repairPatch(
  wanted: ProjectBindings,
  live: ProjectBindings | undefined,
  secretValues: Record<string, string> = {},
): Record<string, unknown> {
  const deployment_configs: Record<string, unknown> = {};
  for (const env of ENVIRONMENTS) {
    const patch: Record<string, Record<string, unknown>> = Object.fromEntries(API_KEYS.map((key) => [key, {}]));
    for (const shape of SHAPES)
      for (const name of Object.keys(live?.[env][shape.stateKey] ?? {}))
        (patch[shape.apiKey] as Record<string, unknown>)[name] = null;
    for (const shape of SHAPES)
      for (const [name, value] of Object.entries(wanted[env][shape.stateKey] ?? {})) {
        const sent = value === SECRET_IS_SET && shape.stateKey === 'secrets' ? secretValues[name] : value;
        if (sent === undefined)
          throw new Error(
            `secret ${name} is to be bound but its value was not given: run pulumi up, not a refresh alone.`,
          );
        (patch[shape.apiKey] as Record<string, unknown>)[name] = shape.api(sent);
      }
    deployment_configs[env] = patch;
  }
  return { deployment_configs };
}

/** Whether `bindings` has both environments, each a map of kinds to maps of known strings (no unknown value). */
export function isWellFormed(bindings: unknown): bindings is ProjectBindings {
  const isValueMap = (map: unknown) =>
    typeof map === 'object' && map !== null && Object.values(map).every((v) => typeof v === 'string');
  return ENVIRONMENTS.every((env) => {
    const environment = (bindings as Record<string, unknown> | null | undefined)?.[env];
    return (
      typeof environment === 'object' &&
      environment !== null &&
      Object.values(environment as Record<string, unknown>).every(isValueMap)
    );
  });
}

export function sameBindings(a: ProjectBindings | undefined, b: ProjectBindings | undefined): boolean {
  return a !== undefined && b !== undefined && JSON.stringify(normalised(a)) === JSON.stringify(normalised(b));
}

async function converge(inputs: PagesBindingsInputs): Promise<PagesBindingsInputs> {
  const live = await readLive(inputs);
  if (!live)
    throw new Error(
      `Pages project ${inputs.projectName} does not exist, so its bindings cannot be set: run \`pulumi up --refresh\` so the project is created first.`,
    );
  if (!sameBindings(live, inputs.bindings)) {
    await connect(inputs).pages.projects.edit(inputs.projectName, {
      account_id: inputs.accountId,
      ...repairPatch(inputs.bindings, live, inputs.secretValues),
    } as Cloudflare.Pages.ProjectEditParams);
  }
  const { secretValues: _values, ...outs } = inputs;
  return { ...outs, bindings: normalised(inputs.bindings) };
}

export const pagesBindingsProvider: ResourceHandler<PagesBindingsInputs, PagesBindingsInputs> = {
  async diff(_id, olds, news) {
    if (olds.projectName !== news.projectName || olds.accountId !== news.accountId)
      return { changes: true, replaces: ['projectName'], deleteBeforeReplace: false };
    // Bindings the engine cannot know yet (a bound namespace being replaced: the engine asks before it exists) are
    // a change by definition; only fully known maps can be compared.
    if (!isWellFormed(news.bindings)) return { changes: true };
    // A state written by the dynamic provider this resource replaces is rewritten once (the PATCH is skipped when the
    // live bindings already match: see converge).
    return { changes: !sameBindings(olds.bindings, news.bindings) || isLegacyState(olds) };
  },

  async create(inputs) {
    const outs = await converge(inputs);
    return { id: `${inputs.accountId}/${inputs.projectName}/bindings`, outs };
  },

  async update(_id, _olds, news) {
    return { outs: await converge(news) };
  },

  // Refresh: record what Cloudflare holds. A project that is gone takes its bindings with it.
  async read(id, props) {
    if (!props) throw new Error(`PagesBindings ${id}: the engine passed no state to refresh from.`);
    const live = await readLive(props);
    if (!live) return { id: '', props };
    return { id, props: { ...withoutLegacyFields(props), bindings: live } };
  },

  // The bindings belong to the project: deleting this record leaves the project as it is.
  async delete() {},
};
