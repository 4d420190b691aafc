import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'cloudflare';

/** One entry of the `errors` array in Cloudflare's response envelope. */
export interface CloudflareErrorDetail {
  code: number;
  message: string;
}

/** What was being done when an error happened; it ends up in the error message. */
export interface ErrorContext {
  /** The composed operation, e.g. `d1.query`. */
  operation: string;
  /** The resource addressed, when there is one: turned into CloudflareNotFoundError on a 404. */
  resource?: { kind: ResourceKind; id: string };
}

export type ResourceKind = 'D1 database' | 'KV namespace' | 'KV key' | 'Pages project' | 'resource';

/** Base class of every error this package throws. */
export class CloudflareSdkError extends Error {
  override name = 'CloudflareSdkError';
}

/** Credentials or options are missing or malformed; thrown before any request is sent. */
export class CloudflareConfigError extends CloudflareSdkError {
  override name = 'CloudflareConfigError';
}

/** The API answered with an error (any HTTP status, with Cloudflare's error codes when it sent them). */
export class CloudflareApiError extends CloudflareSdkError {
  override name = 'CloudflareApiError';
  readonly operation: string;
  /** HTTP status of the failed response. */
  readonly status: number;
  /** The envelope's `errors`, as sent. */
  readonly errors: readonly CloudflareErrorDetail[];

  constructor(
    message: string,
    init: { operation: string; status: number; errors: CloudflareErrorDetail[] },
    cause?: unknown,
  ) {
    super(message, { cause });
    this.operation = init.operation;
    this.status = init.status;
    this.errors = init.errors;
  }

  /** Cloudflare's numeric error codes, e.g. `[7500]`. */
  get codes(): number[] {
    return this.errors.map((e) => e.code);
  }
}

/** The addressed resource does not exist (HTTP 404, or a "not found" error code). */
export class CloudflareNotFoundError extends CloudflareApiError {
  override name = 'CloudflareNotFoundError';
  readonly resource: ResourceKind;
  /** The name or id that was looked up. */
  readonly id: string;

  constructor(
    message: string,
    init: { operation: string; status: number; errors: CloudflareErrorDetail[]; resource: ResourceKind; id: string },
    cause?: unknown,
  ) {
    super(message, init, cause);
    this.resource = init.resource;
    this.id = init.id;
  }
}

/** The token is missing, invalid, or lacks the permission the operation needs (HTTP 401/403, code 10000). */
export class CloudflareUnauthorizedError extends CloudflareApiError {
  override name = 'CloudflareUnauthorizedError';
}

/** No answer: connection refused, reset or timed out (after the configured retries). */
export class CloudflareConnectionError extends CloudflareSdkError {
  override name = 'CloudflareConnectionError';
  readonly operation: string;
  readonly timedOut: boolean;

  constructor(message: string, init: { operation: string; timedOut: boolean }, cause?: unknown) {
    super(message, { cause });
    this.operation = init.operation;
    this.timedOut = init.timedOut;
  }
}

// Codes Cloudflare uses for "no such thing", sometimes with a status other than 404:
// 7003/7000 unroutable object id, 7404 D1 database, 10013 KV namespace, 10009 KV key, 8000007 Pages project.
const NOT_FOUND_CODES = new Set([7000, 7003, 7404, 10009, 10013, 8000007]);
// 10000 authentication error, 9109 invalid access token, 6111 malformed Authorization header.
const UNAUTHORIZED_CODES = new Set([10000, 9109, 6111]);

function detailsOf(error: APIError): CloudflareErrorDetail[] {
  const raw: unknown = error.errors;
  if (!Array.isArray(raw)) return [];
  return raw.map((e: unknown) => {
    const entry = (e ?? {}) as { code?: unknown; message?: unknown };
    return {
      code: typeof entry.code === 'number' ? entry.code : Number(entry.code ?? 0),
      message: typeof entry.message === 'string' ? entry.message : JSON.stringify(entry.message ?? ''),
    };
  });
}

/** `HTTP 404, code 10013: namespace not found`, for messages. */
export function describeFailure(status: number, errors: readonly CloudflareErrorDetail[]): string {
  const codes = errors.map((e) => `code ${e.code}: ${e.message}`).join('; ');
  return codes ? `HTTP ${status}, ${codes}` : `HTTP ${status}, no error details in the response`;
}

/**
 * Turns whatever the official SDK threw into one of this package's typed errors.
 * Errors that are not the SDK's (bugs, our own typed errors) pass through unchanged.
 */
export function toCloudflareError(error: unknown, context: ErrorContext): unknown {
  if (error instanceof CloudflareSdkError) return error;
  if (error instanceof APIConnectionError) {
    const timedOut = error instanceof APIConnectionTimeoutError;
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    const what = timedOut ? 'timed out' : `could not connect${cause}`;
    return new CloudflareConnectionError(
      `${context.operation} ${what} (after retries). Check that the API is reachable at the configured base URL.`,
      { operation: context.operation, timedOut },
      error,
    );
  }
  if (!(error instanceof APIError) || typeof error.status !== 'number') return error;

  const status = error.status;
  const errors = detailsOf(error);
  const codes = errors.map((e) => e.code);
  const detail = describeFailure(status, errors);
  const init = { operation: context.operation, status, errors };

  if (status === 401 || status === 403 || codes.some((c) => UNAUTHORIZED_CODES.has(c))) {
    return new CloudflareUnauthorizedError(
      `${context.operation} was refused (${detail}). Check that CLOUDFLARE_API_TOKEN is valid and has the permission ` +
        'this operation needs, and that CLOUDFLARE_ACCOUNT_ID is the account the token belongs to.',
      init,
      error,
    );
  }
  if (status === 404 || codes.some((c) => NOT_FOUND_CODES.has(c))) {
    const resource = context.resource ?? { kind: 'resource' as const, id: '(unknown)' };
    return new CloudflareNotFoundError(
      `${resource.kind} "${resource.id}" not found (${context.operation}: ${detail})`,
      { ...init, resource: resource.kind, id: resource.id },
      error,
    );
  }
  return new CloudflareApiError(`${context.operation} failed (${detail})`, init, error);
}

/** Runs `fn`, rethrowing SDK errors as typed errors carrying `context`. */
export async function withErrors<T>(context: ErrorContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toCloudflareError(error, context);
  }
}
