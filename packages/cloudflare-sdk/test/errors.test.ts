import { createServer } from 'node:net';
import { APIError } from 'cloudflare';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toCloudflareError } from '../src/errors.js';
import {
  CloudflareApiError,
  CloudflareConnectionError,
  CloudflareNotFoundError,
  CloudflareSdkError,
  CloudflareUnauthorizedError,
} from '../src/index.js';
import { clientFor, rejectionOf } from './support/client.js';
import { envelope, FakeCloudflareApi, failure } from './support/fake-api.js';

const api = new FakeCloudflareApi();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

describe('mapping the SDK errors', () => {
  const context = { operation: 'op', resource: { kind: 'D1 database' as const, id: 'db' } };
  const sdkError = (status: number, code: number) =>
    APIError.generate(status, { errors: [{ code, message: `m${code}` }] }, undefined, new Headers());

  it.each([
    [404, 7404],
    [404, 10013],
    [404, 8000007],
    [400, 7003],
  ])('HTTP %i with code %i is CloudflareNotFoundError', (status, code) => {
    const error = toCloudflareError(sdkError(status, code), context);
    expect(error).toBeInstanceOf(CloudflareNotFoundError);
    expect(error).toMatchObject({ status, codes: [code], resource: 'D1 database', id: 'db', operation: 'op' });
    expect((error as Error).cause).toBeInstanceOf(APIError);
  });

  it.each([
    [401, 10000],
    [403, 10000],
    [400, 9109],
  ])('HTTP %i with code %i is CloudflareUnauthorizedError', (status, code) => {
    const error = toCloudflareError(sdkError(status, code), context);
    expect(error).toBeInstanceOf(CloudflareUnauthorizedError);
    expect((error as Error).message).toContain('CLOUDFLARE_API_TOKEN');
  });

  it('leaves errors that are not the SDK’s alone', () => {
    const bug = new TypeError('x');
    expect(toCloudflareError(bug, context)).toBe(bug);
  });
});

describe('errors from the wire', () => {
  it('a wrong token is CloudflareUnauthorizedError (401, code 10000)', async () => {
    const error = await rejectionOf(clientFor(api, { apiToken: 'wrong-token' }).d1.listDatabases());
    expect(error).toBeInstanceOf(CloudflareUnauthorizedError);
    expect(error).toBeInstanceOf(CloudflareApiError);
    expect(error).toMatchObject({ status: 401, codes: [10000], operation: 'd1.listDatabases' });
    expect(error.message).toMatch(/^d1.listDatabases was refused \(HTTP 401, code 10000: Authentication error\)/);
  });

  it('another account is CloudflareUnauthorizedError (403, code 10000)', async () => {
    const error = await rejectionOf(clientFor(api, { accountId: 'f'.repeat(32) }).kv.listNamespaces());
    expect(error).toBeInstanceOf(CloudflareUnauthorizedError);
    expect(error).toMatchObject({ status: 403, codes: [10000] });
  });

  it('a 400 with several codes is CloudflareApiError carrying all of them', async () => {
    api.override('GET', /\/pages\/projects$/, {
      status: 400,
      body: {
        success: false,
        errors: [
          { code: 8000000, message: 'An unknown error occurred' },
          { code: 8000001, message: 'Bad parameter' },
        ],
        messages: [],
        result: null,
      },
    });
    const error = await rejectionOf(clientFor(api).pages.listProjects());
    expect(error.constructor).toBe(CloudflareApiError);
    expect(error).toMatchObject({ status: 400, codes: [8000000, 8000001] });
    expect(error.message).toBe(
      'pages.listProjects failed (HTTP 400, code 8000000: An unknown error occurred; code 8000001: Bad parameter)',
    );
  });

  it('a 5xx is retried and then succeeds', async () => {
    let calls = 0;
    api.override('GET', /\/d1\/database$/, () =>
      ++calls === 1 ? { ...failure(503, 7500, 'busy'), headers: { 'retry-after-ms': '5' } } : undefined,
    );
    expect(await clientFor(api, { maxRetries: 2 }).d1.listDatabases()).toEqual([]);
    expect(api.requests).toHaveLength(2);
  });

  it('a 5xx that persists fails after maxRetries with its status and code', async () => {
    api.override('GET', /\/d1\/database$/, { ...failure(500, 7500, 'internal'), headers: { 'retry-after-ms': '5' } });
    const error = await rejectionOf(clientFor(api, { maxRetries: 1 }).d1.listDatabases());
    expect(error).toMatchObject({ status: 500, codes: [7500] });
    expect(api.requests).toHaveLength(2);
  });

  it('a server that does not answer is a CloudflareConnectionError marked timedOut', async () => {
    api.override('GET', /\/d1\/database$/, { status: 200, hang: true });
    const error = await rejectionOf(clientFor(api, { timeoutMs: 200 }).d1.listDatabases());
    expect(error).toBeInstanceOf(CloudflareConnectionError);
    expect(error).toBeInstanceOf(CloudflareSdkError);
    expect(error).toMatchObject({ timedOut: true, operation: 'd1.listDatabases' });
  });

  it('a refused connection is a CloudflareConnectionError', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const error = await rejectionOf(
      clientFor(api, { baseUrl: `http://127.0.0.1:${port}/client/v4` }).d1.listDatabases(),
    );
    expect(error).toBeInstanceOf(CloudflareConnectionError);
    expect(error).toMatchObject({ timedOut: false });
    expect(error.message).toContain('could not connect');
  });

  it('a 200 whose D1 statement says success=false is still an error', async () => {
    api.d1 = [{ uuid: '11111111-2222-4333-8444-555555555555', name: 'x' }];
    api.override('POST', /\/query$/, { status: 200, body: envelope([{ results: [], success: false, meta: {} }]) });
    await expect(clientFor(api).d1.query('x', 'SELECT 1')).rejects.toThrow(/success=false/);
  });
});
