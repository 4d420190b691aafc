import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudflareNotFoundError, CloudflareSdkError } from '../src/index.js';
import { clientFor, rejectionOf } from './support/client.js';
import { envelope, FakeCloudflareApi, parseMultipart } from './support/fake-api.js';

const api = new FakeCloudflareApi();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

const NS = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const NS_PATH = `/storage/kv/namespaces/${NS}`;

function seed(entries: Record<string, string> = {}) {
  api.kv.set(NS, {
    title: 'createsomething-space-KV',
    entries: new Map(Object.entries(entries).map(([k, v]) => [k, { value: Buffer.from(v) }])),
  });
}

describe('kv.listNamespaces', () => {
  it('follows the pages and stops at the last one', async () => {
    for (let i = 0; i < 205; i++)
      api.kv.set(i.toString(16).padStart(32, '0'), { title: `ns-${i}`, entries: new Map() });
    const namespaces = await clientFor(api).kv.listNamespaces();
    expect(namespaces).toHaveLength(205);
    expect(namespaces[204]).toMatchObject({ id: (204).toString(16).padStart(32, '0'), title: 'ns-204' });
    expect(api.calls()).toEqual([
      'GET /storage/kv/namespaces?per_page=100',
      'GET /storage/kv/namespaces?per_page=100&page=2',
      'GET /storage/kv/namespaces?per_page=100&page=3',
    ]);
  });
});

describe('kv.resolve', () => {
  it('looks an id up directly and a title through the listing', async () => {
    seed();
    const cf = clientFor(api);
    expect(await cf.kv.resolve(NS)).toMatchObject({ id: NS, title: 'createsomething-space-KV' });
    expect(await cf.kv.resolve('createsomething-space-KV')).toMatchObject({ id: NS });
    expect(api.calls()).toEqual([`GET ${NS_PATH}`, 'GET /storage/kv/namespaces?per_page=100']);
  });

  it('says which title was not found and which exist', async () => {
    seed();
    const error = await rejectionOf(clientFor(api).kv.resolve('nope'));
    expect(error).toBeInstanceOf(CloudflareNotFoundError);
    expect(error).toMatchObject({ resource: 'KV namespace', id: 'nope' });
    expect(error.message).toContain('"createsomething-space-KV"');
  });
});

describe('kv.get / getJson', () => {
  it('GETs the URL-encoded key and returns the text', async () => {
    seed({ 'views/a b?c': 'héllo' });
    expect(await clientFor(api).kv.get(NS, 'views/a b?c')).toBe('héllo');
    expect(api.requests[0]?.path).toBe(
      `/client/v4/accounts/${'0123456789abcdef'.repeat(2)}${NS_PATH}/values/views%2Fa%20b%3Fc`,
    );
    expect(api.requests[0]?.method).toBe('GET');
  });

  it('returns null for a missing key (404, code 10009)', async () => {
    seed();
    expect(await clientFor(api).kv.get(NS, 'missing')).toBeNull();
    expect(await clientFor(api).kv.getJson(NS, 'missing')).toBeNull();
  });

  it('throws CloudflareNotFoundError naming the namespace when it does not exist (code 10013)', async () => {
    const error = await rejectionOf(clientFor(api).kv.get('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'k'));
    expect(error).toBeInstanceOf(CloudflareNotFoundError);
    expect(error).toMatchObject({ resource: 'KV namespace', id: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', status: 404 });
    expect((error as CloudflareNotFoundError).codes).toEqual([10013]);
    expect(error.message).toMatch(
      /^KV namespace "b{32}" not found \(kv.get\(b{32}, k\): HTTP 404, code 10013: namespace not found\)$/,
    );
  });

  it('parses JSON, and says which key holds something else', async () => {
    seed({ good: '{"views":3}', bad: 'not json' });
    const cf = clientFor(api);
    expect(await cf.kv.getJson<{ views: number }>(NS, 'good')).toEqual({ views: 3 });
    await expect(cf.kv.getJson(NS, 'bad')).rejects.toThrow(/kv.getJson\(a+, bad\): the value is not JSON/);
  });

  it('resolves a title once per client, then reuses the id', async () => {
    seed({ k: 'v' });
    const cf = clientFor(api);
    await cf.kv.get('createsomething-space-KV', 'k');
    await cf.kv.get('createsomething-space-KV', 'k');
    expect(api.calls()).toEqual([
      'GET /storage/kv/namespaces?per_page=100',
      `GET ${NS_PATH}/values/k`,
      `GET ${NS_PATH}/values/k`,
    ]);
  });
});

describe('names cached per client', () => {
  it('finds a namespace recreated under the same title', async () => {
    seed({ k: 'old' });
    const cf = clientFor(api);
    expect(await cf.kv.get('createsomething-space-KV', 'k')).toBe('old');
    const fresh = 'cccccccccccccccccccccccccccccccc';
    api.kv = new Map([
      [fresh, { title: 'createsomething-space-KV', entries: new Map([['k', { value: Buffer.from('new') }]]) }],
    ]);
    expect(await cf.kv.get('createsomething-space-KV', 'k')).toBe('new');
    expect(api.calls().slice(2)).toEqual([
      `GET ${NS_PATH}/values/k`,
      'GET /storage/kv/namespaces?per_page=100',
      `GET /storage/kv/namespaces/${fresh}/values/k`,
    ]);
  });
});

describe('kv.put / putJson / delete', () => {
  it('PUTs multipart with the value, metadata as one JSON part and the TTL as a query parameter', async () => {
    seed();
    const cf = clientFor(api);
    await cf.kv.put(NS, 'rate/1.2.3.4', '5', { expirationTtl: 120, metadata: { created: 1700000000000 } });
    const request = api.requests[0];
    expect(request?.method).toBe('PUT');
    expect(api.calls()[0]).toBe(`PUT ${NS_PATH}/values/rate%2F1.2.3.4?expiration_ttl=120`);
    const form = await parseMultipart(request as NonNullable<typeof request>);
    expect(form.get('value')).toBe('5');
    expect(form.get('metadata')).toBe('{"created":1700000000000}');
    expect([...form.keys()].sort()).toEqual(['metadata', 'value']);
    expect(await cf.kv.get(NS, 'rate/1.2.3.4')).toBe('5');
  });

  it('stores bytes unchanged', async () => {
    seed();
    const cf = clientFor(api);
    const bytes = new Uint8Array([0, 255, 1, 128, 10, 13]);
    await cf.kv.put(NS, 'bin', bytes);
    expect([...(api.kv.get(NS)?.entries.get('bin')?.value ?? [])]).toEqual([...bytes]);
  });

  it('putJson round-trips through getJson; delete removes the key', async () => {
    seed();
    const cf = clientFor(api);
    await cf.kv.putJson(NS, 'doc', { a: [1, 'two'] });
    expect(await cf.kv.getJson(NS, 'doc')).toEqual({ a: [1, 'two'] });
    await cf.kv.delete(NS, 'doc');
    expect(api.calls().at(-1)).toBe(`DELETE ${NS_PATH}/values/doc`);
    expect(await cf.kv.get(NS, 'doc')).toBeNull();
  });
});

describe('kv.listKeys', () => {
  it('follows the cursor across pages and sends the prefix', async () => {
    const entries: Record<string, string> = { other: 'x' };
    for (let i = 0; i < 25; i++) entries[`exp:${String(i).padStart(2, '0')}`] = String(i);
    seed(entries);
    const keys = await clientFor(api).kv.listKeys(NS, { prefix: 'exp:', pageSize: 10 });
    expect(keys.map((k) => k.name)).toEqual(Object.keys(entries).filter((k) => k.startsWith('exp:')));
    expect(api.calls()).toEqual([
      `GET ${NS_PATH}/keys?limit=10&prefix=exp%3A`,
      `GET ${NS_PATH}/keys?limit=10&prefix=exp%3A&cursor=10`,
      `GET ${NS_PATH}/keys?limit=10&prefix=exp%3A&cursor=20`,
    ]);
  });

  it('stops with an error when the API hands out the same cursor twice', async () => {
    seed({ a: '1' });
    let n = 0;
    api.override('GET', /\/keys$/, () => ({
      status: 200,
      body: envelope([{ name: `k${n++}` }], { count: 1, cursor: 'same' }),
    }));
    const error = await rejectionOf(clientFor(api).kv.listKeys(NS));
    expect(error).toBeInstanceOf(CloudflareSdkError);
    expect(error.message).toContain('cursor "same" twice');
  });
});
