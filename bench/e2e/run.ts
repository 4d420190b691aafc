// pnpm bench:e2e: the real Pulumi engine against the local emulator, side by side with a hand-run deploy.
// One round (a full Pulumi deploy, a hand-run deploy of the same four apps, a no-op up, a preview, a one-package
// change and its floor, a bindings-only change, 20 added migrations, a forced rebuild from nothing, a new stack
// promoted from a warm remote cache, the empty-program floor, the build floor) takes several minutes on a 2-core
// machine, mostly SvelteKit builds. BENCH_E2E_RUNS rounds (default 3);
// medians are printed with the targets.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningEmulator, startEmulator } from '../../packages/cloudflare-emulator/src/index.ts';
import { startTurboCacheServer } from '../../scripts/lib/turbo-cache-server';
import { findToolchain } from '../../test/e2e/support/pulumi-cli';
import { makeWorkCopy, REPO_ROOT } from '../../test/e2e/support/work-copy';
import { handRunBaseline } from './baseline';
import { buildFloor } from './floors';
import { emptyProgramPreview, IO_PAGE, type PulumiTimes, promoteUp, pulumiRound, withoutWorkers } from './pulumi-side';
import { printTable, type Round } from './report';
import { loadAverage, log } from './timing';

const PACKAGES = ['space', 'io', 'agency', 'ltd'] as const;
const TOKEN = 'bench-e2e-emulator-token-00000000000000000000';
const RUNS = Number(process.env.BENCH_E2E_RUNS ?? 3);
if (!Number.isInteger(RUNS) || RUNS < 1) {
  throw new Error(`BENCH_E2E_RUNS must be a whole number ≥ 1 (got "${process.env.BENCH_E2E_RUNS}")`);
}

const toolchain = findToolchain();
if (!('bin' in toolchain)) {
  throw new Error(
    `the offline Pulumi toolchain is not available: ${toolchain.missing}\nbuild it with \`pnpm toolchain\``,
  );
}
const ready = toolchain;

/** A fresh emulator and a fresh work copy for one side of a round, removed afterwards whatever happens. */
async function onFreshSetup<T>(
  label: string,
  use: (repoDir: string, scratch: string, emulator: RunningEmulator) => Promise<T>,
): Promise<T> {
  const scratch = mkdtempSync(join(tmpdir(), `bench-e2e-${label}-`));
  const copy = makeWorkCopy();
  const emulator = await startEmulator({ port: 0, dataDir: join(scratch, 'emulator') });
  try {
    const result = await use(copy.dir, scratch, emulator);
    if (emulator.unknownRoutes.length > 0) {
      log(`${label}: the emulator saw unknown API routes: ${JSON.stringify(emulator.unknownRoutes)}`);
    }
    return result;
  } finally {
    await emulator.stop();
    copy.remove();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  log(`${RUNS} round(s); load average at start ${loadAtStart}; toolchain ${ready.bin}`);
  const rounds: Round[] = [];
  for (let round = 0; round < RUNS; round++) {
    log(`round ${round + 1} of ${RUNS}`);
    const baseline = () =>
      onFreshSetup('baseline', (repoDir, _scratch, emulator) => handRunBaseline(repoDir, PACKAGES, emulator, TOKEN));
    // The Pulumi side, then a new stack promoted from the remote cache its forced rebuild filled: the local stack in
    // another fresh work copy (empty .turbo) with its own state and emulator, io's page as the first copy deployed it.
    // The build floor goes right before the full deploy it is the floor of: the shared machine's load drifts.
    const pulumi = async () => ({
      buildFloor: await onFreshSetup('build-floor', (repoDir) => buildFloor(repoDir)),
      ...(await onFreshSetup('pulumi', async (repoDir, scratch, emulator) => {
        withoutWorkers(repoDir);
        const cache = await startTurboCacheServer(REPO_ROOT, join(scratch, 'turbo-remote-cache'));
        try {
          const times = await pulumiRound(repoDir, join(scratch, 'state'), ready, emulator, TOKEN, round, cache.env);
          const promoted = await onFreshSetup('promote', (promoteDir, promoteScratch, promoteEmulator) => {
            withoutWorkers(promoteDir);
            copyFileSync(join(repoDir, IO_PAGE), join(promoteDir, IO_PAGE));
            return promoteUp(promoteDir, join(promoteScratch, 'state'), ready, promoteEmulator, TOKEN, cache.env);
          });
          return { ...times, promoteUp: promoted.seconds, promoteBuilds: promoted.builds };
        } finally {
          await cache.stop();
        }
      })),
    });
    // Alternate which side goes first, so a slow patch of the shared machine does not always hit the same one.
    let baselineSeconds: number;
    let times: PulumiTimes & { buildFloor: number; promoteUp: number; promoteBuilds: number };
    if (round % 2 === 0) {
      times = await pulumi();
      baselineSeconds = await baseline();
    } else {
      baselineSeconds = await baseline();
      times = await pulumi();
    }
    const floor = await onFreshSetup('floor', (_repoDir, scratch) => emptyProgramPreview(scratch, ready));
    rounds.push({ baseline: baselineSeconds, floor: floor.seconds, floorPhases: floor.phases, ...times });
    // The table so far, in case a later round fails or the run is cut short.
    if (round + 1 < RUNS) printTable(rounds, loadAtStart, loadAverage(), process.stderr);
  }
  printTable(rounds, loadAtStart, loadAverage());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
