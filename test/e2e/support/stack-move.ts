import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Cloudflare from 'cloudflare';
import { type RunningEmulator, startEmulator } from '../../../packages/cloudflare-emulator/src/index.ts';
import { PulumiCli, type Toolchain } from './pulumi-cli';

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
