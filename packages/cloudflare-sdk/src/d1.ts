import type { ClientContext } from './context.js';
import { CloudflareApiError, CloudflareNotFoundError, toCloudflareError, withErrors } from './errors.js';
import { findByName, isUuid } from './ids.js';
import { withResolvedId } from './name-cache.js';
import { collectAll } from './pagination.js';
import type { D1Api, D1Database, D1DatabaseRef, D1Meta, D1Param, D1StatementResult } from './types.js';

function toDatabase(raw: { uuid?: string; name?: string } & Record<string, unknown>): D1Database {
  return { ...raw, uuid: raw.uuid ?? '', name: raw.name ?? '' } as D1Database;
}

export function createD1(ctx: ClientContext): D1Api {
  const account_id = ctx.accountId;

  async function listDatabases(name?: string): Promise<D1Database[]> {
    const operation = name === undefined ? 'd1.listDatabases' : `d1.listDatabases(name=${name})`;
    const all = await withErrors({ operation }, () =>
      collectAll(
        ctx.sdk.d1.database.list({ account_id, per_page: 100, ...(name === undefined ? {} : { name }) }),
        operation,
      ),
    );
    return all.map((d) => toDatabase(d as Record<string, unknown>));
  }

  async function resolveByName(name: string, operation: string): Promise<D1Database> {
    // The API's `name` filter narrows the listing; the exact, case-sensitive match is ours to make.
    const candidates = await listDatabases(name);
    const found = findByName(candidates, name, { name: (d) => d.name, id: (d) => d.uuid });
    if (!found) {
      throw new CloudflareNotFoundError(
        `D1 database "${name}" not found: no database has that name or id in account ${account_id}. ` +
          'List them with cf.d1.listDatabases().',
        { operation, status: 404, errors: [], resource: 'D1 database', id: name },
      );
    }
    ctx.d1Ids.set(name, found.uuid);
    return found;
  }

  async function resolve(database: D1DatabaseRef): Promise<D1Database> {
    const operation = `d1.resolve(${database})`;
    if (isUuid(database)) {
      try {
        return toDatabase((await ctx.sdk.d1.database.get(database, { account_id })) as Record<string, unknown>);
      } catch (error) {
        const typed = toCloudflareError(error, { operation, resource: { kind: 'D1 database', id: database } });
        // A database may be named like a UUID; only then is the name lookup below worth a request.
        if (!(typed instanceof CloudflareNotFoundError)) throw typed;
      }
    }
    return resolveByName(database, operation);
  }

  function withId<T>(database: D1DatabaseRef, use: (id: string) => Promise<T>): Promise<T> {
    const lookup = async () => (await resolveByName(database, `d1.resolve(${database})`)).uuid;
    return withResolvedId(database, isUuid(database), ctx.d1Ids, lookup, use);
  }

  async function exec<Row>(database: D1DatabaseRef, sql: string, params: D1Param[] = []) {
    if (typeof sql !== 'string' || sql.trim() === '') {
      throw new TypeError('d1.query needs a SQL string, e.g. cf.d1.query("my-db", "SELECT 1").');
    }
    const operation = `d1.query(${database})`;
    const results = await withId(database, (id) =>
      withErrors({ operation, resource: { kind: 'D1 database', id: database } }, () =>
        collectAll(
          // The SDK types params as strings, but the API binds JSON values; numbers must stay numbers for SQLite.
          ctx.sdk.d1.database.query(id, { account_id, sql, params: params as string[] }),
          operation,
        ),
      ),
    );
    const failed = results.find((r) => r.success === false);
    if (failed) {
      throw new CloudflareApiError(`${operation} failed: a statement reported success=false`, {
        operation,
        status: 200,
        errors: [],
      });
    }
    return results.map(
      (r): D1StatementResult<Row> => ({ rows: (r.results ?? []) as Row[], meta: (r.meta ?? {}) as D1Meta }),
    );
  }

  async function query<Row>(database: D1DatabaseRef, sql: string, params?: D1Param[]) {
    const statements = await exec<Row>(database, sql, params);
    return statements.at(-1)?.rows ?? [];
  }

  return {
    listDatabases: () => listDatabases(),
    resolve,
    query,
    first: async <Row>(database: D1DatabaseRef, sql: string, params?: D1Param[]) =>
      (await query<Row>(database, sql, params))[0] ?? null,
    exec,
  };
}
