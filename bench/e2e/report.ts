import type { PulumiTimes } from './pulumi-side';
import { median } from './timing';

export interface Round extends PulumiTimes {
  baseline: number;
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
    `load average (1, 5, 15 min): start ${loadAtStart}; end ${loadAtEnd}`,
  ];
  out.write(`${lines.join('\n')}\n`);
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
    { what: 'no-op up / bare preview', measured: m((r) => r.noopUp), against: m((r) => r.preview), limit: 1.5 },
    {
      what: 'one-package up / full deploy',
      measured: m((r) => r.onePackageUp),
      against: m((r) => r.fullUp),
      limit: 0.35,
    },
  ];
}
