import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type DeclaredBinding, readConfigBindings } from '../bindings';
import { migrationNameProblems, orderMigrations } from '../plan/migrations';
import { combineSourceHash, sha256 } from '../plan/source-hash';
import type { AppSource, Inventory, MigrationFile, WorkerSource } from '../plan/types';
import { LockfileDependencies } from './lockfile';
import { hashFiles, type ListRequest, listBuildInputs, listBuildInputsOfEach } from './source-files';
import { readWranglerConfig, requireCompatibilityDate, type WranglerConfig } from './wrangler-config';

/**
 * Shared build configuration outside the packages: a change here changes every package's build (the base tsconfig
 * the packages extend; how pnpm installs what they import: hoisting, allowed install scripts).
 */
const SHARED_BUILD_FILES = ['tsconfig.base.json', 'pnpm-workspace.yaml', '.npmrc'];

/**
 * The root workspace dependency that bundles Workers (`bundleWorker` runs the root's wrangler): its version is part
 * of every Worker's build inputs, so a wrangler bump rebundles instead of reusing a cached bundle.
 */
const WORKER_BUNDLER = 'wrangler';

/**
 * Reads what the repository holds: every `packages/<name>/` whose wrangler config has `pages_build_output_dir` is an
 * app, with its migrations and its Workers under `workers/<name>/`. This is the only part of the planning that
 * touches the disk. The configs are read first, so that every package's build inputs are then listed in one git call.
 */
export function scanInventory(rootDir: string, packagesDir = join(rootDir, 'packages')): Inventory {
  const found = listFolders(packagesDir).flatMap((name) => {
    const dir = join(packagesDir, name);
    const app = readWranglerConfig(dir);
    const buildOutputDir = app?.config.pages_build_output_dir;
    if (!app || !buildOutputDir) return [];
    return [{ name, dir, app, buildOutputDir, workers: findWorkers(join(dir, 'workers')) }];
  });
  const hashBuildInputs = buildInputsHasher(rootDir, [
    ...found.map(({ dir, buildOutputDir }) => ({ dir, excluded: [buildOutputDir] })),
    ...found.flatMap(({ workers }) => workers.map(({ dir }) => ({ dir }))),
  ]);
  const apps = found.map(({ name, dir, app, workers }): AppSource => {
    const { bindings } = readConfigBindings(app.config, { file: app.path, scope: 'app', app: name });
    return {
      name,
      dir: toRepoPath(rootDir, dir),
      compatibilityDate: requireCompatibilityDate(app.path, app.config),
      compatibilityFlags: app.config.compatibility_flags ?? [],
      bindings,
      sourceHash: hashBuildInputs.app(dir),
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
          sourceHash: hashBuildInputs.worker(worker.dir),
        };
      }),
    };
  });
  return { rootDir, apps };
}

interface BuildInputsHasher {
  /** An app: its folder as requested (without its `pages_build_output_dir`), its links, its dependencies. */
  app(dir: string): string;
  /** A Worker: the same, plus the root's bundler version. */
  worker(dir: string): string;
}

/**
 * Hashes a package's build inputs: the files git sees in it (see `listBuildInputs`), the transitive closure of its
 * registry dependencies in pnpm-lock.yaml, the shared build config, and every workspace package it links to, directly
 * or through another (their files and dependency closures: a change in shared app code, or in what that code
 * depends on, must redeploy every app that bundles it). The lockfile and the shared config are read once per scan,
 * and the files of every requested package and of the packages they link to are listed together, once.
 */
function buildInputsHasher(rootDir: string, requests: readonly ListRequest[]): BuildInputsHasher {
  const lockfile = LockfileDependencies.read(rootDir);
  const shared = Object.fromEntries(
    SHARED_BUILD_FILES.filter((f) => existsSync(join(rootDir, f))).map((f) => [
      f,
      sha256(readFileSync(join(rootDir, f))),
    ]),
  );
  const linksOf = (dir: string) => lockfile.linkedWorkspacePackages(toRepoPath(rootDir, dir));
  const linkedDirs = [...new Set(requests.flatMap((r) => linksOf(r.dir)))]
    .map((linked) => join(rootDir, linked))
    .filter((dir) => existsSync(dir) && !requests.some((r) => r.dir === dir));
  const listings = listBuildInputsOfEach(rootDir, [...requests, ...linkedDirs.map((dir) => ({ dir }))]);
  const files = (dir: string) => hashFiles(dir, listings.get(dir) ?? listBuildInputs(dir));
  const linkedHashes = new Map<string, string>();
  const linkedHash = (linkedDir: string): string => {
    let hash = linkedHashes.get(linkedDir);
    if (hash === undefined) {
      const dir = join(rootDir, linkedDir);
      hash = existsSync(dir) ? combineSourceHash(files(dir), { lockfile: lockfile.fingerprint(linkedDir) }) : 'missing';
      linkedHashes.set(linkedDir, hash);
    }
    return hash;
  };
  const hash = (dir: string, extras: Record<string, string> = {}): string => {
    const linked = Object.fromEntries(
      linksOf(dir).map((linkedDir) => [`workspace:${linkedDir}`, linkedHash(linkedDir)]),
    );
    return combineSourceHash(files(dir), {
      ...shared,
      ...linked,
      ...extras,
      lockfile: lockfile.fingerprint(toRepoPath(rootDir, dir)),
    });
  };
  return {
    app: (dir) => hash(dir),
    worker: (dir) => hash(dir, { bundler: lockfile.fingerprint('.', [WORKER_BUNDLER]) }),
  };
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
