import { type BindingKind, field, listOf } from './kind';

/**
 * The rate-limit binding (`ratelimits: [{ name, namespace_id, simple: { limit, period } }]`, Workers only): counters
 * Cloudflare keeps per location, no resource to provision. `period` is 10 or 60 seconds, as Cloudflare allows.
 */
export const ratelimit: BindingKind = {
  kind: 'ratelimit',
  configKey: 'ratelimits',
  scopes: ['worker'],
  read: (value, place) =>
    listOf(value, place, 'ratelimits').map((entry, i) => {
      const where = `ratelimits[${i}]`;
      const simple = entry.simple as { limit?: unknown; period?: unknown } | undefined;
      const limit = simple?.limit;
      const period = simple?.period;
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)
        throw new Error(`${place.file}: ${where}.simple.limit must be a whole number of requests, at least 1.`);
      if (period !== 10 && period !== 60)
        throw new Error(`${place.file}: ${where}.simple.period must be 10 or 60 (seconds), as Cloudflare allows.`);
      return {
        kind: 'ratelimit',
        name: field(entry, 'name', place, where),
        settings: { namespaceId: field(entry, 'namespace_id', place, where), limit, period },
      };
    }),
  inProtectedPreview: true,
  planValue: () => '',
  worker: (binding) => ({
    type: 'ratelimit',
    name: binding.name,
    namespaceId: String(binding.settings?.namespaceId),
    simple: { limit: Number(binding.settings?.limit), period: Number(binding.settings?.period) },
  }),
};
