import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProgramTimings } from '../../infra/program-timings';

describe('ProgramTimings (the program marks its own steps for bench:e2e)', () => {
  it('writes each step, in order, with the seconds since the previous mark', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'program-timings-')), 'marks.json');
    const timings = new ProgramTimings(file);
    timings.mark('config');
    const until = performance.now() + 20;
    while (performance.now() < until) {
      // a step that takes 20 ms
    }
    timings.mark('scan');
    timings.write();
    const marks = JSON.parse(readFileSync(file, 'utf8')) as { step: string; seconds: number }[];
    expect(marks.map((m) => m.step)).toEqual(['process start to program body (node, SDK, imports)', 'config', 'scan']);
    expect(marks[2]?.seconds).toBeGreaterThanOrEqual(0.02);
    expect(marks[1]?.seconds).toBeLessThan(marks[2]?.seconds as number);
  });

  it('writes nothing without a file to write to', () => {
    const dir = mkdtempSync(join(tmpdir(), 'program-timings-'));
    const timings = new ProgramTimings(undefined);
    timings.mark('config');
    timings.write();
    expect(readdirSync(dir)).toEqual([]);
  });
});
