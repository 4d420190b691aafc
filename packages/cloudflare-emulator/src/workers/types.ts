/** A Worker script as uploaded: its multipart metadata and module files (stored under scripts/<name>/). */
export interface WorkerScript {
  id: string;
  name: string;
  created_on: string;
  modified_on: string;
  etag: string;
  /** The metadata part verbatim (main_module, bindings, compatibility_date, …). */
  metadata: Record<string, unknown>;
  /** Module file names in upload order, with their content types. */
  modules: Array<{ name: string; type: string }>;
  subdomain_enabled: boolean;
  previews_enabled: boolean;
  /** Versions wrangler creates and deploys; each one snapshot of metadata + module list. */
  versions: Array<{ id: string; number: number; created_on: string; etag: string }>;
  deployment_id: string;
  deployment_created_on: string;
}
