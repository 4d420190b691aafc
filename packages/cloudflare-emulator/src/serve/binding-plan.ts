import type { Deployment, PagesProject } from '../pages/types.ts';

/** Bindings the shim (shims/bindings.js) builds inside workerd: D1, KV, ASSETS, values, browser and AI stubs. */
export type BindingPlan = Record<string, { type: string; id?: string; deployment?: string; value?: unknown }>;

/**
 * Bindings Miniflare serves natively. R2 storage, queues and rate limiters are Miniflare's own implementations (the
 * ones `wrangler dev` uses), so the deployed code sees the real binding APIs; `services` are resolved to the named
 * Worker script of the account when the runtime builds its options.
 */
export interface NativeBindings {
  /** binding → bucket name (the bucket's storage id in Miniflare). */
  r2Buckets: Record<string, string>;
  queueProducers: Record<string, { queueName: string }>;
  ratelimits: Record<string, { namespace_id: string; simple: { limit: number; period: 10 | 60 } }>;
  /** binding → Worker script name. */
  services: Record<string, string>;
}

export interface Bindings {
  plan: BindingPlan;
  native: NativeBindings;
}

const empty = (): Bindings => ({
  plan: {},
  native: { r2Buckets: {}, queueProducers: {}, ratelimits: {}, services: {} },
});

type Config = Record<string, unknown>;
const entries = <T>(config: Config, key: string) => Object.entries((config[key] ?? {}) as Record<string, T>);

/**
 * Bindings a Pages deployment serves with: the project's config for its environment as it was when the deployment
 * was created (Cloudflare snapshots it; changing the project afterwards changes only new deployments).
 */
export function pagesBindings(p: PagesProject, d: Deployment): Bindings & { config: Config } {
  const configs = (p.written.deployment_configs ?? {}) as Record<string, Config>;
  const config = d.config_snapshot ?? configs[d.environment] ?? {};
  const out = empty();
  out.plan.ASSETS = { type: 'assets', deployment: d.id };
  for (const [n, v] of entries<{ id: string }>(config, 'd1_databases')) out.plan[n] = { type: 'd1', id: v.id };
  for (const [n, v] of entries<{ namespace_id: string }>(config, 'kv_namespaces'))
    out.plan[n] = { type: 'kv', id: v.namespace_id };
  // plain_text and secret_text alike: both reach the code as strings.
  for (const [n, v] of entries<{ value: string }>(config, 'env_vars')) out.plan[n] = { type: 'value', value: v.value };
  for (const n of Object.keys((config.browsers ?? {}) as object)) out.plan[n] = { type: 'browser' };
  for (const n of Object.keys((config.ai_bindings ?? {}) as object)) out.plan[n] = { type: 'ai' };
  for (const [n, v] of entries<{ name: string }>(config, 'r2_buckets')) out.native.r2Buckets[n] = v.name;
  for (const [n, v] of entries<{ name: string }>(config, 'queue_producers'))
    out.native.queueProducers[n] = { queueName: v.name };
  for (const [n, v] of entries<{ service: string }>(config, 'services')) out.native.services[n] = v.service;
  return { ...out, config };
}

/** Bindings from a Worker script's upload metadata (SDK 7.3.0 `WorkersBindingKind*` shapes). */
export function scriptBindings(bindings: Array<Record<string, unknown>>): Bindings {
  const out = empty();
  for (const b of bindings) {
    const name = String(b.name);
    if (b.type === 'd1') out.plan[name] = { type: 'd1', id: String(b.id ?? b.database_id) };
    else if (b.type === 'kv_namespace') out.plan[name] = { type: 'kv', id: String(b.namespace_id) };
    else if (b.type === 'plain_text' || b.type === 'secret_text') out.plan[name] = { type: 'value', value: b.text };
    else if (b.type === 'json') out.plan[name] = { type: 'value', value: b.json };
    else if (b.type === 'browser') out.plan[name] = { type: 'browser' };
    else if (b.type === 'ai') out.plan[name] = { type: 'ai' };
    else if (b.type === 'r2_bucket') out.native.r2Buckets[name] = String(b.bucket_name);
    else if (b.type === 'queue') out.native.queueProducers[name] = { queueName: String(b.queue_name) };
    else if (b.type === 'service') out.native.services[name] = String(b.service);
    else if (b.type === 'ratelimit') {
      const simple = b.simple as { limit: number; period: number };
      out.native.ratelimits[name] = {
        namespace_id: String(b.namespace_id),
        simple: { limit: simple.limit, period: simple.period === 10 ? 10 : 60 },
      };
    }
  }
  return out;
}

/** What an upload's bindings must satisfy before they are kept (else workerd could not start the Worker at all). */
export function bindingProblem(bindings: Array<Record<string, unknown>>): string | undefined {
  for (const b of bindings) {
    if (b.type === 'ratelimit') {
      const simple = b.simple as { limit?: unknown; period?: unknown } | undefined;
      if (typeof simple?.limit !== 'number' || (simple.period !== 10 && simple.period !== 60))
        return `ratelimit binding "${String(b.name)}" needs simple: { limit: <number>, period: 10 | 60 }`;
    }
    if (b.type === 'r2_bucket' && typeof b.bucket_name !== 'string')
      return `r2_bucket binding "${String(b.name)}" needs a "bucket_name"`;
    if (b.type === 'queue' && typeof b.queue_name !== 'string')
      return `queue binding "${String(b.name)}" needs a "queue_name"`;
    if (b.type === 'service' && typeof b.service !== 'string')
      return `service binding "${String(b.name)}" needs a "service"`;
  }
  return undefined;
}
