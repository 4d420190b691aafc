import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import { config, ROOT } from './harness.ts';

describe('wrangler config', () => {
  it('binds DB, KV and BROWSER, sharing the space app database and namespace', () => {
    const space = unstable_readConfig({ config: path.join(ROOT, '../../wrangler.jsonc') });
    expect(config.name).toBe('motion-extractor');
    expect(path.relative(ROOT, config.main ?? '')).toBe('src/index.ts');
    expect(config.browser?.binding).toBe('BROWSER');
    expect(config.d1_databases[0]).toMatchObject({
      binding: 'DB',
      database_name: space.d1_databases[0]?.database_name,
      database_id: space.d1_databases[0]?.database_id,
    });
    expect(path.resolve(ROOT, config.d1_databases[0]?.migrations_dir ?? '')).toBe(
      path.resolve(ROOT, '../../migrations'),
    );
    expect(config.kv_namespaces[0]).toMatchObject({ binding: 'KV', id: space.kv_namespaces[0]?.id });
    expect(config.compatibility_date).toBe(space.compatibility_date);
  });
});

describe('generated worker-configuration.d.ts', () => {
  const check = (file?: string) =>
    spawnSync(process.execPath, [path.join(ROOT, 'scripts/check-types.mjs'), ...(file ? [file] : [])], {
      cwd: ROOT,
      encoding: 'utf8',
    });

  it('is up to date with wrangler.jsonc', () => {
    expect(check().status).toBe(0);
  });

  it('is reported stale when it no longer matches', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stale-types-'));
    try {
      const stale = path.join(dir, 'worker-configuration.d.ts');
      writeFileSync(
        stale,
        readFileSync(path.join(ROOT, 'worker-configuration.d.ts'), 'utf8').replace('BROWSER:', 'BROWSR:'),
      );
      const result = check(stale);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('is stale');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
