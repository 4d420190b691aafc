import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStackDefinition } from '../../infra/stack-definition';

describe('stacks/', () => {
  it('defines prod with the seed names and protection, staging suffixed, local unprotected', () => {
    expect(loadStackDefinition('prod')).toMatchObject({ nameSuffix: '', protect: true, productionBranch: 'main' });
    expect(loadStackDefinition('staging')).toMatchObject({ nameSuffix: '-staging', protect: false });
    expect(loadStackDefinition('local')).toMatchObject({ nameSuffix: '', protect: false });
  });

  it('tells how to add a stack that has no definition file', () => {
    expect(() => loadStackDefinition('qa')).toThrow(
      /No stack definition for stack "qa": create stacks\/qa\.ts .* or select one of: .*local.*prod.*staging/,
    );
  });

  it('picks up a new environment from its file alone, validated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stacks-'));
    writeFileSync(
      join(dir, 'qa.ts'),
      "export default { nameSuffix: '-qa', productionBranch: 'main', protect: false, workers: [] };\n",
    );
    writeFileSync(join(dir, 'broken.ts'), "export default { nameSuffix: '-qa', protect: 'no', workers: [] };\n");
    expect(loadStackDefinition('qa', dir)).toEqual({
      nameSuffix: '-qa',
      productionBranch: 'main',
      protect: false,
      customDomains: {},
      workers: [],
    });
    expect(() => loadStackDefinition('broken', dir)).toThrow(
      /stacks\/broken\.ts does not define a valid stack:[\s\S]*protect/,
    );
  });
});
