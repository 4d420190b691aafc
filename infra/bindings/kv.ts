import { all } from '../cloudflare/client';
import { type BindingKind, field, listOf, nameRest } from './kind';

/**
 * KV namespaces (`kv_namespaces: [{ binding, id }]`). wrangler's config names no title, so the title is derived from
 * the binding: `KV` is the package's own namespace (`createsomething-<app>`, as before bindings were data), any
 * other `createsomething-<app>-<binding in lower case>`; plus the stack's suffix. A title is unique per account
 * (Cloudflare answers 10014), so a replacement deletes the old namespace first.
 */
export const kv: BindingKind = {
  kind: 'kv',
  configKey: 'kv_namespaces',
  scopes: ['app', 'worker'],
  read: (value, place) =>
    listOf(value, place, 'kv_namespaces').map((entry, i) => {
      const name = field(entry, 'binding', place, `kv_namespaces[${i}]`);
      const own = `createsomething-${place.app}`;
      return { kind: 'kv', name, resource: name === 'KV' ? own : `${own}-${name.toLowerCase().replaceAll('_', '-')}` };
    }),
  resource: {
    type: 'cloudflare:index/workersKvNamespace:WorkersKvNamespace',
    label: 'KV namespace',
    idInState: true,
    logicalName: (app, resource) => `${app}-kv${nameRest(app, resource)}`,
    nameProblem: (title) =>
      title.length <= 512 ? undefined : `KV namespace title "${title.slice(0, 40)}…" is longer than 512 characters.`,
    declare: (name, spec, { cloudflare, accountId, opts }) => {
      const namespace = new cloudflare.WorkersKvNamespace(
        name,
        { accountId, title: spec.physicalName },
        { ...opts, deleteBeforeReplace: true },
      );
      return { resource: namespace, ref: namespace.id, id: namespace.id };
    },
    find: async (cf, accountId, title) =>
      (await all(cf.kv.namespaces.list({ account_id: accountId })))
        .filter((n) => n.title === title)
        .map((n) => ({ id: n.id })),
    importId: (accountId, found) => `${accountId}/${found.id}`,
    refOf: (found) => found.id,
  },
  pages: {
    programKey: 'kvNamespaces',
    apiKey: 'kv_namespaces',
    stateKey: 'kvNamespaces',
    program: (namespaceId) => ({ namespaceId }),
    api: (namespaceId) => ({ namespace_id: namespaceId }),
    live: (entry) => (typeof entry.namespace_id === 'string' ? entry.namespace_id : undefined),
  },
  inProtectedPreview: false,
  worker: (binding, namespaceId) => ({ type: 'kv_namespace', name: binding.name, namespaceId }),
  localByDefault: ([group, sub]) => group === 'kv' && (sub === 'key' || sub === 'bulk'),
  wrangler: (binding, target) => ({ binding: binding.name, id: target.ref }),
};
