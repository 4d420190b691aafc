import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Context, Hono } from 'hono';
import type { StatementResult } from '../d1/database-files.ts';
import { checkD1RequestSize, checkD1Statements } from '../d1/rules.ts';
import { splitSqlStatements } from '../d1/split-sql.ts';
import type { D1Meta } from '../d1/types.ts';
import { CfError, ok, paginate, readJson, requireString } from '../envelope.ts';
import { newUuid, nowIso } from '../ids.ts';
import type { Services } from './context.ts';

/** The database object Cloudflare returns: what was written plus computed size/table counts. */
function view(s: Services, meta: D1Meta) {
  const f = s.d1.file(meta.uuid);
  const out: Record<string, unknown> = {
    uuid: meta.uuid,
    name: meta.name,
    created_at: meta.created_at,
    version: 'production',
    num_tables: f.numTables(),
    file_size: f.fileSize(),
  };
  // Optional, non-computed attributes come back only when they were set, so a Terraform refresh sees no drift.
  if (meta.jurisdiction !== undefined) out.jurisdiction = meta.jurisdiction;
  if (meta.read_replication !== undefined) out.read_replication = meta.read_replication;
  return out;
}

function queryResult(r: StatementResult) {
  const results = r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]])));
  return { results, success: true, meta: r.meta };
}

function rawResult(r: StatementResult) {
  return { results: { columns: r.columns, rows: r.rows }, success: true, meta: r.meta };
}

/**
 * Accept {sql, params} or {batch: [{sql, params}]}; every statement of a request runs in order. D1's rules (request
 * size, transaction control, statement length) are checked for the whole request before anything of it runs.
 */
async function runRequest(s: Services, c: Context, shape: (r: StatementResult) => unknown) {
  const meta = s.d1.get(c.req.param('databaseId') as string);
  checkD1RequestSize(Buffer.byteLength(await c.req.text(), 'utf8'));
  const body = await readJson(c);
  const file = s.d1.file(meta.uuid);
  const items = Array.isArray(body.batch) ? (body.batch as Record<string, unknown>[]) : [body];
  const requests = items.map((item) => {
    const sql = requireString(item, 'sql', 7400);
    const params = item.params ?? [];
    if (!Array.isArray(params)) throw new CfError(400, 7400, '"params" must be an array of values.');
    checkD1Statements(splitSqlStatements(sql));
    return { sql, params };
  });
  const out: unknown[] = [];
  for (const { sql, params } of requests) for (const r of file.execute(sql, params)) out.push(shape(r));
  return ok(c, out);
}

function parseTimestamp(raw: string): number {
  if (/^\d+(\.\d+)?$/.test(raw)) {
    const n = Number(raw);
    return n < 1e11 ? n * 1000 : n;
  }
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new CfError(400, 7400, `Invalid timestamp "${raw}": use RFC 3339 or unix seconds.`);
  return t;
}

export function d1Routes(s: Services): Hono {
  const app = new Hono();
  const importDir = join(s.dataDir, 'd1-imports');

  app.get('/', (c) => {
    const name = c.req.query('name');
    let list = s.d1.list();
    if (name) list = list.filter((d) => d.name === name);
    const { slice, info } = paginate(list, Number(c.req.query('page') ?? 1), Number(c.req.query('per_page') ?? 1000));
    return ok(
      c,
      slice.map((d) => view(s, d)),
      info,
    );
  });

  app.post('/', async (c) => {
    const body = await readJson(c);
    const name = requireString(body, 'name', 7400);
    if (s.d1.list().some((d) => d.name === name)) {
      throw new CfError(400, 7502, `A database with name "${name}" already exists: pick another name or reuse it.`);
    }
    const meta: D1Meta = { uuid: newUuid(), name, created_at: nowIso() };
    if (typeof body.jurisdiction === 'string') meta.jurisdiction = body.jurisdiction;
    if (typeof body.primary_location_hint === 'string') meta.primary_location_hint = body.primary_location_hint;
    if (body.read_replication && typeof body.read_replication === 'object')
      meta.read_replication = body.read_replication as { mode: string };
    s.d1.add(meta);
    return ok(c, view(s, meta));
  });

  app.get('/:databaseId', (c) => ok(c, view(s, s.d1.get(c.req.param('databaseId')))));

  const update = async (c: Context) => {
    const meta = s.d1.get(c.req.param('databaseId') as string);
    const body = await readJson(c);
    if (body.read_replication === null) delete meta.read_replication;
    else if (body.read_replication && typeof body.read_replication === 'object')
      meta.read_replication = body.read_replication as { mode: string };
    if (typeof body.name === 'string' && body.name !== '') meta.name = body.name;
    s.state.save();
    return ok(c, view(s, meta));
  };
  app.put('/:databaseId', update);
  app.patch('/:databaseId', update);

  app.delete('/:databaseId', (c) => {
    const meta = s.d1.get(c.req.param('databaseId'));
    s.d1.remove(meta.uuid);
    return ok(c, null);
  });

  app.post('/:databaseId/query', (c) => runRequest(s, c, queryResult));
  app.post('/:databaseId/raw', (c) => runRequest(s, c, rawResult));

  app.get('/:databaseId/time_travel/bookmark', (c) => {
    const meta = s.d1.get(c.req.param('databaseId'));
    const ts = c.req.query('timestamp');
    const file = s.d1.file(meta.uuid);
    return ok(c, { bookmark: ts ? file.bookmarkAt(parseTimestamp(ts)) : file.currentBookmark() });
  });

  app.post('/:databaseId/time_travel/restore', (c) => {
    const meta = s.d1.get(c.req.param('databaseId'));
    const file = s.d1.file(meta.uuid);
    const ts = c.req.query('timestamp');
    const bookmark = c.req.query('bookmark') ?? (ts ? file.bookmarkAt(parseTimestamp(ts)) : undefined);
    if (!bookmark)
      throw new CfError(
        400,
        7400,
        'Restore needs ?bookmark= or ?timestamp=: get a bookmark from GET …/time_travel/bookmark.',
      );
    const r = file.restore(bookmark);
    return ok(c, { ...r, message: `Database restored to bookmark ${bookmark}` });
  });

  // The import flow `wrangler d1 execute --remote --file` uses: init → PUT the file → ingest (→ poll).
  app.post('/:databaseId/import', async (c) => {
    const meta = s.d1.get(c.req.param('databaseId'));
    const body = await readJson(c);
    const action = body.action;
    if (action === 'init') {
      const etag = requireString(body, 'etag', 7400);
      const filename = `${meta.uuid}-${etag}-${randomBytes(4).toString('hex')}.sql`;
      return ok(c, { success: true, upload_url: `${s.origin()}/__emulator/d1-import/${filename}`, filename });
    }
    if (action === 'ingest') {
      const filename = requireString(body, 'filename', 7400);
      if (!/^[0-9a-f-]+\.sql$/.test(filename)) throw new CfError(400, 7400, `Unknown import file "${filename}".`);
      let sql: string;
      try {
        sql = readFileSync(join(importDir, filename), 'utf8');
      } catch {
        throw new CfError(
          400,
          7400,
          `Import file "${filename}" was not uploaded: PUT it to the upload_url from action "init" first.`,
        );
      }
      const file = s.d1.file(meta.uuid);
      const started = performance.now();
      const results = file.execute(sql);
      rmSync(join(importDir, filename), { force: true });
      const bookmark = file.currentBookmark();
      return ok(c, {
        success: true,
        status: 'complete',
        at_bookmark: bookmark,
        messages: [],
        errors: [],
        result: {
          num_queries: results.length,
          final_bookmark: bookmark,
          meta: {
            duration: performance.now() - started,
            rows_read: results.reduce((a, r) => a + r.meta.rows_read, 0),
            rows_written: results.reduce((a, r) => a + r.meta.rows_written, 0),
            size_after: file.fileSize(),
            changed_db: results.some((r) => r.meta.changed_db),
            changes: results.reduce((a, r) => a + r.meta.changes, 0),
          },
        },
      });
    }
    if (action === 'poll') {
      const file = s.d1.file(meta.uuid);
      return ok(c, {
        success: true,
        status: 'complete',
        at_bookmark: file.currentBookmark(),
        messages: [],
        errors: [],
        result: {
          num_queries: 0,
          final_bookmark: file.currentBookmark(),
          meta: { duration: 0, rows_read: 0, rows_written: 0, size_after: file.fileSize() },
        },
      });
    }
    throw new CfError(400, 7400, `Unknown import action "${String(action)}": use init, ingest or poll.`);
  });

  return app;
}

/** Receives the PUT of an import file (outside /client/v4, like the presigned URL it stands in for). */
export function d1ImportUpload(s: Services): Hono {
  const app = new Hono();
  app.put('/__emulator/d1-import/:filename', async (c) => {
    const filename = c.req.param('filename');
    if (!/^[0-9a-f-]+\.sql$/.test(filename)) return c.text('bad file name', 400);
    const buf = Buffer.from(await c.req.arrayBuffer());
    const dir = join(s.dataDir, 'd1-imports');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, filename), buf);
    return c.body(null, 200, { etag: `"${createHash('md5').update(buf).digest('hex')}"` });
  });
  return app;
}
