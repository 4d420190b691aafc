/**
 * Where one engine run spends its time, read from the CLI's own verbose log (`-v=9 --logtostderr --logflow`: one
 * JSON object per line with a `time` and a `msg`). Every phase is the span between two log lines the engine always
 * writes, so the breakdown needs no instrumentation of the program and reads the same for the empty-program floor.
 * A phase whose lines are missing (the floor registers no resource, starts no provider) is left out, never zero.
 */
export interface EnginePhases {
  /** Seconds of each phase, in the order they happen. */
  phases: Record<string, number>;
  /**
   * Seconds from each resource plugin's launch to its handshake (`<name>`: it serves), and to its first answered Check
   * (`<name> (to its first Check)`: it has loaded what a resource needs).
   */
  plugins: Record<string, number>;
  /** First to last log line. */
  total: number;
}

interface Line {
  at: number;
  msg: string;
}

/** The phase names, in order, with the line that ends each (the previous phase's end starts it). */
const MILESTONES: [phase: string, ends: RegExp][] = [
  // The CLI loads the stack and asks the language host about itself (it runs the package manager's `--version`).
  ['CLI start and language host metadata', /^langhost\[nodejs\]\.About\(\) success/],
  ['plugin resolution', /^langhost\[nodejs\]\.Run\(.*\) executing/],
  // Node and the Pulumi SDK's runner, until it registers the stack resource (the program itself loads after this).
  ['node and SDK start', /^ResourceMonitor\.RegisterResource received: t=pulumi:pulumi:Stack,/],
  // The program's own work before its first resource: imports, config, inventory scan, hashing, planning.
  ['program until its first resource', /^ResourceMonitor\.RegisterResource received: t=(?!pulumi:pulumi:Stack,)/],
];

export function enginePhases(log: string): EnginePhases {
  const lines = parse(log);
  const first = lines[0]?.at ?? 0;
  const phases: Record<string, number> = {};
  let start = first;
  for (const [phase, ends] of MILESTONES) {
    const end = lines.find((l) => l.at >= start && ends.test(l.msg));
    if (!end) break;
    phases[phase] = end.at - start;
    start = end.at;
  }
  const registrations = lines.filter((l) => /^ResourceMonitor\.RegisterResource received: t=/.test(l.msg));
  const lastRegistration = registrations.at(-1);
  const runDone = lines.find((l) => /^langhost\[nodejs\]\.Run\(.*\) success/.test(l.msg));
  if (registrations.length > 1 && lastRegistration && 'program until its first resource' in phases) {
    phases['resources registered (engine steps, provider calls)'] = lastRegistration.at - start;
    start = lastRegistration.at;
  }
  if (runDone && runDone.at >= start) {
    phases['program exit'] = runDone.at - start;
    start = runDone.at;
  }
  const last = lines.at(-1)?.at ?? first;
  phases['CLI finish (summary, snapshot, plugin shutdown)'] = last - start;
  return { phases, plugins: pluginStarts(lines), total: last - first };
}

function pluginStarts(lines: Line[]): Record<string, number> {
  const plugins: Record<string, number> = {};
  for (const launch of lines) {
    const match = /^newPlugin\(\): Launching plugin '([^ ']+) \(resource\)' from '([^']+)'/.exec(launch.msg);
    if (!match) continue;
    const [, name, path] = match as unknown as [string, string, string];
    const served = lines.find((l) => l.at >= launch.at && l.msg.startsWith('Handshake') && l.msg.includes(path));
    if (served) plugins[name] = served.at - launch.at;
    // A resource URN names its type after `::` or after its parents' types and `$`.
    const checked = new RegExp(`^Provider\\[[^\\]]*\\]\\.Check\\(urn:[^)]*(\\$|::)${name}:[^)]*\\) success`);
    const firstCheck = lines.find((l) => l.at >= launch.at && checked.test(l.msg));
    if (firstCheck) plugins[`${name} (to its first Check)`] = firstCheck.at - launch.at;
  }
  return plugins;
}

function parse(log: string): Line[] {
  const lines: Line[] = [];
  for (const text of log.split('\n')) {
    if (!text.startsWith('{')) continue;
    let entry: { time?: unknown; msg?: unknown };
    try {
      entry = JSON.parse(text);
    } catch {
      continue;
    }
    if (typeof entry.time !== 'string' || typeof entry.msg !== 'string') continue;
    const at = Date.parse(entry.time);
    // Date.parse keeps milliseconds only; the log has nanoseconds, and milliseconds are all a phase needs.
    if (!Number.isNaN(at)) lines.push({ at: at / 1000, msg: entry.msg });
  }
  return lines;
}
