import type Cloudflare from 'cloudflare';
import { isNotFound, type ProviderClient, providerClient } from '../cloudflare/client';
import type { ResourceHandler } from './handler';
import { isLegacyState, withoutLegacyFields } from './legacy-state';

/**
 * The D1 and KV bindings of a Pages project as Cloudflare holds them, refreshed from the API, and put back when they
 * drift.
 *
 * Why this exists beside `cloudflare.PagesProject`, which already sets the same bindings: the upstream provider's
 * refresh only reads back *computed* attributes (terraform-provider-cloudflare v5 `pages_project` Read unmarshals the
 * API answer with `apijson.UnmarshalComputed`, so optional-only attributes such as `deployment_configs.*.d1_databases`
 * and `kv_namespaces` keep whatever the state said). A binding changed or removed in the dashboard is therefore never
 * seen by `pulumi refresh` or `preview --refresh`, and `up` never repairs it, while the site serves 500. This
 * resource reads exactly those two maps on refresh, so the drift shows up in preview as a change of `bindings` and
 * `up` PATCHes them back. `test/e2e` case c1 fails if the workaround stops being needed (the project resource itself
 * then shows the drift) or stops working.
 *
 * Served by the project's provider plugin (server.ts) as `createsomething:pages:Bindings`; the program declares it with
 * `infra/resources/pages-bindings.ts`.
 */

/** Binding name → resource id, for one deployment environment. */
export interface EnvironmentBindings {
  d1Databases: Record<string, string>;
  kvNamespaces: Record<string, string>;
}

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
}

type LiveConfig = {
  d1_databases?: Record<string, { id?: string } | null>;
  kv_namespaces?: Record<string, { namespace_id?: string } | null>;
};

const ENVIRONMENTS = ['production', 'preview'] as const;

function connect(inputs: PagesBindingsInputs): ProviderClient {
  return providerClient(inputs);
}

/** Keys sorted, so two equal maps always compare and display equal. */
function sorted(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function fromLive(config: LiveConfig | undefined): EnvironmentBindings {
  const d1: Record<string, string> = {};
  const kv: Record<string, string> = {};
  for (const [name, v] of Object.entries(config?.d1_databases ?? {})) if (v?.id) d1[name] = v.id;
  for (const [name, v] of Object.entries(config?.kv_namespaces ?? {})) if (v?.namespace_id) kv[name] = v.namespace_id;
  return { d1Databases: sorted(d1), kvNamespaces: sorted(kv) };
}

function normalised(bindings: ProjectBindings): ProjectBindings {
  return {
    production: {
      d1Databases: sorted(bindings.production.d1Databases),
      kvNamespaces: sorted(bindings.production.kvNamespaces),
    },
    preview: { d1Databases: sorted(bindings.preview.d1Databases), kvNamespaces: sorted(bindings.preview.kvNamespaces) },
  };
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
 * A PATCH that makes the live maps equal the wanted ones: wanted entries set, every other D1/KV binding removed
 * (`null` deletes a key in Cloudflare's merge-patch of deployment configs).
 */
export function repairPatch(wanted: ProjectBindings, live: ProjectBindings | undefined): Record<string, unknown> {
  const deployment_configs: Record<string, unknown> = {};
  for (const env of ENVIRONMENTS) {
    const d1: Record<string, { id: string } | null> = {};
    const kv: Record<string, { namespace_id: string } | null> = {};
    for (const name of Object.keys(live?.[env].d1Databases ?? {})) d1[name] = null;
    for (const name of Object.keys(live?.[env].kvNamespaces ?? {})) kv[name] = null;
    for (const [name, id] of Object.entries(wanted[env].d1Databases)) d1[name] = { id };
    for (const [name, id] of Object.entries(wanted[env].kvNamespaces)) kv[name] = { namespace_id: id };
    deployment_configs[env] = { d1_databases: d1, kv_namespaces: kv };
  }
  return { deployment_configs };
}

/** Whether `bindings` has both environments with both maps of ids (not an unknown value or a partial object). */
export function isWellFormed(bindings: unknown): bindings is ProjectBindings {
  const isIdMap = (map: unknown) =>
    typeof map === 'object' && map !== null && Object.values(map).every((id) => typeof id === 'string');
  return ENVIRONMENTS.every((env) => {
    const environment = (bindings as Record<string, unknown> | null | undefined)?.[env] as
      | Record<string, unknown>
      | undefined;
    return isIdMap(environment?.d1Databases) && isIdMap(environment?.kvNamespaces);
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
      ...repairPatch(inputs.bindings, live),
    } as Cloudflare.Pages.ProjectEditParams);
  }
  return { ...inputs, bindings: normalised(inputs.bindings) };
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
