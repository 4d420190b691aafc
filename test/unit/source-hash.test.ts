import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { scanInventory } from '../../infra/inventory/scan';
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

/** A throwaway repo with two apps, written file by file so the real inventory scan hashes it. */
function makeRepo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'source-hash-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const wrangler = JSON.stringify({ pages_build_output_dir: '.svelte-kit/cloudflare', compatibility_date: '2026-11-01' });
const baseRepo = {
  'tsconfig.base.json': '{}',
  'packages/alpha/wrangler.jsonc': wrangler,
  'packages/alpha/src/routes/+page.svelte': '<h1>alpha</h1>',
  'packages/alpha/package.json': '{"name":"alpha"}',
  'packages/beta/wrangler.jsonc': wrangler,
  'packages/beta/src/routes/+page.svelte': '<h1>beta</h1>',
};

/** Edits that are not build inputs of alpha, and edits that are. */
const irrelevantEdits = fc.constantFrom(
  'packages/alpha/node_modules/dep/index.js',
  'packages/alpha/.svelte-kit/cloudflare/_worker.js',
  'packages/alpha/build/out.js',
  'packages/alpha/README.md',
  'packages/alpha/src/lib/thing.test.ts',
  'packages/alpha/test-artifacts/shot.png',
  'packages/beta/src/routes/+page.svelte',
);
const relevantEdits = fc.constantFrom(
  'packages/alpha/src/routes/+page.svelte',
  'packages/alpha/src/lib/new.ts',
  'packages/alpha/package.json',
  'packages/alpha/wrangler.jsonc',
  'packages/alpha/svelte.config.js',
  'tsconfig.base.json',
);

describe('package source hash (the deployment trigger)', () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });
  const alphaHash = (root: string) => scanInventory(root).apps.find((a) => a.name === 'alpha')?.sourceHash;

  it('changes when and only when one of the package build inputs changes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          irrelevantEdits.map((p) => [p, false] as const),
          relevantEdits.map((p) => [p, true] as const),
        ),
        fc.stringMatching(/^[a-z ]{1,20}$/),
        ([path, relevant], content) => {
          const before = makeRepo(baseRepo);
          // Appended as a line comment so config files stay parseable; it is still a content change.
          const after = makeRepo({
            ...baseRepo,
            [path]: `${(baseRepo as Record<string, string>)[path] ?? ''}\n// ${content}`,
          });
          roots.push(before, after);
          expect(alphaHash(after) !== alphaHash(before)).toBe(relevant);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("changes when the package's lockfile entry changes, not when another package's does", () => {
    const lock = (alpha: string, beta: string) =>
      `lockfileVersion: '9.0'\nimporters:\n  packages/alpha:\n    dependencies:\n      svelte:\n        specifier: ^5\n        version: ${alpha}\n  packages/beta:\n    dependencies:\n      svelte:\n        specifier: ^5\n        version: ${beta}\n`;
    const base = makeRepo({ ...baseRepo, 'pnpm-lock.yaml': lock('5.0.0', '5.0.0') });
    const alphaBumped = makeRepo({ ...baseRepo, 'pnpm-lock.yaml': lock('5.1.0', '5.0.0') });
    const betaBumped = makeRepo({ ...baseRepo, 'pnpm-lock.yaml': lock('5.0.0', '5.1.0') });
    roots.push(base, alphaBumped, betaBumped);
    expect(alphaHash(alphaBumped)).not.toBe(alphaHash(base));
    expect(alphaHash(betaBumped)).toBe(alphaHash(base));
  });

  it('changes when a linked workspace package the app builds with changes, not when its node_modules do', () => {
    const lock = `lockfileVersion: '9.0'\nimporters:\n  packages/alpha:\n    dependencies:\n      kit:\n        specifier: workspace:*\n        version: link:../kit\n  packages/kit: {}\n`;
    const withKit = { ...baseRepo, 'pnpm-lock.yaml': lock, 'packages/kit/src/index.ts': 'export const a = 1;\n' };
    const base = makeRepo(withKit);
    const kitEdited = makeRepo({ ...withKit, 'packages/kit/src/index.ts': 'export const a = 2;\n' });
    const kitModules = makeRepo({ ...withKit, 'packages/kit/node_modules/x/index.js': 'x' });
    roots.push(base, kitEdited, kitModules);
    expect(alphaHash(kitEdited)).not.toBe(alphaHash(base));
    expect(alphaHash(kitModules)).toBe(alphaHash(base));
    const beta = (root: string) => scanInventory(root).apps.find((a) => a.name === 'beta')?.sourceHash;
    expect(beta(kitEdited)).toBe(beta(base));
  });
});
