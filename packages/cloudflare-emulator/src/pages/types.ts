/** A Pages project as written by clients: kept verbatim so reads round-trip exactly. */
export interface PagesProject {
  id: string;
  name: string;
  created_on: string;
  production_branch: string;
  /** The client-written body minus name/production_branch (build_config, deployment_configs, source, …). */
  written: Record<string, unknown>;
  /** Deployment pinned as production by a rollback; otherwise the newest production deployment serves. */
  canonical_deployment_id?: string;
}

export interface DeploymentFiles {
  /** "/path" → asset hash, as wrangler's manifest sends it. */
  manifest: Record<string, string>;
  headers?: string;
  redirects?: string;
  routes?: string;
  /** The multipart Worker bundle (or a raw _worker.js) is stored beside the state file under deployments/<id>. */
  worker?: 'bundle' | 'script';
}

export interface Deployment {
  id: string;
  short_id: string;
  project_name: string;
  environment: 'production' | 'preview';
  branch: string;
  commit_hash?: string;
  commit_message?: string;
  commit_dirty?: boolean;
  created_on: string;
  files: DeploymentFiles;
  /** Names of the multipart parts the client sent, so tests can check e.g. that no wrangler config went along. */
  received_parts?: string[];
  /** Env vars captured from the project config at deploy time, as Cloudflare shows them on a deployment. */
  env_vars: Record<string, unknown>;
  /**
   * The project's deployment config for this environment (bindings, compatibility date and flags, env vars) as it was
   * when the deployment was created. Cloudflare copies it into the deployment: a later change to the project reaches
   * only new deployments. Absent in state written before the emulator kept it; then the project's current config
   * serves, as it used to.
   */
  config_snapshot?: Record<string, unknown>;
}

export interface PagesDomain {
  id: string;
  name: string;
  created_on: string;
}
