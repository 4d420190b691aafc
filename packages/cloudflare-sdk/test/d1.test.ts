import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudflareApiError, CloudflareNotFoundError } from '../src/index.js';
import { clientFor, rejectionOf } from './support/client.js';
import { FakeCloudflareApi, failure } from './support/fake-api.js';

const api = new FakeCloudflareApi();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

const SPACE = { uuid: '11111111-2222-4333-8444-555555555555', name: 'createsomething-space' };
const STAGING = { uuid: '66666666-7777-4888-9999-aaaaaaaaaaaa', name: 'createsomething-space-staging' };

function uuidFor(i: number) {
  return `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

describe('d1.listDatabases', () => {
  it('follows the pages and stops at the last one', async () => {
    api.d1 = Array.from({ length: 250 }, (_, i) => ({ uuid: uuidFor(i), name: `db-${i}` }));
    const dbs = await clientFor(api).d1.listDatabases();
    expect(dbs.map((d) => d.name)).toEqual(api.d1.map((d) => d.name));
    expect(api.calls()).toEqual([
      'GET /d1/database?per_page=100',
      'GET /d1/database?per_page=100&page=2',
      'GET /d1/database?per_page=100&page=3',
    ]);
  });

  it('does not loop on a server that ignores `page` and sends no result_info', async () => {
    api.d1 = [SPACE, STAGING];
    api.override('GET', /\/d1\/database$/, () => ({
      status: 200,
      body: { success: true, errors: [], messages: [], result: api.d1 },
    }));
    expect(await clientFor(api).d1.listDatabases()).toEqual([SPACE, STAGING]);
    expect(api.requests).toHaveLength(2);
  });
});

describe('d1.resolve', () => {
  it('resolves a name by the exact match among the search hits', async () => {
    api.d1 = [STAGING, SPACE];
    expect(await clientFor(api).d1.resolve('createsomething-space')).toEqual(SPACE);
    expect(api.calls()).toEqual(['GET /d1/database?per_page=100&name=createsomething-space']);
  });

  it('resolves a UUID with one GET', async () => {
    api.d1 = [SPACE];
    expect(await clientFor(api).d1.resolve(SPACE.uuid)).toMatchObject(SPACE);
    expect(api.calls()).toEqual([`GET /d1/database/${SPACE.uuid}`]);
  });

  it('falls back to the name when a UUID-shaped string is not an id', async () => {
    const odd = { uuid: uuidFor(1), name: uuidFor(2) };
    api.d1 = [odd];
    expect(await clientFor(api).d1.resolve(uuidFor(2))).toEqual(odd);
  });

  it('throws CloudflareNotFoundError naming the database', async () => {
    api.d1 = [STAGING];
    const error = await rejectionOf(clientFor(api).d1.resolve('createsomething-space'));
    expect(error).toBeInstanceOf(CloudflareNotFoundError);
    expect(error).toMatchObject({ resource: 'D1 database', id: 'createsomething-space' });
    expect(error.message).toContain('D1 database "createsomething-space" not found');
  });
});

describe('d1.query', () => {
  it('POSTs sql and params (numbers stay numbers) to the resolved database and returns typed rows', async () => {
    api.d1 = [SPACE];
    api.onQuery = (uuid, sql, params) => [
      { results: [{ id: params[0], title: `${uuid}:${sql}` }], success: true, meta: { rows_read: 1 } },
    ];
    const cf = clientFor(api);
    const rows = await cf.d1.query<{ id: number; title: string }>(
      'createsomething-space',
      'SELECT * FROM t WHERE id = ?',
      [7],
    );
    expect(rows).toEqual([{ id: 7, title: `${SPACE.uuid}:SELECT * FROM t WHERE id = ?` }]);
    const post = api.requests.at(-1);
    expect(post?.method).toBe('POST');
    expect(post?.headers['content-type']).toContain('application/json');
    expect(JSON.parse(post?.body.toString() ?? '')).toEqual({ sql: 'SELECT * FROM t WHERE id = ?', params: [7] });

    await cf.d1.query(SPACE.uuid, 'SELECT 1');
    await cf.d1.query('createsomething-space', 'SELECT 2', ['x', null, true]);
    expect(api.calls()).toEqual([
      'GET /d1/database?per_page=100&name=createsomething-space',
      `POST /d1/database/${SPACE.uuid}/query`,
      `POST /d1/database/${SPACE.uuid}/query`,
      `POST /d1/database/${SPACE.uuid}/query`,
    ]);
    expect(JSON.parse(api.requests.at(-1)?.body.toString() ?? '')).toEqual({
      sql: 'SELECT 2',
      params: ['x', null, true],
    });
  });

  it('returns every statement from exec, the last statement from query and its first row from first', async () => {
    api.d1 = [SPACE];
    api.onQuery = () => [
      { results: [], success: true, meta: { changes: 1, last_row_id: 9 } },
      { results: [{ n: 1 }, { n: 2 }], success: true, meta: { rows_read: 2 } },
    ];
    const cf = clientFor(api);
    const sql = 'INSERT INTO t VALUES (1); SELECT n FROM t';
    expect(await cf.d1.exec(SPACE.uuid, sql)).toEqual([
      { rows: [], meta: { changes: 1, last_row_id: 9 } },
      { rows: [{ n: 1 }, { n: 2 }], meta: { rows_read: 2 } },
    ]);
    expect(await cf.d1.query(SPACE.uuid, sql)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await cf.d1.first(SPACE.uuid, sql)).toEqual({ n: 1 });
    api.onQuery = () => [{ results: [], success: true, meta: {} }];
    expect(await cf.d1.first(SPACE.uuid, 'SELECT 1 WHERE 0')).toBeNull();
  });

  it('throws CloudflareNotFoundError for an unknown UUID (404, code 7404)', async () => {
    const error = await rejectionOf(clientFor(api).d1.query(SPACE.uuid, 'SELECT 1'));
    expect(error).toBeInstanceOf(CloudflareNotFoundError);
    expect(error).toMatchObject({ resource: 'D1 database', id: SPACE.uuid, status: 404 });
    expect((error as CloudflareNotFoundError).codes).toEqual([7404]);
  });

  it('throws CloudflareApiError with the SQL error code and message (400, code 7500)', async () => {
    api.d1 = [SPACE];
    api.override('POST', /\/query$/, failure(400, 7500, 'no such table: nope: SQLITE_ERROR'));
    const error = await rejectionOf(clientFor(api).d1.query(SPACE.uuid, 'SELECT * FROM nope'));
    expect(error).toBeInstanceOf(CloudflareApiError);
    expect(error).not.toBeInstanceOf(CloudflareNotFoundError);
    expect(error).toMatchObject({ status: 400, operation: `d1.query(${SPACE.uuid})` });
    expect((error as CloudflareApiError).codes).toEqual([7500]);
    expect(error.message).toBe(
      `d1.query(${SPACE.uuid}) failed (HTTP 400, code 7500: no such table: nope: SQLITE_ERROR)`,
    );
  });

  it('finds a database recreated under the same name (the cached id is stale)', async () => {
    api.d1 = [SPACE];
    const cf = clientFor(api);
    await cf.d1.query('createsomething-space', 'SELECT 1');
    const recreated = { ...SPACE, uuid: uuidFor(42) };
    api.d1 = [recreated];
    await cf.d1.query('createsomething-space', 'SELECT 1');
    expect(api.calls()).toEqual([
      'GET /d1/database?per_page=100&name=createsomething-space',
      `POST /d1/database/${SPACE.uuid}/query`,
      `POST /d1/database/${SPACE.uuid}/query`,
      'GET /d1/database?per_page=100&name=createsomething-space',
      `POST /d1/database/${recreated.uuid}/query`,
    ]);
  });

  it('refuses to guess when two databases share a name', async () => {
    api.d1 = [SPACE, { ...SPACE, uuid: uuidFor(7) }];
    await expect(clientFor(api).d1.query('createsomething-space', 'SELECT 1')).rejects.toThrow(
      `"createsomething-space" names 2 entries (${SPACE.uuid}, ${uuidFor(7)}); use an id instead.`,
    );
  });

  it('refuses an empty statement before sending anything', async () => {
    await expect(clientFor(api).d1.query(SPACE.uuid, '  ')).rejects.toThrow(/needs a SQL string/);
    expect(api.requests).toHaveLength(0);
  });
});
