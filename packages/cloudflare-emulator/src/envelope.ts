import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** One entry of Cloudflare's `errors` array. */
export interface CfMessage {
  code: number;
  message: string;
}

/**
 * An error that becomes Cloudflare's error envelope. Status codes are chosen the way Cloudflare does and never
 * 409/5xx for client mistakes: the official SDK and the Terraform provider retry those.
 */
export class CfError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: number;
  constructor(status: ContentfulStatusCode, code: number, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface ResultInfo {
  page?: number;
  per_page?: number;
  count: number;
  total_count?: number;
  total_pages?: number;
  cursor?: string;
}

export function ok(c: Context, result: unknown, resultInfo?: ResultInfo, status: ContentfulStatusCode = 200) {
  const body: Record<string, unknown> = { success: true, errors: [], messages: [], result };
  if (resultInfo) body.result_info = resultInfo;
  return c.json(body, status);
}

export function fail(c: Context, status: ContentfulStatusCode, errors: CfMessage[]) {
  return c.json({ success: false, errors, messages: [], result: null }, status);
}

/** Page a list the way Cloudflare's page/per_page endpoints do. */
export function paginate<T>(items: T[], page: number, perPage: number): { slice: T[]; info: ResultInfo } {
  const p = Math.max(1, page || 1);
  const pp = Math.max(1, perPage || 20);
  const slice = items.slice((p - 1) * pp, p * pp);
  return {
    slice,
    info: {
      page: p,
      per_page: pp,
      count: slice.length,
      total_count: items.length,
      total_pages: Math.max(1, Math.ceil(items.length / pp)),
    },
  };
}

/** Parse a JSON body, failing with Cloudflare's malformed-request envelope. */
export async function readJson<T = Record<string, unknown>>(c: Context): Promise<T> {
  const text = await c.req.text();
  if (text.trim() === '') throw new CfError(400, 10026, 'Request body is empty: send a JSON object.');
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new CfError(400, 10026, `Malformed JSON in request body: ${(e as Error).message}`);
  }
}

export function requireString(body: Record<string, unknown>, field: string, code = 10026): string {
  const v = body[field];
  if (typeof v !== 'string' || v === '') {
    throw new CfError(400, code, `Missing required field "${field}": send it as a non-empty string.`);
  }
  return v;
}
