// pnpm adopt --stack <stack> [--dry-run]
// Brings the Cloudflare resources that already exist under the names the stack's plan gives (D1 by name, KV by
// title, Pages project and custom domains by name, Worker script by name) under the stack's management, without
// touching them: it looks each one up through the API, prints what it found, and imports what exists and the stack
// does not manage yet into the stack's state with `pulumi import` (protected, on a protected stack, from that step
// on). The import file is temporary: later runs of `pulumi up` are normal ones. Running it again changes nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudflareClient } from '../infra/cloudflare/client';
import { scanInventory } from '../infra/inventory/scan';
import { adoptionTargets, decideAdoption, formatAdoptionTable, importRuns } from '../infra/plan/adoption';
import { planDeployment } from '../infra/plan/plan';
import { loadStackDefinition } from '../infra/stack-definition';
import { lookUpTargets } from './cloudflare-lookup';
import { projectName, runPulumi, stackConfig, stackResources, stackTarget } from './pulumi-stack';
import { ROOT_DIR } from './stack-target';

const USAGE = 'usage: pnpm adopt --stack <prod|staging|local|…> [--dry-run]';

function parseArgs(argv: string[]): { stack: string; dryRun: boolean } {
  const args = argv.filter((a) => a !== '--');
  const at = args.indexOf('--stack');
  const stack = at === -1 ? undefined : args[at + 1];
  const unknown = args.filter((a, i) => a !== '--dry-run' && i !== at && i !== at + 1);
  if (!stack || stack.startsWith('-') || unknown.length > 0) throw new Error(USAGE);
  return { stack, dryRun: args.includes('--dry-run') };
}

async function main(): Promise<number> {
  const { stack, dryRun } = parseArgs(process.argv.slice(2));
  const definition = loadStackDefinition(stack);
  const target = stackTarget(stack, stackConfig(stack));
  const plan = planDeployment(stack, scanInventory(ROOT_DIR), definition, target);
  const project = projectName();
  const providerVersion = (require('@pulumi/cloudflare/package.json') as { version: string }).version;

  const targets = adoptionTargets(plan);
  const state = stackResources(stack);
  const found = await lookUpTargets(cloudflareClient(target), plan.accountId, targets);
  const rows = decideAdoption({ stack, project, accountId: plan.accountId, targets, found, state });
  console.log(`[adopt] stack ${stack}${plan.apiBaseUrl ? ` (${plan.apiBaseUrl})` : ''}, account ${plan.accountId}:\n`);
  console.log(formatAdoptionTable(rows));
  console.log('');

  if (rows.some((r) => r.action === 'refuse')) {
    console.error('[adopt] refused: nothing was imported. Fix what is named above and run pnpm adopt again.');
    return 1;
  }
  const runs = importRuns({ stack, project, rows, state, providerVersion });
  if (runs.length === 0) {
    console.log(`[adopt] nothing to adopt: stack ${stack} already manages everything of its names that exists.`);
    return 0;
  }
  const adopted = rows.filter((r) => r.action === 'adopt');
  if (dryRun) {
    console.log(`[adopt] --dry-run: would import ${adopted.length} resources; nothing was changed.`);
    for (const run of runs) console.log(JSON.stringify(run, null, 2));
    return 0;
  }

  const dir = mkdtempSync(join(tmpdir(), 'adopt-'));
  try {
    for (const [k, run] of runs.entries()) {
      const file = join(dir, `import-${k}.json`);
      writeFileSync(file, `${JSON.stringify(run.file, null, 2)}\n`);
      const args = ['import', '--file', file, '--stack', stack, '--yes', '--skip-preview', '--generate-code=false'];
      console.log(`[adopt] pulumi ${[...args.slice(0, 1), ...args.slice(3), `--protect=${run.protect}`].join(' ')}`);
      const result = runPulumi([...args, `--protect=${run.protect}`], { inherit: true });
      if (result.code !== 0) {
        console.error(
          `[adopt] pulumi import failed (exit ${result.code}); what it imported before failing stays adopted. Run pnpm adopt --stack ${stack} again once the cause above is fixed.`,
        );
        return 1;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const after = new Set(stackResources(stack).map((r) => r.urn));
  const missing = adopted.filter((r) => !after.has(r.urn));
  if (missing.length > 0) {
    console.error(`[adopt] not in the state after the import: ${missing.map((r) => r.urn).join(', ')}`);
    return 1;
  }
  console.log(
    `\n[adopt] adopted ${adopted.length} resources into stack ${stack}${adopted.some((r) => r.target.protect) ? ' (D1, KV and Pages projects protected)' : ''}; nothing in Cloudflare was changed.`,
  );
  console.log(
    `[adopt] next: pulumi preview --stack ${stack} --diff. It shows no create or replace for what was adopted; the updates set what the program declares (the projects' DB/KV bindings, a Worker's code), and the program's own records are created: <app>-migrations reads d1_migrations and applies only the files not in it, <app>-deployment builds and uploads.`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`[adopt] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
