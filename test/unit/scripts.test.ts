import { describe, expect, it } from 'vitest';
import { resolvePackageTarget, takeStackFlag } from '../../scripts/stack-target';

describe('daily command targets', () => {
  it("resolves a package's project name per stack", () => {
    expect(resolvePackageTarget('space', 'prod').projectName).toBe('createsomething-space');
    expect(resolvePackageTarget('io', 'staging').projectName).toBe('createsomething-io-staging');
  });

  it('points wrangler at the emulator for the local stack only', () => {
    expect(resolvePackageTarget('ltd', 'local').wranglerEnv).toMatchObject({
      CLOUDFLARE_API_BASE_URL: 'http://127.0.0.1:8787/client/v4',
      CLOUDFLARE_ACCOUNT_ID: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(resolvePackageTarget('ltd', 'prod').wranglerEnv.CLOUDFLARE_API_BASE_URL).toBeUndefined();
  });

  it('refuses an unknown package with the list of apps', () => {
    expect(() => resolvePackageTarget('shop', 'prod')).toThrow(/"shop" is not an app package.*space, io, agency, ltd/);
  });

  it('takes --stack from anywhere and defaults to prod', () => {
    expect(takeStackFlag(['space', '--stack', 'local', '--format', 'json'])).toEqual({
      stack: 'local',
      rest: ['space', '--format', 'json'],
    });
    expect(takeStackFlag(['io'])).toEqual({ stack: 'prod', rest: ['io'] });
    expect(() => takeStackFlag(['io', '--stack'])).toThrow(/--stack needs a value/);
  });
});
