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
      /create-something:accountId is not set\. Set it: pulumi config set create-something:accountId .* --stack prod/,
    ],
    [
      'a malformed account id',
      { 'create-something:accountId': 'ACCOUNT' },
      /create-something:accountId must be the 32 lowercase hex characters/,
    ],
    [
      'a missing token',
      { 'cloudflare:apiToken': undefined },
      /cloudflare:apiToken is not set\. Set it: pulumi config set --secret cloudflare:apiToken/,
    ],
    ['a malformed token', { 'cloudflare:apiToken': 'short' }, /cloudflare:apiToken must be 40-80 letters/],
    [
      'a base URL that is not a URL',
      { 'cloudflare:baseUrl': 'localhost:8787' },
      /cloudflare:baseUrl must be an absolute/,
    ],
    [
      'a base URL without /client/v4',
      { 'cloudflare:baseUrl': 'http://127.0.0.1:8787' },
      /cloudflare:baseUrl must end in \/client\/v4.*pulumi config rm cloudflare:baseUrl/,
    ],
    [
      'a workers.dev subdomain given in full',
      { 'create-something:workersDevSubdomain': 'team.workers.dev' },
      /create-something:workersDevSubdomain must be the bare subdomain/,
    ],
  ])('rejects %s, naming the key and how to set it', (_case, overrides, message) => {
    expect(validate(overrides)).toThrow(message);
  });

  it('refuses a plain-text token for a stack that talks to Cloudflare', () => {
    expect(validate({}, [])).toThrow(
      /cloudflare:apiToken is stored in plain text in Pulumi\.prod\.yaml.*pulumi config set --secret cloudflare:apiToken/,
    );
  });

  it('reports every problem at once', () => {
    expect(validate({ 'create-something:accountId': undefined, 'cloudflare:apiToken': undefined })).toThrow(
      /accountId is not set[\s\S]*apiToken is not set/,
    );
  });
});
