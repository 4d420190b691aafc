// pnpm bench (infra part): how long evaluating the Pulumi program takes, and its peak memory, for the 4 real packages
// and for 50 and 200 synthetic ones; plus the scan of 50 packages with and without heavy build output and
// node_modules beside the sources. Each evaluation runs in a fresh process; medians of RUNS runs, side by side.
// Then the inventory scan alone (listing and hashing every package's build inputs), in and outside git, with and
// without that heavy build output and node_modules, which must cost nothing.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { scanInventory } from '../infra/inventory/scan';
import { makeSyntheticRepo } from './synthetic-repo';

const ROOT = join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Sample {
  ms: number;
  maxRssMb: number;
  resources: number;
  apps: number;
}

function evaluate(rootDir: string): Sample {
  const args = [join(__dirname, 'evaluate-once.ts'), rootDir, ...(rootDir === ROOT ? [] : ['--synthetic'])];
  // ts-node, as the Pulumi runtime uses: the dynamic provider's closure serialization depends on how code is compiled.
  const out = execFileSync(join(ROOT, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as Sample;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const cases: { label: string; root: string; temporary: boolean }[] = [
  { label: '4 real packages', root: ROOT, temporary: false },
  { label: '50 synthetic', root: makeSyntheticRepo(ROOT, 50), temporary: true },
  {
    label: '50 synthetic + 400 build/node_modules files each',
    root: makeSyntheticRepo(ROOT, 50, 200),
    temporary: true,
  },
  { label: '200 synthetic', root: makeSyntheticRepo(ROOT, 200), temporary: true },
];

evaluate(ROOT); // warm the Worker bundle cache and the file system cache, not measured
const samples = new Map<string, Sample[]>(cases.map((c) => [c.label, []]));
// Interleaved rounds so machine noise hits every case alike.
for (let round = 0; round < RUNS; round += 1) {
  for (const c of cases) samples.get(c.label)?.push(evaluate(c.root));
}

console.log(`program evaluation under mocks, median of ${RUNS} interleaved runs (fresh process each)`);
console.log(
  `${'case'.padEnd(50)} ${'apps'.padStart(5)} ${'resources'.padStart(10)} ${'ms'.padStart(9)} ${'peak RSS MB'.padStart(12)}`,
);
for (const c of cases) {
  const list = samples.get(c.label) as Sample[];
  const first = list[0] as Sample;
  console.log(
    `${c.label.padEnd(50)} ${String(first.apps).padStart(5)} ${String(first.resources).padStart(10)} ${median(
      list.map((s) => s.ms),
    )
      .toFixed(0)
      .padStart(9)} ${median(list.map((s) => s.maxRssMb))
      .toFixed(0)
      .padStart(12)}`,
  );
}
const plain = median((samples.get('50 synthetic') as Sample[]).map((s) => s.ms));
const heavy = median((samples.get('50 synthetic + 400 build/node_modules files each') as Sample[]).map((s) => s.ms));
console.log(
  `ratio heavy/plain for 50 packages: ${(heavy / plain).toFixed(2)} (1.00 = build output and node_modules cost nothing)`,
);
for (const c of cases) if (c.temporary) rmSync(c.root, { recursive: true, force: true });

// The scan alone, in this process (its build hashes come from turbo's dry run). In git nothing is committed or
// ignored, the worst case: every file is an untracked candidate, build output and node_modules included, and only
// turbo.json's input exclusions keep them out of the hash.
const inGit = (root: string) => {
  execFileSync('git', ['init', '-q'], { cwd: root });
  return root;
};
const scanCases: { label: string; root: string }[] = [
  { label: '50 synthetic, no git', root: makeSyntheticRepo(ROOT, 50) },
  { label: '50 synthetic + 400 build/node_modules files each, no git', root: makeSyntheticRepo(ROOT, 50, 200) },
  { label: '50 synthetic, git', root: inGit(makeSyntheticRepo(ROOT, 50)) },
  { label: '50 synthetic + 400 build/node_modules files each, git', root: inGit(makeSyntheticRepo(ROOT, 50, 200)) },
  { label: '4 real packages (git)', root: ROOT },
];
const scanMs = new Map<string, number[]>(scanCases.map((c) => [c.label, []]));
for (const c of scanCases) scanInventory(c.root); // file system cache
for (let round = 0; round < RUNS; round += 1) {
  for (const c of scanCases) {
    const started = performance.now();
    scanInventory(c.root);
    scanMs.get(c.label)?.push(performance.now() - started);
  }
}
console.log(`\ninventory scan (list + hash every package's build inputs), median of ${RUNS} interleaved runs`);
console.log(`${'case'.padEnd(60)} ${'ms'.padStart(9)}`);
for (const c of scanCases) {
  console.log(
    `${c.label.padEnd(60)} ${median(scanMs.get(c.label) as number[])
      .toFixed(0)
      .padStart(9)}`,
  );
}
for (const where of ['no git', 'git']) {
  const plainScan = median(scanMs.get(`50 synthetic, ${where}`) as number[]);
  const heavyScan = median(scanMs.get(`50 synthetic + 400 build/node_modules files each, ${where}`) as number[]);
  console.log(`scan ratio heavy/plain, ${where}: ${(heavyScan / plainScan).toFixed(2)}`);
}
for (const c of scanCases) if (c.root !== ROOT) rmSync(c.root, { recursive: true, force: true });
