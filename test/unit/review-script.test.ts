import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const review = (...args: string[]) =>
  spawnSync('bash', [join(ROOT, 'scripts', 'review.sh'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
const USAGE = '[review] usage: pnpm review:up <pull request number> | pnpm review:down <pull request number>\n';

describe('pnpm review:up / review:down', () => {
  it.each([[[]], [['up']], [['up', '0']], [['up', '007']], [['up', 'seven']], [['sideways', '7']], [['down', '-1']]])(
    'refuse %j with the usage line before touching anything',
    (args) => {
      const run = review(...args);
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(USAGE);
    },
  );

  it('are the package scripts', () => {
    const { scripts } = require(join(ROOT, 'package.json')) as { scripts: Record<string, string> };
    expect(scripts['review:up']).toBe('bash scripts/review.sh up');
    expect(scripts['review:down']).toBe('bash scripts/review.sh down');
  });
});
