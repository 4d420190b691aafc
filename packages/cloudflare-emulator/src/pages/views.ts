import type { Services } from '../api/context.ts';
import type { Deployment, PagesProject } from './types.ts';

/** Defaults Cloudflare fills into each environment's config; they are computed, so any stable value is right. */
const ENV_DEFAULTS = {
  always_use_latest_compatibility_date: false,
  build_image_major_version: 3,
  compatibility_date: '2024-01-01',
  fail_open: true,
  usage_model: 'standard',
};

/**
 * Env vars as Cloudflare reads them back: a `secret_text` keeps its type and loses its value (answered as "", which the
 * Terraform provider's pages_project recognises and replaces with the value it holds in state).
 */
export function envVarsView(envVars: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries((envVars ?? {}) as Record<string, { type?: string } | null>))
    out[name] = v?.type === 'secret_text' ? { ...v, value: '' } : v;
  return out;
}

/** Branch names become DNS labels the way Pages makes aliases: lower case, [a-z0-9-], at most 28 characters. */
export function branchAlias(branch: string): string {
  return branch
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 28)
    .replace(/-+$/g, '');
}

export function siteHost(s: Services, project: string, label?: string): string {
  return `${label ? `${label}.` : ''}${project}.pages.localhost:${s.port()}`;
}

export function deploymentsOf(s: Services, project: string): Deployment[] {
  return s.state.doc.deployments[project] ?? [];
}

/** Production is the rollback-pinned deployment, else the newest production one. */
export function productionDeployment(s: Services, p: PagesProject): Deployment | undefined {
  const list = deploymentsOf(s, p.name);
  if (p.canonical_deployment_id) {
    const pinned = list.find((d) => d.id === p.canonical_deployment_id);
    if (pinned) return pinned;
  }
  return list.find((d) => d.environment === 'production');
}

export function deploymentView(s: Services, p: PagesProject, d: Deployment) {
  const stageTimes = { started_on: d.created_on, ended_on: d.created_on };
  const stages = ['queued', 'initialize', 'clone_repo', 'build', 'deploy'].map((name) => ({
    name,
    ...stageTimes,
    status: 'success',
  }));
  const aliases = [`http://${siteHost(s, p.name, branchAlias(d.branch))}`];
  const isProduction = productionDeployment(s, p)?.id === d.id;
  if (isProduction) aliases.push(`http://${siteHost(s, p.name)}`);
  return {
    id: d.id,
    short_id: d.short_id,
    project_id: p.id,
    project_name: p.name,
    environment: d.environment,
    url: `http://${siteHost(s, p.name, d.short_id)}`,
    created_on: d.created_on,
    modified_on: d.created_on,
    aliases,
    latest_stage: stages[4],
    stages,
    deployment_trigger: {
      type: 'ad_hoc',
      metadata: {
        branch: d.branch,
        commit_hash: d.commit_hash ?? '',
        commit_message: d.commit_message ?? '',
        commit_dirty: d.commit_dirty ?? false,
      },
    },
    build_config: {
      build_caching: false,
      build_command: '',
      destination_dir: '',
      root_dir: '',
      web_analytics_tag: null,
      web_analytics_token: null,
    },
    env_vars: envVarsView(d.env_vars),
    is_skipped: false,
    production_branch: p.production_branch,
    uses_functions: d.files.worker !== undefined,
    source: null,
  };
}

function environmentConfig(written: unknown): Record<string, unknown> {
  const cfg = typeof written === 'object' && written !== null ? (written as Record<string, unknown>) : {};
  const out: Record<string, unknown> = { ...ENV_DEFAULTS, ...cfg };
  if (cfg.env_vars !== undefined) out.env_vars = envVarsView(cfg.env_vars);
  return out;
}

export function projectView(s: Services, p: PagesProject) {
  const w = p.written;
  const configs = (w.deployment_configs ?? {}) as Record<string, unknown>;
  const list = deploymentsOf(s, p.name);
  const latest = list[0];
  const canonical = productionDeployment(s, p);
  const domains = [`${p.name}.pages.dev`, ...(s.state.doc.domains[p.name] ?? []).map((d) => d.name)];
  const out: Record<string, unknown> = {
    id: p.id,
    name: p.name,
    subdomain: `${p.name}.pages.dev`,
    domains,
    created_on: p.created_on,
    production_branch: p.production_branch,
    production_script_name: `pages-worker--${p.id.slice(0, 7)}-production`,
    preview_script_name: `pages-worker--${p.id.slice(0, 7)}-preview`,
    framework: '',
    framework_version: '',
    uses_functions: latest ? latest.files.worker !== undefined : false,
    build_config: w.build_config ?? {
      build_caching: null,
      build_command: null,
      destination_dir: null,
      root_dir: null,
      web_analytics_tag: null,
      web_analytics_token: null,
    },
    deployment_configs: {
      ...configs,
      preview: environmentConfig(configs.preview),
      production: environmentConfig(configs.production),
    },
    canonical_deployment: canonical ? deploymentView(s, p, canonical) : null,
    latest_deployment: latest ? deploymentView(s, p, latest) : null,
  };
  // Optional attributes only when written, so a refresh right after create has nothing to report.
  if (w.source !== undefined) out.source = w.source;
  for (const [k, v] of Object.entries(w)) if (!(k in out)) out[k] = v;
  return out;
}
