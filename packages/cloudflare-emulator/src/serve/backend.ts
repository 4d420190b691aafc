import { Response as MfResponse } from 'miniflare';
import type { Services } from '../api/context.ts';
import type { StatementResult } from '../d1/database-files.ts';
import { CfError } from '../envelope.ts';

const json = (value: unknown, status = 200) =>
  new MfResponse(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });

function d1Shape(r: StatementResult, shape: string) {
  if (shape === 'raw') return { columns: r.columns, rows: r.rows, meta: r.meta };
  const results = r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]])));
  return { results, success: true, meta: r.meta };
}

/**
 * The emulator side of the D1/KV/ASSETS bindings: workerd calls this through the __EMULATOR service binding, so
 * deployed code uses the same storage as the REST API.
 */
export function createBackend(s: Services, serveAssets: (deploymentId: string, request: Request) => Promise<Response>) {
  return async (request: Request): Promise<MfResponse> => {
    const url = new URL(request.url);
    const [, kind, id, ...rest] = url.pathname.split('/');
    try {
      if (kind === 'd1' && id) {
        const file = s.d1.file(s.d1.get(id).uuid);
        const body = (await request.json()) as Record<string, unknown>;
        if (rest[0] === 'exec') {
          const started = performance.now();
          const results = file.execute(String(body.sql ?? ''));
          return json({ count: results.length, duration: performance.now() - started });
        }
        const statements = body.statements as Array<{ sql: string; params: unknown[] }>;
        return json(file.batch(statements).map((r) => d1Shape(r, String(body.shape))));
      }
      if (kind === 'kv' && id) {
        s.kv.namespace(id);
        if (rest.length === 0) {
          const limit = Number(url.searchParams.get('limit') ?? 1000);
          const r = s.kv.list(
            id,
            url.searchParams.get('prefix') ?? '',
            limit,
            url.searchParams.get('cursor') ?? undefined,
          );
          return json({
            keys: r.keys,
            list_complete: r.cursor === '',
            ...(r.cursor ? { cursor: r.cursor } : {}),
            cacheStatus: null,
          });
        }
        const key = decodeURIComponent(rest.join('/'));
        if (request.method === 'GET') {
          const e = s.kv.get(id, key);
          if (!e) return new MfResponse(null, { status: 404 });
          return new MfResponse(e.value, { headers: { 'x-kv-metadata': JSON.stringify(e.metadata) } });
        }
        if (request.method === 'PUT') {
          const meta = request.headers.get('x-kv-metadata');
          const num = (n: string) => (url.searchParams.has(n) ? Number(url.searchParams.get(n)) : undefined);
          s.kv.put(id, key, new Uint8Array(await request.arrayBuffer()), {
            expiration: num('expiration'),
            expirationTtl: num('expiration_ttl'),
            metadata: meta === null ? undefined : JSON.parse(meta),
          });
          return new MfResponse(null, { status: 204 });
        }
        if (request.method === 'DELETE') {
          s.kv.delete(id, key);
          return new MfResponse(null, { status: 204 });
        }
      }
      if (kind === 'assets' && id) {
        const path = `/${rest.join('/')}${url.search}`;
        const original = new Request(new URL(path, 'http://assets.local'), {
          method: request.method,
          headers: request.headers,
        });
        const res = await serveAssets(id, original);
        const headers: Record<string, string> = {};
        res.headers.forEach((v, k) => {
          headers[k] = v;
        });
        return new MfResponse(res.body ? new Uint8Array(await res.arrayBuffer()) : null, {
          status: res.status,
          headers,
        });
      }
      return json({ error: `Unknown binding call ${request.method} ${url.pathname}` }, 404);
    } catch (e) {
      const message = e instanceof CfError ? e.message : (e as Error).message;
      const prefix = kind === 'd1' ? 'D1_ERROR: ' : kind === 'kv' ? 'KV_ERROR: ' : '';
      return json({ error: `${prefix}${message}` }, 400);
    }
  };
}
