import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { judgeRecording } from '../../../test/conformance/schema/judge-recording.ts';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../src/index.ts';

export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const WRANGLER_BIN = join(PACKAGE_DIR, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
/** A fake token in the shape wrangler and the providers insist on. */
export const TOKEN = 'emulator-test-token-0123456789abcdefghijklmnopqrstuvwxyz';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `cf-emu-${prefix}-`));
}

export interface Harness {
  emu: RunningEmulator;
  dataDir: string;
  /** Restart on the same data dir (and port, so URLs stay valid). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(name: string, options: EmulatorOptions = {}): Promise<Harness> {
  const dataDir = tempDir(name);
  const h: Harness = {
    emu: await startEmulator({ ...options, port: 0, dataDir }),
    dataDir,
    async restart() {
      const port = h.emu.port;
      const unknown = [...h.emu.unknownRoutes];
      await h.emu.stop();
      h.emu = await startEmulator({ ...options, port, dataDir });
      h.emu.unknownRoutes.push(...unknown);
    },
    async close() {
      await h.emu.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

export interface WranglerResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the real wrangler CLI against the emulator, on the same Node that runs the tests. */
export function wrangler(
  emu: RunningEmulator,
  cwd: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<WranglerResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [WRANGLER_BIN, ...args],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? cwd,
          CLOUDFLARE_API_BASE_URL: emu.url,
          CLOUDFLARE_API_TOKEN: TOKEN,
          CLOUDFLARE_ACCOUNT_ID: emu.accountId,
          WRANGLER_SEND_METRICS: 'false',
          CI: '1',
          NO_COLOR: '1',
          FORCE_COLOR: '0',
          ...extraEnv,
        },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 180_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
      },
    );
  });
}

export function expectOk(r: WranglerResult): string {
  if (r.code !== 0) throw new Error(`wrangler exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r.stdout;
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: {
    success: boolean;
    errors: Array<{ code: number; message: string }>;
    messages: unknown[];
    result: T;
    result_info?: Record<string, unknown>;
  };
}

/** Call the REST API directly (for shapes the SDK hides, and for bad input). */
export async function api<T = unknown>(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${TOKEN}`, ...headers } };
  if (body !== undefined) {
    init.body =
      typeof body === 'string' || body instanceof Uint8Array || body instanceof FormData
        ? (body as BodyInit)
        : JSON.stringify(body);
    if (typeof body !== 'string' && !(body instanceof FormData) && !(body instanceof Uint8Array)) {
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
  }
  const res = await fetch(`${emu.url}${path}`, init);
  return { status: res.status, body: (await res.json()) as ApiResponse<T>['body'] };
}

export const account = (emu: RunningEmulator) => `/accounts/${emu.accountId}`;

export interface SiteResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET a served site by Host header: *.localhost names may not resolve here, so connect to 127.0.0.1 directly. */
export function fetchSite(emu: RunningEmulator, host: string, path = '/', method = 'GET'): Promise<SiteResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: emu.port, path, method, headers: { host: `${host}:${emu.port}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * Judge a recording (startEmulator's `recordFile`) against Cloudflare's published schema, for the routes matching
 * `routes` (a focused test answers for its own routes; the conformance suite answers for everything else).
 */
export function schemaProblems(file: string, routes: RegExp): { invalid: string[]; unlisted: string[] } {
  const judged = judgeRecording([file]);
  return {
    invalid: judged.invalid.filter((p) => routes.test(p)),
    unlisted: judged.unlistedRoutes.filter((r) => routes.test(r)),
  };
}

/** Wait (up to `ms`) for a KV key to appear, read through the REST API; its JSON value, or undefined at the deadline. */
export async function waitForKv(emu: RunningEmulator, namespace: string, key: string, ms = 20_000): Promise<unknown> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const res = await fetch(`${emu.url}${account(emu)}/storage/kv/namespaces/${namespace}/values/${key}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    if (res.status === 200) return res.json();
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 250));
  }
  return undefined;
}

/** Writes a Worker project (wrangler.json + src/index.ts) in its own folder under `root` and deploys it with wrangler. */
export async function deployWorker(
  h: Harness,
  root: string,
  config: Record<string, unknown>,
  source: string,
): Promise<string> {
  const dir = join(root, String(config.name));
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(
    join(dir, 'wrangler.json'),
    JSON.stringify({ main: 'src/index.ts', compatibility_date: '2025-01-01', ...config }),
  );
  writeFileSync(join(dir, 'src', 'index.ts'), source);
  return expectOk(await wrangler(h.emu, dir, ['deploy']));
}

/**
 * A harness whose every API answer is recorded, for a test file of new routes: `finish` (in afterAll) stops it and
 * fails on any route the emulator did not know and on any answer of `routes` the schema refuses or does not list.
 */
export async function startJudgedHarness(
  name: string,
  routes: RegExp,
): Promise<{ h: Harness; cwd: string; finish(): Promise<void> }> {
  const cwd = tempDir(`${name}-cwd`);
  const h = await startHarness(name, { recordFile: join(cwd, 'api.ndjson') });
  return {
    h,
    cwd,
    async finish() {
      const unknown = [...h.emu.unknownRoutes];
      const problems = schemaProblems(join(cwd, 'api.ndjson'), routes);
      await h.close();
      rmSync(cwd, { recursive: true, force: true });
      if (unknown.length > 0) throw new Error(`routes the emulator does not know: ${JSON.stringify(unknown)}`);
      if (problems.invalid.length + problems.unlisted.length > 0)
        throw new Error(`answers the schema refuses or does not list: ${JSON.stringify(problems)}`);
    },
  };
}
