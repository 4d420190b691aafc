import { describe, expect, it } from 'vitest';
import { enginePhases } from '../../bench/e2e/phases';

/** A verbose CLI log: one JSON object per line, at `seconds` after a fixed start. */
function log(lines: [seconds: number, msg: string][]): string {
  const start = Date.parse('2026-12-01T12:00:00.000Z');
  return lines
    .map(([seconds, msg]) =>
      JSON.stringify({ time: new Date(start + seconds * 1000).toISOString(), level: 'INFO', msg }),
    )
    .join('\n');
}

const CF = '/cache/home/plugins/resource-cloudflare-v6.17.0/pulumi-resource-cloudflare';
const OWN = '/repo/infra/provider/bin/pulumi-resource-createsomething';

describe('enginePhases (bench:e2e, where an engine run spends its time)', () => {
  it('splits a run at the lines the engine always writes, and times each plugin to its handshake', () => {
    const phases = enginePhases(
      [
        'not JSON: a plugin line on stderr',
        log([
          [0, 'CLI Metadata'],
          [0.4, 'langhost[nodejs].About() success'],
          [0.5, 'langhost[nodejs].Run(pwd=/repo/infra, dryrun=true) executing'],
          [1.1, 'ResourceMonitor.RegisterResource received: t=pulumi:pulumi:Stack, name=s'],
          [2.3, 'ResourceMonitor.RegisterResource received: t=create-something:index:SiteApp, name=io'],
          [2.4, `newPlugin(): Launching plugin 'cloudflare (resource)' from '${CF}' with args: x`],
          [2.65, `Handshake: not supported by '${CF}'`],
          [2.7, 'Provider[0x2].Check(urn:pulumi:local::p::cloudflare:index/d1Database:D1Database::io-db) success'],
          [3.0, `newPlugin(): Launching plugin 'createsomething (resource)' from '${OWN}' with args: x`],
          [3.5, `Handshake: not supported by '${OWN}'`],
          [3.9, 'Provider[0x1].Check(urn:pulumi:local::p::x$createsomething:d1:Migrations::io-migrations) success'],
          [4.0, 'ResourceMonitor.RegisterResource received: t=cloudflare:index/d1Database:D1Database, name=io-db'],
          [4.1, 'langhost[nodejs].Run(pwd=/repo/infra, ...) success: progerr='],
          [4.25, 'killing plugin'],
        ]),
      ].join('\n'),
    );
    const rounded = (record: Record<string, number>) =>
      Object.fromEntries(Object.entries(record).map(([k, v]) => [k, Math.round(v * 100) / 100]));
    expect(rounded(phases.phases)).toEqual({
      'CLI start and language host metadata': 0.4,
      'plugin resolution': 0.1,
      'node and SDK start': 0.6,
      'program until its first resource': 1.2,
      'resources registered (engine steps, provider calls)': 1.7,
      'program exit': 0.1,
      'CLI finish (summary, snapshot, plugin shutdown)': 0.15,
    });
    expect(rounded(phases.plugins)).toEqual({
      cloudflare: 0.25,
      'cloudflare (to its first Check)': 0.3,
      createsomething: 0.5,
      'createsomething (to its first Check)': 0.9,
    });
    expect(Math.round(phases.total * 100) / 100).toBe(4.25);
  });

  it('leaves out what a run does not have: the empty program registers only its stack and starts no provider', () => {
    const phases = enginePhases(
      log([
        [0, 'CLI Metadata'],
        [0.3, 'langhost[nodejs].About() success'],
        [0.35, 'langhost[nodejs].Run(pwd=/floor, dryrun=true) executing'],
        [0.9, 'ResourceMonitor.RegisterResource received: t=pulumi:pulumi:Stack, name=floor'],
        [1.4, 'langhost[nodejs].Run(pwd=/floor, ...) success: progerr='],
        [1.5, 'killing plugin'],
      ]),
    );
    expect(Object.keys(phases.phases)).toEqual([
      'CLI start and language host metadata',
      'plugin resolution',
      'node and SDK start',
      'program exit',
      'CLI finish (summary, snapshot, plugin shutdown)',
    ]);
    expect(phases.phases['program exit']).toBeCloseTo(0.5, 5);
    expect(phases.plugins).toEqual({});
  });
});
