import { toFile } from 'cloudflare';
import type { ClientContext } from './context.js';
import { CloudflareNotFoundError, describeFailure, toCloudflareError, withErrors } from './errors.js';
import { findByName, isKvNamespaceId } from './ids.js';
import { withResolvedId } from './name-cache.js';
import { collectAll } from './pagination.js';
import type { KvApi, KvListKeysOptions, KvNamespace, KvNamespaceRef, KvPutOptions } from './types.js';

// KV answers a missing key with 404 and code 10009; a missing namespace with 10013.
const NAMESPACE_NOT_FOUND = 10013;

export function createKv(ctx: ClientContext): KvApi {
  const account_id = ctx.accountId;

  const listNamespaces = () =>
    withErrors({ operation: 'kv.listNamespaces' }, () =>
      collectAll(ctx.sdk.kv.namespaces.list({ account_id, per_page: 100 }), 'kv.listNamespaces'),
    );

  async function resolve(namespace: KvNamespaceRef): Promise<KvNamespace> {
    const operation = `kv.resolve(${namespace})`;
    if (isKvNamespaceId(namespace)) {
      try {
        return (await ctx.sdk.kv.namespaces.get(namespace, { account_id })) as KvNamespace;
      } catch (error) {
        const typed = toCloudflareError(error, { operation, resource: { kind: 'KV namespace', id: namespace } });
        // A namespace may be titled like an id; only then is the title lookup below worth a request.
        if (!(typed instanceof CloudflareNotFoundError)) throw typed;
      }
    }
    const all = await listNamespaces();
    const found = findByName(all, namespace, { name: (n) => n.title, id: (n) => n.id });
    if (!found) {
      const titles = all.map((n) => `"${n.title}"`).join(', ') || 'none';
      throw new CloudflareNotFoundError(
        `KV namespace "${namespace}" not found: no namespace has that id or title in account ${account_id} (titles: ${titles}).`,
        { operation, status: 404, errors: [], resource: 'KV namespace', id: namespace },
      );
    }
    ctx.kvIds.set(namespace, found.id);
    return found;
  }

  function withId<T>(namespace: KvNamespaceRef, use: (namespace_id: string) => Promise<T>): Promise<T> {
    const lookup = async () => (await resolve(namespace)).id;
    return withResolvedId(namespace, isKvNamespaceId(namespace), ctx.kvIds, lookup, use);
  }

  function getResponse(namespace: KvNamespaceRef, key: string, operation: string): Promise<Response | null> {
    return withId(namespace, async (namespace_id) => {
      try {
        return await ctx.sdk.kv.namespaces.values.get(key, { account_id, namespace_id });
      } catch (error) {
        const typed = toCloudflareError(error, { operation, resource: { kind: 'KV key', id: key } });
        if (typed instanceof CloudflareNotFoundError && !typed.codes.includes(NAMESPACE_NOT_FOUND)) return null;
        if (typed instanceof CloudflareNotFoundError) {
          throw new CloudflareNotFoundError(
            `KV namespace "${namespace}" not found (${operation}: ${describeFailure(typed.status, typed.errors)})`,
            { operation, status: typed.status, errors: [...typed.errors], resource: 'KV namespace', id: namespace },
            error,
          );
        }
        throw typed;
      }
    });
  }

  async function get(namespace: KvNamespaceRef, key: string): Promise<string | null> {
    const operation = `kv.get(${namespace}, ${key})`;
    const response = await getResponse(namespace, key, operation);
    return response === null ? null : withErrors({ operation }, () => response.text());
  }

  async function getJson<T>(namespace: KvNamespaceRef, key: string): Promise<T | null> {
    const text = await get(namespace, key);
    if (text === null) return null;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new SyntaxError(`kv.getJson(${namespace}, ${key}): the value is not JSON: ${(error as Error).message}`);
    }
  }

  async function put(namespace: KvNamespaceRef, key: string, value: string | Uint8Array, options: KvPutOptions = {}) {
    const operation = `kv.put(${namespace}, ${key})`;
    await withId(namespace, (namespace_id) =>
      withErrors({ operation, resource: { kind: 'KV namespace', id: namespace } }, async () => {
        await ctx.sdk.kv.namespaces.values.update(key, {
          account_id,
          namespace_id,
          // Bytes go as a file part so they arrive unchanged; text goes as a plain form field.
          value: typeof value === 'string' ? value : await toFile(value, 'value'),
          // The SDK would spread an object into `metadata[field]` parts; the API wants one JSON part.
          ...(options.metadata === undefined ? {} : { metadata: JSON.stringify(options.metadata) }),
          ...(options.expirationTtl === undefined ? {} : { expiration_ttl: options.expirationTtl }),
          ...(options.expiration === undefined ? {} : { expiration: options.expiration }),
        });
      }),
    );
  }

  async function del(namespace: KvNamespaceRef, key: string) {
    const operation = `kv.delete(${namespace}, ${key})`;
    await withId(namespace, (namespace_id) =>
      withErrors({ operation, resource: { kind: 'KV namespace', id: namespace } }, () =>
        ctx.sdk.kv.namespaces.values.delete(key, { account_id, namespace_id }),
      ),
    );
  }

  async function listKeys(namespace: KvNamespaceRef, options: KvListKeysOptions = {}) {
    const operation = `kv.listKeys(${namespace})`;
    return withId(namespace, (namespace_id) =>
      withErrors({ operation, resource: { kind: 'KV namespace', id: namespace } }, () =>
        collectAll(
          ctx.sdk.kv.namespaces.keys.list(namespace_id, {
            account_id,
            limit: options.pageSize ?? 1000,
            ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
          }),
          operation,
        ),
      ),
    );
  }

  return {
    listNamespaces,
    resolve,
    get,
    getJson,
    put,
    putJson: (namespace, key, value, options) => put(namespace, key, JSON.stringify(value), options),
    delete: del,
    listKeys,
  };
}
