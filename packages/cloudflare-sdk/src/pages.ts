import type { ClientContext } from './context.js';
import { withErrors } from './errors.js';
import { collectAll } from './pagination.js';
import type { PagesApi, PagesDeployment, PagesDeploymentsOptions } from './types.js';

function createdAt(d: PagesDeployment): number {
  const t = Date.parse(d.created_on ?? '');
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

export function createPages(ctx: ClientContext): PagesApi {
  const account_id = ctx.accountId;
  const project = (name: string) => ({ kind: 'Pages project' as const, id: name });

  function deploymentsPage(name: string, options: PagesDeploymentsOptions, perPage: number) {
    return ctx.sdk.pages.projects.deployments.list(name, {
      account_id,
      per_page: perPage,
      ...(options.env === undefined ? {} : { env: options.env }),
    });
  }

  return {
    listProjects: () =>
      withErrors({ operation: 'pages.listProjects' }, () =>
        collectAll(ctx.sdk.pages.projects.list({ account_id, per_page: 10 }), 'pages.listProjects'),
      ),

    getProject: (name) =>
      withErrors({ operation: `pages.getProject(${name})`, resource: project(name) }, () =>
        ctx.sdk.pages.projects.get(name, { account_id }),
      ),

    listDeployments: (name, options = {}) => {
      const operation = `pages.listDeployments(${name})`;
      return withErrors({ operation, resource: project(name) }, () =>
        collectAll(deploymentsPage(name, options, 25), operation),
      );
    },

    // The API lists newest first, so the first page is enough; sorting it guards against a server that does not.
    latestDeployment: (name, options = {}) =>
      withErrors({ operation: `pages.latestDeployment(${name})`, resource: project(name) }, async () => {
        const page = await deploymentsPage(name, options, 25);
        const newest = [...page.result].sort((a, b) => createdAt(b) - createdAt(a));
        return newest[0] ?? null;
      }),
  };
}
