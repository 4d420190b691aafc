import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_DIR, TOKEN, tempDir } from './helpers.ts';

describe('the emulator CLI', () => {
  it('prints exactly one ready line, serves the API, and exits cleanly on SIGTERM', async () => {
    const dataDir = tempDir('cli');
    const child = spawn(
      process.execPath,
      [join(PACKAGE_DIR, 'src', 'cli.ts'), '--port', '0', '--data-dir', dataDir, '--token', TOKEN],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const m = /^Cloudflare API on (http:\/\/127\.0\.0\.1:\d+\/client\/v4)\n/.exec(stdout);
        if (m) resolve(m[1] as string);
      });
      child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const verify = await fetch(`${url}/user/tokens/verify`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(((await verify.json()) as { result: { status: string } }).result.status).toBe('active');
    const denied = await fetch(`${url}/user/tokens/verify`, { headers: { authorization: `Bearer ${'z'.repeat(40)}` } });
    expect(denied.status).toBe(401);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('rejects a bad flag with the usage line', async () => {
    const child = spawn(process.execPath, [join(PACKAGE_DIR, 'src', 'cli.ts'), '--port', 'abc'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be an integer');
    expect(stderr).toContain('Usage: pnpm emulator');
  });
});
