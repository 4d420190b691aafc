type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Cloudflare's PATCH semantics for Pages projects: objects merge key by key, arrays and scalars replace, and a key
 * sent as null, or as an empty map, is removed (that is how bindings are deleted). Maps emptied by deletions disappear, as they do on
 * Cloudflare, so a client that removed its last binding reads back "no bindings".
 */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    // The Terraform provider sends an empty map to clear every binding of one kind.
    if (value === null || (isObject(value) && Object.keys(value).length === 0)) {
      delete out[key];
      continue;
    }
    const before = out[key];
    const merged = mergePatch(before, value);
    if (isObject(merged) && Object.keys(merged).length === 0 && isObject(before) && Object.keys(before).length > 0) {
      delete out[key];
    } else {
      out[key] = merged;
    }
  }
  return out;
}
