import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { RunError } from '@pulumi/pulumi';
import { type DeclaredBinding, readConfigBindings } from '../bindings';
import { OUTPUT_DIR } from '../commands/turbo.mjs';
import { migrationNameProblems, orderMigrations } from '../plan/migrations';
import { sha256 } from '../plan/sha256';
import type { AppSource, Inventory, MigrationFile, WorkerSource } from '../plan/types';
import { buildHashOf, readBuildHashes } from './build-hashes';
import { readWranglerConfig, requireCompatibilityDate, type WranglerConfig } from './wrangler-config';

/**
 * Reads what the repository holds: every `packages/<name>/` whose wrangler config has `pages_build_output_dir` is an
 * app, with its migrations and its Workers under `workers/<name>/`. This is the only part of the planning that
 * touches the disk. Each app's and Worker's source hash is Turborepo's hash of its build (see `readBuildHashes`);
 * `withHashes: false` leaves every source hash empty, for callers that only name resources (`pnpm wrangler`).
 */
export function scanInventory(rootDir: string, { withHashes = true } = {}): Inventory {
  const packagesDir = join(rootDir, 'packages');
  const found = listFolders(packagesDir).flatMap((name) => {
    const dir = join(packagesDir, name);
    const app = readWranglerConfig(dir);
    const buildOutputDir = app?.config.pages_build_output_dir;
    if (!app || !buildOutputDir) return [];
    if (buildOutputDir.replace(/^\.\//, '').replace(/\/+$/, '') !== OUTPUT_DIR)
      throw new RunError(
        `${app.path}: pages_build_output_dir is ${JSON.stringify(buildOutputDir)}; infra builds every app with turbo, whose cache keeps "${OUTPUT_DIR}" (turbo.json outputs, where SvelteKit's Cloudflare adapter writes). Set it to "${OUTPUT_DIR}".`,
      );
    return [{ name, dir, app, workers: findWorkers(join(dir, 'workers')) }];
  });
  const hashes = withHashes && found.length > 0 ? readBuildHashes(rootDir) : undefined;
  const hashOf = (dir: string) => (hashes ? buildHashOf(hashes, toRepoPath(rootDir, dir)) : '');
  const apps = found.map(({ name, dir, app, workers }): AppSource => {
    const { bindings } = readConfigBindings(app.config, { file: app.path, scope: 'app', app: name });
    return {
      name,
      dir: toRepoPath(rootDir, dir),
      compatibilityDate: requireCompatibilityDate(app.path, app.config),
      compatibilityFlags: app.config.compatibility_flags ?? [],
      bindings,
      sourceHash: hashOf(dir),
      migrations: readD1Migrations(dir, app.path, bindings),
      workers: workers.map((worker): WorkerSource => {
        const declared = readConfigBindings(worker.found.config, {
          file: worker.found.path,
          scope: 'worker',
          app: name,
        });
        return {
          name: worker.name,
          dir: toRepoPath(rootDir, worker.dir),
          compatibilityDate: requireCompatibilityDate(worker.found.path, worker.found.config),
          compatibilityFlags: worker.found.config.compatibility_flags ?? [],
          bindings: declared.bindings,
          consumers: declared.consumers,
          sourceHash: hashOf(worker.dir),
        };
      }),
    };
  });
  return { rootDir, apps };
}

/**
 * The migrations of each D1 database an app declares, by its production name: the files of its `migrations_dir`
 * (relative to the app; wrangler's default `migrations`). Two databases reading one folder would get the same
 * schema applied twice over: an error naming both.
 */
function readD1Migrations(
  appDir: string,
  configPath: string,
  bindings: readonly DeclaredBinding[],
): Record<string, MigrationFile[]> {
  const byFolder = new Map<string, string>();
  const result: Record<string, MigrationFile[]> = {};
  for (const binding of bindings) {
    if (binding.kind !== 'd1' || !binding.resource) continue;
    const folder = String(binding.settings?.migrationsDir ?? 'migrations');
    const other = byFolder.get(folder);
    if (other !== undefined && other !== binding.resource)
      throw new Error(
        `${configPath}: D1 databases ${other} and ${binding.resource} both take their migrations from ${folder}/. Give each its own migrations_dir.`,
      );
    byFolder.set(folder, binding.resource);
    result[binding.resource] = readMigrations(join(appDir, folder));
  }
  return result;
}

/**
 * `migrations/*.sql` in wrangler's apply order (by leading number, numerically). A name wrangler would skip, a file
 * without a number or two files with the same number stop the program before any resource is declared, naming them.
 */
export function readMigrations(dir: string): MigrationFile[] {
  if (!existsSync(dir)) return [];
  const entries = readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, directory: e.isDirectory() }));
  const problems = migrationNameProblems(entries);
  if (problems.length > 0) throw new Error(`${dir}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const names = entries.filter((e) => !e.directory && e.name.endsWith('.sql')).map((e) => ({ name: e.name }));
  return orderMigrations(names).map(({ name }) => {
    const sql = readFileSync(join(dir, name), 'utf8');
    return { name, sha256: sha256(sql), sql };
  });
}

/** The Workers of a package: each folder under `workers/` with a wrangler config. */
function findWorkers(dir: string): { name: string; dir: string; found: { path: string; config: WranglerConfig } }[] {
  return listFolders(dir).flatMap((name) => {
    const workerDir = join(dir, name);
    const found = readWranglerConfig(workerDir);
    return found ? [{ name, dir: workerDir, found }] : [];
  });
}

function listFolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
    .map((e) => e.name)
    .sort();
}

function toRepoPath(rootDir: string, dir: string): string {
  return relative(rootDir, dir).split(sep).join('/');
}
