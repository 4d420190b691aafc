import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageDir } from './support/build-once.js';
import { ACCOUNT, FakeCloudflareApi, TOKEN } from './support/fake-api.js';

const run = promisify(execFile);
const api = new FakeCloudflareApi();
const DB = { uuid: '11111111-2222-4333-8444-555555555555', name: 'createsomething-ltd' };

beforeAll(async () => {
  await api.start();
  api.d1 = [DB];
  api.onQuery = (_uuid, sql, params) => [{ results: [{ sql, params }], success: true, meta: {} }];
});
afterAll(() => api.stop());

async function cfSdk(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(packageDir, 'bin', 'cf-sdk.cjs'), ...args], {
      env: {
        ...process.env,
        CLOUDFLARE_API_TOKEN: TOKEN,
        CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
        CLOUDFLARE_BASE_URL: api.url,
        ...env,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('cf-sdk CLI', { timeout: 60_000 }, () => {
  it('d1 query prints the rows as JSON, numbers bound as numbers', async () => {
    const result = await cfSdk(['d1', 'query', 'createsomething-ltd', 'SELECT * FROM t WHERE id = ?', '3']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([{ sql: 'SELECT * FROM t WHERE id = ?', params: [3] }]);
  });

  it('reports a Cloudflare error and exits 1; bad usage exits 2 with the usage', async () => {
    const missing = await cfSdk(['d1', 'query', 'nope', 'SELECT 1']);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('D1 database "nope" not found')]);
    const usage = await cfSdk(['d1', 'query']);
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining('usage: cf-sdk')]);
    const noToken = await cfSdk(['d1', 'list'], { CLOUDFLARE_API_TOKEN: '' });
    expect([noToken.code, noToken.stderr]).toEqual([1, expect.stringContaining('CLOUDFLARE_API_TOKEN')]);
  });
});
