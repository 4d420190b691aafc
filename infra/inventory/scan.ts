import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { migrationNameProblems, orderMigrations } from '../plan/migrations';
import { combineSourceHash, sha256 } from '../plan/source-hash';
import type { AppSource, Inventory, MigrationFile, WorkerExtraBinding, WorkerSource } from '../plan/types';
import { LockfileDependencies } from './lockfile';
import { hashSourceFiles, type ListOptions } from './source-files';
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
 * touches the disk.
 */
export function scanInventory(rootDir: string, packagesDir = join(rootDir, 'packages')): Inventory {
  const hashBuildInputs = buildInputsHasher(rootDir);
  const apps: AppSource[] = [];
  for (const name of listFolders(packagesDir)) {
    const dir = join(packagesDir, name);
    const found = readWranglerConfig(dir);
    if (!found?.config.pages_build_output_dir) continue;
    apps.push({
      name,
      dir: toRepoPath(rootDir, dir),
      compatibilityDate: requireCompatibilityDate(found.path, found.config),
      compatibilityFlags: found.config.compatibility_flags ?? [],
      declaredBindings: {
        d1: (found.config.d1_databases ?? []).map((d) => d.binding),
        kv: (found.config.kv_namespaces ?? []).map((k) => k.binding),
      },
      sourceHash: hashBuildInputs.app(dir, found.config.pages_build_output_dir),
      migrations: readMigrations(join(dir, 'migrations')),
      workers: readWorkers(rootDir, join(dir, 'workers'), hashBuildInputs),
    });
  }
  return { rootDir, apps };
}

interface BuildInputsHasher {
  /** An app: everything but its `pages_build_output_dir` (and the standard exclusions). */
  app(dir: string, buildOutputDir: string): string;
  /** A Worker: its folder, plus the root's bundler version. */
  worker(dir: string): string;
}

/**
 * Hashes a package's build inputs: the files git sees in it (see `listBuildInputs`), the transitive closure of its
 * registry dependencies in pnpm-lock.yaml, the shared build config, and every workspace package it links to, directly
 * or through another (their files and dependency closures: a change in shared app code, or in what that code
 * depends on, must redeploy every app that bundles it). The lockfile, the shared config and each linked package are
 * read once per scan, however many packages use them.
 */
function buildInputsHasher(rootDir: string): BuildInputsHasher {
  const lockfile = LockfileDependencies.read(rootDir);
  const shared = Object.fromEntries(
    SHARED_BUILD_FILES.filter((f) => existsSync(join(rootDir, f))).map((f) => [
      f,
      sha256(readFileSync(join(rootDir, f))),
    ]),
  );
  const linkedHashes = new Map<string, string>();
  const linkedHash = (linkedDir: string): string => {
    let hash = linkedHashes.get(linkedDir);
    if (hash === undefined) {
      hash = existsSync(join(rootDir, linkedDir))
        ? combineSourceHash(hashSourceFiles(join(rootDir, linkedDir)), { lockfile: lockfile.fingerprint(linkedDir) })
        : 'missing';
      linkedHashes.set(linkedDir, hash);
    }
    return hash;
  };
  const hash = (dir: string, options: ListOptions, extras: Record<string, string> = {}): string => {
    const importer = toRepoPath(rootDir, dir);
    const linked = Object.fromEntries(
      lockfile.linkedWorkspacePackages(importer).map((linkedDir) => [`workspace:${linkedDir}`, linkedHash(linkedDir)]),
    );
    return combineSourceHash(hashSourceFiles(dir, options), {
      ...shared,
      ...linked,
      ...extras,
      lockfile: lockfile.fingerprint(importer),
    });
  };
  return {
    app: (dir, buildOutputDir) => hash(dir, { excluded: [buildOutputDir] }),
    worker: (dir) => hash(dir, {}, { bundler: lockfile.fingerprint('.', [WORKER_BUNDLER]) }),
  };
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

function readWorkers(rootDir: string, dir: string, hashBuildInputs: BuildInputsHasher): WorkerSource[] {
  return listFolders(dir).flatMap((name): WorkerSource[] => {
    const workerDir = join(dir, name);
    const found = readWranglerConfig(workerDir);
    if (!found) return [];
    return [
      {
        name,
        dir: toRepoPath(rootDir, workerDir),
        compatibilityDate: requireCompatibilityDate(found.path, found.config),
        compatibilityFlags: found.config.compatibility_flags ?? [],
        extraBindings: workerExtraBindings(found.path, found.config),
        sourceHash: hashBuildInputs.worker(workerDir),
      },
    ];
  });
}

/** The Worker's own bindings; its D1 and KV are the package's and come from the plan, not from its config. */
function workerExtraBindings(path: string, config: WranglerConfig): WorkerExtraBinding[] {
  const bindings: WorkerExtraBinding[] = [];
  if (config.browser?.binding) bindings.push({ type: 'browser', name: config.browser.binding });
  for (const [name, text] of Object.entries(config.vars ?? {})) {
    if (typeof text !== 'string') {
      throw new Error(`${path}: vars.${name} must be a string to be deployed as a plain_text binding.`);
    }
    bindings.push({ type: 'plain_text', name, text });
  }
  const unsupported = ['durable_objects', 'r2_buckets', 'queues', 'services', 'ai', 'vectorize', 'hyperdrive'].filter(
    (key) => key in config,
  );
  if (unsupported.length > 0) {
    throw new Error(
      `${path}: ${unsupported.join(', ')} binding(s) are not deployed by the infra program yet. Add support in infra/components/worker.ts or remove them.`,
    );
  }
  return bindings;
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
