import type Cloudflare from 'cloudflare';
import { kindOf } from '../infra/bindings';
import { all, orNotFound } from '../infra/cloudflare/client';
import type { AdoptionTarget, FoundResource } from '../infra/plan/adoption';

/**
 * Looks every target up by its physical name: each binding kind's resource as its file in infra/bindings/ finds it
 * (D1 by name, KV by title, R2 buckets and queues by name), Pages projects and their custom domains by name, Worker scripts by name (and then their workers.dev
 * setting, which exists whenever the script does). Result: matches by logical name.
 */
export async function lookUpTargets(
  cf: Cloudflare,
  accountId: string,
  targets: readonly AdoptionTarget[],
): Promise<Record<string, FoundResource[]>> {
  const account = { account_id: accountId };
  const needs = (kind: AdoptionTarget['kind']) => targets.some((t) => t.kind === kind);
  const scripts = needs('workerScript') || needs('workerSubdomain') ? await all(cf.workers.scripts.list(account)) : [];
  const scriptNames = new Set(scripts.map((s) => s.id));
  const entries = await Promise.all(
    targets.map(async (target): Promise<[string, FoundResource[]]> => {
      const name = target.physicalName;
      switch (target.kind) {
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
        default:
          // A binding kind's resource: found as its file in infra/bindings/ says.
          return [target.logicalName, (await kindOf(target.kind).resource?.find(cf, accountId, name)) ?? []];
      }
    }),
  );
  return Object.fromEntries(entries);
}
