import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'clear-stale-lock.sh');

/** A file backend with one lock on `local` as Pulumi writes it, and a `pulumi` stand-in that records its arguments. */
function backendWithLock(lock: { pid: number; hostname: string }) {
  const dir = mkdtempSync(join(tmpdir(), 'stale-lock-'));
  const locks = join(dir, 'state', '.pulumi', 'locks', 'organization', 'create-something', 'local');
  mkdirSync(locks, { recursive: true });
  writeFileSync(
    join(locks, '0b3c7e1e-lock.json'),
    JSON.stringify({ ...lock, username: 'someone', timestamp: '2026-12-06T06:00:00Z' }),
  );
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'pulumi'), `#!/bin/sh\necho "$@" >> ${JSON.stringify(join(dir, 'pulumi-calls'))}\n`);
  chmodSync(join(bin, 'pulumi'), 0o755);
  const run = () =>
    spawnSync('bash', [SCRIPT, 'local'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PULUMI_BACKEND_URL: `file://${join(dir, 'state')}` },
    });
  const calls = () => (existsSync(join(dir, 'pulumi-calls')) ? readFileSync(join(dir, 'pulumi-calls'), 'utf8') : '');
  return { dir, run, calls };
}

/** The pid of a process that has just exited: nothing runs under it. */
function deadPid(): number {
  return Number(execFileSync('bash', ['-c', 'sleep 0 & echo $!; wait'], { encoding: 'utf8' }).trim());
}

describe('scripts/clear-stale-lock.sh (run by pnpm local:up before pulumi)', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('clears the lock of a run that is gone from this machine with pulumi cancel, and says so', () => {
    const pid = deadPid();
    const backend = backendWithLock({ pid, hostname: hostname() });
    dir = backend.dir;
    const result = backend.run();
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`stack local is locked by pid ${pid} on this machine, which is gone`);
    expect(result.stderr).toContain('clearing it: pulumi cancel --stack local --yes');
    expect(backend.calls()).toBe('cancel --stack local --yes --non-interactive\n');
  });

  it('says how to put back a checkpoint the kill cut short, instead of leaving a bare EOF for the next run', () => {
    const backend = backendWithLock({ pid: deadPid(), hostname: hostname() });
    dir = backend.dir;
    const stacks = join(dir, 'state', '.pulumi', 'stacks', 'create-something');
    mkdirSync(stacks, { recursive: true });
    writeFileSync(join(stacks, 'local.json'), '');
    writeFileSync(join(stacks, 'local.json.bak'), '{"version":3,"checkpoint":{}}');
    const result = backend.run();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the checkpoint of stack local');
    expect(result.stderr).toContain(`cp '${join(stacks, 'local.json')}.bak' '${join(stacks, 'local.json')}'`);
    // An intact checkpoint says nothing.
    writeFileSync(join(stacks, 'local.json'), '{}');
    expect(backend.run().stderr).not.toContain('cut short');
  });

  it('leaves the lock of a live run alone and fails, saying so', () => {
    const backend = backendWithLock({ pid: process.pid, hostname: hostname() });
    dir = backend.dir;
    const result = backend.run();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`still going (pid ${process.pid} on this machine)`);
    expect(backend.calls()).toBe('');
  });

  it('names the command for a lock taken on another machine, whose process it cannot see, and clears nothing', () => {
    const backend = backendWithLock({ pid: 4242, hostname: 'ci-runner-elsewhere' });
    dir = backend.dir;
    const result = backend.run();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'locked by pid 4242 on ci-runner-elsewhere, another machine: if that run is gone, clear the lock with: pulumi cancel --stack local --yes',
    );
    expect(backend.calls()).toBe('');
  });

  it('does nothing on a stack without a lock', () => {
    const backend = backendWithLock({ pid: 1, hostname: hostname() });
    dir = backend.dir;
    rmSync(join(dir, 'state', '.pulumi', 'locks'), { recursive: true });
    expect(backend.run()).toMatchObject({ status: 0, stderr: '' });
    expect(backend.calls()).toBe('');
  });
});
