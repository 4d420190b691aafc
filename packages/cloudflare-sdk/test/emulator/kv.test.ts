import { beforeAll, describe, expect, it } from 'vitest';
import { type CloudflareClient, DEFAULT_MAX_RETRIES } from '../../src/index.js';
import { HOOK_TIMEOUT_MS, useEmulator } from './support/emulator.js';

// One emulator for the file; tests run in order, and the last block re-reads after a restart what the earlier
// ones wrote.
const harness = useEmulator('kv');
const TITLE = 'sdk-conformance-KV';
const OTHER = 'sdk-conformance-other-KV';
const ODD_KEY = 'path/with spaces?&#%+é';
const PAGED = Array.from({ length: 25 }, (_, i) => `page:${String(i).padStart(2, '0')}`);
const BULK = 1_050;

describe('cf.kv against the emulator', () => {
  let cf: CloudflareClient;
  let id: string;
  let otherId: string;

  beforeAll(async () => {
    cf = harness().client();
    const official = harness().official();
    const account_id = cf.accountId;
    id = (await official.kv.namespaces.create({ account_id, title: TITLE })).id;
    otherId = (await official.kv.namespaces.create({ account_id, title: OTHER })).id;
    // More keys than one default page (1000) holds, in one bulk request.
    await official.kv.namespaces.bulkUpdate(otherId, {
      account_id,
      body: Array.from({ length: BULK }, (_, i) => ({ key: `bulk:${String(i).padStart(5, '0')}`, value: `${i}` })),
    });
  }, HOOK_TIMEOUT_MS);

  it('listNamespaces returns the namespaces created with the official SDK', async () => {
    const all = await cf.kv.listNamespaces();
    expect(all.map((n) => [n.title, n.id]).sort()).toEqual(
      [
        [OTHER, otherId],
        [TITLE, id],
      ].sort(),
    );
  });

  it('resolves a namespace by title and by id', async () => {
    expect(await cf.kv.resolve(TITLE)).toMatchObject({ id, title: TITLE });
    expect(await cf.kv.resolve(otherId)).toMatchObject({ id: otherId, title: OTHER });
  });

  it('put then get a text value, by title and by id', async () => {
    await cf.kv.put(TITLE, 'greeting', 'hello emulator');
    expect(await cf.kv.get(TITLE, 'greeting')).toBe('hello emulator');
    expect(await cf.kv.get(id, 'greeting')).toBe('hello emulator');
  });

  it('put bytes, and keys that need URL encoding', async () => {
    await cf.kv.put(TITLE, ODD_KEY, new TextEncoder().encode('bytes ✓'));
    expect(await cf.kv.get(TITLE, ODD_KEY)).toBe('bytes ✓');
    const keys = await cf.kv.listKeys(TITLE, { prefix: 'path/' });
    expect(keys.map((k) => k.name)).toEqual([ODD_KEY]);
  });

  it('putJson then getJson round-trips a value', async () => {
    const draft = { title: 'x', tags: ['a', 'b'], views: 3, published: false, note: null };
    await cf.kv.putJson(TITLE, 'draft', draft);
    expect(await cf.kv.getJson<typeof draft>(TITLE, 'draft')).toEqual(draft);
  });

  it('a missing key reads as null (get and getJson)', async () => {
    expect(await cf.kv.get(TITLE, 'never-written')).toBeNull();
    expect(await cf.kv.getJson(TITLE, 'never-written')).toBeNull();
  });

  it('expirationTtl and metadata are stored and listed with the key', async () => {
    const before = Math.floor(Date.now() / 1000);
    await cf.kv.put(TITLE, 'rate:1.2.3.4', '1', { expirationTtl: 120, metadata: { created: 42, by: 'test' } });
    const after = Math.floor(Date.now() / 1000);
    expect(await cf.kv.get(TITLE, 'rate:1.2.3.4')).toBe('1');
    const [key, ...rest] = await cf.kv.listKeys(TITLE, { prefix: 'rate:' });
    expect(rest).toEqual([]);
    expect(key?.name).toBe('rate:1.2.3.4');
    expect(key?.metadata).toEqual({ created: 42, by: 'test' });
    expect(key?.expiration).toBeGreaterThanOrEqual(before + 120);
    expect(key?.expiration).toBeLessThanOrEqual(after + 120);
  });

  it('putJson passes expiration options through', async () => {
    const expiration = Math.floor(Date.now() / 1000) + 3600;
    await cf.kv.putJson(TITLE, 'session', { user: 1 }, { expiration, metadata: ['m'] });
    const [key] = await cf.kv.listKeys(TITLE, { prefix: 'session' });
    expect(key).toEqual({ name: 'session', expiration, metadata: ['m'] });
  });

  it('delete removes a key; deleting it again is not an error', async () => {
    await cf.kv.put(TITLE, 'temp', 'x');
    await cf.kv.delete(TITLE, 'temp');
    expect(await cf.kv.get(TITLE, 'temp')).toBeNull();
    await expect(cf.kv.delete(TITLE, 'temp')).resolves.toBeUndefined();
  });

  it('listKeys with a prefix follows the cursor over pages of 10', async () => {
    for (const key of PAGED) await cf.kv.put(TITLE, key, key);
    // The emulator really pages: a first page of 10 with a cursor to the next.
    const first = await harness()
      .official()
      .kv.namespaces.keys.list(id, { account_id: cf.accountId, prefix: 'page:', limit: 10 });
    expect(first.result).toHaveLength(10);
    expect(first.result_info.cursor).toBeTruthy();

    const keys = await cf.kv.listKeys(TITLE, { prefix: 'page:', pageSize: 10 });
    expect(keys.map((k) => k.name)).toEqual(PAGED);
  });

  it('listKeys with the default page size collects more than 1000 keys', async () => {
    const keys = await cf.kv.listKeys(OTHER);
    expect(keys).toHaveLength(BULK);
    expect(new Set(keys.map((k) => k.name)).size).toBe(BULK);
    expect(keys.at(-1)?.name).toBe(`bulk:${String(BULK - 1).padStart(5, '0')}`);
  });

  describe('after the emulator restarts on the same data dir', () => {
    beforeAll(() => harness().restart(), HOOK_TIMEOUT_MS);

    it('a client with the default retries reads right away', async () => {
      // The first request after a restart may go out on a keep-alive socket the old server has closed; the
      // official SDK retries such connection errors by default (maxRetries 2), so a script would not notice.
      const retrying = harness().client({ maxRetries: DEFAULT_MAX_RETRIES });
      expect(await retrying.kv.get(TITLE, 'greeting')).toBe('hello emulator');
    });

    it('the same client and a fresh one read everything written before', async () => {
      for (const client of [cf, harness().client()]) {
        expect((await client.kv.resolve(TITLE)).id).toBe(id);
        expect(await client.kv.get(TITLE, 'greeting')).toBe('hello emulator');
        expect(await client.kv.get(TITLE, ODD_KEY)).toBe('bytes ✓');
        expect(await client.kv.getJson(TITLE, 'draft')).toMatchObject({ title: 'x', views: 3 });
        expect(await client.kv.get(TITLE, 'temp')).toBeNull();
        expect((await client.kv.listKeys(TITLE, { prefix: 'rate:' }))[0]?.metadata).toEqual({
          created: 42,
          by: 'test',
        });
        expect(await client.kv.listKeys(TITLE, { prefix: 'page:', pageSize: 10 })).toHaveLength(PAGED.length);
        expect(await client.kv.listKeys(OTHER)).toHaveLength(BULK);
      }
    });
  });
});
