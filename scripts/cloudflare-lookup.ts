import type Cloudflare from 'cloudflare';
import { all, orNotFound } from '../infra/cloudflare/client';
import type { AdoptionTarget, FoundResource } from '../infra/plan/adoption';

/** D1 databases named exactly `name` (the API's `name` filter is a search, so matches are checked here). */
export async function findD1(cf: Cloudflare, accountId: string, name: string): Promise<FoundResource[]> {
  const listed = await all(cf.d1.database.list({ account_id: accountId, name }));
  return listed
    .filter((d) => d.name === name && d.uuid)
    .map((d) => ({
      id: d.uuid as string,
      ...(d.jurisdiction ? { jurisdiction: d.jurisdiction } : {}),
      ...(d.version ? { version: d.version } : {}),
    }));
}

/** KV namespaces titled exactly `title`. */
export async function findKv(cf: Cloudflare, accountId: string, title: string): Promise<FoundResource[]> {
  const listed = await all(cf.kv.namespaces.list({ account_id: accountId }));
  return listed.filter((n) => n.title === title).map((n) => ({ id: n.id }));
}

/**
 * Looks every target up by its physical name, with one list call per kind where the API has one: D1 by name, KV by
 * title, Pages projects and their custom domains by name, Worker scripts by name (and then their workers.dev
 * setting, which exists whenever the script does). Result: matches by logical name.
 */
export async function lookUpTargets(
  cf: Cloudflare,
  accountId: string,
  targets: readonly AdoptionTarget[],
): Promise<Record<string, FoundResource[]>> {
  const account = { account_id: accountId };
  const needs = (kind: AdoptionTarget['kind']) => targets.some((t) => t.kind === kind);
  const [namespaces, scripts] = await Promise.all([
    needs('kv') ? all(cf.kv.namespaces.list(account)) : [],
    needs('workerScript') || needs('workerSubdomain') ? all(cf.workers.scripts.list(account)) : [],
  ]);
  const scriptNames = new Set(scripts.map((s) => s.id));
  const entries = await Promise.all(
    targets.map(async (target): Promise<[string, FoundResource[]]> => {
      const name = target.physicalName;
      switch (target.kind) {
        case 'd1':
          return [target.logicalName, await findD1(cf, accountId, name)];
        case 'kv':
          return [target.logicalName, namespaces.filter((n) => n.title === name).map((n) => ({ id: n.id }))];
        case 'pages': {
          const project = await orNotFound(cf.pages.projects.get(name, account));
          const sourceType = project?.source?.type;
          return [target.logicalName, project ? [{ id: project.name, ...(sourceType ? { sourceType } : {}) }] : []];
        }
        case 'pagesDomain': {
          const domain = await orNotFound(
            cf.pages.projects.domains.get(name, { ...account, project_name: target.projectName as string }),
          );
          return [target.logicalName, domain ? [{ id: domain.name }] : []];
        }
        case 'workerScript':
          return [target.logicalName, scriptNames.has(name) ? [{ id: name }] : []];
        case 'workerSubdomain': {
          if (!scriptNames.has(name)) return [target.logicalName, []];
          const setting = await orNotFound(cf.workers.scripts.subdomain.get(name, account));
          return [target.logicalName, setting ? [{ id: name }] : []];
        }
      }
    }),
  );
  return Object.fromEntries(entries);
}
