import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '@create-something/cloudflare-emulator';
import type Cloudflare from 'cloudflare';
import { afterAll, beforeAll, expect } from 'vitest';
import { type CloudflareClient, type CloudflareOptions, createCloudflare } from '../../../src/index.js';
import { officialSdk } from '../../../src/sdk.js';

/** Starting, restarting and seeding take well under a second alone, but the tests share two cores with others. */
export const HOOK_TIMEOUT_MS = 60_000;

/** A fake token in the shape the emulator (like wrangler) accepts: 40–80 of [0-9A-Za-z_-]. */
export const TOKEN = 'sdk-conformance-token-0123456789abcdefghijklmnopqrstuvwxyz';

export interface EmulatorHarness {
  emu: RunningEmulator;
  dataDir: string;
  /** Unknown routes over every run of this harness, restarts included. */
  unknownRoutes(): Array<{ method: string; path: string }>;
  /** Stop, then start again on the same data dir and port, so clients made before keep working. */
  restart(): Promise<void>;
  /** A client of this package pointed at the emulator (no retries: the emulator answers or the test fails). */
  client(options?: CloudflareOptions): CloudflareClient;
  /** The official SDK, configured like `client()`, for creating fixtures. */
  official(): Cloudflare;
  close(): Promise<void>;
}

export async function launchEmulator(name: string, options: EmulatorOptions = {}): Promise<EmulatorHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), `cf-sdk-emu-${name}-`));
  const earlierUnknown: Array<{ method: string; path: string }> = [];
  let emu = await startEmulator({ ...options, port: 0, dataDir });
  const h: EmulatorHarness = {
    get emu() {
      return emu;
    },
    dataDir,
    unknownRoutes: () => [...earlierUnknown, ...emu.unknownRoutes],
    async restart() {
      const port = emu.port;
      earlierUnknown.push(...emu.unknownRoutes);
      await emu.stop();
      emu = await startEmulator({ ...options, port, dataDir });
    },
    client: (clientOptions = {}) =>
      createCloudflare({
        env: { CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_ACCOUNT_ID: emu.accountId, CLOUDFLARE_BASE_URL: emu.url },
        maxRetries: 0,
        ...clientOptions,
      }),
    official: () => officialSdk(h.client()),
    async close() {
      await emu.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

/**
 * One emulator for a test file: started in beforeAll, stopped in afterAll, which also checks that the SDK
 * never called a route the emulator does not implement (such a call would pass for a 404 "not found").
 */
export function useEmulator(name: string, options: EmulatorOptions = {}): () => EmulatorHarness {
  let harness: EmulatorHarness | undefined;
  beforeAll(async () => {
    harness = await launchEmulator(name, options);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    if (!harness) return;
    const unknown = harness.unknownRoutes();
    await harness.close();
    expect(unknown, 'requests the emulator has no route for').toEqual([]);
  }, HOOK_TIMEOUT_MS);
  return () => {
    if (!harness) throw new Error('the emulator is not running: call the accessor inside a test or hook');
    return harness;
  };
}
