import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A repository with `count` synthetic apps shaped like the real ones (wrangler config, a dozen source files, two
 * migrations), each also carrying build output and a node_modules folder: the scan must not read those, so the
 * `heavy` variant adds `heavyFilesPerApp` of them to show hashing cost does not grow with them.
 *
 * It is a pnpm workspace this repository's turbo can plan (the scan takes each app's build hash from turbo's dry
 * run): a root package.json naming the package manager, pnpm-workspace.yaml, a pnpm-lock.yaml with an importer per
 * app, this repository's turbo.json and tsconfig.base.json, and `node_modules/turbo` linked to the installed one.
 */
export function makeSyntheticRepo(rootDir: string, count: number, heavyFilesPerApp = 0): string {
  const dir = mkdtempSync(join(tmpdir(), `bench-repo-${count}-`));
  copyFileSync(join(rootDir, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
  copyFileSync(join(rootDir, 'turbo.json'), join(dir, 'turbo.json'));
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'bench-synthetic', private: true, packageManager: 'pnpm@10.34.9' })}\n`,
  );
  writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');
  const importers = Array.from({ length: count }, (_, i) => `  packages/app${i}: {}\n`).join('');
  writeFileSync(
    join(dir, 'pnpm-lock.yaml'),
    `lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n\nimporters:\n\n  .: {}\n\n${importers}`,
  );
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(realpathSync(join(rootDir, 'node_modules', 'turbo')), join(dir, 'node_modules', 'turbo'));
  for (let i = 0; i < count; i += 1) {
    const app = join(dir, 'packages', `app${i}`);
    mkdirSync(join(app, 'src', 'routes'), { recursive: true });
    mkdirSync(join(app, 'migrations'), { recursive: true });
    writeFileSync(
      join(app, 'wrangler.jsonc'),
      JSON.stringify({
        name: `app${i}`,
        pages_build_output_dir: '.svelte-kit/cloudflare',
        compatibility_date: '2026-11-01',
        d1_databases: [{ binding: 'DB', database_name: `app${i}` }],
        kv_namespaces: [{ binding: 'KV' }],
      }),
    );
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: `app${i}`, private: true, scripts: { build: 'vite build' } }),
    );
    for (let f = 0; f < 12; f += 1) {
      writeFileSync(
        join(app, 'src', 'routes', `route${f}.ts`),
        `export const value${f} = ${i * 100 + f};\n`.repeat(40),
      );
    }
    writeFileSync(join(app, 'migrations', '0001_init.sql'), `CREATE TABLE t${i} (id INTEGER PRIMARY KEY);\n`);
    writeFileSync(join(app, 'migrations', '0002_seed.sql'), `INSERT INTO t${i} (id) VALUES (1);\n`);
    for (let h = 0; h < heavyFilesPerApp; h += 1) {
      const out = join(app, '.svelte-kit', 'cloudflare', `chunk${h}.js`);
      const dep = join(app, 'node_modules', `dep${h}`, 'index.js');
      mkdirSync(join(out, '..'), { recursive: true });
      mkdirSync(join(dep, '..'), { recursive: true });
      writeFileSync(out, 'x'.repeat(4096));
      writeFileSync(dep, 'y'.repeat(4096));
    }
  }
  return dir;
}
