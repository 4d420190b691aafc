import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { RunError } from '@pulumi/pulumi';
import { type HashedFile, sha256 } from '../plan/source-hash';

/**
 * Paths under a package folder that are not build inputs, relative to the package root and anchored there: only
 * `<package>/build/` is left out, `<package>/src/routes/build/` counts. Everything else git sees in the package is an
 * input (dot-folders such as `static/.well-known/`, Markdown pages, config files included).
 *
 * - `node_modules/`: dependencies; their versions are hashed from pnpm-lock.yaml instead (at any depth, since a
 *   nested node_modules is never source either).
 * - `.svelte-kit/`, `.svelte-kit-builds/`, `build/`, `dist/`: what the build writes (SvelteKit's generated files and
 *   Pages output, by hand and in the folder of each infra build, `BUILD_FOLDERS` in infra/commands/build-cache.mjs;
 *   the adapters' and Workers' `wrangler deploy --outdir dist`). The app's own `pages_build_output_dir` is added.
 * - `.wrangler/`: wrangler's local state and bundling scratch (it writes there while bundling a Worker).
 * - `test/`: the package's own tests; they run against a build, they are not part of it.
 * - `migrations/`, `workers/`: deployed by other resources (the D1 migrations resource, each Worker's own script).
 */
export const EXCLUDED_FROM_BUILD_INPUTS = [
  'node_modules',
  '.svelte-kit',
  '.svelte-kit-builds',
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

/** One folder whose build inputs {@link listBuildInputsOfEach} lists. */
export interface ListRequest extends ListOptions {
  /** Absolute path of the package folder. */
  dir: string;
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
  const fromGit = gitLsFiles(dir, ['.', ...excluded.map(excludePathspec)]);
  return finish(fromGit ?? walkFiles(dir, excluded), excluded);
}

/**
 * {@link listBuildInputs} for several package folders at once, with the same result for each, in one git call for
 * all the folders under `rootDir` (a git call costs a few milliseconds, the same order as hashing a package). Outside
 * a git work tree every folder is walked, without asking git again.
 */
export function listBuildInputsOfEach(rootDir: string, requests: readonly ListRequest[]): Map<string, string[]> {
  const listings = new Map<string, string[]>();
  const inGit = isInGitWorkTree(rootDir);
  const underRoot = requests.filter((r) => relativeTo(rootDir, r.dir) !== undefined);
  if (inGit && underRoot.length > 0) {
    for (const [dir, paths] of gitListMany(rootDir, underRoot)) listings.set(dir, paths);
  }
  for (const request of requests) {
    if (listings.has(request.dir)) continue;
    const excluded = excludedPaths(request.excluded);
    listings.set(
      request.dir,
      inGit ? listBuildInputs(request.dir, request) : finish(walkFiles(request.dir, excluded), excluded),
    );
  }
  return listings;
}

/** Every build input under `dir` (see {@link listBuildInputs}), hashed by content. */
export function hashSourceFiles(dir: string, options: ListOptions = {}): HashedFile[] {
  return hashFiles(dir, listBuildInputs(dir, options));
}

/** `paths` (relative to `dir`) hashed by content. */
export function hashFiles(dir: string, paths: readonly string[]): HashedFile[] {
  return paths.flatMap((path): HashedFile[] => {
    const absolute = join(dir, path);
    // A tracked file deleted in the work tree, a submodule, a symlink to a folder: nothing the build reads as a file.
    const stat = statSync(absolute, { throwIfNoEntry: false });
    if (!stat?.isFile()) return [];
    return [{ path, sha256: sha256(readFileSync(absolute)) }];
  });
}

/** Whether `dir` is inside a git work tree (false, too, when git is not installed). */
export function isInGitWorkTree(dir: string): boolean {
  const result = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() === 'true';
}

function finish(paths: readonly string[], excluded: readonly string[]): string[] {
  return [...new Set(paths.filter((path) => !isExcluded(path, excluded)))].sort();
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

const excludePathspec = (path: string) => `:(exclude,literal)${path}`;

/** `dir` relative to `root` with forward slashes (`''` for `root` itself); undefined when it is not under `root`. */
function relativeTo(root: string, dir: string): string | undefined {
  const rel = relative(root, dir).split(sep).join('/');
  return rel.startsWith('..') || isAbsolute(rel) ? undefined : rel;
}

/**
 * One `git ls-files` in `rootDir` for every requested folder, split per folder. A folder's exclusions become
 * pathspecs (so git does not descend into them) unless that would also hide files another requested folder sees: a
 * package nested in another's `workers/` keeps its files, and the outer package leaves them out itself.
 */
function gitListMany(rootDir: string, requests: readonly ListRequest[]): Map<string, string[]> {
  const folders = requests.map((r) => ({
    dir: r.dir,
    rel: relativeTo(rootDir, r.dir) as string,
    excluded: excludedPaths(r.excluded),
  }));
  const within = (rel: string, folder: string) => folder === '' || rel === folder || rel.startsWith(`${folder}/`);
  const pathspecs: string[] = [];
  for (const folder of folders) {
    pathspecs.push(`:(literal)${folder.rel === '' ? '.' : folder.rel}`);
    for (const excluded of folder.excluded) {
      const path = folder.rel === '' ? excluded : `${folder.rel}/${excluded}`;
      const hidesOthers = folders.some(
        (other) =>
          other !== folder &&
          (within(other.rel, path) ||
            (within(path, other.rel) &&
              !isExcluded(path.slice(other.rel === '' ? 0 : other.rel.length + 1), other.excluded))),
      );
      if (!hidesOthers) pathspecs.push(excludePathspec(path));
    }
  }
  const listed = gitLsFiles(rootDir, pathspecs) ?? [];
  const byRel = new Map(folders.map((f) => [f.rel, { ...f, paths: [] as string[] }]));
  for (const path of listed) {
    // Every requested folder that holds `path`: its ancestors, and the repository root.
    for (let slash = path.indexOf('/'); ; slash = path.indexOf('/', slash + 1)) {
      const folder = byRel.get(slash === -1 ? '' : path.slice(0, slash));
      if (folder) folder.paths.push(folder.rel === '' ? path : path.slice(folder.rel.length + 1));
      if (slash === -1) break;
    }
  }
  return new Map([...byRel.values()].map((f) => [f.dir, finish(f.paths, f.excluded)]));
}

/** Files `git ls-files` lists in `cwd` for `pathspecs`; undefined outside a git work tree (or without git). */
function gitLsFiles(cwd: string, pathspecs: readonly string[]): string[] | undefined {
  const result = spawnSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...pathspecs],
    {
      cwd,
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
      `git ls-files in ${cwd} failed (${result.stderr.trim()}). The build inputs of a package are the files git sees; fix the git error (for "dubious ownership": git config --global --add safe.directory ${cwd}).`,
    );
  }
  // A nested repository that is not a submodule is listed as `folder/`: git does not look inside it.
  return result.stdout.split('\0').filter((path) => path !== '' && !path.endsWith('/'));
}

/** The fallback outside git: every file under `dir` except `.git` and the excluded folders, not descending into them. */
function walkFiles(dir: string, excluded: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(join(dir, current), { withFileTypes: true })) {
      const path = current === '' ? entry.name : `${current}/${entry.name}`;
      if (entry.name === '.git' || isExcluded(path, excluded)) continue;
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk('');
  return files;
}
