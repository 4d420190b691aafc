import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStackDefinition, STACKS_DIR } from '../../infra/stack-definition';
import { runError as refusedWith } from './support/run-error';

const runError = (run: () => unknown) => refusedWith(run, 'the stack');

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const tempStacks = () => {
  const dir = mkdtempSync(join(tmpdir(), 'stacks-'));
  made.push(dir);
  return dir;
};

describe('stacks/', () => {
  it('defines prod with the seed names and protection, staging suffixed, local unprotected', () => {
    expect(loadStackDefinition('prod')).toMatchObject({ nameSuffix: '', protect: true, productionBranch: 'main' });
    expect(loadStackDefinition('staging')).toMatchObject({ nameSuffix: '-staging', protect: false });
    expect(loadStackDefinition('local')).toMatchObject({ nameSuffix: '', protect: false });
  });

  it('tells how to add a stack that has no definition file', () => {
    expect(runError(() => loadStackDefinition('qa'))).toBe(
      'No stack definition for stack "qa": create stacks/qa.ts (copy stacks/staging.ts) and Pulumi.qa.yaml, or select one of: local, prod, staging, pr-<number>.',
    );
  });

  it.each([
    ['Weird_Name', 'weird-name'],
    ['Prod', 'prod'],
    ['-qa', 'qa'],
    ['feature.x', 'feature-x'],
  ])('refuses the stack name %s with what is allowed and how to rename it', (name, renamed) => {
    expect(runError(() => loadStackDefinition(name))).toBe(
      `Stack name "${name}" is not allowed: stack names here are lowercase letters, digits and "-", starting with a letter or digit, because the name selects stacks/<name>.ts. Rename the stack: pulumi stack rename ${renamed} --stack ${name} (it renames Pulumi.${name}.yaml too), then make sure stacks/${renamed}.ts exists (copy stacks/staging.ts).`,
    );
  });

  it('refuses a bad name before looking for its file, even when a file of that name exists', () => {
    const dir = tempStacks();
    writeFileSync(
      join(dir, 'Weird_Name.ts'),
      "export default { nameSuffix: '', productionBranch: 'main', protect: false, workers: [] };\n",
    );
    expect(runError(() => loadStackDefinition('Weird_Name', dir))).toMatch(/^Stack name "Weird_Name" is not allowed/);
  });

  it('picks up a new environment from its file alone, validated', () => {
    const dir = tempStacks();
    writeFileSync(
      join(dir, 'qa.ts'),
      "export default { nameSuffix: '-qa', productionBranch: 'main', protect: false, workers: [] };\n",
    );
    writeFileSync(join(dir, 'broken.ts'), "export default { nameSuffix: '-qa', protect: 'no', workers: [] };\n");
    writeFileSync(join(dir, 'throws.ts'), "throw new Error('boom');\n");
    expect(loadStackDefinition('qa', dir)).toEqual({
      nameSuffix: '-qa',
      productionBranch: 'main',
      protect: false,
      customDomains: {},
      workers: [],
    });
    expect(runError(() => loadStackDefinition('broken', dir))).toBe(
      'stacks/broken.ts does not define a valid stack (see stacks/definition.ts for every field):\n  productionBranch: Invalid input: expected string, received undefined\n  protect: Invalid input: expected boolean, received string',
    );
    expect(runError(() => loadStackDefinition('throws', dir))).toBe('stacks/throws.ts could not be loaded: boom');
  });
});

describe('review stacks pr-<number>', () => {
  it('resolve to the one template, with the number from the stack name', () => {
    for (const n of [1, 7, 1234]) {
      expect(loadStackDefinition(`pr-${n}`)).toEqual({
        nameSuffix: `-pr-${n}`,
        productionBranch: 'main',
        protect: false,
        customDomains: {},
        workers: [],
      });
    }
  });

  it('have no file of their own: only the template is there', () => {
    expect(existsSync(join(STACKS_DIR, 'pr-7.ts'))).toBe(false);
    expect(existsSync(join(STACKS_DIR, 'review.ts'))).toBe(true);
  });

  it.each(['pr-0', 'pr-007', 'pr-', 'pr-7a', 'pr-1234567890'])(
    'treat %s as an ordinary stack name (no file: refused with the list)',
    (name) => {
      expect(runError(() => loadStackDefinition(name))).toBe(
        `No stack definition for stack "${name}": create stacks/${name}.ts (copy stacks/staging.ts) and Pulumi.${name}.yaml, or select one of: local, prod, staging, pr-<number>.`,
      );
    },
  );

  it('refuse the template itself as a stack', () => {
    expect(runError(() => loadStackDefinition('review'))).toBe(
      'Stack "review" is not a stack: stacks/review.ts is the template of the review stacks, which are named pr-<number> after their pull request (pulumi stack init pr-7).',
    );
  });

  it('validate what the template returns, naming the stack', () => {
    const dir = tempStacks();
    writeFileSync(
      join(dir, 'review.ts'),
      "export default (n: number) => ({ nameSuffix: '_pr_' + n, productionBranch: 'main', protect: false, workers: [] });\n",
    );
    expect(runError(() => loadStackDefinition('pr-3', dir))).toBe(
      'stacks/review.ts does not define a valid stack for "pr-3" (see stacks/definition.ts for every field):\n  nameSuffix: nameSuffix must be empty or dash-separated lowercase words, like "-staging"',
    );
    const objectDir = tempStacks();
    writeFileSync(
      join(objectDir, 'review.ts'),
      "export default { nameSuffix: '-pr', productionBranch: 'main', protect: false, workers: [] };\n",
    );
    expect(runError(() => loadStackDefinition('pr-3', objectDir))).toBe(
      'stacks/review.ts must default-export a function (pull request number) => stack definition, for stack "pr-3".',
    );
  });
});
