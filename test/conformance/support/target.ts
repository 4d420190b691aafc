import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Cloudflare from 'cloudflare';

const REPO = join(__dirname, '..', '..', '..');
/** The repository's own wrangler, the one the program runs. */
const WRANGLER = join(REPO, 'node_modules', '.bin', 'wrangler');

/** "A Cloudflare API": the emulator or a real account. Every belief talks to it only through this. */
export interface Target {
  /** 'emulator' or 'real account', for messages. */
  label: string;
  accountId: string;
  apiToken: string;
  /** A token with Read permissions only (Pages, D1, Workers KV Storage, Workers Scripts, Account Settings). */
  readOnlyToken: string | undefined;
  /** The API base for clients; undefined means Cloudflare's own. */
  apiBaseUrl: string | undefined;
  /** Prefix of every name this run creates: `conformance-<random>`. */
  prefix: string;
  /** A HOME for wrangler with no login or config of the machine's user. */
  home: string;
  /** GET a path of a deployed Pages site (a deployment URL as the API returned it), retrying while it propagates. */
  fetchSite(url: string, path: string): Promise<{ status: number; body: string }>;
}

/** A fresh, lower-case name under the run's prefix (Pages project names allow [a-z0-9-], at most 58). */
export function uniqueName(target: Target, what: string): string {
  return `${target.prefix}-${what}-${randomBytes(2).toString('hex')}`;
}

export function newPrefix(): string {
  return `conformance-${randomBytes(4).toString('hex')}`;
}

/** The official SDK, without retries: a belief is about the first answer. */
export function sdk(target: Target, token: string = target.apiToken): Cloudflare {
  return new Cloudflare({
    apiToken: token,
    maxRetries: 0,
    ...(target.apiBaseUrl ? { baseURL: target.apiBaseUrl } : {}),
  });
}

export interface WranglerResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the repository's wrangler against the target, with nothing of the machine's environment but PATH. */
export function wrangler(
  target: Target,
  args: string[],
  cwd: string,
  token: string = target.apiToken,
): Promise<WranglerResult> {
  return new Promise((resolve) => {
    execFile(
      WRANGLER,
      args,
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: target.home,
          XDG_CONFIG_HOME: join(target.home, '.config'),
          CLOUDFLARE_API_TOKEN: token,
          CLOUDFLARE_ACCOUNT_ID: target.accountId,
          ...(target.apiBaseUrl ? { CLOUDFLARE_API_BASE_URL: target.apiBaseUrl } : {}),
          WRANGLER_SEND_METRICS: 'false',
          CI: '1',
          NO_COLOR: '1',
          FORCE_COLOR: '0',
        },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 240_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
      },
    );
  });
}

export function expectSuccess(r: WranglerResult): string {
  if (r.code !== 0) throw new Error(`wrangler exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r.stdout;
}

/** The Cloudflare error codes of a failed SDK call (the `errors` of its envelope). */
export function errorCodes(error: unknown): number[] {
  if (!(error instanceof Cloudflare.APIError)) throw error;
  return ((error.errors ?? []) as Array<{ code?: number }>).map((e) => e.code ?? -1);
}

/** The failure of a call that must fail: its HTTP status and Cloudflare error codes. */
export async function failure(call: Promise<unknown>): Promise<{ status: number | undefined; codes: number[] }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof Cloudflare.APIError)) throw error;
    return { status: error.status, codes: errorCodes(error) };
  }
  throw new Error('the call succeeded, but the belief is that it fails');
}
