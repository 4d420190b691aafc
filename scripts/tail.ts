// pnpm tail <package> [--stack prod|staging|local] [wrangler flags…]
// Streams the live logs of a package's latest production deployment: the stack's
// `wrangler pages deployment tail --project-name <its project>`, with the right project name and API endpoint.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT_DIR, resolvePackageTarget, takeStackFlag } from './stack-target';

function main(): number {
  const { stack, rest } = takeStackFlag(process.argv.slice(2));
  const [pkg, ...wranglerFlags] = rest;
  if (!pkg || pkg.startsWith('-')) {
    console.error('usage: pnpm tail <space|io|agency|ltd> [--stack prod|staging|local] [wrangler tail flags]');
    return 2;
  }
  const target = resolvePackageTarget(pkg, stack);
  const args = ['pages', 'deployment', 'tail', '--project-name', target.projectName, ...wranglerFlags];
  console.error(`[tail] ${target.stack}: wrangler ${args.join(' ')}`);
  const result = spawnSync(join(ROOT_DIR, 'node_modules', '.bin', 'wrangler'), args, {
    stdio: 'inherit',
    env: { ...process.env, ...target.wranglerEnv },
  });
  return result.status ?? 1;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`[tail] ${(error as Error).message}`);
  process.exitCode = 2;
}
