import { CloudflareSdkError } from './errors.js';

// Cloudflare ids have fixed shapes: D1 databases are UUIDs, KV namespaces 32 hex digits. Anything else is a name.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX32 = /^[0-9a-f]{32}$/i;

/** True when `value` has the shape of a D1 database id (a UUID, any case). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** True when `value` has the shape of a KV namespace id (32 hex digits). */
export function isKvNamespaceId(value: string): boolean {
  return HEX32.test(value);
}

/**
 * Finds the entry whose name is exactly `name` (names are case-sensitive and unique per account).
 * Returns undefined when none matches; throws when the list holds the name twice, which would make
 * "by name" ambiguous.
 */
export function findByName<T>(
  entries: readonly T[],
  name: string,
  keys: { name: (entry: T) => string | undefined; id: (entry: T) => string | undefined },
): T | undefined {
  const matches = entries.filter((e) => keys.name(e) === name);
  if (matches.length > 1) {
    const ids = matches.map(keys.id).join(', ');
    throw new CloudflareSdkError(`"${name}" names ${matches.length} entries (${ids}); use an id instead.`);
  }
  return matches[0];
}
