// Cuts Cloudflare's published OpenAPI document (cloudflare/api-schemas, openapi.json) down to the operations this
// repository's clients call, with every component they reference, into cloudflare-api-subset.json beside this file.
// Run again on a newer openapi.json to update the test data (and its README's source line):
//   node_modules/.bin/tsx test/conformance/schema/extract-subset.ts <openapi.json> <commit> <date>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { USED_PATHS } from './used-paths';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const [source, commit, date] = process.argv.slice(2);
if (!source || !commit || !date) {
  console.error('usage: extract-subset.ts <openapi.json> <commit> <date>');
  process.exit(2);
}
const doc = JSON.parse(readFileSync(source, 'utf8')) as { [key: string]: Json } & {
  paths: Record<string, Json>;
  components: Record<string, Record<string, Json>>;
};

const paths = Object.fromEntries(Object.entries(doc.paths).filter(([p]) => USED_PATHS.some((re) => re.test(p))));

// Every `#/components/<kind>/<name>` reachable from the kept paths.
const components: Record<string, Record<string, Json>> = {};
const pending: Json[] = [paths as Json];
while (pending.length > 0) {
  const node = pending.pop();
  if (Array.isArray(node)) pending.push(...node);
  else if (node && typeof node === 'object') {
    const ref = node.$ref;
    if (typeof ref === 'string') {
      const m = /^#\/components\/([^/]+)\/(.+)$/.exec(ref);
      if (!m) throw new Error(`unexpected $ref ${ref}`);
      const [, kind, name] = m as unknown as [string, string, string];
      const target = doc.components[kind]?.[name];
      if (target === undefined) throw new Error(`dangling $ref ${ref}`);
      components[kind] ??= {};
      if (!(name in (components[kind] as object))) {
        (components[kind] as Record<string, Json>)[name] = target;
        pending.push(target);
      }
    }
    for (const value of Object.values(node)) pending.push(value);
  }
}
if (doc.components.securitySchemes) components.securitySchemes = doc.components.securitySchemes;

const subset = {
  openapi: doc.openapi,
  info: doc.info,
  'x-source': { repository: 'cloudflare/api-schemas', file: 'openapi.json', commit, date },
  servers: doc.servers,
  security: doc.security,
  paths,
  components,
};
const out = join(__dirname, 'cloudflare-api-subset.json');
writeFileSync(out, `${JSON.stringify(subset, null, 1)}\n`);
console.log(
  `${Object.keys(paths).length} paths, ${Object.values(components).reduce((n, c) => n + Object.keys(c).length, 0)} components -> ${out}`,
);
