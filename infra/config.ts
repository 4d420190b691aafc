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

/**
 * Where a job puts the Cloudflare token instead of stack config: the upstream provider and wrangler read it by
 * themselves, and the program hands the same value to the migrations provider and the upload.
 */
export const TOKEN_ENV = 'CLOUDFLARE_API_TOKEN';

const TOKEN_HINT = '<API token; see README "API token permissions">';

/** The command that sets each key on `stack`, with what to put in it. */
const HOW_TO_SET: Record<keyof typeof CONFIG_KEYS, (stack: string) => string> = {
  accountId: (stack) =>
    `pulumi config set ${CONFIG_KEYS.accountId} <32-hex account id from the Cloudflare dashboard> --stack ${stack}`,
  apiToken: (stack) => `pulumi config set --secret ${CONFIG_KEYS.apiToken} ${TOKEN_HINT} --stack ${stack}`,
  workersDevSubdomain: (stack) =>
    `pulumi config set ${CONFIG_KEYS.workersDevSubdomain} <sub> --stack ${stack} (the <sub> of <sub>.workers.dev, from the dashboard's Workers overview)`,
  baseUrl: (stack) =>
    `pulumi config set ${CONFIG_KEYS.baseUrl} http://127.0.0.1:8787/client/v4 --stack ${stack} (only for the local emulator; for Cloudflare remove it: pulumi config rm ${CONFIG_KEYS.baseUrl} --stack ${stack})`,
};

const howToSetSecret = (key: string, stack: string) =>
  `pulumi config set --secret ${key} "$(openssl rand -hex 32)" --stack ${stack}`;

const API_TOKEN = /^[0-9A-Za-z_-]{40,80}$/;
const API_TOKEN_RULE = 'must be 40-80 letters, digits, "_" or "-" (a Cloudflare API token)';
/** A secret a site or Worker checks or keys with: long enough not to be guessed, sendable in a header as is. */
const WORKER_SECRET = /^[\x21-\x7e]{32,256}$/;
const WORKER_SECRET_RULE = 'must be 32-256 printable ASCII characters without spaces';

const configSchema = z.object({
  accountId: z
    .string({ error: 'is not set' })
    .regex(/^[0-9a-f]{32}$/, 'must be the 32 lowercase hex characters of a Cloudflare account id'),
  // Presence is checked apart: the token may come from the environment instead.
  apiToken: z.string().regex(API_TOKEN, API_TOKEN_RULE).optional(),
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

/** Where the Cloudflare token came from, and whether a second one was there and ignored. */
export interface TokenSource {
  from: 'config' | 'environment';
  /** Both were set: the config key won (see {@link describeTokenSource}). */
  environmentIgnored: boolean;
}

export interface ValidatedConfig extends TargetConfig {
  apiToken: string;
  apiTokenSource: TokenSource;
  /** The secrets asked for (apps' and Workers'), by config key (values are secrets: wrap them in `pulumi.secret`). */
  secrets: Record<string, string>;
}

/** Extra, per-stack inputs of {@link validateConfig}. */
export interface ConfigInputs {
  /** The job's environment, for {@link TOKEN_ENV}. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Config keys of the secrets the stack's apps and Workers declare (see `requiredSecretKeys`); each must be set. */
  secretKeys?: readonly string[];
  /**
   * The stack is protected (prod): `cloudflare:apiToken` is refused in its config. Whoever may read the stack can
   * decrypt its config, and the key would win over the job's own token, so a write token there reaches every job
   * that reads the stack, a preview of unreviewed code included. Its token comes only from the deploy job's environment.
   */
  protect?: boolean;
}

/**
 * Reads config through `get` (Pulumi's raw config lookup) so that it can be validated as plain values.
 *
 * The Cloudflare token is `cloudflare:apiToken` when that is set, else `CLOUDFLARE_API_TOKEN` from the environment
 * (what CI does: each job's GitHub environment holds the token it may use, nothing is in stack config). The config
 * key wins when both are set because the upstream provider reads it first; the program follows so that every part of
 * it (provider, migrations, upload) uses one token.
 */
export function validateConfig(
  stack: string,
  get: (key: string) => string | undefined,
  isSecret: (key: string) => boolean,
  inputs: ConfigInputs = {},
): ValidatedConfig {
  const env = inputs.env ?? process.env;
  const raw = {
    accountId: get(CONFIG_KEYS.accountId),
    apiToken: get(CONFIG_KEYS.apiToken),
    baseUrl: get(CONFIG_KEYS.baseUrl),
    workersDevSubdomain: get(CONFIG_KEYS.workersDevSubdomain),
  };
  const envToken = env[TOKEN_ENV] || undefined;
  const parsed = configSchema.safeParse(raw);
  // One line per key, in CONFIG_KEYS order: the first thing wrong with a key is enough to know what to set.
  const byKey = new Map<keyof typeof CONFIG_KEYS, string>();
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as keyof typeof CONFIG_KEYS;
      if (!byKey.has(field))
        byKey.set(field, `  ${CONFIG_KEYS[field]} ${issue.message}. Set it: ${HOW_TO_SET[field](stack)}`);
    }
  }
  const baseUrl = parsed.success ? parsed.data.baseUrl : undefined;
  const talksToCloudflare = !baseUrl || !isLoopback(new URL(baseUrl).hostname);

  if (inputs.protect && raw.apiToken !== undefined) {
    byKey.set(
      'apiToken',
      `  ${CONFIG_KEYS.apiToken} is set on stack "${stack}", which is protected: a token in its config can be decrypted by anyone who can read the stack and wins over the job's own token. Remove it: pulumi config rm ${CONFIG_KEYS.apiToken} --stack ${stack}, and export ${TOKEN_ENV} in the job that deploys (README "Tokens per GitHub environment").`,
    );
  } else if (raw.apiToken === undefined && envToken === undefined) {
    byKey.set(
      'apiToken',
      `  ${CONFIG_KEYS.apiToken} is not set and ${TOKEN_ENV} is not in the environment. Set one: export ${TOKEN_ENV}=${TOKEN_HINT} (in CI: a secret of the job's GitHub environment), or ${HOW_TO_SET.apiToken(stack)}`,
    );
  } else if (raw.apiToken === undefined && envToken !== undefined && !API_TOKEN.test(envToken)) {
    byKey.set(
      'apiToken',
      `  ${TOKEN_ENV} (from the environment) ${API_TOKEN_RULE}. Set it: export ${TOKEN_ENV}=${TOKEN_HINT}`,
    );
  } else if (
    raw.apiToken !== undefined &&
    !byKey.has('apiToken') &&
    talksToCloudflare &&
    !isSecret(CONFIG_KEYS.apiToken)
  ) {
    byKey.set(
      'apiToken',
      `  ${CONFIG_KEYS.apiToken} is stored in plain text in Pulumi.${stack}.yaml. A real token must be encrypted: ${HOW_TO_SET.apiToken(stack)}, or remove it (pulumi config rm ${CONFIG_KEYS.apiToken} --stack ${stack}) and export ${TOKEN_ENV}`,
    );
  }

  const problems = (Object.keys(CONFIG_KEYS) as (keyof typeof CONFIG_KEYS)[]).flatMap((k) => byKey.get(k) ?? []);
  const secrets: Record<string, string> = {};
  for (const key of inputs.secretKeys ?? []) {
    const value = get(key);
    if (value === undefined) {
      problems.push(`  ${key} is not set. Set it: ${howToSetSecret(key, stack)}`);
    } else if (!WORKER_SECRET.test(value)) {
      problems.push(`  ${key} ${WORKER_SECRET_RULE}. Set it: ${howToSetSecret(key, stack)}`);
    } else if (talksToCloudflare && !isSecret(key)) {
      problems.push(
        `  ${key} is stored in plain text in Pulumi.${stack}.yaml. It is a secret of a deployed site or Worker and must be encrypted: ${howToSetSecret(key, stack)}`,
      );
    } else {
      secrets[key] = value;
    }
  }

  if (!parsed.success || problems.length > 0) {
    // A RunError is printed by the Pulumi runtime as its message alone: the stack trace would only bury the fix.
    throw new RunError(`Invalid configuration for stack "${stack}":\n${problems.join('\n')}`);
  }
  const { accountId, apiToken, workersDevSubdomain } = parsed.data;
  const token = apiToken ?? (envToken as string);
  return {
    accountId,
    apiToken: token,
    apiTokenSource: {
      from: apiToken !== undefined ? 'config' : 'environment',
      environmentIgnored: apiToken !== undefined && envToken !== undefined,
    },
    secrets,
    ...(baseUrl ? { apiBaseUrl: baseUrl.replace(/\/+$/, '') } : {}),
    ...(workersDevSubdomain ? { workersDevSubdomain } : {}),
  };
}

/** The line the program logs at start, so a run's output says which token it used (never the token). */
export function describeTokenSource(stack: string, source: TokenSource): string {
  if (source.from === 'environment') {
    return `Cloudflare API token: ${TOKEN_ENV} from the environment (${CONFIG_KEYS.apiToken} is not set on stack "${stack}").`;
  }
  const ignored = source.environmentIgnored
    ? ` ${TOKEN_ENV} in the environment is ignored: the Cloudflare provider reads the config key first, and the whole program uses the same token.`
    : '';
  return `Cloudflare API token: ${CONFIG_KEYS.apiToken} from stack "${stack}"'s config.${ignored}`;
}
