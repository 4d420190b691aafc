import { ai } from './ai';
import { browser } from './browser';
import { d1 } from './d1';
import type { BindingKind, ConfigPlace, DeclaredBinding } from './kind';
import { kv } from './kv';
import { type QueueConsumerDeclaration, queue, queueConsumers } from './queue';
import { r2 } from './r2';
import { ratelimit } from './ratelimit';
import { secrets } from './secrets';
import { service } from './service';
import { vars } from './vars';

/**
 * Every binding kind the program deploys, one file each. Everything else iterates over this list: adding a kind is
 * its file and a line here.
 */
// The order is the order of a Worker's bindings (and so of `preview`'s diff): the one they had before bindings were data.
export const BINDING_KINDS: readonly BindingKind[] = [
  d1,
  kv,
  r2,
  queue,
  service,
  browser,
  ai,
  ratelimit,
  vars,
  secrets,
];

/** Binding keys of wrangler's configuration that the program does not deploy yet: refused, naming what is. */
const NOT_YET_SUPPORTED = [
  'durable_objects',
  'hyperdrive',
  'vectorize',
  'analytics_engine_datasets',
  'mtls_certificates',
  'dispatch_namespaces',
  'send_email',
  'workflows',
  'pipelines',
  'images',
  'secrets_store_secrets',
  'version_metadata',
  'unsafe',
];

export function kindOf(kind: string): BindingKind {
  const found = BINDING_KINDS.find((k) => k.kind === kind);
  if (!found) throw new Error(`unknown binding kind ${kind}`);
  return found;
}

/** What one wrangler config declares: its bindings, and (Workers) the queues it consumes. */
export interface ConfigBindings {
  bindings: DeclaredBinding[];
  consumers: QueueConsumerDeclaration[];
}

/**
 * Reads every binding a wrangler config declares, in Cloudflare's own keys. A kind the program does not deploy, or
 * does not deploy in this kind of config, fails before any resource is declared, naming the file, the key and what
 * is supported; so does a binding name used twice.
 */
export function readConfigBindings(config: Record<string, unknown>, place: ConfigPlace): ConfigBindings {
  const here = BINDING_KINDS.filter((k) => k.scopes.includes(place.scope));
  const supported = here.map((k) => k.configKey).join(', ');
  const refused = NOT_YET_SUPPORTED.filter((key) => config[key] !== undefined);
  if (refused.length > 0)
    throw new Error(
      `${place.file}: ${refused.join(', ')} ${refused.length > 1 ? 'are' : 'is'} not deployed by the infra program yet. Supported in ${place.scope === 'app' ? 'a Pages app' : 'a Worker'}: ${supported}. Remove ${refused.length > 1 ? 'them' : 'it'}, or add the kind in infra/bindings/.`,
    );
  for (const kind of BINDING_KINDS)
    if (!kind.scopes.includes(place.scope) && config[kind.configKey] !== undefined)
      throw new Error(
        `${place.file}: ${kind.configKey} is deployed for ${kind.scopes.map((s) => (s === 'app' ? 'Pages apps' : 'Workers')).join(' and ')} only. Supported in ${place.scope === 'app' ? 'a Pages app' : 'a Worker'}: ${supported}.`,
      );
  const bindings = here.flatMap((kind) => kind.read(config[kind.configKey], place));
  const seen = new Set<string>();
  for (const binding of bindings) {
    if (seen.has(binding.name))
      throw new Error(
        `${place.file}: the binding name ${binding.name} is declared twice: each env.<name> must be unique.`,
      );
    seen.add(binding.name);
  }
  return { bindings, consumers: queueConsumers(config.queues, place) };
}

export type { BindingKind, ConfigPlace, DeclaredBinding, DeclaredResource, StackResource, StackTarget } from './kind';
export type { QueueConsumerDeclaration } from './queue';
