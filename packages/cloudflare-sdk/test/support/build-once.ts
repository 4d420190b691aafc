import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** vitest globalSetup: compile dist/ once so consumer tests load what `require`/`import` really get. */
export default function setup(): void {
  const tsc = join(packageDir, 'node_modules', '.bin', 'tsc');
  execFileSync(tsc, ['-p', 'tsconfig.build.json'], { cwd: packageDir, stdio: 'inherit' });
}
