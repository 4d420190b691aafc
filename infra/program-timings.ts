import { writeFileSync } from 'node:fs';

/**
 * Where the program's own evaluation spends its time: `pnpm bench:e2e` sets PROGRAM_TIMINGS_FILE and reads the marks
 * back beside the engine's phases, to tell the program's cost from the engine's. Without the variable, nothing is
 * recorded or written: two `performance.now()` calls per mark is all it costs.
 */
export class ProgramTimings {
  private readonly marks: { step: string; seconds: number }[] = [];
  private last: number;

  constructor(private readonly file = process.env.PROGRAM_TIMINGS_FILE) {
    // performance.now() counts from the process start: the first mark is node, the SDK's runner and every import.
    this.last = performance.now();
    this.marks.push({ step: 'process start to program body (node, SDK, imports)', seconds: this.last / 1000 });
  }

  /** Ends the step that began at the previous mark. */
  mark(step: string): void {
    const now = performance.now();
    this.marks.push({ step, seconds: (now - this.last) / 1000 });
    this.last = now;
  }

  write(): void {
    if (this.file) writeFileSync(this.file, `${JSON.stringify(this.marks)}\n`);
  }
}
