import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A repository with `count` synthetic apps shaped like the real ones (wrangler config, a dozen source files, two
 * migrations), each also carrying build output and a node_modules folder: the scan must not read those, so the
 * `heavy` variant adds `heavyFilesPerApp` of them to show hashing cost does not grow with them.
 */
export function makeSyntheticRepo(rootDir: string, count: number, heavyFilesPerApp = 0): string {
  const dir = mkdtempSync(join(tmpdir(), `bench-repo-${count}-`));
  cpSync(join(rootDir, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
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
        d1_databases: [{ binding: 'DB' }],
        kv_namespaces: [{ binding: 'KV' }],
      }),
    );
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: `app${i}`, private: true }));
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
