export { type CloudflareClient, createCloudflare } from './client.js';
export { type CloudflareOptions, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from './config.js';
export type { D1Api, D1Database, D1DatabaseRef, D1Meta, D1Param, D1StatementResult } from './d1.js';
export {
  CloudflareApiError,
  CloudflareConfigError,
  CloudflareConnectionError,
  type CloudflareErrorDetail,
  CloudflareNotFoundError,
  CloudflareSdkError,
  CloudflareUnauthorizedError,
  type ResourceKind,
} from './errors.js';
export { isKvNamespaceId, isUuid } from './ids.js';
export type { KvApi, KvKey, KvListKeysOptions, KvNamespace, KvNamespaceRef, KvPutOptions } from './kv.js';
export type { PagesApi, PagesDeployment, PagesDeploymentsOptions, PagesProject } from './pages.js';
