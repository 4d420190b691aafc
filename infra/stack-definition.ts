import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RunError } from '@pulumi/pulumi';
import { type StackDefinition, stackDefinitionSchema } from '../stacks/definition';

export const STACKS_DIR = join(__dirname, '..', 'stacks');

/**
 * Stack names this program accepts. The name picks `stacks/<name>.ts`; one lowercase spelling per environment keeps
 * `Prod` from loading prod's definition on a case-insensitive file system as a second, separate stack.
 */
const STACK_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Review stacks: `pr-<number>` (no leading zero, so one pull request has one stack name), from one template. */
const REVIEW_STACK = /^pr-([1-9][0-9]{0,8})$/;
const REVIEW_TEMPLATE = 'review';

/**
 * Loads `stacks/<name>.ts` for the Pulumi stack `name`. Files are found by name, so adding an environment is adding
 * a file; the definition is validated so a typo fails here with the field named, before any resource exists. A
 * review stack `pr-<number>` has no file of its own: `stacks/review.ts` default-exports a function of the number.
 * Every failure is a `RunError`: the Pulumi runtime prints its message alone, without a stack trace.
 */
export function loadStackDefinition(name: string, stacksDir = STACKS_DIR): StackDefinition {
  if (!STACK_NAME.test(name)) throw new RunError(invalidStackNameMessage(name));
  if (name === REVIEW_TEMPLATE) {
    throw new RunError(
      `Stack "${name}" is not a stack: stacks/${REVIEW_TEMPLATE}.ts is the template of the review stacks, which are named pr-<number> after their pull request (pulumi stack init pr-7).`,
    );
  }
  const review = REVIEW_STACK.exec(name);
  const file = join(stacksDir, `${review ? REVIEW_TEMPLATE : name}.ts`);
  const shown = `stacks/${review ? REVIEW_TEMPLATE : name}.ts`;
  if (!existsSync(file)) {
    const known = readdirSync(stacksDir)
      .filter((f) => f.endsWith('.ts') && f !== 'definition.ts' && f !== `${REVIEW_TEMPLATE}.ts`)
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    throw new RunError(
      `No stack definition for stack "${name}": create stacks/${name}.ts (copy stacks/staging.ts) and Pulumi.${name}.yaml, or select one of: ${[...known, 'pr-<number>'].join(', ')}.`,
    );
  }
  let loaded: { default?: unknown };
  try {
    // require, not import(): the Pulumi runtime compiles TypeScript through require hooks (ts-node).
    loaded = require(file) as { default?: unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RunError(`${shown} could not be loaded: ${reason}`);
  }
  let exported = loaded.default;
  if (review) {
    if (typeof exported !== 'function') {
      throw new RunError(
        `${shown} must default-export a function (pull request number) => stack definition, for stack "${name}".`,
      );
    }
    exported = (exported as (pullRequest: number) => unknown)(Number(review[1]));
  }
  const parsed = stackDefinitionSchema.safeParse(exported);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new RunError(
      `${shown} does not define a valid stack${review ? ` for "${name}"` : ''} (see stacks/definition.ts for every field):\n${problems.join('\n')}`,
    );
  }
  return parsed.data;
}

function invalidStackNameMessage(name: string): string {
  const suggestion = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  const newName = suggestion === '' ? '<new-name>' : suggestion;
  return `Stack name "${name}" is not allowed: stack names here are lowercase letters, digits and "-", starting with a letter or digit, because the name selects stacks/<name>.ts. Rename the stack: pulumi stack rename ${newName} --stack ${name} (it renames Pulumi.${name}.yaml too), then make sure stacks/${newName}.ts exists (copy stacks/staging.ts).`;
}
