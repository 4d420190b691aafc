import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ManagedResource } from '../infra/plan/adoption';
import type { TargetConfig } from '../infra/plan/types';
import { ROOT_DIR } from './stack-target';

/**
 * The few things the daily scripts ask the Pulumi CLI about a stack: its config (secrets decrypted), its resources,
 * its outputs. The CLI is the one `. scripts/pulumi-env.sh` puts on PATH, with your backend login.
 */

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runPulumi(args: string[], options: { inherit?: boolean } = {}): CliResult {
  const result = spawnSync('pulumi', [...args, '--non-interactive'], {
    cwd: ROOT_DIR,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: options.inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      'the pulumi CLI is not on PATH: run `. scripts/pulumi-env.sh` first (it finds or builds the toolchain).',
    );
  }
  return { code: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function pulumiOk(args: string[]): string {
  const result = runPulumi(args);
  if (result.code !== 0) throw new Error(`pulumi ${args.join(' ')} failed:\n${result.stderr.trim() || result.stdout}`);
  return result.stdout;
}

/** The project name in Pulumi.yaml: the second part of every URN. */
export function projectName(): string {
  return (parse(readFileSync(join(ROOT_DIR, 'Pulumi.yaml'), 'utf8')) as { name: string }).name;
}

/** Every config value of the stack, secrets decrypted (`pulumi config --show-secrets`). */
export function stackConfig(stack: string): Record<string, string> {
  const values = JSON.parse(pulumiOk(['config', '--json', '--show-secrets', '--stack', stack])) as Record<
    string,
    { value?: string }
  >;
  return Object.fromEntries(
    Object.entries(values).flatMap(([key, v]) => (typeof v.value === 'string' ? [[key, v.value]] : [])),
  );
}

/** The account settings the planner needs, and the token for API lookups (config key first, as the program does). */
export function stackTarget(stack: string, config: Record<string, string>): TargetConfig & { apiToken: string } {
  const accountId = config['create-something:accountId'];
  if (!accountId || !/^[0-9a-f]{32}$/.test(accountId)) {
    throw new Error(
      `create-something:accountId is not set on stack ${stack}: pulumi config set create-something:accountId <32-hex account id> --stack ${stack}`,
    );
  }
  const apiToken = config['cloudflare:apiToken'] ?? process.env.CLOUDFLARE_API_TOKEN;
  if (!apiToken) {
    throw new Error(
      `no Cloudflare API token for stack ${stack}: export CLOUDFLARE_API_TOKEN=<token>, or pulumi config set --secret cloudflare:apiToken <token> --stack ${stack}`,
    );
  }
  const baseUrl = config['cloudflare:baseUrl']?.replace(/\/+$/, '');
  const workersDevSubdomain = config['create-something:workersDevSubdomain'];
  return {
    accountId,
    apiToken,
    ...(baseUrl ? { apiBaseUrl: baseUrl } : {}),
    ...(workersDevSubdomain ? { workersDevSubdomain } : {}),
  };
}

/** The stack's resources now (`pulumi stack export`); none for a stack that was never deployed. */
export function stackResources(stack: string): ManagedResource[] {
  const exported = JSON.parse(pulumiOk(['stack', 'export', '--stack', stack])) as {
    deployment?: { resources?: { urn: string; id?: string }[] };
  };
  return (exported.deployment?.resources ?? []).map((r) => ({ urn: r.urn, ...(r.id ? { id: r.id } : {}) }));
}

/** What `pnpm wrangler` reads of one app's output (infra/program.ts `AppOutputs`). */
export interface AppOutput {
  resources?: Record<string, { kind: string; name: string; ref: string }>;
}

/** The stack's `apps` output, or undefined when it has none yet (never deployed, or only adopted). */
export function appsOutput(stack: string): Record<string, AppOutput> | undefined {
  const result = runPulumi(['stack', 'output', 'apps', '--json', '--stack', stack]);
  if (result.code !== 0) return undefined;
  try {
    const parsed = JSON.parse(result.stdout) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, AppOutput>) : undefined;
  } catch {
    return undefined;
  }
}
