import { loadavg } from 'node:os';

/** Wall-clock seconds an async step takes. */
export async function timed(label: string, step: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await step();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  log(`${label}: ${seconds.toFixed(1)} s`);
  return seconds;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The 1, 5 and 15 minute load averages: the machine is shared, so every result is printed beside them. */
export function loadAverage(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

/** Progress goes to stderr so stdout holds only the result table. */
export function log(message: string): void {
  process.stderr.write(`[bench:e2e ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
