import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloudflareApiError,
  type CloudflareClient,
  CloudflareConnectionError,
  CloudflareNotFoundError,
  CloudflareUnauthorizedError,
} from '../../src/index.js';
import { rejectionOf } from '../support/client.js';
import { type EmulatorHarness, HOOK_TIMEOUT_MS, launchEmulator, TOKEN, useEmulator } from './support/emulator.js';

// Every typed error the emulator can make the SDK throw, with the resource and id the error must name.
const harness = useEmulator('errors');
const MISSING_NS = 'feedfacefeedfacefeedfacefeedface';
const KV = 'sdk-errors-KV';
const DB = 'sdk-errors-db';

describe('typed errors from the emulator', () => {
  let cf: CloudflareClient;

  beforeAll(async () => {
    cf = harness().client();
    const official = harness().official();
    await official.kv.namespaces.create({ account_id: cf.accountId, title: KV });
    await official.d1.database.create({ account_id: cf.accountId, name: DB });
  }, HOOK_TIMEOUT_MS);

  describe('not found', () => {
    it('a D1 database name nobody has: 404 with no error codes (the listing succeeded)', async () => {
      for (const call of [() => cf.d1.resolve('sdk-no-such-db'), () => cf.d1.query('sdk-no-such-db', 'SELECT 1')]) {
        const error = await rejectionOf(call());
        expect(error).toBeInstanceOf(CloudflareNotFoundError);
        expect(error).toMatchObject({ status: 404, errors: [], resource: 'D1 database', id: 'sdk-no-such-db' });
      }
    });

    it('a D1 uuid nobody has: the API’s 404 with code 7404', async () => {
      const uuid = randomUUID();
      const error = await rejectionOf(cf.d1.first(uuid, 'SELECT 1'));
      expect(error).toBeInstanceOf(CloudflareNotFoundError);
      expect(error).toMatchObject({ status: 404, codes: [7404], resource: 'D1 database', id: uuid });
      // resolve() also tries the uuid as a name before giving up.
      expect(await rejectionOf(cf.d1.resolve(uuid))).toMatchObject({ resource: 'D1 database', id: uuid });
    });

    it('a KV namespace id nobody has: the API’s 404 with code 10013, for every call', async () => {
      const calls = [
        () => cf.kv.get(MISSING_NS, 'k'),
        () => cf.kv.getJson(MISSING_NS, 'k'),
        () => cf.kv.put(MISSING_NS, 'k', 'v'),
        () => cf.kv.putJson(MISSING_NS, 'k', {}),
        () => cf.kv.delete(MISSING_NS, 'k'),
        () => cf.kv.listKeys(MISSING_NS),
      ];
      for (const call of calls) {
        const error = await rejectionOf(call());
        expect(error).toBeInstanceOf(CloudflareNotFoundError);
        expect(error).toMatchObject({ status: 404, codes: [10013], resource: 'KV namespace', id: MISSING_NS });
      }
      const resolved = await rejectionOf(cf.kv.resolve(MISSING_NS));
      expect(resolved).toMatchObject({ status: 404, resource: 'KV namespace', id: MISSING_NS });
    });

    it('a KV namespace title nobody has names the title', async () => {
      for (const call of [() => cf.kv.resolve('sdk-no-such-KV'), () => cf.kv.get('sdk-no-such-KV', 'k')]) {
        const error = await rejectionOf(call());
        expect(error).toBeInstanceOf(CloudflareNotFoundError);
        expect(error).toMatchObject({ status: 404, errors: [], resource: 'KV namespace', id: 'sdk-no-such-KV' });
        expect(error.message).toContain(KV);
      }
    });

    it('a missing KV key is null, not an error (the namespace exists)', async () => {
      expect(await cf.kv.get(KV, 'no-such-key')).toBeNull();
    });

    it('a Pages project nobody has: the API’s 404 with code 8000007, for every call', async () => {
      const calls = [
        () => cf.pages.getProject('sdk-no-such-site'),
        () => cf.pages.listDeployments('sdk-no-such-site'),
        () => cf.pages.latestDeployment('sdk-no-such-site', { env: 'production' }),
      ];
      for (const call of calls) {
        const error = await rejectionOf(call());
        expect(error).toBeInstanceOf(CloudflareNotFoundError);
        expect(error).toMatchObject({
          status: 404,
          codes: [8000007],
          resource: 'Pages project',
          id: 'sdk-no-such-site',
        });
      }
    });
  });

  describe('API errors with codes', () => {
    it('a SQL error is an ApiError with code 7500 and SQLite’s message', async () => {
      const error = await rejectionOf(cf.d1.query(DB, 'SELECT * FROM nope'));
      expect(error).toBeInstanceOf(CloudflareApiError);
      expect(error).not.toBeInstanceOf(CloudflareNotFoundError);
      expect(error).toMatchObject({ status: 400, codes: [7500], operation: `d1.query(${DB})` });
      expect(error.message).toContain('no such table: nope');
    });

    it('a KV expirationTtl under 60 seconds is refused with code 10031', async () => {
      const error = await rejectionOf(cf.kv.put(KV, 'short-lived', 'x', { expirationTtl: 30 }));
      expect(error).toBeInstanceOf(CloudflareApiError);
      expect(error).not.toBeInstanceOf(CloudflareNotFoundError);
      expect(error).toMatchObject({ status: 400, codes: [10031] });
      expect(await cf.kv.get(KV, 'short-lived')).toBeNull();
    });

    it('a KV key longer than 512 bytes is refused with code 10019', async () => {
      const error = await rejectionOf(cf.kv.put(KV, 'k'.repeat(513), 'x'));
      expect(error).toBeInstanceOf(CloudflareApiError);
      expect(error).toMatchObject({ status: 414, codes: [10019] });
    });
  });

  describe('unauthorized', () => {
    let locked: EmulatorHarness;
    const RIGHT_TOKEN = 'sdk-conformance-the-only-accepted-token-0123456789';

    beforeAll(async () => {
      locked = await launchEmulator('errors-locked', { token: RIGHT_TOKEN });
    }, HOOK_TIMEOUT_MS);
    afterAll(async () => {
      const unknown = locked.unknownRoutes();
      await locked.close();
      expect(unknown).toEqual([]);
    }, HOOK_TIMEOUT_MS);

    it('another token is refused with 401, code 10000, for every kind of call', async () => {
      const wrong = locked.client(); // sends TOKEN, well formed but not the one this emulator takes
      expect(TOKEN).not.toBe(RIGHT_TOKEN);
      for (const call of [
        () => wrong.kv.listNamespaces(),
        () => wrong.kv.get(MISSING_NS, 'k'),
        () => wrong.d1.listDatabases(),
        () => wrong.d1.query(DB, 'SELECT 1'),
        () => wrong.pages.listProjects(),
        () => wrong.pages.getProject('sdk-no-such-site'),
      ]) {
        const error = await rejectionOf(call());
        expect(error).toBeInstanceOf(CloudflareUnauthorizedError);
        expect(error).toMatchObject({ status: 401, codes: [10000] });
        expect(error.message).toContain('CLOUDFLARE_API_TOKEN');
      }
    });

    it('the right token is accepted', async () => {
      const right = locked.client({ apiToken: RIGHT_TOKEN });
      expect(await right.kv.listNamespaces()).toEqual([]);
      expect(await right.pages.listProjects()).toEqual([]);
    });

    it('a malformed token is refused by an emulator that takes any well-formed one', async () => {
      const error = await rejectionOf(harness().client({ apiToken: 'short' }).d1.listDatabases());
      expect(error).toBeInstanceOf(CloudflareUnauthorizedError);
      expect(error).toMatchObject({ status: 401, codes: [10000] });
    });

    it('another account is refused with 403, code 9109', async () => {
      const error = await rejectionOf(
        harness()
          .client({ accountId: 'f'.repeat(32) })
          .kv.listNamespaces(),
      );
      expect(error).toBeInstanceOf(CloudflareUnauthorizedError);
      expect(error).toMatchObject({ status: 403, codes: [9109] });
      expect(error.message).toContain('CLOUDFLARE_ACCOUNT_ID');
    });
  });

  describe('no answer', () => {
    it('a stopped emulator is a connection error', async () => {
      const gone = await launchEmulator('errors-gone');
      const client = gone.client();
      await gone.close();
      const error = await rejectionOf(client.d1.listDatabases());
      expect(error).toBeInstanceOf(CloudflareConnectionError);
      expect(error).toMatchObject({ operation: 'd1.listDatabases', timedOut: false });
    });
  });
});
