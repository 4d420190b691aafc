import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Cloudflare from 'cloudflare';
import { REPO_ROOT } from '../../test/e2e/support/work-copy';
import { exec } from './exec';
import { log, timed } from './timing';

export interface Emulated {
  url: string;
  port: number;
  accountId: string;
}

const WRANGLER = join(REPO_ROOT, 'node_modules', '.bin', 'wrangler');

interface Prepared {
  pkg: string;
  packageDir: string;
  configDir: string;
  database: string;
  project: string;
}

/**
 * The hand-run deploy a person would do without the Pulumi program: for each package in turn, build it, apply its
 * D1 migrations with wrangler, upload it with wrangler. The D1 databases and Pages projects are created first through
 * the API (not timed), since the Pulumi side's resource creation is cheap next to builds and uploads.
 */
export async function handRunBaseline(
  repoDir: string,
  packages: readonly string[],
  emulator: Emulated,
  token: string,
): Promise<number> {
  const cf = new Cloudflare({ apiToken: token, baseURL: emulator.url, maxRetries: 0 });
  const prepared: Prepared[] = [];
  for (const pkg of packages) {
    const name = `createsomething-${pkg}`;
    const database = await cf.d1.database.create({ account_id: emulator.accountId, name });
    await cf.pages.projects.create({ account_id: emulator.accountId, name, production_branch: 'main' });
    const packageDir = join(repoDir, 'packages', pkg);
    // A wrangler config of its own, outside the package, so `migrations apply --remote` finds the real database id.
    const configDir = mkdtempSync(join(tmpdir(), `bench-wrangler-${pkg}-`));
    const config = {
      name,
      compatibility_date: '2026-07-01',
      d1_databases: [
        {
          binding: 'DB',
          database_name: name,
          database_id: database.uuid,
          migrations_dir: join(packageDir, 'migrations'),
        },
      ],
    };
    writeFileSync(join(configDir, 'wrangler.jsonc'), `${JSON.stringify(config, null, 2)}\n`);
    prepared.push({ pkg, packageDir, configDir, database: name, project: name });
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH}`,
    CLOUDFLARE_API_BASE_URL: emulator.url,
    CLOUDFLARE_API_TOKEN: token,
    CLOUDFLARE_ACCOUNT_ID: emulator.accountId,
    WRANGLER_SEND_METRICS: 'false',
    CI: 'true',
  };
  try {
    return await timed('hand-run baseline (4 × build, migrations apply, pages deploy)', async () => {
      for (const p of prepared) {
        await timed(`  ${p.pkg} build`, () => exec('pnpm', ['run', 'build'], { cwd: p.packageDir, env }));
        await timed(`  ${p.pkg} d1 migrations apply`, () =>
          exec(WRANGLER, ['d1', 'migrations', 'apply', p.database, '--remote'], { cwd: p.configDir, env }),
        );
        await timed(`  ${p.pkg} pages deploy`, () =>
          exec(
            WRANGLER,
            [
              'pages',
              'deploy',
              join(p.packageDir, '.svelte-kit', 'cloudflare'),
              '--project-name',
              p.project,
              '--branch',
              'main',
            ],
            { cwd: p.configDir, env },
          ),
        );
      }
    });
  } finally {
    for (const p of prepared) rmSync(p.configDir, { recursive: true, force: true });
    log('baseline done');
  }
}
