/**
 * Reading what the resources this plugin replaces left in a stack's state, so an existing stack moves over with one
 * `pulumi up` that touches nothing in Cloudflare (README "Moving a stack to the provider plugin").
 *
 * The program declares each new resource with an alias to its old type, under the same name, so the engine hands this
 * provider the old state to diff against instead of creating a new resource and deleting the old one:
 * - `pulumi-nodejs:dynamic/create-something:D1Migrations` and `…:PagesBindings` (dynamic providers): the same fields
 *   as now, plus the serialized provider code under `__provider`. Their diff answers "changed" once, and the update
 *   (which applies nothing and patches nothing when nothing is pending or drifted) rewrites the state without it.
 * - `command:local:Command` `<app>-deployment-upload`: the upload command, whose triggers were
 *   `[build output hash, project identity, 'bindings:<config hash>']` and whose stdout's last line was the deployment
 *   wrangler made. When the new inputs equal those triggers, the deployment that is live is the one this stack made
 *   from the same build and bindings, so it is adopted by id instead of uploaded again.
 */

/** The field under which a dynamic provider's code is serialized into every input and output. */
const SERIALIZED_PROVIDER = '__provider';

export function isLegacyState(props: unknown): boolean {
  return typeof props === 'object' && props !== null && SERIALIZED_PROVIDER in props;
}

export function withoutLegacyFields<T>(props: T): T {
  if (!isLegacyState(props)) return props;
  const { [SERIALIZED_PROVIDER]: _code, ...rest } = props as Record<string, unknown>;
  return rest as T;
}

/** What the upload command recorded: the triggers it ran on and the deployment it reported. */
export interface LegacyUpload {
  outputHash: string;
  projectIdentity: string;
  configHash: string;
  deploymentId: string;
  url: string;
  alias: string | null;
}

/** The upload command's state, or undefined when `olds` is not one (or not one this program wrote). */
export function legacyUpload(olds: unknown): LegacyUpload | undefined {
  if (typeof olds !== 'object' || olds === null) return undefined;
  const { create, triggers, stdout } = olds as { create?: unknown; triggers?: unknown; stdout?: unknown };
  if (typeof create !== 'string' || !create.includes('upload.mjs')) return undefined;
  if (!Array.isArray(triggers) || typeof stdout !== 'string') return undefined;
  const [outputHash, projectIdentity, bindings] = triggers;
  if (typeof outputHash !== 'string' || typeof projectIdentity !== 'string' || typeof bindings !== 'string')
    return undefined;
  let reported: { deploymentId?: unknown; url?: unknown; alias?: unknown };
  try {
    reported = JSON.parse(stdout.trim().split('\n').pop() ?? '');
  } catch {
    return undefined;
  }
  if (typeof reported.deploymentId !== 'string' || typeof reported.url !== 'string') return undefined;
  return {
    outputHash,
    projectIdentity,
    configHash: bindings.replace(/^bindings:/, ''),
    deploymentId: reported.deploymentId,
    url: reported.url,
    alias: typeof reported.alias === 'string' ? reported.alias : null,
  };
}
