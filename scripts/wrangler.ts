// pnpm wrangler <package> [--stack prod|staging|local] -- <wrangler args>
// Any wrangler command for one package, on one stack's real resources: a temporary wrangler config names the stack's
// D1 database (uuid) and KV namespace (id), taken from the stack's outputs, or looked up by name through the API when
// the stack has no outputs yet (before its first up), and wrangler is pointed at the stack's API (the emulator for
// local). `pnpm wrangler ltd -- d1 execute DB --command "select 1"` then reads prod's database, not the placeholder of
// packages/ltd/wrangler.jsonc.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudflareClient } from '../infra/cloudflare/client';
import { readWranglerConfig } from '../infra/inventory/wrangler-config';
import { findD1, findKv } from './cloudflare-lookup';
import { appsOutput, stackConfig } from './pulumi-stack';
import { ROOT_DIR, resolvePackageTarget } from './stack-target';
import {
  needsBindings,
  parseWranglerArgv,
  type StackResources,
  stackCommand,
  stackWranglerConfig,
} from './wrangler-args';

/** The stack's D1 uuid and KV id for the package, and where they came from. */
async function stackIds(
  pkg: string,
  stack: string,
  projectName: string,
  wranglerEnv: Record<string, string>,
): Promise<{ databaseId: string; kvNamespaceId: string; source: string }> {
  let outputs: ReturnType<typeof appsOutput>;
  try {
    outputs = appsOutput(stack);
  } catch {
    outputs = undefined; // No pulumi CLI here: look the names up instead.
  }
  const app = outputs?.[pkg];
  if (app?.databaseId && app.kvNamespaceId) {
    return { databaseId: app.databaseId, kvNamespaceId: app.kvNamespaceId, source: "the stack's outputs" };
  }
  // No outputs yet: by name, as the planner names them (the D1 database, KV namespace and project share one name).
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
      `stack ${stack} has no outputs yet, and looking ${projectName} up by name needs CLOUDFLARE_API_TOKEN and the account id (pulumi config set create-something:accountId … --stack ${stack}).`,
    );
  }
  const apiBaseUrl = wranglerEnv.CLOUDFLARE_API_BASE_URL;
  const cf = cloudflareClient({ apiToken, ...(apiBaseUrl ? { apiBaseUrl } : {}) });
  const [databases, namespaces] = await Promise.all([
    findD1(cf, accountId, projectName),
    findKv(cf, accountId, projectName),
  ]);
  const [database] = databases;
  const [namespace] = namespaces;
  if (!database || !namespace || databases.length > 1 || namespaces.length > 1) {
    const count = (n: number, what: string) => (n === 1 ? '' : `${n === 0 ? 'no' : n} ${what} named ${projectName}; `);
    throw new Error(
      `stack ${stack} has no outputs yet, and by name: ${count(databases.length, 'D1 database')}${count(namespaces.length, 'KV namespace')}run pnpm adopt --stack ${stack} and pulumi up --stack ${stack} first.`,
    );
  }
  return {
    databaseId: database.id,
    kvNamespaceId: namespace.id,
    source: 'a lookup by name: the stack has no outputs yet',
  };
}

/** Runs wrangler for `pkg` on `stack` with `args`; returns its exit code. Also what `pnpm tail` runs. */
export async function runStackWrangler(pkg: string, stack: string, args: readonly string[]): Promise<number> {
  const target = resolvePackageTarget(pkg, stack);
  const packageDir = join(ROOT_DIR, 'packages', pkg);
  const packageConfig = readWranglerConfig(packageDir)?.config ?? {};
  let ids: Awaited<ReturnType<typeof stackIds>> | undefined;
  try {
    ids = await stackIds(pkg, stack, target.projectName, target.wranglerEnv);
  } catch (error) {
    if (needsBindings(args)) throw error;
    console.error(
      `[wrangler] ${(error as Error).message} Going on without D1/KV bindings, which this command does not use.`,
    );
  }
  const resources: StackResources = {
    packageDir,
    projectName: target.projectName,
    databaseName: target.projectName,
    ...(ids ? { databaseId: ids.databaseId, kvNamespaceId: ids.kvNamespaceId } : {}),
  };
  const dir = mkdtempSync(join(tmpdir(), `wrangler-${stack}-${pkg}-`));
  try {
    const configPath = join(dir, 'wrangler.jsonc');
    writeFileSync(configPath, `${JSON.stringify(stackWranglerConfig(packageConfig, resources), null, 2)}\n`);
    const command = stackCommand(args, target.projectName, configPath);
    const bound = ids ? `, D1 ${ids.databaseId}, KV ${ids.kvNamespaceId} (from ${ids.source})` : '';
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
