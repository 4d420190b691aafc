import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Cloudflare from 'cloudflare';
import { expect } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../packages/cloudflare-emulator/src/index.ts';
import { getByHost, hostOf } from './http';
import { changedSteps, type PreviewJson } from './preview-json';
import { PulumiCli, type Toolchain } from './pulumi-cli';
import { SITE_CHECKS } from './site-checks';

/** The local stack on a fresh emulator, run first by an older program and then by a newer one. */
export interface StackMove {
  emulator: RunningEmulator;
  cf: Cloudflare;
  /** The older program (`before`'s copy). */
  previous: PulumiCli;
  /** The newer program (`after`'s copy). */
  current: PulumiCli;
  /** Stops the emulator and removes both copies and the scratch folder. */
  stop(): Promise<void>;
}

/**
 * Sets up a move: one state backend and one build cache for both copies (the same stack, first run by one program,
 * then by the other), the stack pointed at a fresh emulator, and the older copy's stack config given to the newer.
 */
export async function startStackMove(
  prefix: string,
  copies: { before: { dir: string; remove(): void }; after: { dir: string; remove(): void } },
  toolchain: Toolchain,
  token: string,
): Promise<StackMove> {
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  const emulator = await startEmulator({ port: 0, dataDir: join(scratch, 'emulator') });
  const previous = new PulumiCli(copies.before.dir, join(scratch, 'state'), toolchain);
  const current = new PulumiCli(copies.after.dir, join(scratch, 'state'), toolchain);
  await previous.initStackOnEmulator('local', emulator, { token });
  copyFileSync(join(copies.before.dir, 'Pulumi.local.yaml'), join(copies.after.dir, 'Pulumi.local.yaml'));
  return {
    emulator,
    cf: new Cloudflare({ apiToken: token, baseURL: emulator.url, maxRetries: 0 }),
    previous,
    current,
    stop: async () => {
      await emulator.stop();
      copies.before.remove();
      copies.after.remove();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** After a move: every site answers its check page with its seeded D1 row, and the next preview changes nothing. */
export async function expectMovedStackServes(
  move: StackMove,
  apps: Record<string, { productionUrl: string }>,
): Promise<void> {
  for (const app of Object.keys(SITE_CHECKS) as (keyof typeof SITE_CHECKS)[]) {
    const url = apps[app]?.productionUrl;
    if (!url) throw new Error(`no outputs for ${app} after the move`);
    const page = await getByHost(move.emulator.port, hostOf(url), SITE_CHECKS[app].path);
    expect(page.status, app).toBe(200);
    expect(page.body).toContain(SITE_CHECKS[app].d1Text);
  }
  const preview = JSON.parse((await move.current.ok(['preview', '--json', '--stack', 'local'])).stdout) as PreviewJson;
  expect(changedSteps(preview)).toEqual([]);
}
