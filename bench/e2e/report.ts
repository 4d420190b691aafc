import type { PulumiTimes } from './pulumi-side';
import { median } from './timing';

export interface Round extends PulumiTimes {
  baseline: number;
  /** `pulumi preview` of an empty program: the engine's floor. */
  floor: number;
}

interface Target {
  what: string;
  measured: number;
  against: number;
  limit: number;
}

const s = (n: number) => n.toFixed(1);

/** Medians of every measurement, each round's values, and the three ratios against their targets. */
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
    ['pulumi up, no-op', (r) => r.noopUp],
    ['pulumi preview, bare', (r) => r.preview],
    ['pulumi up, one package changed (io)', (r) => r.onePackageUp],
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
    ...targets(rounds).map(
      (t) =>
        `| ${t.what} | ${(t.measured / t.against).toFixed(2)} | ≤ ${t.limit} | ${t.measured / t.against <= t.limit ? 'yes' : 'NO'} |`,
    ),
    '',
    `checkpoint after the full deploy: ${rounds.map((r) => `${(r.checkpointBytes / 1024).toFixed(0)} KiB`).join(', ')}`,
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
    floor_s: m((r) => r.floor),
    checkpoint_bytes: m((r) => r.checkpointBytes),
    full_over_baseline: m((r) => r.fullUp) / m((r) => r.baseline),
    noop_over_preview: m((r) => r.noopUp) / m((r) => r.preview),
    one_over_full: m((r) => r.onePackageUp) / m((r) => r.fullUp),
    preview_over_floor: m((r) => r.preview) / m((r) => r.floor),
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
      what: 'bare preview / empty-program floor',
      measured: m((r) => r.preview),
      against: m((r) => r.floor),
      limit: 1.5,
    },
  ];
}
