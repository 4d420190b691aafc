export { createCloudflare } from './client.js';
export { type CloudflareOptions, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from './config.js';
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
export type * from './types.js';
