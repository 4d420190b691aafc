import { type Context, Hono } from 'hono';
import { CfError, ok, readJson, requireString } from '../envelope.ts';
import { nowIso } from '../ids.ts';
import { checkBucketName } from '../r2/names.ts';
import type { R2BucketMeta } from '../r2/types.ts';
import type { Services } from './context.ts';

const LOCATIONS = ['apac', 'eeur', 'enam', 'weur', 'wnam', 'oc'];
const STORAGE_CLASSES = ['Standard', 'InfrequentAccess'];
/** The object headers wrangler's `r2 object put` forwards (putHeaderKeys in wrangler's src/r2/helpers). */
const HTTP_METADATA = {
  'content-type': 'contentType',
  'content-language': 'contentLanguage',
  'content-disposition': 'contentDisposition',
  'content-encoding': 'contentEncoding',
  'cache-control': 'cacheControl',
  expires: 'cacheExpiry',
} as const;

/** A bucket as the SDK types it (`Bucket`: name, creation_date, location, storage_class, jurisdiction?). */
const view = (b: R2BucketMeta) => ({
  name: b.name,
  creation_date: b.creation_date,
  location: b.location,
  storage_class: b.storage_class,
  ...(b.jurisdiction ? { jurisdiction: b.jurisdiction } : {}),
});

export function bucket(s: Services, name: string): R2BucketMeta {
  const b = s.state.doc.r2[name];
  if (!b) throw new CfError(404, 10006, `The specified bucket does not exist: no bucket named "${name}".`);
  return b;
}

/**
 * Buckets (`/accounts/:a/r2/buckets`): the routes the SDK's `r2.buckets` and wrangler's `r2 bucket` commands call,
 * with R2's documented error codes. Objects go through Miniflare's R2 storage, the same a deployed binding uses.
 */
export function r2Routes(s: Services): Hono {
  const app = new Hono();
  const nameParam = (c: Context) => bucket(s, c.req.param('bucketName') as string);

  app.get('/', (c) => {
    const contains = c.req.query('name_contains') ?? '';
    const after = c.req.query('start_after') ?? '';
    const perPage = Math.min(1000, Math.max(1, Number(c.req.query('per_page') ?? 20) || 20));
    let list = Object.values(s.state.doc.r2)
      .filter((b) => b.name.includes(contains) && b.name > after)
      .sort((a, b) => a.name.localeCompare(b.name));
    if (c.req.query('direction') === 'desc') list = list.reverse();
    // Cloudflare answers `result: { buckets }` (SDK 7.3.0 BucketListResponse; wrangler reads `.buckets`).
    return ok(c, { buckets: list.slice(0, perPage).map(view) }, { count: Math.min(perPage, list.length), cursor: '' });
  });

  app.post('/', async (c) => {
    const body = await readJson(c);
    const name = requireString(body, 'name', 10005);
    checkBucketName(name);
    if (s.state.doc.r2[name]) {
      // 409 as Cloudflare answers it (R2 error codes: 10073 BucketConflict), although the SDK retries a 409.
      throw new CfError(409, 10073, `A bucket named "${name}" already exists: choose a different name.`);
    }
    const hint = body.locationHint;
    if (hint !== undefined && !LOCATIONS.includes(String(hint).toLowerCase())) {
      throw new CfError(400, 10026, `Unknown locationHint "${String(hint)}": use one of ${LOCATIONS.join(', ')}.`);
    }
    const storageClass = body.storageClass ?? 'Standard';
    if (!STORAGE_CLASSES.includes(String(storageClass))) {
      throw new CfError(
        400,
        10026,
        `Unknown storageClass "${String(storageClass)}": use Standard or InfrequentAccess.`,
      );
    }
    const jurisdiction = c.req.header('cf-r2-jurisdiction');
    const b: R2BucketMeta = {
      name,
      creation_date: nowIso(),
      location: hint === undefined ? 'enam' : String(hint).toLowerCase(),
      storage_class: storageClass as R2BucketMeta['storage_class'],
      ...(jurisdiction && jurisdiction !== 'default' ? { jurisdiction } : {}),
    };
    s.state.doc.r2[name] = b;
    s.state.save();
    s.runtime.invalidate();
    return ok(c, view(b));
  });

  app.get('/:bucketName', (c) => ok(c, view(nameParam(c))));

  app.delete('/:bucketName', async (c) => {
    const b = nameParam(c);
    const listed = await (await s.runtime.r2Bucket(b.name)).list({ limit: 1 });
    if (listed.objects.length > 0) {
      // 409 as Cloudflare answers it (R2 error codes: 10008 BucketNotEmpty).
      throw new CfError(409, 10008, `The bucket "${b.name}" is not empty: delete its objects before the bucket.`);
    }
    delete s.state.doc.r2[b.name];
    s.state.save();
    s.runtime.invalidate();
    return ok(c, {});
  });

  // Objects: what `wrangler r2 object put|get|delete --remote` calls (wrangler src/r2/helpers/object.ts).
  app.put('/:bucketName/objects/:key{.+}', async (c) => {
    const b = nameParam(c);
    const key = c.req.param('key');
    const httpMetadata: Record<string, string | Date> = {};
    for (const [header, field] of Object.entries(HTTP_METADATA)) {
      const v = c.req.header(header);
      if (v) httpMetadata[field] = field === 'cacheExpiry' ? new Date(v) : v;
    }
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const storageClass = c.req.header('cf-r2-storage-class');
    const put = await (await s.runtime.r2Bucket(b.name)).put(key, bytes, {
      httpMetadata,
      ...(storageClass ? { storageClass } : {}),
    });
    return ok(c, {
      key: put.key,
      version: put.version,
      size: put.size,
      etag: put.etag,
      uploaded: put.uploaded.toISOString(),
      storage_class: put.storageClass,
    });
  });

  app.get('/:bucketName/objects/:key{.+}', async (c) => {
    const b = nameParam(c);
    const key = c.req.param('key');
    const object = await (await s.runtime.r2Bucket(b.name)).get(key);
    if (!object) throw new CfError(404, 10007, `The specified key does not exist: no object "${key}" in ${b.name}.`);
    const headers: Record<string, string> = { etag: object.httpEtag };
    const meta = object.httpMetadata ?? {};
    headers['content-type'] = meta.contentType ?? 'application/octet-stream';
    for (const [header, field] of Object.entries(HTTP_METADATA)) {
      const v = meta[field as keyof typeof meta];
      if (v !== undefined && header !== 'content-type')
        headers[header] = v instanceof Date ? v.toUTCString() : String(v);
    }
    return c.body(new Uint8Array(await object.arrayBuffer()), 200, headers);
  });

  app.delete('/:bucketName/objects/:key{.+}', async (c) => {
    const b = nameParam(c);
    await (await s.runtime.r2Bucket(b.name)).delete(c.req.param('key'));
    return ok(c, {});
  });

  return app;
}
