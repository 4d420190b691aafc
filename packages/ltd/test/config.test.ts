import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import { ROOT } from './harness.ts';

function checkTypes(file?: string) {
  const args = [path.join(ROOT, 'scripts/check-types.mjs'), ...(file ? [file] : [])];
  return spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
}

describe('wrangler config', () => {
  it('declares the Pages output dir and the DB/KV bindings infra expects', () => {
    const config = unstable_readConfig({ config: path.join(ROOT, 'wrangler.jsonc') });
    expect(path.relative(ROOT, config.pages_build_output_dir ?? '')).toBe('.svelte-kit/cloudflare');
    expect(
      config.d1_databases.map((d: { binding: string; database_name?: string; migrations_dir?: string }) => [
        d.binding,
        d.database_name,
        d.migrations_dir,
      ]),
    ).toEqual([['DB', 'createsomething-ltd', 'migrations']]);
    expect(config.kv_namespaces.map((k: { binding: string }) => k.binding)).toEqual(['KV']);
    expect(config.compatibility_flags).toContain('nodejs_compat');
  });
});

describe('generated worker-configuration.d.ts', () => {
  it('is up to date with wrangler.jsonc', () => {
    const result = checkTypes();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('is reported stale when it no longer matches', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stale-types-'));
    try {
      const stale = path.join(dir, 'worker-configuration.d.ts');
      const current = readFileSync(path.join(ROOT, 'worker-configuration.d.ts'), 'utf8');
      writeFileSync(stale, current.replace('DB: D1Database;', 'DATABASE: D1Database;'));
      const result = checkTypes(stale);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('is stale');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
