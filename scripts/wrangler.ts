// pnpm wrangler <package> [--stack prod|staging|local] -- <wrangler args>
// Any wrangler command for one package, on one stack's real resources: a temporary wrangler config names the stack's
// resources (D1 uuid, KV id, R2 bucket and queue names: each binding kind's `wrangler` entry), taken from the outputs, or looked up by name through the API when
// the stack has no outputs yet (before its first up), and wrangler is pointed at the stack's API (the emulator for
// local). `pnpm wrangler ltd -- d1 execute DB --command "select 1"` then reads prod's database, not the placeholder of
// packages/ltd/wrangler.jsonc.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kindOf, type StackTarget } from '../infra/bindings';
import type { FoundByName } from '../infra/bindings/kind';
import { cloudflareClient } from '../infra/cloudflare/client';
import { scanInventory } from '../infra/inventory/scan';
import { readWranglerConfig } from '../infra/inventory/wrangler-config';
import { planResources } from '../infra/plan/plan-bindings';
import { loadStackDefinition } from '../infra/stack-definition';
import { appsOutput, stackConfig } from './pulumi-stack';
import { ROOT_DIR, resolvePackageTarget } from './stack-target';
import {
  needsBindings,
  parseWranglerArgv,
  type StackResources,
  stackCommand,
  stackWranglerConfig,
} from './wrangler-args';

/**
 * The stack's resources the package's bindings name (`<kind>:<production name>` → ref and name), and where they came
 * from: the stack's outputs, or a lookup by name (each kind's `find`) before its first up.
 */
async function stackTargets(
  pkg: string,
  stack: string,
  wranglerEnv: Record<string, string>,
): Promise<{ targets: Record<string, StackTarget>; source: string }> {
  const definition = loadStackDefinition(stack);
  const app = scanInventory(ROOT_DIR, { withHashes: false }).apps.find((a) => a.name === pkg);
  if (!app) throw new Error(`${pkg} is not an app package`);
  const enabled = app.workers.filter((w) => definition.workers.includes(`${pkg}/${w.name}`));
  const resources = planResources(app, enabled, definition);
  const key = (r: { kind: string; resource: string }) => `${r.kind}:${r.resource}`;
  let outputs: ReturnType<typeof appsOutput>;
  try {
    outputs = appsOutput(stack);
  } catch {
    outputs = undefined; // No pulumi CLI here: look the names up instead.
  }
  const recorded = outputs?.[pkg]?.resources ?? {};
  if (resources.every((r) => recorded[r.logicalName]?.ref)) {
    return {
      targets: Object.fromEntries(
        resources.map((r) => [key(r), { ref: recorded[r.logicalName]?.ref as string, physicalName: r.physicalName }]),
      ),
      source: "the stack's outputs",
    };
  }
  // No outputs yet: by name, as the planner names them.
  const config = () => {
    try {
      return stackConfig(stack);
    } catch {
      return {} as Record<string, string>;
    }
  };
  const apiToken =
    wranglerEnv.CLOUDFLARE_API_TOKEN ?? process.env.CLOUDFLARE_API_TOKEN ?? config()['cloudflare:apiToken'];
  const accountId =
    wranglerEnv.CLOUDFLARE_ACCOUNT_ID ?? process.env.CLOUDFLARE_ACCOUNT_ID ?? config()['create-something:accountId'];
  if (!apiToken || !accountId) {
    throw new Error(
      `stack ${stack} has no outputs yet, and looking ${pkg}'s resources up by name needs CLOUDFLARE_API_TOKEN and the account id (pulumi config set create-something:accountId … --stack ${stack}).`,
    );
  }
  const apiBaseUrl = wranglerEnv.CLOUDFLARE_API_BASE_URL;
  const cf = cloudflareClient({ apiToken, ...(apiBaseUrl ? { apiBaseUrl } : {}) });
  const found = await Promise.all(
    resources.map(async (r) => ({
      r,
      matches: (await kindOf(r.kind).resource?.find(cf, accountId, r.physicalName)) ?? [],
    })),
  );
  const problems = found.filter(({ matches }) => matches.length !== 1);
  if (problems.length > 0) {
    throw new Error(
      `stack ${stack} has no outputs yet, and by name: ${problems.map(({ r, matches }) => `${matches.length === 0 ? 'no' : matches.length} ${r.kind} named ${r.physicalName}`).join('; ')}; run pnpm adopt --stack ${stack} and pulumi up --stack ${stack} first.`,
    );
  }
  return {
    targets: Object.fromEntries(
      found.map(({ r, matches }) => [
        key(r),
        {
          ref: kindOf(r.kind).resource?.refOf(matches[0] as FoundByName, r.physicalName) as string,
          physicalName: r.physicalName,
        },
      ]),
    ),
    source: 'a lookup by name: the stack has no outputs yet',
  };
}

/** Runs wrangler for `pkg` on `stack` with `args`; returns its exit code. Also what `pnpm tail` runs. */
export async function runStackWrangler(pkg: string, stack: string, args: readonly string[]): Promise<number> {
  const target = resolvePackageTarget(pkg, stack);
  const packageDir = join(ROOT_DIR, 'packages', pkg);
  const packageConfig = readWranglerConfig(packageDir)?.config ?? {};
  let found: Awaited<ReturnType<typeof stackTargets>> | undefined;
  try {
    found = await stackTargets(pkg, stack, target.wranglerEnv);
  } catch (error) {
    if (needsBindings(args)) throw error;
    console.error(
      `[wrangler] ${(error as Error).message} Going on without data bindings, which this command does not use.`,
    );
  }
  const resources: StackResources = {
    packageDir,
    app: pkg,
    projectName: target.projectName,
    ...(found ? { targets: found.targets } : {}),
  };
  const dir = mkdtempSync(join(tmpdir(), `wrangler-${stack}-${pkg}-`));
  try {
    const configPath = join(dir, 'wrangler.jsonc');
    writeFileSync(configPath, `${JSON.stringify(stackWranglerConfig(packageConfig, resources), null, 2)}\n`);
    const command = stackCommand(args, target.projectName, configPath);
    const bound = found
      ? `, ${Object.entries(found.targets)
          .map(([key, t]) => `${kindOf(key.split(':')[0] as string).resource?.label} ${t.physicalName} ${t.ref}`)
          .join(', ')} (from ${found.source})`
      : '';
    const api = target.wranglerEnv.CLOUDFLARE_API_BASE_URL;
    console.error(`[wrangler] ${stack}: ${target.projectName}${bound}${api ? `, API ${api}` : ''}`);
    console.error(`[wrangler] wrangler ${command.args.join(' ')}`);
    const result = spawnSync(join(ROOT_DIR, 'node_modules', '.bin', 'wrangler'), command.args, {
      stdio: 'inherit',
      cwd: command.runIn === 'config-folder' ? dir : (process.env.INIT_CWD ?? process.cwd()),
      env: { ...process.env, ...target.wranglerEnv },
    });
    return result.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  (async () => {
    const { pkg, stack, args } = parseWranglerArgv(process.argv.slice(2));
    return runStackWrangler(pkg, stack, args);
  })().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`[wrangler] ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 2;
    },
  );
}
