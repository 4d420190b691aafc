import { describe, expect, it } from 'vitest';
import { describeTokenSource, validateConfig } from '../../infra/config';
import { ACCOUNT_ID, TOKEN } from './support/pulumi-harness';
import { runError as refusedWith } from './support/run-error';

const base = {
  'create-something:accountId': ACCOUNT_ID,
  'cloudflare:apiToken': TOKEN,
} as Record<string, string | undefined>;

const MOTION_KEY = 'create-something:motionExtractorToken';
const MOTION_SECRET = 'motion-extractor-secret-0123456789abcdef';

function validate(
  overrides: Record<string, string | undefined>,
  encrypted = ['cloudflare:apiToken', MOTION_KEY],
  env: Record<string, string | undefined> = {},
  secretKeys: string[] = [],
) {
  const config = { ...base, ...overrides };
  return () =>
    validateConfig(
      'prod',
      (key) => config[key],
      (key) => encrypted.includes(key),
      { env, secretKeys },
    );
}

const ENV_TOKEN = 'environment-token-0000000000000000000000000000';
const fromConfig = { from: 'config', environmentIgnored: false } as const;

const runError = (run: () => unknown) => refusedWith(run, 'the config');

const HEADER = 'Invalid configuration for stack "prod":\n';
const SET_ACCOUNT =
  'Set it: pulumi config set create-something:accountId <32-hex account id from the Cloudflare dashboard> --stack prod';
const SET_TOKEN =
  'Set it: pulumi config set --secret cloudflare:apiToken <API token; see README "API token permissions"> --stack prod';
const SET_EITHER =
  'Set one: export CLOUDFLARE_API_TOKEN=<API token; see README "API token permissions"> (in CI: a secret of the job\'s GitHub environment), or pulumi config set --secret cloudflare:apiToken <API token; see README "API token permissions"> --stack prod';
const SET_BASE_URL =
  'Set it: pulumi config set cloudflare:baseUrl http://127.0.0.1:8787/client/v4 --stack prod (only for the local emulator; for Cloudflare remove it: pulumi config rm cloudflare:baseUrl --stack prod)';

describe('config validation', () => {
  it('accepts a complete Cloudflare config and a local emulator config', () => {
    expect(validate({})()).toEqual({
      accountId: ACCOUNT_ID,
      apiToken: TOKEN,
      apiTokenSource: fromConfig,
      secrets: {},
    });
    expect(validate({ 'cloudflare:baseUrl': 'http://127.0.0.1:8787/client/v4/' }, [])()).toEqual({
      accountId: ACCOUNT_ID,
      apiToken: TOKEN,
      apiTokenSource: fromConfig,
      secrets: {},
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
    [
      'a missing token (neither config nor environment)',
      { 'cloudflare:apiToken': undefined },
      `  cloudflare:apiToken is not set and CLOUDFLARE_API_TOKEN is not in the environment. ${SET_EITHER}`,
    ],
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
      `${HEADER}  cloudflare:apiToken is stored in plain text in Pulumi.prod.yaml. A real token must be encrypted: pulumi config set --secret cloudflare:apiToken <API token; see README "API token permissions"> --stack prod, or remove it (pulumi config rm cloudflare:apiToken --stack prod) and export CLOUDFLARE_API_TOKEN`,
    );
  });

  it('reports every problem at once, one line per key', () => {
    expect(runError(validate({ 'create-something:accountId': undefined, 'cloudflare:apiToken': undefined }))).toBe(
      `${HEADER}  create-something:accountId is not set. ${SET_ACCOUNT}\n  cloudflare:apiToken is not set and CLOUDFLARE_API_TOKEN is not in the environment. ${SET_EITHER}`,
    );
  });
});

describe('the Cloudflare token: from the job environment or stack config', () => {
  it('takes CLOUDFLARE_API_TOKEN from the environment when the config key is not set, and says so', () => {
    const config = validate({ 'cloudflare:apiToken': undefined }, [], { CLOUDFLARE_API_TOKEN: ENV_TOKEN })();
    expect(config).toMatchObject({
      apiToken: ENV_TOKEN,
      apiTokenSource: { from: 'environment', environmentIgnored: false },
    });
    expect(describeTokenSource('prod', config.apiTokenSource)).toBe(
      'Cloudflare API token: CLOUDFLARE_API_TOKEN from the environment (cloudflare:apiToken is not set on stack "prod").',
    );
  });

  it('treats an empty CLOUDFLARE_API_TOKEN (an unset GitHub secret) as not set', () => {
    expect(runError(validate({ 'cloudflare:apiToken': undefined }, [], { CLOUDFLARE_API_TOKEN: '' }))).toBe(
      `${HEADER}  cloudflare:apiToken is not set and CLOUDFLARE_API_TOKEN is not in the environment. ${SET_EITHER}`,
    );
  });

  it('uses the config key when both are set, like the provider, and says the environment one is ignored', () => {
    const config = validate({}, undefined, { CLOUDFLARE_API_TOKEN: ENV_TOKEN })();
    expect(config).toMatchObject({ apiToken: TOKEN, apiTokenSource: { from: 'config', environmentIgnored: true } });
    expect(describeTokenSource('prod', config.apiTokenSource)).toBe(
      'Cloudflare API token: cloudflare:apiToken from stack "prod"\'s config. CLOUDFLARE_API_TOKEN in the environment is ignored: the Cloudflare provider reads the config key first, and the whole program uses the same token.',
    );
    expect(describeTokenSource('prod', fromConfig)).toBe(
      'Cloudflare API token: cloudflare:apiToken from stack "prod"\'s config.',
    );
  });

  it('refuses a malformed environment token, naming the variable', () => {
    expect(runError(validate({ 'cloudflare:apiToken': undefined }, [], { CLOUDFLARE_API_TOKEN: 'short' }))).toBe(
      `${HEADER}  CLOUDFLARE_API_TOKEN (from the environment) must be 40-80 letters, digits, "_" or "-" (a Cloudflare API token). Set it: export CLOUDFLARE_API_TOKEN=<API token; see README "API token permissions">`,
    );
  });
});

describe('a protected stack', () => {
  const protectedStack =
    (config: Record<string, string | undefined>, env: Record<string, string | undefined> = {}) =>
    () =>
      validateConfig(
        'prod',
        (key) => ({ ...base, ...config })[key],
        () => true,
        { env, protect: true },
      );

  it('refuses cloudflare:apiToken in its config, even encrypted, naming the key and the fix', () => {
    expect(runError(protectedStack({}, { CLOUDFLARE_API_TOKEN: ENV_TOKEN }))).toBe(
      `${HEADER}  cloudflare:apiToken is set on stack "prod", which is protected: a token in its config can be decrypted by anyone who can read the stack and wins over the job's own token. Remove it: pulumi config rm cloudflare:apiToken --stack prod, and export CLOUDFLARE_API_TOKEN in the job that deploys (README "Tokens per GitHub environment").`,
    );
  });

  it('takes its token from the environment', () => {
    const config = protectedStack({ 'cloudflare:apiToken': undefined }, { CLOUDFLARE_API_TOKEN: ENV_TOKEN })();
    expect(config.apiTokenSource).toEqual({ from: 'environment', environmentIgnored: false });
  });
});

describe('Worker secrets', () => {
  const SET_MOTION = `Set it: pulumi config set --secret ${MOTION_KEY} "$(openssl rand -hex 32)" --stack prod`;

  it('returns each secret the stack asks for', () => {
    expect(validate({ [MOTION_KEY]: MOTION_SECRET }, undefined, {}, [MOTION_KEY])().secrets).toEqual({
      [MOTION_KEY]: MOTION_SECRET,
    });
  });

  it.each([
    ['missing', undefined, `  ${MOTION_KEY} is not set. ${SET_MOTION}`],
    ['too short', 'abc', `  ${MOTION_KEY} must be 32-256 printable ASCII characters without spaces. ${SET_MOTION}`],
    [
      'with a space',
      `${MOTION_SECRET} x`,
      `  ${MOTION_KEY} must be 32-256 printable ASCII characters without spaces. ${SET_MOTION}`,
    ],
  ])('refuses a %s secret with the command that sets one', (_case, value, line) => {
    expect(runError(validate({ [MOTION_KEY]: value }, undefined, {}, [MOTION_KEY]))).toBe(`${HEADER}${line}`);
  });

  it('refuses a plain-text secret on Cloudflare, accepts one for the local emulator', () => {
    expect(runError(validate({ [MOTION_KEY]: MOTION_SECRET }, ['cloudflare:apiToken'], {}, [MOTION_KEY]))).toBe(
      `${HEADER}  ${MOTION_KEY} is stored in plain text in Pulumi.prod.yaml. It is a secret of a deployed site or Worker and must be encrypted: pulumi config set --secret ${MOTION_KEY} "$(openssl rand -hex 32)" --stack prod`,
    );
    const local = validate(
      { [MOTION_KEY]: MOTION_SECRET, 'cloudflare:baseUrl': 'http://127.0.0.1:8787/client/v4' },
      [],
      {},
      [MOTION_KEY],
    )();
    expect(local.secrets).toEqual({ [MOTION_KEY]: MOTION_SECRET });
  });

  it('lists secret problems after the config keys, all at once', () => {
    expect(
      runError(
        validate({ 'create-something:accountId': undefined, [MOTION_KEY]: undefined }, undefined, {}, [MOTION_KEY]),
      ),
    ).toBe(
      `${HEADER}  create-something:accountId is not set. ${SET_ACCOUNT}\n  ${MOTION_KEY} is not set. ${SET_MOTION}`,
    );
  });
});
