// pnpm tail <package> [--stack prod|staging|local] [wrangler flags…]
// Streams the live logs of a package's latest production deployment: a shortcut of
// `pnpm wrangler <package> --stack <s> -- pages deployment tail [flags]`, which fills in the stack's project name
// and API endpoint.
import { takeStackFlag } from './stack-target';
import { runStackWrangler } from './wrangler';

async function main(): Promise<number> {
  const { stack, rest } = takeStackFlag(process.argv.slice(2).filter((a) => a !== '--'));
  const [pkg, ...wranglerFlags] = rest;
  if (!pkg || pkg.startsWith('-')) {
    console.error('usage: pnpm tail <space|io|agency|ltd> [--stack prod|staging|local] [wrangler tail flags]');
    return 2;
  }
  return runStackWrangler(pkg, stack, ['pages', 'deployment', 'tail', ...wranglerFlags]);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`[tail] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
