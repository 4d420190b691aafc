import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CloudflareConfigError, createCloudflare, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from '../src/index.js';
import { officialSdk } from '../src/sdk.js';
import { ACCOUNT, FakeCloudflareApi, TOKEN } from './support/fake-api.js';

const creds = { CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_ACCOUNT_ID: ACCOUNT };

describe('credentials', () => {
  it('names CLOUDFLARE_API_TOKEN and how to set it when the token is missing', () => {
    const make = () => createCloudflare({ env: { CLOUDFLARE_ACCOUNT_ID: ACCOUNT } });
    expect(make).toThrow(CloudflareConfigError);
    expect(make).toThrow(/CLOUDFLARE_API_TOKEN.*export CLOUDFLARE_API_TOKEN=<token>.*\{ apiToken \}/);
    expect(make).not.toThrow(/CLOUDFLARE_ACCOUNT_ID/);
  });

  it('names CLOUDFLARE_ACCOUNT_ID when the account is missing', () => {
    const make = () => createCloudflare({ env: { CLOUDFLARE_API_TOKEN: TOKEN } });
    expect(make).toThrow(/CLOUDFLARE_ACCOUNT_ID.*\{ accountId \}/);
    expect(make).not.toThrow(/CLOUDFLARE_API_TOKEN/);
  });

  it('names both when both are missing, and treats blank values as missing', () => {
    const make = () => createCloudflare({ env: { CLOUDFLARE_API_TOKEN: '  ', CLOUDFLARE_ACCOUNT_ID: '' } });
    expect(make).toThrow(/CLOUDFLARE_API_TOKEN.*CLOUDFLARE_ACCOUNT_ID/);
  });

  it('prefers options over the environment', () => {
    const cf = createCloudflare({ env: creds, accountId: 'f'.repeat(32) });
    expect(cf.accountId).toBe('f'.repeat(32));
  });

  it('reads process.env when no env is given', () => {
    vi.stubEnv('CLOUDFLARE_API_TOKEN', TOKEN);
    vi.stubEnv('CLOUDFLARE_ACCOUNT_ID', ACCOUNT);
    try {
      expect(createCloudflare().accountId).toBe(ACCOUNT);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('base URL', () => {
  it('defaults to the public API root', () => {
    const url = new URL(createCloudflare({ env: creds }).baseUrl);
    expect(url.protocol).toBe('https:');
    expect(url.pathname).toBe('/client/v4');
  });

  it('takes options.baseUrl over CLOUDFLARE_BASE_URL over CLOUDFLARE_API_BASE_URL, trailing slash dropped', () => {
    const a = 'http://127.0.0.1:1/client/v4';
    const b = 'http://127.0.0.1:2/client/v4';
    const c = 'http://127.0.0.1:3/client/v4/';
    const env = { ...creds, CLOUDFLARE_BASE_URL: b, CLOUDFLARE_API_BASE_URL: c };
    expect(createCloudflare({ env, baseUrl: a }).baseUrl).toBe(a);
    expect(createCloudflare({ env }).baseUrl).toBe(b);
    expect(createCloudflare({ env: { ...creds, CLOUDFLARE_API_BASE_URL: c } }).baseUrl).toBe(c.slice(0, -1));
  });

  it('refuses a URL without /client/v4 and suggests the fix', () => {
    const make = () => createCloudflare({ env: { ...creds, CLOUDFLARE_BASE_URL: 'http://127.0.0.1:8787' } });
    expect(make).toThrow(CloudflareConfigError);
    expect(make).toThrow('CLOUDFLARE_BASE_URL must end in /client/v4');
    expect(make).toThrow('Did you mean "http://127.0.0.1:8787/client/v4"?');
  });

  it('refuses something that is not an http(s) URL', () => {
    expect(() => createCloudflare({ env: creds, baseUrl: 'localhost:8787' })).toThrow(/options.baseUrl/);
    expect(() => createCloudflare({ env: creds, baseUrl: 'not a url' })).toThrow(/is not a URL/);
  });
});

describe('SDK settings', () => {
  it('uses a modest retry count and timeout by default, and lets callers change them', () => {
    const cf = createCloudflare({ env: creds });
    expect([officialSdk(cf).maxRetries, officialSdk(cf).timeout]).toEqual([DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS]);
    expect([DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS]).toEqual([2, 30_000]);
    const custom = createCloudflare({ env: creds, maxRetries: 0, timeoutMs: 5000 });
    expect([officialSdk(custom).maxRetries, officialSdk(custom).timeout]).toEqual([0, 5000]);
  });

  it('hands out the configured official SDK client only for its own clients', () => {
    const cf = createCloudflare({ env: creds, baseUrl: 'http://127.0.0.1:9/client/v4' });
    expect(officialSdk(cf).baseURL).toBe('http://127.0.0.1:9/client/v4');
    expect(() => officialSdk({ ...cf })).toThrow(/needs a client made by createCloudflare/);
  });

  it('refuses a negative retry count or a non-positive timeout', () => {
    expect(() => createCloudflare({ env: creds, maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => createCloudflare({ env: creds, timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});

describe('requests', () => {
  const api = new FakeCloudflareApi();
  beforeAll(() => api.start());
  afterAll(() => api.stop());
  beforeEach(() => api.reset());

  it('send only the bearer token, even when global-key variables are set', async () => {
    vi.stubEnv('CLOUDFLARE_API_KEY', 'global-key');
    vi.stubEnv('CLOUDFLARE_EMAIL', 'someone@example.com');
    try {
      await createCloudflare({ env: { ...creds, CLOUDFLARE_API_BASE_URL: api.url } }).d1.listDatabases();
    } finally {
      vi.unstubAllEnvs();
    }
    const [request] = api.requests;
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers['x-auth-key']).toBeUndefined();
    expect(request?.headers['x-auth-email']).toBeUndefined();
  });
});
