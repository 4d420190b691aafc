import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LockfileDependencies } from '../../infra/inventory/lockfile';
import { scanInventory } from '../../infra/inventory/scan';
import { listBuildInputs, listBuildInputsOfEach } from '../../infra/inventory/source-files';
import { combineSourceHash } from '../../infra/plan/source-hash';

const hashedFile = fc.record({
  path: fc.stringMatching(/^src\/[a-z]{1,6}(\/[a-z]{1,6})?\.ts$/),
  sha256: fc.stringMatching(/^[0-9a-f]{16}$/),
});
const fileSet = fc.uniqueArray(hashedFile, { selector: (f) => f.path, minLength: 1, maxLength: 10 });

describe('combineSourceHash', () => {
  it('ignores the order files were found in', () => {
    fc.assert(
      fc.property(fileSet, fc.func(fc.integer()), (files, order) => {
        const shuffled = [...files].sort((a, b) => order(a.path) - order(b.path));
        expect(combineSourceHash(shuffled)).toBe(combineSourceHash(files));
      }),
    );
  });

  it('changes when any path, content or extra changes', () => {
    fc.assert(
      fc.property(fileSet, fc.nat(), fc.constantFrom('content', 'path', 'lockfile'), (files, pick, what) => {
        const index = pick % files.length;
        const changed = files.map((f, i) => {
          if (i !== index) return f;
          return what === 'content'
            ? { ...f, sha256: `${f.sha256}0` }
            : what === 'path'
              ? { ...f, path: `${f.path}x` }
              : f;
        });
        const extras = what === 'lockfile' ? { lockfile: 'b' } : { lockfile: 'a' };
        expect(combineSourceHash(changed, extras)).not.toBe(combineSourceHash(files, { lockfile: 'a' }));
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A throwaway repository, written file by file and (unless told otherwise) made a real git repository, so the real
// inventory scan lists and hashes it. Apps `alpha` (with the Worker `alpha/workers/w`) and `beta`; `alpha` links the
// workspace package `kit`, which links `kit2`.

/** Versions in the generated pnpm-lock.yaml; each one sits at a known place in someone's closure. */
const VERSIONS = {
  /** Root devDependency, nobody's build: `.` → typescript. */
  typescript: '5.0.0',
  /** Under the root's wrangler, which bundles Workers: `.` → wrangler → esbuild. */
  esbuild: '0.20.0',
  /** alpha → marked → entities (a dependency's dependency). */
  entities: '2.0.0',
  /** alpha → kit (link) → clsx → tiny (through a workspace link). */
  tiny: '1.0.0',
  /** w → puppeteer(peer) → ws. */
  ws: '8.0.0',
  /** beta → zod. */
  zod: '3.0.0',
} as const;
type Versions = Record<keyof typeof VERSIONS, string>;

function lockfile(v: Versions): string {
  return `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true

importers:

  .:
    devDependencies:
      typescript:
        specifier: ^5
        version: ${v.typescript}
      wrangler:
        specifier: ^4
        version: 4.0.0

  packages/alpha:
    dependencies:
      kit:
        specifier: workspace:*
        version: link:../kit
      marked:
        specifier: ^1
        version: 1.0.0

  packages/alpha/workers/w:
    dependencies:
      puppeteer:
        specifier: ^1
        version: 1.0.0(bufferutil@4.0.0)

  packages/beta:
    dependencies:
      zod:
        specifier: ^3
        version: ${v.zod}

  packages/kit:
    dependencies:
      clsx:
        specifier: ^1
        version: 1.0.0
      kit2:
        specifier: workspace:*
        version: link:../kit2

  packages/kit2: {}

packages:

  bufferutil@4.0.0:
    resolution: {integrity: sha512-bufferutil}

  clsx@1.0.0:
    resolution: {integrity: sha512-clsx}

  entities@${v.entities}:
    resolution: {integrity: sha512-entities-${v.entities}}

  esbuild@${v.esbuild}:
    resolution: {integrity: sha512-esbuild-${v.esbuild}}

  marked@1.0.0:
    resolution: {integrity: sha512-marked}

  puppeteer@1.0.0:
    resolution: {integrity: sha512-puppeteer}
    peerDependencies:
      bufferutil: ^4

  tiny@${v.tiny}:
    resolution: {integrity: sha512-tiny-${v.tiny}}

  typescript@${v.typescript}:
    resolution: {integrity: sha512-typescript-${v.typescript}}

  wrangler@4.0.0:
    resolution: {integrity: sha512-wrangler}

  ws@${v.ws}:
    resolution: {integrity: sha512-ws-${v.ws}}

  zod@${v.zod}:
    resolution: {integrity: sha512-zod-${v.zod}}

snapshots:

  bufferutil@4.0.0: {}

  clsx@1.0.0:
    dependencies:
      tiny: ${v.tiny}

  entities@${v.entities}: {}

  esbuild@${v.esbuild}: {}

  marked@1.0.0:
    dependencies:
      entities: ${v.entities}

  puppeteer@1.0.0(bufferutil@4.0.0):
    dependencies:
      bufferutil: 4.0.0
      ws: ${v.ws}

  tiny@${v.tiny}: {}

  typescript@${v.typescript}: {}

  wrangler@4.0.0:
    dependencies:
      esbuild: ${v.esbuild}

  ws@${v.ws}: {}

  zod@${v.zod}: {}
`;
}

const appConfig = JSON.stringify({
  pages_build_output_dir: '.svelte-kit/cloudflare',
  compatibility_date: '2026-11-01',
});
const workerConfig = JSON.stringify({ name: 'w', main: 'src/index.ts', compatibility_date: '2026-11-01' });
const GITIGNORE = 'node_modules/\n.svelte-kit/\ndist/\n.wrangler/\n*.log\n';

const baseRepo: Record<string, string> = {
  'tsconfig.base.json': '{}',
  'pnpm-lock.yaml': lockfile(VERSIONS),
  'packages/alpha/wrangler.jsonc': appConfig,
  'packages/alpha/package.json': '{"name":"alpha"}',
  'packages/alpha/src/routes/+page.svelte': '<h1>alpha</h1>',
  'packages/alpha/migrations/0001_init.sql': 'CREATE TABLE t (id INTEGER);\n',
  'packages/alpha/test/app.test.ts': 'test("x", () => {});\n',
  'packages/alpha/workers/w/wrangler.jsonc': workerConfig,
  'packages/alpha/workers/w/src/index.ts': 'export default {};\n',
  'packages/beta/wrangler.jsonc': appConfig,
  'packages/beta/src/routes/+page.svelte': '<h1>beta</h1>',
  'packages/kit/src/index.ts': 'export const a = 1;\n',
  'packages/kit2/src/index.ts': 'export const b = 1;\n',
};

type Mode = 'git, committed' | 'git, untracked' | 'git without .gitignore' | 'no git';
const MODES: Mode[] = ['git, committed', 'git, untracked', 'git without .gitignore', 'no git'];

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root, stdio: 'ignore' });
}

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

function makeRepo(mode: Mode, files: Record<string, string> = baseRepo): string {
  const root = mkdtempSync(join(tmpdir(), 'source-hash-'));
  roots.push(root);
  writeFiles(
    root,
    mode === 'git without .gitignore' || mode === 'no git' ? files : { ...files, '.gitignore': GITIGNORE },
  );
  if (mode !== 'no git') git(root, 'init', '-q');
  if (mode === 'git, committed') {
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'base');
  }
  return root;
}

/** The source hash of each deployable thing: the two apps and the Worker. */
function hashes(root: string): Record<'alpha' | 'beta' | 'w', string> {
  const apps = scanInventory(root).apps;
  const alpha = apps.find((a) => a.name === 'alpha');
  const beta = apps.find((a) => a.name === 'beta');
  const w = alpha?.workers.find((worker) => worker.name === 'w');
  if (!alpha || !beta || !w) throw new Error('the test repository lost an app or its Worker');
  return { alpha: alpha.sourceHash, beta: beta.sourceHash, w: w.sourceHash };
}

function changedBy(root: string, edit: () => void): string[] {
  const before = hashes(root);
  edit();
  const after = hashes(root);
  return (Object.keys(before) as (keyof typeof before)[]).filter((k) => before[k] !== after[k]).sort();
}

/**
 * A file written (or appended to), and exactly which of alpha, beta and w must see it. `ignored` marks a path the
 * test .gitignore matches (`dist/` matches at any depth): git does not list it, so where git is asked, nobody sees it.
 */
const fileEdits: [path: string, sees: string[], ignored?: 'ignored'][] = [
  ['packages/alpha/src/routes/build/+page.svelte', ['alpha']],
  ['packages/alpha/src/routes/test/+page.svelte', ['alpha']],
  ['packages/alpha/src/lib/workers/queue.ts', ['alpha']],
  ['packages/alpha/src/lib/migrations/list.ts', ['alpha']],
  ['packages/alpha/src/lib/dist/x.ts', ['alpha'], 'ignored'],
  ['packages/alpha/static/.well-known/security.txt', ['alpha']],
  ['packages/alpha/src/routes/about/+page.md', ['alpha']],
  ['packages/alpha/README.md', ['alpha']],
  ['packages/alpha/.npmrc', ['alpha']],
  ['packages/alpha/src/routes/+page.svelte', ['alpha']],
  ['packages/alpha/wrangler.jsonc', ['alpha']],
  ['packages/kit/src/index.ts', ['alpha']],
  ['packages/kit2/src/index.ts', ['alpha']],
  ['packages/alpha/workers/w/src/index.ts', ['w']],
  ['packages/alpha/workers/w/static/.well-known/x.txt', ['w']],
  ['packages/beta/src/routes/+page.svelte', ['beta']],
  ['tsconfig.base.json', ['alpha', 'beta', 'w']],
  // Build output, dependencies, local state, tests, and what other resources deploy: nobody.
  ['packages/alpha/node_modules/dep/index.js', []],
  ['packages/alpha/src/lib/node_modules/dep/index.js', []],
  ['packages/alpha/.svelte-kit/cloudflare/_worker.js', []],
  ['packages/alpha/.svelte-kit-builds/0123456789ab-4242/cloudflare/_worker.js', []],
  ['packages/alpha/.svelte-kit-builds/0123456789ab-4242/generated/server/internal.js', []],
  ['packages/alpha/build/index.js', []],
  ['packages/alpha/dist/index.js', []],
  ['packages/alpha/.wrangler/state/d1.sqlite', []],
  ['packages/alpha/test/app.test.ts', []],
  ['packages/alpha/migrations/0002_more.sql', []],
  ['packages/alpha/workers/w/dist/index.js', []],
  ['packages/alpha/workers/w/node_modules/dep/index.js', []],
  ['packages/alpha/workers/w/test/w.test.ts', []],
  ['packages/kit/node_modules/dep/index.js', []],
  ['packages/kit/test/kit.test.ts', []],
];

/** A version bumped in pnpm-lock.yaml, and who must see it. */
const lockEdits: [version: keyof typeof VERSIONS, sees: string[]][] = [
  ['entities', ['alpha']],
  ['tiny', ['alpha']],
  ['ws', ['w']],
  ['esbuild', ['w']],
  ['zod', ['beta']],
  ['typescript', []],
];

const bump = (version: string) => version.replace(/^(\d+)/, (major) => String(Number(major) + 1));

function applyFileEdit(root: string, path: string, content: string): void {
  const previous = baseRepo[path];
  // Appended as a line comment so config files stay parseable; it is still a content change.
  writeFiles(root, { [path]: previous === undefined ? content : `${previous}\n// ${content}` });
}

describe('package source hash (the deployment trigger)', () => {
  it('changes for exactly the packages that see an edit, however the repository is checked out', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .constantFrom(...fileEdits)
            .map(([path, sees, ignored]) => ({ kind: 'file' as const, path, sees, ignored })),
          fc.constantFrom(...lockEdits).map(([version, sees]) => ({ kind: 'lock' as const, version, sees })),
        ),
        fc.constantFrom(...MODES),
        fc.stringMatching(/^[a-z ]{1,20}$/),
        (edit, mode, content) => {
          const root = makeRepo(mode);
          const changed = changedBy(root, () => {
            if (edit.kind === 'file') applyFileEdit(root, edit.path, content);
            else
              writeFiles(root, {
                'pnpm-lock.yaml': lockfile({ ...VERSIONS, [edit.version]: bump(VERSIONS[edit.version]) }),
              });
          });
          const ignoredHere =
            edit.kind === 'file' && edit.ignored && (mode === 'git, committed' || mode === 'git, untracked');
          expect(changed).toEqual(ignoredHere ? [] : [...edit.sees].sort());
        },
      ),
      { numRuns: 80 },
    );
  });

  it.each([
    ['a route in a folder named build', 'packages/alpha/src/routes/build/+page.svelte'],
    ['a file under a dot-folder', 'packages/alpha/static/.well-known/security.txt'],
    ['a Markdown page', 'packages/alpha/src/routes/docs/+page.md'],
  ])('redeploys the app for %s, committed or not', (_case, path) => {
    const committed = makeRepo('git, committed');
    expect(changedBy(committed, () => applyFileEdit(committed, path, 'new'))).toEqual(['alpha']);
    const untracked = makeRepo('git, untracked');
    expect(changedBy(untracked, () => applyFileEdit(untracked, path, 'new'))).toEqual(['alpha']);
  });

  it("redeploys the app when a dependency's dependency is bumped, and nothing else", () => {
    const root = makeRepo('git, committed');
    const bumped = lockfile({ ...VERSIONS, entities: '2.0.1' });
    expect(changedBy(root, () => writeFiles(root, { 'pnpm-lock.yaml': bumped }))).toEqual(['alpha']);
  });

  it('leaves out what .gitignore ignores, and hashes it when there is no git to ask', () => {
    const inGit = makeRepo('git, untracked');
    expect(changedBy(inGit, () => writeFiles(inGit, { 'packages/alpha/debug.log': 'x' }))).toEqual([]);
    const outsideGit = makeRepo('no git');
    expect(changedBy(outsideGit, () => writeFiles(outsideGit, { 'packages/alpha/debug.log': 'x' }))).toEqual(['alpha']);
  });

  it('is the same in a git checkout and a plain copy of the same files', () => {
    expect(hashes(makeRepo('git, committed'))).toEqual(hashes(makeRepo('no git')));
  });

  it('drops a tracked file deleted from the work tree, as the build does', () => {
    const root = makeRepo('git, committed');
    const path = join(root, 'packages/alpha/src/routes/+page.svelte');
    expect(changedBy(root, () => rmSync(path))).toEqual(['alpha']);
    expect(scanInventory(root).apps.find((a) => a.name === 'alpha')?.sourceHash).toBe(
      scanInventory(makeRepo('no git', withoutKey(baseRepo, 'packages/alpha/src/routes/+page.svelte'))).apps.find(
        (a) => a.name === 'alpha',
      )?.sourceHash,
    );
  });

  it("leaves out the app's own pages_build_output_dir wherever it points", () => {
    const files = {
      ...baseRepo,
      'packages/alpha/wrangler.jsonc': JSON.stringify({
        pages_build_output_dir: 'out/pages',
        compatibility_date: '2026-11-01',
      }),
    };
    const root = makeRepo('git without .gitignore', files);
    expect(changedBy(root, () => writeFiles(root, { 'packages/alpha/out/pages/_worker.js': 'x' }))).toEqual([]);
    expect(changedBy(root, () => writeFiles(root, { 'packages/alpha/out/other.js': 'x' }))).toEqual(['alpha']);
  });
});

function withoutKey(files: Record<string, string>, key: string): Record<string, string> {
  const { [key]: _dropped, ...rest } = files;
  return rest;
}

describe('listing many packages at once', () => {
  /** Files in every excluded folder at several levels, so that one folder's exclusions could hide another's files. */
  const crowded: Record<string, string> = {
    ...baseRepo,
    'packages/alpha/build/index.js': 'x',
    'packages/alpha/dist/index.js': 'x',
    'packages/alpha/node_modules/dep/index.js': 'x',
    'packages/alpha/workers/w/dist/index.js': 'x',
    'packages/alpha/workers/w/test/w.test.ts': 'x',
    'packages/alpha/workers/w/.wrangler/tmp/x.js': 'x',
    'packages/alpha/src/routes/build/+page.svelte': 'x',
    'packages/kit/test/kit.test.ts': 'x',
    'packages/kit/build/out.js': 'x',
    'build/root-output.js': 'x',
    'test/root.test.ts': 'x',
  };
  const folders = ['', 'packages', 'packages/alpha', 'packages/alpha/workers/w', 'packages/alpha/src', 'packages/kit'];

  it('gives each folder exactly what listing it alone gives, nested or not', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Mode>('git, committed', 'git, untracked', 'no git'),
        fc.subarray(folders, { minLength: 1 }),
        fc.boolean(),
        (mode, chosen, excludeSrc) => {
          const root = makeRepo(mode, crowded);
          const requests = chosen.map((folder) => ({
            dir: join(root, folder),
            excluded: folder === 'packages/alpha' && excludeSrc ? ['src'] : [],
          }));
          const batch = listBuildInputsOfEach(root, requests);
          for (const request of requests) expect(batch.get(request.dir)).toEqual(listBuildInputs(request.dir, request));
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('lockfile dependency closure', () => {
  const lock = (text: string) => new LockfileDependencies(text);

  it('follows workspace links transitively, relative to each linking package', () => {
    const deps = lock(lockfile(VERSIONS));
    expect(deps.linkedWorkspacePackages('packages/alpha')).toEqual(['packages/kit', 'packages/kit2']);
    expect(deps.linkedWorkspacePackages('packages/beta')).toEqual([]);
  });

  it('walks aliases to the package they name', () => {
    const aliased = (version: string) => `lockfileVersion: '9.0'
importers:
  packages/a:
    dependencies:
      string-width-cjs:
        specifier: npm:string-width@^4
        version: string-width@4.2.3
snapshots:
  string-width@4.2.3:
    dependencies:
      emoji-regex: ${version}
  emoji-regex@${version}: {}
`;
    expect(lock(aliased('8.0.0')).fingerprint('packages/a')).not.toBe(lock(aliased('8.0.1')).fingerprint('packages/a'));
  });

  it('limits the closure to the named roots when asked (the Worker bundler)', () => {
    const base = lock(lockfile(VERSIONS));
    expect(lock(lockfile({ ...VERSIONS, typescript: '5.0.1' })).fingerprint('.', ['wrangler'])).toBe(
      base.fingerprint('.', ['wrangler']),
    );
    expect(lock(lockfile({ ...VERSIONS, esbuild: '0.20.1' })).fingerprint('.', ['wrangler'])).not.toBe(
      base.fingerprint('.', ['wrangler']),
    );
  });

  it('falls back to the whole file for a lockfile format it does not walk', () => {
    const v6 = (extra: string) => `lockfileVersion: '6.0'\nimporters:\n  packages/a: {}\n${extra}`;
    expect(lock(v6('')).fingerprint('packages/a')).not.toBe(
      lock(v6('packages:\n  /x@1.0.0: {}\n')).fingerprint('packages/a'),
    );
    expect(lock(v6('')).fingerprint('packages/a')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is empty for a folder the lockfile does not know, and for a repository without one', () => {
    expect(lock(lockfile(VERSIONS)).fingerprint('packages/unknown')).toBe('');
    expect(new LockfileDependencies(undefined).fingerprint('packages/alpha')).toBe('');
  });
});

describe('build inputs of this repository', () => {
  it("are the space app's sources, config and docs, without its build output, dependencies, tests, migrations or Workers", () => {
    const root = join(__dirname, '..', '..');
    const inputs = listBuildInputs(join(root, 'packages', 'space'));
    expect(inputs).toEqual(expect.arrayContaining(['package.json', 'wrangler.jsonc', 'src/routes/+page.svelte']));
    expect(
      inputs.filter((p) => /^(node_modules|\.svelte-kit|\.svelte-kit-builds|test|migrations|workers)\//.test(p)),
    ).toEqual([]);
  });
});
