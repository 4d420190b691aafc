import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type StackDefinition, stackDefinitionSchema } from '../stacks/definition';

export const STACKS_DIR = join(__dirname, '..', 'stacks');

/**
 * Loads `stacks/<name>.ts` for the Pulumi stack `name`. Files are found by name, so adding an environment is adding
 * a file; the definition is validated so a typo fails here with the field named, before any resource exists.
 */
export function loadStackDefinition(name: string, stacksDir = STACKS_DIR): StackDefinition {
  const file = join(stacksDir, `${name}.ts`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || !existsSync(file)) {
    const known = readdirSync(stacksDir)
      .filter((f) => f.endsWith('.ts') && f !== 'definition.ts')
      .map((f) => f.replace(/\.ts$/, ''));
    throw new Error(
      `No stack definition for stack "${name}": create stacks/${name}.ts (copy stacks/staging.ts) and Pulumi.${name}.yaml, or select one of: ${known.join(', ')}.`,
    );
  }
  // require, not import(): the Pulumi runtime compiles TypeScript through require hooks (ts-node).
  const loaded = require(file) as { default?: unknown };
  const parsed = stackDefinitionSchema.safeParse(loaded.default);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`stacks/${name}.ts does not define a valid stack:\n${problems.join('\n')}`);
  }
  return parsed.data;
}
