import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const packageDir = join(__dirname, '..', '..');

/** vitest globalSetup: compile dist/ once so consumer tests load what `require`/`import` really get. */
export default function setup(): void {
  const tsc = join(packageDir, 'node_modules', '.bin', 'tsc');
  execFileSync(tsc, ['-p', 'tsconfig.build.json'], { cwd: packageDir, stdio: 'inherit' });
}
