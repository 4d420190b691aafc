import { CloudflareConfigError } from './errors.js';

/** Options for `createCloudflare`; every field falls back to an environment variable. */
export interface CloudflareOptions {
  /** API token. @default process.env.CLOUDFLARE_API_TOKEN */
  apiToken?: string;
  /** Account every operation is scoped to. @default process.env.CLOUDFLARE_ACCOUNT_ID */
  accountId?: string;
  /**
   * API base URL, ending in `/client/v4` (e.g. a local emulator at `http://127.0.0.1:8787/client/v4`).
   * @default process.env.CLOUDFLARE_BASE_URL ?? process.env.CLOUDFLARE_API_BASE_URL ?? the public API
   */
  baseUrl?: string;
  /**
   * Retries after a connection error, a timeout, 408, 409, 429 or 5xx (the official SDK's rules, with its
   * exponential backoff, honouring `retry-after`). Scripts would rather fail fast than hang, so this is modest.
   * @default 2
   */
  maxRetries?: number;
  /** Per-attempt timeout in milliseconds (the SDK's own default is one minute). @default 30000 */
  timeoutMs?: number;
  /** Where environment variables are read from (tests pass their own). @default process.env */
  env?: Record<string, string | undefined>;
}

export interface ResolvedConfig {
  apiToken: string;
  accountId: string;
  /** Undefined means the SDK's default, the public API. */
  baseUrl: string | undefined;
  maxRetries: number;
  timeoutMs: number;
}

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_TIMEOUT_MS = 30_000;

function pick(option: string | undefined, env: Record<string, string | undefined>, ...names: string[]) {
  if (option !== undefined && option.trim() !== '') return option.trim();
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** Validates a base URL and strips a trailing slash; the SDK appends paths like `/accounts/…`. */
export function normalizeBaseUrl(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CloudflareConfigError(
      `${source} is not a URL: "${raw}". Use the API root ending in /client/v4, e.g. http://127.0.0.1:8787/client/v4.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CloudflareConfigError(`${source} must be an http(s) URL, got "${raw}".`);
  }
  const trimmed = raw.replace(/\/+$/, '');
  if (!trimmed.endsWith('/client/v4')) {
    throw new CloudflareConfigError(
      `${source} must end in /client/v4 (the API root), got "${raw}". Did you mean "${trimmed}/client/v4"?`,
    );
  }
  return trimmed;
}

export function resolveConfig(options: CloudflareOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const apiToken = pick(options.apiToken, env, 'CLOUDFLARE_API_TOKEN');
  const accountId = pick(options.accountId, env, 'CLOUDFLARE_ACCOUNT_ID');

  const missing: string[] = [];
  if (!apiToken)
    missing.push('an API token: set CLOUDFLARE_API_TOKEN (export CLOUDFLARE_API_TOKEN=<token>) or pass { apiToken }');
  if (!accountId)
    missing.push(
      'an account id: set CLOUDFLARE_ACCOUNT_ID (export CLOUDFLARE_ACCOUNT_ID=<32-hex id>) or pass { accountId }',
    );
  if (!apiToken || !accountId) {
    throw new CloudflareConfigError(
      `Missing Cloudflare credentials. createCloudflare() needs ${missing.join('; and ')}.`,
    );
  }

  let baseUrl: string | undefined;
  if (options.baseUrl?.trim()) baseUrl = normalizeBaseUrl(options.baseUrl.trim(), 'options.baseUrl');
  else if (env.CLOUDFLARE_BASE_URL?.trim())
    baseUrl = normalizeBaseUrl(env.CLOUDFLARE_BASE_URL.trim(), 'CLOUDFLARE_BASE_URL');
  else if (env.CLOUDFLARE_API_BASE_URL?.trim())
    baseUrl = normalizeBaseUrl(env.CLOUDFLARE_API_BASE_URL.trim(), 'CLOUDFLARE_API_BASE_URL');

  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new CloudflareConfigError(`maxRetries must be a whole number >= 0, got ${maxRetries}.`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new CloudflareConfigError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}.`);
  }
  return { apiToken, accountId, baseUrl, maxRetries, timeoutMs };
}
