import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningEmulator, startEmulator } from '../../../packages/cloudflare-emulator/src/index.ts';
import { newPrefix, type Target } from './target.ts';

/** Tokens in the shape wrangler and the SDK accept; the emulator accepts only these two. */
const TOKEN = 'conformance-emulator-token-0123456789abcdefghijklmn';
const READ_ONLY_TOKEN = 'conformance-emulator-read-only-0123456789abcdefghij';

export interface EmulatorTarget extends Target {
  emulator: RunningEmulator;
  /** Where the API traffic of this run was recorded (for the schema check). */
  recordFile: string;
  stop(): Promise<void>;
}

/**
 * The emulator on a free port of 127.0.0.1, in a temporary folder, recording its traffic. `stop()` stops it (and
 * the workerd processes it started to serve deployments) and removes the folder.
 */
export async function startEmulatorTarget(): Promise<EmulatorTarget> {
  const root = mkdtempSync(join(tmpdir(), 'conformance-emulator-'));
  const home = join(root, 'home');
  mkdirSync(home);
  const recordFile = join(root, 'traffic.ndjson');
  const emulator = await startEmulator({
    port: 0,
    dataDir: join(root, 'data'),
    token: TOKEN,
    readOnlyTokens: [READ_ONLY_TOKEN],
    recordFile,
  });
  return {
    label: 'emulator',
    accountId: emulator.accountId,
    apiToken: TOKEN,
    readOnlyToken: READ_ONLY_TOKEN,
    apiBaseUrl: emulator.url,
    prefix: newPrefix(),
    home,
    emulator,
    recordFile,
    fetchSite: (url, path) => fetchByHost(emulator.port, new URL(url).host, path),
    async stop() {
      await emulator.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** `*.localhost` names may not resolve here: connect to 127.0.0.1 and name the site in the Host header. */
function fetchByHost(port: number, host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
