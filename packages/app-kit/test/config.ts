import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';

/**
 * The config tests every app (and Worker) runs: its wrangler.jsonc declares what infra expects, and its committed
 * worker-configuration.d.ts matches what `wrangler types` generates. Called from each package's test/config.test.ts.
 */

const CHECK_TYPES = fileURLToPath(new URL('../scripts/check-types.mjs', import.meta.url));

/** Runs scripts/check-types.mjs for the package in `root`, on its own file or on `file`. */
export function checkTypes(root: string, file?: string) {
  return spawnSync(process.execPath, [CHECK_TYPES, root, ...(file ? [file] : [])], { cwd: root, encoding: 'utf8' });
}

/** A Pages app's wrangler.jsonc: output dir, one D1 `DB` named `databaseName`, one KV `KV`, nodejs_compat. */
export function describePagesConfig(root: string, databaseName: string): void {
  describe('wrangler config', () => {
    it('declares the Pages output dir and the DB/KV bindings infra expects', () => {
      const config = unstable_readConfig({ config: path.join(root, 'wrangler.jsonc') });
      expect(path.relative(root, config.pages_build_output_dir ?? '')).toBe('.svelte-kit/cloudflare');
      expect(
        config.d1_databases.map((d: { binding: string; database_name?: string; migrations_dir?: string }) => [
          d.binding,
          d.database_name,
          d.migrations_dir,
        ]),
      ).toEqual([['DB', databaseName, 'migrations']]);
      expect(config.kv_namespaces.map((k: { binding: string }) => k.binding)).toEqual(['KV']);
      expect(config.compatibility_flags).toContain('nodejs_compat');
    });
  });
}

export interface TypesCheckOptions {
  /** A text in worker-configuration.d.ts and what to replace it with to make a stale copy. */
  stale: [from: string, to: string];
  /** Also require the up-to-date check to print nothing on stderr. */
  quiet?: boolean;
}

/** worker-configuration.d.ts is up to date, and a copy edited by `stale` is reported as stale. */
export function describeTypesCheck(root: string, { stale, quiet = false }: TypesCheckOptions): void {
  describe('generated worker-configuration.d.ts', () => {
    it('is up to date with wrangler.jsonc', () => {
      const result = checkTypes(root);
      if (quiet) expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    });

    it('is reported stale when it no longer matches', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'stale-types-'));
      try {
        const file = path.join(dir, 'worker-configuration.d.ts');
        const current = readFileSync(path.join(root, 'worker-configuration.d.ts'), 'utf8');
        writeFileSync(file, current.replace(stale[0], stale[1]));
        const result = checkTypes(root, file);
        expect(result.status).toBe(1);
        expect(result.stderr).toContain('is stale');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
