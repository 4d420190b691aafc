import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { apiApp, WELL_FORMED_TOKEN } from './api/app.ts';
import type { Services } from './api/context.ts';
import { RECORD_ENV } from './api/recorder.ts';
import { D1Registry } from './d1/registry.ts';
import { loadSqliteTokenizer } from './d1/split-sql.ts';
import { DEFAULT_ACCOUNT_ID } from './ids.ts';
import { KvStore } from './kv/store.ts';
import { createRuntime } from './serve/miniflare-runtime.ts';
import { BlobStore } from './store/blobs.ts';
import { StateStore } from './store/state.ts';

export { DEFAULT_ACCOUNT_ID } from './ids.ts';

export interface EmulatorOptions {
  /** 0 picks a free port. Default 8787. */
  port?: number;
  /** Where state persists. Default `.cloudflare-local` in the working directory. */
  dataDir?: string;
  /** The one account served. Default DEFAULT_ACCOUNT_ID. */
  accountId?: string;
  /** When set, only this Bearer token is accepted (and any of {@link readOnlyTokens}); otherwise any well-formed token is. */
  token?: string;
  /**
   * Tokens that may only read, like a Cloudflare token with Read permissions only: any request with one that is not a
   * GET/HEAD (bar the few POSTs that only read, such as a D1 SELECT) gets 403, code 10000 "Authentication error".
   */
  readOnlyTokens?: string[];
  /**
   * Append every API request and answer, one JSON line each, to this file. Default: the file named by the
   * environment variable CLOUDFLARE_EMULATOR_RECORD, if set; nothing is recorded otherwise.
   */
  recordFile?: string;
  /** Largest request body accepted, in bytes (413 above it). Default 100 MiB. */
  maxUploadBytes?: number;
}

export interface RunningEmulator {
  /** API base, ending in /client/v4. */
  url: string;
  port: number;
  accountId: string;
  dataDir: string;
  /** Every request that matched no route, in order. */
  unknownRoutes: Array<{ method: string; path: string }>;
  /** Every request refused because its token is read-only, in order. */
  refusedWrites: Array<{ method: string; path: string }>;
  /** The file API traffic is recorded to, if any. */
  recordFile: string | undefined;
  stop(): Promise<void>;
}

/** A secret per data dir, so upload JWTs stay valid across restarts. */
function jwtSecret(dataDir: string): Uint8Array {
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'));
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const dataDir = resolve(options.dataDir ?? '.cloudflare-local');
  mkdirSync(dataDir, { recursive: true });
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  if (!/^[0-9a-f]{32}$/.test(accountId))
    throw new Error(`--account-id must be 32 lower-case hex characters, got "${accountId}"`);
  const readOnlyTokens = options.readOnlyTokens ?? [];
  for (const t of readOnlyTokens) {
    if (!WELL_FORMED_TOKEN.test(t))
      throw new Error(`--read-only-token must be 40-80 letters, digits, "_" or "-" (what clients accept), got "${t}"`);
  }
  if (options.token !== undefined && readOnlyTokens.includes(options.token))
    throw new Error('--token and --read-only-token must differ: one token cannot both write and only read');
  await loadSqliteTokenizer();
  const state = new StateStore(dataDir);
  let port = 0;
  const services: Services = {
    accountId,
    token: options.token,
    readOnlyTokens,
    dataDir,
    origin: () => `http://127.0.0.1:${port}`,
    port: () => port,
    state,
    d1: new D1Registry(state, dataDir),
    kv: new KvStore(state, dataDir),
    blobs: new BlobStore(dataDir),
    runtime: undefined as never,
    jwtSecret: jwtSecret(dataDir),
    maxUploadBytes: options.maxUploadBytes ?? 100 * 1024 * 1024,
    unknownRoutes: [],
    refusedWrites: [],
    recordFile: options.recordFile ?? (process.env[RECORD_ENV] ? resolve(process.env[RECORD_ENV]) : undefined),
  };
  services.runtime = createRuntime(services);
  const api = getRequestListener(apiApp(services).fetch);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    services.runtime
      .handle(req, res)
      .then((served) => {
        if (!served) return api(req, res);
      })
      .catch((err: unknown) => {
        console.error('[emulator] serving failed:', err);
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`Emulator failed to serve this request: ${(err as Error).message}`);
      });
  });
  // Go's HTTP client (the Pulumi Cloudflare provider) keeps idle connections for 90 s and reuses them: a server that
  // closes an idle connection first races the client's next request on it ("read: connection reset by peer").
  // Node's defaults (5 s keep-alive) lose that race, so idle connections are kept longer than Go's.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;

  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}/client/v4`,
    port,
    accountId,
    dataDir,
    unknownRoutes: services.unknownRoutes,
    refusedWrites: services.refusedWrites,
    recordFile: services.recordFile,
    async stop() {
      if (stopped) return;
      stopped = true;
      // Idle keep-alive connections first, and a moment for clients to see them end: with the long keep-alive above,
      // a client that reused a connection destroyed mid-stop would fail its next request ("other side closed").
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      await new Promise((r) => setTimeout(r, 50));
      server.closeAllConnections();
      await closed;
      await services.runtime.dispose();
      services.d1.closeAll();
      services.kv.close();
    },
  };
}
