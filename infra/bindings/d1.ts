import { all } from '../cloudflare/client';
import { type BindingKind, field, listOf, nameRest } from './kind';

/**
 * D1 databases (`d1_databases: [{ binding, database_name, database_id, migrations_dir }]`). One database per stack
 * for each `database_name` (plus the stack's suffix); its migrations come from the app's `migrations_dir` (wrangler's
 * default `migrations`). Protected like all data; a replacement is never delete-first: a rename that would replace a
 * database fails on its name instead of wiping it.
 */
export const d1: BindingKind = {
  kind: 'd1',
  configKey: 'd1_databases',
  scopes: ['app', 'worker'],
  read: (value, place) =>
    listOf(value, place, 'd1_databases').map((entry, i) => {
      const where = `d1_databases[${i}]`;
      const migrationsDir = entry.migrations_dir;
      return {
        kind: 'd1',
        name: field(entry, 'binding', place, where),
        resource: field(entry, 'database_name', place, where),
        ...(typeof migrationsDir === 'string' ? { settings: { migrationsDir } } : {}),
      };
    }),
  resource: {
    type: 'cloudflare:index/d1Database:D1Database',
    label: 'D1 database',
    idInState: true,
    adoptionProblem: (found, what) => {
      if (found.jurisdiction)
        return `${what} is restricted to jurisdiction "${found.jurisdiction}", and this stack declares none: the next up would replace it, which deletes it with its data. Export its data, then rename or delete it, and adopt again.`;
      if (found.version && found.version !== 'production')
        return `${what} is a D1 "${found.version}" database, not a production one: the program cannot manage it. Export its data into a new database, then rename or delete the old one, and adopt again.`;
      return undefined;
    },
    logicalName: (app, resource) => `${app}-database${nameRest(app, resource)}`,
    nameProblem: (name) =>
      /^[a-z0-9][a-z0-9-]{0,62}$/.test(name)
        ? undefined
        : `D1 database name "${name}" must be 1-63 lowercase letters, digits and dashes: change database_name or the stack's nameSuffix.`,
    declare: (name, spec, { cloudflare, accountId, opts }) => {
      const database = new cloudflare.D1Database(name, { accountId, name: spec.physicalName }, opts);
      return { resource: database, ref: database.uuid, id: database.uuid };
    },
    find: async (cf, accountId, name) =>
      (await all(cf.d1.database.list({ account_id: accountId, name })))
        .filter((d) => d.name === name && d.uuid)
        .map((d) => ({
          id: d.uuid as string,
          ...(d.jurisdiction ? { jurisdiction: d.jurisdiction } : {}),
          ...(d.version ? { version: d.version } : {}),
        })),
    importId: (accountId, found) => `${accountId}/${found.id}`,
    refOf: (found) => found.id,
  },
  pages: {
    programKey: 'd1Databases',
    apiKey: 'd1_databases',
    stateKey: 'd1Databases',
    program: (id) => ({ id }),
    api: (id) => ({ id }),
    live: (entry) => (typeof entry.id === 'string' ? entry.id : undefined),
  },
  inProtectedPreview: false,
  worker: (binding, id) => ({ type: 'd1', name: binding.name, id }),
  localByDefault: ([group, sub, subsub]) =>
    group === 'd1' && (sub === 'execute' || sub === 'export' || (sub === 'migrations' && subsub !== 'create')),
  wrangler: (binding, target, packageDir) => ({
    binding: binding.name,
    database_name: target.physicalName,
    database_id: target.ref,
    migrations_dir: `${packageDir}/${binding.settings?.migrationsDir ?? 'migrations'}`,
  }),
};
