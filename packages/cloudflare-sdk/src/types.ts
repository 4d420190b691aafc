// The public shapes. Deliberately free of the official SDK's types: its declarations are ~450k lines, and a
// consumer type-checking with ts-node (the Pulumi program) should not parse them just to call `cf.d1.query`.
// The SDK client itself is one import away: `officialSdk(cf)` from `@create-something/cloudflare-sdk/sdk`.

// ---------- KV ----------

export interface KvNamespace {
  id: string;
  title: string;
  supports_url_encoding?: boolean;
  jurisdiction?: 'eu' | 'fedramp' | 'us';
}

export interface KvKey {
  name: string;
  /** Seconds since the epoch; absent when the key does not expire. */
  expiration?: number;
  metadata?: unknown;
}

export interface KvPutOptions {
  /** Seconds until the key expires (Cloudflare requires at least 60). */
  expirationTtl?: number;
  /** Absolute expiry, in seconds since the epoch. */
  expiration?: number;
  /** Arbitrary JSON stored with the key (at most 1024 bytes once serialized). */
  metadata?: unknown;
}

export interface KvListKeysOptions {
  /** Only keys starting with this. */
  prefix?: string;
  /** Keys per request (10–1000); all pages are fetched regardless. @default 1000 */
  pageSize?: number;
}

/** A namespace given by id (32 hex digits) or by title. */
export type KvNamespaceRef = string;

export interface KvApi {
  listNamespaces(): Promise<KvNamespace[]>;
  /** The namespace with this id or title; CloudflareNotFoundError when there is none. */
  resolve(namespace: KvNamespaceRef): Promise<KvNamespace>;
  /** The value as text, or null when the key does not exist. */
  get(namespace: KvNamespaceRef, key: string): Promise<string | null>;
  /** The value parsed as JSON, or null when the key does not exist. */
  getJson<T = unknown>(namespace: KvNamespaceRef, key: string): Promise<T | null>;
  put(namespace: KvNamespaceRef, key: string, value: string | Uint8Array, options?: KvPutOptions): Promise<void>;
  /** `put` of `JSON.stringify(value)`. */
  putJson(namespace: KvNamespaceRef, key: string, value: unknown, options?: KvPutOptions): Promise<void>;
  delete(namespace: KvNamespaceRef, key: string): Promise<void>;
  /** Every key (following the cursor across pages), optionally under a prefix. */
  listKeys(namespace: KvNamespaceRef, options?: KvListKeysOptions): Promise<KvKey[]>;
}

// ---------- D1 ----------

export interface D1Database {
  uuid: string;
  name: string;
  created_at?: string;
  version?: string;
  file_size?: number;
  num_tables?: number;
}

/** A value bound to a `?` placeholder. Passed to the API as is (numbers stay numbers). */
export type D1Param = string | number | boolean | null;

export interface D1Meta {
  changed_db?: boolean;
  changes?: number;
  duration?: number;
  last_row_id?: number;
  rows_read?: number;
  rows_written?: number;
  size_after?: number;
  [field: string]: unknown;
}

/** One statement's outcome; SQL with several `;`-separated statements yields one each. */
export interface D1StatementResult<Row> {
  rows: Row[];
  meta: D1Meta;
}

/** A database given by id (a UUID) or by name. */
export type D1DatabaseRef = string;

export interface D1Api {
  listDatabases(): Promise<D1Database[]>;
  /** The database with this id or name; CloudflareNotFoundError when there is none. */
  resolve(database: D1DatabaseRef): Promise<D1Database>;
  /** Rows of the (last) statement, typed as `Row` (the caller vouches for the shape). */
  query<Row = Record<string, unknown>>(database: D1DatabaseRef, sql: string, params?: D1Param[]): Promise<Row[]>;
  /** The first row of the (last) statement, or null. */
  first<Row = Record<string, unknown>>(database: D1DatabaseRef, sql: string, params?: D1Param[]): Promise<Row | null>;
  /** Rows and meta of every statement, in order. */
  exec<Row = Record<string, unknown>>(
    database: D1DatabaseRef,
    sql: string,
    params?: D1Param[],
  ): Promise<D1StatementResult<Row>[]>;
}

// ---------- Pages ----------

export interface PagesStage {
  name?: string;
  status?: string;
  started_on?: string | null;
  ended_on?: string | null;
}

/** The fields scripts use; the API sends more (build config, env vars, trigger…), present at run time. */
export interface PagesDeployment {
  id: string;
  created_on: string;
  environment: 'preview' | 'production';
  url: string;
  short_id?: string;
  project_name?: string;
  modified_on?: string;
  aliases?: string[] | null;
  latest_stage?: PagesStage;
}

export interface PagesProject {
  name: string;
  id?: string;
  subdomain?: string;
  domains?: string[];
  production_branch?: string;
  created_on?: string;
  canonical_deployment?: PagesDeployment | null;
  latest_deployment?: PagesDeployment | null;
}

export interface PagesDeploymentsOptions {
  /** Only `production` or only `preview` deployments. */
  env?: 'production' | 'preview';
}

export interface PagesApi {
  listProjects(): Promise<PagesProject[]>;
  /** CloudflareNotFoundError (code 8000007) when there is no such project. */
  getProject(name: string): Promise<PagesProject>;
  /** Every deployment of the project, as the API orders them (newest first). */
  listDeployments(name: string, options?: PagesDeploymentsOptions): Promise<PagesDeployment[]>;
  /** The most recently created deployment, or null when the project has none. */
  latestDeployment(name: string, options?: PagesDeploymentsOptions): Promise<PagesDeployment | null>;
}

// ---------- client ----------

export interface CloudflareClient {
  kv: KvApi;
  d1: D1Api;
  pages: PagesApi;
  /** The account every operation is scoped to. */
  readonly accountId: string;
  /** The API root requests go to (ends in /client/v4). */
  readonly baseUrl: string;
}
