// The package as its consumers load it: built dist/ (see globalSetup), reached through a workspace-style
// symlink in node_modules, from ts-node/CommonJS (the root Pulumi program), plain require and plain import.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageDir } from './support/build-once.js';
import { ACCOUNT, FakeCloudflareApi, TOKEN } from './support/fake-api.js';

const run = promisify(execFile);
const fixture = join(packageDir, 'test', 'fixtures', 'consumer');
const api = new FakeCloudflareApi();

beforeAll(async () => {
  await api.start();
  api.d1 = [{ uuid: '11111111-2222-4333-8444-555555555555', name: 'createsomething-io' }];
  // What `"@create-something/cloudflare-sdk": "workspace:*"` makes pnpm create.
  const scope = join(fixture, 'node_modules', '@create-something');
  rmSync(scope, { recursive: true, force: true });
  mkdirSync(scope, { recursive: true });
  symlinkSync(packageDir, join(scope, 'cloudflare-sdk'), 'dir');
});
afterAll(() => api.stop());

async function consume(args: string[]) {
  const { stdout } = await run(process.execPath, args, {
    cwd: fixture,
    env: {
      ...process.env,
      CLOUDFLARE_API_TOKEN: TOKEN,
      CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
      CLOUDFLARE_BASE_URL: api.url,
      TS_NODE_PROJECT: join(fixture, 'tsconfig.json'),
    },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
}

// Child processes on a shared 2-core machine: ts-node type-checking alone can take several seconds.
describe('consumers of the built package', { timeout: 90_000 }, () => {
  const expected = { names: ['createsomething-io'], notFound: 'D1 database:missing-db' };

  it('ts-node, CommonJS, type-checked like the root infra program', async () => {
    const tsNode = require.resolve('ts-node/dist/bin.js', { paths: [packageDir] });
    expect(await consume([tsNode, 'consumer.ts'])).toEqual({ ...expected, moduleKind: 'commonjs' });
  });

  it('plain require', async () => {
    expect(await consume(['consumer.cjs'])).toEqual({ ...expected, moduleKind: 'commonjs' });
  });

  it('plain import (ESM)', async () => {
    expect(await consume(['consumer.mjs'])).toEqual({ ...expected, moduleKind: 'esm' });
  });
});
