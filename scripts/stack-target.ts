import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readWranglerConfig } from '../infra/inventory/wrangler-config';
import { appResourceName } from '../infra/plan/naming';
import { loadStackDefinition } from '../infra/stack-definition';

export const ROOT_DIR = join(__dirname, '..');

/** The names and API endpoint a daily command needs for one package on one stack, so nobody types them. */
export interface PackageTarget {
  stack: string;
  projectName: string;
  /** Environment for wrangler: the stack's account, and the emulator's API when the stack has a base URL. */
  wranglerEnv: Record<string, string>;
}

export function resolvePackageTarget(pkg: string, stack: string): PackageTarget {
  // The inventory's own rule: an app is a package whose wrangler config has pages_build_output_dir.
  if (
    !/^[a-z0-9-]+$/.test(pkg) ||
    !readWranglerConfig(join(ROOT_DIR, 'packages', pkg))?.config.pages_build_output_dir
  ) {
    throw new Error(
      `"${pkg}" is not an app package (no packages/${pkg}/wrangler.jsonc). Apps: space, io, agency, ltd.`,
    );
  }
  const definition = loadStackDefinition(stack);
  const config = readStackConfig(stack);
  const wranglerEnv: Record<string, string> = { WRANGLER_SEND_METRICS: 'false' };
  const accountId = config['create-something:accountId'];
  if (typeof accountId === 'string') wranglerEnv.CLOUDFLARE_ACCOUNT_ID = accountId;
  const baseUrl = config['cloudflare:baseUrl'];
  if (typeof baseUrl === 'string') {
    wranglerEnv.CLOUDFLARE_API_BASE_URL = baseUrl;
    const token = config['cloudflare:apiToken'];
    if (typeof token === 'string') wranglerEnv.CLOUDFLARE_API_TOKEN = token;
  }
  return { stack, projectName: appResourceName(pkg, definition.nameSuffix), wranglerEnv };
}

/** Plain values of Pulumi.<stack>.yaml (secrets stay encrypted and are skipped: wrangler uses your own login). */
function readStackConfig(stack: string): Record<string, unknown> {
  const file = join(ROOT_DIR, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) return {};
  const parsed = parse(readFileSync(file, 'utf8')) as { config?: Record<string, unknown> } | null;
  return parsed?.config ?? {};
}

/** `--stack <name>` anywhere in argv (default `prod`), and the remaining arguments. */
export function takeStackFlag(argv: string[]): { stack: string; rest: string[] } {
  const rest = [...argv];
  const index = rest.indexOf('--stack');
  if (index === -1) return { stack: 'prod', rest };
  const stack = rest[index + 1];
  if (!stack) throw new Error('--stack needs a value: prod, staging or local');
  rest.splice(index, 2);
  return { stack, rest };
}
