import { rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readBuildHashes } from '../../infra/inventory/build-hashes';
import { scanInventory } from '../../infra/inventory/scan';
import { makeTurboWorkspace, writeFiles } from './support/turbo-workspace';

// The build-input hash of each app and Worker is Turborepo's hash of its `build` task (turbo.json at the root of this
// repository, used as is in every test workspace). These tests pin what that hash sees, in a throwaway workspace:
// apps `alpha` (with the Worker `alpha/workers/w`) and `beta`; `alpha` links the workspace package `kit`, which links
// `kit2`, as the apps link app-kit.

/** Versions in the generated pnpm-lock.yaml; each one sits at a known place in someone's closure. */
const VERSIONS = {
  /** Root devDependency: `.` → typescript (turbo hashes the root's dependencies into every build). */
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
const GITIGNORE = 'node_modules/\n.svelte-kit/\n.turbo/\ndist/\n.wrangler/\n*.log\n';
const manifest = (name: string, dependencies: Record<string, string> = {}) =>
  JSON.stringify({ name, private: true, scripts: { build: 'node build.cjs' }, dependencies });

const baseRepo: Record<string, string> = {
  '.gitignore': GITIGNORE,
  'package.json': JSON.stringify({
    name: 'fixture',
    private: true,
    packageManager: 'pnpm@10.34.9',
    devDependencies: { typescript: '^5', wrangler: '^4' },
  }),
  'tsconfig.base.json': '{}',
  'pnpm-lock.yaml': lockfile(VERSIONS),
  'packages/alpha/package.json': manifest('alpha', { kit: 'workspace:*', marked: '^1' }),
  'packages/alpha/wrangler.jsonc': appConfig,
  'packages/alpha/src/routes/+page.svelte': '<h1>alpha</h1>',
  'packages/alpha/migrations/0001_init.sql': 'CREATE TABLE t (id INTEGER);\n',
  'packages/alpha/test/app.test.ts': 'test("x", () => {});\n',
  'packages/alpha/workers/w/package.json': manifest('w', { puppeteer: '^1' }),
  'packages/alpha/workers/w/wrangler.jsonc': workerConfig,
  'packages/alpha/workers/w/src/index.ts': 'export default {};\n',
  'packages/beta/package.json': manifest('beta', { zod: '^3' }),
  'packages/beta/wrangler.jsonc': appConfig,
  'packages/beta/src/routes/+page.svelte': '<h1>beta</h1>',
  'packages/kit/package.json': manifest('kit', { clsx: '^1', kit2: 'workspace:*' }),
  'packages/kit/src/index.ts': 'export const a = 1;\n',
  'packages/kit2/package.json': manifest('kit2'),
  'packages/kit2/src/index.ts': 'export const b = 1;\n',
};

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

type Mode = 'committed' | 'untracked' | 'none';
function makeRepo(git: Mode, files: Record<string, string> = baseRepo): string {
  const root = makeTurboWorkspace(files, { git });
  roots.push(root);
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

const EVERYONE = ['alpha', 'beta', 'w'];

/**
 * A file written (or appended to), and exactly which of alpha, beta and w must see it. `ignored` marks a path only
 * the test .gitignore leaves out (turbo.json's own exclusions are build output, dependencies, tests, migrations,
 * Workers): where there is no git to ask, the package that holds it sees it.
 */
const fileEdits: [path: string, sees: string[], ignored?: 'ignored'][] = [
  // Sources at any depth, whatever the folder is called: a nested file, a route named build or test.
  ['packages/alpha/src/routes/build/+page.svelte', ['alpha']],
  ['packages/alpha/src/routes/test/+page.svelte', ['alpha']],
  ['packages/alpha/src/lib/deep/er/still/nested.ts', ['alpha']],
  ['packages/alpha/src/lib/workers/queue.ts', ['alpha']],
  ['packages/alpha/src/lib/migrations/list.ts', ['alpha']],
  ['packages/alpha/static/.well-known/security.txt', ['alpha']],
  ['packages/alpha/src/routes/about/+page.md', ['alpha']],
  ['packages/alpha/README.md', ['alpha']],
  ['packages/alpha/wrangler.jsonc', ['alpha']],
  // Linked workspace packages, directly and through another (app-kit).
  ['packages/kit/src/index.ts', ['alpha']],
  ['packages/kit2/src/index.ts', ['alpha']],
  ['packages/alpha/workers/w/src/index.ts', ['w']],
  ['packages/beta/src/routes/+page.svelte', ['beta']],
  // Shared build configuration: turbo.json's globalDependencies.
  ['tsconfig.base.json', EVERYONE],
  ['.npmrc', EVERYONE],
  // Build output, dependencies, turbo's and wrangler's own files, tests, and what other resources deploy: nobody.
  ['packages/alpha/node_modules/dep/index.js', []],
  ['packages/alpha/src/lib/node_modules/dep/index.js', []],
  ['packages/alpha/.svelte-kit/cloudflare/_worker.js', []],
  ['packages/alpha/.svelte-kit/generated/server/internal.js', []],
  ['packages/alpha/.turbo/turbo-build.log', []],
  ['packages/alpha/build/index.js', []],
  ['packages/alpha/src/lib/dist/x.ts', ['alpha'], 'ignored'],
  ['packages/alpha/.wrangler/state/d1.sqlite', []],
  ['packages/alpha/debug.log', ['alpha'], 'ignored'],
  ['packages/alpha/test/app.test.ts', []],
  ['packages/alpha/migrations/0002_more.sql', []],
  ['packages/alpha/workers/w/dist/index.js', []],
  ['packages/alpha/workers/w/node_modules/dep/index.js', []],
  ['packages/alpha/workers/w/test/w.test.ts', []],
  ['packages/kit/node_modules/dep/index.js', []],
  ['packages/kit/test/kit.test.ts', []],
];

/**
 * A version bumped in pnpm-lock.yaml, and who must see it: the package whose closure holds it, through a dependency's
 * dependency or a workspace link. The root's own dependencies are in every build's hash (turbo's global hash).
 */
const lockEdits: [version: keyof typeof VERSIONS, sees: string[]][] = [
  ['entities', ['alpha']],
  ['tiny', ['alpha']],
  ['ws', ['w']],
  ['zod', ['beta']],
  ['esbuild', EVERYONE],
  ['typescript', EVERYONE],
];

const bump = (version: string) => version.replace(/^(\d+)/, (major) => String(Number(major) + 1));

function applyFileEdit(root: string, path: string, content: string): void {
  const previous = baseRepo[path];
  // Appended as a line comment so config files stay parseable; it is still a content change.
  writeFiles(root, { [path]: previous === undefined ? content : `${previous}\n// ${content}` });
}

describe("the build-input hash (turbo's, the deployment trigger)", () => {
  it('changes for exactly the packages that see an edit, committed, untracked or outside git', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .constantFrom(...fileEdits)
            .map(([path, sees, ignored]) => ({ kind: 'file' as const, path, sees, ignored })),
          fc.constantFrom(...lockEdits).map(([version, sees]) => ({ kind: 'lock' as const, version, sees })),
        ),
        fc.constantFrom<Mode>('committed', 'untracked', 'none'),
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
          const ignoredHere = edit.kind === 'file' && edit.ignored && mode !== 'none';
          expect(changed).toEqual(ignoredHere ? [] : [...edit.sees].sort());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is the same committed or not, in a plain copy, in any folder: work copies of one commit share their builds', () => {
    const committed = hashes(makeRepo('committed'));
    expect(hashes(makeRepo('untracked'))).toEqual(committed);
    expect(hashes(makeRepo('none'))).toEqual(committed);
  });

  it('drops a tracked file deleted from the work tree, as the build does', () => {
    const root = makeRepo('committed');
    expect(changedBy(root, () => rmSync(join(root, 'packages/alpha/src/routes/+page.svelte')))).toEqual(['alpha']);
  });

  it('is what turbo itself computes for the build it runs (the same dry run, whatever the remote cache settings)', () => {
    const root = makeRepo('committed');
    const plain = readBuildHashes(root, { PATH: process.env.PATH, HOME: process.env.HOME });
    const withRemote = readBuildHashes(root, {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TURBO_API: 'http://127.0.0.1:1',
      TURBO_TEAM: 'studio',
      TURBO_TOKEN: 'not-a-real-token',
    });
    expect(withRemote).toEqual(plain);
    expect(plain.get('packages/alpha')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('a checkout without turbo installed says to run pnpm install, before anything else', () => {
    const root = makeRepo('committed');
    rmSync(join(root, 'node_modules', 'turbo'));
    expect(() => scanInventory(root)).toThrow(/turbo is not installed in .*: run pnpm install/);
  });

  it('an app whose folder is not a workspace package is named, with the fix', () => {
    const root = makeRepo('committed', {
      ...baseRepo,
      'packages/gamma/wrangler.jsonc': appConfig,
      'packages/gamma/src/index.ts': 'x',
    });
    expect(() => scanInventory(root)).toThrow(/packages\/gamma is not a workspace package.*package\.json/s);
  });

  it('an app whose pages_build_output_dir is not the folder turbo caches is refused, naming the setting', () => {
    const root = makeRepo('committed', {
      ...baseRepo,
      'packages/beta/wrangler.jsonc': JSON.stringify({
        pages_build_output_dir: 'build',
        compatibility_date: '2026-11-01',
      }),
    });
    expect(() => scanInventory(root)).toThrow(
      /pages_build_output_dir is "build".*Set it to "\.svelte-kit\/cloudflare"/s,
    );
  });
});

describe('build inputs of this repository', () => {
  it("are the space app's sources and config, without its build output, dependencies, tests, migrations or Workers", async () => {
    const { spawnSync } = await import('node:child_process');
    const { turboBinary } = await import('../../infra/commands/turbo.mjs');
    const root = join(__dirname, '..', '..');
    const dry = spawnSync(turboBinary(root), ['run', 'build', '--dry=json', '--skip-infer', '--filter=space'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    });
    const space = (
      JSON.parse(dry.stdout) as { tasks: { taskId: string; inputs: Record<string, string> }[] }
    ).tasks.find((t) => t.taskId === 'space#build');
    const inputs = Object.keys(space?.inputs ?? {});
    expect(inputs).toEqual(expect.arrayContaining(['package.json', 'wrangler.jsonc', 'src/routes/+page.svelte']));
    expect(inputs.filter((p) => /^(node_modules|\.svelte-kit|\.turbo|test|migrations|workers)\//.test(p))).toEqual([]);
  });
});
