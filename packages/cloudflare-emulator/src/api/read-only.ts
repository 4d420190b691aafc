import { join } from 'node:path';
import { constants, DatabaseSync } from 'node:sqlite';
import type { Context, Next } from 'hono';
import { splitSql } from '../d1/split-sql.ts';
import { fail } from '../envelope.ts';
import type { Services } from './context.ts';

/**
 * Read-only tokens: what a Cloudflare API token with only Read permissions (Pages Read, D1 Read, Workers KV Storage
 * Read, Workers Scripts Read, Workers R2 Storage Read, Queues Read, Account Settings Read) may do. Any request with
 * such a token that is not a GET or HEAD is refused the way Cloudflare refuses a token without the permission: 403,
 * code 10000 "Authentication error".
 *
 * Exceptions, requests that only read although they are not GETs:
 * - `POST /graphql` (analytics queries);
 * - `POST …/storage/kv/namespaces/:ns/bulk/get`;
 * - `POST …/d1/database/:id/query` and `/raw` when every statement only reads. D1 Read allows SELECT over the HTTP
 *   API (since May 2025 writes need D1 Edit), which is what `pulumi preview` needs: the migrations provider reads
 *   `d1_migrations` to tell which files are pending. A statement counts as reading when SQLite, compiling it on a
 *   read-only connection to the database, asks for nothing but reads (its authorizer sees only SELECT, READ,
 *   FUNCTION, RECURSIVE and reading PRAGMAs); a statement that cannot be compiled is left to the route, which
 *   fails it the same way without writing.
 *
 * And one GET that is a write: `GET …/pages/projects/:name/upload-token` hands out the JWT that uploads assets, so a
 * read-only token does not get one.
 */
export function readOnlyGuard(s: Services) {
  const readOnly = new Set(s.readOnlyTokens);
  return async (c: Context, next: Next) => {
    if (readOnly.size === 0) return next();
    const token = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
    if (token === undefined || !readOnly.has(token)) return next();
    const method = c.req.method;
    const path = c.req.path;
    if (await readsOnly(s, c, method, path)) return next();
    s.refusedWrites.push({ method, path });
    console.warn(`[emulator] read-only token refused: ${method} ${path}`);
    return fail(c, 403, [
      {
        code: 10000,
        message: `Authentication error: this token is read-only and ${method} ${path} writes (the emulator was started with it in --read-only-token).`,
      },
    ]);
  };
}

const ACCOUNT = '/client/v4/accounts/[^/]+';
const UPLOAD_TOKEN = new RegExp(`^${ACCOUNT}/pages/projects/[^/]+/upload-token/?$`);
const KV_BULK_GET = new RegExp(`^${ACCOUNT}/storage/kv/namespaces/[^/]+/bulk/get/?$`);
const D1_QUERY = new RegExp(`^${ACCOUNT}/d1/database/([^/]+)/(?:query|raw)/?$`);

async function readsOnly(s: Services, c: Context, method: string, path: string): Promise<boolean> {
  if (method === 'GET' || method === 'HEAD') return !UPLOAD_TOKEN.test(path);
  if (method !== 'POST') return false;
  if (path === '/client/v4/graphql' || KV_BULK_GET.test(path)) return true;
  const d1 = D1_QUERY.exec(path);
  if (!d1) return false;
  const meta = s.d1.find(decodeURIComponent(d1[1] as string));
  // An unknown database or a malformed body writes nothing: the route answers with its own 404/400.
  if (!meta) return true;
  let body: unknown;
  try {
    // Hono keeps the body it read, so the route reads the same text again.
    body = JSON.parse(await c.req.text());
  } catch {
    return true;
  }
  const items = Array.isArray((body as { batch?: unknown })?.batch) ? (body as { batch: unknown[] }).batch : [body];
  const statements = items.flatMap((item) => {
    const sql = (item as { sql?: unknown } | null)?.sql;
    return typeof sql === 'string' ? splitSql(sql) : [];
  });
  s.d1.file(meta.uuid); // makes sure the database file exists
  return statementsOnlyRead(join(s.dataDir, 'd1', meta.uuid, 'db.sqlite'), statements);
}

/** Reading PRAGMAs that take an argument (a table or index name, a limit). */
const READING_PRAGMAS_WITH_ARGUMENT = new Set([
  'table_info',
  'table_xinfo',
  'table_list',
  'index_list',
  'index_info',
  'index_xinfo',
  'foreign_key_list',
  'foreign_key_check',
  'integrity_check',
  'quick_check',
]);
/** PRAGMAs that change the database although they take no argument. */
const WRITING_PRAGMAS = new Set(['optimize', 'incremental_vacuum', 'wal_checkpoint', 'shrink_memory']);

const READING_ACTIONS = new Set([
  constants.SQLITE_SELECT,
  constants.SQLITE_READ,
  constants.SQLITE_FUNCTION,
  constants.SQLITE_RECURSIVE,
]);

/** True when SQLite, compiling each statement against the database, is asked for reads only. */
export function statementsOnlyRead(databaseFile: string, statements: readonly string[]): boolean {
  if (statements.length === 0) return true;
  const db = new DatabaseSync(databaseFile, { readOnly: true });
  try {
    let writes = false;
    db.setAuthorizer((action, first, second) => {
      const reads =
        READING_ACTIONS.has(action) ||
        (action === constants.SQLITE_PRAGMA &&
          first !== null &&
          (READING_PRAGMAS_WITH_ARGUMENT.has(first.toLowerCase()) ||
            (second === null && !WRITING_PRAGMAS.has(first.toLowerCase()))));
      if (!reads) writes = true;
      return reads ? constants.SQLITE_OK : constants.SQLITE_DENY;
    });
    for (const sql of statements) {
      try {
        db.prepare(sql);
      } catch {
        // Denied (a write) or not compilable here (a syntax error, a missing table): only the first is refused.
      }
      if (writes) return false;
    }
    return true;
  } finally {
    db.close();
  }
}
