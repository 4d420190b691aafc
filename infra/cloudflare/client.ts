import type Cloudflare from 'cloudflare';
import { cloudflareSubset, type ProviderClient } from './sdk-subset';

/**
 * The official `cloudflare` SDK as the project's provider plugin and scripts use it: one place for the token rule, the
 * base URL of the emulator, retries and timeouts, and how an API failure is put into words.
 *
 * Nothing here loads the whole SDK unless asked (`cloudflareClient`, for the scripts): the provider plugin uses the
 * D1 and Pages subset (`providerClient`, see sdk-subset.ts), so the helpers recognise the SDK's errors by their shape,
 * which both share, rather than by class.
 */

export type { ProviderClient } from './sdk-subset';

export interface ApiTarget {
  /** Only when the stack's config holds the token; otherwise the job's CLOUDFLARE_API_TOKEN is used. */
  apiToken?: string;
  /** A non-Cloudflare API endpoint (the local emulator), ending in `/client/v4`. */
  apiBaseUrl?: string;
}

export interface ClientOptions {
  timeoutMs?: number;
  /** Safe for reads and idempotent writes only: a request that must never be repeated passes `{ maxRetries: 0 }`. */
  maxRetries?: number;
}

/**
 * The token a call uses: the target's own when the stack's config holds one (the local stack), else the job's
 * `CLOUDFLARE_API_TOKEN`. A token from the environment is never a resource input, so it is never kept in the state,
 * a rotated token changes nothing, and a refresh in a read-only job uses the read-only token it was given.
 */
export function tokenFor(target: ApiTarget, env: NodeJS.ProcessEnv = process.env): string {
  const token = target.apiToken || env.CLOUDFLARE_API_TOKEN;
  if (!token)
    throw new Error('No Cloudflare API token: set CLOUDFLARE_API_TOKEN (or cloudflare:apiToken in the stack config).');
  return token;
}

function settings(target: ApiTarget, options: ClientOptions) {
  return {
    apiToken: tokenFor(target),
    ...(target.apiBaseUrl ? { baseURL: target.apiBaseUrl } : {}),
    maxRetries: options.maxRetries ?? 2,
    timeout: options.timeoutMs ?? 60_000,
  };
}

/** The whole SDK (every API), for scripts. */
export function cloudflareClient(target: ApiTarget, options: ClientOptions = {}): Cloudflare {
  const Sdk = (require('cloudflare') as { default: typeof Cloudflare }).default;
  return new Sdk(settings(target, options));
}

/** D1 and Pages only, loaded in milliseconds: what the provider plugin calls. */
export function providerClient(target: ApiTarget, options: ClientOptions = {}): ProviderClient {
  const { createClient, D1Resource, Pages } = cloudflareSubset();
  return createClient({ ...settings(target, options), resources: [D1Resource, Pages] }) as ProviderClient;
}

/** The SDK's APIError (and its subclasses for timeouts and lost connections), whichever copy of the SDK threw it. */
interface ApiErrorShape extends Error {
  status: number | undefined;
  errors: { code?: number; message?: string }[];
}

function isApiError(error: unknown): error is ApiErrorShape {
  return error instanceof Error && 'status' in error && Array.isArray((error as { errors?: unknown }).errors);
}

export function isNotFound(error: unknown): boolean {
  return isApiError(error) && error.status === 404;
}

/** undefined for a 404 (nothing of that name or id), the answer otherwise. */
export async function orNotFound<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** An API failure in words: status, then each of Cloudflare's error messages with its code. */
export function describeFailure(error: unknown): string {
  if (isApiError(error)) {
    const detail = error.errors.map((e) => `${e.message ?? ''}${e.code ? ` (code ${e.code})` : ''}`).join('; ');
    return `${error.status ? `HTTP ${error.status}: ` : ''}${detail || error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A timeout, a dropped connection or a 5xx: the request may have been carried out even though no answer came back. */
export function answerMayBeLost(error: unknown): boolean {
  if (!isApiError(error)) return true;
  return error.status === undefined || error.status === 408 || error.status >= 500;
}

/** Every item of a paginated SDK list, across pages. */
export async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const item of items) found.push(item);
  return found;
}
