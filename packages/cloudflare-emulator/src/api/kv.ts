import { type Context, Hono } from 'hono';
import { CfError, ok, paginate, readJson, requireString } from '../envelope.ts';
import { newHexId } from '../ids.ts';
import type { KvNamespaceMeta } from '../kv/types.ts';
import { bracketFields } from '../multipart/bracket-fields.ts';
import type { Services } from './context.ts';

const view = (ns: KvNamespaceMeta) => ({ id: ns.id, title: ns.title, supports_url_encoding: true });

function optionalNumber(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new CfError(400, 10026, `Query parameter ${name} must be a number of seconds.`);
  return n;
}

/** A value arrives as the raw body, or as multipart with `value` and `metadata` parts (wrangler uses both). */
async function readValue(c: Context): Promise<{ value: Uint8Array; metadata: unknown }> {
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await c.req.formData();
    const v = form.get('value');
    if (v === null) throw new CfError(400, 10026, 'Multipart KV writes need a "value" part.');
    const value = typeof v === 'string' ? new TextEncoder().encode(v) : new Uint8Array(await v.arrayBuffer());
    const m = form.get('metadata');
    let metadata: unknown = bracketFields(form, 'metadata') ?? null;
    if (m !== null) {
      try {
        metadata = JSON.parse(typeof m === 'string' ? m : await m.text());
      } catch {
        throw new CfError(400, 10026, 'The "metadata" part must be JSON.');
      }
    }
    return { value, metadata };
  }
  return { value: new Uint8Array(await c.req.arrayBuffer()), metadata: null };
}

export function kvRoutes(s: Services): Hono {
  const app = new Hono();
  const nsParam = (c: Context) => s.kv.namespace(c.req.param('namespaceId') as string);

  app.get('/', (c) => {
    let list = s.kv.namespaces();
    if (c.req.query('order') === 'title') list = [...list].sort((a, b) => a.title.localeCompare(b.title));
    if (c.req.query('direction') === 'desc') list = [...list].reverse();
    const { slice, info } = paginate(list, Number(c.req.query('page') ?? 1), Number(c.req.query('per_page') ?? 20));
    return ok(c, slice.map(view), info);
  });

  app.post('/', async (c) => {
    const body = await readJson(c);
    const title = requireString(body, 'title', 10019);
    if (s.kv.namespaces().some((n) => n.title === title)) {
      throw new CfError(
        400,
        10014,
        `A namespace with this account ID and title "${title}" already exists: reuse it or pick another title.`,
      );
    }
    const ns: KvNamespaceMeta = { id: newHexId(), title };
    s.state.doc.kv[ns.id] = ns;
    s.state.save();
    return ok(c, view(ns));
  });

  app.get('/:namespaceId', (c) => ok(c, view(nsParam(c))));

  app.put('/:namespaceId', async (c) => {
    const ns = nsParam(c);
    const body = await readJson(c);
    ns.title = requireString(body, 'title', 10019);
    s.state.save();
    return ok(c, view(ns));
  });

  app.delete('/:namespaceId', (c) => {
    s.kv.dropNamespace(nsParam(c).id);
    return ok(c, null);
  });

  app.get('/:namespaceId/keys', (c) => {
    const ns = nsParam(c);
    const limit = Math.min(1000, Math.max(10, Number(c.req.query('limit') ?? 1000)));
    const r = s.kv.list(ns.id, c.req.query('prefix') ?? '', limit, c.req.query('cursor') || undefined);
    return ok(c, r.keys, { count: r.keys.length, cursor: r.cursor });
  });

  app.get('/:namespaceId/values/:key{.+}', (c) => {
    const ns = nsParam(c);
    const key = c.req.param('key');
    const entry = s.kv.get(ns.id, key);
    if (!entry) throw new CfError(404, 10009, `get: 'key not found': no value for key "${key}".`);
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (entry.expiration !== null) headers.expiration = String(entry.expiration);
    return c.body(entry.value as Uint8Array<ArrayBuffer>, 200, headers);
  });

  app.get('/:namespaceId/metadata/:key{.+}', (c) => {
    const ns = nsParam(c);
    const key = c.req.param('key');
    const entry = s.kv.get(ns.id, key);
    if (!entry) throw new CfError(404, 10009, `get: 'key not found': no value for key "${key}".`);
    return ok(c, entry.metadata);
  });

  app.put('/:namespaceId/values/:key{.+}', async (c) => {
    const ns = nsParam(c);
    const { value, metadata } = await readValue(c);
    s.kv.put(ns.id, c.req.param('key'), value, {
      expiration: optionalNumber(c.req.query('expiration'), 'expiration'),
      expirationTtl: optionalNumber(c.req.query('expiration_ttl'), 'expiration_ttl'),
      metadata,
    });
    return ok(c, {});
  });

  app.delete('/:namespaceId/values/:key{.+}', (c) => {
    const ns = nsParam(c);
    s.kv.delete(ns.id, c.req.param('key'));
    return ok(c, {});
  });

  app.put('/:namespaceId/bulk', async (c) => {
    const ns = nsParam(c);
    const items = await readJson<unknown>(c);
    if (!Array.isArray(items))
      throw new CfError(400, 10026, 'Bulk writes take a JSON array of {key, value, …} objects.');
    for (const [i, raw] of items.entries()) {
      const item = raw as Record<string, unknown>;
      if (typeof item?.key !== 'string' || typeof item.value !== 'string') {
        throw new CfError(400, 10026, `Bulk item ${i} needs string "key" and "value" fields.`);
      }
    }
    for (const raw of items) {
      const item = raw as {
        key: string;
        value: string;
        base64?: boolean;
        expiration?: number;
        expiration_ttl?: number;
        metadata?: unknown;
      };
      const value = item.base64 ? Buffer.from(item.value, 'base64') : new TextEncoder().encode(item.value);
      s.kv.put(ns.id, item.key, value, {
        expiration: item.expiration,
        expirationTtl: item.expiration_ttl,
        metadata: item.metadata,
      });
    }
    return ok(c, { successful_key_count: items.length, unsuccessful_keys: [] });
  });

  const bulkDelete = async (c: Context) => {
    const ns = nsParam(c);
    const keys = await readJson<unknown>(c);
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) {
      throw new CfError(400, 10026, 'Bulk deletes take a JSON array of key names.');
    }
    for (const k of keys as string[]) s.kv.delete(ns.id, k);
    return ok(c, { successful_key_count: keys.length, unsuccessful_keys: [] });
  };
  app.delete('/:namespaceId/bulk', bulkDelete);
  app.post('/:namespaceId/bulk/delete', bulkDelete);

  app.post('/:namespaceId/bulk/get', async (c) => {
    const ns = nsParam(c);
    const body = await readJson(c);
    if (!Array.isArray(body.keys)) throw new CfError(400, 10026, 'Bulk get takes {"keys": [...]}.');
    const values: Record<string, unknown> = {};
    for (const k of body.keys as string[]) {
      const e = s.kv.get(ns.id, k);
      const text = e ? new TextDecoder().decode(e.value) : null;
      const v = e && body.type === 'json' && text !== null ? JSON.parse(text) : text;
      values[k] = body.withMetadata
        ? { value: v, metadata: e?.metadata ?? null, expiration: e?.expiration ?? undefined }
        : v;
    }
    return ok(c, { values });
  });

  return app;
}
