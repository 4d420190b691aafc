import { RunError } from '@pulumi/pulumi';
import { z } from 'zod';
import { isLoopback } from './plan/local-urls';
import type { TargetConfig } from './plan/types';

/**
 * The account-specific settings each `Pulumi.<stack>.yaml` holds, validated before any resource is declared.
 * Everything else about an environment lives in `stacks/<stack>.ts`.
 */
const CONFIG_KEYS = {
  accountId: 'create-something:accountId',
  apiToken: 'cloudflare:apiToken',
  baseUrl: 'cloudflare:baseUrl',
  workersDevSubdomain: 'create-something:workersDevSubdomain',
} as const;

/** The command that sets each key on `stack`, with what to put in it. */
const HOW_TO_SET: Record<keyof typeof CONFIG_KEYS, (stack: string) => string> = {
  accountId: (stack) =>
    `pulumi config set ${CONFIG_KEYS.accountId} <32-hex account id from the Cloudflare dashboard> --stack ${stack}`,
  apiToken: (stack) =>
    `pulumi config set --secret ${CONFIG_KEYS.apiToken} <API token; see README "API token permissions"> --stack ${stack}`,
  workersDevSubdomain: (stack) =>
    `pulumi config set ${CONFIG_KEYS.workersDevSubdomain} <sub> --stack ${stack} (the <sub> of <sub>.workers.dev, from the dashboard's Workers overview)`,
  baseUrl: (stack) =>
    `pulumi config set ${CONFIG_KEYS.baseUrl} http://127.0.0.1:8787/client/v4 --stack ${stack} (only for the local emulator; for Cloudflare remove it: pulumi config rm ${CONFIG_KEYS.baseUrl} --stack ${stack})`,
};

const configSchema = z.object({
  accountId: z
    .string({ error: 'is not set' })
    .regex(/^[0-9a-f]{32}$/, 'must be the 32 lowercase hex characters of a Cloudflare account id'),
  apiToken: z
    .string({ error: 'is not set' })
    .regex(/^[0-9A-Za-z_-]{40,80}$/, 'must be 40-80 letters, digits, "_" or "-" (a Cloudflare API token)'),
  baseUrl: z
    .string()
    .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), {
      message: 'must be an absolute http(s) URL',
    })
    .refine((u) => !URL.canParse(u) || new URL(u).pathname.replace(/\/+$/, '').endsWith('/client/v4'), {
      message: 'must end in /client/v4, like http://127.0.0.1:8787/client/v4',
    })
    .optional(),
  workersDevSubdomain: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'must be the bare subdomain (letters, digits, dashes), without ".workers.dev"')
    .optional(),
});

export interface ValidatedConfig extends TargetConfig {
  apiToken: string;
}

/** Reads config through `get` (Pulumi's raw config lookup) so that it can be validated as plain values. */
export function validateConfig(
  stack: string,
  get: (key: string) => string | undefined,
  isSecret: (key: string) => boolean,
): ValidatedConfig {
  const raw = {
    accountId: get(CONFIG_KEYS.accountId),
    apiToken: get(CONFIG_KEYS.apiToken),
    baseUrl: get(CONFIG_KEYS.baseUrl),
    workersDevSubdomain: get(CONFIG_KEYS.workersDevSubdomain),
  };
  const parsed = configSchema.safeParse(raw);
  const problems: string[] = [];
  if (!parsed.success) {
    const reported = new Set<keyof typeof CONFIG_KEYS>();
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as keyof typeof CONFIG_KEYS;
      // One line per key: the first thing wrong with it is enough to know what to set.
      if (reported.has(field)) continue;
      reported.add(field);
      problems.push(`  ${CONFIG_KEYS[field]} ${issue.message}. Set it: ${HOW_TO_SET[field](stack)}`);
    }
  }
  const baseUrl = parsed.success ? parsed.data.baseUrl : undefined;
  const talksToCloudflare = !baseUrl || !isLoopback(new URL(baseUrl).hostname);
  if (raw.apiToken !== undefined && talksToCloudflare && !isSecret(CONFIG_KEYS.apiToken)) {
    problems.push(
      `  ${CONFIG_KEYS.apiToken} is stored in plain text in Pulumi.${stack}.yaml. A real token must be encrypted: ${HOW_TO_SET.apiToken(stack)}`,
    );
  }
  if (!parsed.success || problems.length > 0) {
    // A RunError is printed by the Pulumi runtime as its message alone: the stack trace would only bury the fix.
    throw new RunError(`Invalid configuration for stack "${stack}":\n${problems.join('\n')}`);
  }
  const { accountId, apiToken, workersDevSubdomain } = parsed.data;
  return {
    accountId,
    apiToken,
    ...(baseUrl ? { apiBaseUrl: baseUrl.replace(/\/+$/, '') } : {}),
    ...(workersDevSubdomain ? { workersDevSubdomain } : {}),
  };
}
