import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { RunError } from '@pulumi/pulumi';
import { type HashedFile, sha256 } from '../plan/source-hash';

/**
 * Paths under a package folder that are not build inputs, relative to the package root and anchored there: only
 * `<package>/build/` is left out, `<package>/src/routes/build/` counts. Everything else git sees in the package is an
 * input (dot-folders such as `static/.well-known/`, Markdown pages, config files included).
 *
 * - `node_modules/`: dependencies; their versions are hashed from pnpm-lock.yaml instead (at any depth, since a
 *   nested node_modules is never source either).
 * - `.svelte-kit/`, `build/`, `dist/`: what the build writes (SvelteKit's generated files and Pages output, the
 *   adapters' and Workers' `wrangler deploy --outdir dist`). The app's own `pages_build_output_dir` is added to these.
 * - `.wrangler/`: wrangler's local state and bundling scratch (it writes there while bundling a Worker).
 * - `test/`: the package's own tests; they run against a build, they are not part of it.
 * - `migrations/`, `workers/`: deployed by other resources (the D1 migrations resource, each Worker's own script).
 */
export const EXCLUDED_FROM_BUILD_INPUTS = [
  'node_modules',
  '.svelte-kit',
  'build',
  'dist',
  '.wrangler',
  'test',
  'migrations',
  'workers',
] as const;

export interface ListOptions {
  /** More package-relative folders to leave out, such as the app's `pages_build_output_dir`. */
  excluded?: readonly string[];
}

/**
 * The build inputs under `dir` as git sees them: tracked files plus untracked ones that are not ignored
 * (`git ls-files --cached --others --exclude-standard`), so a file the build reads is hashed whether or not it has
 * been committed yet, and what .gitignore leaves out is not. Outside a git work tree, a plain walk. The excluded
 * folders are passed to git as pathspecs, so neither git nor the walk ever descends into build output or
 * node_modules: the cost does not grow with them. Paths are relative to `dir`, with forward slashes, sorted.
 */
export function listBuildInputs(dir: string, options: ListOptions = {}): string[] {
  const excluded = excludedPaths(options.excluded);
  const fromGit = gitListFiles(dir, excluded);
  const paths = (fromGit ?? walkFiles(dir, excluded)).filter((path) => !isExcluded(path, excluded));
  return [...new Set(paths)].sort();
}

/** Every build input under `dir` (see {@link listBuildInputs}), hashed by content. */
export function hashSourceFiles(dir: string, options: ListOptions = {}): HashedFile[] {
  return listBuildInputs(dir, options).flatMap((path): HashedFile[] => {
    const absolute = join(dir, path);
    // A tracked file deleted in the work tree, a submodule, a symlink to a folder: nothing the build reads as a file.
    const stat = statSync(absolute, { throwIfNoEntry: false });
    if (!stat?.isFile()) return [];
    return [{ path, sha256: sha256(readFileSync(absolute)) }];
  });
}

function excludedPaths(extra: readonly string[] = []): string[] {
  const normalized = extra
    .map((p) =>
      posix
        .normalize(p.split('\\').join('/'))
        .replace(/^\.\/+/, '')
        .replace(/\/+$/, ''),
    )
    // A build output outside the package (`../dist`) or the package itself (`.`) cannot be left out of it.
    .filter((p) => p !== '' && p !== '.' && !p.startsWith('../') && !posix.isAbsolute(p));
  return [...new Set([...EXCLUDED_FROM_BUILD_INPUTS, ...normalized])];
}

function isExcluded(path: string, excluded: readonly string[]): boolean {
  if (path.split('/').includes('node_modules')) return true;
  return excluded.some((folder) => path === folder || path.startsWith(`${folder}/`));
}

/** Files git lists under `dir`; undefined when `dir` is not in a git work tree (or git is not installed). */
function gitListFiles(dir: string, excluded: readonly string[]): string[] | undefined {
  const pathspecs = ['.', ...excluded.map((folder) => `:(exclude,literal)${folder}`)];
  const result = spawnSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...pathspecs],
    {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' },
    },
  );
  if (result.error) {
    if ((result.error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw result.error;
  }
  if (result.status !== 0) {
    if (/not a git repository/i.test(result.stderr)) return undefined;
    throw new RunError(
      `git ls-files in ${dir} failed (${result.stderr.trim()}). The build inputs of a package are the files git sees; fix the git error (for "dubious ownership": git config --global --add safe.directory ${dir}).`,
    );
  }
  // A nested repository that is not a submodule is listed as `folder/`: git does not look inside it.
  return result.stdout.split('\0').filter((path) => path !== '' && !path.endsWith('/'));
}

/** The fallback outside git: every file under `dir` except `.git` and the excluded folders, not descending into them. */
function walkFiles(dir: string, excluded: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(dir, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.name === '.git' || isExcluded(path, excluded)) continue;
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk('');
  return files;
}
