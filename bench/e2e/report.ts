import type { EnginePhases } from './phases';
import type { PulumiTimes } from './pulumi-side';
import { median } from './timing';

export interface Round extends PulumiTimes {
  baseline: number;
  /** `pulumi preview` of an empty program: the engine's floor. */
  floor: number;
  floorPhases: EnginePhases;
  /** turbo building the four apps from an empty cache in a fresh work copy, nothing else. */
  buildFloor: number;
  /** `up` of a new stack in another fresh work copy, every build restored from a warm remote cache. */
  promoteUp: number;
  /** Builds that really ran in that `up` (expected 0). */
  promoteBuilds: number;
}

interface Target {
  what: string;
  measured: number;
  against: number;
  limit: number;
  /** A count (not a ratio): printed as a whole number, and met when it is at most `limit`. */
  count?: true;
}

const s = (n: number) => n.toFixed(1);

/** Medians of every measurement, each round's values, and the ratios against their targets. */
export function printTable(
  rounds: Round[],
  loadAtStart: string,
  loadAtEnd: string,
  out: NodeJS.WritableStream = process.stdout,
): void {
  const m = (pick: (r: Round) => number) => median(rounds.map(pick));
  const rows: [string, (r: Round) => number][] = [
    ['hand-run baseline (sequential)', (r) => r.baseline],
    ['pulumi up, full first deploy', (r) => r.fullUp],
    ['turbo build of the four apps, empty cache (build floor)', (r) => r.buildFloor],
    ['pulumi up, no-op', (r) => r.noopUp],
    ['pulumi preview, bare', (r) => r.preview],
    ['pulumi up, one package changed (io)', (r) => r.onePackageUp],
    ['io changed: turbo build + wrangler pages deploy (one-package floor)', (r) => r.onePackageFloor],
    ['pulumi up, new stack from a warm remote cache (promote)', (r) => r.promoteUp],
    ['pulumi up, bindings only (io KV namespace replaced)', (r) => r.bindingsOnlyUp],
    ['pulumi up, no-op after 20 more migrations', (r) => r.noopUpAfterMigrations],
    ['pulumi preview, empty program (floor)', (r) => r.floor],
  ];
  const lines = [
    `bench:e2e — ${rounds.length} round(s) on the local emulator, four apps, no Worker (seconds)`,
    '',
    `| measurement | median | rounds |`,
    `|---|---:|---|`,
    ...rows.map(([label, pick]) => `| ${label} | ${s(m(pick))} | ${rounds.map((r) => s(pick(r))).join(', ')} |`),
    '',
    '| target | ratio of medians | limit | met |',
    '|---|---:|---:|---|',
    ...targets(rounds).map((t) => {
      const value = t.measured / t.against;
      return `| ${t.what} | ${t.count ? String(value) : value.toFixed(2)} | ${t.count && t.limit === 0 ? '= 0' : `≤ ${t.limit}`} | ${value <= t.limit ? 'yes' : 'NO'} |`;
    }),
    '',
    `builds that ran in the promoted stack's up (expected 0): ${rounds.map((r) => r.promoteBuilds).join(', ')}; Pages deployments made by the forced rebuild from nothing (expected 0): ${rounds.map((r) => r.rebuildUploads).join(', ')}`,
    '',
    `checkpoint after the full deploy: ${rounds.map((r) => kib(r.checkpointBytes)).join(', ')}; right after applying 20 more migrations (about 400 KB of SQL): ${rounds.map((r) => kib(r.checkpointBytesAfterMigrations)).join(', ')}; after the next up: ${rounds.map((r) => kib(r.checkpointBytesAfterNextRun)).join(', ')}`,
    '',
    ...phaseTable(rounds),
    `load average (1, 5, 15 min): start ${loadAtStart}; end ${loadAtEnd}`,
  ];
  out.write(`${lines.join('\n')}\n`);
  // Last line: every median and ratio, for machines to read.
  const json: Record<string, number> = {
    baseline_s: m((r) => r.baseline),
    full_s: m((r) => r.fullUp),
    noop_s: m((r) => r.noopUp),
    preview_s: m((r) => r.preview),
    one_package_s: m((r) => r.onePackageUp),
    bindings_only_s: m((r) => r.bindingsOnlyUp),
    noop_after_migrations_s: m((r) => r.noopUpAfterMigrations),
    floor_s: m((r) => r.floor),
    build_floor_s: m((r) => r.buildFloor),
    one_package_floor_s: m((r) => r.onePackageFloor),
    promote_s: m((r) => r.promoteUp),
    // Counts that must be 0: the worst round, not the median.
    rebuild_uploads: Math.max(...rounds.map((r) => r.rebuildUploads)),
    promote_builds: Math.max(...rounds.map((r) => r.promoteBuilds)),
    checkpoint_bytes: m((r) => r.checkpointBytes),
    checkpoint_after_migrations_bytes: m((r) => r.checkpointBytesAfterMigrations),
    checkpoint_after_next_run_bytes: m((r) => r.checkpointBytesAfterNextRun),
    full_over_baseline: m((r) => r.fullUp) / m((r) => r.baseline),
    noop_over_preview: m((r) => r.noopUp) / m((r) => r.preview),
    one_over_full: m((r) => r.onePackageUp) / m((r) => r.fullUp),
    preview_over_floor: m((r) => r.preview) / m((r) => r.floor),
    bindings_over_full: m((r) => r.bindingsOnlyUp) / m((r) => r.fullUp),
    noop_after_migrations_over_noop: m((r) => r.noopUpAfterMigrations) / m((r) => r.noopUp),
    full_over_build_floor: m((r) => r.fullUp) / m((r) => r.buildFloor),
    one_over_floor: m((r) => r.onePackageUp) / m((r) => r.onePackageFloor),
    promote_over_full: m((r) => r.promoteUp) / m((r) => r.fullUp),
    rounds: rounds.length,
  };
  out.write(`${JSON.stringify(Object.fromEntries(Object.entries(json).map(([k, v]) => [k, Number(v.toFixed(3))])))}\n`);
}

function targets(rounds: Round[]): Target[] {
  const m = (pick: (r: Round) => number) => median(rounds.map(pick));
  return [
    {
      what: 'full deploy / hand-run baseline',
      measured: m((r) => r.fullUp),
      against: m((r) => r.baseline),
      limit: 0.5,
    },
    { what: 'no-op up / bare preview', measured: m((r) => r.noopUp), against: m((r) => r.preview), limit: 1.2 },
    {
      what: 'one-package up / full deploy',
      measured: m((r) => r.onePackageUp),
      against: m((r) => r.fullUp),
      limit: 0.3,
    },
    {
      // The issue asks that it not grow; 1.2 is this machine's run-to-run noise, not a target of its own.
      what: 'no-op up after 20 more migrations / no-op up',
      measured: m((r) => r.noopUpAfterMigrations),
      against: m((r) => r.noopUp),
      limit: 1.2,
    },
    {
      // 1.6 since the provider plugin replaced the dynamic providers (it starts a process of its own); was 1.5.
      what: 'bare preview / empty-program floor',
      measured: m((r) => r.preview),
      against: m((r) => r.floor),
      limit: 1.6,
    },
    {
      // The deploy is its builds plus the Cloudflare work around them: the builds must dominate it.
      what: 'full deploy / turbo build of the four apps (build floor)',
      measured: m((r) => r.fullUp),
      against: m((r) => r.buildFloor),
      limit: 1.25,
    },
    {
      what: 'one-package up / its turbo build + pages deploy (one-package floor)',
      measured: m((r) => r.onePackageUp),
      against: m((r) => r.onePackageFloor),
      limit: 1.3,
    },
    {
      what: 'new stack from a warm remote cache / full deploy',
      measured: m((r) => r.promoteUp),
      against: m((r) => r.fullUp),
      limit: 0.35,
    },
    {
      what: 'Pages deployments after a forced rebuild from nothing, sources unchanged (worst round)',
      measured: Math.max(...rounds.map((r) => r.rebuildUploads)),
      against: 1,
      limit: 0,
      count: true,
    },
  ];
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

/**
 * Where the time goes (item 5): the engine's phases of one verbose run each of the bare preview, the no-op up and the
 * floor, then the program's own marks inside the preview's node process, then each plugin's start. Medians over
 * rounds; a phase a run does not have (the floor registers no resource) shows a dash.
 */
function phaseTable(rounds: Round[]): string[] {
  const runs: [string, (r: Round) => EnginePhases][] = [
    ['preview', (r) => r.previewPhases],
    ['no-op up', (r) => r.noopPhases],
    ['floor', (r) => r.floorPhases],
  ];
  const cell = (values: (number | undefined)[]) => {
    const known = values.filter((v): v is number => v !== undefined);
    return known.length ? s2(median(known)) : '–';
  };
  const names = (pick: (p: EnginePhases) => Record<string, number>) => [
    ...new Set(rounds.flatMap((r) => runs.flatMap(([, run]) => Object.keys(pick(run(r)))))),
  ];
  const row = (label: string, pick: (p: EnginePhases) => number | undefined) =>
    `| ${label} | ${runs.map(([, run]) => cell(rounds.map((r) => pick(run(r))))).join(' | ')} |`;
  return [
    'Where an engine run spends its time (seconds; one verbose run each, medians over rounds):',
    '',
    '| phase | preview | no-op up | floor |',
    '|---|---:|---:|---:|',
    ...names((p) => p.phases).map((name) => row(name, (p) => p.phases[name])),
    row('**total (verbose run)**', (p) => p.total),
    ...names((p) => p.plugins).map((name) => row(`plugin start: ${name}`, (p) => p.plugins[name])),
    '',
    "Inside the preview's program (infra/program-timings.ts), seconds:",
    '',
    '| step | median |',
    '|---|---:|',
    ...[...new Set(rounds.flatMap((r) => Object.keys(r.previewPhases.program)))].map(
      (step) => `| ${step} | ${cell(rounds.map((r) => r.previewPhases.program[step]))} |`,
    ),
  ];
}

const s2 = (n: number) => n.toFixed(2);
