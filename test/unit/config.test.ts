import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../infra/config';
import { ACCOUNT_ID, TOKEN } from './support/pulumi-harness';

const base = {
  'create-something:accountId': ACCOUNT_ID,
  'cloudflare:apiToken': TOKEN,
} as Record<string, string | undefined>;

function validate(overrides: Record<string, string | undefined>, secretKeys = ['cloudflare:apiToken']) {
  const config = { ...base, ...overrides };
  return () =>
    validateConfig(
      'prod',
      (key) => config[key],
      (key) => secretKeys.includes(key),
    );
}

/** The error `run` throws, checked to be a RunError: the Pulumi runtime prints those as the message alone. */
function runError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

const HEADER = 'Invalid configuration for stack "prod":\n';
const SET_ACCOUNT =
  'Set it: pulumi config set create-something:accountId <32-hex account id from the Cloudflare dashboard> --stack prod';
const SET_TOKEN =
  'Set it: pulumi config set --secret cloudflare:apiToken <API token; see README "API token permissions"> --stack prod';
const SET_BASE_URL =
  'Set it: pulumi config set cloudflare:baseUrl http://127.0.0.1:8787/client/v4 --stack prod (only for the local emulator; for Cloudflare remove it: pulumi config rm cloudflare:baseUrl --stack prod)';

describe('config validation', () => {
  it('accepts a complete Cloudflare config and a local emulator config', () => {
    expect(validate({})()).toEqual({ accountId: ACCOUNT_ID, apiToken: TOKEN });
    expect(validate({ 'cloudflare:baseUrl': 'http://127.0.0.1:8787/client/v4/' }, [])()).toEqual({
      accountId: ACCOUNT_ID,
      apiToken: TOKEN,
      apiBaseUrl: 'http://127.0.0.1:8787/client/v4',
    });
  });

  it.each([
    [
      'a missing account id',
      { 'create-something:accountId': undefined },
      `  create-something:accountId is not set. ${SET_ACCOUNT}`,
    ],
    [
      'a malformed account id',
      { 'create-something:accountId': 'ACCOUNT' },
      `  create-something:accountId must be the 32 lowercase hex characters of a Cloudflare account id. ${SET_ACCOUNT}`,
    ],
    ['a missing token', { 'cloudflare:apiToken': undefined }, `  cloudflare:apiToken is not set. ${SET_TOKEN}`],
    [
      'a malformed token',
      { 'cloudflare:apiToken': 'short' },
      `  cloudflare:apiToken must be 40-80 letters, digits, "_" or "-" (a Cloudflare API token). ${SET_TOKEN}`,
    ],
    [
      'a base URL that is not a URL (one line, though two rules fail)',
      { 'cloudflare:baseUrl': 'localhost:8787' },
      `  cloudflare:baseUrl must be an absolute http(s) URL. ${SET_BASE_URL}`,
    ],
    [
      'a base URL without /client/v4',
      { 'cloudflare:baseUrl': 'http://127.0.0.1:8787' },
      `  cloudflare:baseUrl must end in /client/v4, like http://127.0.0.1:8787/client/v4. ${SET_BASE_URL}`,
    ],
    [
      'a workers.dev subdomain given in full',
      { 'create-something:workersDevSubdomain': 'team.workers.dev' },
      `  create-something:workersDevSubdomain must be the bare subdomain (letters, digits, dashes), without ".workers.dev". Set it: pulumi config set create-something:workersDevSubdomain <sub> --stack prod (the <sub> of <sub>.workers.dev, from the dashboard's Workers overview)`,
    ],
  ])('rejects %s with a message naming the key and the command that sets it', (_case, overrides, line) => {
    expect(runError(validate(overrides))).toBe(`${HEADER}${line}`);
  });

  it('refuses a plain-text token for a stack that talks to Cloudflare', () => {
    expect(runError(validate({}, []))).toBe(
      `${HEADER}  cloudflare:apiToken is stored in plain text in Pulumi.prod.yaml. A real token must be encrypted: pulumi config set --secret cloudflare:apiToken <API token; see README "API token permissions"> --stack prod`,
    );
  });

  it('reports every problem at once, one line per key', () => {
    expect(runError(validate({ 'create-something:accountId': undefined, 'cloudflare:apiToken': undefined }))).toBe(
      `${HEADER}  create-something:accountId is not set. ${SET_ACCOUNT}\n  cloudflare:apiToken is not set. ${SET_TOKEN}`,
    );
  });
});
